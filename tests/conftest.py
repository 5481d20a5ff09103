"""Shared fixtures: the article data, fresh stores, and a CLI runner on real files."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pytest

from relgraph.cli import main
from relgraph.commands.neo4j import start_server, stop_server
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.statements import quote_name
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import GraphBatch
from relgraph.loaders import default_sources, read_sources

from . import export_samples
from .browser import CHROMIUM_ARGS, chromium_executable

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_YAML = ROOT / "data" / "articles" / "south-korea-uzbekistan.yaml"
ARTICLE_TEXT = ROOT / "data" / "sources" / "000_42c5eac75d228d7b.txt"


@pytest.fixture(scope="session")
def article_batch():
    return read_sources(default_sources())


@pytest.fixture(scope="session")
def awkward_batch() -> GraphBatch:
    """The sample that exports get wrong (tests/export_samples.py); validated, not to be changed."""
    return export_samples.awkward_batch()


@pytest.fixture
def awkward_store(awkward_batch: GraphBatch) -> NetworkxStore:
    """The awkward sample in an in-memory embedded store."""
    store = NetworkxStore()
    store.load(awkward_batch)
    return store


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


# --- one headless Chromium for the whole run -----------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright for Python: pip install -e '.[test]'", pytrace=False)
    executable = chromium_executable()
    with sync_playwright() as playwright:
        # Playwright starts each browser with a fresh, temporary --user-data-dir
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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


# --- sharing one server between modules ------------------------------------------------------
#
# Every module that uses the server sets up the state it needs instead of relying on what an
# earlier module left, so the modules pass in any order. What a test may leave behind: data
# (the next user clears it) and uniqueness constraints on ``key``, which relgraph's loader and
# exported scripts create anyway and which never change what a load stores. They are kept
# because a schema change throws away Neo4j's cached plans: a load after one plans every
# statement again (the article's exported script: 11 s instead of 0.4 s). Any other schema a
# test creates is dropped when it ends (``empty_neo4j``, ``blank_neo4j``).


def drop_schema(driver: neo4j.Driver, *, keep_key_constraints: bool = False) -> None:
    """Drop the constraints and indexes (never the built-in token lookup indexes), keeping the
    uniqueness constraints on ``key`` if asked."""
    for name, kind, properties in driver.execute_query(
            "SHOW CONSTRAINTS YIELD name, type, properties RETURN name, type, properties").records:
        if not (keep_key_constraints and properties == ["key"] and "UNIQUE" in kind):
            driver.execute_query(f"DROP CONSTRAINT {quote_name(name)} IF EXISTS")
    for (name,) in driver.execute_query("SHOW INDEXES YIELD name, type, owningConstraint "
                                        "WHERE type <> 'LOOKUP' AND owningConstraint IS NULL "
                                        "RETURN name").records:
        driver.execute_query(f"DROP INDEX {quote_name(name)} IF EXISTS")


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri: str) -> Iterator[neo4j.Driver]:
    """The official driver on the test server, for tests that bypass relgraph (APOC, cypher-shell)."""
    with neo4j.GraphDatabase.driver(neo4j_uri, auth=None, notifications_min_severity="OFF") as driver:
        driver.verify_connectivity()
        yield driver


@pytest.fixture
def empty_neo4j(neo4j_store: Neo4jStore, neo4j_driver: neo4j.Driver) -> Iterator[Neo4jStore]:
    """No data, and no schema but uniqueness constraints on ``key``: an empty database for loads.

    Whatever other schema the test creates is dropped afterwards, so that a constraint it made
    (on ``neo4jImportId``, on a label another module uses...) cannot trip a later module.
    """
    drop_schema(neo4j_driver, keep_key_constraints=True)
    try:
        yield neo4j_store
    finally:
        drop_schema(neo4j_driver, keep_key_constraints=True)


@pytest.fixture
def blank_neo4j(neo4j_store: Neo4jStore, neo4j_driver: neo4j.Driver) -> Iterator[neo4j.Driver]:
    """A database as a fresh Neo4j holds it, no schema at all, for tests about the schema a
    script or an importer creates; the driver, since such tests talk to Neo4j directly."""
    drop_schema(neo4j_driver)
    try:
        yield neo4j_driver
    finally:
        drop_schema(neo4j_driver, keep_key_constraints=True)


@pytest.fixture(params=["networkx", "neo4j"])
def empty_store(request: pytest.FixtureRequest) -> GraphStore:
    """An empty store of each backend in turn: the embedded one in memory, or ``empty_neo4j``."""
    if request.param == "neo4j":
        return request.getfixturevalue("empty_neo4j")
    return NetworkxStore()


@dataclass
class StoreCli:
    """``relgraph`` in-process against one backend, chosen by global options (not the environment)."""

    backend: str
    options: list[str]
    opened: Callable[[], GraphStore]

    def __call__(self, *argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        code = main([*self.options, *argv], out=out, err=err)
        return CliResult(code, out.getvalue(), err.getvalue())

    def store(self) -> GraphStore:
        """The store the command writes to, opened afresh to look at what it holds."""
        return self.opened()


@pytest.fixture
def store_cli(empty_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StoreCli:
    """``relgraph --backend X`` on an empty store of each backend in turn."""
    for name in list(os.environ):
        if name.startswith("NEO4J_"):  # the credentials of whoever runs the tests do not apply
            monkeypatch.delenv(name)
    if isinstance(empty_store, Neo4jStore):
        uri = empty_store.settings.uri
        return StoreCli("neo4j", ["--backend", "neo4j", "--neo4j-uri", uri], lambda: empty_store)
    path = tmp_path / "target.snapshot"
    return StoreCli("networkx", ["--backend", "networkx", "--store", str(path)],
                    lambda: NetworkxStore(path))
