"""Deep queries and long paths: answered, or refused with a clear limit; never a RecursionError.

Each of these died with a RecursionError traceback before: the parser took sixteen Python
frames per parenthesis, every walk of a long OR chain recursed once per term, and
variable-length and shortest-path searches recursed once per hop."""

from __future__ import annotations

import sys

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher.parser import MAX_NESTING
from relgraph.graph.values.errors import CypherError, QueryError


def nested(opening: str, inner: str, closing: str, levels: int) -> str:
    return opening * levels + inner + closing * levels


@pytest.mark.parametrize(("expression", "expected"), [
    (nested("(", "1", ")", 58), 1),
    (nested("(", "1", ")", MAX_NESTING - 1), 1),
    (" OR ".join(["false"] * 800) + " OR true", True),
    (" AND ".join(["true"] * 800), True),
    (" XOR ".join(["true"] * 801), True),
    (" + ".join(["1"] * 800), 800),
    ("size(" + nested("[", "", "]", 150) + ")", 1),
    (nested("abs(", "-1", ")", 150), 1),
    (nested("{a: ", "1", "}", 150).join(["size(keys(", "))"]), 1),
], ids=["parens-58", "parens-limit", "or-800", "and-800", "xor-801", "plus-800", "lists-150",
        "calls-150", "maps-150"])
def test_deep_expressions_are_answered(expression: str, expected: object) -> None:
    limit = sys.getrecursionlimit()
    assert NetworkxStore().run(f"RETURN {expression} AS x").value() == [expected]
    assert sys.getrecursionlimit() == limit  # raised only while the engine works


def test_nesting_beyond_the_limit_is_a_clear_syntax_error() -> None:
    with pytest.raises(CypherError, match=f"more than {MAX_NESTING} levels deep") as caught:
        NetworkxStore().run("RETURN " + nested("[", "1", "]", MAX_NESTING + 5) + " AS x")
    assert caught.value.code == "NestingTooDeep"


def test_logical_chains_keep_their_precedence_and_three_valued_logic() -> None:
    row = NetworkxStore().run(
        "RETURN $a OR $b OR $c AND $d XOR $e AS mixed, false XOR true XOR null AS x, "
        "true AND null AND false AS a, false OR null OR false AS o, 10 - 2 * 3 - 1 AS arith, "
        "2 ^ 3 ^ 2 AS power, 7 % 3 * 2 AS mod",
        {"a": False, "b": None, "c": True, "d": True, "e": False}).data()[0]
    assert row == {"mixed": True, "x": None, "a": False, "o": None, "arith": 3, "power": 64.0, "mod": 2}


def test_a_value_nested_deeper_than_any_query_is_a_clear_error() -> None:
    with pytest.raises(QueryError, match="nested too deeply"):
        NetworkxStore().run("WITH reduce(acc = [], x IN range(1, 5000) | [acc]) AS deep "
                            "RETURN deep = deep AS same")


@pytest.fixture(scope="module", params=["networkx", "neo4j"])
def chain_store(request: pytest.FixtureRequest):
    """1,500 nodes in a chain, on each backend."""
    if request.param == "neo4j":
        from relgraph.graph.backends.neo4j.store import Neo4jStore
        store = Neo4jStore.connect(request.getfixturevalue("neo4j_settings"))
        store.clear()
        request.addfinalizer(store.close)
    else:
        store = NetworkxStore()
    store.run("UNWIND range(1, 1500) AS i CREATE (:Link {i: i})", write=True)
    store.run("MATCH (a:Link) WITH a ORDER BY a.i WITH collect(a) AS links "
              "UNWIND range(0, size(links) - 2) AS k WITH links[k] AS a, links[k + 1] AS b "
              "CREATE (a)-[:NEXT]->(b)", write=True)
    return store


@pytest.mark.parametrize("query", [
    "MATCH p = (a:Link {i: 1})-[*]->(b:Link {i: 1500}) RETURN length(p) AS n",
    "MATCH p = shortestPath((a:Link {i: 1})-[*]->(b:Link {i: 1500})) RETURN length(p) AS n",
    "MATCH p = allShortestPaths((a:Link {i: 1})-[*]-(b:Link {i: 1500})) RETURN length(p) AS n",
    "MATCH (a:Link {i: 1})-[*0..]->(b) RETURN count(b) - 1 AS n",
], ids=["var-length", "shortest", "all-shortest", "zero-or-more"])
def test_paths_as_long_as_the_graph_are_followed(chain_store, query: str) -> None:
    assert chain_store.run(query).value() == [1499]
