// The network around one entity
//
// Every node within `depth` hops of the entity (in either direction) and every
// relationship among them, one row per relationship, with the nodes and the
// relationship as graph values for `relgraph view --query ego-network`.
//
// @param name: entity = 'Islam Karimov'
// @param depth: int = 1
MATCH (center)
WHERE center.name = $name OR center.key = $name OR $name IN coalesce(center.aliases, [])
MATCH (other)
WHERE other <> center
OPTIONAL MATCH path = shortestPath((center)-[*..12]-(other))
WITH center, other, path
WHERE path IS NOT NULL AND length(path) <= $depth
WITH center, collect(other) AS others
WITH [center] + others AS members
UNWIND members AS a
MATCH (a)-[r]->(b)
WHERE b IN members
RETURN a.name AS source, type(r) AS relationship, b.name AS target, a AS sourceNode, r AS rel,
       b AS targetNode
ORDER BY source, relationship, target, r.key
