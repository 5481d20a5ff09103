"""Queries that the peer libraries (grand-cypher 1.2.0, nxcypher 1.1.4) get wrong or reject.

Each test states the right answer for a small graph, so a regression in the
engine shows up as the same wrong answer those libraries give.
"""

from __future__ import annotations

import pytest

from relgraph.graph.cypher import execute
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.entities import Node, Path, Relationship

SETUP = """
CREATE (ann:Person {name: 'Ann', age: 30}),
       (bob:Person {name: 'Bob'}),
       (cat:Person {name: 'Cat', age: 50}),
       (dan:Person {name: 'Dan', age: 40}),
       (acme:Company {name: 'Acme'}),
       (ann)-[:KNOWS {since: 2001}]->(bob),
       (ann)-[:KNOWS {since: 2005}]->(cat),
       (bob)-[:KNOWS]->(cat),
       (cat)-[:KNOWS]->(dan),
       (ann)-[:WORKS_AT]->(acme),
       (ann)-[:WORKS_AT]->(acme),
       (bob)-[:WORKS_AT]->(acme)
"""


@pytest.fixture
def g() -> PropertyGraph:
    graph = PropertyGraph()
    with graph.transaction():
        execute(graph, SETUP, {}, write=True)
    return graph


def rows(graph: PropertyGraph, query: str, **params) -> list[list]:
    return execute(graph, query, params).values()


def test_alias_reusing_a_variable_name(g) -> None:
    # nxcypher: KeyError
    assert sorted(rows(g, "MATCH (p:Person) RETURN p.name AS p")) == [["Ann"], ["Bob"], ["Cat"], ["Dan"]]
    r = execute(g, "MATCH (p:Person {name: 'Ann'}) RETURN p.name AS p, p.age AS age")
    assert r.keys() == ["p", "age"] and r.values() == [["Ann", 30]]


def test_property_of_a_grouping_key_after_with(g) -> None:
    # nxcypher cannot read p.name after WITH p, count(v) AS k
    got = rows(g, "MATCH (p:Person)-[:KNOWS]->(v) WITH p, count(v) AS k RETURN p.name, k ORDER BY p.name")
    assert got == [["Ann", 2], ["Bob", 1], ["Cat", 1]]


def test_avg_ignores_nulls(g) -> None:
    # nxcypher counts Bob's missing age as 0: (30 + 0 + 50 + 40) / 4 = 30.0
    assert rows(g, "MATCH (p:Person) RETURN avg(p.age) AS a") == [[40.0]]
    assert rows(g, "UNWIND [1, null, 3] AS x RETURN avg(x), count(x), count(*), sum(x)") == [[2.0, 2, 3, 4]]


def test_negated_pattern_predicate(g) -> None:
    # nxcypher returns nothing for WHERE NOT (p)-[:T]->()
    got = rows(g, "MATCH (p:Person) WHERE NOT (p)-[:WORKS_AT]->() RETURN p.name ORDER BY p.name")
    assert got == [["Cat"], ["Dan"]]
    got = rows(g, "MATCH (p:Person) WHERE NOT (p)-[:KNOWS]->(:Person {name: 'Cat'}) RETURN p.name "
                  "ORDER BY p.name")
    assert got == [["Cat"], ["Dan"]]


def test_pattern_comprehension_keeps_parallel_relationships(g) -> None:
    # Ann has two WORKS_AT relationships to Acme; nxcypher keeps one
    got = rows(g, "MATCH (a:Person {name: 'Ann'}) RETURN [(a)-[:WORKS_AT]->(c) | c.name] AS jobs")
    assert got == [[["Acme", "Acme"]]]
    assert rows(g, "MATCH (a {name: 'Ann'})-[r:WORKS_AT]->(c) RETURN count(r)") == [[2]]


def test_undirected_pattern_on_a_multidigraph(g) -> None:
    # grand-cypher returns nothing for undirected patterns on a MultiDiGraph
    got = rows(g, "MATCH (c:Person {name: 'Cat'})-[:KNOWS]-(x) RETURN x.name ORDER BY x.name")
    assert got == [["Ann"], ["Bob"], ["Dan"]]
    # each undirected match is found once per direction it can be read in
    assert rows(g, "MATCH (a)-[:KNOWS]-(b) RETURN count(*)") == [[8]]


def test_self_loop_matches_once_undirected() -> None:
    graph = PropertyGraph()
    with graph.transaction():
        execute(graph, "CREATE (a:L)-[:T]->(a)", {}, write=True)
    assert rows(graph, "MATCH (a)-[r:T]-(b) RETURN count(*)") == [[1]]
    assert rows(graph, "MATCH (a)-[r:T]->(b) RETURN count(*)") == [[1]]


def test_single_and_double_quoted_strings_with_escapes() -> None:
    r = execute(PropertyGraph(),
                "RETURN 'it\\'s' AS a, \"say \\\"hi\\\"\" AS b, 'tab\\there' AS c, '\\u00e9' AS d")
    assert r.values() == [["it's", 'say "hi"', "tab\there", "é"]]


def test_lower_case_functions_and_count_star(g) -> None:
    got = rows(g, "match (p:Person) return count(*) AS n, COUNT(p.age) AS aged, "
                  "collect(p.name)[0] AS first, size(Collect(DISTINCT p.name)) AS names")
    assert got == [[4, 3, got[0][2], 4]]
    assert got[0][2] in {"Ann", "Bob", "Cat", "Dan"}


def test_optional_match_keeps_rows_with_nulls(g) -> None:
    got = rows(g, "MATCH (p:Person) OPTIONAL MATCH (p)-[:WORKS_AT]->(c:Company) "
                  "RETURN p.name, count(c) ORDER BY p.name")
    assert got == [["Ann", 2], ["Bob", 1], ["Cat", 0], ["Dan", 0]]
    got = rows(g, "MATCH (p:Person {name: 'Dan'}) OPTIONAL MATCH (p)-[:WORKS_AT]->(c) RETURN p.name, c")
    assert got == [["Dan", None]]


def test_unwind_and_with_pipeline() -> None:
    got = rows(PropertyGraph(),
               "UNWIND [3, 1, 2, 1] AS x WITH DISTINCT x WHERE x > 1 RETURN x ORDER BY x DESC")
    assert got == [[3], [2]]
    assert rows(PropertyGraph(), "UNWIND [] AS x RETURN x") == []
    assert rows(PropertyGraph(), "UNWIND null AS x RETURN x") == []


def test_comma_separated_patterns_and_parameters(g) -> None:
    got = rows(g, "MATCH (a:Person {name: $a}), (b:Person {name: $b}) RETURN a.age + b.age AS s",
               a="Ann", b="Cat")
    assert got == [[80]]


def test_shortest_path(g) -> None:
    r = execute(g, "MATCH (a:Person {name: 'Ann'}), (d:Person {name: 'Dan'}), "
                   "p = shortestPath((a)-[:KNOWS*]->(d)) RETURN p, length(p) AS hops, "
                   "[n IN nodes(p) | n.name] AS names")
    record = r.single()
    assert record["hops"] == 2
    assert record["names"] == ["Ann", "Cat", "Dan"]
    assert isinstance(record["p"], Path) and len(record["p"]) == 2
    r = execute(g, "MATCH (a:Person {name: 'Ann'}), (d:Person {name: 'Dan'}) "
                   "MATCH p = allShortestPaths((a)-[:KNOWS*]-(d)) RETURN count(p)")
    assert r.values() == [[1]]
    r = execute(g, "MATCH (a:Person {name: 'Bob'}), (d:Person {name: 'Ann'}) "
                   "MATCH p = shortestPath((a)-[:KNOWS*]->(d)) RETURN p")
    assert r.values() == []  # no directed path from Bob back to Ann


def test_results_are_driver_shaped(g) -> None:
    r = execute(g, "MATCH (a:Person {name: 'Ann'})-[k:KNOWS {since: 2001}]->(b) RETURN a, k, b")
    a, k, b = r.single().values()
    assert isinstance(a, Node) and a.labels == {"Person"} and a["name"] == "Ann"
    assert isinstance(k, Relationship) and k.type == "KNOWS" and k["since"] == 2001
    assert k.start_node == a and k.end_node == b
    assert r.summary.backend == "networkx"


def test_variable_length_and_relationship_uniqueness(g) -> None:
    got = rows(g, "MATCH (a:Person {name: 'Ann'})-[:KNOWS*1..3]->(x) RETURN x.name, count(*) ORDER BY x.name")
    assert got == [["Bob", 1], ["Cat", 2], ["Dan", 2]]
    # a relationship is not used twice within one MATCH
    assert rows(g, "MATCH (a)-[r1:KNOWS]-(b)-[r2:KNOWS]-(a) RETURN count(*)") == [[0]]


def test_merge_and_set_variants() -> None:
    graph = PropertyGraph()
    with graph.transaction():
        r = execute(graph, "UNWIND ['a', 'b', 'a'] AS k MERGE (n:K {key: k}) "
                           "ON CREATE SET n.created = true ON MATCH SET n.seen = true RETURN count(*)",
                    {}, write=True)
        assert r.values() == [[3]]
        assert r.summary.counters.nodes_created == 2
        execute(graph, "MATCH (n:K {key: 'a'}) SET n += {x: 1, created: null}, n:Extra", {}, write=True)
    got = rows(graph, "MATCH (n:K) RETURN n.key, n.created, n.seen, n.x, labels(n) ORDER BY n.key")
    assert got == [["a", None, True, 1, ["K", "Extra"]], ["b", True, None, None, ["K"]]]


def test_shortest_path_honours_conditions_on_the_path() -> None:
    """The shortest path that satisfies WHERE, not the shortest path filtered afterwards."""
    graph = PropertyGraph()
    with graph.transaction():
        execute(graph, "CREATE (a:N {name: 'a'})-[:R {w: 1}]->(:N {name: 'b'})-[:R {w: 1}]->"
                       "(d:N {name: 'd'}), (a)-[:R {w: 5}]->(:N {name: 'c'})-[:R {w: 5}]->"
                       "(:N {name: 'e'})-[:R {w: 5}]->(d)", {}, write=True)
    base = ("MATCH (a {name: 'a'}), (d {name: 'd'}), p = shortestPath((a)-[:R*]->(d)) WHERE_CLAUSE "
            "RETURN [n IN nodes(p) | n.name] AS names")
    assert rows(graph, base.replace("WHERE_CLAUSE", "")) == [[["a", "b", "d"]]]
    heavy = base.replace("WHERE_CLAUSE", "WHERE all(r IN relationships(p) WHERE r.w > 2)")
    assert rows(graph, heavy) == [[["a", "c", "e", "d"]]]
    assert rows(graph, base.replace("WHERE_CLAUSE", "WHERE length(p) > 5")) == []


def test_count_and_collect_subqueries(g) -> None:
    got = rows(g, "MATCH (p:Person) RETURN p.name, COUNT { (p)-[:KNOWS]->() } AS n, "
                  "COLLECT { MATCH (p)-[:WORKS_AT]->(c) RETURN c.name } AS jobs ORDER BY p.name")
    assert got == [["Ann", 2, ["Acme", "Acme"]], ["Bob", 1, ["Acme"]], ["Cat", 1, []], ["Dan", 0, []]]
    assert rows(g, "MATCH (p:Person) WHERE COUNT { MATCH (p)-[:KNOWS]-(x) RETURN x } >= 3 "
                   "RETURN p.name") == [["Cat"]]


def test_foreach_writes_per_element_and_rows_pass_through() -> None:
    graph = PropertyGraph()
    with graph.transaction():
        r = execute(graph, "CREATE (a:A {name: 'a'}) FOREACH (x IN range(1, 3) | "
                           "CREATE (a)-[:HAS]->(:Item {n: x}) MERGE (:Tag {v: x % 2})) RETURN a.name",
                    {}, write=True)
        assert r.values() == [["a"]]
        execute(graph, "MATCH (i:Item) WITH collect(i) AS items "
                       "FOREACH (i IN items | SET i.seen = true FOREACH (j IN [i.n * 10] | SET i.tens = j))",
                {}, write=True)
    assert rows(graph, "MATCH (:A)-[:HAS]->(i) RETURN i.n, i.seen, i.tens ORDER BY i.n") == [
        [1, True, 10], [2, True, 20], [3, True, 30]]
    assert rows(graph, "MATCH (t:Tag) RETURN count(t)") == [[2]]


def test_label_expressions() -> None:
    graph = PropertyGraph()
    with graph.transaction():
        execute(graph, "CREATE (:A {n: 1}), (:B {n: 2}), (:A:B {n: 3}), ({n: 4}), (:C {n: 5})", {},
                write=True)
    assert rows(graph, "MATCH (x:A|B) RETURN x.n ORDER BY x.n") == [[1], [2], [3]]
    assert rows(graph, "MATCH (x:A&!B) RETURN x.n") == [[1]]
    assert rows(graph, "MATCH (x) WHERE x:!% RETURN x.n") == [[4]]
    assert rows(graph, "MATCH (x) WHERE x:A|C RETURN x.n ORDER BY x.n") == [[1], [3], [5]]
    # inside a comprehension `|` ends the WHERE, as before label expressions existed
    assert rows(graph, "MATCH (x:A:B) RETURN [y IN [x] WHERE y:A | y.n] AS l") == [[[3]]]


def test_call_subqueries(g) -> None:
    # top friend per person: the subquery runs once per row (Neo4j 4 importing WITH)
    got = rows(g, "MATCH (p:Person) CALL { WITH p MATCH (p)-[k:KNOWS]->(q) "
                  "RETURN q.name AS friend ORDER BY k.since DESC LIMIT 1 } "
                  "RETURN p.name, friend ORDER BY p.name")
    assert got[0] == ["Ann", "Cat"]
    # Neo4j 5 scope clause; aggregation inside keeps rows without matches
    got = rows(g, "MATCH (p:Person) CALL (p) { OPTIONAL MATCH (p)-[:WORKS_AT]->(c) RETURN count(c) AS jobs } "
                  "RETURN p.name, jobs ORDER BY p.name")
    assert got == [["Ann", 2], ["Bob", 1], ["Cat", 0], ["Dan", 0]]
    assert rows(g, "CALL { MATCH (p:Person) RETURN p.name AS x UNION MATCH (c:Company) RETURN c.name AS x } "
                   "RETURN count(x)") == [[5]]
    # a unit subquery writes once per row and keeps the rows
    with g.transaction():
        r = execute(g, "UNWIND [1, 2] AS i CALL (i) { CREATE (:Made {i: i}) } RETURN i", {}, write=True)
    assert r.values() == [[1], [2]] and r.summary.counters.nodes_created == 2
