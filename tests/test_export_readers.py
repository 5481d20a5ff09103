"""Other tools read what relgraph exports, and overlapping exports load together (issue 13).

Every export is opened with the reader people use: networkx (GraphML, GEXF, node-link
JSON) and igraph (GraphML; igraph has no GEXF reader), and the counts, the relationship
keys and a few properties are checked. APOC and neo4j-admin are checked in
tests/test_export_apoc.py and tests/test_export_neo4j_admin.py. A node's primary label
stays first in every format with a label order, from either backend. Files that describe
the same nodes and relationships, loaded together, merge as loading them one after the
other does, while a key repeated within one file stays an error.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import igraph as ig
import networkx as nx
import pytest

from relgraph.graph.export import export
from relgraph.graph.selection import whole_graph
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.subgraph import Subgraph
from relgraph.loaders import load_into, read_sources

from .export_samples import graph_view

# --- what other tools read ----------------------------------------------------------------


def exported(store: GraphStore, fmt: str, folder: Path) -> tuple[Subgraph, Path]:
    subgraph = whole_graph(store)
    path = folder / f"g.{fmt}"
    export(subgraph, fmt, path)
    return subgraph, path


def rel_keys(subgraph: Subgraph) -> set[str]:
    return {rel["key"] for rel in subgraph.relationships}


@pytest.mark.parametrize("data", ["awkward_store", "article_store"])
def test_networkx_reads_our_gexf(request, data, tmp_path):
    """A relationship property named ``key`` used to break ``read_gexf`` (``add_edge() got
    multiple values for keyword argument 'key'``); it is titled networkx_key now, which
    networkx reads as the edge key."""
    subgraph, path = exported(request.getfixturevalue(data), "gexf", tmp_path)
    g = nx.read_gexf(path)
    assert isinstance(g, nx.MultiDiGraph)
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(subgraph.nodes), len(subgraph.relationships))
    assert {key for _, _, key in g.edges(keys=True)} == rel_keys(subgraph)
    if data == "awkward_store":
        leader = g.nodes["islam-karimov"]
        assert (leader["year"], leader["labels"]) == (1938, ":Person:Leader")
        assert g.number_of_edges("seoul", "tashkent") == 2  # parallel relationships of one type
        assert g.edges["seoul", "tashkent", "sister-1"]["label"] == "SISTER_CITY_OF"


@pytest.mark.parametrize("data", ["awkward_store", "article_store"])
def test_igraph_reads_our_graphml(request, data, tmp_path):
    """igraph refused two keys of one attr.name in one domain (``Duplicate attribute name
    found: 'scope'``); a property of several types now has one key, which igraph reads as
    text and relgraph, through the relgraph:type of each value, exactly."""
    subgraph, path = exported(request.getfixturevalue(data), "graphml", tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # igraph warns about keys it ignores: there must be none
        g = ig.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (len(subgraph.nodes), len(subgraph.relationships))
    assert set(g.es["key"]) == rel_keys(subgraph)
    assert set(g.vs["key"]) == {node["key"] for node in subgraph.nodes}
    if data == "awkward_store":
        leader = g.vs.find(id="islam-karimov")
        assert (leader["year"], leader["labels"]) == (1938, ":Person:Leader")
        assert {v["id"]: v["scope"] for v in g.vs if v["scope"]} == {
            "seoul": '["East Asia","Korea"]', "tashkent": "Central Asia"}
        scopes = {n.key: n.properties["scope"] for n in read_sources([path]).nodes if "scope" in n.properties}
        assert scopes == {"seoul": ["East Asia", "Korea"], "tashkent": "Central Asia"}


def test_networkx_reads_our_graphml_and_node_link_json(awkward_store, tmp_path):
    subgraph, graphml = exported(awkward_store, "graphml", tmp_path)
    _, nodelink = exported(awkward_store, "json", tmp_path)
    from_graphml = nx.read_graphml(graphml)
    from_json = nx.node_link_graph(json.loads(nodelink.read_text(encoding="utf-8")), edges="links")
    for g in (from_graphml, from_json):
        assert isinstance(g, nx.MultiDiGraph)
        assert (g.number_of_nodes(), g.number_of_edges()) == (len(subgraph.nodes),
                                                              len(subgraph.relationships))
    assert {key for _, _, key in from_json.edges(keys=True)} == rel_keys(subgraph)
    assert {data["key"] for _, _, data in from_graphml.edges(data=True)} == rel_keys(subgraph)
    assert from_json.nodes["islam-karimov"]["labels"] == ["Person", "Leader"]  # primary first
    assert from_json.nodes["seoul"]["scope"] == ["East Asia", "Korea"]
    assert from_graphml.nodes["islam-karimov"]["labels"] == ":Person:Leader"
    assert from_graphml.nodes["islam-karimov"]["year"] == 1938


def test_an_unknown_type_hint_is_a_load_error(tmp_path):
    path = tmp_path / "g.graphml"
    path.write_text('<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                    'xmlns:relgraph="urn:x-relgraph:graphml">\n'
                    '<key id="n.a" for="node" attr.name="a" attr.type="string"/><graph>\n'
                    '<node id="x" labels=":P"><data key="n.a" relgraph:type="map">{}</data></node>\n'
                    '</graph></graphml>\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_sources([path])
    assert info.value.problems == ["g.graphml:4: property 'a': unknown relgraph:type 'map'".replace(
        "g.graphml", str(path))]


# --- the primary label stays first ------------------------------------------------------------


def test_every_format_keeps_the_primary_label_first(empty_store, awkward_batch, tmp_path):
    """Islam Karimov is a Person first and a Leader too: sorting put Leader first, and a reload
    then merged on (Leader, key). From either backend."""
    empty_store.load(awkward_batch)
    subgraph = whole_graph(empty_store)
    for fmt in ("json", "jsonl", "graphml", "gexf", "csv"):
        export(subgraph, fmt, tmp_path / f"g.{fmt}")
    leader = next(n for n in json.loads((tmp_path / "g.json").read_text("utf-8"))["nodes"]
                  if n["id"] == "islam-karimov")
    assert leader["labels"] == ["Person", "Leader"]
    assert '"labels":["Person","Leader"]' in (tmp_path / "g.jsonl").read_text("utf-8")
    assert 'labels=":Person:Leader"' in (tmp_path / "g.graphml").read_text("utf-8")
    assert 'value=":Person:Leader"' in (tmp_path / "g.gexf").read_text("utf-8")
    assert "Person;Leader" in (tmp_path / "g.csv" / "nodes.csv").read_text("utf-8")
    for fmt in ("json", "jsonl", "graphml", "csv"):
        path = tmp_path / f"g.{fmt}"
        back = {n.key: n.labels for n in read_sources([path]).nodes}
        assert back["islam-karimov"] == ["Person", "Leader"], fmt
        assert back["o'brien & co"] == ["Institution", "Company"], fmt


# --- overlapping files load together ----------------------------------------------------------


def test_overlapping_exports_loaded_together_merge(empty_store, article_store, tmp_path):
    """``load graph.json graph.graphml`` reported 424 duplicate keys; now it merges, with the
    counts that loading one file after the other gives."""
    _, nodelink = exported(article_store, "json", tmp_path)
    _, graphml = exported(article_store, "graphml", tmp_path)
    report = load_into(empty_store, [nodelink, graphml])
    assert report.summary is not None
    assert (report.summary.nodes_created, report.summary.nodes_matched) == (144, 144)
    assert (report.summary.relationships_created, report.summary.relationships_matched) == (286, 286)
    assert graph_view(empty_store) == graph_view(article_store)


def write_json(path: Path, nodes: list[dict], links: list[dict] | None = None) -> Path:
    path.write_text(json.dumps({"nodes": nodes, "links": links or []}), encoding="utf-8")
    return path


def test_a_later_file_updates_what_an_earlier_one_said(empty_store, tmp_path):
    """The rules of sequential loads: properties are added or replaced (the later file wins),
    labels added, relationships merged on (start, type, end, key)."""
    first = write_json(tmp_path / "a.json",
                       [{"id": "x", "labels": ["City"], "name": "Old", "year": 1991},
                        {"id": "y", "labels": ["City"]}],
                       [{"source": "x", "target": "y", "type": "NEAR", "key": "r", "km": 1}])
    second = write_json(tmp_path / "b.json",
                        [{"id": "x", "labels": ["City", "Capital"], "name": "New"},
                         {"id": "y", "labels": ["City"]}],
                        [{"source": "x", "target": "y", "type": "NEAR", "key": "r", "km": 2}])
    load_into(empty_store, [first, second])
    (x,) = [n for n in empty_store.nodes() if n["key"] == "x"]
    assert (dict(x.items()), x.labels) == ({"key": "x", "name": "New", "year": 1991}, {"City", "Capital"})
    (rel,) = list(empty_store.relationships())
    assert rel["km"] == 2


def test_a_key_twice_in_one_file_stays_an_error(tmp_path):
    one = write_json(tmp_path / "a.json", [{"id": "x", "labels": ["City"]}])
    twice = write_json(tmp_path / "b.json", [{"id": "x", "labels": ["City"]},
                                             {"id": "x2", "key": "x", "labels": ["City"]}])
    with pytest.raises(LoadError) as info:
        read_sources([one, twice]).validate()
    assert info.value.problems == [f"{twice}: nodes[1]: duplicate key 'x' for label City "
                                   f"(first defined at {twice}: nodes[0])"]
    read_sources([one, one]).validate()  # the same file twice is two sources: a merge
