"""Path searches: shortestPath, allShortestPaths, Neo4j 5 path selectors and var-length
expansions whose rows are deduplicated.

Every expected answer is Neo4j 5.26's: each case runs on the embedded engine and on the
test server, so the expectation is proven rather than guessed. Which of several equally
short paths comes back is unspecified, so the queries return lengths, relationship
weights of every path (when all are returned) or end nodes, never one chosen path.
How much work a search does is checked by counting adjacency reads on a real graph,
not by timing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher import execute
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import QueryError, RelgraphError

# a..f; w numbers each relationship. Two relationships a->b (w 1 and 8); the undirected
# cycle c-b-e-d-c has four hops, the directed cycle c->d->f->a->b->c five.
SETUP = """
CREATE (a:N {name:'a'}), (b:N {name:'b'}), (c:N {name:'c'}), (d:N {name:'d'}), (e:N {name:'e'}),
       (f:N {name:'f'}),
       (a)-[:R {w:1}]->(b), (b)-[:R {w:2}]->(c), (c)-[:R {w:3}]->(d), (a)-[:R {w:4}]->(e),
       (e)-[:R {w:5}]->(d), (d)-[:S {w:6}]->(f), (b)-[:R {w:7}]->(e), (a)-[:R {w:8}]->(b),
       (f)-[:R {w:9}]->(a)
"""



def a_to_d(rel: str) -> str:
    return "(a:N {name:'a'})" + rel + "(d:N {name:'d'})"


WEIGHTS = "[r IN relationships(p) | r.w]"

CASES: list[tuple[str, list[tuple[Any, ...]]]] = [
    # shortestPath / allShortestPaths: bidirectional search, direction respected
    (f"MATCH p = shortestPath({a_to_d('-[*]->')}) RETURN length(p)", [(2,)]),
    (f"MATCH p = allShortestPaths({a_to_d('-[*]->')}) RETURN {WEIGHTS}", [([4, 5],)]),
    (f"MATCH p = allShortestPaths({a_to_d('-[*]-')}) RETURN {WEIGHTS}",
     [([4, 5],), ([9, 6],)]),
    (f"MATCH p = allShortestPaths({a_to_d('-[:R*]-')}) RETURN {WEIGHTS}", [([4, 5],)]),
    (f"MATCH p = shortestPath({a_to_d('-[*..1]-')}) RETURN length(p)", []),
    # a condition on every relationship is checked during the search
    (f"MATCH p = allShortestPaths({a_to_d('-[*]->')}) "
     f"WHERE all(r IN relationships(p) WHERE r.w <> 4) RETURN {WEIGHTS}",
     [([1, 2, 3],), ([1, 7, 5],), ([8, 2, 3],), ([8, 7, 5],)]),
    (f"MATCH p = allShortestPaths({a_to_d('-[rs*]->')}) "
     f"WHERE none(r IN rs WHERE r.w IN [2, 4]) RETURN {WEIGHTS}", [([1, 7, 5],), ([8, 7, 5],)]),
    (f"MATCH p = allShortestPaths({a_to_d('-[*]->')}) WHERE all(x IN nodes(p) WHERE x.name <> 'e') "
     f"RETURN {WEIGHTS}", [([1, 2, 3],), ([8, 2, 3],)]),
    (f"MATCH p = shortestPath({a_to_d('-[*]->')}) WHERE none(x IN nodes(p) WHERE x.name = 'a') "
     f"RETURN {WEIGHTS}", []),
    # ... and one on the whole path by Neo4j's fallback: the shortest paths that pass it
    (f"MATCH p = allShortestPaths({a_to_d('-[*]->')}) WHERE length(p) > 2 RETURN {WEIGHTS}",
     [([1, 2, 3],), ([1, 7, 5],), ([8, 2, 3],), ([8, 7, 5],)]),
    (f"MATCH p = shortestPath({a_to_d('-[*]-')}) WHERE length(p) > 3 RETURN length(p)", [(4,)]),
    # Neo4j 5 selectors over quantified relationships
    (f"MATCH p = SHORTEST 1 {a_to_d('-[:R]->+')} RETURN length(p)", [(2,)]),
    (f"MATCH p = SHORTEST 2 {a_to_d('-[:R]->+')} RETURN length(p)", [(2,), (3,)]),
    (f"MATCH p = ALL SHORTEST {a_to_d('-[:R]->+')} RETURN {WEIGHTS}", [([4, 5],)]),
    (f"MATCH p = ANY SHORTEST {a_to_d('-[:R]->+')} RETURN {WEIGHTS}", [([4, 5],)]),
    (f"MATCH p = SHORTEST 2 GROUPS {a_to_d('-[:R]->+')} RETURN {WEIGHTS}",
     [([1, 2, 3],), ([1, 7, 5],), ([4, 5],), ([8, 2, 3],), ([8, 7, 5],)]),
    (f"MATCH p = ANY {a_to_d('-[:R]->+')} RETURN count(p)", [(1,)]),
    (f"MATCH p = ANY 2 {a_to_d('-[:R]->+')} RETURN count(p)", [(2,)]),
    (f"MATCH SHORTEST 1 {a_to_d('-[:R]->+')} RETURN count(*)", [(1,)]),
    (f"MATCH p = SHORTEST 1 {a_to_d('-[r:R]->+')} RETURN [x IN r | x.w]", [([4, 5],)]),
    (f"MATCH p = SHORTEST 1 {a_to_d('-[:R]->{2,}')} RETURN {WEIGHTS}", [([4, 5],)]),
    (f"MATCH p = SHORTEST 1 {a_to_d('-[:R]->{3,3}')} RETURN length(p)", [(3,)]),
    # the MATCH's WHERE filters after the selection (so nothing is left here)
    (f"MATCH p = SHORTEST 1 {a_to_d('-[:R]->+')} WHERE length(p) > 2 RETURN length(p)", []),
    # one end left open: a selection per pair of end nodes
    ("MATCH p = SHORTEST 1 (a:N {name:'a'})-[:R]->+(d) RETURN d.name, length(p)",
     [("b", 1), ("c", 2), ("d", 2), ("e", 1)]),
    ("MATCH p = SHORTEST 1 (a:N {name:'a'})-[:R]->*(d) RETURN d.name, length(p)",
     [("a", 0), ("b", 1), ("c", 2), ("d", 2), ("e", 1)]),
    ("MATCH p = SHORTEST 1 (a:N {name:'a'})-[:R]->(d) RETURN d.name, length(p)", [("b", 1), ("e", 1)]),
    ("MATCH p = SHORTEST 1 (a:N)-[:R]->+(d:N {name:'d'}) RETURN a.name, length(p)",
     [("a", 2), ("b", 2), ("c", 1), ("e", 1), ("f", 3)]),
    ("MATCH p = SHORTEST 2 (a:N {name:'a'})-[:R]-{1,3}(d) RETURN d.name, length(p)",
     [("a", 2), ("a", 2), ("b", 1), ("b", 1), ("c", 2), ("c", 2), ("d", 2), ("d", 3),
      ("e", 1), ("e", 2), ("f", 1), ("f", 3)]),
    ("MATCH p = ALL (a:N {name:'a'})-[:R]->{1,2}(d) RETURN count(*)", [(8,)]),
    ("MATCH p = ALL SHORTEST (a:N {name:'a'})-[:R]-+(d:N) RETURN d.name, length(p)",
     [("a", 2), ("a", 2), ("b", 1), ("b", 1), ("c", 2), ("c", 2), ("d", 2), ("e", 1), ("f", 1)]),
    ("MATCH p = SHORTEST 1 (a:N {name:'c'})-[]-+(d) RETURN d.name, length(p)",
     [("a", 2), ("b", 1), ("c", 4), ("d", 1), ("e", 2), ("f", 2)]),
    ("MATCH p = SHORTEST 1 (a:N {name:'c'})-[]-{1,3}(d) RETURN d.name, length(p)",
     [("a", 2), ("b", 1), ("d", 1), ("e", 2), ("f", 2)]),
    ("MATCH p = ANY 2 (a:N {name:'c'})-[]->{2,4}(d) RETURN d.name, length(p)",
     [("a", 3), ("b", 4), ("b", 4), ("e", 4), ("f", 2)]),
    ("MATCH p = SHORTEST 1 (a:N {name:'c'})-[]->+(d) WHERE d.name <> 'a' RETURN d.name, length(p)",
     [("b", 4), ("c", 5), ("d", 1), ("e", 4), ("f", 2)]),
    ("MATCH p = SHORTEST 2 GROUPS (a:N {name:'a'})-[:R]-+(d:N {name:'a'}) RETURN length(p), count(*)",
     [(2, 2), (3, 4)]),
    (f"MATCH p = SHORTEST 2 PATH GROUP {a_to_d('-[:R]->+')} RETURN count(*)", [(5,)]),
    (f"MATCH p = ANY SHORTEST PATHS {a_to_d('-[:R]->+')} RETURN length(p)", [(2,)]),
    ("MATCH (a:N {name:'a'}) WHERE EXISTS { MATCH p = SHORTEST 1 (a)-[:R]->+(:N {name:'d'}) } "
     "RETURN a.name", [("a",)]),
    ("MATCH (a:N {name:'d'}) OPTIONAL MATCH p = SHORTEST 1 (a)-[:R]->+(x:N {name:'a'}) "
     "RETURN a.name, length(p)", [("d", None)]),
    # var-length relationships whose rows are deduplicated: reachable end nodes
    ("MATCH (a:N {name:'a'})-[*]-(b) RETURN size(collect(DISTINCT b.name))", [(6,)]),
    ("MATCH (a:N {name:'b'})-[*]->(b) RETURN count(DISTINCT b)", [(6,)]),
    ("MATCH (a:N {name:'c'})<-[*..2]-(b) RETURN DISTINCT b.name", [("a",), ("b",)]),
    ("MATCH (a:N {name:'c'})-[*0..2]-(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("c",), ("d",), ("e",), ("f",)]),
    # the start node is an end only through a closed trail, within the length bound
    ("MATCH (c:N {name:'c'})-[*..3]-(b) RETURN DISTINCT b.name", [("a",), ("b",), ("d",), ("e",), ("f",)]),
    ("MATCH (c:N {name:'c'})-[*..4]-(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("c",), ("d",), ("e",), ("f",)]),
    ("MATCH (c:N {name:'c'})-[*..4]->(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("d",), ("e",), ("f",)]),
    ("MATCH (c:N {name:'c'})-[*..5]->(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("c",), ("d",), ("e",), ("f",)]),
    ("MATCH (a:N {name:'a'})-[:R*..2]-(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("c",), ("d",), ("e",), ("f",)]),
    ("MATCH (c:N {name:'c'})-[:R*]-(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("c",), ("d",), ("e",), ("f",)]),
    ("MATCH (f:N {name:'f'})-[:R*]-(b) RETURN DISTINCT b.name",
     [("a",), ("b",), ("c",), ("d",), ("e",)]),
    # relationship uniqueness against the rest of the MATCH still holds
    ("MATCH (a:N {name:'a'})-[:R]->(x)-[*]->(b) RETURN DISTINCT x.name, b.name",
     [(x, y) for x in "be" for y in "abcdef"]),
    ("MATCH (x:N {name:'f'})-[r]->(a) WHERE (a)-[*3..]->(:N {name:'d'}) RETURN a.name", [("a",)]),
    ("MATCH (a:N) RETURN a.name, COUNT { (a)-[*]->(:N {name:'f'}) } AS c",
     [("a", 5), ("b", 2), ("c", 1), ("d", 1), ("e", 1), ("f", 5)]),
]

ERRORS = [
    f"MATCH p = shortestPath({a_to_d('-[*2..]->')}) RETURN length(p)",
    f"MATCH p = allShortestPaths({a_to_d('-[*2..]->')}) RETURN length(p)",
]


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def paths_store(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "embedded":
        store: Any = NetworkxStore(None)
        store.run(SETUP, write=True)
        yield store
        return
    settings: Neo4jSettings = request.getfixturevalue("neo4j_settings")
    with Neo4jStore.connect(settings) as neo:
        neo.clear()
        neo.run(SETUP, write=True)
        yield neo


def answer(store: Any, query: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in store.run(query)), key=repr)


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
def test_same_rows_as_neo4j(paths_store: Any, query: str, expected: list[tuple[Any, ...]]) -> None:
    assert answer(paths_store, query) == sorted(expected, key=repr)


@pytest.mark.parametrize("query", ERRORS)
def test_shortest_path_minimum_length_is_refused(paths_store: Any, query: str) -> None:
    with pytest.raises(QueryError, match="minimal length different from 0 or 1"):
        answer(paths_store, query)


SELECTOR_ERRORS = [
    (f"MATCH p = SHORTEST 0 {a_to_d('-[:R]->+')} RETURN length(p)", "path count needs to be greater than 0"),
    (f"MATCH p = ANY 0 {a_to_d('-[:R]->+')} RETURN length(p)", "path count needs to be greater than 0"),
    (f"MATCH p = SHORTEST 1 {a_to_d('-[:R]->+')}, (d)-[:S]->(f) RETURN length(p)",
     "Multiple path patterns cannot be used in the same clause"),
    (f"MATCH p = SHORTEST {a_to_d('-[:R]->+')} RETURN length(p)", "(?i)expected"),
]


@pytest.mark.parametrize(("query", "message"), SELECTOR_ERRORS)
def test_selector_errors_as_neo4j(paths_store: Any, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        answer(paths_store, query)


def test_selector_over_several_relationships_is_named_as_unsupported() -> None:
    store = NetworkxStore(None)
    store.run(SETUP, write=True)
    with pytest.raises(RelgraphError, match="not supported by the embedded Cypher engine: a path selector"):
        store.run("MATCH p = SHORTEST 1 (a:N {name:'a'})-[:R]->+(d)-[:S]->(f) RETURN length(p)")


# --- how much the searches read, on real graphs -----------------------------------------


class CountingGraph(PropertyGraph):
    """A PropertyGraph that counts how often a search reads a node's relationships."""

    reads = 0

    def adjacent_rels(self, nid: int, direction: str, types: Any = None) -> list[tuple[int, int]]:
        self.reads += 1
        return super().adjacent_rels(nid, direction, types)


def test_shortest_path_grows_the_smaller_side() -> None:
    """``a`` has 500 leaves and one way on to ``b``: the search from ``b``'s side meets
    it after a few reads, where one search from ``a`` reads every leaf."""
    g = CountingGraph()
    a, x, b = (g.create_node(["N"], {"name": n}) for n in "axb")
    for i in range(500):
        g.create_rel(a, g.create_node(["Leaf"], {"name": f"leaf {i}"}), "R", {})
    g.create_rel(a, x, "R", {})
    g.create_rel(x, b, "R", {})
    g.reads = 0
    rows = execute(g, "MATCH (a:N {name:'a'}), (b:N {name:'b'}) "
                      "MATCH p = shortestPath((a)-[*]-(b)) RETURN length(p)").values()
    assert rows == [[2]]
    assert g.reads < 10


def test_open_end_selector_searches_once() -> None:
    """``SHORTEST 1 (a)-[:R]-+(b)`` with ``b`` open: one search from ``a`` finds every end,
    rather than one search per candidate end node (each reading its own neighbourhood)."""
    g = CountingGraph()
    nodes = [g.create_node(["N"], {"name": f"n{i}"}) for i in range(50)]
    for i in range(49):
        g.create_rel(nodes[i], nodes[i + 1], "R", {})
    g.reads = 0
    rows = execute(g, "MATCH p = SHORTEST 1 (a:N {name:'n0'})-[:R]->+(b) "
                      "RETURN max(length(p)), count(*)").values()
    assert rows == [[49, 49]]
    assert g.reads <= 2 * 50 + 2


def test_node_conditions_are_checked_during_the_search() -> None:
    """``all(x IN nodes(p) WHERE ...)`` is tested per node as the search reaches it (Neo4j
    does the same), not by enumerating every trail and testing the whole path: here the
    start node fails it, so nothing needs reading at all."""
    g = CountingGraph()
    nodes = [g.create_node(["Small"], {"name": f"s{i}"}) for i in range(12)]
    for i in range(12):
        g.create_rel(nodes[i], nodes[(i + 1) % 12], "LINK", {})
    for i in range(8):
        g.create_rel(nodes[i], nodes[(5 * i + 3) % 12], "LINK", {})
    g.reads = 0
    rows = execute(g, "MATCH (a:Small {name:'s0'}), (b:Small {name:'s6'}) "
                      "MATCH p = shortestPath((a)-[*]-(b)) WHERE all(x IN nodes(p) WHERE x.name <> 's0') "
                      "RETURN length(p)").values()
    assert rows == []
    assert g.reads < 20


def test_reachability_reads_each_node_once() -> None:
    """A ring of 12 nodes with 8 chords has thousands of trails from one node; distinct
    end nodes need one breadth-first search, one read per node."""
    g = CountingGraph()
    nodes = [g.create_node(["Small"], {"name": f"s{i}"}) for i in range(12)]
    for i in range(12):
        g.create_rel(nodes[i], nodes[(i + 1) % 12], "LINK", {})
    for i in range(8):
        g.create_rel(nodes[i], nodes[(5 * i + 3) % 12], "LINK", {})
    g.reads = 0
    rows = execute(g, "MATCH (a:Small {name:'s0'})-[*]-(b) RETURN size(collect(DISTINCT b))").values()
    assert rows == [[12]]
    assert g.reads <= 13
