// Facts the article implies rather than states
//
// Relationships marked `inferred`: the quoted sentence implies them from its
// context (for example that Tashkent is in Uzbekistan). Review these first when
// the exact wording of the source matters. The graph column holds the relationship
// and its two ends.
MATCH (a)-[r]->(b)
WHERE r.inferred = true
RETURN a.name AS source, type(r) AS relationship, b.name AS target, r.section AS section,
       r.quote AS quote, [a, r, b] AS graph
ORDER BY relationship, source, target
