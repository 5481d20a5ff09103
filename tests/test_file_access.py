"""No query reaches the machine's files or URLs unless someone asked for it.

Three layers, each tested here against the real thing: the local Neo4j server itself
(tools/neo4j: no file access without --allow-file-access, and then only its import
folder, tested in tests/test_export_apoc.py), relgraph's read-only mode on both
backends (one check, graph/cypher/file_access.py, refusing before anything runs), and
Cypher scripts given to ``relgraph load`` (refused unless --allow-file-access).
"""

from __future__ import annotations

import re
from pathlib import Path

import neo4j
import pytest

from relgraph.graph.cypher.file_access import REFUSED_NAMES, FileAccessError, file_access
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import QueryError, ReadOnlyError, StatementError

PASSWD = "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line"

REACHING_OUT = [
    (PASSWD, "LOAD CSV"),
    ("load /* hidden? */ csv WITH HEADERS FROM 'https://example.org/x.csv' AS r RETURN r", "LOAD CSV"),
    ("CALL apoc.load.json('file:///etc/passwd')", "apoc.load.json"),
    ("CALL `apoc.load.json`('file:///etc/passwd') YIELD value RETURN value", "apoc.load.json"),
    ("CALL apoc . load // a comment between the parts\n . jsonParams('http://x', {}, null)",
     "apoc.load.jsonParams"),
    ("CALL APOC.EXPORT.CSV.ALL('/tmp/x.csv', {})", "APOC.EXPORT.CSV.ALL"),
    ("CALL apoc.export.csv.all(null, {stream: true})", "apoc.export.csv.all"),
    ("CALL `apoc`.`import`.graphml('x.graphml', {})", "apoc.import.graphml"),
    ("CALL apoc.log.stream('neo4j.log')", "apoc.log.stream"),
    ("RETURN apoc.cypher.runFirstColumnSingle('LOAD ' + 'CSV FROM \"file:///etc/passwd\" AS l "
     "RETURN l', {})", "apoc.cypher.runFirstColumnSingle"),
    ("CALL apoc.periodic.iterate('RETURN 1', 'RETURN 1', {})", "apoc.periodic.iterate"),
    ("MATCH (n) CALL { WITH n CALL apoc.when(true, 'RETURN 1', '') YIELD value RETURN value } "
     "RETURN n", "apoc.when"),
]

HARMLESS = [
    "RETURN 'LOAD CSV FROM file:///etc/passwd' AS text",  # a string, not a clause
    "MATCH (n) // LOAD CSV in a comment\nRETURN n.load AS load, n.csv AS csv",
    "RETURN `LOAD` + 1 AS x",
    "CALL db.labels() YIELD label RETURN label",
    "RETURN apoc.meta.cypher.type(1) AS t, apoc.text.join(['a'], '') AS j",
    "RETURN $apoc.load AS p",
]


@pytest.mark.parametrize(("query", "found"), REACHING_OUT)
def test_what_reaches_outside_the_graph_is_found(query: str, found: str) -> None:
    assert file_access(query) == found


@pytest.mark.parametrize("query", HARMLESS)
def test_strings_comments_and_other_names_are_not_mistaken(query: str) -> None:
    assert file_access(query) is None


def refusal(store: GraphStore, query: str) -> str:
    with pytest.raises(FileAccessError) as info:
        store.run(query)
    assert isinstance(info.value, ReadOnlyError)
    return str(info.value)


@pytest.mark.parametrize(("query", "found"), REACHING_OUT[:4] + REACHING_OUT[6:7])
def test_read_only_queries_may_not_touch_files_on_either_backend(empty_store: GraphStore, query: str,
                                                                 found: str) -> None:
    """Refused before anything runs, with the same words on both backends (the embedded
    engine, which has no LOAD CSV at all, says the same as Neo4j, where it would work)."""
    message = refusal(empty_store, query)
    assert message == (f"this query uses {found}, which reads or writes the machine's files or URLs, "
                       "or runs Cypher given as text; a read-only query may not, so nothing ran; "
                       "run it with --write (write=True) if you mean it")


def test_nothing_ran_before_the_refusal(empty_store: GraphStore) -> None:
    with pytest.raises(FileAccessError):
        empty_store.run("CREATE (:Thing {key: 'x'}) WITH 1 AS one " + PASSWD, write=False)
    assert empty_store.counts().nodes == 0


def test_with_write_the_query_reaches_the_server_which_has_no_file_access(neo4j_store) -> None:
    """--write lifts relgraph's check; the local server (default options) still refuses."""
    with pytest.raises(QueryError, match="allow_csv_import_from_file_urls"):
        neo4j_store.run(PASSWD, write=True)


# --- the local server without --allow-file-access ----------------------------------------


@pytest.mark.parametrize("query", [
    PASSWD,
    "CALL apoc.load.json('file:///etc/passwd')",
    "CALL apoc.import.graphml('file:///etc/passwd', {})",
])
def test_the_local_server_reads_no_file(neo4j_driver: neo4j.Driver, query: str) -> None:
    """Straight through the driver, past relgraph's own check."""
    with pytest.raises(neo4j.exceptions.ClientError):
        neo4j_driver.execute_query(query)


def test_the_local_server_writes_no_file(neo4j_driver: neo4j.Driver, tmp_path: Path) -> None:
    target = tmp_path / "everything.csv"
    with pytest.raises(neo4j.exceptions.ClientError, match="Export to files not enabled"):
        neo4j_driver.execute_query("CALL apoc.export.csv.all($path, {})", path=str(target))
    assert not target.exists()


def test_every_server_procedure_that_names_files_or_urls_is_refused(neo4j_driver: neo4j.Driver) -> None:
    """What SHOW PROCEDURES / SHOW FUNCTIONS describe as reading files or URLs, the check
    refuses; an APOC upgrade that adds one fails here. Not refused, having been read: text
    functions on URLs (``apoc.data.url``, ``apoc.text.urlencode``...), ``file()`` (the name of
    LOAD CSV's file, refused with it), ``tx.setMetaData`` (shown in the server's query log)
    and ``apoc.graph.fromDocument``/``validateDocument``, whose "JSON file" is a value: given
    'file:///etc/passwd' they fail to parse it as JSON."""
    harmless = {"apoc.data.url", "apoc.text.base64UrlDecode", "apoc.text.base64UrlEncode",
                "apoc.text.urldecode", "apoc.text.urlencode", "file", "tx.setMetaData",
                "apoc.graph.fromDocument", "apoc.graph.validateDocument"}
    missed = []
    for kind in ("PROCEDURES", "FUNCTIONS"):
        for name, description in neo4j_driver.execute_query(
                f"SHOW {kind} YIELD name, description RETURN name, description").records:
            touches = re.search(r"\b(files?|urls?|logs?)\b", description, re.IGNORECASE)
            if touches and name not in harmless and file_access(f"CALL {name}()") is None:
                missed.append(name)
    assert missed == []
    assert all(prefix == prefix.lower() for prefix in REFUSED_NAMES)


# --- scripts given to relgraph load ----------------------------------------------------------


def test_a_script_may_not_touch_files_unless_allowed(empty_store: GraphStore) -> None:
    statements = ["CREATE (:Thing {key: 'a'})", "CALL apoc.load.json('file:///etc/passwd')"]
    with pytest.raises(StatementError) as info:
        empty_store.run_script(statements)
    assert info.value.index == 1
    assert "relgraph load --allow-file-access" in str(info.value)
    assert empty_store.counts().nodes == 0


def test_relgraph_load_names_the_file_and_line_and_takes_the_option(store_cli, tmp_path: Path) -> None:
    script = tmp_path / "reads.cypher"
    script.write_text("CREATE (:Thing {key: 'a'});\n" + PASSWD + ";\n", encoding="utf-8")
    refused = store_cli("load", str(script))
    assert refused.code != 0
    assert f"{script}:2" in refused.err and "--allow-file-access" in refused.err
    allowed = store_cli("load", "--allow-file-access", str(script))
    # now the statement runs, and what refuses it is the backend itself: the embedded engine
    # has no LOAD CSV, the local server no file access
    assert allowed.code != 0 and "--allow-file-access" not in allowed.err
    assert ("LOAD CSV" in allowed.err if store_cli.backend == "networkx"
            else "allow_csv_import_from_file_urls" in allowed.err)
    assert store_cli.store().counts().nodes == 0
