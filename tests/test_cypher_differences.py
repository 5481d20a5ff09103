"""Differences from Neo4j 5.26 that the differential test found (tests/differential), fixed in
the engine; each expectation is checked on the real Neo4j too, so it is Neo4j's answer, not a
guess at it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j
import neo4j.exceptions
import pytest

from relgraph.graph.cypher import CypherError, execute
from relgraph.graph.cypher.property_graph import PropertyGraph


@dataclass(frozen=True)
class Fails:
    """The query fails; ``kind`` is the last part of Neo4j's status code and the engine's tck_type."""

    kind: str


CASES: list[tuple[str, Any]] = [
    # null-length-argument: a null length or start gives null, as a null string does
    ("RETURN left('abc', null) AS a, right('abc', null) AS b", [[None, None]]),
    ("RETURN substring('abc', null) AS a, substring('abc', 1, null) AS b, substring('abc', 1) AS c",
     [[None, None, "bc"]]),
    # round-negative-precision: refused, not rounded to tens
    ("RETURN round(1234.5, -2) AS a", Fails("ArgumentError")),
    ("RETURN round(12, -1, 'HALF_UP') AS a", Fails("ArgumentError")),
    # exists-function: Neo4j 5 refuses exists() on a property (IS NOT NULL says it); a pattern's is fine
    ("WITH {p: 1} AS n RETURN exists(n.p) AS a", Fails("SyntaxError")),
    ("WITH {p: 1} AS n RETURN exists(n['p']) AS a", Fails("SyntaxError")),
    # extra-functions: no sinh, cosh, tanh in Neo4j 5.26
    ("RETURN sinh(0) AS a", Fails("SyntaxError")),
    ("RETURN cosh(0) AS a", Fails("SyntaxError")),
    ("RETURN tanh(0) AS a", Fails("SyntaxError")),
    # exists-null-node: a pattern on a null node (OPTIONAL MATCH found none) does not exist: false
    ("OPTIONAL MATCH (b:Nope) RETURN exists((b)-->()) AS e, EXISTS { (b)-->() } AS f, "
     "COUNT { (b)-->() } AS c",
     [[False, False, 0]]),
    ("OPTIONAL MATCH (b:Nope) WITH b WHERE NOT (b)-->() RETURN count(*) AS c", [[1]]),
    # value-type-function: valueType() (Neo4j 5.13), with the text Neo4j gives
    ("RETURN valueType(1) AS a, valueType(1.5) AS b, valueType('s') AS c, valueType(true) AS d, "
     "valueType(null) AS e, valueType({a: 1}) AS f",
     [["INTEGER NOT NULL", "FLOAT NOT NULL", "STRING NOT NULL", "BOOLEAN NOT NULL", "NULL", "MAP NOT NULL"]]),
    ("RETURN valueType(date('2020-01-01')) AS a, valueType(localtime('10:00')) AS b, "
     "valueType(time('10:00Z')) AS c, valueType(localdatetime('2020-01-01T10:00')) AS d, "
     "valueType(datetime('2020-01-01T10:00Z')) AS e, valueType(duration('P1D')) AS f",
     [["DATE NOT NULL", "LOCAL TIME NOT NULL", "ZONED TIME NOT NULL", "LOCAL DATETIME NOT NULL",
       "ZONED DATETIME NOT NULL", "DURATION NOT NULL"]]),
    ("RETURN valueType([]) AS a, valueType([null]) AS b, valueType([1, null]) AS c, "
     "valueType([1, 1.5, null]) AS d",
     [["LIST<NOTHING> NOT NULL", "LIST<NULL> NOT NULL", "LIST<INTEGER> NOT NULL",
       "LIST<INTEGER | FLOAT> NOT NULL"]]),
    ("RETURN valueType([[1], [1.5]]) AS a, valueType([[], [1]]) AS b, valueType([[1], null, [null]]) AS c, "
     "valueType([1, [], null]) AS d, valueType([1, 'a', true, {a: 1}, [1]]) AS e",
     [["LIST<LIST<INTEGER NOT NULL> NOT NULL | LIST<FLOAT NOT NULL> NOT NULL> NOT NULL",
       "LIST<LIST<INTEGER NOT NULL> NOT NULL> NOT NULL",
       "LIST<LIST<NULL> | LIST<INTEGER NOT NULL>> NOT NULL",
       "LIST<INTEGER | LIST<NOTHING>> NOT NULL",
       "LIST<BOOLEAN NOT NULL | STRING NOT NULL | INTEGER NOT NULL | MAP NOT NULL"
       " | LIST<INTEGER NOT NULL> NOT NULL> NOT NULL"]]),
    ("CREATE (a)-[r:T]->(b) WITH a, r MATCH p = (a)-->() "
     "RETURN valueType(a) AS a, valueType(r) AS r, valueType(p) AS p, "
     "valueType([{x: 1}, p, r, a, [a]]) AS l",
     [["NODE NOT NULL", "RELATIONSHIP NOT NULL", "PATH NOT NULL",
       "LIST<NODE NOT NULL | RELATIONSHIP NOT NULL | MAP NOT NULL | LIST<NODE NOT NULL> NOT NULL"
       " | PATH NOT NULL> NOT NULL"]]),
]


def _embedded(query: str) -> Any:
    try:
        return [list(r.values()) for r in execute(PropertyGraph(), query, {}, write=True)]
    except CypherError as exc:
        return Fails(exc.tck_type)


def _neo4j(driver: neo4j.Driver, query: str) -> Any:
    """Neo4j's answer, in a transaction rolled back: the server is shared with other modules."""
    try:
        with driver.session() as session, session.begin_transaction() as tx:
            rows = [list(r.values()) for r in tx.run(query)]
            tx.rollback()
            return rows
    except neo4j.exceptions.ClientError as exc:
        return Fails((exc.code or "").rsplit(".", 1)[-1])


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_embedded_answers_as_neo4j(query: str, expected: Any) -> None:
    assert _embedded(query) == expected


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_neo4j_answers_so(neo4j_driver: neo4j.Driver, query: str, expected: Any) -> None:
    assert _neo4j(neo4j_driver, query) == expected
