// Money: announced value of deals per decade and per sector
//
// Agreements with a value and projects with a cost, totalled in US dollars per
// decade and per sector. A deal that spans several sectors counts in each of
// them, so sector totals overlap; decade totals do not.
MATCH (deal)
WHERE (deal:Agreement AND deal.valueUsd IS NOT NULL) OR (deal:Institution AND deal.costUsd IS NOT NULL)
OPTIONAL MATCH (event:Event)-[:CONCERNS]->(deal)
WITH deal, coalesce(deal.valueUsd, deal.costUsd) AS usd, coalesce(deal.year, min(event.year)) AS year
UNWIND [{grouping: 'decade', name: toString(year / 10 * 10) + 's'}]
     + [sector IN coalesce(deal.sectors, [deal.kind]) | {grouping: 'sector', name: sector}] AS bucket
WITH bucket.grouping AS grouping, bucket.name AS bucketName, deal, usd
ORDER BY deal.name
RETURN grouping, bucketName AS bucket, count(deal) AS deals, sum(usd) AS totalUsd,
       collect(deal.name) AS items
ORDER BY grouping, bucket
