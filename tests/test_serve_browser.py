"""The explorer used as a person uses it: headless Chromium against the real server, both backends.

Type a query and run it, run a script through its form, double-click to expand and undo,
download GraphML and load it back, download a picture; and the things that must not
happen: a request leaving 127.0.0.1, a name from the data running as code, an API call
without the token, a runaway query holding the server.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from relgraph.graph.explorer import Explorer, ExplorerOptions, ExplorerServer
from relgraph.graph.store import GraphStore
from tests.browser import READY_TIMEOUT
from tests.test_view import HOSTILE, hostile_store

RUNAWAY = ("MATCH (a), (b), (c), (d) WHERE a.key < b.key AND b.key < c.key AND c.key < d.key "
           "RETURN count(*) AS n")


@dataclass
class Page:
    """The explorer open in a tab, with every request, dialog and error it caused."""

    page: Any
    server: ExplorerServer
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait_until(self, expression: str, arg: Any = None, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.js(expression, arg):
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {expression}; errors: {self.errors}")
            self.page.wait_for_timeout(50)

    def drawn(self) -> dict[str, int]:
        counts: dict[str, int] = self.js("() => relgraphExplorer.drawnCounts()")
        return counts

    def summary(self) -> str:
        return str(self.page.text_content("#summary"))

    def run_query(self, text: str) -> None:
        """Type ``text`` into the editor as a person would, and press Ctrl-Enter."""
        self.page.click("#editor .cm-content")
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(text)
        before = self.js("() => relgraphExplorer.state.result && relgraphExplorer.state.result.id")
        self.page.keyboard.press("Control+Enter")
        self.wait_until("(before) => !relgraphExplorer.state.running && "
                        "((relgraphExplorer.state.result && relgraphExplorer.state.result.id !== before) || "
                        "!document.getElementById('error').hidden)", before)

    def node_id(self, name: str) -> str:
        found: str = self.js(
            "(name) => [...relgraphExplorer.state.nodes.values()].find(n => n.name === name).id", name)
        return found

    def point(self, node_id: str) -> tuple[float, float]:
        where = self.js("""(id) => {
            const net = relgraphExplorer.network;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('graph').getBoundingClientRect();
            return {x: p.x + box.left, y: p.y + box.top};
        }""", node_id)
        return where["x"], where["y"]

    def settle(self) -> None:
        """Let the layout stop moving, so that a node stays where a click aims."""
        self.js("() => relgraphExplorer.network.stopSimulation()")
        self.page.wait_for_timeout(200)


def open_explorer(browser: Any, server: ExplorerServer, hash_part: str = "") -> Page:
    context = browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True)
    page = context.new_page()
    opened = Page(page, server)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.url + hash_part)
    deadline = time.monotonic() + READY_TIMEOUT
    while not opened.js("() => Boolean(window.relgraphExplorer && window.relgraphExplorer.state.ready)"):
        if time.monotonic() > deadline:
            pytest.fail(f"the explorer was not ready after {READY_TIMEOUT:.0f} s: {opened.errors}")
        page.wait_for_timeout(50)
    return opened


@pytest.fixture(scope="module")
def server(query_store: GraphStore) -> Iterator[ExplorerServer]:
    """The explorer over the article, on each backend in turn (``query_store``)."""
    running = ExplorerServer(Explorer(query_store, ExplorerOptions(timeout=1.5)), port=0).start()
    yield running
    running.stop()


@pytest.fixture
def explorer(browser: Any, server: ExplorerServer) -> Iterator[Page]:
    opened = open_explorer(browser, server)
    yield opened
    origin = server.base
    assert [url for url in opened.requests if not url.startswith(origin + "/")] == []
    assert opened.errors == [] and opened.dialogs == []
    opened.page.context.close()


def test_a_typed_query_draws_its_nodes_and_relationships(explorer: Page):
    explorer.run_query("MATCH p = (:Person {name: 'Islam Karimov'})-[:MADE_VISIT]->() RETURN p")
    result = explorer.js("() => relgraphExplorer.state.result")
    assert result["rowCount"] >= 4
    explorer.wait_until("(n) => relgraphExplorer.drawnCounts().nodes === n", result["rowCount"] + 1)
    assert explorer.drawn() == {"nodes": result["rowCount"] + 1, "edges": result["rowCount"]}
    assert re.match(rf"{result['rowCount']} rows · {result['rowCount'] + 1} nodes", explorer.summary())
    # the table has one row per record, and the address reproduces the query
    explorer.page.click("#tab-table")
    assert explorer.page.locator("#table tbody tr").count() == result["rowCount"]
    assert "#q=MATCH" in explorer.page.url


def test_a_link_with_the_query_reproduces_it(browser: Any, server: ExplorerServer):
    again = open_explorer(browser, server, "#q=" + "MATCH (c:Country) RETURN c".replace(" ", "+"))
    try:
        again.wait_until("() => relgraphExplorer.state.result !== null")
        assert again.drawn()["nodes"] == 10
        assert "MATCH (c:Country) RETURN c" in again.js("() => relgraphExplorer.editor.getValue()")
    finally:
        again.page.context.close()


def test_a_syntax_error_is_shown_where_it_is(explorer: Page):
    explorer.run_query("MATCH (c:City RETURN c")
    assert explorer.page.is_visible("#error") and "Error" in str(explorer.page.text_content("#error"))
    explorer.wait_until("() => document.querySelectorAll('#editor .cm-lintRange-error').length === 1")


def test_a_script_runs_through_its_form_with_an_entity_by_any_name(explorer: Page):
    explorer.page.click("#tab-library")
    explorer.page.click("#scripts button[data-script='person-visits']")
    explorer.page.fill("#param-person", "shavkat mirziyoyev")
    explorer.page.click("#script-run")
    explorer.wait_until("() => relgraphExplorer.state.result && "
                        "relgraphExplorer.state.result.name === 'person-visits'")
    result = explorer.js("() => relgraphExplorer.state.result")
    assert result["parameters"] == {"person": "Shavkat Mirziyoyev"} and result["rowCount"] >= 1
    assert "#script=person-visits" in explorer.page.url


def test_double_click_expands_and_undo_redo_walk_back_and_forth(explorer: Page):
    explorer.run_query("MATCH (c:City {name: 'Tashkent'}) RETURN c")
    explorer.wait_until("() => relgraphExplorer.drawnCounts().nodes === 1")
    explorer.page.fill("#expand-limit", "4")
    explorer.settle()
    x, y = explorer.point(explorer.node_id("Tashkent"))
    explorer.page.mouse.dblclick(x, y)
    explorer.wait_until("() => relgraphExplorer.drawnCounts().nodes === 5")
    grown = explorer.drawn()
    assert grown["nodes"] == 5 and grown["edges"] >= 4
    assert "more not drawn" in str(explorer.page.text_content("#notice"))
    explorer.page.click("#undo")
    assert explorer.drawn() == {"nodes": 1, "edges": 0}
    explorer.page.click("#redo")
    assert explorer.drawn() == grown
    explorer.page.click("#undo")
    explorer.page.click("#undo")  # back before the query: nothing drawn
    assert explorer.drawn() == {"nodes": 0, "edges": 0}


def test_the_drawing_downloads_as_graphml_that_loads_back(explorer: Page, tmp_path: Path, cli):
    explorer.run_query("MATCH p = (:City {name: 'Seoul'})-[:SISTER_CITY_OF]-() RETURN p")
    explorer.page.select_option("#export-format", "graphml")
    with explorer.page.expect_download() as info:
        explorer.page.click("#export")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "relgraph-export.graphml"
    drawn = explorer.drawn()
    assert drawn == {"nodes": 2, "edges": 2}  # the two sister-city relationships, one each way
    assert cli("load", str(saved)).code == 0
    stats = json.loads(cli("stats", "--format", "json").out)
    assert (stats["nodes"], stats["relationships"]) == (drawn["nodes"], drawn["edges"])
    assert stats["types"] == {"SISTER_CITY_OF": 2}


def test_the_last_result_downloads_in_full_whatever_the_drawing_became(explorer: Page, tmp_path: Path):
    assert explorer.js("() => document.querySelector('#export-what option[value=result]').disabled")
    explorer.run_query("MATCH (c:City {name: 'Tashkent'}) RETURN c")
    explorer.page.fill("#expand-limit", "4")
    explorer.js("(id) => relgraphExplorer.expand(id)", explorer.node_id("Tashkent"))
    explorer.wait_until("() => relgraphExplorer.drawnCounts().nodes === 5")
    explorer.page.select_option("#export-what", "result")
    explorer.page.select_option("#export-format", "json")
    with explorer.page.expect_download() as info:
        explorer.page.click("#export")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert [n["name"] for n in exported["nodes"]] == ["Tashkent"]  # the query's, not the drawing's
    explorer.page.select_option("#export-format", "png")
    explorer.page.click("#export")
    explorer.wait_until("() => !document.getElementById('error').hidden")
    assert "picture shows the drawing" in str(explorer.page.text_content("#error"))


def test_the_drawing_downloads_as_a_png_and_an_svg(explorer: Page, tmp_path: Path):
    explorer.run_query("MATCH (c:Country) RETURN c")
    explorer.settle()
    explorer.page.select_option("#export-format", "png")
    with explorer.page.expect_download() as info:
        explorer.page.click("#export")
    png = tmp_path / "drawing.png"
    info.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    explorer.page.select_option("#export-format", "svg")
    with explorer.page.expect_download() as info:
        explorer.page.click("#export")
    svg = tmp_path / "drawing.svg"
    info.value.save_as(svg)
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and text.count("<circle") == 10 and "Uzbekistan" in text


def test_a_runaway_query_is_stopped_and_the_next_one_answers(explorer: Page):
    explorer.run_query(RUNAWAY)
    assert explorer.summary() == "stopped: too slow"
    assert "longer than 1.5 s" in str(explorer.page.text_content("#error"))
    explorer.run_query("MATCH (c:Country) RETURN count(c) AS n")
    assert explorer.js("() => relgraphExplorer.state.result.rows") == [[10]]


def test_the_cancel_button_stops_a_running_query(explorer: Page):
    explorer.page.click("#editor .cm-content")
    explorer.page.keyboard.press("Control+A")
    explorer.page.keyboard.insert_text(RUNAWAY)
    explorer.page.click("#run")
    explorer.page.wait_for_selector("#cancel", state="visible")
    explorer.page.wait_for_timeout(300)
    explorer.page.click("#cancel")
    explorer.wait_until("() => !relgraphExplorer.state.running")
    assert explorer.summary() in ("cancelled", "stopped: too slow")  # whichever came first
    assert "QueryCancelled" in str(explorer.page.text_content("#error")) or \
        "QueryTimeout" in str(explorer.page.text_content("#error"))


def test_the_api_refuses_a_page_without_the_token(browser: Any, server: ExplorerServer):
    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(server.base + "/")
        assert response.status == 403
        status = page.evaluate(
            "async () => (await fetch('/api/info', {headers: {'X-Relgraph': '1'}})).status")
        assert status == 403
    finally:
        context.close()


def test_hostile_names_from_the_data_stay_text(browser: Any, tmp_path: Path):
    server = ExplorerServer(Explorer(hostile_store()), port=0).start()
    page = open_explorer(browser, server)
    try:
        page.run_query("MATCH p = (:Person)-[:LIVES_IN]->(:City) RETURN p")
        page.wait_until("() => relgraphExplorer.drawnCounts().nodes === 5")
        page.page.click("#tab-table")
        page.page.click("#tab-find")
        page.page.fill("#search", "script")
        page.page.wait_for_selector("#search-results li button")
        page.page.click("#search-results li button")
        shown = page.page.text_content("#details-body")
        assert any(name in str(shown) for name in HOSTILE)
        page.page.wait_for_timeout(300)
        assert page.js("() => window.__xss") is None and page.dialogs == [] and page.errors == []
    finally:
        page.page.context.close()
        server.stop()


def test_the_editor_completes_labels_types_properties_functions_and_parameters(explorer: Page):
    page = explorer.page
    page.fill("#params", '{"city": "Seoul"}')
    page.dispatch_event("#params", "input")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")

    def offered(text: str) -> list[str]:
        page.keyboard.insert_text(text)
        page.keyboard.press("Control+Space")
        page.wait_for_selector(".cm-tooltip-autocomplete li")
        labels = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel")
        options = [str(o) for o in labels.all_text_contents()]
        page.keyboard.press("Escape")
        return options

    assert "Person" in offered("MATCH (p:Pers")
    assert "MADE_VISIT" in offered(")-[:MADE_V")
    assert "quote" in offered("]->(v) WHERE v.quo")
    assert "toUpper" in offered(" = toUpp")
    assert "city" in offered("($ci")


def test_history_survives_a_reload(explorer: Page):
    explorer.run_query("MATCH (c:Country) RETURN c.name AS name")
    explorer.page.reload()
    explorer.wait_until("() => Boolean(window.relgraphExplorer && relgraphExplorer.state.ready)")
    options = explorer.page.locator("#history option").all_text_contents()
    assert "MATCH (c:Country) RETURN c.name AS name" in options


def test_legend_hide_and_how_two_nodes_are_connected(explorer: Page):
    explorer.run_query("MATCH (p:Person {name: 'Islam Karimov'}), (c:City {name: 'Seoul'}) RETURN p, c")
    explorer.wait_until("() => relgraphExplorer.drawnCounts().nodes === 2")
    explorer.page.click("#legend li button:has-text('City')")
    assert explorer.drawn()["nodes"] == 1
    explorer.page.click("#legend li button:has-text('City')")
    assert explorer.drawn()["nodes"] == 2
    explorer.settle()
    explorer.page.keyboard.down("Control")
    for name in ("Islam Karimov", "Seoul"):
        x, y = explorer.point(explorer.node_id(name))
        explorer.page.mouse.click(x, y)
    explorer.page.keyboard.up("Control")
    explorer.page.click("#connect-two")
    explorer.wait_until("() => document.getElementById('notice').textContent.startsWith('connected in')")
    assert explorer.drawn()["edges"] >= 1  # Karimov is an honorary citizen of Seoul: one step
    before = explorer.drawn()["nodes"]
    explorer.page.wait_for_timeout(700)  # or the next click on Seoul makes a double-click: an expansion
    x, y = explorer.point(explorer.node_id("Seoul"))
    explorer.page.mouse.click(x, y)
    explorer.page.click("#detail-hide")
    assert explorer.drawn()["nodes"] == before - 1
