// Timeline of the relationship
//
// Every dated event and agreement, year by year: its kind, its name, who took
// part (visitors, attendees, actors, parties, signatories, honourees) and the
// countries involved. A country is involved when it, one of its officials or
// institutions, or one of its places took part in the event or is what the event
// happened in, concerns or was awarded to, or in the visit it was part of, what it concerns, led
// to or followed. Narrow the timeline to the years from..to (null: no bound) and
// to the events that involve countryA and countryB ('' for any country). An event
// the article dates only roughly ("the late 1930s": yearFrom..yearTo) has no year;
// its date says the range, it sorts by its first year, and it is in a range of
// years that overlaps its own. The graph column holds the events and participants.
//
// @param from: int = null
// @param to: int = null
// @param countryA: entity<Country> = ''
// @param countryB: entity<Country> = ''
MATCH (event)
WHERE (event:Event OR event:Agreement) AND coalesce(event.year, event.yearFrom) IS NOT NULL
  AND ($from IS NULL OR coalesce(event.yearTo, event.year) >= $from)
  AND ($to IS NULL OR coalesce(event.yearFrom, event.year) <= $to)
OPTIONAL MATCH (event)<-[took:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(who)
WITH event, who, took ORDER BY who.name, took.key
WITH event, collect(DISTINCT who.name) AS participants, [event] + collect(who) + collect(took) AS graph
// The countries involved, from the event and the nodes it points to.
OPTIONAL MATCH (event)-[:PART_OF|LED_TO|FOLLOWED|CONCERNS]->(related)
WITH event, participants, graph, [event] + collect(DISTINCT related) AS context
UNWIND context AS node
OPTIONAL MATCH (node)<-[:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(actor)
WITH event, participants, graph, node, collect(actor) AS actors
OPTIONAL MATCH (node)-[:TOOK_PLACE_IN|HOSTED_BY|CONCERNS|TARGETS|FROM|TO|AWARDED_TO]->(place)
WITH event, participants, graph, node, actors, collect(place) AS places
UNWIND [node] + actors + places AS thing
OPTIONAL MATCH (thing)-[:HELD_OFFICE|OFFICE_OF|BASED_IN|LOCATED_IN*0..3]->(country:Country)
WITH event, participants, graph, country ORDER BY country.name
WITH event, participants, graph, collect(DISTINCT country.name) AS countries
WHERE ($countryA = '' OR $countryA IN countries) AND ($countryB = '' OR $countryB IN countries)
WITH event, participants, countries, graph, coalesce(event.year, event.yearFrom) AS sortYear
RETURN event.year AS year,
       coalesce(event.date, event.dateText + ' (' + toString(event.yearFrom) + '–'
                + toString(event.yearTo) + ')') AS date,
       event.kind AS kind, event.name AS event, participants, countries, graph
ORDER BY sortYear, date, event
