// Everything in one city, and what happened there
//
// The institutions and places located in the city (directly or inside another
// place there), and the events that took place in the city or at one of them.
//
// @param city: entity<City> = 'Tashkent'
MATCH (city:City)
WHERE city.name = $city OR city.key = $city OR $city IN coalesce(city.aliases, [])
OPTIONAL MATCH (thing)-[:LOCATED_IN*1..2]->(city)
WITH city, collect(DISTINCT thing) AS things
OPTIONAL MATCH (event:Event)-[:TOOK_PLACE_IN]->(place)
WHERE place = city OR place IN things
WITH city, things, collect(DISTINCT event) AS events
UNWIND [t IN things | {what: 'located here', name: t.name, kind: t.kind, year: null, quote: t.quote}]
     + [e IN events | {what: 'happened here', name: e.name, kind: e.kind, year: e.year, quote: e.quote}]
     AS row
RETURN row.what AS what, row.year AS year, row.name AS name, row.kind AS kind, row.quote AS quote
ORDER BY what, year, name
