// Money: announced value of deals per decade and per sector
//
// Agreements with a value and projects with a cost, totalled in US dollars per
// decade and per sector. A deal that spans several sectors counts in each of
// them, so sector totals overlap; decade totals do not. A project's year is that
// of the first event about it. Narrow it to the years from..to (null: no bound)
// and to the deals that involve countryA and countryB ('' for any country): a
// country is involved when it, one of its officials or institutions, or one of
// its places is a party to the deal, was awarded it, is where it is, or took
// part in an event about it.
//
// @param from: int = null
// @param to: int = null
// @param countryA: entity<Country> = ''
// @param countryB: entity<Country> = ''
MATCH (deal)
WHERE (deal:Agreement AND deal.valueUsd IS NOT NULL) OR (deal:Institution AND deal.costUsd IS NOT NULL)
OPTIONAL MATCH (event:Event)-[:CONCERNS]->(deal)
WITH deal, coalesce(deal.valueUsd, deal.costUsd) AS usd, coalesce(deal.year, min(event.year)) AS year,
     [deal] + collect(DISTINCT event) AS context
WHERE ($from IS NULL OR year >= $from) AND ($to IS NULL OR year <= $to)
// The countries involved, from the deal and the events about it.
UNWIND context AS node
OPTIONAL MATCH (node)<-[:ATTENDED|CARRIED_OUT|PARTY_TO|SIGNED]-(actor)
WITH deal, usd, year, node, collect(actor) AS actors
OPTIONAL MATCH (node)-[:TOOK_PLACE_IN|LOCATED_IN|AWARDED_TO]->(linked)
WITH deal, usd, year, node, actors, collect(linked) AS links
UNWIND [node] + actors + links AS thing
OPTIONAL MATCH (thing)-[:HELD_OFFICE|OFFICE_OF|BASED_IN|LOCATED_IN*0..3]->(country:Country)
WITH deal, usd, year, collect(DISTINCT country.name) AS countries
WHERE ($countryA = '' OR $countryA IN countries) AND ($countryB = '' OR $countryB IN countries)
UNWIND [{grouping: 'decade', name: toString(year / 10 * 10) + 's'}]
     + [sector IN coalesce(deal.sectors, [deal.kind]) | {grouping: 'sector', name: sector}] AS bucket
WITH bucket.grouping AS grouping, bucket.name AS bucketName, deal, usd
ORDER BY deal.name
RETURN grouping, bucketName AS bucket, count(deal) AS deals, sum(usd) AS totalUsd,
       collect(deal.name) AS items
ORDER BY grouping, bucket
