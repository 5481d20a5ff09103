// Agreements, deals and contracts in time order
//
// Every declaration, deal, contract and trade agreement, oldest first (undated
// ones last), with its value in US dollars as a number and in the article's
// words, the parties, the people who signed it and the contractor it was awarded to.
//
// @param party: entity = ''
MATCH (agreement:Agreement)
WHERE $party = '' OR EXISTS {
  MATCH (p)-[:PARTY_TO]->(agreement) WHERE p.name = $party OR p.key = $party
}
OPTIONAL MATCH (party)-[:PARTY_TO]->(agreement)
WITH agreement, party ORDER BY party.name
WITH agreement, collect(party.name) AS parties
OPTIONAL MATCH (signer:Person)-[:SIGNED]->(agreement)
WITH agreement, parties, signer ORDER BY signer.name
WITH agreement, parties, collect(signer.name) AS signatories
OPTIONAL MATCH (agreement)-[:AWARDED_TO]->(contractor)
RETURN agreement.year AS year, agreement.date AS date, agreement.name AS agreement,
       agreement.kind AS kind, agreement.valueUsd AS valueUsd, agreement.valueText AS value,
       parties, signatories, contractor.name AS awardedTo, agreement.quote AS quote
ORDER BY year, date, agreement
