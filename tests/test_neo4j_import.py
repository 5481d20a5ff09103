"""relgraph neo4j import end to end: real neo4j-admin, real servers, fresh homes.

Few tests, because every step starts or stops a real server (seconds each). A fresh home is
imported while no server runs: the server stays stopped, and the key constraints wait in the
home for 'relgraph neo4j start'. A running server's database that holds data is refused;
--force replaces it and leaves the server running, with the key constraints. CSV that
relgraph's writer made goes to neo4j-admin as it is, and one bad row fails the whole import.
The checks of such CSV run without a server.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import neo4j
import pytest

from relgraph.commands.neo4j import free_port, running_uri, start_server, stop_server
from relgraph.commands.neo4j_import import batch_subgraph
from relgraph.graph.backends.neo4j.admin_import import PENDING_FILE, relgraph_csv
from relgraph.graph.formats.admin_csv import write_admin_csv
from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch

from .conftest import ARTICLE_YAML


def graph_of(uri: str) -> tuple[int, int, set[str]]:
    with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
        nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
        rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n").records[0]["n"]
        keyed = driver.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
                                     "WHERE properties = ['key'] AND type = 'UNIQUENESS' "
                                     "RETURN labelsOrTypes[0] AS label").records
    return nodes, rels, {r["label"] for r in keyed}


@pytest.fixture
def exported(tmp_path: Path, article_batch: GraphBatch) -> Path:
    """The article graph as relgraph's writer writes neo4j-admin CSV."""
    folder = tmp_path / "export"
    write_admin_csv(batch_subgraph(article_batch), folder)
    return folder


def add_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def test_import_builds_refuses_and_replaces(cli, tmp_path: Path, article_batch: GraphBatch,
                                            exported: Path) -> None:
    home = tmp_path / "neo4j-home"
    primary = {spec.labels[0] for spec in article_batch.nodes}
    expected = (len(article_batch.nodes), len(article_batch.relationships))

    first = cli("neo4j", "import", "--home", str(home), str(ARTICLE_YAML))
    assert first.code == 0, first.err
    assert f"Imported {expected[0]:,} nodes and {expected[1]:,} relationships" in first.out
    assert "the server is stopped, as it was" in first.out
    assert f"its {len(primary)} key constraints will be created at its next start" in first.out
    assert "neo4j-admin: IMPORT DONE" in first.err
    assert running_uri(home) is None
    assert (home / PENDING_FILE).exists()

    started = cli("neo4j", "start", "--home", str(home), "--port", str(free_port()))
    assert started.code == 0, started.err
    assert f"created the key constraints the last 'relgraph neo4j import' left for this start " \
           f"({len(primary)} new" in started.err
    assert not (home / PENDING_FILE).exists()
    uri = started.out.strip()
    try:
        assert graph_of(uri) == (*expected, primary)
        refused = cli("neo4j", "import", "--home", str(home), str(ARTICLE_YAML))
        assert refused.code == 1
        assert "is not empty" in refused.err and "--force" in refused.err
        assert "Nothing was imported" in refused.err
        assert running_uri(home) == uri

        forced = cli("neo4j", "import", "--force", str(exported), "--home", str(home))
        assert forced.code == 0, forced.err
        assert "relgraph's own neo4j-admin CSV" in forced.err and "imported as it is" in forced.err
        assert f"{len(primary)} key constraints created; the server is running at {uri}" in forced.out
        assert graph_of(uri) == (*expected, primary)
    finally:
        stop_server(home)


def test_one_bad_row_imports_nothing(cli, tmp_path: Path, exported: Path) -> None:
    """A relationship to a node that is not there passes relgraph's cheap checks; neo4j-admin
    finds it and the import fails instead of leaving it out, and what it had written is
    removed: the server starts, on an empty database (not on store files without logs)."""
    home = tmp_path / "neo4j-home"
    add_line(exported / "relationships.csv",
             "nosuchnode,alsonone,LOCATED_IN" + "," * (len(header(exported / "relationships.csv")) - 3))
    failed = cli("neo4j", "import", "--home", str(home), str(exported))
    assert failed.code == 1
    assert "neo4j-admin could not import" in failed.err and "nothing was imported" in failed.err
    assert "Traceback" not in failed.err
    assert not (home / PENDING_FILE).exists()
    uri = start_server(0, home)
    try:
        assert graph_of(uri) == (0, 0, set())
    finally:
        stop_server(home)


def header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def test_relgraph_csv_is_recognised_and_counted(tmp_path: Path, article_batch: GraphBatch,
                                                exported: Path) -> None:
    found = relgraph_csv([exported], tmp_path / "scratch")
    assert found is not None and found.folder == exported
    assert (found.nodes, found.relationships) == (len(article_batch.nodes), len(article_batch.relationships))
    assert found.labels == {spec.labels[0] for spec in article_batch.nodes}

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(exported.iterdir()):
            zf.write(path, path.name)
    unzipped = relgraph_csv([archive], tmp_path / "scratch")
    assert unzipped is not None and unzipped.folder.parent == tmp_path / "scratch"
    assert (unzipped.nodes, unzipped.relationships, unzipped.labels) == \
           (found.nodes, found.relationships, found.labels)


def test_other_csv_and_other_sources_are_read_instead(tmp_path: Path, exported: Path) -> None:
    """Only headers exactly as relgraph writes them skip the reader: anything else (an unnamed
    :ID, whose key the reader derives; other files beside; several sources) is read."""
    assert relgraph_csv([ARTICLE_YAML], tmp_path) is None
    assert relgraph_csv([exported, exported], tmp_path) is None
    nodes = exported / "nodes.csv"
    text = nodes.read_text(encoding="utf-8")
    nodes.write_text(text.replace("key:ID,", ":ID,", 1), encoding="utf-8")
    assert relgraph_csv([exported], tmp_path) is None
    nodes.write_text(text, encoding="utf-8")
    (exported / "notes.txt").write_text("hello\n", encoding="utf-8")
    assert relgraph_csv([exported], tmp_path) is None


@pytest.mark.parametrize(("fields", "problem"), [
    (["a", "b"], "2 fields, the header has"),
    (["x", "y", "lowercase"], "'lowercase' is not UPPER_SNAKE_CASE"),
    (["x", "y", ""], "no type"),
])
def test_relgraph_csv_problems_are_load_errors(tmp_path: Path, exported: Path, fields: list[str],
                                               problem: str) -> None:
    """What neo4j-admin would take but relgraph's model refuses is a LoadError naming it."""
    rels = exported / "relationships.csv"
    width = len(header(rels))
    line = len(rels.read_text(encoding="utf-8").splitlines()) + 1
    add_line(rels, ",".join(fields + [""] * (width - 3 if len(fields) == 3 else 0)))
    with pytest.raises(LoadError) as caught:
        relgraph_csv([exported], tmp_path / "scratch")
    assert [p for p in caught.value.problems if problem in p], caught.value.problems
    if "UPPER" not in problem:  # a name is refused once, for the file
        assert caught.value.problems == [f"{rels}:{line}: {problem}" + (f" {width}" if "fields" in problem
                                                                         else "")]


def test_relgraph_csv_must_be_utf8(tmp_path: Path, exported: Path) -> None:
    """An encoded lone surrogate is not UTF-8: neo4j-admin would store a replacement character."""
    with (exported / "nodes.csv").open("ab") as fh:
        fh.write(b"bad\xed\xa0\x80,Person\n")
    with pytest.raises(LoadError, match="not UTF-8"):
        relgraph_csv([exported], tmp_path / "scratch")


def test_import_of_a_missing_source_is_a_clear_error(cli, tmp_path: Path) -> None:
    """Sources are read before the server is touched: a missing one is one line, nothing else."""
    bad = tmp_path / "bad.yaml"
    result = cli("neo4j", "import", "--home", str(tmp_path / "home"), str(bad))
    assert result.code == 1 and "no such file" in result.err and "Traceback" not in result.err


def test_a_zip_bomb_is_not_unpacked(tmp_path: Path) -> None:
    """A zip of relgraph's file names is unpacked to go to neo4j-admin: in chunks, and not
    past a member that expands like a bomb (the disk would fill before any check)."""
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("nodes.csv", "key:ID,:LABEL\n" + "a" * (8 << 20))
    with pytest.raises(LoadError, match="zip bomb"):
        relgraph_csv([archive], tmp_path / "scratch")
    assert sum(p.stat().st_size for p in (tmp_path / "scratch").rglob("*") if p.is_file()) < 4 << 20
