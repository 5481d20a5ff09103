"""The label combinations a view colours by: the same on both backends, and the embedded
store's fast answer (from its graph) is the generic one (a Cypher aggregation)."""

from __future__ import annotations

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.store import GraphStore


def test_label_sets_agree_on_both_backends_and_with_the_generic_answer(query_store, article_store) -> None:
    expected = GraphStore.label_sets(article_store)  # the Cypher one, on the embedded engine
    assert isinstance(article_store, NetworkxStore) and article_store.label_sets() == expected
    assert query_store.label_sets() == expected
    assert ("Event", "Visit") in expected and ("Person",) in expected
    assert len(expected) == len(set(expected))
