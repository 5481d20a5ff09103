"""A query's time limit and cancel switch, on both backends: they stop it, keep nothing it did,
and leave the store answering the next query."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from relgraph.graph.cypher import Stop, execute
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import QueryCancelled, QueryTimeout

#: Slow on both backends and light on memory: a four-way product filtered pair by pair.
RUNAWAY = ("MATCH (a), (b), (c), (d) WHERE a.key < b.key AND b.key < c.key AND c.key < d.key "
           "RETURN count(*) AS n")


def test_a_timeout_stops_a_runaway_query_and_the_store_answers_the_next(query_store):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"longer than 0\.5 s"):
        query_store.run(RUNAWAY, timeout=0.5)
    assert time.monotonic() - started < 5
    assert query_store.run("MATCH (n:Country) RETURN count(n) AS n", timeout=5).value() == [10]


def test_cancel_stops_a_running_query(query_store):
    failures: list[BaseException] = []

    def runaway() -> None:
        try:
            query_store.run(RUNAWAY, query_id="runaway-1")
        except BaseException as exc:  # reported below
            failures.append(exc)

    worker = threading.Thread(target=runaway)
    worker.start()
    deadline = time.monotonic() + 10
    while not query_store.cancel("runaway-1"):  # until the query has started (and is found)
        assert time.monotonic() < deadline, "the query never showed up to be cancelled"
        time.sleep(0.05)
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(failures) == 1 and isinstance(failures[0], QueryCancelled)
    assert query_store.cancel("runaway-1") is False  # nothing runs under that id any more


def test_a_write_that_times_out_keeps_nothing(empty_store):
    with pytest.raises(QueryTimeout):
        empty_store.run("UNWIND range(1, 2000000) AS i CREATE (:Tick {key: toString(i)})",
                        write=True, timeout=0.3)
    assert empty_store.run("MATCH (t:Tick) RETURN count(t) AS n").value() == [0]


def test_the_engine_checks_its_stop_inside_long_loops():
    """Each kind of long loop stops: pattern scans, unwinding, comprehensions, variable-length paths."""
    graph = PropertyGraph()
    with graph.transaction():
        ids = [graph.create_node(["N"], {"key": str(i)}) for i in range(60)]
        for a, b in itertools.pairwise(ids):
            graph.create_rel(a, b, "NEXT", {})
            graph.create_rel(b, a, "BACK", {})
    for query in (RUNAWAY,
                  "UNWIND range(1, 3000000) AS i WITH i WHERE i % 7 = 0 RETURN count(*)",
                  "RETURN size([x IN range(1, 3000000) WHERE x % 3 = 0]) AS n",
                  "MATCH p = (a)-[*]-(b) RETURN count(p)"):
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            execute(graph, query, stop=Stop(timeout=0.3))
        assert time.monotonic() - started < 2, query
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(QueryCancelled):
        execute(graph, RUNAWAY, stop=Stop(cancel=cancel))
