"""The curated article data: every quote verbatim, every reference defined, the facts right.

The first two checks read the YAML directly (not through the loader), so a
loader bug cannot hide a bad quote; the rest check facts against the article.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import yaml

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import NodeSpec
from relgraph.loaders.curated import read_curated

from .conftest import ARTICLE_TEXT, ARTICLE_YAML

ARTICLE = ARTICLE_TEXT.read_text(encoding="utf-8")
RAW = yaml.safe_load(ARTICLE_YAML.read_text(encoding="utf-8"))


def walk(value, path="$"):
    """Every (path, mapping) in the raw YAML document."""
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")


def test_every_quote_occurs_verbatim_in_the_article():
    quotes = [(path, m["quote"]) for path, m in walk(RAW) if "quote" in m]
    assert len(quotes) >= 200
    missing = [(path, q) for path, q in quotes if q not in ARTICLE]
    assert not missing, missing


def test_every_referenced_entity_is_defined():
    keys = {n["key"] for n in RAW["nodes"]}
    refs = [(path, m[end]) for path, m in walk(RAW) for end in ("to", "from") if end in m]
    assert refs
    undefined = [(path, key) for path, key in refs if key not in keys]
    assert not undefined, undefined


def test_node_keys_are_unique():
    keys = [n["key"] for n in RAW["nodes"]]
    assert len(keys) == len(set(keys))


# Names as the article spells them; each must be a node's name or alias.
NAMED_IN_ARTICLE = [
    # people
    "Islam Karimov", "Lee Myung-bak", "Kim Young-sam", "Roh Moo-hyun", "Park Geun-hye",
    "Shavkat Mirziyoyev", "Miriziyoyev", "Moon Jae-in", "Park Won-soon", "Hwang Kyo-ahn",
    "Aler Ganiev", "Hong Nam-ki", "Rakhmonbek Usmanov",
    # countries and unions
    "South Korea", "Uzbekistan", "North Korea", "China", "Japan", "Russia", "United States",
    "U.S", "Kazakhstan", "Canada", "Soviet Union", "European Union",
    "Commonwealth of Independent States",
    # places
    "Tashkent", "Seoul", "Navoi", "Navoiy", "Angren", "Samarkand", "Bukhara", "Nukus",
    "Asia-Pacific", "Central Asia", "Karakalpakstan", "Khorezm region", "Soviet Far East",
    "Uzbek SSR", "Seoul Park",
    # institutions
    "KBS News", "Oliy Majlis", "Korean Air Cargo", "Korean Air", "Hanjin Group",
    "Navoiy International Airport", "Ustyurt Gas Chemical Complex", "LG CNS Uzbekistan",
    "Incheon International Airport Corporation", "IIAC", "Urgench Airport",
    "International Civil Aviation Organization", "ICAO", "Inha University",
    "Yeoju Institute of Technology", "Yeoju Technical Institute in Tashkent",
    "House of Korean Culture and Art", "Korean Culture and Art House",
    "Korea Culture Association", "Overseas Koreans Foundation", "Chinese Embassy in Uzbekistan",
    # other named things
    "Koryo-saram", "Korea Train Express", "KTX", "STEP",
    "Agreement for Sustainable Trade and Economic Partnership", "Andijan unrest",
    "13th Central Asia-South Korea Cooperation Forum",
]


@pytest.mark.parametrize("name", NAMED_IN_ARTICLE)
def test_every_named_entity_is_a_node(name, article_store):
    assert name in ARTICLE, f"test list error: {name!r} is not in the article"
    assert article_store.find(name), f"no node named or aliased {name!r}"


def nodes_by_key(store):
    return {n["key"]: n for n in store.nodes()}


def rels(store, rel_type):
    return [r for r in store.relationships([rel_type])]


def test_karimov_made_eight_official_visits_to_south_korea(article_store):
    visits = [r.end_node for r in rels(article_store, "MADE_VISIT")
              if r.start_node["key"] == "islam-karimov"]
    assert sorted(v["year"] for v in visits) == [1992, 1995, 1999, 2006, 2008, 2010, 2012, 2015]
    assert all("Visit" in v.labels and v["visitType"] == "official" for v in visits)
    hosts = {r.start_node["key"]: r.end_node["key"] for r in rels(article_store, "HOSTED_BY")}
    assert {hosts[v["key"]] for v in visits} == {"south-korea"}


def test_visits_to_uzbekistan_by_south_korean_leaders(article_store):
    visits = {(r.start_node["name"], r.end_node["year"]) for r in rels(article_store, "MADE_VISIT")}
    expected = {("Kim Young-sam", 1994), ("Roh Moo-hyun", 2004), ("Lee Myung-bak", 2009),
                ("Lee Myung-bak", 2011), ("Park Geun-hye", 2014), ("Hwang Kyo-ahn", 2016),
                ("Moon Jae-in", 2019), ("Shavkat Mirziyoyev", 2017)}
    assert expected <= visits
    assert len(visits) == 16


def test_honorary_citizenships_and_who_conferred_them(article_store):
    honours = {}
    for rel in rels(article_store, "RECEIVED"):
        honours[rel.end_node["key"]] = {"who": rel.start_node["name"], "year": rel.end_node["year"],
                                        "title": rel.end_node["title"]}
    for rel in rels(article_store, "CONFERRED"):
        honours[rel.end_node["key"]]["by"] = rel.start_node["name"]
    assert sorted((h["who"], h["year"], h["by"], h["title"]) for h in honours.values()) == [
        ("Islam Karimov", 2006, "Lee Myung-bak", "Honorary Citizen of Seoul"),
        ("Shavkat Mirziyoyev", 2017, "Park Won-soon", "Honorary Citizen of Seoul"),
    ]


def test_offices_and_succession(article_store):
    held = defaultdict(set)
    for rel in rels(article_store, "HELD_OFFICE"):
        held[rel.start_node["name"]].add(rel.end_node["name"])
    assert held["Lee Myung-bak"] == {"Mayor of Seoul", "President of South Korea"}
    assert held["Shavkat Mirziyoyev"] == {"Prime Minister of Uzbekistan", "President of Uzbekistan"}
    assert held["Rakhmonbek Usmanov"] == {"Mayor of Tashkent"}
    succession = {(r.start_node["name"], r.end_node["name"]) for r in rels(article_store, "SUCCEEDED")}
    assert succession == {("Lee Myung-bak", "Roh Moo-hyun"), ("Shavkat Mirziyoyev", "Islam Karimov")}


# (node key, property, value): every figure the article gives.
FIGURES = [
    ("recognition-of-uzbekistan-1991", "date", "1991-12"),
    ("diplomatic-relations-established-1992", "date", "1992-01"),
    ("documents-2015-trade-investment-cooperation", "documentCount", 60),
    ("documents-2015-trade-investment-cooperation", "valueUsd", 7_700_000_000),
    ("statistic-2015-trade-turnover", "valueUsd", 1_700_000_000),
    ("statistic-2015-trade-turnover", "sharePercent", 50),
    ("navoi-cargo-terminal", "capacityTonnesPerYear", 100_000),
    ("takeover-2009-navoiy-airport-management", "developmentPlanYears", 10),
    ("inauguration-2010-navoi-cargo-terminal", "date", "2010-08"),
    ("ustyurt-gas-chemical-complex", "costUsd", 4_000_000_000),
    ("statistic-2019-trade", "valueUsd", 2_360_000_000),
    ("statistic-2019-investment-kazakhstan-uzbekistan", "valueUsd", 7_000_000_000),
    ("statistic-2019-partner-rank-emerging-europe-central-asia", "rank", 3),
    ("statistic-training-partner-rank-cis", "rank", 3),
    ("statistic-largest-trading-partner-central-asia", "rank", 1),
    ("conference-2020-joint-study-free-trade", "date", "2020-03"),
    ("feasibility-study-2020-free-trade", "date", "2020-11"),
    ("forum-2020-central-asia-south-korea-cooperation", "edition", 13),
    ("free-trade-talks-declared-2021", "date", "2021-01"),
    ("deal-2024-ktx-technology", "date", "2024-06-14"),
    ("deal-2024-ktx-technology", "datePrecision", "day"),
    ("deal-2024-ktx-technology", "valueUsd", 196_000_000),
    ("deal-2024-ktx-technology", "trainUnits", 42),
    ("deal-2024-ktx-technology", "maxSpeedKmh", 250),
    ("deal-2024-ktx-technology", "railKm", 1216),
    ("deal-2024-ktx-technology", "operationsStart", "2027-04"),
    ("contract-2025-urgench-airport", "date", "2025-05"),
    ("contract-2025-urgench-airport", "valueUsd", 223_000_000),
    ("contract-2025-urgench-airport", "completionYear", 2027),
    ("tender-2024-urgench-airport", "date", "2024-08"),
    ("urgench-airport", "passengersPerHourBefore", 400),
    ("urgench-airport", "passengersPerHourAfter", 1300),
    ("urgench-airport", "aircraftPlanned", ["Boeing 747", "Airbus A350"]),
    ("statistic-koryo-saram-population-uzbekistan", "value", 177_270),
    ("statistic-koryo-saram-population-uzbekistan", "rankInWorld", 5),
    ("koryo-saram-monument", "anniversary", 80),
    ("deportation-of-koreans-late-1930s", "dateText", "late 1930s"),
    ("deportation-of-koreans-late-1930s", "yearFrom", 1935),
    ("deportation-of-koreans-late-1930s", "yearTo", 1939),
    ("deportation-of-koreans-late-1930s", "datePrecision", "range"),
    ("visit-2017-mirziyoyev-to-south-korea", "durationDays", 4),
    ("visit-2019-moon-jae-in-to-uzbekistan", "durationDays", 4),
    ("visit-2019-moon-jae-in-to-uzbekistan", "date", "2019-04"),
    ("sister-cities-2010-seoul-tashkent", "year", 2010),
]


@pytest.mark.parametrize(("key", "prop", "value"), FIGURES)
def test_figures(article_store, key, prop, value):
    node = nodes_by_key(article_store)[key]
    assert node[prop] == value
    assert type(node[prop]) is type(value)


def test_ktx_deal_links_both_parties(article_store):
    parties = {r.start_node["key"] for r in rels(article_store, "PARTY_TO")
               if r.end_node["key"] == "deal-2024-ktx-technology"}
    assert parties == {"south-korea", "uzbekistan"}


def test_navoi_spellings_are_aliases_of_one_city(article_store):
    assert [n["key"] for n in article_store.find("Navoiy")] == ["navoi"]


def test_sister_cities(article_store):
    pairs = {(r.start_node["name"], r.end_node["name"], r["year"])
             for r in rels(article_store, "SISTER_CITY_OF")}
    assert ("Seoul", "Tashkent", 2010) in pairs


def test_provenance_on_every_fact(article_store):
    for node in article_store.nodes():
        if "Source" in node.labels:
            continue
        assert node["sourceId"] == "south-korea-uzbekistan-relations", node
        assert node["quote"] in ARTICLE and node["section"]
    for rel in article_store.relationships():
        assert rel["sourceId"] == "south-korea-uzbekistan-relations", rel
        assert rel["quote"] in ARTICLE and rel["section"], rel


def test_dated_events_have_integer_years_and_consistent_dates(article_store):
    undated = []
    for node in article_store.nodes(["Event", "Agreement"]):
        if "yearFrom" in node:  # a date the article does not pin to a year: a range, no year
            assert "year" not in node and "date" not in node
            assert node["yearFrom"] <= node["yearTo"] and node["datePrecision"] == "range"
            continue
        if "year" not in node:
            undated.append(node["key"])
            continue
        assert isinstance(node["year"], int)
        if "date" in node:
            assert node["date"][:4] == str(node["year"])
            assert node["datePrecision"] == {4: "year", 7: "month", 10: "day"}[len(node["date"])]
    # The article dates neither the monument's unveiling nor the training programmes.
    assert sorted(undated) == ["agreement-step-free-trade", "agreement-training-programs",
                               "unveiling-koryo-saram-monument"]


def test_every_node_has_key_and_name(article_batch):
    for spec in article_batch.nodes:
        assert isinstance(spec, NodeSpec)
        assert spec.properties["key"] and spec.properties["name"]


def test_source_node_records_the_article(article_store):
    (source,) = list(article_store.nodes(["Source"]))
    assert source["file"] == ARTICLE_TEXT.name
    assert "Koryo-saram" in source["sections"]
    import hashlib

    assert source["sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()


def test_uncertain_dates_are_ranges_not_guessed_years(article_store):
    """"The late 1930s" is 1935..1939, not the year 1930."""
    deportation = nodes_by_key(article_store)["deportation-of-koreans-late-1930s"]
    assert "year" not in deportation
    assert (deportation["yearFrom"], deportation["yearTo"]) == (1935, 1939)


def rel_between(store, start, rel_type, end):
    return [r for r in store.relationships([rel_type])
            if (r.start_node["key"], r.end_node["key"]) == (start, end)]


def test_relationships_say_no_more_than_the_article(article_store):
    # "IIAC was selected to manage and modernize Urgench Airport": not that it manages it.
    iiac = "incheon-international-airport-corporation"
    assert rel_between(article_store, iiac, "MANAGES", "urgench-airport") == []
    assert len(rel_between(article_store, iiac, "SELECTED_TO_MANAGE", "urgench-airport")) == 1
    # "Uzbekistan has invited South Korean experts to take positions as deputy minister in
    # the ministry ...": the ministry invited no one.
    ministry = "ministry-for-development-of-information-technologies-and-communications"
    assert [r for r in article_store.relationships(["INVITED_EXPERTS_FROM"])
            if r.start_node["key"] == ministry] == []
    (invited,) = rel_between(article_store, "south-korea", "EXPERTS_INVITED_TO", ministry)
    assert (invited["invitedBy"], invited["positions"]) == ("Uzbekistan", ["deputy minister"])
    # The Urgench contract was awarded to IIAC, not to South Korea; that Uzbekistan is a
    # party is implied, not said.
    contract = "contract-2025-urgench-airport"
    assert rel_between(article_store, "south-korea", "PARTY_TO", contract) == []
    (uzbekistan,) = rel_between(article_store, "uzbekistan", "PARTY_TO", contract)
    assert uzbekistan["inferred"] is True
    assert len(rel_between(article_store, contract, "AWARDED_TO", iiac)) == 1


def test_navoi_cargo_terminal_is_tied_to_navoiy_international_airport(article_store):
    (at_airport,) = rel_between(article_store, "navoi-cargo-terminal", "LOCATED_IN",
                                "navoiy-international-airport")
    assert at_airport["inferred"] is True  # the article builds it in the airport's paragraph


# Relationships whose sentence implies them rather than states them (docs/schema.md):
# (start, type, end) for each one the audit of issue 13 marked, besides the earlier ones.
NEWLY_INFERRED = [
    ("navoi", "LOCATED_IN", "uzbekistan"), ("angren", "LOCATED_IN", "uzbekistan"),
    ("uzbekistan", "LOCATED_IN", "central-asia"),
    ("ministry-for-development-of-information-technologies-and-communications", "BASED_IN",
     "uzbekistan"),
    ("shavkat-mirziyoyev", "HELD_OFFICE", "president-of-uzbekistan"),
    ("overseas-koreans-foundation", "BASED_IN", "south-korea"),
    ("korean-cultural-center-samarkand", "PROMOTES_CULTURE_OF", "south-korea"),
]


@pytest.mark.parametrize(("start", "rel_type", "end"), NEWLY_INFERRED)
def test_implied_relationships_are_marked_inferred(article_store, start, rel_type, end):
    (rel,) = rel_between(article_store, start, rel_type, end)
    assert rel.get("inferred") is True


def test_years_from_the_paragraph_are_marked(article_store):
    """A year that is not in the fact's own sentence comes from the paragraph around it,
    and says so (dateFromContext), on nodes and relationships alike."""
    facts = [*article_store.nodes(), *article_store.relationships()]
    unmarked = [f["key"] for f in facts
                if isinstance(f.get("year"), int) and str(f["year"]) not in f["quote"]
                and not f.get("dateFromContext")]
    assert unmarked == []
    held = [r for r in article_store.relationships(["HELD_OFFICE"])
            if any(not any(str(y) in q for q in [r["quote"], *r.get("otherQuotes", [])])
                   for y in r.get("years", [])) and not r.get("dateFromContext")]
    assert held == []


@pytest.mark.parametrize("rel_type", ["SISTER_CITY_OF", "DIPLOMATIC_RELATIONS_WITH"])
def test_symmetric_relationships_are_stored_in_both_directions(article_store, rel_type):
    pairs = {(r.start_node["key"], r.end_node["key"]): r for r in article_store.relationships([rel_type])}
    assert pairs
    for (a, b), rel in pairs.items():
        back = pairs.get((b, a))
        assert back is not None, (rel_type, a, b)
        assert (back.get("year"), back["quote"]) == (rel.get("year"), rel["quote"])


@pytest.mark.parametrize(("fields", "message"), [
    ("yearFrom: 1935", "yearFrom needs yearTo"),
    ("yearFrom: 1939\n    yearTo: 1935", "yearFrom 1939 is after yearTo 1935"),
    ("year: 1937\n    yearFrom: 1935\n    yearTo: 1939", "either a year/date or a range"),
    ("yearFrom: 1935\n    yearTo: '1939'", "yearTo '1939' is text"),
])
def test_the_reader_refuses_a_broken_range(tmp_path, fields, message):
    (tmp_path / "text.txt").write_text("The late 1930s.\n", encoding="utf-8")
    path = tmp_path / "a.yaml"
    path.write_text(f"""source: {{key: s, title: T, file: text.txt, sections: [Lead]}}
nodes:
  - key: e
    label: Event
    kind: deportation
    name: E
    {fields}
    section: Lead
    quote: The late 1930s.
""", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_curated(path)
    assert message in str(info.value)
