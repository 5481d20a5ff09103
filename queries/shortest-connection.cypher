// How two entities are connected
//
// The shortest chain of relationships between two entities (by key, name or
// alias), step by step with the direction and the sentence behind each step.
// Among equally short chains, the first by the keys along it is shown. The graph
// column holds each step: its relationship and the two entities it links.
//
// @param source: entity = 'Islam Karimov'
// @param target: entity = 'Incheon International Airport Corporation'
MATCH (a)
WHERE a.name = $source OR a.key = $source OR $source IN coalesce(a.aliases, [])
MATCH (b)
WHERE b.name = $target OR b.key = $target OR $target IN coalesce(b.aliases, [])
MATCH path = allShortestPaths((a)-[*..12]-(b))
WITH path
ORDER BY [n IN nodes(path) | n.key], [r IN relationships(path) | r.key]
LIMIT 1
WITH nodes(path) AS ns, relationships(path) AS rs
UNWIND range(0, size(rs) - 1) AS i
RETURN i + 1 AS step, ns[i].name AS source,
       CASE WHEN startNode(rs[i]) = ns[i] THEN '-[' + type(rs[i]) + ']->'
            ELSE '<-[' + type(rs[i]) + ']-' END AS relationship,
       ns[i + 1].name AS target, rs[i].quote AS quote, [ns[i], rs[i], ns[i + 1]] AS graph
ORDER BY step
