"""Export a subgraph, load it into an empty store of either backend, get the same graph back.

Every format relgraph reads is covered: node-link JSON, JSON lines, GraphML,
neo4j-admin CSV (folder and zip) and the Cypher script, each loaded the way
``relgraph load`` loads it (a script through ``run_script``). "The same" means the
same labels, types, properties with their Python types, and parallel
relationships. Each test runs on the embedded store and on the real Neo4j
(``empty_store``: no data, no schema but key constraints).

Temporal values set through Cypher come back with their type from the formats that
have types for them (the Cypher script, neo4j-admin CSV), and as their ISO text from
the others, as docs/export.md says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import export
from relgraph.graph.formats.cypher_script import read_cypher_scripts
from relgraph.graph.selection import (
    by_labels,
    ego_network,
    resolve_entity,
    whole_graph,
)
from relgraph.graph.store import GraphStore
from relgraph.graph.values.model import NodeSpec
from relgraph.graph.values.subgraph import Subgraph
from relgraph.loaders import read_sources

from .export_samples import (
    TEMPORAL_NODE,
    TEMPORAL_REL,
    TEMPORALS,
    awkward_batch,
    graph_view,
    set_temporals,
    subgraph_view,
)

#: format -> output name (the csv format writes a folder, or a zip)
READABLE = {"json": "g.json", "jsonl": "g.jsonl", "graphml": "g.graphml", "csv": "g", "csv-zip": "g.zip",
            "cypher": "g.cypher"}
#: the formats that write temporal values with their type; the others write ISO text
TEMPORAL_TYPED = {"cypher", "csv", "csv-zip"}


def load_export(target: GraphStore, fmt: str, path: Path) -> int:
    """Load ``path`` into ``target`` the way `relgraph load` does; return how much it created."""
    if fmt == "cypher":
        results = target.run_script([s.text for s in read_cypher_scripts([path])])
        return sum(r.summary.counters.nodes_created + r.summary.counters.relationships_created
                   for r in results)
    summary = target.load(read_sources([path]))
    return summary.nodes_created + summary.relationships_created


def round_trip(subgraph: Subgraph, fmt: str, path: Path, target: GraphStore) -> GraphStore:
    export(subgraph, fmt.removesuffix("-zip"), path)
    load_export(target, fmt, path)
    return target


@pytest.mark.parametrize("fmt", list(READABLE))
def test_awkward_values_survive(fmt, tmp_path, awkward_store, empty_store):
    loaded = round_trip(whole_graph(awkward_store), fmt, tmp_path / READABLE[fmt], empty_store)
    assert graph_view(loaded) == graph_view(awkward_store)


@pytest.mark.parametrize("fmt", list(READABLE))
def test_the_article_graph_survives(fmt, tmp_path, article_store, empty_store):
    loaded = round_trip(whole_graph(article_store), fmt, tmp_path / READABLE[fmt], empty_store)
    assert graph_view(loaded) == graph_view(article_store)


@pytest.mark.parametrize("fmt", list(READABLE))
def test_a_selected_subgraph_survives(fmt, tmp_path, article_store, empty_store):
    """A selection is exported alone: the loaded graph is the selection, no more."""
    karimov = resolve_entity(article_store, "Islam Karimov")
    subgraph = ego_network(article_store, karimov, 1)
    loaded = round_trip(subgraph, fmt, tmp_path / READABLE[fmt], empty_store)
    assert graph_view(loaded) == subgraph_view(subgraph)
    assert len(list(loaded.nodes())) == len(subgraph.nodes)
    assert len(list(loaded.relationships())) == len(subgraph.relationships)


@pytest.mark.parametrize("fmt", list(READABLE))
def test_loading_an_export_twice_changes_nothing(fmt, tmp_path, awkward_store, empty_store):
    path = tmp_path / READABLE[fmt]
    loaded = round_trip(by_labels(awkward_store, ["City"]), fmt, path, empty_store)
    before = graph_view(loaded)
    assert load_export(loaded, fmt, path) == 0
    assert graph_view(loaded) == before


@pytest.mark.parametrize("fmt", list(READABLE))
def test_a_list_mixing_integers_and_floats_comes_back_as_floats(fmt, tmp_path, empty_store):
    """The model stores [1, 2.5] as [1.0, 2.5], as Neo4j does; every format keeps the floats."""
    batch = awkward_batch()
    tashkent = batch.nodes[1]
    batch.nodes[1] = NodeSpec(tashkent.labels, {**tashkent.properties, "mixed": [1, 2.5]})
    original = NetworkxStore()
    original.load(batch)
    loaded = round_trip(whole_graph(original), fmt, tmp_path / READABLE[fmt], empty_store)
    assert graph_view(loaded) == graph_view(original)
    mixed = next(n for n in loaded.nodes() if n["key"] == "tashkent")["mixed"]
    assert mixed == [1.0, 2.5] and all(type(x) is float for x in mixed)


def as_text(view: tuple[list, list]) -> tuple[list, list]:
    """``graph_view`` with every temporal value replaced by its ISO text."""
    def text(value: tuple) -> tuple:
        if value[0] == "list":
            return ("list", tuple(text(v) for v in value[1]))
        return ("str", value[1]) if value[0] in TEMPORAL_CLASSES else value

    def props(properties: tuple) -> tuple:
        return tuple((name, text(value)) for name, value in properties)

    return (sorted((labels, props(p)) for labels, p in view[0]),
            sorted((a, t, b, props(p)) for a, t, b, p in view[1]))


TEMPORAL_CLASSES = {"Date", "LocalTime", "Time", "LocalDateTime", "DateTime", "Duration"}


@pytest.mark.parametrize("fmt", list(READABLE))
def test_temporal_values_come_back_typed_or_as_their_iso_text(fmt, tmp_path, awkward_store, empty_store):
    """``SET c.founded = date('1394-10-28')``, exported and loaded: the Cypher script and CSV
    keep every temporal type, equal and in the same zone, so ``c.founded.year`` works; JSON,
    JSON lines and GraphML hold the text Cypher prints for it."""
    set_temporals(awkward_store)
    loaded = round_trip(whole_graph(awkward_store), fmt, tmp_path / READABLE[fmt], empty_store)
    original = graph_view(awkward_store)
    assert graph_view(loaded) == (original if fmt in TEMPORAL_TYPED else as_text(original))
    node = next(n for n in loaded.nodes() if n["key"] == TEMPORAL_NODE)
    rel = next(r for r in loaded.relationships() if r["key"] == TEMPORAL_REL)
    for entity in (node, rel):
        assert set(TEMPORALS) <= set(entity)
        for name, (cypher, text) in TEMPORALS.items():
            if fmt not in TEMPORAL_TYPED:
                assert entity[name] == text
                continue
            (row,) = loaded.run(f"RETURN {cypher} AS expected").data()
            assert entity[name] == row["expected"] and repr(entity[name]) == repr(row["expected"])
    if fmt in TEMPORAL_TYPED:
        (row,) = loaded.run("MATCH (c {key: $node}) MATCH ()-[r {key: $rel}]->() "
                            "RETURN c.founded.year AS year, r.lasted.months AS months, "
                            "c.zoned.timezone AS zone, r.visits[1].month AS month",
                            {"node": TEMPORAL_NODE, "rel": TEMPORAL_REL}).data()
        assert row == {"year": 1394, "months": 14, "zone": "Asia/Tashkent", "month": 4}


def test_a_cypher_script_into_a_graph_that_has_the_data_merges(tmp_path, article_store, article_batch,
                                                               empty_store):
    """Loading a selection back into the full graph creates nothing: MERGE finds every node."""
    empty_store.load(article_batch)
    karimov = resolve_entity(article_store, "Islam Karimov")
    path = tmp_path / "k.cypher"
    export(ego_network(article_store, karimov, 2), "cypher", path)
    before = graph_view(empty_store)
    assert load_export(empty_store, "cypher", path) == 0
    assert graph_view(empty_store) == before
