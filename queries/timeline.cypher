// Timeline of the relationship
//
// Every dated event and agreement, year by year: its kind, its name, who took
// part (visitors, attendees, actors, parties, signatories, honourees) and the
// countries involved. A country is involved when it, one of its officials or
// institutions, or one of its places took part in the event or is what the event
// happened in or concerns, or in the visit it was part of, what it concerns, led
// to or followed. Narrow the timeline to the years from..to (null: no bound) and
// to the events that involve countryA and countryB ('' for any country).
//
// @param from: int = null
// @param to: int = null
// @param countryA: entity<Country> = ''
// @param countryB: entity<Country> = ''
MATCH (event)
WHERE (event:Event OR event:Agreement) AND event.year IS NOT NULL
  AND ($from IS NULL OR event.year >= $from) AND ($to IS NULL OR event.year <= $to)
OPTIONAL MATCH (event)<-[:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(who)
WITH event, who ORDER BY who.name
WITH event, collect(DISTINCT who.name) AS participants
// The countries involved, from the event and the nodes it points to.
OPTIONAL MATCH (event)-[:PART_OF|LED_TO|FOLLOWED|CONCERNS]->(related)
WITH event, participants, [event] + collect(DISTINCT related) AS context
UNWIND context AS node
OPTIONAL MATCH (node)<-[:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(actor)
WITH event, participants, node, collect(actor) AS actors
OPTIONAL MATCH (node)-[:TOOK_PLACE_IN|HOSTED_BY|CONCERNS|TARGETS|FROM|TO]->(place)
WITH event, participants, node, actors, collect(place) AS places
UNWIND [node] + actors + places AS thing
OPTIONAL MATCH (thing)-[:HELD_OFFICE|OFFICE_OF|BASED_IN|LOCATED_IN*0..3]->(country:Country)
WITH event, participants, country ORDER BY country.name
WITH event, participants, collect(DISTINCT country.name) AS countries
WHERE ($countryA = '' OR $countryA IN countries) AND ($countryB = '' OR $countryB IN countries)
RETURN event.year AS year, event.date AS date, event.kind AS kind, event.name AS event,
       participants, countries
ORDER BY year, date, event
