// Schema overview: labels and relationship types
//
// How many nodes carry each label and how many relationships have each type.
MATCH (n)
UNWIND labels(n) AS label
WITH label, count(*) AS total
ORDER BY label
WITH collect({kind: 'label', name: label, count: total}) AS labelRows
OPTIONAL MATCH ()-[r]->()
WITH labelRows, type(r) AS relType, count(r) AS total
ORDER BY relType
WITH labelRows, collect({kind: 'relationship type', name: relType, count: total}) AS typeRows
UNWIND labelRows + [row IN typeRows WHERE row.name IS NOT NULL] AS row
RETURN row.kind AS kind, row.name AS name, row.count AS count
ORDER BY kind, count DESC, name
