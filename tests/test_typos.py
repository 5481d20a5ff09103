"""Issue 13: typos must not pass in silence.

A label, relationship type or property key that the graph does not have makes a query
return nothing, which looks like an honest empty answer: both backends warn, as Neo4j
does with its notifications, with the closest existing name; the CLI prints each warning
on stderr. Semantic errors point at their place, and a missing ``$who`` says how to pass it.

The typos used here (``Persn``, ``MADE_VISITS``, ``nmae``) must never be written to the test
server: Neo4j keeps a name in its token store once any query created it, even one rolled back.
"""

from __future__ import annotations

import pytest

from relgraph.api import Graph
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher import CypherSemanticError
from relgraph.graph.explorer.service import Explorer
from relgraph.graph.store import GraphStore

PREFIX = "Neo.ClientNotification.Statement."

#: query -> (code, title, line, column, unknown name, suggestion), as Neo4j 5.26 reports them
TYPOS = {
    "MATCH (p:Persn) RETURN p": (
        "UnknownLabelWarning", "The provided label is not in the database.", 1, 10, "Persn", "Person"),
    "MATCH (:Person)-[:MADE_VISITS]->(v)\nRETURN v": (
        "UnknownRelationshipTypeWarning", "The provided relationship type is not in the database.",
        1, 19, "MADE_VISITS", "MADE_VISIT"),
    "MATCH (p:Person)\nRETURN p.nmae": (
        "UnknownPropertyKeyWarning", "The provided property key is not in the database",
        2, 10, "nmae", "name"),
}


@pytest.mark.parametrize("query", TYPOS)
def test_an_unknown_name_warns_with_the_closest_existing_one(query_store: GraphStore, query: str) -> None:
    code, title, line, column, name, suggestion = TYPOS[query]
    result = query_store.run(query)
    assert not any(value for record in result for value in record)  # no rows, or only nulls
    [note] = result.notifications
    assert (note.code, note.title, note.severity) == (PREFIX + code, title, "WARNING")
    assert note.position is not None and (note.position.line, note.position.column) == (line, column)
    assert (note.name, note.suggestion) == (name, suggestion)
    assert f"is: {name})" in note.description  # Neo4j's wording, on both backends
    assert str(note) == (f"{title.rstrip('.')}: {name}; did you mean {suggestion}? "
                         f"(line {line}, column {column})")
    assert Graph(query_store).query(query).notifications == result.notifications  # the Python API


def test_names_the_graph_has_and_maps_the_query_builds_give_no_warning(query_store: GraphStore) -> None:
    """Against false alarms; and a label predicate, a property map and ``p['key']`` are
    checked like a pattern's label and ``p.key``, each where it is written."""
    quiet = query_store.run("MATCH (p:Person)-[:MADE_VISIT]->(v:Visit) WITH {nmae: p.name} AS m, v "
                            "RETURN m.nmae, v.year LIMIT 1")
    assert quiet.notifications == [] and len(quiet) == 1
    noisy = query_store.run("MATCH (p {nmae: 'x'}) WHERE p:Persn OR p['nmae'] = 1 RETURN p")
    assert [(n.name, n.position.column if n.position else None) for n in noisy.notifications] == [
        ("nmae", 11), ("Persn", 31), ("nmae", 42)]


def test_the_explorer_answers_with_the_warnings(query_store: GraphStore) -> None:
    payload = Explorer(query_store).query("MATCH (p:Persn) RETURN p")
    assert payload["rowCount"] == 0
    assert payload["notifications"] == [{
        "code": PREFIX + "UnknownLabelWarning", "title": "The provided label is not in the database.",
        "description": payload["notifications"][0]["description"], "severity": "WARNING",
        "category": "UNRECOGNIZED", "name": "Persn", "suggestion": "Person",
        "message": "The provided label is not in the database: Persn; did you mean Person?",
        "position": {"line": 1, "column": 10, "offset": 9}}]


def test_query_prints_each_warning_on_stderr_and_still_succeeds(store_cli) -> None:
    made = store_cli("query", "--write", "-e",
                     "CREATE (:Person {name: 'Moon Jae-in'})-[:MADE_VISIT]->(:Visit {year: 2019})")
    assert made.code == 0, made.err
    typo = store_cli("-q", "query", "-e", "MATCH (p:Persn)-[:MADE_VISITS]->(v) RETURN p.nmae")
    assert typo.code == 0, typo.err
    assert typo.err.splitlines() == [
        "relgraph query: warning: The provided label is not in the database: Persn; did you mean Person? "
        "(line 1, column 10)",
        "relgraph query: warning: The provided relationship type is not in the database: MADE_VISITS; "
        "did you mean MADE_VISIT? (line 1, column 19)",
        "relgraph query: warning: The provided property key is not in the database: nmae; "
        "did you mean name? (line 1, column 46)",
    ]
    right = store_cli("query", "-e", "MATCH (p:Person)-[:MADE_VISIT]->(v) RETURN p.name")
    assert right.code == 0 and "warning" not in right.err and "Moon Jae-in" in right.out


def test_a_missing_parameter_says_how_to_pass_it(store_cli) -> None:
    result = store_cli("query", "-e", "MATCH (p:Person) WHERE p.name = $who OR p.key = $key RETURN p")
    assert result.code == 2
    assert result.err == ("relgraph query: error: the query uses $key, $who but no value was given; "
                          "pass --param key=… --param who=…\n")
    given = store_cli("query", "-e", "MATCH (p:Person) WHERE p.name = $who RETURN p", "--param", "who=x")
    assert given.code == 0, given.err


def test_neo4j_passes_its_other_warnings_on(neo4j_store) -> None:
    result = neo4j_store.run("UNWIND [1] AS p CALL { WITH p RETURN 1 AS one } RETURN one")
    assert [n.code for n in result.notifications] == [PREFIX + "FeatureDeprecationWarning"]
    assert "deprecated" in str(result.notifications[0])


@pytest.mark.parametrize(("query", "message", "line", "column"), [
    ("MATCH (p:Person)\nRETURN toUpperr(p.name)",
     "unknown function toUpperr(); did you mean toUpper()?", 2, 8),
    ("MATCH (person:Person)\nWITH person\nRETURN persn.name",
     "variable `persn` is not defined; did you mean `person`?", 3, 8),
    ("MATCH (p:Person) RETURN p.name AS name ORDER BY nmae",
     "variable `nmae` is not defined; did you mean `name`?", 1, 49),
    ("MATCH (p:Person) WHERE (p)-->(q) RETURN p",
     "variable `q` is not defined (a pattern predicate cannot introduce variables)", 1, 30),
])
def test_semantic_errors_point_at_their_place_and_name_the_closest(query: str, message: str, line: int,
                                                                   column: int) -> None:
    """The embedded engine's own errors (Neo4j's already carry a position)."""
    with pytest.raises(CypherSemanticError) as info:
        NetworkxStore().run(query)
    error = info.value
    assert (error.short_message, error.line, error.column) == (message, line, column)
    assert str(error).splitlines() == [f"{message} (line {line}, column {column})",
                                       query.splitlines()[line - 1], " " * (column - 1) + "^"]
