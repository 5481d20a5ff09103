"""The embedded backend: idempotent merges, all-or-nothing loads, crash-safe snapshots.

A test of behaviour both backends share takes ``empty_store`` and runs on the real Neo4j too.
"""

from __future__ import annotations

import copy
import select
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.backends.snapshot import (
    FORMAT_VERSION,
    MAGIC,
    TOKEN_SIZE,
    read_snapshot,
)
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import LoadError, StoreError
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
)

from .export_samples import graph_view


def small_batch(n: int = 3, prefix: str = "p") -> GraphBatch:
    nodes = [NodeSpec(["Person"], {"key": f"{prefix}{i}", "name": f"P{i}"}) for i in range(n)]
    rels = [RelSpec("KNOWS", nodes[i].node_key, nodes[i + 1].node_key, {"key": f"k{prefix}{i}"})
            for i in range(n - 1)]
    return GraphBatch("test", nodes, rels)


def test_loading_twice_leaves_the_same_graph(article_store, article_batch):
    before = graph_view(article_store)
    summary = article_store.load(article_batch)
    assert (summary.nodes_created, summary.relationships_created) == (0, 0)
    assert (summary.nodes_matched, summary.relationships_matched) == (144, 286)
    assert graph_view(article_store) == before


def test_reload_updates_properties_and_adds_labels(store):
    store.load(small_batch())
    changed = small_batch()
    changed.nodes[0] = NodeSpec(["Person", "Leader"], {"key": "p0", "name": "New name"})
    store.load(changed)
    (p0,) = [n for n in store.nodes() if n["key"] == "p0"]
    assert p0["name"] == "New name" and p0.labels == {"Person", "Leader"}
    assert store.counts().nodes == 3


def test_the_store_is_persisted_between_instances(store, article_batch):
    store.load(article_batch)
    again = NetworkxStore(store.path)
    assert again.counts().nodes == 144 and again.counts().relationships == 286


def test_relationships_may_point_at_nodes_loaded_earlier(store):
    store.load(small_batch())
    extra = GraphBatch("more", [], [RelSpec("KNOWS", NodeKey("Person", "p2"), NodeKey("Person", "p0"),
                                             {"key": "back"})])
    store.load(extra)
    assert store.counts().relationships == 3
    dangling = GraphBatch("bad", [], [RelSpec("KNOWS", NodeKey("Person", "p2"),
                                               NodeKey("Person", "nobody"), {"key": "x"})])
    with pytest.raises(LoadError, match="unknown end node"):
        store.load(dangling)


def test_a_failure_in_the_middle_of_a_load_changes_nothing(store):
    store.load(small_batch())
    before = graph_view(store)
    snapshot_bytes = store.path.read_bytes()

    def interrupt(done, total, what):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.load(small_batch(2500, "q"), progress=interrupt)
    assert graph_view(store) == before  # in memory
    assert store.path.read_bytes() == snapshot_bytes  # on disk
    assert graph_view(NetworkxStore(store.path)) == before


def test_replace_empties_the_graph_in_the_same_transaction(empty_store):
    """On both backends (``empty_store``): a refused or interrupted replace keeps the old graph."""
    empty_store.load(small_batch())
    empty_store.load(small_batch(2, "r"), replace=True)
    assert sorted(n["key"] for n in empty_store.nodes()) == ["r0", "r1"]
    bad = small_batch(2, "s")
    bad.relationships.append(RelSpec("KNOWS", NodeKey("Person", "s0"), NodeKey("Person", "r0"),
                                     {"key": "refers-to-replaced"}))
    with pytest.raises(LoadError):
        empty_store.load(bad, replace=True)  # r0 would be gone after the replace: refused
    assert sorted(n["key"] for n in empty_store.nodes()) == ["r0", "r1"]

    def interrupt(done, total, what):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # the delete and the load share one transaction
        # 1,200 nodes: both backends report progress inside the transaction before this many
        empty_store.load(small_batch(1200, "t"), progress=interrupt, replace=True)
    assert sorted(n["key"] for n in empty_store.nodes()) == ["r0", "r1"]


def test_damaged_snapshot_gives_a_clear_error(tmp_path):
    path = tmp_path / "g.snapshot"
    path.write_bytes(MAGIC + FORMAT_VERSION.to_bytes(2, "big") + b"t" * TOKEN_SIZE + b"\x80\x05trunc")
    with pytest.raises(StoreError, match=r"damaged.*relgraph load"):
        NetworkxStore(path)
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not a relgraph store"):
        NetworkxStore(path)


def test_missing_snapshot_is_an_empty_graph(tmp_path):
    assert NetworkxStore(tmp_path / "none.snapshot").counts().nodes == 0


WRITER = textwrap.dedent("""
    import sys
    from relgraph.graph.backends.networkx_store import NetworkxStore
    from relgraph.graph.values.model import GraphBatch, NodeSpec
    store = NetworkxStore(sys.argv[1])
    round = 0
    while True:
        round += 1
        nodes = [NodeSpec(["Thing"], {"key": f"t{i}", "name": "x" * 40, "round": round})
                 for i in range(20000)]
        store.load(GraphBatch("loop", nodes, []))
        print(round, flush=True)
""")


def _wait_for_round(proc: subprocess.Popen, timeout: float = 120.0) -> float:
    """Block until the writer reports a finished snapshot; returns the time it took."""
    started = time.monotonic()
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready and proc.stdout.readline(), "the writer stopped before finishing a snapshot"
    return time.monotonic() - started


def test_a_killed_writer_never_leaves_a_truncated_snapshot(tmp_path):
    """SIGKILL a process at varied moments of rewriting a large snapshot.

    Kills are timed as fractions of a measured write round, so they land in the
    middle of writes however fast or loaded the machine is.
    """
    path = tmp_path / "g.snapshot"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    for fraction in (0.15, 0.5, 0.85):
        proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE,
                                text=True)
        try:
            _wait_for_round(proc)  # the first snapshot exists from here on
            round_time = _wait_for_round(proc)
            time.sleep(fraction * round_time)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        graph = read_snapshot(path)  # must not raise: old or new file, never half
        assert graph.number_of_nodes() == 20000
    NetworkxStore(path).load(small_batch())  # a later writer cleans up stale temporaries
    assert not list(tmp_path.glob(".g.snapshot.*.tmp"))


CONCURRENT = textwrap.dedent("""
    import sys
    from relgraph.graph.backends.networkx_store import NetworkxStore
    from relgraph.graph.values.model import GraphBatch, NodeSpec
    store = NetworkxStore(sys.argv[1])
    prefix = sys.argv[2]
    for i in range(15):
        store.load(GraphBatch("c", [NodeSpec(["Thing"], {"key": f"{prefix}{i}", "name": "n"})], []))
""")


def test_concurrent_writers_do_not_lose_each_others_writes(tmp_path):
    path = tmp_path / "g.snapshot"
    script = tmp_path / "concurrent.py"
    script.write_text(CONCURRENT, encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, str(script), str(path), prefix]) for prefix in "abc"]
    assert [p.wait() for p in procs] == [0, 0, 0]
    assert NetworkxStore(path).counts().nodes == 45


def test_property_graph_rolls_back_every_kind_of_change():
    g = PropertyGraph()
    a = g.create_node(["A"], {"key": "a", "name": "A"})
    b = g.create_node(["B"], {"key": "b"})
    r = g.create_rel(a, b, "T", {"w": 1})
    state = copy.deepcopy((sorted(g.g.nodes(data=True)), sorted(g.g.edges(keys=True, data=True))))
    with pytest.raises(RuntimeError), g.transaction():
        g.set_node_property(a, "name", "changed")
        g.set_node_property(a, "key", None)
        g.add_label(a, "Extra")
        g.remove_label(b, "B")
        g.set_rel_property(r, "w", None)
        g.delete_rel(r)
        g.delete_node(b)
        c = g.create_node(["C"], {"key": "c"})
        g.create_rel(a, c, "U", {})
        g.clear()
        raise RuntimeError("boom")
    assert (sorted(g.g.nodes(data=True)), sorted(g.g.edges(keys=True, data=True))) == state
    # indexes were restored too
    assert g.nodes_with_property("key", "a") == [a] and g.nodes_with_property("name", "A") == [a]
    assert g.nodes_with_label("B") == [b] and g.nodes_with_label("Extra") == []
    assert g.rels_with_type("T") == [r] and g.rels_with_type("U") == []
    assert g.create_node(["D"], {}) == 2  # ids handed out in the failed transaction are reused


def test_index_keeps_booleans_apart_from_integers():
    g = PropertyGraph()
    one = g.create_node(["X"], {"key": 1})
    true = g.create_node(["X"], {"key": True})
    assert g.nodes_with_property("key", 1) == [one]
    assert g.nodes_with_property("key", True) == [true]
    assert g.nodes_with_property("key", 1.0) == [one]


def test_a_snapshot_of_another_format_says_how_to_rebuild(tmp_path):
    path = tmp_path / "g.snapshot"
    path.write_bytes(MAGIC + (FORMAT_VERSION + 1).to_bytes(2, "big") + b"\x80\x05new")
    expected = (rf"format {FORMAT_VERSION + 1}; this relgraph reads {FORMAT_VERSION} "
                r"\(delete it and run 'relgraph load'")
    with pytest.raises(StoreError, match=expected):
        NetworkxStore(path)
