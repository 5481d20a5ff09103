"""Export a subgraph, load it into an empty store, get the same graph back.

Every format relgraph reads is covered: node-link JSON, JSON lines, GraphML,
neo4j-admin CSV (folder and zip) and the Cypher script. "The same" means the same
labels, types, properties with their Python types, and parallel relationships.
The lead extends these to the Neo4j backend once it is merged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import export
from relgraph.graph.select import by_labels, ego_network, resolve_entity
from relgraph.graph.subgraph import Subgraph
from relgraph.loaders import read_sources
from relgraph.loaders.cypher_script import read_cypher_scripts

from .export_samples import awkward_batch, graph_view

#: format -> output name (the csv format writes a folder, or a zip)
READABLE = {"json": "g.json", "jsonl": "g.jsonl", "graphml": "g.graphml", "csv": "g", "csv-zip": "g.zip"}


def load_export(fmt: str, path: Path) -> NetworkxStore:
    """A fresh in-memory store holding what ``path`` holds, read the way `relgraph load` reads it."""
    target = NetworkxStore()
    if fmt == "cypher":
        target.run_script([s.text for s in read_cypher_scripts([path])])
    else:
        target.load(read_sources([path]))
    return target


def round_trip(source: NetworkxStore, subgraph: Subgraph, fmt: str, path: Path) -> NetworkxStore:
    export(subgraph, fmt.removesuffix("-zip"), path)
    return load_export(fmt, path)


@pytest.fixture
def awkward_store() -> NetworkxStore:
    store = NetworkxStore()
    store.load(awkward_batch())
    return store


@pytest.mark.parametrize("fmt", list(READABLE))
def test_awkward_values_survive(fmt, tmp_path, awkward_store):
    loaded = round_trip(awkward_store, Subgraph.from_store(awkward_store), fmt, tmp_path / READABLE[fmt])
    assert graph_view(loaded) == graph_view(awkward_store)


@pytest.mark.parametrize("fmt", list(READABLE))
def test_the_article_graph_survives(fmt, tmp_path, article_store):
    loaded = round_trip(article_store, Subgraph.from_store(article_store), fmt, tmp_path / READABLE[fmt])
    assert graph_view(loaded) == graph_view(article_store)


@pytest.mark.parametrize("fmt", list(READABLE))
def test_a_selected_subgraph_survives(fmt, tmp_path, article_store):
    """A selection is exported alone: the loaded graph is the selection, no more."""
    karimov = resolve_entity(article_store, "Islam Karimov")
    subgraph = ego_network(article_store, karimov, 1)
    loaded = round_trip(article_store, subgraph, fmt, tmp_path / READABLE[fmt])
    expected = NetworkxStore()
    export(subgraph, "json", tmp_path / "expected.json")
    expected.load(read_sources([tmp_path / "expected.json"]))
    assert graph_view(loaded) == graph_view(expected)
    assert len(list(loaded.nodes())) == len(subgraph.nodes)
    assert len(list(loaded.relationships())) == len(subgraph.relationships)


@pytest.mark.parametrize("fmt", list(READABLE))
def test_loading_an_export_twice_changes_nothing(fmt, tmp_path, awkward_store):
    path = tmp_path / READABLE[fmt]
    loaded = round_trip(awkward_store, by_labels(awkward_store, ["City"]), fmt, path)
    before = graph_view(loaded)
    summary = loaded.load(read_sources([path]))
    assert summary.nodes_created == 0 and summary.relationships_created == 0
    assert graph_view(loaded) == before


@pytest.mark.parametrize("fmt", ["json", "jsonl", "graphml"])
def test_a_list_mixing_integers_and_floats_keeps_both(fmt, tmp_path):
    """The model allows [1, 2.5]; the JSON formats and GraphML (JSON list text) keep it as is."""
    store = NetworkxStore()
    batch = awkward_batch()
    batch.nodes[1].properties["mixed"] = [1, 2.5]
    store.load(batch)
    loaded = round_trip(store, Subgraph.from_store(store), fmt, tmp_path / READABLE[fmt])
    assert next(n for n in loaded.nodes() if n["key"] == "tashkent")["mixed"] == [1, 2.5]


def test_the_cypher_script_recreates_the_graph(tmp_path, awkward_store):
    loaded = round_trip(awkward_store, Subgraph.from_store(awkward_store), "cypher", tmp_path / "g.cypher")
    assert graph_view(loaded) == graph_view(awkward_store)


def test_the_cypher_script_recreates_the_article_and_is_idempotent(tmp_path, article_store):
    path = tmp_path / "g.cypher"
    loaded = round_trip(article_store, Subgraph.from_store(article_store), "cypher", path)
    assert graph_view(loaded) == graph_view(article_store)
    results = loaded.run_script([s.text for s in read_cypher_scripts([path])])
    assert sum(r.summary.counters.nodes_created + r.summary.counters.relationships_created
               for r in results) == 0
    assert graph_view(loaded) == graph_view(article_store)


def test_a_cypher_script_into_a_graph_that_has_the_data_merges(tmp_path, article_store):
    """Loading a selection back into the full graph creates nothing: MERGE finds every node."""
    karimov = resolve_entity(article_store, "Islam Karimov")
    path = tmp_path / "k.cypher"
    export(ego_network(article_store, karimov, 2), "cypher", path)
    before = graph_view(article_store)
    article_store.run_script([s.text for s in read_cypher_scripts([path])])
    assert graph_view(article_store) == before
