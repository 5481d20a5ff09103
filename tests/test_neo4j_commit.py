"""A load whose connection is lost at the commit says what is true: loaded, not loaded, or unknown.

The server is the real test server; between it and relgraph sits a TCP proxy
(tests/bolt_proxy.py) that passes every byte through and, when told, cuts the
connection at the load's COMMIT: after the server got it (the server commits, the
answer is lost) or before (the server rolls back). That is what a server crash or a
network failure at that moment looks like to the client. Then relgraph must reconnect,
look for the marker the load wrote in its transaction, and report the truth; the driver
must not run the load again on its own; and the marker never shows in what relgraph
counts, lists or exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import MARKER, Neo4jStore
from relgraph.graph.values.errors import StoreError

from .bolt_proxy import BoltProxy
from .test_store_networkx import small_batch


@pytest.fixture
def proxy(neo4j_uri: str) -> Iterator[BoltProxy]:
    host, port = re.fullmatch(r"bolt://([^:]+):(\d+)", neo4j_uri).groups()  # type: ignore[union-attr]
    # the commit marker itself, not the other statements that name its label (the sweep of
    # what loads in batches left, which runs first)
    proxy = BoltProxy((host, int(port)), trigger=f"CREATE (:{MARKER} {{id:".encode())
    yield proxy
    proxy.close()


@pytest.fixture
def through_proxy(proxy: BoltProxy, neo4j_store: Neo4jStore) -> Iterator[Neo4jStore]:
    """A store that talks to the (emptied) test server through the proxy."""
    store = Neo4jStore.connect(Neo4jSettings(uri=proxy.uri))
    store._connection.verify_timeout = 3.0
    yield store
    store.close()


def markers(store: Neo4jStore) -> int:
    return int(store.run(f"MATCH (m:{MARKER}) RETURN count(m)").value()[0])


def test_a_normal_load_leaves_no_marker(neo4j_store: Neo4jStore) -> None:
    summary = neo4j_store.load(small_batch())
    assert summary.note == "" and summary.nodes_created == 3
    assert markers(neo4j_store) == 0


def test_committed_although_the_answer_was_lost(through_proxy: Neo4jStore, proxy: BoltProxy,
                                               neo4j_store: Neo4jStore) -> None:
    proxy.cut = "after_commit"
    summary = through_proxy.load(small_batch())
    assert proxy.cuts == 1
    assert "lost while committing" in summary.note and "the commit happened" in summary.note
    # counted once: the driver did not run the load again (a rerun would have merged, not created)
    assert (summary.nodes_created, summary.relationships_created) == (3, 2)
    assert neo4j_store.counts().nodes == 3
    assert markers(neo4j_store) == 0


def test_not_committed_says_nothing_was_loaded(through_proxy: Neo4jStore, proxy: BoltProxy,
                                              neo4j_store: Neo4jStore) -> None:
    proxy.cut = "before_commit"
    with pytest.raises(StoreError, match="the commit did not happen, so nothing was loaded"):
        through_proxy.load(small_batch())
    assert proxy.cuts == 1
    assert neo4j_store.counts().nodes == 0 and markers(neo4j_store) == 0


def test_unknown_when_the_server_does_not_answer_again(through_proxy: Neo4jStore, proxy: BoltProxy,
                                                      neo4j_store: Neo4jStore) -> None:
    """The commit happened but the server stays out of reach: relgraph says it cannot tell and
    how to check; the marker it could not remove is never counted, listed or exported."""
    proxy.cut = "after_commit"
    original = proxy._take_cut

    def cut_then_vanish(message: bytes, armed: list[bool]) -> str | None:
        how = original(message, armed)
        if how:
            proxy.refuse = True  # from now on the "server" is gone
        return how

    proxy._take_cut = cut_then_vanish  # type: ignore[method-assign]
    with pytest.raises(StoreError) as info:
        through_proxy.load(small_batch())
    message = str(info.value)
    assert "cannot tell whether the commit happened" in message
    assert "'relgraph stats'" in message and "running the same load again is safe" in message
    assert markers(neo4j_store) == 1  # it did commit
    counts = neo4j_store.counts()
    assert counts.nodes == 3 and MARKER not in counts.labels
    assert all(MARKER not in node.labels for node in neo4j_store.nodes())
    assert neo4j_store.find("") == []


def test_a_later_load_sweeps_an_old_marker(neo4j_store: Neo4jStore) -> None:
    neo4j_store.run(f"CREATE (:{MARKER} {{id: 'old', at: datetime() - duration('PT1H')}})", write=True)
    neo4j_store.load(small_batch())
    assert markers(neo4j_store) == 0
