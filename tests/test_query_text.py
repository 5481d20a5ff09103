"""Text that no file can hold never gets into a store through a query, on either backend.

A lone surrogate (``'\\uD800'`` in Cypher, or a parameter holding one) used to be stored
with exit 0 on the embedded backend, after which every export, view and printout of the
value died with UnicodeEncodeError; on Neo4j the driver itself crashed. Both backends now
refuse it before anything runs, with the same error, and a surrogate pair written as two
escapes (as Java and so Neo4j read it) is one character on both."""

from __future__ import annotations

import pytest

from relgraph.graph.values.errors import QueryError


@pytest.mark.parametrize("query", [
    "CREATE (:T {name: 'x\\uD800y'})",
    "CREATE (:T {name: \"\\uDC00\"})",
    "CREATE (:T {name: 'a\\uDBFF\\uDBFF'})",
    "CREATE (:T {name: 'x\ud800y'})",
], ids=["escape", "low-half", "two-highs", "raw"])
def test_a_lone_surrogate_in_a_query_is_refused_and_nothing_is_stored(empty_store, query: str) -> None:
    with pytest.raises(QueryError, match="lone surrogate") as caught:
        empty_store.run(query, write=True)
    assert caught.value.code == "InvalidUnicodeCharacter"
    str(caught.value).encode("utf-8")  # the message itself can be printed
    assert empty_store.run("MATCH (n) RETURN count(n) AS n").value() == [0]


@pytest.mark.parametrize("value", ["x\ud800", ["ok", "\udfff"], {"k": ["\ud83d"]}],
                         ids=["text", "in-list", "in-map"])
def test_a_lone_surrogate_in_a_parameter_is_refused(empty_store, value: object) -> None:
    with pytest.raises(QueryError, match=r"parameter \$v: text holds a lone surrogate"):
        empty_store.run("CREATE (:T {v: $v})", {"v": value}, write=True)
    assert empty_store.run("MATCH (n) RETURN count(n) AS n").value() == [0]


def test_an_escaped_surrogate_pair_is_one_character_on_both_backends(empty_store) -> None:
    assert empty_store.run("RETURN '\\uD83D\\uDE00' AS s, size('\\uD83D\\uDE00') AS n").data() == [
        {"s": "\U0001F600", "n": 1}]


def test_the_command_line_says_so_in_one_line(store_cli) -> None:
    result = store_cli("query", "--write", "-e", "CREATE (:T {name: 'x\\uD800'})")
    assert result.code == 1
    assert "lone surrogate" in result.err and "Traceback" not in result.err
    counted = store_cli("query", "-e", "MATCH (n) RETURN count(n) AS n", "--format", "csv")
    assert counted.out.split() == ["n", "0"]
