"""The limits on by default for the commands that run a user's query: a time limit and a
memory guard, configurable, with a one-line error and nothing kept when they stop a query.

Before, ``UNWIND range(1, 100000000)`` ran for 82 s and took 4 GB, and a ``[*1..4]`` on a
dense graph ran until it was killed."""

from __future__ import annotations

import pytest

import relgraph
from relgraph.graph.cypher import Stop, execute
from relgraph.graph.cypher.limits import DEFAULT_MEMORY_CAP, default_memory_limit
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import QueryMemoryExceeded, QueryTimeout

HUGE_RANGE = "UNWIND range(1, 100000000) AS x RETURN count(x) AS n"
#: grows by a few hundred bytes a row, in many small steps
GROWING = "UNWIND range(1, 3000000) AS x WITH x, [x, x + 1, toString(x)] AS l RETURN size(collect(l)) AS n"


def test_the_default_memory_guard_refuses_a_huge_range_at_once(cli) -> None:
    result = cli("query", "-e", HUGE_RANGE)
    assert result.code == 1
    assert "needed more than" in result.err and "memory" in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_max_memory_stops_a_query_that_grows_step_by_step(cli) -> None:
    result = cli("query", "--max-memory", "150M", "-e", GROWING)
    assert result.code == 1 and "needed more than 150 MB of memory" in result.err


def test_timeout_stops_a_runaway_query(cli) -> None:
    result = cli("query", "--timeout", "0.5", "--max-memory", "0", "-e",
                 "UNWIND range(1, 20000000) AS x WITH x WHERE x % 3 = 0 RETURN count(*) AS n")
    assert result.code == 1 and "ran longer than 0.5 s" in result.err


def test_the_environment_sets_the_default_timeout(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELGRAPH_TIMEOUT", "0.5")
    result = cli("query", "-e", "UNWIND range(1, 20000000) AS x WITH x WHERE x % 3 = 0 RETURN count(*) AS n")
    assert result.code == 1 and "ran longer than 0.5 s" in result.err
    monkeypatch.setenv("RELGRAPH_TIMEOUT", "soon")
    result = cli("query", "-e", "RETURN 1")
    assert result.code == 2 and "$RELGRAPH_TIMEOUT" in result.err


@pytest.mark.parametrize("command", [["view", "-o", "{tmp}/v.html"], ["export", "--format", "json", "-o",
                                                                       "{tmp}/g.json"]])
def test_view_and_export_queries_have_the_limits_too(cli, tmp_path, command: list[str]) -> None:
    assert cli("load", "-q").code == 0
    argv = [part.format(tmp=tmp_path) for part in command]
    result = cli(*argv, "--timeout", "0.5", "-e",
                 "UNWIND range(1, 20000000) AS x WITH x WHERE x % 3 = 0 MATCH (n) WHERE n.key = x RETURN n")
    assert result.code == 1 and "ran longer than 0.5 s" in result.err
    assert list(tmp_path.glob("v.html")) == [] and list(tmp_path.glob("g.json")) == []


@pytest.mark.parametrize(("option", "value"), [("--timeout", "-1"), ("--timeout", "abc"),
                                               ("--max-memory", "2X")])
def test_bad_limit_values_are_usage_errors(cli, capsys: pytest.CaptureFixture[str], option: str,
                                           value: str) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's own exit, as for any bad option
        cli("query", option, value, "-e", "RETURN 1")
    assert exited.value.code == 2 and f"argument {option}" in capsys.readouterr().err


def test_the_memory_guard_keeps_nothing_of_a_write() -> None:
    graph = PropertyGraph()
    with pytest.raises(QueryMemoryExceeded), graph.transaction():
        execute(graph, "UNWIND range(1, 2000000) AS i CREATE (:Tick {key: toString(i)})", write=True,
                stop=Stop(memory=50 * 2**20))
    assert execute(graph, "MATCH (t:Tick) RETURN count(t) AS n").value() == [0]


def test_the_python_api_guards_memory_by_default() -> None:
    graph = relgraph.open(":memory:")
    assert graph.max_memory == default_memory_limit() and graph.max_memory <= DEFAULT_MEMORY_CAP
    with pytest.raises(QueryMemoryExceeded):
        graph.query(HUGE_RANGE)
    graph.max_memory = None
    graph.timeout = 0.3
    with pytest.raises(QueryTimeout):
        graph.query("UNWIND range(1, 20000000) AS x WITH x WHERE x % 3 = 0 RETURN count(*) AS n")


def test_call_in_transactions_runs_on_neo4j_under_the_default_timeout(neo4j_store) -> None:
    """With a time limit the store runs a query in an explicit transaction, which Neo4j refuses
    for CALL { } IN TRANSACTIONS; it must then get a session of its own, limit included."""
    neo4j_store.clear()
    neo4j_store.run("UNWIND range(1, 10) AS i CALL { WITH i CREATE (:Batch {i: i}) } IN TRANSACTIONS",
                    write=True, timeout=300)
    assert neo4j_store.run("MATCH (b:Batch) RETURN count(b) AS n").value() == [10]
    with pytest.raises(QueryTimeout, match="committed before then are kept"):
        neo4j_store.run("UNWIND range(1, 100000000) AS i CALL { WITH i CREATE (:Slow {i: i}) } "
                        "IN TRANSACTIONS OF 1000 ROWS", write=True, timeout=1)
    neo4j_store.clear()


def test_memory_running_out_without_a_guard_is_still_one_line(cli) -> None:
    """With the guard lifted, a list too large to allocate raises MemoryError in Python itself."""
    result = cli("query", "--max-memory", "0", "-e", "RETURN size(range(1, 100000000000)) AS n")
    assert result.code == 1
    assert result.err.strip() == ("relgraph query: error: the command ran out of memory and stopped; "
                                  "nothing half-written was kept")
