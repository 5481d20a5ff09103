"""HTML views in a real browser: Debian's headless Chromium, driven by Playwright.

The page is opened from a file with every network request recorded (and any
http(s) request refused), then used as a person would: typing in the search
box, moving the year slider, clicking legend entries, nodes and relationships,
hovering. Counts are read from what vis-network actually draws.

Chromium must be installed (tools/run-tests installs Debian's package when it is
missing); without it these tests fail rather than skip, so that a CI machine
without a browser cannot pass silently.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.selection import whole_graph
from relgraph.graph.views import build_view, write_view
from relgraph.graph.views.of_store import view_of_store
from relgraph.graph.views.synthetic import synthetic_batch
from tests.browser import READY_TIMEOUT
from tests.test_view import HOSTILE, hostile_store, page_data

SOURCES = {"south-korea-uzbekistan-relations": "South Korea–Uzbekistan relations"}

@dataclass
class Opened:
    """A view open in a browser tab, with everything it logged and requested."""

    page: Any
    url: str
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def text(self, selector: str) -> str | None:
        return self.js("(s) => { const e = document.querySelector(s); return e && e.textContent; }", selector)

    def texts(self, selector: str) -> list[str]:
        return self.js("(s) => [...document.querySelectorAll(s)].map(e => e.textContent)", selector)

    def drawn(self) -> tuple[int, int]:
        counts = self.js("() => relgraphView.drawnCounts()")
        return counts["nodes"], counts["edges"]

    def node_id(self, key: str) -> int:
        return self.js("(key) => relgraphView.data.nodes.find(n => n.props.key === key).id", key)

    def hidden_keys(self) -> set[str]:
        return set(self.js("() => relgraphView.nodes.get({filter: n => n.hidden}).map("
                           "n => relgraphView.data.nodes[n.id].props.key)"))

    def dom_point(self, node_id: int) -> tuple[float, float]:
        """Where a node is drawn, in page coordinates."""
        point = self.js("""(id) => {
            const net = relgraphView.network;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('network').getBoundingClientRect();
            return {x: p.x + box.left, y: p.y + box.top};
        }""", node_id)
        return point["x"], point["y"]

    def wait_until(self, expression: str, arg: Any = None, timeout: float = 10.0) -> None:
        """Poll a condition in the page (animations run frame by frame, slower on a busy machine)."""
        deadline = time.monotonic() + timeout
        while not self.js(expression, arg):
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {expression}")
            self.page.wait_for_timeout(50)

    def wait_focused(self, node_id: int) -> None:
        """Until the focus animation has brought ``node_id`` to the centre of the view."""
        self.wait_until("""(id) => {
            const net = relgraphView.network;
            const centre = net.getViewPosition();
            const node = net.getPositions([id])[id];
            const pixels = Math.hypot(centre.x - node.x, centre.y - node.y) * net.getScale();
            return relgraphView.state.focused === id && pixels < 3;  // vis's easing stops a hair short
        }""", node_id)
        self.settle(0.1)

    def settle(self, seconds: float = 0.6) -> None:
        """Let animations (focus, tooltips) and a filter's next animation frame finish."""
        self.page.wait_for_timeout(seconds * 1000)

    def assert_clean(self) -> None:
        problems = [f"{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")]
        assert problems == [] and self.errors == [], problems + self.errors
        assert self.requests == [self.url], f"the page requested {self.requests}"
        assert self.dialogs == []


def open_view(browser: Any, path: Path, *, bypass_csp: bool = False) -> Opened:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
    # nothing may reach the network, even if a test is about to fail
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page = context.new_page()
    opened = Opened(page, path.resolve().as_uri())
    page.on("console", lambda message: opened.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(opened.url)
    deadline = time.monotonic() + READY_TIMEOUT
    # polled from Python: the page's Content-Security-Policy forbids the eval that
    # Playwright's wait_for_function would use
    while not opened.js("() => Boolean(window.relgraphView && window.relgraphView.state.ready)"):
        if time.monotonic() > deadline:
            pytest.fail(f"the view was not ready after {READY_TIMEOUT:.0f} s; console: {opened.console}, "
                        f"errors: {opened.errors}")
        page.wait_for_timeout(50)
    return opened


@pytest.fixture(scope="module")
def article_file(tmp_path_factory, article_batch) -> Path:
    store = NetworkxStore(None)
    store.load(article_batch)
    path = tmp_path_factory.mktemp("views") / "article.html"
    view, _ = view_of_store(store, whole_graph(store))  # as `relgraph view` builds it
    write_view(view, path)
    return path


@pytest.fixture
def article(browser, article_file) -> Iterator[Opened]:
    opened = open_view(browser, article_file)
    yield opened
    opened.page.context.close()


@pytest.fixture(scope="module")
def article_data(article_file) -> dict:
    return page_data(article_file.read_text(encoding="utf-8"))


# --- drawing, offline --------------------------------------------------------------------


def test_draws_every_node_and_relationship_offline_without_errors(article, article_data):
    assert article.drawn() == (144, 286)
    assert article.js("() => relgraphView.nodes.length") == 144
    assert article.js("() => document.getElementById('counts').textContent") == \
        "Showing all 144 nodes and 286 relationships"
    legend = article.texts("#legend button")
    assert "Person12" in legend and "Event45" in legend
    assert article.js("() => document.querySelectorAll('#types input').length") == len(article_data["types"])
    article.assert_clean()


# --- reading it ---------------------------------------------------------------------------

READABLE_PX = 10


def caption_px(opened: Opened) -> float:
    """How high node captions are drawn now, in screen pixels: font size times the zoom."""
    return opened.js("() => relgraphView.network.getScale() * "
                     "relgraphView.network.body.nodes[relgraphView.data.nodes[0].id].options.font.size")


def test_opens_with_readable_captions_on_the_most_connected_part(article, article_data):
    assert caption_px(article) >= READABLE_PX
    # the best-connected node is in the picture, and so are most of its neighbours
    hub = max(article_data["nodes"], key=lambda n: n["degree"])
    box = article.js("() => document.getElementById('network').getBoundingClientRect().toJSON()")
    neighbours = {e["to"] if e["from"] == hub["id"] else e["from"]
                  for e in article_data["edges"] if hub["id"] in (e["from"], e["to"])}

    def inside(node_id: int) -> bool:
        x, y = article.dom_point(node_id)
        return box["left"] <= x <= box["right"] and box["top"] <= y <= box["bottom"]

    assert inside(hub["id"])
    assert sum(map(inside, neighbours)) >= 0.6 * len(neighbours)
    article.page.click("#fit-all")
    article.wait_until("() => relgraphView.network.getScale() < 0.5")  # the whole graph, small
    article.assert_clean()


def test_legend_entries_have_distinct_colours(article, article_data):
    drawn = article.js("""() => [...document.querySelectorAll('#legend button')].map(b => [
        b.dataset.label, b.querySelector('svg > *').getAttribute('fill')])""")
    assert [label for label, _ in drawn] == [g["label"] for g in article_data["groups"]]
    colours = [colour.lower() for _, colour in drawn]
    assert len(set(colours)) == len(colours), drawn
    # and each node is drawn in its legend entry's colour
    fills = article.js("""() => relgraphView.data.nodes.map(n =>
        [n.group, relgraphView.network.body.nodes[n.id].options.color.background.toLowerCase()])""")
    legend = dict(zip([label for label, _ in drawn], colours))
    assert all(legend[group] == fill for group, fill in fills)


def test_captions_keep_the_year(article, article_data):
    captions = article.js("() => relgraphView.data.nodes.map(n => relgraphView.network.body.nodes[n.id]"
                          ".options.label)")
    visits = [(n, c) for n, c in zip(article_data["nodes"], captions)
              if n["name"].startswith("Islam Karimov's official")]
    assert len(visits) == 8 and len({c for _, c in visits}) == 8, visits
    assert all(c.endswith(f"({n['year']})") and len(c) <= 36 for n, c in visits), visits


def test_the_empty_details_panel_takes_no_width(article, article_data):
    def widths() -> tuple[float, float]:
        return (article.js("() => document.getElementById('panel').getBoundingClientRect().width"),
                article.js("() => document.getElementById('network').getBoundingClientRect().width"))

    panel, network = widths()
    assert panel == 0 and network == 1400 - article.js(
        "() => document.getElementById('controls').getBoundingClientRect().width")
    tashkent = article.node_id("tashkent")
    article.js("(id) => relgraphView.network.focus(id, {scale: 1.5})", tashkent)
    x, y = article.dom_point(tashkent)
    scale = article.js("() => relgraphView.network.getScale()")
    article.page.mouse.click(x, y)
    assert article.text("#panel h2") == "Tashkent"
    panel, narrower = widths()
    assert panel > 200 and narrower == network - panel
    # opening the panel moves nothing on the canvas: the node stays under the pointer
    assert article.js("() => relgraphView.network.getScale()") == pytest.approx(scale)
    assert article.dom_point(tashkent) == pytest.approx((x, y), abs=1)
    article.page.click("#panel-close")
    assert widths() == (0, network)
    assert article.dom_point(tashkent) == pytest.approx((x, y), abs=1)
    article.assert_clean()


# --- search ------------------------------------------------------------------------------


def test_search_by_alias_focuses_the_node(article):
    navoi = article.node_id("navoi")
    article.page.fill("#search", "navoiy")  # an alias: the article's name is Navoi
    assert article.text("#search-results button") == "NavoiCity"
    article.page.press("#search", "Enter")
    assert article.js("() => relgraphView.state.focused") == navoi
    assert article.js("() => relgraphView.network.getSelectedNodes()") == [navoi]
    article.wait_focused(navoi)  # the view centres on it
    assert article.js("() => relgraphView.network.getScale()") > 1.09
    assert article.text("#panel h2") == "Navoi"
    article.assert_clean()


def test_search_lists_matches_and_clicking_one_focuses_it(article):
    article.page.fill("#search", "karimov")
    names = article.texts("#search-results .name")
    assert names[0] == "Islam Karimov" and len(names) > 5
    article.page.click("#search-results button >> nth=1")
    assert article.js("() => relgraphView.data.nodes[relgraphView.state.focused].name") == names[1]


# --- filters -----------------------------------------------------------------------------


def expected_counts(data: dict, *, years=None, groups_off=(), types_off=()) -> tuple[int, int, set[str]]:
    """What the page should draw under the given filters, computed from the view data."""
    def shown_year(item):  # a range of years is shown while it overlaps the slider's
        return (years is None or "year" not in item
                or (item.get("yearTo", item["year"]) >= years[0] and item["year"] <= years[1]))

    shown = {n["id"] for n in data["nodes"] if n["group"] not in groups_off and shown_year(n)}
    edges = [e for e in data["edges"]
             if e["type"] not in types_off and shown_year(e) and e["from"] in shown and e["to"] in shown]
    hidden = {n["props"]["key"] for n in data["nodes"] if n["id"] not in shown}
    return len(shown), len(edges), hidden


def test_year_slider_hides_what_falls_outside(article, article_data):
    # the keyboard moves a range input exactly as a person would
    article.page.focus("#year-from")
    article.page.keyboard.press("Home")
    for _ in range(2010 - 1935):
        article.page.keyboard.press("ArrowRight")
    article.settle(0.3)
    assert article.js("() => document.getElementById('year-text').textContent") == "2010–2025"
    nodes, edges, hidden = expected_counts(article_data, years=(2010, 2025))
    assert article.drawn() == (nodes, edges) and article.hidden_keys() == hidden
    assert "visit-1992-karimov-to-south-korea" in hidden        # dated 1992
    assert "islam-karimov" not in hidden and "uzbekistan" not in hidden  # undated: they stay
    assert "deal-2024-ktx-technology" not in hidden
    assert "deportation-of-koreans-late-1930s" in hidden        # 1935–1939

    article.page.focus("#year-to")
    for _ in range(2025 - 2015):
        article.page.keyboard.press("ArrowLeft")
    article.settle(0.3)
    nodes, edges, hidden = expected_counts(article_data, years=(2010, 2015))
    assert article.drawn() == (nodes, edges) and "deal-2024-ktx-technology" in hidden
    sister = [e for e in article_data["edges"] if e["type"] == "SISTER_CITY_OF"]
    assert all(e["year"] == 2010 for e in sister)  # dated relationships in range stay

    article.page.focus("#year-from")  # 1937..1937 overlaps the late 1930s: the deportation shows
    article.page.keyboard.press("Home")
    for _ in range(1937 - 1935):
        article.page.keyboard.press("ArrowRight")
    article.page.focus("#year-to")
    for _ in range(2015 - 1937):
        article.page.keyboard.press("ArrowLeft")
    article.settle(0.3)
    assert article.js("() => document.getElementById('year-text').textContent") == "1937–1937"
    nodes, edges, hidden = expected_counts(article_data, years=(1937, 1937))
    assert article.drawn() == (nodes, edges) and "deportation-of-koreans-late-1930s" not in hidden

    article.page.click("#year-reset")
    assert article.drawn() == (144, 286)
    article.assert_clean()


def test_legend_toggles_a_label(article, article_data):
    article.page.click('#legend button[data-label="Person"]')
    nodes, edges, hidden = expected_counts(article_data, groups_off={"Person"})
    assert (nodes, len(hidden)) == (132, 12)
    assert article.drawn() == (nodes, edges) and article.hidden_keys() == hidden
    assert article.js("() => document.querySelector('#legend button[data-label=\"Person\"]')"
                      ".getAttribute('aria-pressed')") == "false"
    article.page.click('#legend button[data-label="Event"]')
    assert article.drawn()[0] == 144 - 12 - 45
    article.page.click('#legend button[data-label="Person"]')
    article.page.click('#legend button[data-label="Event"]')
    assert article.drawn() == (144, 286)
    article.page.click("#labels-none")
    assert article.drawn() == (0, 0)
    article.page.click("#labels-all")
    assert article.drawn() == (144, 286)


def test_searching_a_filtered_out_node_shows_it_again_and_says_so(article):
    article.page.click('#legend button[data-label="Person"]')
    article.page.focus("#year-from")
    article.page.keyboard.press("End")  # only 2025
    article.settle(0.3)
    assert "islam-karimov" in article.hidden_keys()
    article.page.fill("#search", "Islam Karimov")
    article.page.press("#search", "Enter")
    assert "islam-karimov" not in article.hidden_keys()
    assert article.text("#counts").endswith("Showing label Person again to show Islam Karimov")
    visit = article.node_id("visit-1992-karimov-to-south-korea")
    article.page.fill("#search", "visit-1992-karimov-to-south-korea")  # a key works too
    article.page.press("#search", "Enter")
    assert article.js("() => relgraphView.state.focused") == visit
    assert article.text("#year-text") == "1992–2025"
    assert article.text("#counts").endswith("Showing years 1992–2025 again to show "
                                            "Islam Karimov's official visit to South Korea (1992)")


def test_relationship_type_filter(article, article_data):
    article.page.uncheck('#types input[data-type="LOCATED_IN"]')
    nodes, edges, _ = expected_counts(article_data, types_off={"LOCATED_IN"})
    assert article.drawn() == (144, 286 - 33) == (nodes, edges)
    article.page.click("#types-none")
    assert article.drawn() == (144, 0)
    article.page.click("#types-all")
    assert article.drawn() == (144, 286)


# --- details -----------------------------------------------------------------------------


def test_clicking_a_node_shows_its_properties_and_quotes(article, article_data):
    node = next(n for n in article_data["nodes"] if n["props"].get("otherQuotes"))
    article.js("(id) => relgraphView.network.focus(id, {scale: 2.5})", node["id"])
    x, y = article.dom_point(node["id"])
    article.page.mouse.click(x, y)
    assert article.text("#panel h2") == node["name"]
    quotes = article.texts("#panel blockquote p")
    props = node["props"]
    assert quotes == [f"“{q}”" for q in [props["quote"], *props["otherQuotes"]]]
    cites = article.texts("#panel blockquote cite")
    assert cites[0] == f"South Korea–Uzbekistan relations · {props['section']}"
    terms = article.texts("#panel dt")
    assert "key" in terms and "quote" not in terms
    article.page.click("#panel-close")
    assert article.js("() => document.querySelector('#panel h2')") is None


def test_clicking_a_relationship_shows_its_quote(article, article_data):
    edge = next(e for e in article_data["edges"] if e["type"] == "DIPLOMATIC_RELATIONS_WITH")
    # zoom onto the middle of the relationship, away from its two (large) end nodes
    article.js("""(id) => {
        const net = relgraphView.network;
        const drawn = net.body.edges[id];
        const middle = drawn.edgeType.getPoint(0.5, drawn.edgeType.getViaNode());
        net.moveTo({position: middle, scale: 4});
    }""", edge["id"])
    box = article.js("() => document.getElementById('network').getBoundingClientRect().toJSON()")
    article.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert article.js("() => document.getElementById('panel').dataset.kind") == "edge"
    assert article.text("#panel h2") == "DIPLOMATIC_RELATIONS_WITH 1992"
    assert article.text("#panel blockquote p") == \
        f"“{edge['props']['quote']}”"


def test_hover_shows_a_plain_text_summary(article, article_data):
    tashkent = next(n for n in article_data["nodes"] if n["props"].get("key") == "tashkent")
    article.js("(id) => relgraphView.network.focus(id, {scale: 2.5})", tashkent["id"])
    x, y = article.dom_point(tashkent["id"])
    article.page.mouse.move(x - 30, y - 30)
    article.page.mouse.move(x, y, steps=5)
    article.page.wait_for_selector(".vis-tooltip", state="visible")
    text = article.js("() => document.querySelector('.vis-tooltip').innerText")
    assert text.splitlines()[0] == "Tashkent" and "City" in text.splitlines()[1]
    assert tashkent["props"]["quote"][:40] in text


# --- safety and text ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("views") / "hostile.html"
    write_view(build_view(whole_graph(hostile_store()), title="<img src=x onerror=alert(1)>"), path)
    return path


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["escaping-alone", "with-csp"])
def test_hostile_names_show_as_text_and_run_nothing(browser, hostile_file, bypass_csp):
    """With the page's Content-Security-Policy switched off, escaping alone must hold."""
    opened = open_view(browser, hostile_file, bypass_csp=bypass_csp)
    try:
        page = opened.page
        assert opened.js("() => document.title") == "<img src=x onerror=alert(1)>"
        for text in HOSTILE:
            page.fill("#search", "")
            page.fill("#search", text)
            assert opened.text("#search-results .name") == text
            page.press("#search", "Enter")
            opened.wait_focused(opened.js("() => relgraphView.state.focused"))
            assert opened.text("#panel h2") == text
            assert opened.text("#panel blockquote p") == f"“{text}”"
            x, y = opened.dom_point(opened.js("() => relgraphView.state.focused"))
            page.mouse.move(x - 20, y - 20)
            page.mouse.move(x, y, steps=5)
            page.wait_for_selector(".vis-tooltip", state="visible")
            assert opened.js("() => document.querySelector('.vis-tooltip').innerText").startswith(text)
            page.mouse.move(5, 5)
        assert opened.js("() => window.__xss") is None
        assert opened.js("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert opened.js("() => document.scripts.length") == 3  # data, vis-network, the view
        assert opened.drawn() == (len(HOSTILE) + 1, len(HOSTILE))
        opened.assert_clean()
    finally:
        opened.page.context.close()


def test_korean_and_uzbek_text_survive_and_search_ignores_diacritics(browser, hostile_file):
    opened = open_view(browser, hostile_file)
    try:
        opened.page.fill("#search", "ozbekiston")  # typed without the ʻ of Oʻzbekiston
        opened.page.press("#search", "Enter")
        assert opened.text("#panel h2") == "Toshkent"
        assert opened.text("#panel blockquote p") == \
            "““Toshkent” – Oʻzbekiston; 서울특별시와 자매도시”"
        aliases = opened.texts("#panel dd")
        assert "Тошкент, Oʻzbekiston poytaxti" in aliases
        opened.page.fill("#search", "тошкент")
        assert opened.text("#search-results .name") == "Toshkent"
        opened.assert_clean()
    finally:
        opened.page.context.close()


# --- the command, end to end -------------------------------------------------------------


def test_command_view_opens_in_the_browser(cli, browser, tmp_path):
    assert cli("load").code == 0
    out = tmp_path / "karimov.html"
    done = cli("view", "-o", str(out), "--around", "Islam Karimov", "--depth", "1")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    opened = open_view(browser, out)
    try:
        assert opened.drawn() == (len(data["nodes"]), len(data["edges"]))
        assert opened.js("() => document.getElementById('caption').textContent") == data["caption"]
        opened.assert_clean()
    finally:
        opened.page.context.close()


# --- scale -------------------------------------------------------------------------------


def test_five_thousand_nodes_open_and_respond(browser, tmp_path):
    store = NetworkxStore(None)
    store.load(synthetic_batch(5000, 20000))
    path = tmp_path / "large.html"
    view = build_view(whole_graph(store))
    assert not view.physics and (len(view.nodes), len(view.edges)) == (5000, 20000)
    write_view(view, path)
    started = time.monotonic()
    opened = open_view(browser, path)
    try:
        opened_in = time.monotonic() - started
        assert opened.drawn() == (5000, 20000)
        assert opened.js("() => relgraphView.network.physics.options.enabled") is False
        # edge captions appear only on the part of the graph in view: it opens zoomed in
        opened.wait_until("() => relgraphView.edges.get({filter: e => e.label}).length > 0")
        assert opened.js("() => relgraphView.edges.get({filter: e => e.label}).length") < 2000
        assert caption_px(opened) >= READABLE_PX
        opened.page.fill("#search", "n2500")
        opened.page.press("#search", "Enter")
        assert opened.js("() => relgraphView.data.nodes[relgraphView.state.focused].props.key") == "n2500"
        opened.wait_until("() => relgraphView.edges.get({filter: e => e.label}).length > 0")
        opened.page.click('#legend button[data-label="Person"]')
        persons = sum(1 for n in view.nodes if n["group"] == "Person")
        assert opened.drawn()[0] == 5000 - persons
        opened.assert_clean()
        assert opened_in < READY_TIMEOUT
    finally:
        opened.page.context.close()
