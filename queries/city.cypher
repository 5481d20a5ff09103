// Everything in one city, and what happened there
//
// The institutions and places located in the city (directly or inside another
// place there), and the events that took place in the city or at one of them.
// The graph column holds each of them with the way it is tied to the city.
//
// @param city: entity<City> = 'Tashkent'
MATCH (city:City)
WHERE city.name = $city OR city.key = $city OR $city IN coalesce(city.aliases, [])
OPTIONAL MATCH located = (thing)-[:LOCATED_IN*1..2]->(city)
WITH city, thing, located ORDER BY thing.key, [r IN relationships(located) | r.key]
WITH city, collect(DISTINCT thing) AS things, collect(located) AS locations
OPTIONAL MATCH (event:Event)-[tookPlace:TOOK_PLACE_IN]->(place)
WHERE place = city OR place IN things
WITH city, things, locations, event, tookPlace ORDER BY event.key, tookPlace.key
WITH city, things, locations, collect(DISTINCT event) AS events, collect(tookPlace) AS held
UNWIND [t IN things | {what: 'located here', name: t.name, kind: t.kind, year: null, quote: t.quote,
                      graph: [p IN locations WHERE nodes(p)[0] = t]}]
     + [e IN events | {what: 'happened here', name: e.name, kind: e.kind, year: e.year, quote: e.quote,
                       graph: [e] + [r IN held WHERE startNode(r) = e | [r, endNode(r)]]}]
     AS row
RETURN row.what AS what, row.year AS year, row.name AS name, row.kind AS kind, row.quote AS quote,
       row.graph AS graph
ORDER BY what, year, name
