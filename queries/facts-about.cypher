// Every statement about one entity, with its source
//
// The sentences that introduce the entity and every relationship it takes part
// in, each with the article section and the exact quote (relationships the
// article implies from context are flagged as inferred).
//
// @param name: entity = 'Navoi'
MATCH (x)
WHERE x.name = $name OR x.key = $name OR $name IN coalesce(x.aliases, [])
OPTIONAL MATCH (x)-[r]-(other)
WITH x, collect(CASE WHEN r IS NULL THEN null ELSE {
  fact: CASE WHEN startNode(r) = x THEN x.name + ' ' + type(r) + ' ' + other.name
             ELSE other.name + ' ' + type(r) + ' ' + x.name END,
  quotes: [r.quote] + coalesce(r.otherQuotes, []),
  sections: [r.section] + coalesce(r.otherSections, []),
  inferred: coalesce(r.inferred, false)} END) AS relationshipFacts
WITH x, [{fact: x.name, quotes: [x.quote] + coalesce(x.otherQuotes, []),
          sections: [x.section] + coalesce(x.otherSections, []), inferred: false}]
        + relationshipFacts AS facts
UNWIND facts AS f
UNWIND range(0, size(f.quotes) - 1) AS i
WITH f, f.sections[i] AS section, f.quotes[i] AS quote
WHERE quote IS NOT NULL
RETURN f.fact AS fact, section, quote, f.inferred AS inferred
ORDER BY section, fact, quote
