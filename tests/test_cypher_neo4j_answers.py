"""Where the TCK is silent, Neo4j 5.26 is the reference: its answers, asserted on both backends.

Each case is run on the embedded engine *and* on the real test server with the same
expectation, so an expectation here is Neo4j's answer, proven, not guessed. Values are
compared with their types (Python says ``1 == 1.0 == True``; Cypher does not). An error
is expected as Neo4j's class (SyntaxError, TypeError, ArithmeticError...) and a fragment
of the message both backends share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import QueryError

#: a -> b, and c alone
SMALL = "CREATE (:P {name: 'a'})-[:R]->(:P {name: 'b'}), (:P {name: 'c'})"


@dataclass(frozen=True)
class Case:
    query: str
    rows: list[list[Any]] | None = None  # the rows, in order
    error: tuple[str, str] | None = None  # Neo4j's error class and a message fragment
    setup: str | None = SMALL
    columns: list[str] | None = None  # checked when given


def typed(value: Any) -> Any:
    """A value with its type made part of it, so that 1, 1.0 and True differ."""
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, float):  # by its text, so that -0.0 and 0.0 differ and NaN = NaN
        return ("float", repr(value))
    if isinstance(value, (bool, int, str)) or value is None:
        return (type(value).__name__, value)
    return (type(value).__name__, str(value))


def error_class(store: GraphStore, exc: QueryError) -> str:
    """Neo4j's class of an error: the server names it in ``code``; the engine in ``tck_type``
    (or, for a procedure's failure, in ``code`` too)."""
    if store.backend == "neo4j" or exc.tck_type == "ProcedureError":
        return str(exc.code)
    return exc.tck_type


CASES: dict[str, Case] = {
    # --- subqueries that begin with WITH: the outer variables stay in scope ---------------
    "exists-with-keeps-outer": Case(
        "MATCH (p) WHERE EXISTS { WITH 1 AS one MATCH (p)-->() } RETURN p.name", [["a"]]),
    "count-with-keeps-outer": Case(
        "MATCH (p) RETURN p.name, COUNT { WITH 1 AS one MATCH (p)-->() } AS c ORDER BY p.name",
        [["a", 1], ["b", 0], ["c", 0]]),
    "collect-with-keeps-outer": Case(
        "MATCH (p) RETURN p.name, COLLECT { WITH 1 AS one RETURN p.name } AS c ORDER BY p.name",
        [["a", ["a"]], ["b", ["b"]], ["c", ["c"]]]),
    "collect-distinct-where-outer": Case(
        "MATCH (p) RETURN p.name, COUNT { UNWIND [1, 2] AS x WITH DISTINCT x WHERE p.name = 'a' "
        "RETURN x } AS c ORDER BY p.name", [["a", 2], ["b", 0], ["c", 0]]),
    "call-scoped-with-keeps-import": Case(
        "MATCH (p) CALL (p) { WITH 1 AS y MATCH (p)-->(q) RETURN count(q) AS n } "
        "RETURN p.name, n ORDER BY p.name", [["a", 1], ["b", 0], ["c", 0]]),
    "call-scoped-aggregate-keeps-import": Case(
        "MATCH (p) CALL (p) { WITH count(*) AS y MATCH (p)-->(q) RETURN count(q) AS n } "
        "RETURN p.name, n ORDER BY p.name", [["a", 1], ["b", 0], ["c", 0]]),
    "call-star-with-keeps-import": Case(
        "MATCH (p) CALL (*) { UNWIND [1, 2] AS y WITH y MATCH (p)-->(q) RETURN y, q.name AS n } "
        "RETURN p.name, y, n ORDER BY p.name, y", [["a", 1, "b"], ["a", 2, "b"]]),
    "call-importing-with-does-not-keep": Case(
        "MATCH (p) CALL { WITH p WITH 1 AS y MATCH (p)-->(q) RETURN count(q) AS n } "
        "RETURN p.name, n ORDER BY p.name", [["a", 1], ["b", 1], ["c", 1]]),
    "call-scoped-return-outer": Case(
        "WITH 1 AS x CALL (x) { WITH 2 AS y RETURN x + y AS z } RETURN z", [[3]], setup=None),
    # ...and cannot be redeclared
    "exists-shadowing": Case(
        "MATCH (p) WHERE EXISTS { WITH 1 AS p RETURN p } RETURN p.name",
        error=("SyntaxError", "is shadowing a variable with the same name from the outer scope")),
    "collect-return-shadowing": Case(
        "MATCH (p) RETURN COLLECT { MATCH (p)-->(q) RETURN q AS p } AS c",
        error=("SyntaxError", "is shadowing a variable with the same name from the outer scope")),
    "count-unwind-shadowing": Case(
        "MATCH (p) RETURN COUNT { UNWIND [1] AS p RETURN p } AS c",
        error=("SyntaxError", "is shadowing a variable with the same name from the outer scope")),
    "call-scoped-shadowing": Case(
        "MATCH (p) CALL (p) { WITH 1 AS p RETURN p AS n } RETURN n",
        error=("SyntaxError", "is shadowing an imported variable with the same name")),
    # --- CALL { } that writes runs for every row before the next clause -------------------
    "call-create-then-match": Case(
        "UNWIND [1, 2, 3] AS i CALL () { CREATE (:X) } MATCH (x:X) RETURN i, count(x) AS c "
        "ORDER BY i", [[1, 3], [2, 3], [3, 3]], setup=None),
    "call-create-returning-then-match": Case(
        "UNWIND [1, 2, 3] AS i CALL (i) { CREATE (:X {i: i}) RETURN 1 AS one } MATCH (x:X) "
        "RETURN i, count(x) AS c ORDER BY i", [[1, 3], [2, 3], [3, 3]], setup=None),
    "call-create-then-count": Case(
        "UNWIND [1, 2, 3] AS i CALL () { CREATE (:X) } RETURN i, COUNT { MATCH (:X) } AS c",
        [[1, 3], [2, 3], [3, 3]], setup=None),
    # --- SET: adjacent properties of one variable are read before any is written --------
    "set-adjacent-reads-old": Case(
        "MATCH (n {name: 'a'}) SET n.a = 1, n.b = n.a + 1 RETURN n.a, n.b", [[1, None]]),
    "set-adjacent-increments-once": Case(
        "MATCH (n {name: 'a'}) SET n.x = 1 SET n.x = n.x + 1, n.x = n.x + 1 RETURN n.x", [[2]]),
    "set-adjacent-null-then-read": Case(
        "MATCH (n {name: 'a'}) SET n.name = null, n.was = n.name RETURN n.name, n.was",
        [[None, "a"]]),
    "set-adjacent-keys": Case(
        "MATCH (n {name: 'a'}) SET n.a = 1, n.k = keys(n) RETURN n.k", [[["name"]]]),
    "set-adjacent-dynamic-key": Case(
        "MATCH (n {name: 'a'}) SET n['a'] = 1, n.b = n.a RETURN n.a, n.b", [[1, None]]),
    "set-adjacent-relationship": Case(
        "MATCH ()-[r]->() SET r.a = 1, r.b = r.a RETURN r.a, r.b", [[1, None]]),
    "merge-on-create-adjacent": Case(
        "MERGE (m:Q) ON CREATE SET m.a = 1, m.b = m.a + 1 RETURN m.a, m.b", [[1, None]]),
    # ...while items on other variables, or of other kinds, run in order
    "set-other-variable-between": Case(
        "MATCH (n {name: 'a'}), (m {name: 'b'}) SET n.a = 1, m.x = 3, n.b = n.a RETURN n.b",
        [[1]]),
    "set-swap-two-nodes": Case(
        "MATCH (a {name: 'a'}), (b {name: 'b'}) SET a.x = 1, b.x = 2 "
        "SET a.x = b.x, b.x = a.x RETURN a.x, b.x", [[2, 2]]),
    "set-map-then-property": Case(
        "MATCH (n {name: 'a'}) SET n += {y: 5}, n.z = n.y RETURN n.y, n.z", [[5, 5]]),
    # --- lists mixing integers and floats are stored as floats ---------------------------
    "set-mixed-number-list": Case(
        "MATCH (n {name: 'a'}) SET n.a = [1, 2.5], n.b = [1.5, 2] RETURN n.a, n.b",
        [[[1.0, 2.5], [1.5, 2.0]]]),
    "create-mixed-number-list": Case(
        "CREATE (n:T {a: [1, 2.5]}) RETURN n.a", [[[1.0, 2.5]]], setup=None),
    "set-mixed-list-refused": Case(
        "MATCH (n {name: 'a'}) SET n.a = [true, 1]", error=("TypeError", "")),
    # --- temporal: the same instant in another offset or zone is another value ----------
    "datetime-offsets-not-equal": Case(
        "WITH datetime('2020-01-01T12:00+01:00') AS a, datetime('2020-01-01T11:00Z') AS b "
        "RETURN a = b, a <> b, a < b, a > b, a <= b, [a] = [b], a IN [b]",
        [[False, True, False, True, False, False, False]], setup=None),
    "datetime-zone-and-offset-not-equal": Case(
        "WITH datetime('2020-01-01T12:00+01:00') AS a, datetime('2020-01-01T12:00[Europe/Paris]') "
        "AS b RETURN a = b, a < b", [[False, True]], setup=None),
    "datetime-order-same-instant": Case(
        "UNWIND [datetime('2020-01-01T12:00[Europe/Paris]'), datetime('2020-01-01T12:00+01:00'), "
        "datetime('2020-01-01T11:00Z'), datetime('2020-01-01T06:00-05:00'), "
        "datetime('2020-01-01T10:59Z')] AS d RETURN toString(d) ORDER BY d",
        [["2020-01-01T10:59:00Z"], ["2020-01-01T06:00:00-05:00"], ["2020-01-01T11:00:00Z"],
         ["2020-01-01T12:00:00+01:00"], ["2020-01-01T12:00:00+01:00[Europe/Paris]"]], setup=None),
    "datetime-max-min-same-instant": Case(
        "UNWIND [datetime('2020-01-01T11:00Z'), datetime('2020-01-01T12:00+01:00')] AS x "
        "RETURN toString(max(x)), toString(min(x))",
        [["2020-01-01T12:00:00+01:00", "2020-01-01T11:00:00Z"]], setup=None),
    "time-offsets-order": Case(
        "WITH time('12:00+01:00') AS a, time('11:00Z') AS b RETURN a = b, a < b, a > b, a >= b",
        [[False, False, True, True]], setup=None),
    # --- toString prints seconds always and the fraction without trailing zeros ----------
    "tostring-times": Case(
        "RETURN toString(time('12:00')), toString(time('12:00:01.5')), "
        "toString(localtime('12:00:00.120')), toString(localtime('12:00:00.1234567')), "
        "toString(localdatetime('2020-01-01T12:00')), "
        "toString(datetime('2020-01-01T12:00:01.5[Europe/Paris]'))",
        [["12:00:00Z", "12:00:01.5Z", "12:00:00.12", "12:00:00.1234567", "2020-01-01T12:00:00",
          "2020-01-01T12:00:01.5+01:00[Europe/Paris]"]], setup=None),
    # --- truncate: no value is the current instant; a null value is refused --------------
    "truncate-without-value": Case(
        "RETURN date.truncate('month') = date.truncate('month', date()), "
        "datetime.truncate('day') = datetime.truncate('day', datetime()), "
        "localtime.truncate('hour') IS NULL", [[True, True, False]], setup=None),
    "truncate-null-value": Case(
        "WITH null AS x RETURN datetime.truncate('month', x)",
        error=("ProcedureCallFailed", "truncate"), setup=None),
    "truncate-date-to-hour": Case(
        "RETURN date.truncate('hour', date('2020-05-05'))",
        error=("TypeError", "unit too small for truncation"), setup=None),
    "truncate-time-to-month": Case(
        "RETURN time.truncate('month', time('12:00Z'))",
        error=("TypeError", "unit is too large to be used for truncation"), setup=None),
    # --- round as Neo4j: Math.round without a mode, BigDecimal HALF_UP with one ----------
    "round-halves": Case(
        "RETURN round(2.5), round(-2.5), round(-0.5), round(-2.5, 0), round(-2.345, 2), "
        "round(-2.5, 0, 'HALF_UP'), round(1e300), round(1e300, 2), round(2.5, 2.7)",
        [[3.0, -2.0, 0.0, -2.0, -2.35, -3.0, 9.223372036854776e18, 1e300, 2.5]], setup=None),
    "round-null-mode": Case("RETURN round(2.5, 0, null)", [[None]], setup=None),
    "round-unnecessary": Case("RETURN round(2.0, 0, 'UNNECESSARY')", [[2.0]], setup=None),
    "round-negative-precision": Case(
        "RETURN round(1234.5, -2)", error=("ArgumentError", "cannot be negative"), setup=None),
    "round-mode-case": Case(
        "RETURN round(2.5, 0, 'half_up')", error=("ArgumentError", "rounding mode"), setup=None),
    "power-of-zero-negative": Case(
        "RETURN 0 ^ -1, -0.0 ^ -1, -0.0 ^ -2", [[float("inf"), float("-inf"), float("inf")]],
        setup=None),
    "ceil-floor-negative-zero": Case(
        "RETURN ceil(-0.5), floor(-0.0)", [[-0.0, -0.0]], setup=None),
    # --- aggregates over no values; percentileCont keeps an integer it lands on ----------
    "stdev-no-values": Case(
        "UNWIND [null] AS x RETURN stDev(x), stDevP(x)", [[None, None]], setup=None),
    "avg-running-mean": Case(
        "UNWIND [0.1, 0.2, 0.3] AS x WITH avg(x) AS a UNWIND [1e308, 1e308] AS y "
        "RETURN a, avg(y)", [[0.2, 1e308]], setup=None),
    "stdev-welford": Case(
        "UNWIND [0.1, 0.2, 0.3] AS x WITH stDev(x) AS s, stDevP(x) AS p "
        "UNWIND [1e308, -1e308] AS y RETURN s, p, stDev(y)",
        [[0.09999999999999998, 0.08164965809277258, float("nan")]], setup=None),
    "percentile-cont-exact": Case(
        "UNWIND [1, 2, 3] AS x RETURN percentileCont(x, 0.5), percentileCont(x, 0.25), "
        "percentileCont(x, 0)", [[2, 1.5, 1]], setup=None),
    # --- toInteger/toFloat parse text as Java does -------------------------------------
    "tointeger-text": Case(
        "RETURN toInteger(' 1'), toInteger('0x1F'), toInteger('1_000'), toInteger('Infinity'), "
        "toInteger('1e3'), toInteger('1.9'), toInteger('.5'), toInteger('١')",
        [[None, None, None, None, 1000, 1, 0, 1]], setup=None),
    "tofloat-text": Case(
        "RETURN toFloat(' 1 '), toFloat('0x1F'), toFloat('1_000'), toFloat('Infinity'), "
        "toFloat('-Infinity'), toFloat('1e3'), toFloat('1d'), toFloat('0x1p3'), toFloat('inf')",
        [[1.0, None, None, float("inf"), float("-inf"), 1000.0, 1.0, 8.0, None]], setup=None),
    "tointeger-text-too-large": Case(
        "RETURN toInteger('9223372036854775808')", error=("TypeError", "is too large"),
        setup=None),
    "tointeger-float-clamps": Case(
        "RETURN toInteger(9.3e18), toInteger(-9.3e18), toInteger(0.0 / 0.0), "
        "toIntegerOrNull(1e30)",
        [[2**63 - 1, -(2**63), 0, 2**63 - 1]], setup=None),
    # --- 64-bit integers: overflow fails as Neo4j's does, or wraps where Java wraps ------
    "overflow-add": Case(
        "WITH 9223372036854775807 AS x RETURN x + 1", error=("ArithmeticError", "long overflow"),
        setup=None),
    "overflow-negate": Case(
        "UNWIND [-9223372036854775808] AS x RETURN -x", error=("ArithmeticError", "long overflow"),
        setup=None),
    "overflow-java-wraps": Case(
        "WITH -9223372036854775808 AS x RETURN abs(x), x / -1, x % -1",
        [[-(2**63), -(2**63), 0]], setup=None),
    "sum-past-longs-is-float": Case(
        "UNWIND [9223372036854775807, 1, -1] AS x RETURN sum(x)", [[9.223372036854776e18]],
        setup=None),
    # --- text + temporal is refused, before running ------------------------------------
    "string-plus-date": Case(
        "WITH date('2020-01-01') AS d RETURN 'x' + d", error=("SyntaxError", "type mismatch"),
        setup=None),
    "null-minus-string": Case(
        "WITH 's' AS a RETURN a - null", error=("SyntaxError", "type mismatch"), setup=None),
    "null-times-date": Case(
        "WITH date('2020-01-01') AS a RETURN null * a", error=("SyntaxError", "type mismatch"),
        setup=None),
    "null-divided-by-duration": Case(
        "WITH duration('P1D') AS a RETURN null / a", error=("SyntaxError", "type mismatch"),
        setup=None),
    "null-minus-date-is-null": Case(
        "WITH date('2020-01-01') AS a, duration('P1D') AS d RETURN a - null, d * null, null - d",
        [[None, None, None]], setup=None),
    "regex-non-string": Case(
        "WITH 's' AS a RETURN a =~ 1", error=("SyntaxError", "type mismatch"), setup=None),
    "regex-non-string-pattern-property": Case(
        "CREATE (n {s: 's', i: 1}) RETURN n.s =~ n.i", error=("TypeError", ""), setup=None),
    "negate-duration": Case(
        "CREATE (n {d: duration('P1D')}) RETURN -n.d", error=("TypeError", ""), setup=None),
    # --- maps, nodes, relationships and paths compare with <, as Neo4j 5 does -------------
    "compare-maps": Case(
        "WITH {a: 1} AS a, {a: 2} AS b, {b: 1} AS c, {a: 1, c: 1} AS d "
        "RETURN a < b, a <= a, a > b, a < d, c < d, c < a, {a: 'x'} < a, {a: null} < a",
        [[True, True, False, True, True, False, None, None]], setup=None),
    "compare-entities": Case(
        "MATCH p = (n)-[r]->() WITH n, r, p, n AS m, r AS s, p AS q "
        "RETURN n < m, n <= m, r < s, r <= s, p < q, p <= q, n < r",
        [[False, True, False, True, False, True, None]]),
    # ...but a value whose type shows only when running is concatenated, as toString prints it
    "string-plus-time-property": Case(
        "CREATE (n {t: time('12:00Z'), d: duration('P1D')}) RETURN 'x' + n.t, n.d + 'x'",
        [["x12:00:00Z", "P1Dx"]], setup=None),
    # --- WITH DISTINCT/aggregating ... WHERE may hold a pattern on projected variables --
    "with-distinct-where-pattern": Case(
        "MATCH (p) WITH DISTINCT p WHERE (p)-->() RETURN p.name", [["a"]]),
    "with-aggregate-where-pattern": Case(
        "MATCH (p) WITH p, count(*) AS c WHERE (p)-->() RETURN p.name", [["a"]]),
    # --- keywords are names: variables, labels, keys ---------------------------------
    "keywords-as-variables": Case(
        "WITH 1 AS order, 2 AS by, 3 AS limit, 4 AS end, 5 AS contains, 6 AS union, "
        "7 AS where, 8 AS is, 9 AS as, 10 AS desc "
        "RETURN order + by + limit + end + contains + union + where + is + as + desc AS sum",
        [[55]], setup=None),
    "keywords-not-case-distinct": Case(
        "WITH 1 AS not, 2 AS case, 3 AS distinct RETURN not, case, distinct",
        [[1, 2, 3]], setup=None, columns=["not", "case", "distinct"]),
    "keywords-in-comprehension": Case(
        "WITH [1, 2] AS l RETURN [where IN l WHERE where > 1 | where * 2]", [[[4]]], setup=None),
    "keywords-in-patterns": Case(
        "CREATE (order:order {asc: 1})-[skip:skip]->(end) "
        "RETURN order.asc, type(skip), {limit: 2}.limit", [[1, "skip", 2]], setup=None),
    # --- column names: a map projection is named by its variable, `a b` by a b -------
    "column-map-projection": Case(
        "MATCH (n {name: 'a'}) RETURN n {.name}, n.name", [[{"name": "a"}, "a"]],
        columns=["n", "n.name"]),
    "with-map-projection-unaliased": Case(
        "MATCH (n {name: 'a'}) WITH n {.name} RETURN n", [[{"name": "a"}]]),
    "column-quoted-variable": Case(
        "WITH 1 AS `a b` RETURN `a b`, `a b` + 1", [[1, 2]], setup=None,
        columns=["a b", "`a b` + 1"]),
    # --- CALL { WITH ... }: the importing WITH takes plain references, or * -----------
    "call-importing-with-alias": Case(
        "MATCH (x) CALL { WITH x AS y MATCH (y)-->(z) RETURN z } RETURN count(*)",
        error=("SyntaxError", "importing WITH should consist only of simple references")),
    "call-importing-with-where": Case(
        "UNWIND [1, 2] AS x CALL { WITH x WHERE x > 1 RETURN x AS y } RETURN y",
        error=("SyntaxError", "WHERE is not allowed"), setup=None),
    "call-importing-with-star": Case(
        "WITH 1 AS x CALL { WITH * RETURN x AS z } RETURN z", [[1]], setup=None),
    # --- an aggregating WITH in a body that reads outer variables groups by them --------
    "count-aggregating-with-groups-by-outer": Case(
        "MATCH (p) RETURN p.name, COUNT { MATCH (p)-->(q) WITH count(q) AS n RETURN n } AS c, "
        "COLLECT { UNWIND [] AS x WITH count(x) AS n RETURN n } AS d ORDER BY p.name",
        [["a", 1, [0]], ["b", 0, [0]], ["c", 0, [0]]]),
    "collect-aggregating-with-read-after": Case(
        "MATCH (p) RETURN p.name, COLLECT { UNWIND [] AS x WITH count(x) AS n "
        "RETURN n + size(p.name) } AS c ORDER BY p.name", [["a", []], ["b", []], ["c", []]]),
}


def run_case(store: GraphStore, case: Case) -> Any:
    if case.setup:
        store.run(case.setup, write=True)
    return store.run(case.query, write=True)


@pytest.mark.parametrize("name", list(CASES))
def test_neo4j_answer(empty_store: GraphStore, name: str) -> None:
    case = CASES[name]
    if case.error is not None:
        kind, fragment = case.error
        with pytest.raises(QueryError) as caught:
            run_case(empty_store, case)
        assert error_class(empty_store, caught.value) == kind
        assert fragment.lower() in str(caught.value).lower()
        return
    result = run_case(empty_store, case)
    assert typed(result.values()) == typed(case.rows)
    if case.columns is not None:
        assert result.keys() == case.columns
