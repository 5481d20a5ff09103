"""relgraph neo4j import end to end: real neo4j-admin, real servers, a fresh home.

One test, because every step starts or stops a real server (seconds each): a fresh home
is imported while no server runs (the server is started for the key constraints and
stopped again); a running server's database that holds data is refused; --force
replaces it and leaves the server running, with the key constraints a load creates.
"""

from __future__ import annotations

from pathlib import Path

import neo4j

from relgraph.commands.neo4j import running_uri, start_server, stop_server
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


def test_import_builds_refuses_and_replaces(cli, tmp_path: Path, article_batch: GraphBatch) -> None:
    home = tmp_path / "neo4j-home"
    primary = {spec.labels[0] for spec in article_batch.nodes}
    expected = (len(article_batch.nodes), len(article_batch.relationships))

    first = cli("neo4j", "import", "--home", str(home), str(ARTICLE_YAML))
    assert first.code == 0, first.err
    assert f"Imported {expected[0]:,} nodes and {expected[1]:,} relationships" in first.out
    assert "the server is stopped, as it was" in first.out
    assert "neo4j-admin: IMPORT DONE" in first.err
    assert running_uri(home) is None

    uri = start_server(0, home)
    try:
        assert graph_of(uri) == (*expected, primary)
        refused = cli("neo4j", "import", "--home", str(home), str(ARTICLE_YAML))
        assert refused.code == 1
        assert "is not empty" in refused.err and "--force" in refused.err
        assert "Nothing was imported" in refused.err
        assert running_uri(home) == uri

        forced = cli("neo4j", "import", "--force", str(ARTICLE_YAML), "--home", str(home))
        assert forced.code == 0, forced.err
        assert f"the server is running at {uri}" in forced.out
        assert graph_of(uri) == (*expected, primary)
    finally:
        stop_server(home)


def test_import_of_a_missing_source_is_a_clear_error(cli, tmp_path: Path) -> None:
    """Sources are read before the server is touched: a missing one is one line, nothing else."""
    bad = tmp_path / "bad.yaml"
    result = cli("neo4j", "import", "--home", str(tmp_path / "home"), str(bad))
    assert result.code == 1 and "no such file" in result.err and "Traceback" not in result.err
