"""Shared fixtures: the article data, fresh stores, and a CLI runner on real files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.loaders import default_sources, read_sources

from relgraph.cli import main

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


@pytest.fixture(scope="module", params=["networkx"])
def query_store(request, tmp_path_factory):
    """The article graph, loaded once per module, on each backend in turn (read-only use)."""
    store = NetworkxStore(tmp_path_factory.mktemp("queries") / "graph.snapshot")
    store.load(read_sources(default_sources()))
    return store
