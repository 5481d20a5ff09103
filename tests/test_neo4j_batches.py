"""Loads larger than one transaction: batches on the real server, all or nothing for the user.

The store's thresholds are set tiny (a load above 6 elements goes in batches of 4 rows), so
that the graphs stay small while every path of a load in batches runs: batches committed,
a batch that fails on a real constraint, a connection lost at a batch's commit (through
tests/bolt_proxy.py, on the way to the real server), a client killed half-way, and a load
that is still running. After a failure the database must be exactly as before, compared
as a full dump: every node with its labels and properties, every relationship, the
pre-existing ones the load matched and changed included.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from relgraph.graph.backends.neo4j import batches
from relgraph.graph.backends.neo4j.batches import Guard, Recovery
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import MARKER, Neo4jStore
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import GraphBatch, NodeKey, NodeSpec, RelSpec

from .bolt_proxy import BoltProxy

ROOT = Path(__file__).resolve().parents[1]

Dump = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def dump(store: Neo4jStore) -> Dump:
    """Everything the database holds, records of loads included: nodes by element id with
    their labels and properties, relationships with their ends, type and properties."""
    nodes = store.driver.execute_query(
        "MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props").records
    rels = store.driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN elementId(r) AS id, elementId(a) AS a, type(r) AS type, "
        "elementId(b) AS b, properties(r) AS props").records
    return (sorted((r["id"], tuple(sorted(r["labels"])), tuple(sorted(r["props"].items()))) for r in nodes),
            sorted((r["id"], r["a"], r["type"], r["b"], tuple(sorted(r["props"].items()))) for r in rels))


def tiny(store: Neo4jStore) -> Neo4jStore:
    store.single_transaction_max = 6
    store.batch_rows = 4
    return store


def people(count: int, prefix: str = "p", **extra: object) -> list[NodeSpec]:
    return [NodeSpec(["Person"], {"key": f"{prefix}{i}", "name": f"Person {i}", **extra})
            for i in range(count)]


def chain(keys: list[str], rel_type: str = "KNOWS") -> list[RelSpec]:
    return [RelSpec(rel_type, NodeKey("Person", a), NodeKey("Person", b), {"key": f"{a}-{b}", "since": 1})
            for a, b in itertools.pairwise(keys)]


@pytest.fixture
def existing(empty_neo4j: Neo4jStore) -> Neo4jStore:
    """Two people and a relationship already there, with a label and properties a load changes."""
    empty_neo4j.load(GraphBatch("old", [
        NodeSpec(["Person", "Founder"], {"key": "p0", "name": "Old name", "kept": [1, 2], "born": 1950}),
        NodeSpec(["Person"], {"key": "p1", "name": "Other", "note": "stays"}),
    ], [RelSpec("KNOWS", NodeKey("Person", "p0"), NodeKey("Person", "p1"), {"key": "p0-p1", "since": 1990})]))
    return tiny(empty_neo4j)


def changing_batch() -> GraphBatch:
    """Matches p0, p1 and their relationship (new properties, a new label), creates the rest:
    nodes in batches 1-2, relationships from batch 3 on (4 rows each)."""
    nodes = [NodeSpec(["Person", "Leader"], {"key": "p0", "name": "New name", "born": 1951}),
             *people(7)[1:]]
    return GraphBatch("new", nodes, chain([f"p{i}" for i in range(7)]))


def records(store: Neo4jStore) -> int:
    return int(store.run(f"MATCH (m:{MARKER}) RETURN count(m)").value()[0])


def test_a_large_load_commits_in_batches_and_leaves_no_records(existing: Neo4jStore) -> None:
    seen: list[tuple[int, int, str]] = []
    summary = existing.load(changing_batch(), lambda *step: seen.append(step))
    assert [what for _, _, what in seen] == [
        "batch 1", "batch 2", "batch 3", "batch 4", "cleaning up", "done"]
    assert [done for done, _, _ in seen[:4]] == [4, 8, 12, 13]
    assert (summary.nodes_created, summary.nodes_matched) == (5, 2)
    assert (summary.relationships_created, summary.relationships_matched) == (5, 1)
    assert summary.note == ""
    assert records(existing) == 0
    p0 = existing.find("p0")[0]
    assert p0.labels == {"Person", "Founder", "Leader"} and p0["name"] == "New name" and p0["kept"] == [1, 2]
    counts = existing.counts()
    assert (counts.nodes, counts.relationships) == (7, 6)


def test_a_small_load_stays_one_transaction(existing: Neo4jStore) -> None:
    seen: list[str] = []
    existing.load(GraphBatch("few", people(3, "q"), []), lambda _done, _total, what: seen.append(what))
    assert seen == ["nodes", "done"]


@pytest.fixture
def unique_code(existing: Neo4jStore) -> Iterator[Neo4jStore]:
    """A real constraint the load's fourth batch breaks (the fixture empty_neo4j drops it)."""
    existing.run("CREATE CONSTRAINT test_knows_code FOR ()-[r:KNOWS]-() REQUIRE r.code IS UNIQUE", write=True)
    existing.run("MATCH (:Person {key: 'p0'})-[r:KNOWS]->() SET r.code = 'taken'", write=True)
    yield existing


def test_a_failing_batch_undoes_the_committed_ones_exactly(unique_code: Neo4jStore) -> None:
    store = unique_code
    before = dump(store)
    batch = changing_batch()
    batch.relationships[-1].properties["code"] = "taken"  # the 13th row: batch 4
    seen: list[str] = []
    with pytest.raises(StoreError) as info:
        store.load(batch, lambda _done, _total, what: seen.append(what))
    assert seen == ["batch 1", "batch 2", "batch 3", "undoing"]
    message = str(info.value)
    assert "already exists" in message and "taken" in message
    assert "committed 3 of its batches" in message and "nothing was loaded" in message
    assert dump(store) == before


@pytest.fixture
def proxy(neo4j_uri: str) -> Iterator[BoltProxy]:
    host, port = re.fullmatch(r"bolt://([^:]+):(\d+)", neo4j_uri).groups()  # type: ignore[union-attr]
    proxy = BoltProxy((host, int(port)), trigger=b"p5")  # p5's row is in batch 2
    yield proxy
    proxy.close()


@pytest.mark.parametrize("cut", ["before_commit", "after_commit"])
def test_a_connection_lost_at_a_batch_commit_undoes_the_load(existing: Neo4jStore, proxy: BoltProxy,
                                                           cut: str) -> None:
    """Lost before the server committed batch 2, or after (the batch is in, the client cannot
    know): either way the load is taken back through a new connection, batch 2 included."""
    before = dump(existing)
    proxy.cut = cut
    through = tiny(Neo4jStore.connect(Neo4jSettings(uri=proxy.uri)))
    try:
        with pytest.raises(StoreError, match=r"committed 1 of its batches.*nothing was loaded"):
            through.load(changing_batch())
    finally:
        through.close()
    assert proxy.cuts == 1
    assert dump(existing) == before


KILLED_LOAD = textwrap.dedent("""
    import os, signal, sys
    from relgraph.graph.backends.neo4j.connection import Neo4jSettings
    from relgraph.graph.backends.neo4j.store import Neo4jStore
    from tests.test_neo4j_batches import changing_batch, tiny

    store = tiny(Neo4jStore.connect(Neo4jSettings(sys.argv[1])))

    def progress(done, total, what):
        if what == "batch 3":
            os.kill(os.getpid(), signal.SIGKILL)  # no clean-up of any kind

    store.load(changing_batch(), progress)
""")


def test_the_next_load_undoes_what_a_killed_client_left(existing: Neo4jStore, neo4j_uri: str) -> None:
    before = dump(existing)
    proc = subprocess.run([sys.executable, "-c", KILLED_LOAD, neo4j_uri], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode == -9, proc.stderr
    assert dump(existing) != before and records(existing) > 0  # three batches are in
    assert existing.counts().nodes == 7  # the records are never counted
    summary = existing.load(GraphBatch("nothing new", [], []))
    assert "was cut short" in summary.note and "restored what it had changed" in summary.note
    assert dump(existing) == before


def test_a_load_that_is_still_running_is_left_alone(existing: Neo4jStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Its guard transaction is open: a second load refuses rather than undo it."""
    monkeypatch.setattr(batches, "GUARD_GRACE", 0.5)
    existing.run(f"CREATE (:{MARKER} {{_relgraphLoadId: 'busy', _relgraphKind: 'load', "
                 "_relgraphState: 'running', _relgraphAt: datetime()})", write=True)
    guard = Guard(existing._connection, "busy")
    try:
        with pytest.raises(StoreError, match=r"another relgraph load .*busy.* is writing"):
            existing.load(GraphBatch("few", people(2, "q"), []))
    finally:
        guard.close()
    assert Recovery(existing._connection).sweep().startswith("an earlier load (id busy) was cut short")
    assert records(existing) == 0


def test_replacing_with_a_large_load_is_refused(existing: Neo4jStore) -> None:
    before = dump(existing)
    with pytest.raises(StoreError, match="relgraph neo4j import --force"):
        existing.load(changing_batch(), replace=True)
    assert dump(existing) == before
