// Honours: who received what, when, and from whom
//
// Honorary citizenships and other honours: the recipient, the title, the year,
// who conferred it and the office they held then, and the visit it belonged to.
// The graph column holds these people, the honour, the office and the visit.
//
// @param title: string = ''
MATCH (recipient:Person)-[received:RECEIVED]->(honour:Honour)
WHERE $title = '' OR honour.title = $title
OPTIONAL MATCH (conferrer:Person)-[conferred:CONFERRED]->(honour)
OPTIONAL MATCH (conferrer)-[held:HELD_OFFICE]->(office:Office)
WHERE honour.year IN held.years
OPTIONAL MATCH (honour)-[partOf:PART_OF]->(visit:Visit)
RETURN honour.year AS year, recipient.name AS recipient, honour.title AS title,
       conferrer.name AS conferredBy, office.name AS conferrerOffice, visit.name AS duringVisit,
       honour.quote AS quote,
       [x IN [recipient, received, honour, conferrer, conferred, held, office, partOf, visit]
        WHERE x IS NOT NULL] AS graph
ORDER BY year, recipient
