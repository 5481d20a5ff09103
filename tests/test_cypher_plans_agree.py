"""Every access path must give the same answer as the plainest plan.

The planner may start a pattern from the key/name index, a label, the
relationship-type index, a bound variable or a full scan, and expand in either
direction. These tests run the same queries on a random multigraph (parallel
relationships, self-loops, missing properties) once as planned and once with the
indexes switched off, so that only label and full scans remain, and require
identical results.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from relgraph.graph.cypher import execute, planner
from relgraph.graph.cypher.property_graph import PropertyGraph

QUERIES = [
    "MATCH (a {name: 'n3'})-[r]->(b) RETURN a.name, type(r), b.name",
    "MATCH (a)-[r:T]->(b {key: 'k5'}) RETURN a.name, b.name",
    "MATCH (a)-[:T]->(b)-[:U]->(c) RETURN a.name, b.name, c.name",
    "MATCH (a)-[:T|U]-(b) WHERE a.key = 'k2' RETURN a.name, b.name",
    "MATCH (a)<-[r:U]-(b) RETURN a.name, b.name, r.w",
    "MATCH (a)-[r:T]-(b) RETURN a.name, b.name, r.w",
    "MATCH (a:A)-[r:T]->(b:B) WHERE r.w > 2 RETURN a.name, b.name",
    "MATCH (a)-[r:T]->(a) RETURN a.name, r.w",
    "MATCH (a:A), (b {name: 'n7'}) WHERE (a)-[:T]->(b) RETURN a.name",
    "MATCH p = (a {key: 'k1'})-[:T*1..3]->(b) RETURN length(p), b.name",
    "MATCH (a)-[:T*2]-(b {name: 'n4'}) RETURN a.name",
    "MATCH (a)-[r1:T]->(b), (b)-[r2:U]->(c) WHERE c.name IN ['n1', 'n2', 'n9'] RETURN a.name, c.name",
    "MATCH (a:B)-[:U]->(b)<-[:T]-(c:A) RETURN a.name, b.name, c.name",
    "MATCH ()-[r:U]->() WITH r MATCH (a)-[r]->(b) RETURN a.name, b.name",
    "MATCH (a)-[:T]->(b) OPTIONAL MATCH (b)-[:U]->(c {key: 'k3'}) RETURN a.name, b.name, c.name",
    "MATCH (a {name: 'n1'}) MATCH (a)-[:T]-(b)-[:T]-(c) RETURN b.name, c.name",
]


def random_graph(seed: int) -> PropertyGraph:
    rnd = random.Random(seed)
    g = PropertyGraph()
    with g.transaction():
        for i in range(14):
            labels = [label for label in ("A", "B") if rnd.random() < 0.5]
            props = {"name": f"n{i}"}
            if rnd.random() < 0.8:
                props["key"] = f"k{i % 9}"
            g.create_node(labels, props)
        for _ in range(34):
            u, v = rnd.randrange(14), rnd.randrange(14)
            if rnd.random() < 0.1:
                v = u
            props = {"w": rnd.randrange(5)} if rnd.random() < 0.7 else {}
            g.create_rel(u, v, rnd.choice(["T", "T", "U"]), props)
    return g


def answer(g: PropertyGraph, query: str) -> Counter:
    return Counter(tuple(repr(v) for v in row) for row in execute(g, query).values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indexed_plans_agree_with_scans(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    g = random_graph(seed)
    planned = {q: answer(g, q) for q in QUERIES}
    assert any(planned.values()), "the random graph should give some matches"
    monkeypatch.setattr(planner, "INDEXED", ())
    monkeypatch.setattr(planner, "_rel_anchor", lambda *args: None)
    for q in QUERIES:
        assert answer(g, q) == planned[q], q
