// Visits between two countries, year by year
//
// Every visit that one country's leaders made to the other, in either direction:
// who went, the office they held that year, where they came from, the host
// country, the city where the article names one, and the sentence that states it.
// The graph column holds the visitor, the visit, the host, the office and the city.
//
// @param countryA: entity<Country> = 'South Korea'
// @param countryB: entity<Country> = 'Uzbekistan'
MATCH (visitor:Person)-[made:MADE_VISIT]->(visit:Visit)-[hostedBy:HOSTED_BY]->(host:Country)
WHERE host.name IN [$countryA, $countryB]
OPTIONAL MATCH (visitor)-[held:HELD_OFFICE]->(office:Office)-[officeOf:OFFICE_OF]->(home:Country)
WHERE visit.year IN held.years AND home.name IN [$countryA, $countryB] AND home <> host
OPTIONAL MATCH (visit)-[tookPlace:TOOK_PLACE_IN]->(city:City)
RETURN visit.year AS year, visit.date AS date, visitor.name AS visitor, office.name AS office,
       home.name AS visitorCountry, host.name AS host, city.name AS city,
       visit.visitType AS visitType, visit.durationDays AS days, visit.quote AS quote,
       [x IN [visitor, made, visit, hostedBy, host, held, office, officeOf, home, tookPlace, city]
        WHERE x IS NOT NULL] AS graph
ORDER BY year, date, visitor
