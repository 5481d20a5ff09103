"""Neo4j 5 syntax on the embedded engine, each answer Neo4j 5.26's: type predicates (``IS ::``),
``||``, ``FINISH``, ``OPTIONAL CALL``, ``f(ALL x)``, ``trim(... FROM s)`` and the 5.x string
functions, ``valueType()``, integer literals with underscores.

Every case runs on both backends (the embedded store and the real test server), so the
expected rows are Neo4j's, proven, not guessed. Values are compared with their types:
Python says ``1 == 1.0 == True``, Cypher does not.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher.errors import CypherSemanticError, CypherSyntaxError, CypherUnsupportedError
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import CypherArgumentError, CypherError, QueryError


@pytest.fixture(scope="module", params=["networkx", "neo4j"])
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind; the cases that write clean up after themselves."""
    if request.param == "neo4j":
        settings: Neo4jSettings = request.getfixturevalue("neo4j_settings")
        with Neo4jStore.connect(settings) as neo:
            neo.clear()
            yield neo
    else:
        yield NetworkxStore(None)


def typed(value: Any) -> Any:
    """A value with the type of every part spelled out, for comparison across backends."""
    if isinstance(value, list):
        return ["list", [typed(v) for v in value]]
    if isinstance(value, dict):
        return ["map", {k: typed(v) for k, v in value.items()}]
    return [type(value).__name__, value]


def rows(store: GraphStore, query: str, write: bool = False) -> tuple[list[str], list[Any]]:
    result = store.run(query, write=write)
    return list(result.keys()), [typed(record.values()) for record in result]


CASES: list[tuple[str, list[str], list[list[Any]]]] = [
    # type predicates: null is of every nullable type
    ("RETURN 1 IS :: INTEGER AS a, null IS :: INTEGER AS b, null IS :: INTEGER NOT NULL AS c, "
     "1.0 IS :: INTEGER | FLOAT AS d", ["a", "b", "c", "d"], [[True, True, False, True]]),
    ("RETURN [1,2] IS :: LIST<INTEGER> AS a, [1,null] IS :: LIST<INTEGER> AS b, "
     "[1,null] IS :: LIST<INTEGER NOT NULL> AS c, [] IS :: LIST<NOTHING> AS d",
     ["a", "b", "c", "d"], [[True, True, False, True]]),
    ("RETURN 1 IS NOT :: STRING AS a, null IS NOT :: STRING AS b, null IS :: NULL AS c, 1 IS :: NULL AS d, "
     "null IS :: NOTHING AS e, 1 IS :: ANY AS f, null IS :: ANY NOT NULL AS g",
     list("abcdefg"), [[True, False, True, False, False, True, False]]),
    ("RETURN 1 :: INTEGER AS a, 1 IS TYPED INTEGER AS b, 1 IS NOT TYPED STRING AS c",
     ["a", "b", "c"], [[True, True, True]]),
    ("RETURN true IS :: BOOL AS a, 1 IS :: INT AS b, 1 IS :: SIGNED INTEGER AS c, 1.0 IS :: FLOAT AS d, "
     "'a' IS :: STRING AS e, 'a' IS :: VARCHAR AS f", list("abcdef"), [[True] * 6]),
    ("RETURN date() IS :: DATE AS a, localtime() IS :: LOCAL TIME AS b, time() IS :: ZONED TIME AS c, "
     "localdatetime() IS :: LOCAL DATETIME AS d, datetime() IS :: ZONED DATETIME AS e, "
     "duration('P1D') IS :: DURATION AS f", list("abcdef"), [[True] * 6]),
    ("RETURN time() IS :: TIME WITH TIME ZONE AS a, localtime() IS :: TIME WITHOUT TIME ZONE AS b, "
     "datetime() IS :: TIMESTAMP WITH TIME ZONE AS c, localdatetime() IS :: TIMESTAMP WITHOUT TIMEZONE AS d, "
     "date() IS :: ZONED DATETIME AS e", list("abcde"), [[True, True, True, True, False]]),
    ("RETURN {a:1} IS :: MAP AS a, [1, 'a'] IS :: LIST<INTEGER | STRING> AS b, "
     "[1, 'a'] IS :: LIST<INTEGER> | LIST<STRING> AS c, [[1]] IS :: LIST<LIST<INTEGER>> AS d, "
     "[1] IS :: LIST<ANY> AS e, [1] IS :: ARRAY<INT> AS f", list("abcdef"),
     [[True, True, False, True, True, True]]),
    ("RETURN [null] IS :: LIST<NOTHING> AS a, [null] IS :: LIST<NULL> AS b, null IS :: LIST<INTEGER> AS c, "
     "1 IS :: LIST<INTEGER> NOT NULL AS d, [1] IS :: LIST<INTEGER NOT NULL> NOT NULL AS e",
     list("abcde"), [[False, True, True, False, True]]),
    ("RETURN 1 IS :: ANY<INTEGER | FLOAT> AS a, 1 IS :: ANY VALUE AS b, 1 IS :: PROPERTY VALUE AS c, "
     "[1] IS :: PROPERTY VALUE AS d, {a:1} IS :: PROPERTY VALUE AS e, [1, 'a'] IS :: PROPERTY VALUE AS f, "
     "[null] IS :: PROPERTY VALUE AS g, [1, 2.0] IS :: PROPERTY VALUE AS h",
     list("abcdefgh"), [[True, True, True, True, False, False, False, True]]),
    ("RETURN [null] IS :: LIST<ANY NOT NULL> AS a, [[null]] IS :: LIST<LIST<ANY VALUE NOT NULL>> AS b, "
     "[null] IS :: LIST<PROPERTY VALUE NOT NULL> AS c, [null] IS :: LIST<ANY<INTEGER NOT NULL>> AS d, "
     "null IS :: ANY NOT NULL AS e", list("abcde"), [[True, True, False, False, False]]),
    ("RETURN 1 IS :: NULL | INTEGER AS a, 1 IS :: INTEGER = true AS b, NOT 1 IS :: INTEGER AS c, "
     "null IS :: NOTHING NOT NULL AS d", list("abcd"), [[True, True, False, False]]),
    # || concatenates strings and lists, at the precedence of +
    ("RETURN 'a' || 'b' AS a, [1] || [2, 3] AS b, null || 'a' AS c, [1] || null AS d, "
     "'x' || 'y' + 'z' AS e, 'a' || 'b' = 'ab' AS f", list("abcdef"),
     [["ab", [1, 2, 3], None, None, "xyz", True]]),
    # FINISH and OPTIONAL CALL
    ("UNWIND [1, 2] AS x WITH x FINISH", [], []),
    ("UNWIND [1, 2] AS x OPTIONAL CALL (x) { UNWIND range(1, x) AS z WITH z WHERE z > 1 RETURN z } "
     "RETURN x, z", ["x", "z"], [[1, None], [2, 2]]),
    ("UNWIND [1, 2] AS x OPTIONAL CALL { WITH x MATCH (n:Nowhere) RETURN n } RETURN x, n",
     ["x", "n"], [[1, None], [2, None]]),
    ("OPTIONAL CALL db.labels() YIELD label WHERE label = 'Nowhere' RETURN label", ["label"], [[None]]),
    # ALL as the explicit quantifier of aggregates (and of any function)
    ("UNWIND [1, 1, null] AS x RETURN count(ALL x) AS a, sum(ALL x) AS b, avg(ALL x) AS c, "
     "collect(ALL x) AS d, toUpper(ALL 'a') AS e", list("abcde"), [[2, 2, 1.0, [1, 1], "A"]]),
    # strings
    ("RETURN trim(BOTH 'x' FROM 'xxaxx') AS a, trim(LEADING 'x' FROM 'xxaxx') AS b, "
     "trim(TRAILING FROM '  a  ') AS c, trim(BOTH null FROM 'a') AS d, trim(FROM ' a ') AS e, "
     "trim('x' FROM 'xax') AS f", list("abcdef"), [["a", "axx", "  a", None, "a", "a"]]),
    ("RETURN btrim('xyaxy', 'xy') AS a, btrim(null) AS b, btrim('a', null) AS c, ltrim('  a') AS d, "
     "ltrim('xxa', 'x') AS e, btrim('a', '') AS f, btrim('  xx  ') AS g", list("abcdefg"),
     [["a", None, None, "a", "a", "a", "xx"]]),
    # Neo4j 5.26 never trims a string's first character from the end when characters are given
    ("RETURN rtrim('aaa', 'a') AS a, rtrim('abab', 'ab') AS b, btrim('aaa', 'a') AS c, "
     "trim(TRAILING 'a' FROM 'aaa') AS d, rtrim('   ') AS e, rtrim('abcab', 'ab') AS f",
     list("abcdef"), [["a", "a", "", "a", "", "abc"]]),
    # white space as Java sees it: not the no-break spaces, not U+0085
    ("RETURN size(trim('\\u00a0a')) AS a, size(trim('\\u2007a')) AS b, size(trim('\\u0085a')) AS c, "
     "size(trim('\\u001ca')) AS d, size(trim('\\u200ba')) AS e, size(trim('\\u3000a')) AS f, "
     "size(ltrim('\\u2003a')) AS g", list("abcdefg"), [[2, 2, 2, 1, 2, 1, 1]]),
    ("RETURN nullIf(1, 1) AS a, nullIf(1, 2) AS b, nullIf(null, 1) AS c, nullIf(1, null) AS d, "
     "nullIf(1, 1.0) AS e, nullIf([1], [1]) AS f", list("abcdef"), [[None, 1, None, 1, None, None]]),
    ("RETURN normalize('\\u0041\\u030A') = '\\u00C5' AS a, normalize('\\u00C5', "
     "NFD) = '\\u0041\\u030A' AS b, "
     "normalize('\\uFB01', NFKC) AS c, normalize(null) AS d, '\\u00C5' IS NORMALIZED AS e, "
     "'\\u0041\\u030A' IS NOT NFC NORMALIZED AS f, '\\uFB01' IS NFKD NORMALIZED AS g, "
     "null IS NORMALIZED AS h, "
     "1 IS NORMALIZED AS i", list("abcdefghi"), [[True, True, "fi", None, True, True, False, None, None]]),
    ("RETURN file() AS a, linenumber() AS b", ["a", "b"], [[None, None]]),
    # valueType(): Neo4j's names, union members in its order
    ("RETURN valueType(1) AS a, valueType(null) AS b, valueType([1, 'a']) AS c, valueType([1, null]) AS d, "
     "valueType({a:1}) AS e, valueType(1.0) AS f, valueType([]) AS g",
     list("abcdefg"), [["INTEGER NOT NULL", "NULL", "LIST<STRING NOT NULL | INTEGER NOT NULL> NOT NULL",
                        "LIST<INTEGER> NOT NULL", "MAP NOT NULL", "FLOAT NOT NULL",
                        "LIST<NOTHING> NOT NULL"]]),
    ("RETURN valueType(date('2020-01-01')) AS a, valueType(time('12:00Z')) AS b, "
     "valueType(localtime('12:00')) AS c, valueType(datetime('2020-01-01T00:00Z')) AS d, "
     "valueType(localdatetime('2020-01-01T00:00')) AS e, valueType(duration('P1D')) AS f",
     list("abcdef"), [["DATE NOT NULL", "ZONED TIME NOT NULL", "LOCAL TIME NOT NULL",
                       "ZONED DATETIME NOT NULL",
                       "LOCAL DATETIME NOT NULL", "DURATION NOT NULL"]]),
    ("RETURN valueType([[1],[2.0]]) AS a, valueType([null]) AS b, valueType([[]]) AS c, "
     "valueType([[1], null]) AS d, valueType([[1.0], ['a'], [[1]], [true]]) AS e",
     list("abcde"), [["LIST<LIST<INTEGER NOT NULL> NOT NULL | LIST<FLOAT NOT NULL> NOT NULL> NOT NULL",
                      "LIST<NULL> NOT NULL", "LIST<LIST<NOTHING> NOT NULL> NOT NULL",
                      "LIST<LIST<INTEGER NOT NULL>> NOT NULL",
                      "LIST<LIST<BOOLEAN NOT NULL> NOT NULL | LIST<STRING NOT NULL> NOT NULL | "
                      "LIST<FLOAT NOT NULL> NOT NULL | "
                      "LIST<LIST<INTEGER NOT NULL> NOT NULL> NOT NULL> NOT NULL"]]),
    # vector similarity in 32-bit floats, as Neo4j (Lucene) computes it
    ("RETURN vector.similarity.cosine([1, 2], [2, 4]) AS a, "
     "vector.similarity.euclidean([1, 2], [1, 3]) AS b, "
     "vector.similarity.cosine([1.5, 2.25, 3.1], [0.3, -2, 7]) AS c, "
     "vector.similarity.euclidean([1.5, 2.25, 3.1], [0.3, -2, 7]) AS d, "
     "vector.similarity.cosine([0.1, 0.2, 0.3], [0.3, 0.2, 0.1]) AS e, "
     "vector.similarity.euclidean([1.0, 2], [4, 6]) AS f, "
     "vector.similarity.cosine([1e30, 1], [1, 1e30]) AS g, vector.similarity.cosine(null, [1]) AS h",
     list("abcdefgh"), [[1.0, 0.5, 0.7944259643554688, 0.02800139971077442, 0.8571428656578064,
                         0.03846153989434242, 0.5, None]]),
    # number literals
    ("RETURN 1_000 AS a, 0o17 AS b, 0x_FF AS c, 0xFF_FF AS d, 0o1_7 AS e, - 1_000 AS f",
     list("abcdef"), [[1000, 15, 255, 65535, 15, -1000]]),
    ("RETURN 1_000.5 AS a, 1e1_0 AS b, 1_0.5_0 AS c, .5_0 AS d, 1_0e2 AS e",
     list("abcde"), [[1000.5, 1e10, 10.5, 0.5, 1000.0]]),
    # the extended simple CASE: several values, comparisons and predicates after WHEN
    ("UNWIND [1, 2, 3, null] AS x "
     "RETURN CASE x WHEN 1, 2 THEN 'low' WHEN IS NULL THEN 'null' ELSE 'high' END AS c",
     ["c"], [["low"], ["low"], ["high"], ["null"]]),
    ("UNWIND [1, 5, 3] AS x "
     "RETURN CASE x WHEN > 3 THEN 'big' WHEN < 3, = 7 THEN 'small' ELSE 'other' END AS c",
     ["c"], [["small"], ["big"], ["other"]]),
    ("RETURN CASE 'ab' WHEN STARTS WITH 'a' THEN 1 END AS a, CASE 'ab' WHEN ENDS WITH 'b' THEN 1 END AS b, "
     "CASE 'ab' WHEN =~ 'a.*' THEN 1 END AS c, CASE 'ab' WHEN IS TYPED STRING THEN 1 END AS d, "
     "CASE 'ab' WHEN :: STRING THEN 1 END AS e, "
     "CASE 'ab' WHEN IS NOT NFC NORMALIZED THEN 1 ELSE 2 END AS f",
     list("abcdef"), [[1, 1, 1, 1, 1, 2]]),
    ("RETURN CASE 2 WHEN > 1 + 1 THEN 'x' ELSE 'y' END AS a, "
     "CASE 2 WHEN 1 + 1, > 5 THEN 'x' ELSE 'y' END AS b, "
     "CASE 2 WHEN 2 = 2 THEN 'x' ELSE 'y' END AS c, CASE null WHEN null, 1 THEN 1 ELSE 2 END AS d, "
     "CASE 2 WHEN >= 2 THEN 'x' END AS e", list("abcde"), [["y", "x", "y", 2, "x"]]),
    # ORDER BY, SKIP, OFFSET and LIMIT as clauses of their own; OFFSET for SKIP
    ("UNWIND [3, 1, 2] AS x ORDER BY x DESC RETURN collect(x) AS l", ["l"], [[[3, 2, 1]]]),
    ("UNWIND [3, 1, 2] AS x ORDER BY x SKIP 1 LIMIT 1 RETURN x", ["x"], [[2]]),
    ("UNWIND [3, 1, 2] AS x OFFSET 1 RETURN collect(x) AS l", ["l"], [[[1, 2]]]),
    ("UNWIND [3, 1, 2] AS x RETURN x ORDER BY x OFFSET 1 LIMIT 1", ["x"], [[2]]),
    ("LIMIT 1 RETURN 1 AS x", ["x"], [[1]]),
    # INF, INFINITY and NAN are float literals, even where a variable has the name
    ("RETURN inf AS a, -INF AS b, Infinity AS c, [inf, 1] AS d, 1 / inf AS e",
     list("abcde"), [[math.inf, -math.inf, math.inf, [math.inf, 1], 0.0]]),
    ("UNWIND [1] AS inf RETURN inf, {inf: 2}.inf AS m", ["inf", "m"], [[math.inf, 2]]),
    ("WITH 1 AS nan RETURN isNaN(nan) AS a, NaN <> NaN AS b", ["a", "b"], [[True, True]]),
]


@pytest.mark.parametrize(("query", "columns", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_neo4j5_syntax_answers_as_neo4j(store: GraphStore, query: str, columns: list[str],
                                        expected: list[list[Any]]) -> None:
    assert rows(store, query, write=True) == (columns, [typed(r) for r in expected])


def test_graph_values_have_their_types(store: GraphStore) -> None:
    try:
        assert rows(store, "CREATE (n:Syntax5)-[r:T]->(m) WITH n, r MATCH p = (n)-->() "
                           "RETURN n IS :: NODE AS a, r IS :: RELATIONSHIP AS b, p IS :: PATH AS c, "
                           "n IS :: ANY NODE AS d, r IS :: EDGE AS e, n IS :: MAP AS f, valueType(n) AS g, "
                           "valueType([n, r]) AS h, valueType(p) AS i", write=True) == (
            list("abcdefghi"), [typed([True, True, True, True, True, False, "NODE NOT NULL",
                                       "LIST<NODE NOT NULL | RELATIONSHIP NOT NULL> NOT NULL",
                                       "PATH NOT NULL"])])
    finally:
        store.run("MATCH (n:Syntax5)-->(m) DETACH DELETE n, m", write=True)


def test_is_label_is_the_label_predicate(store: GraphStore) -> None:
    try:
        store.run("CREATE (a IS IsA)-[r IS IS_T]->(b IS IsB), (IS Syn5) SET a:Syn5, b:Syn5", write=True)
        assert rows(store, "MATCH (n IS IsA|IsB) WITH count(n) AS a MATCH ()-[r IS IS_T|OTHER]->() "
                           "RETURN a, count(r) AS b") == (["a", "b"], [typed([2, 1])])
        assert rows(store, "MATCH (n:Syn5) OPTIONAL MATCH (n)-[r]->() "
                           "RETURN n IS IsA AS a, n IS IsA|IsB AS b, n IS !IsA AS c, n IS (IsA&Syn5) AS d, "
                           "n IS % AS e, r IS IS_T AS f, null IS IsA AS g ORDER BY a, b, c") == (
            list("abcdefg"), [typed([False, False, True, False, True, None, None]),
                              typed([False, True, True, False, True, None, None]),
                              typed([True, True, False, True, True, True, None])])
    finally:
        store.run("MATCH (n:Syn5) DETACH DELETE n", write=True)


def test_finish_keeps_the_writes_and_returns_nothing(store: GraphStore) -> None:
    try:
        assert rows(store, "CREATE (:Finished) FINISH", write=True) == ([], [])
        assert rows(store, "MATCH (n:Finished) RETURN count(n) AS c") == (["c"], [typed([1])])
    finally:
        store.run("MATCH (n:Finished) DELETE n", write=True)


#: Queries both backends refuse: the embedded engine's error class, text both messages hold, and
#: the nearest query that works (so that each case tests the new syntax, not only a refusal).
ERRORS: list[tuple[str, type[CypherError], str, str]] = [
    ("RETURN 1 IS :: INTEGER NOT NULL | FLOAT AS a", CypherSyntaxError,
     "All types in a Closed Dynamic Union must be nullable",
     "RETURN 1 IS :: INTEGER NOT NULL | FLOAT NOT NULL"),
    ("RETURN 1 IS :: TIME AS a", CypherSyntaxError, "WITH", "RETURN 1 IS :: TIME WITH TIME ZONE"),
    ("RETURN 1 IS :: FLOAT32 AS a", CypherSyntaxError, "FLOAT32", "RETURN 1 IS :: FLOAT"),
    ("RETURN 'a' || 1 AS a", CypherSemanticError, "Type mismatch: expected String but was Integer",
     "RETURN 'a' || '1'"),
    ("RETURN [1] || 2 AS a", CypherSemanticError, "Type mismatch: expected List<T> but was Integer",
     "RETURN [1] || [2]"),
    ("RETURN 1 + 2 || 'x' AS a", CypherSemanticError,
     "Type mismatch: expected String or List<T> but was Integer",
     "RETURN 1 + 2 + 'x'"),
    ("FINISH RETURN 1", CypherSyntaxError, "FINISH", "WITH 1 AS x FINISH"),
    ("RETURN count(ALL DISTINCT 1) AS a", CypherSyntaxError, "", "RETURN count(ALL 1)"),
    ("RETURN trim(BOTH 'xy' FROM 'xyax') AS a", CypherArgumentError,
     "The argument `trimCharacterString` in the `trim()` function must be of length 1.",
     "RETURN trim(BOTH 'x' FROM 'xyax')"),
    ("RETURN normalize('a', FOO) AS a", CypherSyntaxError,
     "Invalid normal form, expected NFC, NFD, NFKC, NFKD", "RETURN normalize('a', NFKD)"),
    ("RETURN normalize('a', 'NFC') AS a", CypherSyntaxError,
     "Invalid normal form, expected NFC, NFD, NFKC, NFKD", "RETURN normalize('a', NFC)"),
    ("RETURN vector.similarity.cosine([0, 0], [1, 1]) AS a", CypherArgumentError,
     "Invalid input for 'vector.similarity.cosine()': Argument a is not a valid vector for this "
     "similarity function.",
     "RETURN vector.similarity.cosine([0, 1], [1, 1])"),
    ("RETURN vector.similarity.euclidean([1, null], [1, 2]) AS a", CypherArgumentError,
     "Argument a is not a valid vector", "RETURN vector.similarity.euclidean([1, 0], [1, 2])"),
    ("RETURN vector.similarity.cosine([1, 2], [2]) AS a", CypherArgumentError,
     "The supplied vectors do not have the same number of dimensions.",
     "RETURN vector.similarity.cosine([1, 2], [2, 1])"),
    ("RETURN 1__0 AS a", CypherSyntaxError, "", "RETURN 1_0"),
    # one predicate per operand, and no != (Neo4j 5.26's grammar)
    ("RETURN 1 != 2 AS a", CypherSyntaxError, "Unknown operation '!='", "RETURN 1 <> 2"),
    ("RETURN 1 IN [1] IN [true] AS a", CypherSyntaxError, "", "RETURN (1 IN [1]) IN [true]"),
    ("RETURN 1 IS NULL IS NULL AS a", CypherSyntaxError, "", "RETURN 1 IS NOT :: NULL"),
    ("RETURN CASE 'ab' WHEN CONTAINS 'b' THEN 1 END AS c", CypherSyntaxError, "",
     "RETURN CASE 'ab' WHEN ENDS WITH 'b' THEN 1 END"),
    ("RETURN CASE 'ab' WHEN IS :: STRING THEN 1 END AS c", CypherSyntaxError, "",
     "RETURN CASE 'ab' WHEN IS TYPED STRING THEN 1 END"),
    ("RETURN CASE 2 WHEN > 1 AND true THEN 'x' END AS c", CypherSyntaxError, "",
     "RETURN CASE 2 WHEN > 1 THEN 'x' END"),
    ("UNWIND [3, 1, 2] AS x ORDER BY x LIMIT 1", CypherSemanticError, "",
     "UNWIND [3, 1, 2] AS x LIMIT 1 FINISH"),
    # Neo4j 5 dropped the 0X and 0O prefixes and the legacy octal 017
    ("RETURN 0X1F AS a", CypherSyntaxError,
     "The hex integer literal syntax `0X1F` is no longer supported, please use `0x1F` instead",
     "RETURN 0x1F"),
    ("RETURN 007 AS a", CypherSyntaxError,
     "The octal integer literal syntax `007` is no longer supported, please use `0o07` instead",
     "RETURN 0o7"),
    ("RETURN 0O17 AS a", CypherSyntaxError, "", "RETURN 0o17"),
    ("RETURN 1_ AS a", CypherSyntaxError, "", "RETURN 1_1"),
    ("RETURN 0_1 AS a", CypherSyntaxError, "", "RETURN 0x_1"),
    ("RETURN 01_7 AS a", CypherSyntaxError, "", "RETURN 1_7"),
    ("RETURN 1e_10 AS a", CypherSyntaxError, "", "RETURN 1e1_0"),
]


@pytest.mark.parametrize(("query", "error", "text", "works"), ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_neo4j5_syntax_errors_as_neo4j(store: GraphStore, query: str, error: type[CypherError],
                                       text: str, works: str) -> None:
    store.run(works)
    expected = error if isinstance(store, NetworkxStore) else QueryError
    with pytest.raises(expected) as caught:
        store.run(query)
    assert text in str(caught.value)


@pytest.mark.parametrize(("query", "construct"), [
    ("INSERT (n:Inserted) RETURN n", "INSERT"),
    ("RETURN graph.byName('neo4j') AS g", "graph.byName"),
    ("RETURN graph.byElementId('4:abc:0') AS g", "graph.byElementId"),
])
def test_neo4j5_syntax_the_engine_does_not_run_is_refused_by_name(query: str, construct: str) -> None:
    """Valid on Neo4j 5.26, listed as not supported in docs/cypher.md: refused, never guessed."""
    with pytest.raises(CypherUnsupportedError,
                       match=f"not supported by the embedded Cypher engine: {construct}"):
        NetworkxStore(None).run(query, write=True)


def test_the_neo4j_backend_still_runs_syntax_the_engine_refuses(neo4j_settings: Neo4jSettings) -> None:
    """The Neo4j store reads every query with the engine's tokenizer first (file access, lone
    surrogates): what the engine does not run must still reach the server."""
    with Neo4jStore.connect(neo4j_settings) as neo:
        assert neo.run("WITH 'Nowhere' AS l MATCH (n:$(l)) RETURN count(n) AS c").value("c") == [0]
