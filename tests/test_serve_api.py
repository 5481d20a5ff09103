"""The explorer's JSON API over real HTTP (uvicorn), on both backends: every endpoint and its errors.

The server is the one ``relgraph serve`` runs (graph/explorer/server.py), started on a free
port of 127.0.0.1; the client is httpx.
"""

from __future__ import annotations

import gc
import io
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from relgraph.graph.backends.neo4j import Neo4jSettings, Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.explorer import Explorer, ExplorerOptions, ExplorerServer
from relgraph.graph.explorer.service import fold
from relgraph.graph.store import GraphStore
from relgraph.loaders import default_sources, read_sources

RUNAWAY = ("MATCH (a), (b), (c), (d) WHERE a.key < b.key AND b.key < c.key AND c.key < d.key "
           "RETURN count(*) AS n")


def serve(store: GraphStore, **options: object) -> ExplorerServer:
    return ExplorerServer(Explorer(store, ExplorerOptions(**options)), port=0).start()  # type: ignore[arg-type]


def client(server: ExplorerServer, *, token: bool = True) -> httpx.Client:
    headers = {"Authorization": f"Bearer {server.token}"} if token else {}
    return httpx.Client(base_url=server.base, headers=headers, timeout=60)


@pytest.fixture(scope="module")
def server(query_store: GraphStore) -> Iterator[ExplorerServer]:
    """The explorer over the article, on each backend in turn (``query_store``)."""
    running = serve(query_store, timeout=20)
    yield running
    running.stop()


@pytest.fixture
def api(server: ExplorerServer) -> Iterator[httpx.Client]:
    with client(server) as c:
        yield c


def entity(api: httpx.Client, name: str) -> dict:
    (found,) = [n for n in api.get("/api/search", params={"q": name}).json()["results"] if n["name"] == name]
    return found


# --- who may talk to it ----------------------------------------------------------------------------


def test_the_api_needs_the_token(server):
    with client(server, token=False) as anonymous:
        refused = anonymous.get("/api/info")
        assert refused.status_code == 403 and "token" in refused.json()["error"]["message"]
        wrong = anonymous.get("/api/info", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 403
        assert anonymous.post("/api/query", json={"query": "RETURN 1"}).status_code == 403


def test_the_page_takes_the_token_once_and_keeps_it_as_a_cookie(server):
    with httpx.Client(base_url=server.base) as browser:
        assert browser.get("/").status_code == 403
        assert browser.get("/", params={"token": "wrong"}).status_code == 403
        opened = browser.get("/", params={"token": server.token}, follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/"
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = browser.get("/")
        assert page.status_code == 200 and "<title>relgraph explorer</title>" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["referrer-policy"] == "no-referrer"
        # the cookie alone does not make an API call: the page's calls carry X-Relgraph, which a
        # foreign page could only add after a CORS preflight the explorer never grants
        assert browser.get("/api/info").status_code == 403
        assert browser.get("/api/info", headers={"X-Relgraph": "1"}).status_code == 200


def test_foreign_hosts_and_origins_are_refused_even_with_the_token(api, server):
    rebound = api.get("/api/info", headers={"Host": f"attacker.example:{server.port}"})
    assert rebound.status_code == 403 and "attacker.example" in rebound.json()["error"]["message"]
    cross = api.post("/api/query", json={"query": "RETURN 1"}, headers={"Origin": "http://attacker.example"})
    assert cross.status_code == 403 and "cross-site" in cross.json()["error"]["message"]
    same = api.post("/api/query", json={"query": "RETURN 1 AS one"}, headers={"Origin": server.base})
    assert same.status_code == 200
    assert api.get("/api/info", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


# --- what the page asks once ---------------------------------------------------------------------


def test_info_schema_and_scripts(api, server):
    info = api.get("/api/info").json()
    assert info["backend"] in ("networkx", "neo4j") and info["write"] is False
    assert info["nodes"] == 144 and info["relationships"] == 286
    formats = {f["name"] for f in info["formats"]}
    assert formats >= {"graphml", "gexf", "json", "jsonl", "csv", "cypher", "html"}
    assert info["sources"] == {"south-korea-uzbekistan-relations": "South Korea–Uzbekistan relations"}
    schema = api.get("/api/schema").json()
    assert schema["labels"]["Person"] == 12 and "MADE_VISIT" in schema["types"]
    assert {"name", "quote", "year"} <= set(schema["propertyKeys"])
    assert {"toUpper", "count", "date.truncate", "duration.inMonths"} <= set(schema["functions"])
    assert schema["legend"][0] == {"label": "Event", "count": 45, "color": schema["legend"][0]["color"],
                                   "shape": schema["legend"][0]["shape"]}
    scripts = {s["name"]: s for s in api.get("/api/scripts").json()["scripts"]}
    person = scripts["person-visits"]["parameters"][0]
    assert person == {"name": "person", "type": "entity<Person>", "required": False, "default": "Moon Jae-in",
                      "entity": True, "label": "Person"}


# --- queries -------------------------------------------------------------------------------------------


def test_a_query_returns_rows_and_the_graph_in_them(api):
    result = api.post("/api/query", json={
        "query": "MATCH p = (:Person {name: $name})-[:MADE_VISIT]->(v) "
                 "RETURN p, v.year AS year ORDER BY year",
        "parameters": {"name": "Islam Karimov"}}).json()
    assert result["columns"] == ["p", "year"] and result["rowCount"] == len(result["rows"]) > 3
    path = result["rows"][0][0]
    assert path["$type"] == "path" and len(path["nodes"]) == 2 and len(path["relationships"]) == 1
    graph = result["graph"]
    assert graph["nodeCount"] == len(graph["nodes"]) == result["rowCount"] + 1
    karimov = next(n for n in graph["nodes"] if n["name"] == "Islam Karimov")
    assert karimov["labels"] == ["Person"] and karimov["props"]["key"] == "islam-karimov"
    assert karimov["color"].startswith("#") and karimov["shape"]
    assert {e["type"] for e in graph["edges"]} == {"MADE_VISIT"}
    assert result["backend"] in ("networkx", "neo4j") and result["elapsedMs"] >= 0


def test_large_results_are_capped_and_say_so(api):
    capped = api.post("/api/query", json={"query": "MATCH (n) RETURN n", "rows": 10, "nodes": 7}).json()
    assert capped["rowCount"] == 144 and len(capped["rows"]) == 10
    assert capped["graph"]["nodeCount"] == 144 and len(capped["graph"]["nodes"]) == 7
    everything = api.post("/api/query", json={"query": "MATCH (n) RETURN n", "rows": 1000,
                                              "nodes": 1000}).json()
    assert len(everything["rows"]) == 144 and len(everything["graph"]["nodes"]) == 144
    for bad in ({"rows": 0}, {"rows": 10**9}, {"nodes": "many"}, {"rows": True}):
        refused = api.post("/api/query", json={"query": "RETURN 1", **bad})
        assert refused.status_code == 400, bad
        assert refused.json()["error"]["type"] == "RequestError"


def test_connect_adds_the_relationships_among_returned_nodes(api):
    query = "MATCH (c:City {name: 'Seoul'}), (t:City {name: 'Tashkent'}) RETURN c, t"
    alone = api.post("/api/query", json={"query": query}).json()["graph"]
    connected = api.post("/api/query", json={"query": query, "connect": True}).json()["graph"]
    assert alone["edges"] == [] and {e["type"] for e in connected["edges"]} == {"SISTER_CITY_OF"}


def test_query_errors_are_json_with_the_position(api, server):
    broken = api.post("/api/query", json={"query": "MATCH (c:City RETURN c"})
    assert broken.status_code == 422 and "Traceback" not in broken.text
    error = broken.json()["error"]
    if server.explorer.store.backend == "networkx":  # the embedded engine says where, with a caret
        assert error["type"] == "CypherSyntaxError"
        assert error["position"] == {"line": 1, "column": 15, "offset": 14}
        assert error["message"] == "expected ')', found 'RETURN'" and "^" in error["detail"]
    else:  # Neo4j's own words, and the position it gives
        assert error["type"] == "QueryError" and "Invalid input" in error["message"]
        assert error["position"] == {"line": 1, "column": 15, "offset": 14}
    assert api.post("/api/query", json={"query": ""}).status_code == 400
    assert api.post("/api/query", content=b"{not json").status_code == 400
    assert api.post("/api/query", json=["RETURN 1"]).status_code == 400
    missing = api.post("/api/query", json={"query": "RETURN $who"})
    assert missing.status_code == 422


def test_a_read_only_explorer_refuses_writes_and_changes_nothing(api):
    refused = api.post("/api/query", json={"query": "CREATE (:Scratch {key: 'x'})"})
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "ReadOnlyError"
    count = api.post("/api/query", json={"query": "MATCH (n:Scratch) RETURN count(n) AS n"}).json()
    assert count["rows"] == [[0]]


def test_scripts_run_with_typed_parameters_and_entities_by_any_name(api):
    result = api.post("/api/script", json={"name": "person-visits", "parameters": {"person": "moon jae-in"}})
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["name"] == "person-visits" and body["parameters"] == {"person": "Moon Jae-in"}
    assert body["rowCount"] >= 1
    between = api.post("/api/script", json={"name": "events-between",
                                            "parameters": {"from": "2014", "to": 2016}}).json()
    assert between["parameters"] == {"from": 2014, "to": 2016}
    unknown = api.post("/api/script", json={"name": "no-such-script"})
    assert unknown.status_code == 422 and "no query script named" in unknown.json()["error"]["message"]
    a_file = api.post("/api/script", json={"name": "/etc/passwd"})
    assert a_file.status_code == 422  # only the shipped scripts: a request never names a file
    typo = api.post("/api/script", json={"name": "city", "parameters": {"city": "Tashkemt"}})
    assert typo.status_code == 422 and "did you mean 'Tashkent'" in typo.json()["error"]["message"]
    bad = api.post("/api/script", json={"name": "events-between", "parameters": {"from": "twenty"}})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "ScriptError"


# --- growing the drawing ---------------------------------------------------------------------------


def test_expanding_a_node_caps_new_neighbours_and_counts_the_rest(api):
    tashkent = entity(api, "Tashkent")
    everything = api.post("/api/expand", json={"id": tashkent["id"], "limit": 1000}).json()
    capped = api.post("/api/expand", json={"id": tashkent["id"], "limit": 3}).json()
    assert everything["neighbours"] == len(everything["nodes"]) > 3 and everything["omitted"] == 0
    assert len(capped["nodes"]) == 3 and capped["omitted"] == everything["neighbours"] - 3
    drawn = {n["id"] for n in capped["nodes"]} | {tashkent["id"]}
    assert all(e["from"] in drawn and e["to"] in drawn for e in capped["edges"])
    located = api.post("/api/expand", json={"id": tashkent["id"], "types": ["LOCATED_IN"],
                                            "limit": 1000}).json()
    assert located["edges"] and {e["type"] for e in located["edges"]} == {"LOCATED_IN"}
    # what is drawn already is not new, but its relationships to the node come along
    again = api.post("/api/expand", json={"id": tashkent["id"], "present": sorted(drawn),
                                          "limit": 1000}).json()
    assert not drawn & {n["id"] for n in again["nodes"]}
    assert api.post("/api/expand", json={"id": "no-such-node"}).status_code == 422
    assert api.post("/api/expand", json={"id": tashkent["id"], "limit": -1}).status_code == 400


def test_how_two_nodes_are_connected(api):
    karimov, seoul = entity(api, "Islam Karimov"), entity(api, "Seoul")
    path = api.post("/api/path", json={"from": karimov["id"], "to": seoul["id"]}).json()
    assert path["length"] == len(path["edges"]) >= 1 and len(path["nodes"]) == path["length"] + 1
    assert {karimov["id"], seoul["id"]} <= {n["id"] for n in path["nodes"]}
    assert api.post("/api/path", json={"from": karimov["id"]}).status_code == 400


def test_search_finds_names_keys_and_aliases_in_any_case(api):
    found = api.get("/api/search", params={"q": "TASHK"}).json()["results"]
    assert found[0]["name"] == "Tashkent"
    navoi = api.get("/api/search", params={"q": "navoiy"}).json()["results"]  # an alias
    assert any(n["name"] == "Navoi" for n in navoi)
    cities = api.get("/api/search", params={"q": "s", "label": "City"}).json()["results"]
    assert cities and all("City" in n["labels"] for n in cities)
    assert api.get("/api/search", params={"q": ""}).json()["results"] == []
    assert api.get("/api/search", params={"q": "a", "limit": 500}).status_code == 400
    ids = [n["id"] for n in found[:2]]
    assert [n["id"] for n in api.post("/api/nodes", json={"ids": ids}).json()["nodes"]] == ids


# --- exporting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("ozbekiston", "Oʻzbekiston"), ("o'zbekiston", "O‘ZBEKISTON"), ("ecole", "École"),
    ("strasse", "Straße"), ("tashkent", "Ｔａｓｈｋｅｎｔ"), ("ташкент", "Ташкент"),
    ("moon jae-in", "  Moon\tJae-in "),
])
def test_search_folds_case_accents_apostrophes_widths_and_spaces(typed, stored):
    assert fold(typed) == fold(stored)
    assert fold("tashkent") != fold("ташкент") and fold("seoul") != fold("seo ul")


def test_the_drawing_exports_the_bytes_relgraph_export_writes(api, server, tmp_path, cli):
    query = "MATCH p = (:City {name: 'Tashkent'})-[:SISTER_CITY_OF]-() RETURN p"
    graph = api.post("/api/query", json={"query": query}).json()["graph"]
    selection = {"nodes": [n["id"] for n in graph["nodes"]],
                 "relationships": [e["id"] for e in graph["edges"]]}
    downloaded = api.post("/api/export", json={"format": "graphml", **selection})
    assert downloaded.status_code == 200
    assert downloaded.headers["content-disposition"] == 'attachment; filename="relgraph-export.graphml"'
    assert cli("load").code == 0
    assert cli("export", "-e", query, "-o", str(tmp_path / "cli.graphml")).code == 0
    assert downloaded.content == (tmp_path / "cli.graphml").read_bytes()
    archive = api.post("/api/export", json={"format": "csv", **selection})
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        assert {"nodes.csv", "relationships.csv"} <= set(z.namelist())
    page = api.post("/api/export", json={"format": "html", **selection})
    assert page.headers["content-type"].startswith("text/html") and b"<!DOCTYPE html>" in page.content
    assert api.post("/api/export", json={"format": "docx", **selection}).status_code == 422
    empty = api.post("/api/export", json={"format": "json", "nodes": [], "relationships": []})
    assert empty.status_code == 422


def test_the_last_result_exports_in_full_as_relgraph_export_would(api, server, tmp_path, cli):
    # a script whose entity parameter is given by an alias in another case, with --connect
    args = {"name": "KARIMOV", "depth": "1"}
    run = api.post("/api/script", json={"name": "ego-network", "parameters": args,
                                        "nodes": 2, "connect": True}).json()
    assert run["graph"]["nodeCount"] > 2 == len(run["graph"]["nodes"])  # the drawing is capped
    downloaded = api.post("/api/export", json={"format": "graphml", "script": "ego-network",
                                               "parameters": args, "connect": True})
    assert downloaded.status_code == 200, downloaded.text
    assert cli("load").code == 0
    written = tmp_path / "cli.graphml"
    assert cli("export", "--query", "ego-network", "--param", "name=KARIMOV", "--param", "depth=1",
               "--connect", "-o", str(written)).code == 0
    assert downloaded.content == written.read_bytes()
    assert downloaded.content.count(b"<node ") == run["graph"]["nodeCount"]

    query = "MATCH (c:City) RETURN c"
    as_json = api.post("/api/export", json={"format": "json", "query": query})
    assert cli("export", "-e", query, "-o", str(tmp_path / "cities.json")).code == 0
    assert as_json.content == (tmp_path / "cities.json").read_bytes()


def test_exporting_a_result_is_checked_and_never_writes(empty_store):
    empty_store.run("CREATE (:Note {key: 'n1', name: 'first'})", write=True)
    server = serve(empty_store, write=True)
    try:
        with client(server) as c:
            writing = c.post("/api/export", json={"format": "json", "query": "CREATE (n:Note) RETURN n"})
            assert writing.status_code == 403, writing.text
            assert c.post("/api/query", json={"query": "MATCH (n) RETURN count(n)"}).json()["rows"] == [[1]]
            both = c.post("/api/export", json={"format": "json", "query": "MATCH (n) RETURN n",
                                               "script": "person-visits"})
            assert both.status_code == 400 and "either" in both.json()["error"]["message"]
            unknown = c.post("/api/export", json={"format": "json", "script": "nothing-like-it"})
            assert unknown.status_code == 422
            nothing = c.post("/api/export", json={"format": "json", "query": "MATCH (n) RETURN n.name"})
            assert nothing.status_code == 422 and "returned no nodes" in nothing.json()["error"]["message"]
            pdf = c.post("/api/export", json={"format": "pdf", "query": "MATCH (n) RETURN n"})
            assert pdf.status_code == 422
    finally:
        server.stop()


# --- time limits and cancelling --------------------------------------------------------------------


def test_cancel_stops_a_running_query_and_the_server_answers_the_next(server):
    outcome: list[httpx.Response] = []

    def runaway() -> None:
        with client(server) as c:
            outcome.append(c.post("/api/query", json={"query": RUNAWAY, "id": "runaway-api"}))

    worker = threading.Thread(target=runaway)
    worker.start()
    with client(server) as c:
        deadline = time.monotonic() + 15
        while not c.post("/api/cancel", json={"id": "runaway-api"}).json()["cancelled"]:
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.05)
        worker.join(timeout=30)
        assert outcome and outcome[0].status_code == 409
        assert outcome[0].json()["error"]["type"] == "QueryCancelled"
        assert c.post("/api/query", json={"query": "RETURN 1 AS one"}).json()["rows"] == [[1]]


def test_a_runaway_query_is_stopped_by_the_timeout_without_holding_other_requests(query_store):
    server = serve(query_store, timeout=1.0)
    try:
        with client(server) as c:
            slow: list[httpx.Response] = []
            worker = threading.Thread(
                target=lambda: slow.append(c.post("/api/query", json={"query": RUNAWAY})))
            started = time.monotonic()
            worker.start()
            time.sleep(0.2)
            with client(server) as other:  # meanwhile, another request is answered
                quick = other.post("/api/query", json={"query": "MATCH (c:Country) RETURN count(c) AS n"})
            answered_after = time.monotonic() - started
            worker.join(timeout=30)
            exporting = c.post("/api/export", json={"format": "json", "query": RUNAWAY})  # run again
        assert quick.json()["rows"] == [[10]] and answered_after < 1.0
        assert slow[0].status_code == 504 and "longer than 1 s" in slow[0].json()["error"]["message"]
        assert exporting.status_code == 504
    finally:
        server.stop()


# --- writing, and another process's writes --------------------------------------------------------------


def test_a_write_explorer_writes_and_says_so(empty_store):
    server = serve(empty_store, write=True)
    try:
        with client(server) as c:
            assert c.get("/api/info").json()["write"] is True
            made = c.post("/api/query",
                          json={"query": "CREATE (:Note {key: 'n1', name: 'first'}) RETURN 1"}).json()
            assert made["counters"] == {"nodes_created": 1, "labels_added": 1, "properties_set": 2}
            assert c.get("/api/search", params={"q": "first"}).json()["results"][0]["name"] == "first"
    finally:
        server.stop()


def test_a_write_explorer_runs_reads_side_by_side():
    store = NetworkxStore()  # in memory, where reads run as writes would collide
    store.load(read_sources(default_sources()))
    explorer = Explorer(store, ExplorerOptions(write=True))
    answers: list[object] = []

    def read() -> None:
        try:
            answers.append(explorer.query("UNWIND range(1, 300000) AS i RETURN count(i) AS n")["rows"])
        except Exception as exc:  # what went wrong becomes the assertion's message
            answers.append(exc)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)
    assert answers == [[[300000]]] * 4


class HeldStore(Neo4jStore):
    """A Neo4j store whose full node scan waits for a signal: a search index being built.

    Neo4j, because there the explorer's writes do not wait for readers (the server keeps
    transactions apart); on the embedded store a write waits for the index to be built."""

    def __init__(self, settings: Neo4jSettings) -> None:
        super().__init__(settings)
        self.scanning = threading.Event()
        self.release = threading.Event()

    def nodes(self, labels=None):  # type: ignore[no-untyped-def]
        scanned = list(super().nodes(labels))
        if labels is None:
            self.scanning.set()
            assert self.release.wait(10)
        return iter(scanned)


def test_a_search_index_built_before_a_write_is_not_kept(empty_neo4j, neo4j_settings):
    store = HeldStore(neo4j_settings)
    store.run("CREATE (:Note {key: 'old', name: 'old note'})", write=True)
    explorer = Explorer(store, ExplorerOptions(write=True))
    warming = threading.Thread(target=explorer.warm)
    warming.start()
    assert store.scanning.wait(10)  # the index is being built from the graph as it was
    explorer.query("CREATE (:Note {key: 'new', name: 'new note'})")
    store.release.set()
    warming.join(10)
    assert [r["name"] for r in explorer.search("note")] == ["new note", "old note"]
    store.close()


def test_the_heap_is_frozen_only_in_a_process_of_the_explorers_own():
    gc.unfreeze()
    store = NetworkxStore()
    try:
        serve(store).stop()  # as in a notebook or these tests: the process's objects untouched
        assert gc.get_freeze_count() == 0
        serve(store, owns_process=True).stop()  # as relgraph serve
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_snapshot_replaced_by_another_process_is_read_again(tmp_path: Path):
    path = tmp_path / "shared.snapshot"
    NetworkxStore(path).load(read_sources(default_sources()))
    server = serve(NetworkxStore(path))
    try:
        with client(server) as c:
            assert c.get("/api/info").json()["nodes"] == 144
            other = NetworkxStore(path)  # as another relgraph process would
            other.run("CREATE (:Note {key: 'from-elsewhere', name: 'written elsewhere'})", write=True)
            assert c.get("/api/info").json()["nodes"] == 145
            assert c.get("/api/search", params={"q": "elsewhere"}).json()["results"]
    finally:
        server.stop()


def test_unknown_routes_and_methods_answer_json(api):
    missing = api.get("/api/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"
    wrong = api.get("/api/query")
    assert wrong.status_code == 405 and wrong.json()["error"]["type"] == "MethodNotAllowed"
    assert api.get("/static/../../etc/passwd").status_code == 404
    assert api.get("/static/editor.js").headers["content-type"].startswith("text/javascript")


def test_the_listening_socket_says_it_is_tcp_so_answers_are_not_held_back(server):
    """asyncio turns Nagle's algorithm off only on sockets created as IPPROTO_TCP; without it every
    answer with a body waited ~40 ms for the client's delayed ACK (bench/serve.py found it)."""
    assert server._socket.proto == socket.IPPROTO_TCP
