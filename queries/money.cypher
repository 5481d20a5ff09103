// Money: value of signed deals and cost of projects, per decade and per sector
//
// Two measures, never added together: the announced value of agreements (deal
// value) and the cost of projects (project cost), each totalled in US dollars per
// decade and per sector. The article does not split a deal's value among its
// sectors, so a deal that spans several counts once, in a bucket that names them
// all ('trade + investment + ...'): sector totals add up to decade totals. A
// project's year is that of the first event about it. Narrow it to the years
// from..to (null: no bound) and to the deals that involve countryA and countryB
// ('' for any country): a country is involved when it, one of its officials or
// institutions, or one of its places is a party to the deal, was awarded it, is
// where it is, or took part in an event about it. The graph column holds the deals.
//
// @param from: int = null
// @param to: int = null
// @param countryA: entity<Country> = ''
// @param countryB: entity<Country> = ''
MATCH (deal)
WHERE (deal:Agreement AND deal.valueUsd IS NOT NULL) OR (deal:Institution AND deal.costUsd IS NOT NULL)
OPTIONAL MATCH (event:Event)-[:CONCERNS]->(deal)
WITH deal, coalesce(deal.year, min(event.year)) AS year, [deal] + collect(DISTINCT event) AS context
WHERE ($from IS NULL OR year >= $from) AND ($to IS NULL OR year <= $to)
// The countries involved, from the deal and the events about it.
UNWIND context AS node
OPTIONAL MATCH (node)<-[:ATTENDED|CARRIED_OUT|PARTY_TO|SIGNED]-(actor)
WITH deal, year, node, collect(actor) AS actors
OPTIONAL MATCH (node)-[:TOOK_PLACE_IN|LOCATED_IN|AWARDED_TO]->(linked)
WITH deal, year, node, actors, collect(linked) AS links
UNWIND [node] + actors + links AS thing
OPTIONAL MATCH (thing)-[:HELD_OFFICE|OFFICE_OF|BASED_IN|LOCATED_IN*0..3]->(country:Country)
WITH deal, year, collect(DISTINCT country.name) AS countries
WHERE ($countryA = '' OR $countryA IN countries) AND ($countryB = '' OR $countryB IN countries)
WITH deal, year,
     CASE WHEN deal:Agreement THEN 'deal value' ELSE 'project cost' END AS measure,
     coalesce(deal.valueUsd, deal.costUsd) AS usd,
     reduce(name = '', sector IN coalesce(deal.sectors, [deal.kind]) |
            name + CASE name WHEN '' THEN '' ELSE ' + ' END + sector) AS sectors
UNWIND [{grouping: 'decade', name: toString(year / 10 * 10) + 's'},
        {grouping: 'sector', name: sectors}] AS bucket
WITH measure, bucket.grouping AS grouping, bucket.name AS bucketName, deal, usd
ORDER BY deal.name
RETURN measure, grouping, bucketName AS bucket, count(deal) AS deals, sum(usd) AS totalUsd,
       collect(deal.name) AS items, collect(deal) AS graph
ORDER BY measure, grouping, bucket
