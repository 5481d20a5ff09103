"""Exports checked against a real Neo4j 5.26 with APOC 5.26, through APOC's own importers.

GraphML goes through ``apoc.import.graphml(file, {readLabels: true})``, JSON lines
through ``apoc.import.json``, the Cypher script through the driver as cypher-shell
would run it; then what Neo4j holds is compared, with types, to the original. The
other direction too: what APOC exports, relgraph's readers load.

APOC may touch files only on a server started with ``--allow-file-access``, and then
only in that server's ``<home>/import``: the session's server (tests/conftest.py) has no
file access at all, as a user's has by default. So this module starts a server of its
own with that option, and every file APOC reads or writes lives in its import folder,
named relative to it. Each test starts from a database without data or schema, and the
schema APOC's JSON import needs is dropped after it. No mocks, no skips.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from relgraph.commands.neo4j import start_server, stop_server
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import export
from relgraph.graph.formats.cypher_script import cypher_statements
from relgraph.graph.formats.types import property_columns, value_text
from relgraph.graph.selection import ego_network, resolve_entity, whole_graph
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.subgraph import Subgraph
from relgraph.loaders import read_sources

from .conftest import drop_schema
from .export_neo4j import neo4j_view
from .export_samples import graph_view, typed_properties


@pytest.fixture(scope="module")
def apoc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[neo4j.Driver, Path]]:
    """A server whose APOC may use files in its import folder (and nowhere else): its driver
    and that folder."""
    home = tmp_path_factory.mktemp("neo4j-apoc-home")
    try:
        uri = start_server(0, home, file_access=True)
    except StoreError as exc:
        pytest.fail(f"these tests need a real Neo4j and none could be started: {exc}", pytrace=False)
    try:
        with neo4j.GraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF") as driver:
            yield driver, home / "import"
    finally:
        stop_server(home)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def db(apoc_server: tuple[neo4j.Driver, Path]) -> Iterator[neo4j.Driver]:
    """An empty database, no schema either: what APOC's importers and a script start from."""
    driver = apoc_server[0]
    driver.execute_query("MATCH (n) DETACH DELETE n")
    drop_schema(driver)
    yield driver
    drop_schema(driver)


@pytest.fixture
def tmp_path(apoc_server: tuple[neo4j.Driver, Path], request: pytest.FixtureRequest) -> Iterator[Path]:
    """A folder of this test's own inside the server's import folder, in place of pytest's:
    the only place the server's APOC may read and write."""
    folder = apoc_server[1] / request.node.name
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def server_name(path: Path) -> str:
    """How the server names a file of its import folder: relative to that folder."""
    return f"{path.parent.name}/{path.name}"


def apoc_import_graphml(driver: neo4j.Driver, path: Path) -> None:
    driver.execute_query("CALL apoc.import.graphml($path, {readLabels: true, storeNodeIds: false})",
                         path=server_name(path))


def apoc_import_json(driver: neo4j.Driver, subgraph: Subgraph, path: Path) -> None:
    """apoc.import.json needs a uniqueness constraint on neo4jImportId for every label it meets,
    and leaves that property on each node. Its ``cleanup: true`` option would remove it, but in
    APOC 5.26.19 it also drops the relationships (tested below), so the test removes it itself."""
    for label in sorted({label for node in subgraph.nodes for label in node.labels}):
        driver.execute_query(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) "
                             "REQUIRE n.neo4jImportId IS UNIQUE")
    driver.execute_query("CALL apoc.import.json($path)", path=server_name(path))
    driver.execute_query("MATCH (n) REMOVE n.neo4jImportId")


def run_script_like_cypher_shell(driver: neo4j.Driver, statements: list[str]) -> int:
    """Each statement in its own auto-commit transaction, as ``cypher-shell -f`` runs a file
    (relgraph's own ``load`` runs the data statements in one: tests/test_roundtrip.py).
    Returns how many entities were created."""
    created = 0
    with driver.session() as session:
        for statement in statements:
            counters = session.run(statement).consume().counters
            created += counters.nodes_created + counters.relationships_created
    return created


# --- relgraph exports into Neo4j --------------------------------------------------------


def as_apoc_reads_our_graphml(store: NetworkxStore) -> tuple[list, list]:
    """``graph_view(store)``, but a property with values of several types as text: our GraphML
    declares one ``string`` key for it (igraph refuses two keys of one name, APOC reads node
    data only through node keys), and APOC ignores the ``relgraph:type`` that relgraph reads."""
    def texts(entities: list[Any]) -> list[dict[str, Any]]:
        mixed = {c.name for c in property_columns(dict(e.items()) for e in entities) if c.qualified}
        return [{k: value_text(v) if k in mixed else v for k, v in e.items()} for e in entities]

    nodes, rels = list(store.nodes()), list(store.relationships())
    node_props, rel_props = texts(nodes), texts(rels)
    assert any(a != dict(n.items()) for a, n in zip(node_props, nodes)), "nothing of several types"
    return (sorted((tuple(sorted(n.labels)), typed_properties(p)) for n, p in zip(nodes, node_props)),
            sorted((r.start_node["key"], r.type, r.end_node["key"], typed_properties(p))
                   for r, p in zip(rels, rel_props)))


def test_apoc_imports_our_graphml(db, awkward_store, tmp_path):
    path = tmp_path / "g.graphml"
    export(whole_graph(awkward_store), "graphml", path)
    apoc_import_graphml(db, path)
    assert neo4j_view(db) == as_apoc_reads_our_graphml(awkward_store)


def test_apoc_imports_our_graphml_of_the_article(db, article_store, tmp_path):
    path = tmp_path / "g.graphml"
    export(whole_graph(article_store), "graphml", path)
    apoc_import_graphml(db, path)
    assert neo4j_view(db) == as_apoc_reads_our_graphml(article_store)


def test_apoc_imports_our_json_lines(db, awkward_store, tmp_path):
    path = tmp_path / "g.jsonl"
    subgraph = whole_graph(awkward_store)
    export(subgraph, "jsonl", path)
    apoc_import_json(db, subgraph, path)
    assert neo4j_view(db) == graph_view(awkward_store)


def test_apoc_imports_our_json_lines_of_a_selection(db, article_store, tmp_path):
    subgraph = ego_network(article_store, resolve_entity(article_store, "Islam Karimov"), 2)
    path = tmp_path / "k.jsonl"
    export(subgraph, "jsonl", path)
    apoc_import_json(db, subgraph, path)
    expected = NetworkxStore()
    expected.load(read_sources([path]))
    assert neo4j_view(db) == graph_view(expected)
    assert len(neo4j_view(db)[0]) == len(subgraph.nodes)


def test_apoc_json_cleanup_option_loses_relationships(db, awkward_store, tmp_path):
    """Why apoc_import_json removes neo4jImportId itself: APOC 5.26.19's own cleanup drops every
    relationship. If this starts failing, APOC fixed it and the option can be used."""
    path = tmp_path / "g.jsonl"
    subgraph = whole_graph(awkward_store)
    export(subgraph, "jsonl", path)
    for label in sorted({label for node in subgraph.nodes for label in node.labels}):
        db.execute_query(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) REQUIRE n.neo4jImportId IS UNIQUE")
    db.execute_query("CALL apoc.import.json($path, {cleanup: true})", path=server_name(path))
    nodes, rels = neo4j_view(db)
    assert len(nodes) == 5 and rels == []


def test_the_cypher_script_recreates_the_graph_in_neo4j(db, awkward_store):
    statements = cypher_statements(whole_graph(awkward_store))
    assert run_script_like_cypher_shell(db, statements) == 5 + 6
    assert neo4j_view(db) == graph_view(awkward_store)
    assert run_script_like_cypher_shell(db, statements) == 0  # idempotent
    assert neo4j_view(db) == graph_view(awkward_store)
    constraints = db.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties").records
    assert sorted((r["labelsOrTypes"][0], r["properties"][0]) for r in constraints) == [
        ("City", "key"), ("Event", "key"), ("Institution", "key"), ("Person", "key")]


def test_the_cypher_script_of_the_article_in_neo4j(db, article_store):
    statements = cypher_statements(whole_graph(article_store))
    assert run_script_like_cypher_shell(db, statements) == 144 + 286
    assert neo4j_view(db) == graph_view(article_store)


# --- APOC's exports into relgraph -------------------------------------------------------


def _fill_neo4j(db: neo4j.Driver, store: NetworkxStore) -> None:
    """Through our Cypher script, shown faithful above (APOC's GraphML import is not: it reads
    a property of several types as text)."""
    run_script_like_cypher_shell(db, cypher_statements(whole_graph(store)))


def test_relgraph_reads_apocs_graphml(db, article_store, tmp_path):
    """Everything comes back typed, except a property with values of several types: APOC declares
    no key for it (``scope`` is text on some statistics and a list on one agreement), so both
    APOC's importer and relgraph's read the list as its JSON text. relgraph's own GraphML types
    each such value with relgraph:type instead (tests/test_export_formats.py)."""
    _fill_neo4j(db, article_store)
    path = tmp_path / "apoc.graphml"
    db.execute_query("CALL apoc.export.graphml.all($path, {useTypes: true})", path=server_name(path))
    assert '<key id="scope"' not in path.read_text(encoding="utf-8")
    loaded = NetworkxStore()
    loaded.load(read_sources([path]))
    scopes = {n["key"]: n["scope"] for n in loaded.nodes() if "scope" in n}
    assert json.loads(scopes["contract-2025-urgench-airport"])[0] == "construction of a new runway"
    assert scopes["statistic-largest-trading-partner-central-asia"] == "Central Asia"
    without_scope = lambda view: ([(labels, tuple(p for p in props if p[0] != "scope"))  # noqa: E731
                                   for labels, props in view[0]], view[1])
    assert without_scope(graph_view(loaded)) == without_scope(graph_view(article_store))


def test_relgraph_reads_apocs_json(db, awkward_store, tmp_path):
    """apoc.export.json.all writes JSON lines (into a .json file, which relgraph load sniffs)."""
    _fill_neo4j(db, awkward_store)
    path = tmp_path / "apoc.json"
    db.execute_query("CALL apoc.export.json.all($path, {})", path=server_name(path))
    loaded = NetworkxStore()
    loaded.load(read_sources([path]))
    assert graph_view(loaded) == graph_view(awkward_store)


# --- what the server's file access reaches --------------------------------------------


def test_file_access_stays_inside_the_import_folder(db, tmp_path):
    """Even with --allow-file-access, LOAD CSV and APOC resolve every path inside the import
    folder: /etc/passwd is <import>/etc/passwd, which does not exist, and a path that climbs
    out of the folder is refused; nothing is written outside it."""
    (tmp_path / "ok.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    rows = db.execute_query(f"LOAD CSV WITH HEADERS FROM 'file:///{server_name(tmp_path / 'ok.csv')}' "
                            "AS row RETURN row.b AS b").records
    assert [r["b"] for r in rows] == ["2"]
    for query in ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
                  "CALL apoc.load.json('file:///etc/passwd')",
                  "CALL apoc.load.json('file:///../../../../../../etc/passwd')"):
        with pytest.raises(neo4j.exceptions.ClientError):
            db.execute_query(query)
    home = tmp_path.parents[1]
    escape = home / "escaped.csv"
    with pytest.raises(neo4j.exceptions.ClientError):
        db.execute_query("CALL apoc.export.csv.all($path, {})", path=f"../{escape.name}")
    assert not escape.exists()
