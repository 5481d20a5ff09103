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
]


def _embedded(query: str) -> Any:
    try:
        return [list(r.values()) for r in execute(PropertyGraph(), query, {})]
    except CypherError as exc:
        return Fails(exc.tck_type)


def _neo4j(driver: neo4j.Driver, query: str) -> Any:
    try:
        return [list(r.values()) for r in driver.execute_query(query).records]
    except neo4j.exceptions.ClientError as exc:
        return Fails((exc.code or "").rsplit(".", 1)[-1])


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_embedded_answers_as_neo4j(query: str, expected: Any) -> None:
    assert _embedded(query) == expected


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_neo4j_answers_so(neo4j_driver: neo4j.Driver, query: str, expected: Any) -> None:
    assert _neo4j(neo4j_driver, query) == expected
