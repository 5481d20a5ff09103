// Every statement about one entity, with its source
//
// The sentences that introduce the entity and every relationship it takes part
// in, each with the article section and the exact quote, and how sure the article
// is of it: certainty is 'stated', 'inferred' (implied by the sentence's context),
// 'reported, not confirmed' (a report the article says was not confirmed),
// 'according to ...' (a claim the article attributes to a source) or 'estimate'.
// The graph column holds the entity, the relationship and the other entity.
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
  item: r, graph: [x, r, other]} END) AS relationshipFacts
WITH x, [{fact: x.name, quotes: [x.quote] + coalesce(x.otherQuotes, []),
          sections: [x.section] + coalesce(x.otherSections, []), item: x, graph: [x]}]
        + relationshipFacts AS facts
UNWIND facts AS f
UNWIND range(0, size(f.quotes) - 1) AS i
WITH f, f.sections[i] AS section, f.quotes[i] AS quote
WHERE quote IS NOT NULL
RETURN f.fact AS fact, section, quote, coalesce(f.item.inferred, false) AS inferred,
       CASE
         WHEN f.item.confirmed = false THEN 'reported, not confirmed'
         WHEN f.item.inferred THEN 'inferred'
         WHEN f.item.reportedBy IS NOT NULL THEN 'according to ' + f.item.reportedBy
         WHEN f.item.estimate THEN 'estimate'
         ELSE 'stated' END AS certainty,
       f.graph AS graph
ORDER BY section, fact, quote
