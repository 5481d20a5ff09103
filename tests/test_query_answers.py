"""Each script in queries/ answers its question correctly on the article graph.

The expected answers come from the article, not from running the scripts: the
visit years are the ones the article lists, the honours the two it describes,
and so on. ``query_store`` runs every test on each backend.
"""

from __future__ import annotations

import pytest

from relgraph.graph.selection import from_query
from relgraph.queries.library import builtin_scripts, find_script

from .conftest import ARTICLE_TEXT

ARTICLE = ARTICLE_TEXT.read_text(encoding="utf-8")


def run(store, script_name, **params):
    script = find_script(script_name)
    values = script.bind({k: str(v) for k, v in params.items()})
    return [record.data() for record in store.run(script.text, values)]


def test_visits_by_year(query_store):
    rows = run(query_store, "visits")
    assert len(rows) == 16
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    karimov = [r for r in rows if r["visitor"] == "Islam Karimov"]
    assert [r["year"] for r in karimov] == [1992, 1995, 1999, 2006, 2008, 2010, 2012, 2015]
    assert {(r["office"], r["host"], r["visitorCountry"]) for r in karimov} == {
        ("President of Uzbekistan", "South Korea", "Uzbekistan")}
    moon = next(r for r in rows if r["visitor"] == "Moon Jae-in")
    assert (moon["year"], moon["date"], moon["city"], moon["visitType"], moon["days"]) == (
        2019, "2019-04", "Tashkent", "state", 4)
    hwang = next(r for r in rows if r["visitor"] == "Hwang Kyo-ahn")
    assert (hwang["year"], hwang["office"]) == (2016, "Prime Minister of South Korea")
    assert {(r["visitor"], r["year"]) for r in rows if r["host"] == "Uzbekistan"} == {
        ("Kim Young-sam", 1994), ("Roh Moo-hyun", 2004), ("Lee Myung-bak", 2009),
        ("Lee Myung-bak", 2011), ("Park Geun-hye", 2014), ("Hwang Kyo-ahn", 2016),
        ("Moon Jae-in", 2019)}
    assert all(r["quote"] in ARTICLE for r in rows)


def test_visits_of_other_countries_return_nothing(query_store):
    assert run(query_store, "visits", countryA="Japan", countryB="China") == []


def test_person_visits(query_store):
    (moon,) = run(query_store, "person-visits", person="Moon Jae-in")
    assert (moon["year"], moon["host"], moon["met"]) == (2019, "Uzbekistan", ["Shavkat Mirziyoyev"])
    assert "Opening of the House of Korean Culture and Art in Tashkent" in moon["during"]
    (park,) = run(query_store, "person-visits", person="Park Geun-hye")
    assert park["met"] == ["Islam Karimov"]
    assert park["signed"] == ["Agreements on economic and investment cooperation and technology "
                              "exchange (2014)", "Joint Declaration (2014)"]
    karimov = {r["year"]: r for r in run(query_store, "person-visits", person="Karimov")}
    assert sorted(karimov) == [1992, 1995, 1999, 2006, 2008, 2010, 2012, 2015]
    assert karimov[2006]["met"] == ["Lee Myung-bak"]
    assert karimov[2015]["signed"] == [
        "60 documents on trade, investment, economic and technical cooperation (2015)"]


def test_agreements_in_time_order(query_store):
    rows = run(query_store, "agreements")
    assert [r["year"] for r in rows] == [2006, 2010, 2014, 2014, 2015, 2024, 2025, None, None]
    ktx = next(r for r in rows if r["agreement"] == "KTX technology deal")
    assert (ktx["date"], ktx["valueUsd"], ktx["value"], ktx["parties"]) == (
        "2024-06-14", 196_000_000, "US$196 million", ["South Korea", "Uzbekistan"])
    urgench = next(r for r in rows if r["kind"] == "contract")
    assert (urgench["valueUsd"], urgench["awardedTo"]) == (
        223_000_000, "Incheon International Airport Corporation")
    signed_2014 = next(r for r in rows if r["kind"] == "agreements")
    assert signed_2014["signatories"] == ["Islam Karimov", "Park Geun-hye"]
    (sister,) = run(query_store, "agreements", party="Seoul")
    assert sister["parties"] == ["Seoul", "Tashkent"] and sister["year"] == 2010


def test_timeline(query_store):
    rows = run(query_store, "timeline")
    assert len(rows) == 51  # 43 events dated to a year, 1 to a range, and 7 dated agreements
    # "the late 1930s" is a range, not a year: no year, its words and range as its date
    assert (rows[0]["year"], rows[0]["date"], rows[0]["kind"]) == (
        None, "late 1930s (1935–1939)", "deportation")
    assert (rows[1]["date"], rows[1]["kind"], rows[1]["participants"]) == (
        "1991-12", "recognition", ["South Korea"])
    years = [r["year"] for r in rows[1:]]
    assert years == sorted(years)
    assert sum(1 for r in rows if r["kind"] == "visit") == 16
    honour = next(r for r in rows if r["event"] == "Islam Karimov made Honorary Citizen of Seoul")
    assert honour["participants"] == ["Islam Karimov", "Lee Myung-bak"]
    assert rows[0]["countries"] == ["Soviet Union"]
    assert honour["countries"] == ["South Korea", "Uzbekistan"]
    # An event takes the countries of the visit it was part of, and of what it led to.
    forum = next(r for r in rows if r["event"] == "South Korea-Uzbekistan business forum (2017)")
    assert forum["countries"] == ["South Korea", "Uzbekistan"]
    andijan = next(r for r in rows if r["event"] == "Andijan unrest")
    assert andijan["countries"] == ["Uzbekistan"]


def test_timeline_years(query_store):
    rows = run(query_store, "timeline", **{"from": 2014, "to": 2016})
    assert {r["year"] for r in rows} == {2014, 2015, 2016}
    events = {r["event"] for r in rows}
    assert "Islam Karimov's official visit to South Korea (2015)" in events
    assert "Islam Karimov's official visit to South Korea (1992)" not in events
    assert "KTX technology deal" not in events
    # One bound alone: from 2024 on, to 1991 at most.
    assert [r["event"] for r in run(query_store, "timeline", **{"from": 2024})] == [
        "KTX technology deal", "Open international tender for Urgench Airport",
        "Urgench Airport management and modernization contract"]
    assert [r["event"] for r in run(query_store, "timeline", to=1991)] == [
        "Deportation of Koreans from the Soviet Far East to Central Asia",
        "South Korea recognizes the independence of Uzbekistan"]
    assert run(query_store, "timeline", **{"from": 2030}) == []


DEPORTATION = "Deportation of Koreans from the Soviet Far East to Central Asia"


@pytest.mark.parametrize(("first", "last", "found"), [
    (1935, 1939, True), (1937, 1937, True), (1939, 1950, True), (1920, 1935, True),
    (1930, 1934, False), (1940, 1990, False)])
def test_uncertain_date_is_found_by_any_year_of_its_range(query_store, first, last, found):
    """The late 1930s may be any of 1935..1939: a search that overlaps it finds it, one that
    does not, does not (it was stored as the year 1930, which 1935..1939 never found)."""
    between = [r["event"] for r in run(query_store, "events-between", **{"from": first, "to": last})]
    timeline = [r["event"] for r in run(query_store, "timeline", **{"from": first, "to": last})]
    assert (DEPORTATION in between, DEPORTATION in timeline) == (found, found)


def test_timeline_countries(query_store):
    north = run(query_store, "timeline", countryA="North Korea")
    assert [(r["year"], r["event"]) for r in north] == [
        (2016, "North Korean nuclear test (January 2016)"),
        (2016, "North Korea closes its embassy in Tashkent"),
        (2016, "South Korean lobbying of the Uzbek government over North Korea")]
    both = run(query_store, "timeline", countryA="North Korea", countryB="South Korea")
    assert [r["event"] for r in both] == [
        "South Korean lobbying of the Uzbek government over North Korea"]
    assert [r["event"] for r in run(query_store, "timeline", countryA="Soviet Union")] == [
        "Deportation of Koreans from the Soviet Far East to Central Asia"]
    everything = {r["event"] for r in run(query_store, "timeline")}
    pair = {r["event"] for r in run(query_store, "timeline", countryA="Uzbekistan",
                                    countryB="South Korea")}
    assert everything - pair == {
        "Deportation of Koreans from the Soviet Far East to Central Asia", "Andijan unrest",
        "North Korean nuclear test (January 2016)", "North Korea closes its embassy in Tashkent"}
    assert run(query_store, "timeline", countryA="Japan") == []
    assert [r["event"] for r in run(query_store, "timeline", countryA="South Korea",
                                    **{"from": 1991, "to": 1992})] == [
        "South Korea recognizes the independence of Uzbekistan",
        "Diplomatic relations established between South Korea and Uzbekistan",
        "Islam Karimov's official visit to South Korea (1992)"]


def test_honours(query_store):
    rows = run(query_store, "honours")
    assert [(r["year"], r["recipient"], r["title"], r["conferredBy"], r["conferrerOffice"])
            for r in rows] == [
        (2006, "Islam Karimov", "Honorary Citizen of Seoul", "Lee Myung-bak", "Mayor of Seoul"),
        (2017, "Shavkat Mirziyoyev", "Honorary Citizen of Seoul", "Park Won-soon", "Mayor of Seoul")]
    assert rows[0]["duringVisit"] == "Islam Karimov's official visit to South Korea (2006)"


def test_offices_and_succession(query_store):
    rows = run(query_store, "offices")
    assert len(rows) == 14
    presidents = [(r["holder"], r["succeeded"], r["succeededBy"]) for r in rows
                  if r["office"] == "President of South Korea"]
    assert presidents == [("Kim Young-sam", None, None), ("Roh Moo-hyun", None, "Lee Myung-bak"),
                          ("Lee Myung-bak", "Roh Moo-hyun", None), ("Park Geun-hye", None, None),
                          ("Moon Jae-in", None, None)]
    uzbek = [(r["holder"], r["succeeded"]) for r in rows if r["office"] == "President of Uzbekistan"]
    assert uzbek == [("Islam Karimov", None), ("Shavkat Mirziyoyev", "Islam Karimov")]
    seoul = run(query_store, "offices", country="Seoul")
    assert [r["holder"] for r in seoul] == ["Lee Myung-bak", "Park Won-soon"]
    korea = {r["office"] for r in run(query_store, "offices", country="South Korea")}
    assert "Mayor of Seoul" in korea and "President of Uzbekistan" not in korea


def test_institutions_abroad(query_store):
    rows = run(query_store, "institutions-abroad")
    # Each institution once, with every operator and role the article gives.
    assert [(r["institution"], r["city"], r["operators"], r["roles"]) for r in rows] == [
        ("Cargo terminal at Navoi", "Navoi", ["Hanjin Group"], ["inauguration"]),
        ("Embassy of South Korea in Tashkent", "Tashkent", ["South Korea"], ["opened"]),
        # The article names no opener: the cultural centre was opened during Moon's state
        # visit, and he attended the ceremony.
        ("House of Korean Culture and Art", "Tashkent", ["Moon Jae-in"],
         ["opening (attended)", "cultural centre (inferred)"]),
        ("Inha University branch in Tashkent", "Tashkent", ["Inha University"], ["branch", "opening"]),
        # Korean Cultural Centers: the article names no operator, but they are Korean
        # culture's, among the two countries' cultural relations.
        ("Korean Cultural Center in Bukhara", "Bukhara", [], ["cultural centre (inferred)"]),
        ("Korean Cultural Center in Nukus", "Nukus", [], ["cultural centre (inferred)"]),
        ("Korean Cultural Center in Samarkand", "Samarkand", [], ["cultural centre (inferred)"]),
        ("LG CNS Uzbekistan", None, ["South Korea"], ["founded", "founding"]),
        # Established by the Overseas Koreans Foundation; the Mayor of Seoul's attendance
        # at the unveiling is a city's, not the country's.
        ("Monument honoring the Koryo-saram", "Tashkent", ["Overseas Koreans Foundation"],
         ["founded"]),
        ("Navoiy International Airport", "Navoi", ["Korean Air Cargo"], ["manages", "takeover"]),
        ("Seoul Park", "Tashkent", ["Lee Myung-bak"], ["opening"]),
        ("Urgench Airport", None, ["Incheon International Airport Corporation"],
         ["selected to manage"]),
        ("Ustyurt Gas Chemical Complex", None, ["Hwang Kyo-ahn"], ["inauguration (attended)"]),
        ("Yeoju Technical Institute in Tashkent", "Tashkent", ["Yeoju Institute of Technology"],
         ["opened"]),
    ]
    by_name = {r["institution"]: r for r in rows}
    house = by_name["House of Korean Culture and Art"]
    assert (house["kind"], house["year"], house["inferred"]) == ("cultural centre", 2019, False)
    assert by_name["Korean Cultural Center in Nukus"]["inferred"] is True
    assert by_name["Monument honoring the Koryo-saram"]["inferred"] is True
    assert by_name["Embassy of South Korea in Tashkent"]["inferred"] is False
    assert all(q in ARTICLE for r in rows for q in r["quotes"])
    reverse = run(query_store, "institutions-abroad", home="Uzbekistan", host="South Korea")
    assert [(r["operators"], r["institution"], r["city"]) for r in reverse] == [
        (["Uzbekistan"], "Embassy of Uzbekistan in Seoul", "Seoul")]


def test_city(query_store):
    rows = run(query_store, "city", city="Tashkent")
    located = {r["name"] for r in rows if r["what"] == "located here"}
    assert {"Embassy of South Korea in Tashkent", "Embassy of North Korea in Tashkent",
            "Inha University branch in Tashkent", "Yeoju Technical Institute in Tashkent",
            "House of Korean Culture and Art", "Seoul Park", "Monument honoring the Koryo-saram"} == located
    happened = [r for r in rows if r["what"] == "happened here"]
    assert len(happened) == 8
    assert "Unveiling of the monument honoring the Koryo-saram" in {r["name"] for r in happened}
    navoi = run(query_store, "city", city="Navoiy")  # the article's other spelling
    assert {r["name"] for r in navoi if r["what"] == "located here"} == {
        "Navoiy International Airport", "Cargo terminal at Navoi", "Free economic zone at Navoi"}


def test_ego_network(query_store):
    rows = run(query_store, "ego-network", name="Islam Karimov", depth=1)
    types = [r["relationship"] for r in rows]
    assert types.count("MADE_VISIT") == 8
    assert ("Islam Karimov", "HELD_OFFICE", "President of Uzbekistan") in {
        (r["source"], r["relationship"], r["target"]) for r in rows}
    assert all(r["rel"].type == r["relationship"] for r in rows)
    assert run(query_store, "ego-network", name="Islam Karimov", depth=0) == []
    assert len(run(query_store, "ego-network", name="Islam Karimov", depth=2)) > len(rows)


def test_shortest_connection(query_store):
    rows = run(query_store, "shortest-connection", source="Islam Karimov",
               target="Incheon International Airport Corporation")
    assert [r["step"] for r in rows] == [1, 2, 3]
    assert rows[0]["source"] == "Islam Karimov"
    assert rows[-1]["target"] == "Incheon International Airport Corporation"
    assert all(r["quote"] in ARTICLE for r in rows)
    same = run(query_store, "shortest-connection", source="Seoul", target="Tashkent")
    # Seoul and Tashkent are sister cities in both directions; the key order picks Seoul's.
    assert len(same) == 1 and same[0]["relationship"] == "-[SISTER_CITY_OF]->"


def test_schema_overview(query_store):
    rows = run(query_store, "schema-overview")
    counts = {(r["kind"], r["name"]): r["count"] for r in rows}
    assert counts[("label", "Event")] == 45 and counts[("label", "Person")] == 12
    assert counts[("relationship type", "LOCATED_IN")] == 33
    assert sum(c for (kind, _), c in counts.items() if kind == "relationship type") == 286


DEAL_VALUES = {"60 documents on trade, investment, economic and technical cooperation (2015)":
               7_700_000_000, "KTX technology deal": 196_000_000,
               "Urgench Airport management and modernization contract": 223_000_000}


def test_money(query_store):
    rows = {(r["measure"], r["grouping"], r["bucket"]): r for r in run(query_store, "money")}
    # A project's cost is not the value of a signed deal: the two are never added up.
    assert rows[("deal value", "decade", "2010s")]["totalUsd"] == 7_700_000_000
    assert rows[("deal value", "decade", "2020s")]["totalUsd"] == 419_000_000
    assert rows[("deal value", "decade", "2020s")]["items"] == [
        "KTX technology deal", "Urgench Airport management and modernization contract"]
    assert rows[("project cost", "decade", "2010s")]["items"] == ["Ustyurt Gas Chemical Complex"]
    assert rows[("project cost", "decade", "2010s")]["totalUsd"] == 4_000_000_000
    assert rows[("deal value", "sector", "rail transport")]["totalUsd"] == 196_000_000
    assert rows[("project cost", "sector", "industrial complex")]["items"] == [
        "Ustyurt Gas Chemical Complex"]
    # The $7.7 billion of the 60 documents is not split among their five sectors by the
    # article: it counts once, so the sector totals add up to the article's numbers.
    documents = [r for (measure, grouping, _), r in rows.items()
                 if (measure, grouping) == ("deal value", "sector") and r["totalUsd"] == 7_700_000_000]
    assert [r["bucket"] for r in documents] == [
        "trade + investment + economic cooperation + technical cooperation + other spheres"]
    for grouping in ("decade", "sector"):
        assert sum(r["totalUsd"] for (measure, group, _), r in rows.items()
                   if (measure, group) == ("deal value", grouping)) == sum(DEAL_VALUES.values())


def test_money_years_and_countries(query_store):
    def buckets(**params):
        return {(r["measure"], r["grouping"], r["bucket"]): (r["totalUsd"], r["items"])
                for r in run(query_store, "money", **params)}

    everything = buckets()
    recent = buckets(**{"from": 2020})
    assert {b for b in recent if b[1] == "decade"} == {("deal value", "decade", "2020s")}
    assert recent[("deal value", "decade", "2020s")] == everything[("deal value", "decade", "2020s")]
    older = buckets(to=2019)
    assert {b for b in older if b[1] == "decade"} == {("deal value", "decade", "2010s"),
                                                     ("project cost", "decade", "2010s")}
    assert older[("deal value", "decade", "2010s")][0] == 7_700_000_000
    # The gas chemical complex has a cost but no date: its year is its 2016 inauguration.
    assert buckets(**{"from": 2016, "to": 2016}) == {
        ("project cost", "decade", "2010s"): (4_000_000_000, ["Ustyurt Gas Chemical Complex"]),
        ("project cost", "sector", "industrial complex"): (4_000_000_000,
                                                           ["Ustyurt Gas Chemical Complex"])}
    # Every deal involves both countries (the complex through its inauguration, which the
    # South Korean Prime Minister attended; the Urgench contract through IIAC, to which it
    # was awarded); none involves Japan or North Korea.
    assert buckets(countryA="South Korea", countryB="Uzbekistan") == everything
    assert buckets(countryA="Japan") == {}
    assert buckets(countryA="North Korea", **{"from": 2000}) == {}


def test_counterparts(query_store):
    rows = run(query_store, "counterparts")
    assert (rows[0]["person"], rows[0]["occasions"], rows[0]["counterparts"]) == (
        "Shavkat Mirziyoyev", 4, ["Hwang Kyo-ahn", "Moon Jae-in", "Park Won-soon"])
    by_person = {r["person"]: r for r in rows}
    assert by_person["Islam Karimov"]["counterparts"] == ["Lee Myung-bak", "Park Geun-hye"]
    assert by_person["Rakhmonbek Usmanov"]["counterparts"] == ["Park Won-soon"]
    assert len(rows) == 10


def test_facts_about(query_store):
    rows = run(query_store, "facts-about", name="Navoiy")
    assert all(r["quote"] in ARTICLE for r in rows)
    facts = {r["fact"] for r in rows}
    assert {"Navoi", "Navoi LOCATED_IN Uzbekistan", "Navoiy International Airport LOCATED_IN Navoi"} <= facts
    inferred = {r["fact"] for r in rows if r["inferred"]}
    # that the airport is in the city, and that the city (of a free economic zone "in
    # different regions of Uzbekistan") is in Uzbekistan, go beyond the article's words
    assert inferred == {"Navoiy International Airport LOCATED_IN Navoi", "Navoi LOCATED_IN Uzbekistan"}
    assert {r["certainty"] for r in rows} == {"stated", "inferred"}
    moon = run(query_store, "facts-about", name="Moon Jae-in")
    assert {r["quote"][:40] for r in moon} == {  # his 2017 meeting, 2019 visit and its events
        "In 2017, Karimov's successor Shavkat Mir", "In 2019, President Moon Jae-in visited U",
        "Including discussions on advancing bilat"}


def test_events_between(query_store):
    rows = run(query_store, "events-between", **{"from": 2014, "to": 2016})
    assert {r["year"] for r in rows} == {2014, 2015, 2016}
    assert "North Korean nuclear test (January 2016)" in {r["event"] for r in rows}
    ustyurt = next(r for r in rows if r["event"] == "Inauguration of the Ustyurt Gas Chemical Complex")
    assert ustyurt["places"] == ["Karakalpakstan"]
    assert ustyurt["participants"] == ["Hwang Kyo-ahn", "Shavkat Mirziyoyev"]
    assert run(query_store, "events-between", **{"from": 1800, "to": 1900}) == []


def test_figures(query_store):
    rows = run(query_store, "figures")
    assert len(rows) == 7
    trade = [r for r in rows if r["kind"] == "trade turnover"]
    assert [(r["year"], r["value"]) for r in trade] == [(2015, 1_700_000_000), (2019, 2_360_000_000)]


def test_inferred_facts(query_store):
    rows = run(query_store, "inferred-facts")
    assert ("Tashkent", "LOCATED_IN", "Uzbekistan") in {
        (r["source"], r["relationship"], r["target"]) for r in rows}
    assert len(rows) == sum(1 for r in query_store.relationships() if r.get("inferred"))


def test_facts_about_says_what_the_article_does_not_confirm(query_store):
    rows = run(query_store, "facts-about", name="Chinese Embassy in Uzbekistan")
    certainty = {r["fact"]: r["certainty"] for r in rows}
    assert certainty["Chinese Embassy in Uzbekistan REPRESENTS North Korea"] == "reported, not confirmed"
    assert certainty["Chinese Embassy in Uzbekistan REPRESENTS China"] == "inferred"
    assert certainty["Chinese Embassy in Uzbekistan LOCATED_IN Uzbekistan"] == "stated"
    lobbying = run(query_store, "facts-about", name="lobbying-2016-against-north-korean-presence")
    assert {r["certainty"] for r in lobbying if r["fact"].endswith("LED_TO North Korea closes its "
                                                                   "embassy in Tashkent")} == {
        "according to KBS News"}


#: Scripts whose answer is not a set of entities and relationships but counts of them.
NOT_DRAWN = {"schema-overview"}


@pytest.mark.parametrize("name", sorted(set(builtin_scripts()) - NOT_DRAWN))
def test_every_script_answer_can_be_drawn(query_store, name):
    """`relgraph view --query NAME` (and the explorer) draw the graph values a script
    returns: each answer that is a set of entities and relationships returns them."""
    script = find_script(name)
    subgraph = from_query(query_store, script.text, script.bind({}))
    assert subgraph.nodes, name
    assert subgraph.relationships or name == "money", name  # money draws its deals alone
    ids = {n.element_id for n in subgraph.nodes}
    assert all({r.start_node.element_id, r.end_node.element_id} <= ids for r in subgraph.relationships)
