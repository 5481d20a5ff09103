// Visits by one person, with whom they met and what was signed
//
// Every visit the person made: the host country, the people they met or who
// honoured them during the visit, the agreements signed during it, and the
// events that took place as part of it. The graph column holds the person, the
// visit, its host, its events, the people met and the agreements signed.
//
// @param person: entity<Person> = 'Moon Jae-in'
MATCH (p:Person)
WHERE p.name = $person OR p.key = $person OR $person IN coalesce(p.aliases, [])
MATCH (p)-[made:MADE_VISIT]->(visit:Visit)-[hostedBy:HOSTED_BY]->(host:Country)
OPTIONAL MATCH (visit)<-[:PART_OF]-(:Event)<-[:ATTENDED|CONFERRED|RECEIVED]-(other:Person)
WHERE other <> p
WITH p, visit, host, [p, made, visit, hostedBy, host] AS graph, other ORDER BY other.name
WITH p, visit, host, graph, collect(DISTINCT other.name) AS met, collect(DISTINCT other) AS people
OPTIONAL MATCH (visit)<-[signedDuring:SIGNED_DURING]-(agreement:Agreement)
WITH p, visit, host, graph, met, people, agreement, signedDuring ORDER BY agreement.name
WITH p, visit, host, graph, met, people, collect(agreement.name) AS signed,
     collect(agreement) + collect(signedDuring) AS agreements
OPTIONAL MATCH (visit)<-[partOf:PART_OF]-(part:Event)
OPTIONAL MATCH (part)<-[took:ATTENDED|CONFERRED|RECEIVED]-(person:Person)
WHERE person IN people OR person = p
WITH p, visit, host, graph, met, people, signed, agreements, part, partOf, person, took
ORDER BY person.name, took.key
WITH p, visit, host, graph, met, people, signed, agreements, part, partOf, collect(took) AS partLinks
ORDER BY part.name
WITH p, visit, host, graph, met, people, signed, agreements, collect(part.name) AS during,
     collect(part) + collect(partOf) + reduce(acc = [], x IN collect(partLinks) | acc + x) AS parts
RETURN visit.year AS year, p.name AS person, host.name AS host, met, signed, during,
       visit.quote AS quote, graph + people + agreements + parts AS graph
ORDER BY year
