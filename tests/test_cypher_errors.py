"""Error behaviour of the embedded Cypher engine: what the user sees, and that nothing half-happens."""

from __future__ import annotations

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher import (
    CypherArithmeticError,
    CypherConstraintError,
    CypherParameterMissing,
    CypherSemanticError,
    CypherSyntaxError,
    CypherTypeError,
    CypherUnsupportedError,
    execute,
)
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import ReadOnlyError


def graph_with(query: str, params: dict | None = None) -> PropertyGraph:
    g = PropertyGraph()
    with g.transaction():
        execute(g, query, params or {}, write=True)
    return g


def state(g: PropertyGraph) -> tuple:
    """Everything observable about a graph, to prove that a failed query changed nothing."""
    nodes = sorted((n, tuple(g.labels(n)), tuple(sorted(g.node_properties(n).items()))) for n in g.node_ids())
    rels = sorted((r, g.rel_ends(r), g.rel_type(r), tuple(sorted(g.rel_properties(r).items())))
                  for r in g.rel_ids())
    return nodes, rels, g.g.graph["next_node_id"], g.g.graph["next_rel_id"]


# --- syntax errors ----------------------------------------------------------------------


def test_syntax_error_reports_line_column_and_caret() -> None:
    # as in Neo4j 5, LIMIT may name a column (AS LIMIT): the error is at the 3
    query = "MATCH (n:Person)\nRETURN n.name AS\nLIMIT 3"
    with pytest.raises(CypherSyntaxError) as info:
        execute(PropertyGraph(), query, {})
    err = info.value
    assert (err.line, err.column) == (3, 7)
    assert err.code == "UnexpectedSyntax"
    text = str(err)
    assert "line 3, column 7" in text
    # the offending line is quoted with a caret under the offending token
    assert text.splitlines()[-2:] == ["LIMIT 3", "      ^"]


def test_syntax_error_caret_points_into_the_middle_of_a_line() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        execute(PropertyGraph(), "RETURN 1 +* 2", {})
    assert info.value.column == 11
    assert str(info.value).splitlines()[-1] == " " * 10 + "^"


def test_unterminated_string_is_a_syntax_error() -> None:
    with pytest.raises(CypherSyntaxError, match="unterminated string"):
        execute(PropertyGraph(), "RETURN 'abc", {})


def test_integer_literal_out_of_range_is_rejected() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        execute(PropertyGraph(), "RETURN 9223372036854775808", {})
    assert info.value.code == "IntegerOverflow"
    assert execute(PropertyGraph(), "RETURN -9223372036854775808 AS n", {}).single()["n"] == -(2**63)


# --- semantic errors ------------------------------------------------------------------


def test_undefined_variable_is_named() -> None:
    with pytest.raises(CypherSemanticError, match="`m` is not defined") as info:
        execute(PropertyGraph(), "MATCH (n) RETURN m", {})
    assert info.value.code == "UndefinedVariable"


def test_aggregation_in_where_is_rejected() -> None:
    with pytest.raises(CypherSemanticError) as info:
        execute(PropertyGraph(), "MATCH (n) WHERE count(n) > 1 RETURN n", {})
    assert info.value.code == "InvalidAggregation"


def test_ambiguous_aggregation_is_rejected() -> None:
    with pytest.raises(CypherSemanticError) as info:
        execute(PropertyGraph(), "MATCH (a)-->(b) RETURN a.x + count(b)", {})
    assert info.value.code == "AmbiguousAggregationExpression"


def test_unknown_function_is_named() -> None:
    with pytest.raises(CypherSemanticError, match=r"frobnicate\(\)"):
        execute(PropertyGraph(), "RETURN frobnicate(1)", {})


def test_variable_type_conflict() -> None:
    with pytest.raises(CypherSemanticError) as info:
        execute(PropertyGraph(), "MATCH (a)-[r]->(b) MATCH (r) RETURN r", {})
    assert info.value.code == "VariableTypeConflict"


def test_unsupported_construct_is_named_not_guessed() -> None:
    with pytest.raises(CypherUnsupportedError, match="LOAD CSV"):
        execute(PropertyGraph(), "LOAD CSV FROM 'x.csv' AS line CREATE ()", {}, write=True)
    with pytest.raises(CypherUnsupportedError, match="IN TRANSACTIONS"):
        execute(PropertyGraph(), "UNWIND [1] AS i CALL (i) { CREATE () } IN TRANSACTIONS", {}, write=True)


def test_missing_parameter() -> None:
    with pytest.raises(CypherParameterMissing, match=r"\$name"):
        execute(PropertyGraph(), "MATCH (n {name: $name}) RETURN n", {})


# --- read-only refusal ------------------------------------------------------------------


@pytest.mark.parametrize("query, clause", [
    ("CREATE (n:X)", "CREATE"),
    ("MATCH (n) SET n.x = 1", "SET"),
    ("MATCH (n)\nDETACH DELETE n", "DETACH DELETE at line 2"),
    ("MERGE (n:X {k: 1}) RETURN n", "MERGE"),
    ("MATCH (n) REMOVE n:X", "REMOVE"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.x = x)", "FOREACH"),
    ("MATCH (n) WITH n RETURN n UNION MATCH (m) DELETE m RETURN m AS n", "DELETE"),
])
def test_read_only_refuses_writes_before_touching_anything(query: str, clause: str) -> None:
    g = graph_with("CREATE (:X {k: 1})-[:T]->(:Y)")
    before = state(g)
    with pytest.raises(ReadOnlyError, match="run it with --write") as info:
        execute(g, query, {}, write=False)
    assert clause in str(info.value)
    assert state(g) == before
    assert not g.in_transaction


def test_store_read_only_run_leaves_snapshot_untouched(tmp_path) -> None:
    path = tmp_path / "graph.snapshot"
    store = NetworkxStore(path)
    store.run("CREATE (:A {name: 'a'})", write=True)
    stamp = path.stat().st_mtime_ns
    with pytest.raises(ReadOnlyError):
        store.run("MATCH (a:A) SET a.name = 'b'")
    assert path.stat().st_mtime_ns == stamp
    assert NetworkxStore(path).run("MATCH (a:A) RETURN a.name AS n").value("n") == ["a"]


def test_store_saves_only_when_something_changed(tmp_path) -> None:
    path = tmp_path / "graph.snapshot"
    store = NetworkxStore(path)
    store.run("CREATE (:A)", write=True)
    stamp = path.stat().st_mtime_ns
    store.run("MATCH (a:B) SET a.x = 1", write=True)  # matches nothing: no change, no save
    assert path.stat().st_mtime_ns == stamp


# --- rollback -------------------------------------------------------------------------------


def test_runtime_error_mid_write_rolls_back_everything() -> None:
    g = graph_with("CREATE (:Keep {n: 1})")
    before = state(g)
    with pytest.raises(CypherArithmeticError), g.transaction():
        # creates the node for x = 1, then fails on x = 0
        execute(g, "UNWIND [1, 0] AS x CREATE (:N {v: 10 / x}) WITH x MATCH (k:Keep) SET k.n = x",
                {}, write=True)
    assert state(g) == before


def test_type_error_in_set_rolls_back() -> None:
    g = graph_with("CREATE (:A {n: 1}), (:A {n: 2})")
    before = state(g)
    with pytest.raises(CypherTypeError), g.transaction():
        execute(g, "MATCH (a:A) SET a.m = a.n SET a.bad = {nested: 'map'}", {}, write=True)
    assert state(g) == before


def test_deleting_a_connected_node_fails_and_rolls_back() -> None:
    g = graph_with("CREATE (:A)-[:T]->(:B)")
    before = state(g)
    with pytest.raises(CypherConstraintError, match="DETACH DELETE") as info, g.transaction():
        execute(g, "MATCH (a:A) DELETE a", {}, write=True)
    assert info.value.code == "DeleteConnectedNode"
    assert state(g) == before
    # deleting the relationship later in the same query makes it legal, and the
    # node counts as gone for the clauses in between
    with g.transaction():
        r = execute(g, "MATCH (a:A)-[r]->() DELETE a WITH r DELETE r WITH 1 AS one "
                       "MATCH (x) RETURN count(x) AS n", {}, write=True)
    assert r.value("n") == [1]
    assert g.node_count() == 1 and g.rel_count() == 0


def test_store_run_write_error_leaves_snapshot_as_it_was(tmp_path) -> None:
    path = tmp_path / "graph.snapshot"
    store = NetworkxStore(path)
    store.run("CREATE (:A {n: 1})", write=True)
    with pytest.raises(CypherArithmeticError):
        store.run("MATCH (a:A) CREATE (:B) SET a.n = 1 / 0", write=True)
    fresh = NetworkxStore(path)
    assert fresh.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 1


# --- parameters are values, never text -----------------------------------------------------------


def test_parameters_are_values_not_text() -> None:
    g = graph_with("CREATE (:User {name: 'alice'})")
    hostile = "alice'}) DETACH DELETE n //"
    r = execute(g, "MATCH (n:User {name: $name}) RETURN n", {"name": hostile})
    assert len(r) == 0
    assert execute(g, "RETURN $x AS x", {"x": hostile}).single()["x"] == hostile
    assert g.node_count() == 1


def test_parameter_lists_and_maps() -> None:
    r = execute(PropertyGraph(), "UNWIND $xs AS x RETURN x + $m.k AS y", {"xs": (1, 2), "m": {"k": 10}})
    assert r.value("y") == [11, 12]
