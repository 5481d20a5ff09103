// People who met counterparts from the other country
//
// People of either country who took part in an event or signed an agreement
// together with someone from the other country, ranked by the number of such
// occasions, with the counterparts they met. The graph column holds the person,
// the occasions and the counterparts, with how each took part.
//
// @param countryA: entity<Country> = 'South Korea'
// @param countryB: entity<Country> = 'Uzbekistan'
MATCH (p:Person)-[pr:ATTENDED|CONFERRED|RECEIVED|SIGNED]->(occasion)<-[qr:ATTENDED|CONFERRED|RECEIVED|SIGNED]-(q:Person)
MATCH (p)-[:HELD_OFFICE]->(:Office)-[:OFFICE_OF]->()-[:LOCATED_IN*0..1]->(pc:Country)
MATCH (q)-[:HELD_OFFICE]->(:Office)-[:OFFICE_OF]->()-[:LOCATED_IN*0..1]->(qc:Country)
WHERE pc.name IN [$countryA, $countryB] AND qc.name IN [$countryA, $countryB] AND pc <> qc
WITH DISTINCT p, pc, q, occasion, pr, qr
ORDER BY q.name, occasion.key, pr.key, qr.key
WITH p, pc, count(DISTINCT occasion) AS occasions, collect(DISTINCT q.name) AS counterparts,
     [p] + collect(DISTINCT occasion) + collect(DISTINCT q) + collect(DISTINCT pr)
       + collect(DISTINCT qr) AS graph
RETURN p.name AS person, pc.name AS country, occasions, counterparts, graph
ORDER BY occasions DESC, person
