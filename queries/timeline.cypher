// Timeline of the relationship
//
// Every dated event and agreement, year by year: its kind, its name and who took
// part (visitors, attendees, actors, parties, signatories, honourees).
MATCH (event)
WHERE (event:Event OR event:Agreement) AND event.year IS NOT NULL
OPTIONAL MATCH (event)<-[:MADE_VISIT|ATTENDED|CARRIED_OUT|RECEIVED|CONFERRED|PARTY_TO|SIGNED]-(who)
WITH event, who ORDER BY who.name
WITH event, collect(DISTINCT who.name) AS participants
RETURN event.year AS year, event.date AS date, event.kind AS kind, event.name AS event,
       participants
ORDER BY year, date, event
