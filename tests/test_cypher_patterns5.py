"""Neo4j 5 pattern syntax on the embedded engine: quantified path patterns, inline WHERE, label
and type expressions, dynamic labels and types.

Every expectation here is Neo4j 5.26's answer: the same cases run on the embedded engine and,
in the ``*_on_neo4j`` tests, on the real test server, so that an expectation is proven rather
than guessed. Rows are compared as multisets (by ``repr``, so that 1 and 1.0 differ) unless the
query orders them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest

from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher import Stop, execute
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import QueryError, QueryTimeout, RelgraphError

#: a -R-> b -R-> c -R-> d, c -S-> a, d -T-> a; c is :A:C.
GRAPH = ("CREATE (a:A {name: 'a', x: 1})-[:R {w: 1}]->(b:B {name: 'b', x: 2})-[:R {w: 2}]->"
         "(c:A:C {name: 'c', x: 3})-[:R {w: 3}]->(d:D {name: 'd', x: 4}), "
         "(c)-[:S {w: 5}]->(a), (d)-[:T {w: 0}]->(a)")

#: (query, parameters, rows): reads on GRAPH.
READS: list[tuple[str, dict[str, Any], list[list[Any]]]] = [
    # quantified path patterns and their quantifiers
    ("MATCH (a:A)((x)-[:R]->(y)){1,3}(b) RETURN a.name, b.name", {},
     [["a", "b"], ["a", "c"], ["a", "d"], ["c", "d"]]),
    ("MATCH (a {name: 'a'})((x)-[:R]->(y)){2}(b) RETURN b.name, [v IN x | v.name], [v IN y | v.name]", {},
     [["c", ["a", "b"], ["b", "c"]]]),
    ("MATCH (a {name: 'a'})((x)-[:R]->(y))+(b) RETURN b.name", {}, [["b"], ["c"], ["d"]]),
    ("MATCH (a {name: 'a'})((x)-[:R]->(y))*(b) RETURN b.name", {}, [["a"], ["b"], ["c"], ["d"]]),
    ("MATCH (a {name: 'a'})((x)-[:R]->(y)){,2}(b) RETURN b.name", {}, [["a"], ["b"], ["c"]]),
    ("MATCH (a {name: 'a'})((x)-[:R]->(y)){2,}(b) RETURN b.name", {}, [["c"], ["d"]]),
    ("MATCH (a {name: 'a'})((x)-->(y)){0,1}(b) RETURN b.name, size(x)", {}, [["a", 0], ["b", 1]]),
    ("MATCH ((x)-->(y))+ RETURN count(*)", {}, [[26]]),
    ("MATCH (a)((x)-->(y))+((u)-->(v))+(b) RETURN count(*)", {}, [[46]]),
    ("MATCH (a)((x)-->(y)){2,3}(b)<--(c)((u)<--(v)){1}(d) RETURN count(*)", {}, [[3]]),
    ("MATCH (a)((x)-->(y)-->(z)){1,2}(b) RETURN count(*)", {}, [[12]]),
    ("MATCH (a)((x)-->(y)<--(z)){1,2}(b) RETURN count(*)", {}, [[2]]),
    ("MATCH (a)((x)-[r]-(y)){2}(b) RETURN count(*)", {}, [[16]]),
    ("MATCH (a)((x)-[r]-(y)){1,}(b) RETURN count(*)", {}, [[86]]),
    ("MATCH (a)((x)--(y))+(b)--(c) RETURN count(*)", {}, [[76]]),
    # relationship uniqueness holds across the repetitions: a cycle closes at most once
    ("MATCH (a)((x)-->(y))+(a) RETURN a.name, size(x)", {},
     [["a", 3], ["a", 4], ["b", 3], ["b", 4], ["c", 3], ["c", 4], ["d", 4]]),
    ("MATCH (a)-[r]->(b), (b)((x)-->(y))+(c) RETURN count(*)", {}, [[21]]),
    # group variables: lists after the pattern, one entry per repetition
    ("MATCH (a {name: 'a'})((x)-->(y)){1,3}(b) RETURN b.name, [n IN x | n.name]", {},
     [["a", ["a", "b", "c"]], ["b", ["a"]], ["c", ["a", "b"]], ["d", ["a", "b", "c"]]]),
    ("MATCH (a)((x)-[r]->(y))+(b) WHERE size(r) = 2 RETURN count(*)", {}, [[6]]),
    ("MATCH (a)((x)-->(y)){1,2}(b) WHERE all(n IN x WHERE n.x > 0) RETURN count(*)", {}, [[11]]),
    ("MATCH (a {name: 'a'})((x)-->(y))+(b) UNWIND x AS one RETURN one.name, count(*)", {},
     [["a", 5], ["b", 4], ["c", 3], ["d", 1]]),
    ("MATCH (a)((x)-[:R|S]->(y)){2}(b) WHERE x[0] = a RETURN count(*)", {}, [[4]]),
    # conditions inside the group, per repetition, also on variables outside it (either side)
    ("MATCH (a {name: 'a'})((x)-[r:R]->(y) WHERE r.w > 1){1,3}(b) RETURN b.name", {}, []),
    ("MATCH (a {name: 'a'})((x)-[r:R]->(y) WHERE r.w < 3){1,3}(b) RETURN b.name", {}, [["b"], ["c"]]),
    ("MATCH (a)((x)-->(y) WHERE a.x > 1)+(b) RETURN count(*)", {}, [[21]]),
    ("MATCH (a)((x)-->(y) WHERE b.x > 1)+(b) RETURN count(*)", {}, [[16]]),
    ("MATCH (a)((x)-->(y) WHERE y.x > a.x)+(b) RETURN count(*)", {}, [[6]]),
    ("MATCH (a)((x:A WHERE x.x > 1)-->(y))+(b) RETURN a.name, b.name", {}, [["c", "a"], ["c", "d"]]),
    ("MATCH (a)((x {x: 1})-->(y)){1,2}(b) RETURN count(*)", {}, [[1]]),
    ("MATCH (a {name: 'b'})((x {x: a.x})-->(y))+(b) RETURN b.name", {}, [["c"]]),
    # path variables over quantified path patterns
    ("MATCH p = (a {name: 'a'})((x)-->(y))+(b) RETURN length(p), b.name", {},
     [[1, "b"], [2, "c"], [3, "a"], [3, "d"], [4, "a"]]),
    ("MATCH p = (a {name: 'a'})-->(m)((x)-->(y)){1,2}(b)<--(c) RETURN length(p), [n IN nodes(p) | n.name]",
     {}, [[4, ["a", "b", "c", "a", "d"]]]),
    ("MATCH p = (a {name: 'a'})-[:R]->{0,3}(b) RETURN length(p), b.name", {},
     [[0, "a"], [1, "b"], [2, "c"], [3, "d"]]),
    # quantified relationships
    ("MATCH (a {name: 'a'})-[:R]->{1,3}(b) RETURN b.name", {}, [["b"], ["c"], ["d"]]),
    ("MATCH (a {name: 'a'})-[:R]->+(b) RETURN b.name", {}, [["b"], ["c"], ["d"]]),
    ("MATCH (a)-->{2}(b) RETURN count(*)", {}, [[6]]),
    ("MATCH (a {name: 'a'})-[r:R]->{2}(b) RETURN [x IN r | x.w], b.name", {}, [[[1, 2], "c"]]),
    ("MATCH ()-[r:R WHERE r.w > 1]->{1,2}() RETURN count(*)", {}, [[3]]),
    ("MATCH (a:A)-->{1,2}(:B) RETURN count(*)", {}, [[2]]),
    ("MATCH (a)-[:R]->+(b)-[:S]->(c) RETURN a.name, b.name, c.name", {}, [["a", "c", "a"], ["b", "c", "a"]]),
    # in OPTIONAL MATCH and subqueries
    ("MATCH (a {name: 'a'}) OPTIONAL MATCH (a)((x)-[:T]->(y))+(b) RETURN a.name, b.name", {},
     [["a", None]]),
    ("MATCH (n) WHERE EXISTS { (n)((x)-->(y)){2}(m:D) } RETURN n.name", {}, [["b"]]),
    ("MATCH (n) RETURN n.name, COUNT { (n)-[:R]->{1,3}(m) }", {}, [["a", 3], ["b", 2], ["c", 1], ["d", 0]]),
    # inline WHERE
    ("MATCH (n:A WHERE n.x > 1) RETURN n.name", {}, [["c"]]),
    ("MATCH (a)-[r:R WHERE r.w < 2]->(b) RETURN a.name, b.name", {}, [["a", "b"]]),
    ("MATCH (a WHERE a.x > b.x)-->(b) RETURN a.name, b.name", {}, [["c", "a"], ["d", "a"]]),
    ("OPTIONAL MATCH (n:A WHERE n.x > 10) RETURN n", {}, [[None]]),
    ("MATCH (n) WHERE EXISTS { (n)-[r WHERE r.w > 2]->() } RETURN n.name", {}, [["c"]]),
    ("MATCH (a) RETURN a.name, [(a)-[r WHERE r.w > a.x]->(b) | b.name]", {},
     [["a", []], ["b", []], ["c", ["a"]], ["d", []]]),
    ("MATCH ((a)-->(b) WHERE a.x > 1) RETURN count(*)", {}, [[4]]),
    ("MATCH (a:A|B|C WHERE a.x > 1)-[r:R|S WHERE r.w > 1]->(b) RETURN a.name, b.name", {},
     [["b", "c"], ["c", "a"], ["c", "d"]]),
    # label and type expressions
    ("MATCH ()-[r:!R]->() RETURN r.w", {}, [[0], [5]]),
    ("MATCH ()-[r:%]->() RETURN count(r)", {}, [[5]]),
    ("MATCH ()-[r:!R&!S]->() RETURN r.w", {}, [[0]]),
    ("MATCH (a)-->(:!A) RETURN count(*)", {}, [[2]]),  # an anonymous end node's expression is tested
    ("MATCH (n IS A|B) RETURN n.name", {}, [["a"], ["b"], ["c"]]),
    ("MATCH ()-[r IS R]->() RETURN count(r)", {}, [[3]]),
    ("MATCH ((a)-->(b)){1,2}((c)-->(d) WHERE c.x > size(a)){1,2} RETURN count(*)", {}, [[11]]),
    ("MATCH (a)((x)-->(y))+(b WHERE size(x) > 1) RETURN count(*)", {}, [[21]]),
    ("MATCH (c)-->(a)((x)-->(y) WHERE c.x > 1)+(b) RETURN count(*)", {}, [[17]]),
    # matched from the right end (the indexed node): group lists and paths still read left to right
    ("MATCH p = (a)((x)-[r]->(y)-[s]->(z) WHERE r.w < s.w)+(b {name: 'd'}) "
     "RETURN a.name, [n IN x | n.name], [n IN z | n.name], [q IN r | q.w], [n IN nodes(p) | n.name]", {},
     [["b", ["b"], ["d"], [2], ["b", "c", "d"]],
      ["d", ["d", "b"], ["b", "d"], [0, 2], ["d", "a", "b", "c", "d"]]]),
    ("MATCH p = (a)((x)-->(y)){2,3}(b {name: 'a'})-->(c) RETURN a.name, [n IN nodes(p) | n.name], "
     "[n IN y | n.name]", {},
     [["b", ["b", "c", "a", "b"], ["c", "a"]], ["b", ["b", "c", "d", "a", "b"], ["c", "d", "a"]],
      ["c", ["c", "d", "a", "b"], ["d", "a"]]]),
    ("MATCH p = (a)((x)-->(y) WHERE a.x < y.x)+(b {name: 'd'}) RETURN a.name, length(p)", {},
     [["a", 3], ["b", 2], ["c", 1]]),
    # dynamic labels and types
    ("MATCH (n:$('A')) RETURN n.name", {}, [["a"], ["c"]]),
    ("MATCH (n:$($l)) RETURN n.name", {"l": ["A", "C"]}, [["c"]]),
    ("MATCH (n:$all($l)) RETURN n.name", {"l": ["A", "C"]}, [["c"]]),
    ("MATCH (n:$any($l)) RETURN n.name", {"l": ["A", "C"]}, [["a"], ["c"]]),
    ("MATCH (n:$any($l)) RETURN n.name", {"l": []}, []),
    ("MATCH (n:$($l)) RETURN count(n)", {"l": []}, [[4]]),
    ("MATCH (n:$('A')|B) RETURN n.name", {}, [["a"], ["b"], ["c"]]),
    ("MATCH (n:!$('A')) RETURN n.name", {}, [["b"], ["d"]]),
    ("MATCH (m {name: 'b'}) MATCH (n:$(labels(m))) RETURN n.name", {}, [["b"]]),
    ("MATCH (n:$(upper(n.name))) RETURN n.name", {}, [["a"], ["b"], ["c"], ["d"]]),  # its own node's value
    ("MATCH ()-[r:$('R')]->() RETURN r.w", {}, [[1], [2], [3]]),
    ("MATCH ()-[r:$any(['R', 'S'])]->() RETURN r.w", {}, [[1], [2], [3], [5]]),
    ("MATCH ()-[r:$(['R', 'S'])]->() RETURN r.w", {}, []),
    ("MATCH ()-[r:$('R')]->{1,2}() RETURN count(*)", {}, [[5]]),
]

#: (query, the start of Neo4j's message): refused before anything runs, on both backends.
ERRORS: list[tuple[str, str]] = [
    ("MATCH (a)((x)-->(y))((u)-->(v))(b) RETURN count(*)",
     "Juxtaposition is currently only supported for quantified path patterns."),
    ("MATCH (a)(((x)-->(y))+)+(b) RETURN count(*)", "Quantified path patterns are not allowed to be nested."),
    ("MATCH (a)((x)-->(y)){0}(b) RETURN *", "A quantifier for a path pattern must not be limited by 0"),
    ("MATCH (a)((x)-->(y)){,0}(b) RETURN *", "A quantifier for a path pattern must not be limited by 0"),
    ("MATCH (a)((x)-->(y)){3,1}(b) RETURN count(*)",
     "A quantifier for a path pattern must not have a lower bound which exceeds its upper bound."),
    ("MATCH (a)((x)-[r*1..2]->(y))+(b) RETURN count(*)",
     "Variable length relationships cannot be part of a quantified path pattern."),
    ("MATCH p = shortestPath((a)((x)-->(y))+(b)) RETURN count(*)",
     "shortestPath(...) contains quantified pattern. This is currently not supported."),
    ("MATCH (x) MATCH (a)((x)-->(y))+(b) RETURN count(*)",
     "The variable `x` is already defined in a previous clause, it cannot be referenced"),
    ("MATCH (a)((x)-->(y))+(b), (c)((x)-->(z))+(d) RETURN count(*)",
     "The variable `x` occurs in multiple quantified path patterns and needs to be renamed."),
    ("MATCH (a)((x)-->(y))+(x) RETURN count(*)",
     "The variable `x` occurs both inside and outside a quantified path pattern and needs to be renamed."),
    ("MERGE (a)((x)-->(y))+(b)",
     "Quantified path patterns cannot be used in a MERGE clause, but only in a MATCH clause."),
    ("CREATE (a)-[:R]->{2}(b)",
     "Quantified path patterns cannot be used in a CREATE clause, but only in a MATCH clause."),
    ("MATCH (a)-[r:R* WHERE r.w > 1]->(b) RETURN count(*)",
     "Relationship pattern predicates are not supported for variable-length relationships."),
    ("CREATE (n:X WHERE n.x > 1) RETURN n", "Node pattern predicates are not allowed in a CREATE clause"),
    ("MERGE (n:X WHERE n.x > 1) RETURN n", "Node pattern predicates are not allowed in a MERGE clause"),
    ("CREATE (n:X|Y)", "Label expressions in patterns are not allowed in a CREATE clause"),
    ("CREATE (a)-[r:!T]->(b)", "Relationship type expressions in patterns are not allowed in a CREATE"),
    ("MATCH p = (a)((x)-->(y) WHERE length(p) > 1)+(b) RETURN count(*)",
     "From within a quantified path pattern, one may only reference variables, that are already bound"),
    ("MATCH (n:A:B|C) RETURN n", "Mixing label expression symbols ('|', '&', '!', and '%') with colon (':')"),
    ("MATCH (n) WHERE n:!A:B RETURN n", "Mixing label expression symbols ('|', '&', '!', and '%')"),
    ("MATCH (n:A|:B) RETURN n", "Label expressions are not allowed to contain '|:'."),
    ("MATCH (a)((x)-->(y)){01,2}(b) RETURN *", "expected ',' or an integer value"),
    ("MATCH ()-[:!R*1..2]->() RETURN count(*)",
     "Variable length relationships must not use relationship type expressions."),
    ("MATCH (n:$(null)) RETURN n", "Null is not a valid token name."),
    ("MATCH (n:$('')) RETURN n", "'' is not a valid token name."),
    ("MATCH (n:$(1)) RETURN n", "Type mismatch: expected String or List<String> but was Integer"),
    ("UNWIND [1] AS x MATCH (n:$(x)) RETURN n", "Type mismatch: expected String or List<String> but was"),
    ("MATCH (n:$(['A', null])) RETURN n", "Null is not a valid token name."),
    ("MATCH (n) WHERE n:$('A') RETURN n",
     "Dynamic Label and Types are only allowed in MATCH, CREATE, MERGE, SET and REMOVE clauses."),
    ("CREATE (n:$any(['X']))", "Dynamic labels using `$any()` are not allowed in CREATE or MERGE."),
    ("MERGE ()-[r:$any(['X'])]->()", "Dynamic types using `$any()` are not allowed in CREATE or MERGE."),
    ("MATCH (n) SET n:$(null)", "Null is not a valid token name."),
]

#: (query, parameters, rows): writes, each on an empty graph.
WRITES: list[tuple[str, dict[str, Any], list[list[Any]]]] = [
    ("CREATE (n:X&Y) RETURN labels(n) AS l", {}, [[["X", "Y"]]]),
    ("CREATE (n IS X) RETURN labels(n) AS l", {}, [[["X"]]]),
    ("MERGE (n:X&Y {k: 1}) RETURN labels(n) AS l", {}, [[["X", "Y"]]]),
    ("CREATE (n:$('X')) RETURN labels(n) AS l", {}, [[["X"]]]),
    ("CREATE (n:$($l):Z) RETURN labels(n) AS l", {"l": "X"}, [[["X", "Z"]]]),
    ("CREATE (n:$all(['X', 'Q'])) RETURN labels(n) AS l", {}, [[["Q", "X"]]]),
    ("CREATE (n:$([])) RETURN labels(n) AS l", {}, [[[]]]),
    ("CREATE (n:$(['X', 'X'])) RETURN labels(n) AS l", {}, [[["X"]]]),
    ("CREATE (n:A) SET n:$(['P', 'Q']) RETURN labels(n) AS l", {}, [[["A", "P", "Q"]]]),
    ("CREATE (n {name: 'N'}) SET n:$(n.name) RETURN labels(n) AS l", {}, [[["N"]]]),
    ("CREATE (n:A:B:C) REMOVE n:$(['C', 'A']) RETURN labels(n) AS l", {}, [[["B"]]]),
    ("CREATE (a), (b) MERGE (a)-[r:$('M')]->(b) RETURN type(r) AS t", {}, [["M"]]),
    ("CREATE (a)-[r:$($t)]->(b) RETURN type(r) AS t", {"t": ["M"]}, [["M"]]),
    ("MERGE (n:$(['Q', 'W']) {k: 2}) RETURN labels(n) AS l", {}, [[["Q", "W"]]]),
]


def rows(store: GraphStore, query: str, params: dict[str, Any], write: bool = False) -> list[list[Any]]:
    """The rows as lists; labels sorted (Neo4j lists them in its token order); sorted by repr
    unless the query orders them."""
    found = [[sorted(v) if isinstance(v, list) and query.endswith("AS l") else v for v in record.values()]
             for record in store.run(query, params, write=write)]
    return found if "ORDER BY" in query else sorted(found, key=repr)


def _id(case: tuple[Any, ...]) -> str:
    return re.sub(r"\s+", " ", str(case[0]))[:70]


@pytest.fixture(scope="module")
def embedded() -> NetworkxStore:
    store = NetworkxStore()
    store.run(GRAPH, write=True)
    return store


@pytest.fixture(scope="module")
def on_neo4j(neo4j_settings: Neo4jSettings) -> Iterator[Neo4jStore]:
    with Neo4jStore.connect(neo4j_settings) as store:
        store.clear()
        store.run(GRAPH, write=True)
        yield store


@pytest.mark.parametrize("case", READS, ids=_id)
def test_reads(embedded: NetworkxStore, case: tuple[str, dict[str, Any], list[list[Any]]]) -> None:
    query, params, expected = case
    assert [[repr(v) for v in r] for r in rows(embedded, query, params)] == \
        [[repr(v) for v in r] for r in sorted(expected, key=repr)]


@pytest.mark.parametrize("case", READS, ids=_id)
def test_reads_on_neo4j(on_neo4j: Neo4jStore, case: tuple[str, dict[str, Any], list[list[Any]]]) -> None:
    query, params, expected = case
    assert [[repr(v) for v in r] for r in rows(on_neo4j, query, params)] == \
        [[repr(v) for v in r] for r in sorted(expected, key=repr)]


@pytest.mark.parametrize("case", ERRORS, ids=_id)
def test_errors(embedded: NetworkxStore, case: tuple[str, str]) -> None:
    query, message = case
    with pytest.raises(QueryError, match=re.escape(message)) as caught:
        embedded.run(query, write=True)
    assert getattr(caught.value, "phase", None) == "compile time"


@pytest.mark.parametrize("case", ERRORS, ids=_id)
def test_errors_on_neo4j(on_neo4j: Neo4jStore, case: tuple[str, str]) -> None:
    query, message = case
    with pytest.raises(QueryError, match=re.escape(message)):
        on_neo4j.run(query, write=True)


@pytest.mark.parametrize("case", WRITES, ids=_id)
def test_writes(case: tuple[str, dict[str, Any], list[list[Any]]]) -> None:
    query, params, expected = case
    assert rows(NetworkxStore(), query, params, write=True) == expected


@pytest.mark.parametrize("case", WRITES, ids=_id)
def test_writes_on_neo4j(neo4j_store: Neo4jStore, case: tuple[str, dict[str, Any], list[list[Any]]]) -> None:
    query, params, expected = case
    assert rows(neo4j_store, query, params, write=True) == expected


#: (query, Neo4j's message): a dynamic value computed while the query runs is checked when met:
#: a TypeError for null or a non-string, a token name error for '', one type for a relationship.
RUNTIME_ERRORS: list[tuple[str, str]] = [
    ("UNWIND [null] AS x MATCH (n:$(x)) RETURN n", "Expected node label to be a string or list of"),
    ("UNWIND [['A', 1]] AS x MATCH (n:$(x)) RETURN n", "Expected node label to be a string or list of"),
    ("UNWIND [''] AS x CREATE (n:$(x))", "'' is not a valid token name."),
    ("UNWIND [['M', 'N']] AS x CREATE ()-[r:$(x)]->()",
     "Exactly one relationship type must be specified, but 2 were found."),
]


@pytest.mark.parametrize("case", RUNTIME_ERRORS, ids=_id)
def test_computed_dynamic_values_are_checked_when_met(case: tuple[str, str]) -> None:
    query, message = case
    store = NetworkxStore()
    store.run("CREATE (:A)", write=True)
    with pytest.raises(QueryError, match=re.escape(message)) as caught:
        store.run(query, write=True)
    assert getattr(caught.value, "phase", None) == "runtime"


@pytest.mark.parametrize("case", RUNTIME_ERRORS, ids=_id)
def test_computed_dynamic_values_are_checked_when_met_on_neo4j(neo4j_store: Neo4jStore,
                                                               case: tuple[str, str]) -> None:
    query, message = case
    neo4j_store.run("CREATE (:A)", write=True)
    with pytest.raises(RelgraphError, match=re.escape(message)):  # Neo4j: a DatabaseError for the last
        neo4j_store.run(query, write=True)


def test_a_quantified_path_as_long_as_the_graph_needs_no_recursion() -> None:
    """The expansion keeps its own stack: a chain far longer than Python's recursion limit."""
    graph = PropertyGraph()
    with graph.transaction():
        ids = [graph.create_node(["N"], {"i": i}) for i in range(3000)]
        for a, b in itertools.pairwise(ids):
            graph.create_rel(a, b, "NEXT", {})
    result = execute(graph, "MATCH (s:N {i: 0})((a)-[:NEXT]->(b))+(e:N {i: 2999}) RETURN size(a) AS n")
    assert result.value("n") == [2999]


def test_the_expansion_checks_its_stop() -> None:
    """A quantified path pattern over a dense graph is stopped by the time limit like any loop."""
    graph = PropertyGraph()
    with graph.transaction():
        ids = [graph.create_node(["N"], {"key": str(i)}) for i in range(40)]
        for a, b in itertools.pairwise(ids):
            graph.create_rel(a, b, "NEXT", {})
            graph.create_rel(b, a, "BACK", {})
    with pytest.raises(QueryTimeout):
        execute(graph, "MATCH p = (a)((x)--(y))+(b) RETURN count(p)", stop=Stop(timeout=0.3))


def test_what_neo4j_answers_wrongly_is_refused_not_copied() -> None:
    """Neo4j 5.26 ignores a dynamic type on a variable-length relationship (it counts every
    relationship); the embedded engine says it does not support it rather than guess."""
    with pytest.raises(QueryError, match="not supported by the embedded Cypher engine: dynamic relationship "
                                         "types on variable-length relationships"):
        NetworkxStore().run("MATCH ()-[:$('R')*1..2]->() RETURN count(*)")


def test_a_quantified_path_is_matched_from_its_cheaper_end() -> None:
    """The planner may start at the node after a quantified path pattern (here the indexed one)
    and expand it from the right, rather than scan every node for its left end."""
    from relgraph.graph.cypher.explain import explain

    plan = explain("MATCH (a)((x)-[:R]->(y))+(b {name: 'd'}) RETURN a")
    assert "NodeIndexSeek (b {...}) by name = 'd'" in plan
    assert "QuantifiedExpand (a)((x)-[:R]->(y)){1,}(b {...}) (from the right)" in plan


def test_a_dynamic_label_known_from_the_row_is_scanned_by_its_index() -> None:
    """``(n:$(expr))`` whose expression the row already answers starts from the label index of
    the first label it names, as ``(n:Label)`` does."""
    from relgraph.graph.cypher.explain import explain

    assert "NodeByLabelScan (n:$($l)) on :$($l)" in explain("MATCH (n:$($l))-->(m) RETURN m")
    assert "AllNodesScan (n:$(n.name))" in explain("MATCH (n:$(n.name)) RETURN n")


@pytest.mark.parametrize(("query", "column"), [("MATCH ()-[:!NOPE_T]->() RETURN 1", 13),
                                               ("MATCH ()-[r:%&!(R|NOPE_T)]->() RETURN 1", 19)])
def test_an_unknown_type_in_a_type_expression_warns(query: str, column: int) -> None:
    """As Neo4j 5.26 does (checked on the server): the name's own column."""
    store = NetworkxStore()
    store.run("CREATE (:A)-[:R]->(:B)", write=True)
    [note] = store.run(query).notifications
    assert note.code.endswith("UnknownRelationshipTypeWarning") and note.name == "NOPE_T"
    assert note.position is not None and note.position.column == column
