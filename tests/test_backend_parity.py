"""Parity, proven: the embedded store and a real Neo4j hold the same article graph and answer
the same queries with the same rows.

Element ids differ between backends, so everything is compared by content: a node by
its labels and typed properties, a relationship by type, endpoint keys and properties.
Every script in queries/ is picked up automatically and run with its declared
defaults; rows are compared in order where the script's final RETURN has an ORDER BY
(up to ties of its sort columns) and as multisets otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Any

import pytest

from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.store import GraphStore
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.errors import QueryError
from relgraph.graph.values.model import GraphBatch
from relgraph.graph.values.result import Result, Summary
from relgraph.queries.library import QueryScript, ScriptError

ROOT = FilePath(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "queries").glob("*.cypher"))


@pytest.fixture(scope="module")
def embedded(article_batch: GraphBatch) -> NetworkxStore:
    store = NetworkxStore(None)
    store.load(article_batch)
    return store


@pytest.fixture(scope="module")
def on_neo4j(neo4j_settings: Neo4jSettings, article_batch: GraphBatch) -> Iterator[Neo4jStore]:
    """The article on the test server; read-only for this module's tests, so loaded once."""
    with Neo4jStore.connect(neo4j_settings) as store:
        store.clear()
        store.load(article_batch)
        yield store


# --- content, independent of element ids ----------------------------------------------------


def canonical(value: Any) -> Any:
    """A hashable form of a value that two backends must produce identically.

    Types are tagged (Python says ``1 == 1.0 == True``; Cypher and the schema do not),
    and floats are compared to 12 significant digits, since two engines may add in a
    different order.
    """
    if isinstance(value, Node):
        return ("node", tuple(sorted(value.labels)), canonical(dict(value)))
    if isinstance(value, Relationship):
        return ("relationship", value.type, value.start_node.get("key"), value.end_node.get("key"),
                canonical(dict(value)))
    if isinstance(value, Path):
        return ("path", tuple(canonical(n) for n in value.nodes),
                tuple(canonical(r) for r in value.relationships))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int):
        return ("integer", value)
    if isinstance(value, float):
        return ("float", float(f"{value:.12g}"))
    if value is None:
        return ("null",)
    if isinstance(value, str):
        return ("string", value)
    return (type(value).__name__, repr(value))


def contents(values: Any) -> Counter:
    return Counter(canonical(v) for v in values)


# --- the stored graph ----------------------------------------------------------------------------


def test_identical_nodes_with_typed_properties(embedded, on_neo4j):
    assert contents(on_neo4j.nodes()) == contents(embedded.nodes())
    (karimov,) = on_neo4j.find("islam-karimov")
    assert type(karimov["aliases"]) is list and type(next(iter(on_neo4j.nodes(["Visit"])))["year"]) is int


def test_identical_relationships(embedded, on_neo4j):
    assert contents(on_neo4j.relationships()) == contents(embedded.relationships())


def test_identical_counts(embedded, on_neo4j):
    assert on_neo4j.counts() == embedded.counts()


@pytest.mark.parametrize("labels", [["City"], ["Event", "Agreement"], ["Visit"], ["NoSuchLabel"], []])
def test_identical_selections_by_label(embedded, on_neo4j, labels):
    assert contents(on_neo4j.nodes(labels)) == contents(embedded.nodes(labels))


@pytest.mark.parametrize("types", [["LOCATED_IN"], ["MADE_VISIT", "HOSTED_BY"], ["NO_SUCH_TYPE"], []])
def test_identical_selections_by_type(embedded, on_neo4j, types):
    assert contents(on_neo4j.relationships(types)) == contents(embedded.relationships(types))


@pytest.mark.parametrize(("key", "depth", "types"), [
    ("islam-karimov", 1, None), ("navoi", 2, None), ("south-korea", 1, ["DIPLOMATIC_RELATIONS_WITH"]),
    ("seoul", 3, ["SISTER_CITY_OF", "LOCATED_IN"]), ("moon-jae-in", 0, None), ("tashkent", 2, []),
])
def test_identical_neighbourhoods(embedded, on_neo4j, key, depth, types):
    def around(store: GraphStore) -> tuple[Counter, Counter]:
        (center,) = store.find(key)
        nodes, rels = store.neighbourhood([center.element_id], depth, types)
        return contents(nodes), contents(rels)

    assert around(on_neo4j) == around(embedded)


@pytest.mark.parametrize("name", ["Navoiy", "TASHKENT", "islam-karimov", "Shavkat Mirziyoyev",
                                  "nobody"])
def test_identical_lookups(embedded, on_neo4j, name):
    assert contents(on_neo4j.find(name)) == contents(embedded.find(name))


# --- values that are not in the article ----------------------------------------------------------

TEMPORALS = ("RETURN duration('P1Y2M3DT4H') AS duration, duration('-PT1.5S') AS negative, "
             "duration({days: 1.5}) AS fraction, date('2020-01-02') AS date, "
             "localtime('03:04:05.5') AS localtime, time('03:04:05+02:00') AS time, "
             "time({hour: 23, minute: 59, second: 59, nanosecond: 1, timezone: '-01:30'}) AS nanotime, "
             "localdatetime('1999-12-31T23:59:59.999999999') AS localdatetime, "
             "datetime('2020-01-02T03:04:05.123456789+01:00') AS datetime, "
             "datetime('2020-06-02T03:04:05Z') AS utc, "
             "datetime('2020-10-25T02:30+01:00[Europe/Stockholm]') AS zoned, "
             "[date('0001-01-01'), {span: duration('PT0.000000001S')}] AS nested")


def identical(value: Any) -> Any:
    """Type and text of temporal values (their ``==`` compares instants only), recursively."""
    if isinstance(value, (list, tuple)):
        return [identical(v) for v in value]
    if isinstance(value, dict):
        return {k: identical(v) for k, v in value.items()}
    return (type(value), str(value), value)


def test_identical_temporal_values(embedded, on_neo4j):
    """Both return the embedded engine's temporal types (relgraph.graph.values.temporal), equal
    and printing alike: Neo4j's Duration, Date, Time and DateTime are converted, nanoseconds and
    zones included."""
    expected = embedded.run(TEMPORALS).single()
    actual = on_neo4j.run(TEMPORALS).single()
    assert actual.keys() == expected.keys()
    for column, value in expected.items():
        assert identical(actual[column]) == identical(value), column
    assert str(actual["duration"]) == "P1Y2M3DT4H" and type(actual["duration"]).__name__ == "Duration"


def test_temporal_values_pass_back_as_parameters(embedded, on_neo4j):
    """A value read from a result of either backend is a parameter to both, and comes back the same."""
    for value in embedded.run(TEMPORALS).single().values():
        for store in (embedded, on_neo4j):
            assert identical(store.run("RETURN $v AS v", {"v": value}).value()[0]) == identical(value)


def test_temporal_properties_set_through_cypher_come_back_alike(embedded, on_neo4j):
    create = ("CREATE (t:TemporalProbe {on: date('2024-06-14'), at: datetime('2024-06-14T09:30Z'), "
              "span: duration('PT1H30M'), dates: [date('2024-01-01'), date('2024-12-31')]}) RETURN t")
    nodes = []
    for store in (embedded, on_neo4j):
        try:
            nodes.append(store.run(create, write=True).value()[0])
            (stored,) = store.nodes(["TemporalProbe"])
            assert identical(dict(stored)) == identical(dict(nodes[-1]))
        finally:
            store.run("MATCH (t:TemporalProbe) DELETE t", write=True)
    assert identical(dict(nodes[1])) == identical(dict(nodes[0]))


def test_integer_parameters_beyond_64_bits_are_refused_by_both(embedded, on_neo4j):
    for store in (embedded, on_neo4j):
        with pytest.raises(QueryError, match="64-bit"):
            store.run("RETURN $v AS v", {"v": [1, 2**64]})
        assert store.run("RETURN $v AS v", {"v": -(2**63)}).value() == [-(2**63)]


# --- the query scripts -----------------------------------------------------------------------------


def _code_only(text: str) -> str:
    """The query without comments, and with string literals emptied, so keywords inside them
    cannot mislead the ORDER BY detection."""
    text = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)
    return re.sub(r"//[^\n]*", "", text)


def _split_top_level(text: str) -> list[str]:
    items, depth, current = [], 0, ""
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [*items, current]


def final_order_by(text: str) -> list[str] | None:
    """The sort items of the ORDER BY that follows the query's last RETURN, if any."""
    code = _code_only(text)
    returns = list(re.finditer(r"\bRETURN\b", code, re.IGNORECASE))
    if not returns:
        return None
    tail = code[returns[-1].end():]
    match = re.search(r"\bORDER\s+BY\b(.*?)(?=\bSKIP\b|\bLIMIT\b|;|\Z)", tail, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    return [re.sub(r"\s+(ASC|ASCENDING|DESC|DESCENDING)\s*$", "", item.strip(), flags=re.IGNORECASE)
            for item in _split_top_level(match[1])]


def comparable_rows(result: Result, order: list[str] | None) -> list[tuple[Any, Counter]]:
    """Rows as (sort key, multiset of rows having it), in result order.

    The sort key is made of the leading ORDER BY items that are returned columns, so
    rows that tie on them may come in any order, as Cypher allows; without an ORDER BY
    the whole result is one multiset.
    """
    keys = result.keys()
    sort_columns: list[str] = []
    for item in order or []:
        if item not in keys:
            break
        sort_columns.append(item)
    groups: list[tuple[Any, Counter]] = []
    for record in result:
        key = tuple(canonical(record[c]) for c in sort_columns)
        row = tuple(canonical(v) for v in record.values())
        if groups and groups[-1][0] == key and order is not None:
            groups[-1][1][row] += 1
        elif groups and order is None:
            groups[0][1][row] += 1
        else:
            groups.append((key, Counter([row])))
    return groups


def test_order_by_detection():
    script = "MATCH (n) // ORDER BY nothing\nWITH n ORDER BY n.x\nRETURN n.a AS a, 'ORDER BY z' AS b\n" \
             "ORDER BY a DESC, coalesce(n.b, [1, 2]) ASC, b LIMIT 3"
    assert final_order_by(script) == ["a", "coalesce(n.b, [1, 2])", "b"]
    assert final_order_by("MATCH (n) WITH n ORDER BY n.x RETURN n") is None


def test_rows_compare_in_order_up_to_ties():
    def result(rows: list[tuple[int, str]]) -> Result:
        return Result(["year", "name"], rows, Summary("", {}, "test"))

    order = ["year"]
    ties = comparable_rows(result([(1, "a"), (1, "b"), (2, "c")]), order)
    assert ties == comparable_rows(result([(1, "b"), (1, "a"), (2, "c")]), order)
    assert ties != comparable_rows(result([(2, "c"), (1, "a"), (1, "b")]), order)
    assert comparable_rows(result([(2, "c"), (1, "a")]), None) == comparable_rows(
        result([(1, "a"), (2, "c")]), None)


def _script(path: FilePath) -> tuple[QueryScript, dict[str, Any]]:
    script = QueryScript.parse(path.read_text(encoding="utf-8"), path.stem, path)
    try:
        return script, script.bind({})
    except ScriptError as exc:
        pytest.skip(f"{path.name} has a parameter without a default, so it cannot run unattended: {exc}")


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_script_runs_on_neo4j(on_neo4j, path):
    """Neo4j is the reference: each shipped script must be valid, read-only Cypher there."""
    script, parameters = _script(path)
    result = on_neo4j.run(script.text, parameters)
    assert result.keys(), f"{path.name} returns no columns"


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_script_returns_the_same_rows_on_both_backends(embedded, on_neo4j, path):
    pytest.importorskip("relgraph.graph.cypher", reason="the embedded Cypher engine is not merged yet")
    script, parameters = _script(path)
    expected = on_neo4j.run(script.text, parameters)
    actual = embedded.run(script.text, parameters)
    assert actual.keys() == expected.keys()
    order = final_order_by(script.text)
    assert comparable_rows(actual, order) == comparable_rows(expected, order), (
        f"{path.name}: the embedded backend's rows differ from Neo4j's "
        f"({'ordered by ' + ', '.join(order) if order else 'as multisets'})")
