"""What a failed query or script on Neo4j says and leaves: the user's text and positions only,
no schema left behind by a script that kept nothing, and a memory limit that reads as one."""

from __future__ import annotations

import neo4j
import pytest

from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.values.errors import QueryError, StatementError


def test_a_script_error_shows_the_users_statement_and_position(neo4j_store: Neo4jStore) -> None:
    with pytest.raises(StatementError) as info:
        neo4j_store.run_script(["CREATE (:Thing {key: 'a'})", "MATCH (n) RETURN m"])
    message = str(info.value)
    assert "replan" not in message
    assert "(line 1, column 18 (offset: 17))" in message
    assert '"MATCH (n) RETURN m"\n' + ' ' * 18 + '^' in message  # under the m


def test_a_failed_script_drops_the_schema_it_created(blank_neo4j: neo4j.Driver,
                                                     neo4j_store: Neo4jStore) -> None:
    with pytest.raises(StatementError) as info:
        neo4j_store.run_script([
            "CREATE CONSTRAINT thing_key IF NOT EXISTS FOR (n:Thing) REQUIRE n.key IS UNIQUE",
            "CREATE INDEX thing_name IF NOT EXISTS FOR (n:Thing) ON (n.name)",
            "CREATE (:Thing {key: 'a'})",
            "MATCH (n) RETURN m",
        ])
    assert info.value.index == 3 and "dropped again (thing_key, thing_name)" in str(info.value)
    names = {r["name"] for r in blank_neo4j.execute_query(
        "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name").records}
    names |= {r["name"] for r in blank_neo4j.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert names == set()
    assert neo4j_store.counts().nodes == 0


def test_a_query_past_the_memory_limit_is_a_query_error(neo4j_store: Neo4jStore) -> None:
    """The local server lets one transaction use 256 MiB (tools/neo4j: --tx-memory); past it
    the query stops with a sentence about memory, and the server lives on."""
    with pytest.raises(QueryError, match=r"the query needed more than 256\.0 MiB of memory"):
        neo4j_store.run("UNWIND range(1, 12000000) AS x WITH collect(x) AS xs RETURN size(xs)")
    assert neo4j_store.run("RETURN 1 AS one").value() == [1]
