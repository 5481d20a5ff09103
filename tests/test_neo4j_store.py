"""The Neo4j backend against a real server: merges, atomic loads, read-only queries, shared types.

Every test here talks to the Neo4j that tools/run-tests (or the neo4j_uri fixture)
started; nothing is mocked. ``neo4j_store`` hands each test an empty database.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from relgraph.commands.neo4j import free_port
from relgraph.graph.backends.neo4j.connection import Neo4jSettings, Neo4jUnavailable
from relgraph.graph.backends.neo4j.statements import BATCH_ROWS, supports_dynamic_names
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.store import GraphStore
from relgraph.graph.values import temporal
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.errors import (
    LoadError,
    QueryError,
    ReadOnlyError,
    StoreError,
)
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
)
from relgraph.graph.values.result import Record, Result

from .export_samples import graph_view
from .test_store_networkx import small_batch


@pytest.fixture
def article_neo4j(neo4j_store: Neo4jStore, article_batch: GraphBatch) -> Neo4jStore:
    neo4j_store.load(article_batch)
    return neo4j_store


# --- loading ------------------------------------------------------------------------------


def test_loading_twice_leaves_the_same_graph(neo4j_store, article_batch):
    first = neo4j_store.load(article_batch)
    assert (first.nodes_created, first.relationships_created) == (144, 286)
    before = graph_view(neo4j_store)
    again = neo4j_store.load(article_batch)
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert (again.nodes_matched, again.relationships_matched) == (144, 286)
    assert graph_view(neo4j_store) == before


def test_servers_before_5_26_get_statements_with_exact_names(neo4j_store, neo4j_settings, article_batch):
    """The same load through the pre-5.26 statements (one per label set and type) on this server."""
    neo4j_store.load(article_batch)
    expected = graph_view(neo4j_store)
    neo4j_store.clear()
    with Neo4jStore.connect(neo4j_settings, dynamic_names=False) as exact:
        assert exact.load(article_batch).nodes_created == 144
        assert graph_view(exact) == expected
        again = exact.load(article_batch)
        assert (again.nodes_matched, again.relationships_matched) == (144, 286)
        assert graph_view(exact) == expected
    assert supports_dynamic_names("Neo4j/5.26.30") and supports_dynamic_names("Neo4j/2025.01.0")
    assert not supports_dynamic_names("Neo4j/5.25.1") and not supports_dynamic_names("Neo4j/4.4.40")


def test_reload_updates_properties_and_adds_labels(neo4j_store):
    neo4j_store.load(small_batch())
    changed = small_batch()
    changed.nodes[0] = NodeSpec(["Person", "Leader"], {"key": "p0", "name": "New name", "rank": 1})
    summary = neo4j_store.load(changed)
    assert (summary.nodes_created, summary.nodes_matched) == (0, 3)
    (p0,) = [n for n in neo4j_store.nodes() if n["key"] == "p0"]
    assert p0["name"] == "New name" and p0["rank"] == 1 and p0.labels == {"Person", "Leader"}
    assert neo4j_store.counts().nodes == 3


def test_parallel_relationships_are_kept_apart_by_key(neo4j_store):
    batch = small_batch(2)
    batch.relationships.append(RelSpec("KNOWS", batch.nodes[0].node_key, batch.nodes[1].node_key,
                                       {"key": "second", "since": 2020}))
    neo4j_store.load(batch)
    neo4j_store.load(batch)
    rels = sorted((r["key"], r.get("since")) for r in neo4j_store.relationships(["KNOWS"]))
    assert rels == [("kp0", None), ("second", 2020)]


def test_relationships_may_point_at_nodes_loaded_earlier(neo4j_store):
    neo4j_store.load(small_batch())
    extra = GraphBatch("more", [], [RelSpec("KNOWS", NodeKey("Person", "p2"), NodeKey("Person", "p0"),
                                             {"key": "back"})])
    assert neo4j_store.load(extra).relationships_created == 1
    assert neo4j_store.counts().relationships == 3
    dangling = GraphBatch("bad", [], [RelSpec("KNOWS", NodeKey("Person", "p2"),
                                               NodeKey("Person", "nobody"), {"key": "x"})])
    with pytest.raises(LoadError, match="unknown end node"):
        neo4j_store.load(dangling)
    assert neo4j_store.counts().relationships == 3


def test_an_interrupted_load_changes_nothing(neo4j_store):
    neo4j_store.load(small_batch())
    before = graph_view(neo4j_store)
    calls = []

    def interrupt(done, total, what):
        calls.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        neo4j_store.load(small_batch(BATCH_ROWS + 500, "q"), progress=interrupt)
    assert calls == [BATCH_ROWS]  # the first batch had been written inside the transaction
    assert graph_view(neo4j_store) == before


def test_a_value_neo4j_refuses_in_the_last_batch_rolls_back_the_whole_load(neo4j_store):
    neo4j_store.load(small_batch())
    before = graph_view(neo4j_store)
    batch = small_batch(BATCH_ROWS + 10, "q")
    huge = NodeSpec(["Person"], {"key": "huge"})
    # The model refuses such integers (tests/test_model.py); set after its check, this stands
    # for any value the server refuses once the first batches are written.
    huge.properties["population"] = 2**70
    batch.nodes.append(huge)
    with pytest.raises(QueryError, match="64-bit"):
        neo4j_store.load(batch)
    assert graph_view(neo4j_store) == before


def _key_constraints(store: Neo4jStore) -> set[str]:
    rows = store.run("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
                     "WHERE properties = ['key'] AND type CONTAINS 'UNIQUE' RETURN labelsOrTypes")
    return {labels[0] for (labels,) in rows}


def test_key_constraints_are_created_for_each_primary_label(neo4j_store, article_batch):
    for (name,) in neo4j_store.run("SHOW CONSTRAINTS YIELD name RETURN name"):
        neo4j_store.run(f"DROP CONSTRAINT `{name}`", write=True)
    neo4j_store.load(article_batch)
    primary = {spec.labels[0] for spec in article_batch.nodes}
    assert primary <= _key_constraints(neo4j_store)
    assert "Visit" not in _key_constraints(neo4j_store)  # a secondary label only
    assert neo4j_store.ensure_key_constraints(primary) == []  # nothing left to create
    with pytest.raises(QueryError, match="already exists"):  # the constraint holds
        neo4j_store.run("CREATE (:Person {key: 'islam-karimov'})", write=True)


def test_a_constraint_that_existing_data_breaks_is_reported(neo4j_store):
    for (name,) in neo4j_store.run("SHOW CONSTRAINTS YIELD name, labelsOrTypes "
                                   "WHERE 'Twin' IN labelsOrTypes RETURN name"):
        neo4j_store.run(f"DROP CONSTRAINT `{name}`", write=True)
    neo4j_store.run("CREATE (:Twin {key: 'same'}), (:Twin {key: 'same'})", write=True)
    with pytest.raises(StoreError, match=r"uniqueness constraint on :Twin\(key\)"):
        neo4j_store.load(GraphBatch("t", [NodeSpec(["Twin"], {"key": "other"})], []))
    assert neo4j_store.counts().nodes == 2


def test_progress_is_reported_per_batch(neo4j_store):
    seen = []
    neo4j_store.load(small_batch(BATCH_ROWS + 1), progress=lambda d, t, w: seen.append((d, t, w)))
    total = 2 * (BATCH_ROWS + 1) - 1
    assert seen[0] == (BATCH_ROWS, total, "nodes")
    assert seen[-1] == (total, total, "done")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)


# --- queries ------------------------------------------------------------------------------


def test_queries_are_read_only_unless_asked(article_neo4j):
    before = graph_view(article_neo4j)
    for query in ("CREATE (:Person {key: 'x', name: 'X'})",
                  "MATCH (c:City {key: 'seoul'}) SET c.population = 9411000 RETURN c",
                  "MATCH (p:Person) WITH p ORDER BY p.key LIMIT 1 DETACH DELETE p",
                  "CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)"):
        with pytest.raises(ReadOnlyError, match="--write"):
            article_neo4j.run(query)
    assert graph_view(article_neo4j) == before
    result = article_neo4j.run("MATCH (c:City {key: 'seoul'}) SET c.population = $n RETURN c.population",
                               {"n": 9411000}, write=True)
    assert result.value() == [9411000]
    assert result.summary.counters.properties_set == 1 and result.summary.counters.contains_updates
    assert article_neo4j.run("MATCH (c:City {key: 'seoul'}) RETURN c.population").value() == [9411000]


def test_batched_writes_get_the_transaction_they_need(neo4j_store):
    """CALL { ... } IN TRANSACTIONS cannot run in a managed transaction; with --write it still runs."""
    query = "UNWIND range(1, 5) AS i CALL { WITH i CREATE (:Tick {i: i}) } IN TRANSACTIONS OF 2 ROWS"
    with pytest.raises(ReadOnlyError):
        neo4j_store.run(query)
    assert neo4j_store.run(query, write=True).summary.counters.nodes_created == 5
    assert neo4j_store.counts().labels == {"Tick": 5}


def test_results_are_the_shared_types(article_neo4j):
    result = article_neo4j.run(
        "MATCH path = (p:Person {key: 'islam-karimov'})-[r:HONORARY_CITIZEN_OF]->(c:City) "
        "RETURN p, r, path, [r, {city: c, when: date('2006-05-01')}] AS nested, "
        "datetime('2006-05-01T10:00:00Z') AS at, localtime('10:30') AS t, p.aliases AS aliases")
    assert isinstance(result, Result) and result.keys() == ["p", "r", "path", "nested", "at", "t",
                                                             "aliases"]
    (row,) = result
    assert isinstance(row, Record)
    assert isinstance(row["p"], Node) and row["p"].labels == {"Person"}
    assert row["p"]["name"] == "Islam Karimov"
    rel = row["r"]
    assert isinstance(rel, Relationship) and rel.type == "HONORARY_CITIZEN_OF" and rel["year"] == 2006
    assert rel.start_node == row["p"] and rel.end_node["key"] == "seoul"
    assert isinstance(row["path"], Path) and len(row["path"]) == 1
    assert row["path"].end_node.labels == {"City"}
    nested_rel, nested_map = row["nested"]
    assert isinstance(nested_rel, Relationship) and isinstance(nested_map["city"], Node)
    # the embedded engine's temporal types (tests/test_backend_parity.py compares them in full)
    assert type(nested_map["when"]) is temporal.Date and nested_map["when"].iso() == "2006-05-01"
    assert type(row["at"]) is temporal.DateTime and str(row["at"]) == "2006-05-01T10:00Z"
    assert type(row["t"]) is temporal.LocalTime and str(row["t"]) == "10:30"
    assert row["aliases"] == ["Karimov"]
    assert result.summary.backend == "neo4j" and not result.summary.counters.contains_updates


def test_a_relationship_returned_alone_has_complete_endpoints(article_neo4j):
    (rel,) = article_neo4j.run("MATCH (:Person {key: 'islam-karimov'})-[r:HONORARY_CITIZEN_OF]->"
                               "(:City {key: 'seoul'}) RETURN r").value()
    assert rel.start_node.labels == {"Person"} and rel.start_node["name"] == "Islam Karimov"
    assert rel.end_node.labels == {"City"} and rel.end_node["name"] == "Seoul"


def test_query_errors_say_what_went_wrong(article_neo4j):
    with pytest.raises(QueryError, match=r"(?s)line 1, column 11.*SyntaxError"):
        article_neo4j.run("RETURN 1 +")
    with pytest.raises(QueryError, match="ParameterMissing"):
        article_neo4j.run("MATCH (p:Person {key: $who}) RETURN p")
    with pytest.raises(QueryError, match="ArithmeticError"):
        article_neo4j.run("RETURN 1 / 0")
    assert not isinstance(QueryError("x"), ReadOnlyError)


def test_explain_shows_the_plan_without_running(article_neo4j):
    plan = article_neo4j.explain("MATCH (p:Person {key: $key}) SET p.seen = true", {"key": "x"})
    assert "NodeUniqueIndexSeek" in plan and "SetProperty" in plan
    assert article_neo4j.run("MATCH (p:Person) WHERE p.seen RETURN count(p)").value() == [0]


# --- reading the graph ------------------------------------------------------------------------


def test_counts_match_a_full_scan(article_neo4j):
    fast = article_neo4j.counts()
    assert (fast.nodes, fast.relationships) == (144, 286)
    assert fast == GraphStore.counts(article_neo4j)  # the generic, streaming implementation


def test_nodes_and_relationships_filter_by_label_and_type(article_neo4j):
    cities = list(article_neo4j.nodes(["City"]))
    assert len(cities) == 7 and all("City" in n.labels for n in cities)
    assert len(list(article_neo4j.nodes(["City", "Country"]))) == 17
    assert list(article_neo4j.nodes([])) == [] and list(article_neo4j.relationships([])) == []
    located = list(article_neo4j.relationships(["LOCATED_IN"]))
    assert len(located) == 33 and all(r.start_node.get("key") for r in located)
    ids = [n.element_id for n in article_neo4j.nodes()]
    assert ids == [n.element_id for n in article_neo4j.nodes()]  # a stable order


@pytest.mark.parametrize(("name", "depth", "types"), [
    ("islam-karimov", 0, None), ("islam-karimov", 1, None), ("navoi", 2, None),
    ("seoul", 2, ["SISTER_CITY_OF", "LOCATED_IN"]), ("uzbekistan", 1, ["NO_SUCH_TYPE"]),
    ("tashkent", 3, ["LOCATED_IN"]), ("seoul", 2, []),
])
def test_neighbourhood_is_the_generic_one_natively(article_neo4j, name, depth, types):
    (center,) = article_neo4j.find(name)
    nodes, rels = article_neo4j.neighbourhood([center.element_id], depth, types)
    g_nodes, g_rels = GraphStore.neighbourhood(article_neo4j, [center.element_id], depth, types)
    assert {n.element_id for n in nodes} == {n.element_id for n in g_nodes}
    assert {r.element_id for r in rels} == {r.element_id for r in g_rels}
    assert center in nodes
    assert all(r.start_node in nodes and r.end_node in nodes for r in rels)


def test_find_by_key_name_or_alias_ignoring_case(article_neo4j):
    assert [n["key"] for n in article_neo4j.find("NAVOIY")] == ["navoi"]
    assert [n["key"] for n in article_neo4j.find("islam-karimov")] == ["islam-karimov"]
    assert article_neo4j.find("Islam Karimov") == GraphStore.find(article_neo4j, "Islam Karimov")
    assert article_neo4j.find("nobody at all") == []


def test_clear_removes_everything(article_neo4j):
    article_neo4j.clear()
    assert article_neo4j.counts().nodes == 0 and list(article_neo4j.relationships()) == []


# --- connecting ---------------------------------------------------------------------------------


def test_nothing_listening_fails_at_once_with_a_helpful_message():
    uri = f"bolt://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(Neo4jUnavailable) as caught:
        Neo4jStore.connect(Neo4jSettings(uri), timeout=5)
    assert time.monotonic() - started < 1
    message = str(caught.value)
    assert uri in message and "connection refused" in message
    assert "relgraph neo4j start" in message and "docker compose up -d" in message


def test_a_port_that_never_answers_gives_up_after_the_timeout():
    """A listener that accepts but never speaks Bolt must not hold the caller for a minute."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.extend(server.accept()[0] for _ in range(8)),
                     daemon=True).start()
    started = time.monotonic()
    with pytest.raises(Neo4jUnavailable, match=r"no answer in time|no Bolt handshake"):
        Neo4jStore.connect(Neo4jSettings(f"bolt://127.0.0.1:{server.getsockname()[1]}"), timeout=0.5)
    assert time.monotonic() - started < 3
    server.close()


def test_an_unknown_database_is_an_error_not_an_absent_server(neo4j_uri):
    with pytest.raises(StoreError, match="no database 'nosuchdb'") as caught:
        Neo4jStore.connect(Neo4jSettings(neo4j_uri, database="nosuchdb"))
    assert not isinstance(caught.value, Neo4jUnavailable)


def test_a_bad_uri_is_reported():
    with pytest.raises(StoreError, match="bad Neo4j URI"):
        Neo4jStore.connect(Neo4jSettings("http://127.0.0.1:7474"))
    with pytest.raises(StoreError, match="bad Neo4j URI"):
        Neo4jStore.connect(Neo4jSettings("bolt://127.0.0.1:notaport"))


def test_settings_come_from_options_then_environment():
    env = {"NEO4J_URI": "bolt://db:7687", "NEO4J_USERNAME": "reader", "NEO4J_PASSWORD": "secret",
           "NEO4J_DATABASE": "graphs"}
    assert Neo4jSettings.from_env(env) == Neo4jSettings("bolt://db:7687", "reader", "secret", "graphs")
    assert Neo4jSettings.from_env(env, uri="bolt://other:7687").uri == "bolt://other:7687"
    assert Neo4jSettings.from_env({}) == Neo4jSettings("bolt://127.0.0.1:7687")
    assert Neo4jSettings.from_env({}).auth is None
    assert Neo4jSettings.from_env({"NEO4J_PASSWORD": "pw"}).auth == ("neo4j", "pw")
