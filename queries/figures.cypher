// Trade, investment and population figures
//
// Every statistic the article gives (trade turnover, investment, rankings,
// population), with its year, value, the countries or groups it is about and
// their role in it. The graph column holds the statistic and what it is about.
//
// @param kind: string = ''
MATCH (s:Statistic)
WHERE $kind = '' OR s.kind = $kind
OPTIONAL MATCH (s)-[about:ABOUT]->(subject)
WITH s, about, subject ORDER BY about.role, subject.name
WITH s, collect(subject.name + ' (' + about.role + ')') AS about,
     [s] + collect(subject) + collect(about) AS graph
RETURN s.year AS year, s.kind AS kind, s.name AS figure,
       coalesce(s.valueUsd, s.value, s.rank) AS value, s.valueText AS asStated, about,
       s.quote AS quote, graph
ORDER BY year, kind, figure
