"""Planning: anchored patterns use the engine's indexes instead of scanning the graph.

Proved two ways: ``explain`` names the access method, and a PropertyGraph that
counts which nodes the engine touches shows that an anchored query on a
thousands-node graph looks at a handful of them.
"""

from __future__ import annotations

from typing import Any

import pytest

from relgraph.graph.cypher import execute, explain
from relgraph.graph.cypher.property_graph import PropertyGraph


class CountingGraph(PropertyGraph):
    """Records every node the engine reads or expands from, and every full or label scan."""

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[int] = set()
        self.expanded: set[int] = set()
        self.full_scans = 0
        self.label_scans = 0

    def reset(self) -> None:
        self.touched.clear()
        self.expanded.clear()
        self.full_scans = self.label_scans = 0

    def node_ids(self):
        self.full_scans += 1
        return super().node_ids()

    def nodes_with_label(self, label: str) -> list[int]:
        self.label_scans += 1
        return super().nodes_with_label(label)

    def node_properties(self, nid: int) -> dict[str, Any]:
        self.touched.add(nid)
        return super().node_properties(nid)

    def labels(self, nid: int) -> list[str]:
        self.touched.add(nid)
        return super().labels(nid)

    def adjacent_rels(self, nid: int, direction: str, types=None) -> list[tuple[int, int]]:
        self.expanded.add(nid)
        return super().adjacent_rels(nid, direction, types)


N = 3000


@pytest.fixture(scope="module")
def big() -> CountingGraph:
    g = CountingGraph()
    with g.transaction():
        execute(g, "UNWIND range(0, $n - 1) AS i "
                   "CREATE (:Person {name: 'p' + i, key: 'k' + i, age: i % 90})", {"n": N}, write=True)
        execute(g, "MATCH (a:Person), (b:Person) WHERE b.age = a.age + 1 AND a.age < 3 AND b.age < 4 "
                   "WITH a, b LIMIT 50 CREATE (a)-[:KNOWS]->(b)", {}, write=True)
        execute(g, "CREATE (:Company {name: 'Acme'})", {}, write=True)
    return g


def test_name_in_pattern_uses_the_index(big: CountingGraph) -> None:
    big.reset()
    r = execute(big, "MATCH (p:Person {name: $name}) RETURN p.age AS age", {"name": "p1500"})
    assert r.value("age") == [1500 % 90]
    assert big.full_scans == 0 and big.label_scans == 0
    assert len(big.touched) <= 2


def test_key_equality_in_where_uses_the_index(big: CountingGraph) -> None:
    big.reset()
    r = execute(big, "MATCH (p:Person)-[:KNOWS]->(q) WHERE p.key = 'k1' RETURN count(q) AS n")
    assert r.value("n") == [execute(big, "MATCH (p {key: 'k1'})-[:KNOWS]->(q) RETURN count(q)").value()[0]]
    big.reset()
    execute(big, "MATCH (p:Person)-[:KNOWS]->(q) WHERE p.key = 'k1' RETURN count(q) AS n")
    assert big.full_scans == 0 and big.label_scans == 0
    assert len(big.touched) < 60  # p plus its neighbours, not 3000 people


def test_in_list_uses_the_index(big: CountingGraph) -> None:
    big.reset()
    r = execute(big, "MATCH (p:Person) WHERE p.name IN $names RETURN p.key AS k ORDER BY k",
                {"names": ["p1", "p2", "nobody", "p1"]})
    assert r.value("k") == ["k1", "k2"]
    assert big.full_scans == 0 and big.label_scans == 0 and len(big.touched) <= 4


def test_second_pattern_expands_from_the_first(big: CountingGraph) -> None:
    big.reset()
    execute(big, "MATCH (c:Company {name: 'Acme'}) MATCH (p:Person {key: 'k7'}) RETURN p, c")
    assert big.full_scans == 0 and big.label_scans == 0 and len(big.touched) <= 3


def test_relationship_type_index_anchors_unlabelled_patterns(big: CountingGraph) -> None:
    with big.transaction():
        execute(big, "MATCH (a:Person {key: 'k10'}), (b:Person {key: 'k20'}) CREATE (a)-[:RARE]->(b)",
                {}, write=True)
    big.reset()
    r = execute(big, "MATCH (a)-[:RARE]->(b) RETURN a.key AS a, b.key AS b")
    assert r.values() == [["k10", "k20"]]
    assert big.full_scans == 0 and big.label_scans == 0 and len(big.touched) <= 2
    assert "DirectedRelationshipTypeScan ()-[:RARE]->()" in explain("MATCH ()-[:RARE]->() RETURN 1")


def test_unindexed_filter_does_scan(big: CountingGraph) -> None:
    """Control: the counters do notice a scan (so the tests above can fail)."""
    big.reset()
    execute(big, "MATCH (p:Person) WHERE p.age = 3 RETURN count(p)")
    assert big.label_scans == 1 and len(big.touched) >= N


def test_smallest_label_is_chosen(big: CountingGraph) -> None:
    big.reset()
    execute(big, "MATCH (c:Company)<-[:WORKS_AT]-(p:Person) RETURN p")
    assert len(big.touched) <= 1  # started from the one Company, which has no WORKS_AT


def test_filtered_label_beats_a_smaller_unfiltered_one() -> None:
    """`(p:Person) WHERE p.year = ...` starts from the few matching people even when
    Institution is the smaller label: expanding every Institution back to its
    people and filtering afterwards was twice grand-cypher's time (bench/README.md)."""
    g = CountingGraph()
    with g.transaction():
        execute(g, "UNWIND range(0, 99) AS i CREATE (:Institution {name: 'i' + i})", {}, write=True)
        execute(g, "MATCH (i:Institution) UNWIND range(0, 3) AS j "
                   "CREATE (:Person {name: i.name + '-' + j, year: 1970 + j * 5})-[:HELD_OFFICE]->(i)",
                   {}, write=True)
    query = "MATCH (p:Person)-[:HELD_OFFICE]->(i:Institution) WHERE p.year = 1975 RETURN i.name"
    institutions = set(g.nodes_with_label("Institution"))
    g.reset()
    assert len(execute(g, query).values()) == 100
    assert len(g.expanded & institutions) == 0  # expanded from the people, not back from these
    assert len(g.expanded) == 100  # only the 100 people of 1975, each with one office


def test_explain_names_the_access_methods() -> None:
    plan = explain("MATCH (p:Person {name: $name})-[:KNOWS]->(q:Person) WHERE q.age > 3 RETURN q.name")
    assert "NodeIndexSeek (p:Person {...}) by name = $name" in plan
    assert "Expand (p:Person {...})-[:KNOWS]->(q:Person)" in plan
    assert "Filter ((q.age > 3))" in plan or "Filter (q.age > 3)" in plan
    plan = explain("MATCH (a:A) MATCH (a)-->(b) WHERE b.key = a.key RETURN b")
    assert "NodeByLabelScan (a:A) on :A" in plan
    assert "Argument (a) (already bound)" in plan
    plan = explain("MATCH (n) RETURN n")
    assert "AllNodesScan (n)" in plan
    assert explain("CREATE (n)").startswith("Query (writes)")
    assert "read-only" in explain("MATCH (n) WHERE n.key = $k RETURN n")
    assert "NodeIndexSeek (n) by key = $k" in explain("MATCH (n) WHERE n.key = $k RETURN n")


def test_index_candidates_are_rechecked_with_cypher_equality() -> None:
    g = PropertyGraph()
    with g.transaction():
        execute(g, "CREATE ({name: 1}), ({name: 1.0}), ({name: true}), ({name: '1'})", {}, write=True)
    # 1 = 1.0 in Cypher; true and '1' are different values
    assert execute(g, "MATCH (n {name: 1}) RETURN count(n)").value() == [2]
    assert execute(g, "MATCH (n) WHERE n.name = true RETURN count(n)").value() == [1]
    assert execute(g, "MATCH (n {name: null}) RETURN count(n)").value() == [0]
