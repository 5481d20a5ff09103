// Agreements, deals and contracts in time order
//
// Every declaration, deal, contract and trade agreement, oldest first (undated
// ones last), with its value in US dollars as a number and in the article's
// words, the parties, the people who signed it and the contractor it was awarded
// to. The graph column holds the agreement, its parties, signatories and contractor.
//
// @param party: entity = ''
MATCH (agreement:Agreement)
WHERE $party = '' OR EXISTS {
  MATCH (p)-[:PARTY_TO]->(agreement) WHERE p.name = $party OR p.key = $party
}
OPTIONAL MATCH (party)-[partyTo:PARTY_TO]->(agreement)
WITH agreement, party, partyTo ORDER BY party.name
WITH agreement, collect(party.name) AS parties, [agreement] + collect(party) + collect(partyTo) AS graph
OPTIONAL MATCH (signer:Person)-[signed:SIGNED]->(agreement)
WITH agreement, parties, graph, signer, signed ORDER BY signer.name
WITH agreement, parties, graph, collect(signer.name) AS signatories,
     collect(signer) + collect(signed) AS signing
OPTIONAL MATCH (agreement)-[awarded:AWARDED_TO]->(contractor)
RETURN agreement.year AS year, agreement.date AS date, agreement.name AS agreement,
       agreement.kind AS kind, agreement.valueUsd AS valueUsd, agreement.valueText AS value,
       parties, signatories, contractor.name AS awardedTo, agreement.quote AS quote,
       graph + signing + [x IN [awarded, contractor] WHERE x IS NOT NULL] AS graph
ORDER BY year, date, agreement
