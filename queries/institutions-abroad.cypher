// Institutions of one country operating in another
//
// What the home country, its institutions and its officials run, opened,
// founded, manage or inaugurated in the host country (airports, universities,
// joint ventures, embassies, parks, cultural centres...), and the city where it
// is. Openings and inaugurations that the home country's officials attended
// without being named as the ones who opened them count too, with the role
// "opening (attended)". An institution the source links to no one in the home
// country (the Korean Cultural Centers in Samarkand, Bukhara and Nukus: the
// article does not say who runs them) is not listed.
//
// @param home: entity<Country> = 'South Korea'
// @param host: entity<Country> = 'Uzbekistan'
MATCH (home:Country {name: $home}), (host:Country {name: $host})
MATCH (thing:Institution)-[:LOCATED_IN*1..3]->(host)
MATCH (thing)-[link:MANAGES|OPENED|FOUNDED|BRANCH_OF|CONCERNS]-(via)
// BRANCH_OF points from the branch to its parent; the others point at the thing.
WHERE (type(link) = 'BRANCH_OF') = (startNode(link) = thing)
// For an event about the thing: who carried it out, or attended the event that
// brought the thing into being (an opening, inauguration, founding or unveiling).
OPTIONAL MATCH (actor)-[took:CARRIED_OUT|ATTENDED]->(via)
WHERE type(link) = 'CONCERNS'
  AND (type(took) = 'CARRIED_OUT' OR via.kind IN ['opening', 'inauguration', 'founding', 'unveiling'])
WITH home, thing, link, via, took, CASE type(link) WHEN 'CONCERNS' THEN actor ELSE via END AS operator
WHERE operator IS NOT NULL
  AND (operator = home
       OR EXISTS { MATCH (operator)-[:BASED_IN]->(home) }
       OR EXISTS { MATCH (operator)-[:HELD_OFFICE]->(:Office)-[:OFFICE_OF]->(home) })
OPTIONAL MATCH (thing)-[:LOCATED_IN*1..2]->(city:City)
RETURN operator.name AS operator,
       CASE type(link)
         WHEN 'CONCERNS' THEN via.kind + CASE type(took) WHEN 'ATTENDED' THEN ' (attended)' ELSE '' END
         WHEN 'BRANCH_OF' THEN 'branch'
         ELSE toLower(type(link)) END AS role,
       thing.name AS institution, thing.kind AS kind, city.name AS city,
       coalesce(via.year, link.since, link.year) AS year,
       CASE type(link) WHEN 'CONCERNS' THEN via.quote ELSE link.quote END AS quote
ORDER BY operator, institution, role
