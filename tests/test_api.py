"""The Python API (relgraph.open, Graph, Result, Subgraph, View) on both backends, as a notebook uses it."""

from __future__ import annotations

import json
import re
from html import unescape

import networkx as nx
import pytest

import relgraph
from relgraph.graph.values.temporal import Date

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module", params=["networkx", "neo4j"])
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The article in a graph opened the way a user opens one: a snapshot path or a Bolt URI."""
    if request.param == "neo4j":
        g = relgraph.open(request.getfixturevalue("neo4j_uri"))
        g.store.clear()
    else:
        g = relgraph.open(tmp_path_factory.mktemp("api") / "graph.snapshot")
    g.load()
    yield g
    g.close()


def test_open_chooses_the_backend_from_the_target(tmp_path, neo4j_uri):
    assert relgraph.open(":memory:").backend == "networkx"
    with relgraph.open(tmp_path / "g.snapshot") as g:
        assert g.backend == "networkx" and str(tmp_path / "g.snapshot") in g.store.describe()
    with relgraph.open(neo4j_uri) as g:
        assert g.backend == "neo4j"
    with pytest.raises(relgraph.RelgraphError, match="embedded store"):
        relgraph.open(":memory:", backend="neo4j")


def test_auto_falls_back_with_one_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("RELGRAPH_STORE", str(tmp_path / "fallback.snapshot"))
    heard: list[str] = []
    with relgraph.open(backend="auto", warn=heard.append) as g:
        assert g.backend == "networkx"
    assert len(heard) == 1 and "no Neo4j at bolt://127.0.0.1:9" in heard[0]


def test_load_reports_what_it_merged(tmp_path):
    g = relgraph.open(":memory:")
    first = g.load()
    assert first.summary is not None and first.summary.nodes_created == 144
    again = g.load()
    assert again.summary is not None and again.summary.nodes_created == 0
    assert again.summary.nodes_matched == 144
    assert str(again) == ("south-korea-uzbekistan.yaml: 0 nodes created, 144 already present; "
                          "0 relationships created, 286 already present")


def test_query_result_behaves_like_the_drivers(graph):
    result = graph.query("MATCH (p:Person) WHERE p.name STARTS WITH $prefix "
                         "RETURN p.name AS name, p.born AS born ORDER BY name", prefix="Sh")
    assert result.keys() == ["name", "born"]
    assert result.value("name") == ["Shavkat Mirziyoyev"]
    record = result.single(strict=True)
    assert record is not None and record.get("name") == "Shavkat Mirziyoyev" and record["name"] == record[0]
    assert result.data() == [{"name": "Shavkat Mirziyoyev", "born": record["born"]}]
    with pytest.raises(ValueError):
        graph.query("MATCH (p:Person) RETURN p").single(strict=True)
    both = graph.query("RETURN $a + $b AS total", {"a": 1}, b=2)
    assert both.single() is not None and both.value() == [3]


def test_queries_are_read_only_unless_asked(graph):
    with pytest.raises(relgraph.RelgraphError, match="write"):
        graph.query("CREATE (:Scratch {key: 'x'})")
    assert graph.query("MATCH (n:Scratch) RETURN count(n) AS n").value() == [0]
    assert graph.query("CREATE (:Scratch {key: 'x'})", write=True).summary.counters.nodes_created == 1
    graph.query("MATCH (n:Scratch) DELETE n", write=True)


def test_scripts_take_typed_keywords(graph):
    visits = graph.script("person-visits", person="Shavkat Mirziyoyev")
    assert len(visits) >= 1 and all(r["year"] >= 2017 for r in visits)
    with pytest.raises(relgraph.RelgraphError, match="7 is not the name of a Person"):
        graph.script("person-visits", person=7)
    with pytest.raises(relgraph.RelgraphError, match=r"unknown parameter.*persn.*it takes: person"):
        graph.script("person-visits", persn="x")
    assert "person-visits" in graph.scripts()


def test_results_become_frames_and_networkx_graphs(graph):
    frame = graph.query("MATCH (c:City) RETURN c.name AS city ORDER BY city").to_df()
    assert list(frame.columns) == ["city"] and "Tashkent" in set(frame["city"])
    paths = graph.query("MATCH p = (:Person {name: 'Islam Karimov'})-[:MADE_VISIT]->() RETURN p")
    sub = paths.graph()
    assert len(sub.relationships) == len(paths) and len(sub.nodes) == len(paths) + 1
    g = paths.to_networkx()
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_edges() == len(paths)
    assert g.nodes["islam-karimov"]["labels"] == ["Person"]
    assert {d["type"] for _, _, d in g.edges(data=True)} == {"MADE_VISIT"}


def test_select_combines_criteria_as_the_commands_do(graph):
    around = graph.select(around="tashkent", depth=1)
    assert "Tashkent" in {n.get("name") for n in around.nodes} and len(around.nodes) > 5
    people_in_2010s = graph.select(labels=["Person"], years="2010..2019")
    assert people_in_2010s.nodes and all("Person" in n.labels for n in people_in_2010s.nodes)
    by_script = graph.select(query="ego-network", parameters={"name": "Seoul", "depth": 1})
    assert by_script.description.startswith("query ego-network") and by_script.nodes
    with pytest.raises(relgraph.RelgraphError, match="did you mean 'Person'"):
        graph.select(labels=["Persn"])
    with pytest.raises(relgraph.RelgraphError, match="no entity is named"):
        graph.select(around="Atlantis")


def test_a_subgraph_exports_the_bytes_the_command_writes(graph, tmp_path, cli):
    graph.select(around="Tashkent", depth=1).export(tmp_path / "api.graphml")
    with pytest.raises(relgraph.RelgraphError, match="already exists"):
        graph.select(around="Tashkent", depth=1).export(tmp_path / "api.graphml")
    assert cli("load").code == 0
    written = cli("export", "--around", "Tashkent", "--depth", "1", "-o", str(tmp_path / "cli.graphml"))
    assert written.code == 0
    assert (tmp_path / "api.graphml").read_bytes() == (tmp_path / "cli.graphml").read_bytes()
    loaded = relgraph.open(":memory:")
    loaded.load(tmp_path / "api.graphml")
    assert loaded.stats().nodes == len(graph.select(around="Tashkent", depth=1).nodes)


def test_temporal_values_pass_both_ways(graph):
    result = graph.query("RETURN date($d) AS d, $d2 AS same", d="2024-06-14", d2=Date(19888))
    record = result.single()
    assert record is not None and record["d"] == Date(19888) and record["same"] == Date(19888)


def _srcdoc(fragment: str) -> str:
    match = re.fullmatch(
        r'<iframe sandbox="allow-scripts" title="[^"]*" style="[^"]*" srcdoc="([^"]*)"></iframe>', fragment)
    assert match, fragment[:200]
    return unescape(match.group(1))


def test_views_display_in_a_sandboxed_frame_of_their_own(graph, tmp_path):
    view = graph.select(around="Tashkent", depth=1).view(title="Around <Tashkent>")
    page = _srcdoc(view._repr_html_())
    assert page == view.html and page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "Around &lt;Tashkent&gt;" in page
    data = json.loads(re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>',
                                page, re.S).group(1))
    assert len(data["nodes"]) == len(graph.select(around="Tashkent", depth=1).nodes)
    saved = view.save(tmp_path / "tashkent.html")
    assert saved.read_text(encoding="utf-8") == view.html


def test_a_result_shows_a_view_when_it_holds_graph_values_and_a_table_otherwise(graph):
    drawn = graph.query("MATCH p = (:City {name: 'Seoul'})-[:SISTER_CITY_OF]-() RETURN p")._repr_html_()
    assert drawn.startswith('<iframe sandbox="allow-scripts"')
    table = graph.query("MATCH (c:City) RETURN c.name AS city, '<b>' AS tag ORDER BY city")._repr_html_()
    assert table.startswith("<table>") and "&lt;b&gt;" in table and "<b>" not in table
    many = graph.query("UNWIND range(1, 120) AS i RETURN i")._repr_html_()
    assert "showing 50 of 120 rows" in many


def test_a_view_too_large_is_refused_unless_trimmed(tmp_path):
    from relgraph.graph.views.synthetic import synthetic_batch

    g = relgraph.open(":memory:")
    g.store.load(synthetic_batch(6000, 7000))
    with pytest.raises(relgraph.RelgraphError, match=r"max-nodes"):
        g.select().view()
    assert len(g.select().view(max_nodes=300).data.nodes) == 300


def test_the_api_needs_no_command_line(tmp_path):
    """Importing relgraph does not import the command line, and the API works from any folder."""
    import subprocess
    import sys

    code = ("import sys, relgraph; g = relgraph.open(':memory:'); g.load(); "
            "print(g.stats().nodes, 'relgraph.cli' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["144", "False"]



def test_the_first_example_of_docs_python_md_prints_what_it_says():
    """The opening example of docs/python.md runs, and its last line's value is the comment under it."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "python.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1).strip().splitlines()
    *statements, expression, comment = block
    namespace: dict[str, object] = {}
    exec("\n".join(statements), namespace)
    assert repr(eval(expression, namespace)) == comment.removeprefix("# ")
