// Institutions of one country operating in another
//
// Each institution in the host country that the home country, its institutions
// or its national officials run, opened, founded, were selected to manage or
// inaugurated (airports, universities, joint ventures, embassies, parks,
// monuments, cultural centres...), once, with every operator and role the article
// gives, the city where it is, the earliest year and the sentences. Openings and
// inaugurations that a national official attended without being named as the one
// who opened them count, with the role "opening (attended)"; a city official's
// attendance does not make an institution the country's. A cultural centre of the
// home country's culture counts with no operator where the article names none
// (the Korean Cultural Centers in Samarkand, Bukhara and Nukus). A role resting on
// an inference is marked "(inferred)"; inferred is true when every tie of the
// institution to the home country rests on one (a role, or an operator's home that
// the article implies). The graph column holds the institutions, the operators and
// the relationships between them.
//
// @param home: entity<Country> = 'South Korea'
// @param host: entity<Country> = 'Uzbekistan'
MATCH (home:Country {name: $home}), (host:Country {name: $host})
MATCH (thing:Institution)-[:LOCATED_IN*1..3]->(host)
MATCH (thing)-[link:MANAGES|SELECTED_TO_MANAGE|OPENED|FOUNDED|BRANCH_OF|CONCERNS|PROMOTES_CULTURE_OF]-(via)
// BRANCH_OF and PROMOTES_CULTURE_OF point from the thing; the others point at it.
WHERE (type(link) IN ['BRANCH_OF', 'PROMOTES_CULTURE_OF']) = (startNode(link) = thing)
// For an event about the thing: who carried it out, or attended the event that
// brought the thing into being (an opening, inauguration, founding or unveiling).
OPTIONAL MATCH (actor)-[took:CARRIED_OUT|ATTENDED]->(via)
WHERE type(link) = 'CONCERNS'
  AND (type(took) = 'CARRIED_OUT' OR via.kind IN ['opening', 'inauguration', 'founding', 'unveiling'])
WITH home, thing, link, via, took,
     CASE type(link) WHEN 'CONCERNS' THEN actor WHEN 'PROMOTES_CULTURE_OF' THEN null ELSE via END
       AS operator
WITH home, thing, link, via, took, operator, coalesce(operator, CASE WHEN type(link) =
       'PROMOTES_CULTURE_OF' THEN via END) AS tie
WHERE tie IS NOT NULL
  AND (tie = home
       OR EXISTS { MATCH (tie)-[:BASED_IN]->(home) }
       OR EXISTS { MATCH (tie)-[:HELD_OFFICE]->(:Office)-[:OFFICE_OF]->(home) })
OPTIONAL MATCH (tie)-[based:BASED_IN]->(home)
WITH thing, link, via, took, operator, based,
     CASE type(link)
       WHEN 'CONCERNS' THEN via.kind + CASE type(took) WHEN 'ATTENDED' THEN ' (attended)' ELSE '' END
       WHEN 'BRANCH_OF' THEN 'branch'
       WHEN 'PROMOTES_CULTURE_OF' THEN 'cultural centre'
       ELSE replace(toLower(type(link)), '_', ' ') END
     + CASE WHEN link.inferred THEN ' (inferred)' ELSE '' END AS role,
     CASE WHEN link.inferred OR based.inferred THEN 1 ELSE 0 END AS tieInferred,
     CASE type(link) WHEN 'CONCERNS' THEN via.quote ELSE link.quote END AS quote
ORDER BY operator.name, role, quote, link.key, via.key, took.key
WITH thing, collect(DISTINCT operator.name) AS operators, collect(DISTINCT role) AS roles,
     min(coalesce(via.year, link.since, link.year)) AS year, collect(DISTINCT quote) AS quotes,
     min(tieInferred) = 1 AS inferred,
     [thing] + collect(DISTINCT operator) + collect(DISTINCT link) + collect(DISTINCT via)
       + collect(DISTINCT took) + collect(DISTINCT based) AS graph
OPTIONAL MATCH (thing)-[:LOCATED_IN*1..2]->(city:City)
WITH thing, operators, roles, year, quotes, inferred, graph, collect(DISTINCT city.name) AS cities
RETURN thing.name AS institution, thing.kind AS kind, cities[0] AS city, operators, roles, year,
       inferred, quotes, graph
ORDER BY institution
