// Events within a range of years
//
// Every dated event and agreement from one year to another (inclusive), with
// where it happened, who took part and the sentence that states it.
//
// @param from: int = 2014
// @param to: int = 2019
MATCH (event)
WHERE (event:Event OR event:Agreement) AND event.year >= $from AND event.year <= $to
OPTIONAL MATCH (event)-[:TOOK_PLACE_IN|HOSTED_BY]->(place)
WITH event, place ORDER BY place.name
WITH event, collect(DISTINCT place.name) AS places
OPTIONAL MATCH (event)<-[:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(who)
WITH event, places, who ORDER BY who.name
RETURN event.year AS year, event.date AS date, event.kind AS kind, event.name AS event, places,
       collect(DISTINCT who.name) AS participants, event.quote AS quote
ORDER BY year, date, event
