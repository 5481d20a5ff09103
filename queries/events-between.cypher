// Events within a range of years
//
// Every dated event and agreement from one year to another (inclusive), with
// where it happened, who took part and the sentence that states it. An event the
// article dates only roughly ("the late 1930s": yearFrom..yearTo) has no year and
// is listed when its range overlaps from..to; its date says the range. The graph
// column holds the event, its places and participants, and how they are linked.
//
// @param from: int = 2014
// @param to: int = 2019
MATCH (event)
WHERE (event:Event OR event:Agreement)
  AND coalesce(event.yearTo, event.year) >= $from AND coalesce(event.yearFrom, event.year) <= $to
OPTIONAL MATCH (event)-[at:TOOK_PLACE_IN|HOSTED_BY]->(place)
WITH event, place, at ORDER BY place.name, at.key
WITH event, collect(DISTINCT place.name) AS places, [event] + collect(place) + collect(at) AS graph
OPTIONAL MATCH (event)<-[took:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(who)
WITH event, places, graph, who, took ORDER BY who.name, took.key
WITH event, places, graph, collect(DISTINCT who.name) AS participants,
     collect(who) + collect(took) AS takingPart, coalesce(event.year, event.yearFrom) AS sortYear
RETURN event.year AS year,
       coalesce(event.date, event.dateText + ' (' + toString(event.yearFrom) + '–'
                + toString(event.yearTo) + ')') AS date,
       event.kind AS kind, event.name AS event, places, participants, event.quote AS quote,
       graph + takingPart AS graph
ORDER BY sortYear, date, event
