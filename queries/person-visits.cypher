// Visits by one person, with whom they met and what was signed
//
// Every visit the person made: the host country, the people they met or who
// honoured them during the visit, the agreements signed during it, and the
// events that took place as part of it.
//
// @param person: entity<Person> = 'Moon Jae-in'
MATCH (p:Person)
WHERE p.name = $person OR p.key = $person OR $person IN coalesce(p.aliases, [])
MATCH (p)-[:MADE_VISIT]->(visit:Visit)-[:HOSTED_BY]->(host:Country)
OPTIONAL MATCH (visit)<-[:PART_OF]-(:Event)<-[:ATTENDED|CONFERRED|RECEIVED]-(other:Person)
WHERE other <> p
WITH p, visit, host, other ORDER BY other.name
WITH p, visit, host, collect(DISTINCT other.name) AS met
OPTIONAL MATCH (visit)<-[:SIGNED_DURING]-(agreement:Agreement)
WITH p, visit, host, met, agreement ORDER BY agreement.name
WITH p, visit, host, met, collect(agreement.name) AS signed
OPTIONAL MATCH (visit)<-[:PART_OF]-(part:Event)
WITH p, visit, host, met, signed, part ORDER BY part.name
RETURN visit.year AS year, p.name AS person, host.name AS host, met, signed,
       collect(part.name) AS during, visit.quote AS quote
ORDER BY year
