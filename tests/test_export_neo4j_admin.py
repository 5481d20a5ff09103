"""The CSV export through the real ``neo4j-admin database import full``, then read back from Neo4j.

The import tool ships in the same Neo4j 5.26 jars as the test server
(tools/neo4j/lib), so this runs exactly what a user runs, into a fresh home that
a second server then opens. What neo4j-admin keeps is compared with the original:
everything survives except empty lists, which neo4j-admin reads as "no
property" (relgraph's own reader keeps them: tests/test_roundtrip.py). The
sample carries a value of each temporal type, set through Cypher, so the typed
temporal columns (``founded:date``, ``visits:date[]``...) go through the real tool too.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from relgraph.commands.neo4j import start_server, stop_server
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import export
from relgraph.graph.selection import whole_graph
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import GraphBatch

from .export_neo4j import LIB, build_jars, neo4j_view
from .export_samples import TEMPORAL_NODE, TEMPORAL_REL, TEMPORALS, graph_view, set_temporals


def neo4j_admin_import(home: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """neo4j-admin database import full, every nodes*.csv and relationships*.csv of ``folder``."""
    args = [f"--nodes={p}" for p in sorted(folder.glob("nodes*.csv"))]
    args += [f"--relationships={p}" for p in sorted(folder.glob("relationships*.csv"))]
    # The database name goes first: --nodes and --relationships take any number of files and
    # would swallow a name after them.
    command = ["java", "-Xmx512m", "-cp", f"{LIB}/*", "org.neo4j.cli.AdminTool", "database", "import",
               "full", "neo4j", "--multiline-fields=true", "--max-off-heap-memory=256m",
               f"--report-file={home / 'import.report'}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=home,
                          env={**os.environ, "NEO4J_HOME": str(home)})


def without_empty_lists(view: tuple[list, list]) -> tuple[list, list]:
    def keep(props: tuple) -> tuple:
        return tuple(p for p in props if p[1] != ("list", ()))

    return (sorted((labels, keep(props)) for labels, props in view[0]),
            sorted((a, t, b, keep(props)) for a, t, b, props in view[1]))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory,
             awkward_batch: GraphBatch) -> Iterator[tuple[NetworkxStore, neo4j.Driver, str]]:
    """The awkward sample with temporal values, exported as CSV, imported by neo4j-admin,
    served by its own Neo4j.

    The one second server of a test run: neo4j-admin writes a database into a home of its
    own, and only a server started on that home can serve it.
    """
    store = NetworkxStore()
    store.load(awkward_batch)
    set_temporals(store)
    folder = tmp_path_factory.mktemp("admin-csv") / "export"
    export(whole_graph(store), "csv", folder)
    home = tmp_path_factory.mktemp("neo4j-admin-home")
    try:
        build_jars()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    result = neo4j_admin_import(home, folder)
    if result.returncode != 0:
        pytest.fail(f"neo4j-admin import failed (exit {result.returncode}):\n"
                    f"{(result.stdout + result.stderr)[-4000:]}")
    try:
        uri = start_server(0, home)
    except StoreError as exc:
        pytest.fail(str(exc))
    try:
        with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
            yield store, driver, result.stdout
    finally:
        stop_server(home)


def test_neo4j_admin_imports_every_file(imported):
    _, _, output = imported
    assert "5 nodes" in output and "6 relationships" in output


def test_neo4j_admin_keeps_everything_but_empty_lists(imported):
    store, driver, _ = imported
    assert neo4j_view(driver) == without_empty_lists(graph_view(store))
    leader = driver.execute_query("MATCH (n:Person) RETURN n").records[0]["n"]
    assert leader["empty"] == "" and "nothing" not in leader  # "" kept; the empty list dropped
    assert leader["multiline"] == "line one\nline two\tand a tab\r\nend"


def test_neo4j_admin_reads_temporal_columns_as_temporal_values(imported):
    """founded:date, zoned:datetime, visits:date[]... are Neo4j's temporal types after the
    import, equal to what Cypher makes from the same text, with their offsets, named zone and
    nanoseconds (the whole values are compared with the original above)."""
    _, driver, _ = imported
    columns = ", ".join(f"valueType(e.{name}) AS {name}Type, e.{name} = {cypher} AS {name}Equal"
                        for name, (cypher, _) in TEMPORALS.items())
    for match in (f"MATCH (e {{key: '{TEMPORAL_NODE}'}})", f"MATCH ()-[e {{key: '{TEMPORAL_REL}'}}]->()"):
        (record,) = driver.execute_query(
            f"{match} RETURN {columns}, e.founded.year AS year, e.zoned.timezone AS zone, "
            "e.signed.offset AS offset, e.opens.nanosecond AS nanos, e.lasted.months AS months").records
        assert [record[f"{name}Type"] for name in TEMPORALS] == [
            "DATE NOT NULL", "LOCAL TIME NOT NULL", "ZONED TIME NOT NULL", "LOCAL DATETIME NOT NULL",
            "ZONED DATETIME NOT NULL", "ZONED DATETIME NOT NULL", "DURATION NOT NULL",
            "LIST<DATE NOT NULL> NOT NULL"]
        assert all(record[f"{name}Equal"] for name in TEMPORALS)
        assert (record["year"], record["zone"], record["offset"], record["nanos"], record["months"]) == (
            1394, "Asia/Tashkent", "+05:00", 123456789, 14)
