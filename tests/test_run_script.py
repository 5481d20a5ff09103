"""``GraphStore.run_script`` on both backends: a script is one unit, and a failure names its statement.

Neo4j cannot run schema commands in the transaction that writes data, so its backend
runs them first, each on its own, and then every other statement in one transaction;
the embedded backend checks what a uniqueness constraint asserts once the data
statements have run. Either way a failing statement leaves the data as it was, and
:class:`StatementError` says which statement failed (``relgraph load`` turns that into
file:line, tested in tests/test_export_cli.py).
"""

from __future__ import annotations

import pytest

from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import ReadOnlyError, StatementError

from .export_samples import graph_view
from .test_store_networkx import small_batch

THING_KEY = "CREATE CONSTRAINT IF NOT EXISTS FOR (n:Thing) REQUIRE n.key IS UNIQUE"


def run_failing(store: GraphStore, statements: list[str], *, write: bool = True) -> StatementError:
    """Run a script that must fail; check the store kept its data; return the error."""
    before = graph_view(store)
    with pytest.raises(StatementError) as info:
        store.run_script(statements, write=write)
    assert graph_view(store) == before
    return info.value


def test_one_result_per_statement_and_later_statements_see_earlier_writes(empty_store):
    results = empty_store.run_script([
        "CREATE (:Thing {key: 'a'})-[:NEXT {key: 'n'}]->(:Thing {key: 'b'})",
        THING_KEY,  # run first on Neo4j, checked last on the embedded store: either way it holds
        "MATCH (t:Thing) RETURN t.key AS key ORDER BY key",
    ])
    assert len(results) == 3
    assert results[0].summary.counters.nodes_created == 2
    assert results[0].summary.counters.relationships_created == 1
    assert results[1].keys() == [] and list(results[1]) == []
    assert results[2].value("key") == ["a", "b"]
    assert empty_store.counts().nodes == 2


@pytest.mark.parametrize(("failing", "kind"), [("RETURN 1 / 0", "runtime"),
                                                ("MATCH (n) RETURN n.key +", "syntax"),
                                                ("MATCH (n) RETURN $missing", "parameter")])
def test_a_failing_statement_rolls_back_the_statements_before_it(empty_store, failing, kind):
    empty_store.load(small_batch())
    error = run_failing(empty_store, [THING_KEY, "CREATE (:Thing {key: 'new'})",
                                      "MATCH (p:Person) SET p.touched = true", failing,
                                      "CREATE (:Thing {key: 'never'})"])
    assert error.index == 3, kind
    assert empty_store.run("MATCH (t:Thing) RETURN count(t)").value() == [0]


def test_a_script_that_breaks_its_uniqueness_constraint_leaves_no_data(empty_store):
    """Neo4j refuses the second node as it is created; the embedded store finds the duplicate
    once the statements have run and names the constraint."""
    error = run_failing(empty_store, [THING_KEY, "CREATE (:Thing {key: 'a'})", "CREATE (:Thing {key: 'a'})"])
    assert error.index == (2 if empty_store.backend == "neo4j" else 0)
    assert "already exists" in str(error) if empty_store.backend == "neo4j" else "uniqueness" in str(error)


def test_an_error_found_at_commit_is_put_on_the_last_data_statement(empty_store):
    """Neo4j checks that a deleted node has no relationships left only at commit, and does not
    say which statement deleted it; the embedded engine checks at the end of the statement."""
    empty_store.load(small_batch())
    error = run_failing(empty_store, ["MATCH (p:Person {key: 'p0'}) DELETE p",
                                      "MATCH (p:Person {key: 'p2'}) SET p.seen = true"])
    assert error.index == (1 if empty_store.backend == "neo4j" else 0)
    assert "relationships" in str(error)


def test_without_write_a_script_only_reads(empty_store):
    empty_store.load(small_batch())
    (result,) = empty_store.run_script(["MATCH (p:Person) RETURN count(p) AS n"], write=False)
    assert result.value("n") == [3]
    error = run_failing(empty_store, ["MATCH (p:Person) RETURN p", "CREATE (:Thing {key: 'a'})"],
                        write=False)
    assert error.index == 1 and isinstance(error.__cause__, ReadOnlyError)
    error = run_failing(empty_store, ["MATCH (p:Person) RETURN p", THING_KEY], write=False)
    assert error.index == 1 and "schema command" in str(error)
