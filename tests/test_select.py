"""Selecting subgraphs: by entity neighbourhood, label, year range and query values."""

from __future__ import annotations

import pytest

from relgraph.graph.selection import (
    YearRange,
    by_labels,
    by_years,
    ego_network,
    resolve_entity,
)
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import SelectionError
from relgraph.graph.values.subgraph import Subgraph


def keys(subgraph):
    return sorted(n["key"] for n in subgraph.nodes)


def test_resolve_by_name_alias_or_key_case_insensitively(article_store):
    assert resolve_entity(article_store, "navoiy")["key"] == "navoi"
    assert resolve_entity(article_store, "Miriziyoyev")["key"] == "shavkat-mirziyoyev"
    assert resolve_entity(article_store, "islam-karimov")["name"] == "Islam Karimov"


def test_unknown_entity_suggests_close_names(article_store):
    with pytest.raises(SelectionError, match=r"no entity is named 'Karimova'; did you mean 'Islam Karimov'"):
        resolve_entity(article_store, "Karimova")


def test_ego_network_of_karimov(article_store):
    karimov = resolve_entity(article_store, "Islam Karimov")
    one = ego_network(article_store, karimov, 1)
    assert "president-of-uzbekistan" in keys(one) and "seoul" in keys(one)
    assert len([n for n in one.nodes if "Visit" in n.labels]) == 8
    ends = {end.element_id for r in one.relationships for end in r.nodes}
    assert ends <= {n.element_id for n in one.nodes}
    assert len(ego_network(article_store, karimov, 2).nodes) > len(one.nodes)
    assert keys(ego_network(article_store, karimov, 0)) == ["islam-karimov"]
    only_visits = ego_network(article_store, karimov, 1, types=["MADE_VISIT"])
    assert len(only_visits.nodes) == 9 and len(only_visits.relationships) == 8


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_native_and_generic_neighbourhood_agree(article_store, depth):
    seed = [resolve_entity(article_store, "Tashkent").element_id]
    native = article_store.neighbourhood(seed, depth)
    generic = GraphStore.neighbourhood(article_store, seed, depth)
    as_ids = lambda pair: (sorted(n.element_id for n in pair[0]),  # noqa: E731
                           sorted(r.element_id for r in pair[1]))
    assert as_ids(native) == as_ids(generic)


def test_by_labels(article_store):
    people_and_offices = by_labels(article_store, ["Person", "Office"])
    assert len(people_and_offices.nodes) == 20
    assert {r.type for r in people_and_offices.relationships} == {"HELD_OFFICE", "SUCCEEDED"}


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [("2010..2020", [2010, 2015, 2020], [2009, 2021]), ("2016", [2016], [2015, 2017]),
     ("..1999", [1930, 1999], [2000]), ("2024..", [2025], [2023])],
)
def test_year_ranges(text, inside, outside):
    years = YearRange.parse(text)
    assert all(y in years for y in inside) and not any(y in years for y in outside)


@pytest.mark.parametrize("bad", ["2020..2010", "twenty", "2010-2020"])
def test_bad_year_ranges(bad):
    with pytest.raises(SelectionError):
        YearRange.parse(bad)


def test_by_years_keeps_participants_of_dated_events(article_store):
    selected = by_years(article_store, YearRange.parse("2024..2025"))
    assert {"deal-2024-ktx-technology", "contract-2025-urgench-airport", "ktx",
            "incheon-international-airport-corporation", "south-korea"} <= set(keys(selected))
    assert "visit-2019-moon-jae-in-to-uzbekistan" not in keys(selected)


@pytest.mark.parametrize(("years", "found"), [
    ("1937", True), ("1935..1939", True), ("..1935", True), ("1939..", True), ("1930..1934", False),
    ("1940..1990", False)])
def test_by_years_finds_a_date_known_as_a_range_by_any_of_its_years(article_store, years, found):
    """'The late 1930s' is yearFrom 1935..yearTo 1939: --years overlapping it selects it."""
    selected = keys(by_years(article_store, YearRange.parse(years)))
    assert ("deportation-of-koreans-late-1930s" in selected) is found
    assert found is ("koryo-saram" in selected)  # with what it is connected to


def test_from_values_collects_nested_graph_values(article_store):
    nodes = list(article_store.nodes(["City"]))
    rel = next(iter(article_store.relationships(["SISTER_CITY_OF"])))
    sub = Subgraph.from_values([nodes[0], {"r": [rel]}, [[nodes[1]]], 3, "text"])
    assert {"seoul", "tashkent", nodes[0]["key"], nodes[1]["key"]} <= set(keys(sub))
    assert len(sub.relationships) == 1
