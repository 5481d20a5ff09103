// Who held which office, and who succeeded whom
//
// Presidents, prime ministers, deputy prime ministers and mayors: the years the
// article shows each holder in office, and the predecessor or successor the
// article names. The graph column holds the holder, the office, its country or city,
// and the predecessor or successor.
//
// @param country: entity<Country> = ''
MATCH (holder:Person)-[held:HELD_OFFICE]->(office:Office)-[officeOf:OFFICE_OF]->(place)
WHERE $country = '' OR place.name = $country
   OR EXISTS { MATCH (place)-[:LOCATED_IN]->(c:Country) WHERE c.name = $country }
OPTIONAL MATCH (holder)-[s:SUCCEEDED {office: office.name}]->(predecessor:Person)
OPTIONAL MATCH (successor:Person)-[t:SUCCEEDED {office: office.name}]->(holder)
RETURN office.name AS office, place.name AS jurisdiction, holder.name AS holder,
       held.years AS years, predecessor.name AS succeeded, successor.name AS succeededBy,
       held.quote AS quote,
       [x IN [holder, held, office, officeOf, place, s, predecessor, t, successor] WHERE x IS NOT NULL]
         AS graph
ORDER BY office, coalesce(held.years[0], 9999), holder
