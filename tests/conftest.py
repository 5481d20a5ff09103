"""Shared fixtures: the article data, fresh stores, and a CLI runner on real files."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from relgraph.graph.backends.neo4j_store import Neo4jSettings, Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.store import StoreError
from relgraph.loaders import default_sources, read_sources

from relgraph.cli import main
from relgraph.commands.neo4j import start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_YAML = ROOT / "data" / "articles" / "south-korea-uzbekistan.yaml"
ARTICLE_TEXT = ROOT / "data" / "sources" / "000_42c5eac75d228d7b.txt"


@pytest.fixture(scope="session")
def article_batch():
    return read_sources(default_sources())


@pytest.fixture
def store(tmp_path: Path) -> NetworkxStore:
    return NetworkxStore(tmp_path / "graph.snapshot")


@pytest.fixture
def article_store(tmp_path: Path, article_batch) -> NetworkxStore:
    s = NetworkxStore(tmp_path / "graph.snapshot")
    s.load(article_batch)
    return s


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run ``relgraph`` in-process against a snapshot in tmp_path; returns code, stdout, stderr."""
    monkeypatch.setenv("RELGRAPH_STORE", str(tmp_path / "cli.snapshot"))
    monkeypatch.setenv("RELGRAPH_BACKEND", "networkx")

    def run(*argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), out=out, err=err)
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(scope="module", params=["networkx", "neo4j"])
def query_store(request, tmp_path_factory):
    """The article graph, loaded once per module, on each backend in turn (read-only use)."""
    if request.param == "neo4j":
        store = Neo4jStore.connect(request.getfixturevalue("neo4j_settings"))
        store.clear()
        request.addfinalizer(store.close)
    else:
        store = NetworkxStore(tmp_path_factory.mktemp("queries") / "graph.snapshot")
    store.load(read_sources(default_sources()))
    return store


# --- a real Neo4j server, for the tests that need one -------------------------------------


@dataclass(frozen=True)
class RunningNeo4j:
    uri: str
    home: Path  # for `relgraph neo4j status --home`


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNeo4j]:
    """A real Neo4j for this run; never a mock.

    tools/run-tests starts one server for the whole run and exports
    RELGRAPH_TEST_NEO4J_URI and RELGRAPH_TEST_NEO4J_HOME. When pytest runs directly,
    the first test that needs Neo4j starts one here (free port, temporary home) and
    the session stops it. If none can be started, every test that needs it fails:
    it never skips.
    """
    uri = os.environ.get("RELGRAPH_TEST_NEO4J_URI")
    if uri:
        yield RunningNeo4j(uri, Path(os.environ.get("RELGRAPH_TEST_NEO4J_HOME", "")))
        return
    home = tmp_path_factory.mktemp("neo4j-home")
    started = time.monotonic()
    try:
        uri = start_server(0, home)
    except StoreError as exc:
        pytest.fail(f"these tests need a real Neo4j and none could be started: {exc}", pytrace=False)
    print(f"\nNeo4j for the tests at {uri} (started in {time.monotonic() - started:.1f} s)")
    try:
        yield RunningNeo4j(uri, home)
    finally:
        stop_server(home)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server: RunningNeo4j) -> str:
    return neo4j_server.uri


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_uri: str) -> Neo4jSettings:
    """Settings for the test server only: the NEO4J_* variables of whoever runs the tests are ignored."""
    return Neo4jSettings(uri=neo4j_uri)


@pytest.fixture
def neo4j_store(neo4j_settings: Neo4jSettings) -> Iterator[Neo4jStore]:
    """The test server's database, emptied for this test.

    Key constraints are kept: dropping them would invalidate Neo4j's cached plans and
    make the next load plan every statement again (seconds); tests that are about the
    constraints drop them themselves.
    """
    store = Neo4jStore.connect(neo4j_settings)
    store.clear()
    try:
        yield store
    finally:
        store.close()
