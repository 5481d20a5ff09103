"""A runaway query is stopped by ``relgraph query --timeout SECONDS`` (or, on the embedded
engine, first by the default memory guard) with a clean error, on both backends, and a
stopped write changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from relgraph.graph.backends.neo4j.connection import Neo4jSettings

from . import cli
from .tally import RUN

RUNAWAY_READ = "UNWIND range(1, 1000000000) AS x RETURN count(x) AS n"
RUNAWAY_WRITE = "UNWIND range(1, 1000000000) AS x CREATE (:Runaway {n: x})"
#: Long enough for either backend to start and fail, far shorter than the runaway would take.
GUARD_SECONDS = 90


@pytest.fixture(params=["networkx", "neo4j"])
def options(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    if request.param == "neo4j":
        settings: Neo4jSettings = request.getfixturevalue("neo4j_settings")
        return ["--backend", "neo4j", "--neo4j-uri", settings.uri]
    return ["--backend", "networkx", "--store", str(tmp_path / "graph.snapshot")]


@pytest.mark.parametrize("query", [RUNAWAY_READ, RUNAWAY_WRITE], ids=["read", "write"])
def test_a_runaway_query_is_stopped_cleanly(options: list[str], query: str) -> None:
    category = f"runaway query ({options[1]})"
    write = ["--write"] if "CREATE" in query else []
    try:
        done = cli.run(*options, "query", "--timeout", "2", *write, "-e", query, timeout=GUARD_SECONDS)
    except subprocess.TimeoutExpired:
        RUN.add(category, "stuck", query, f"still running after {GUARD_SECONDS} s")
        raise
    clean = (done.code == 1 and done.err.startswith("relgraph query: error:") and "Traceback" not in done.err
             and len(done.err.strip().splitlines()) == 1)
    RUN.add(
        category,
        "clean" if clean else "traceback" if "Traceback" in done.err else "unnamed",
        query,
        f"exit {done.code}: {done.err.strip()[-300:]}",
    )
    assert clean, (done.code, done.err)
    # the time limit, or first the memory limit (the embedded engine's guard, or the local
    # Neo4j's per-transaction limit): either way a stop that says nothing changed
    assert "longer than 2 s" in done.err or "of memory" in done.err, done.err
    assert "nothing was changed" in done.err or "nothing changed" in done.err, done.err
    count = cli.run(*options, "query", "--format", "json", "-e", "MATCH (n:Runaway) RETURN count(n) AS n")
    assert count.code == 0 and '"n": 0' in count.out.replace(" ", " "), count
