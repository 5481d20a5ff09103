"""node-link JSON loader: reads what the exporter writes, and what networkx writes."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from relgraph.graph.formats import write_nodelink_json
from relgraph.graph.selection import whole_graph
from relgraph.graph.values.errors import LoadError
from relgraph.loaders import read_sources

from .export_samples import graph_view


def test_round_trip_of_the_article_graph(tmp_path, article_store, store):
    path = tmp_path / "g.json"
    write_nodelink_json(whole_graph(article_store), path)
    store.load(read_sources([path]))
    assert graph_view(store) == graph_view(article_store)


def test_networkx_reads_the_export_as_a_multidigraph(tmp_path, article_store):
    path = tmp_path / "g.json"
    write_nodelink_json(whole_graph(article_store), path)
    g = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 144 and g.number_of_edges() == 286
    assert g.nodes["islam-karimov"]["labels"] == ["Person"]
    assert g.has_edge("seoul", "tashkent", key="seoul-sister_city_of-tashkent")


def test_edges_key_from_newer_networkx_is_accepted(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", labels=["Person"], name="A")
    g.add_node("b", labels=["Person"], name="B")
    g.add_edge("a", "b", type="KNOWS")
    g.add_edge("a", "b", type="KNOWS")
    path = tmp_path / "nx.json"
    path.write_text(json.dumps(nx.node_link_data(g, edges="edges")), encoding="utf-8")
    batch = read_sources([path])
    assert [n.key for n in batch.nodes] == ["a", "b"]
    assert len(batch.relationships) == 2  # parallel edges survive


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"nodes": [', "g.json:1:12: invalid JSON"),
        ('{"edges": []}', "expected an object with a 'nodes' list"),
        ('{"nodes": [{"id": "a"}]}', "nodes[0] (id 'a'): a node needs a non-empty 'labels' list"),
        ('{"nodes": [{"id": "a", "labels": ["P"]}], "links": [{"source": "a", "target": "z", "type": "T"}]}',
         "links[0]: target 'z' is not the id of any node"),
        ('{"nodes": [{"id": "a", "labels": ["P"], "x": null}]}', "nodes[0]: property 'x' is null"),
        ('{"nodes": [{"id": "a", "labels": ["P"]}, {"id": "a", "labels": ["P"]}]}', "duplicate node id 'a'"),
        ('{"nodes": [{"id": "a", "labels": ["P"], "year": "abc"}]}', "nodes[0]: year 'abc' is not a year"),
        ('{"nodes": [{"id": "a", "labels": ["P"], "years": [1991, 1992.5]}]}',
         "years [1991.0, 1992.5] is not a list of years"),
    ],
)
def test_bad_json(tmp_path, text, expected):
    path = tmp_path / "g.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_sources([path])
    assert any(expected in p for p in info.value.problems), info.value.problems
