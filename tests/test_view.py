"""HTML views without a browser: view data, offline and escaped HTML, layout, limits, the command.

What a browser does with the page is tested in test_view_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

import relgraph.commands.view as view_command
import relgraph.graph.views.of_store as of_store
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.selection import ego_network, resolve_entity, whole_graph
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
)
from relgraph.graph.views import (
    Limits,
    ViewTooLarge,
    build_view,
    check_size,
    keep_best_connected,
    render_html,
    write_view,
)
from relgraph.graph.views.html import json_for_script
from relgraph.graph.views.layout import NODE_SPACING, compute_positions
from relgraph.graph.views.limits import largest_fitting
from relgraph.graph.views.style import (
    group_label,
    label_styles,
    relationship_caption,
    shorten,
)
from relgraph.graph.views.synthetic import synthetic_batch

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    '<img src=x onerror="window.__xss = 1">',
    "<script>window.__xss = 2</script>",
    "</script><script>window.__xss = 3</script>",
    "a & b > c <!-- d",
]


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="relgraph-data">(.*?)</script>', html, re.S)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


def hostile_store(path: Path | None = None) -> NetworkxStore:
    """Names and quotes that would run code if the page put them into markup."""
    batch = GraphBatch("hostile")
    for i, name in enumerate(HOSTILE):
        batch.nodes.append(NodeSpec(["Person"], {"key": f"h{i}", "name": name, "quote": name,
                                                 "aliases": [f"alias {name}"]}))
    batch.nodes.append(NodeSpec(["City"], {"key": "tashkent", "name": "Toshkent",
                                           "aliases": ["Тошкент", "Oʻzbekiston poytaxti"],
                                           "quote": "“Toshkent” – Oʻzbekiston; 서울특별시와 자매도시"}))
    for i in range(len(HOSTILE)):
        batch.relationships.append(RelSpec("LIVES_IN", NodeKey("Person", f"h{i}"),
                                           NodeKey("City", "tashkent"),
                                           {"key": f"r{i}", "quote": HOSTILE[i], "year": 2000 + i}))
    store = NetworkxStore(path)
    store.load(batch)
    return store


# --- view data ---------------------------------------------------------------------------


def test_group_label_is_the_most_common_label_of_the_node():
    counts = {"Event": 45, "Visit": 16, "Institution": 33, "Embassy": 4, "Person": 12}
    assert group_label({"Event", "Visit"}, counts) == "Event"
    assert group_label({"Embassy", "Institution"}, counts) == "Institution"
    assert group_label({"A", "B"}, {}) == "A"
    assert group_label(set(), counts) == "(no label)"


def test_styles_are_distinct_and_stable():
    counts = {f"L{i}": 100 - i for i in range(20)}
    styles = label_styles(counts)
    pairs = {(s.color, s.shape) for label, s in styles.items() if label != "(no label)"}
    assert len(pairs) == 20
    assert label_styles(dict(reversed(list(counts.items())))) == styles


def test_captions():
    long = "Islam Karimov's official visit to South Korea (1992)"
    assert shorten(long, 36) == "Islam Karimov's official visit to…"
    assert shorten("  short   name ") == "short name"
    assert relationship_caption("SISTER_CITY_OF", 2010) == "SISTER_CITY_OF 2010"
    assert relationship_caption("LOCATED_IN", None) == "LOCATED_IN"
    assert relationship_caption("X", True) == "X"


def test_article_view_data(article_store):
    counts = article_store.counts()
    view = build_view(whole_graph(article_store), label_counts=counts.labels,
                      source_names={"south-korea-uzbekistan-relations": "South Korea–Uzbekistan relations"},
                      graph_size=(counts.nodes, counts.relationships))
    assert (len(view.nodes), len(view.edges)) == (144, 286)
    assert view.physics and all("x" not in n for n in view.nodes)
    groups = {g["label"]: g["count"] for g in view.groups}
    assert groups["Event"] == 45 and groups["Institution"] == 33 and "Visit" not in groups
    assert sum(groups.values()) == 144
    assert {t["type"]: t["count"] for t in view.types}["LOCATED_IN"] == 33
    assert view.years == (1935, 2025)  # the late 1930s are the range 1935–1939, not a year
    deportation = next(n for n in view.nodes if n["props"].get("key") == "deportation-of-koreans-late-1930s")
    assert (deportation["year"], deportation["yearTo"]) == (1935, 1939)
    assert deportation["caption"].endswith("(1935–1939)")
    assert view.title == "South Korea–Uzbekistan relations"
    assert view.caption == ("Source: South Korea–Uzbekistan relations. Selection: whole graph. "
                            "144 nodes and 286 relationships.")
    tashkent = next(n for n in view.nodes if n["props"].get("key") == "tashkent")
    assert tashkent["props"]["quote"] and tashkent["props"]["sourceId"] == "south-korea-uzbekistan-relations"
    assert tashkent["size"] > next(n for n in view.nodes if n["props"].get("key") == "kbs-news")["size"]
    sister = [e for e in view.edges if e["type"] == "SISTER_CITY_OF"]
    assert all(e["year"] == 2010 for e in sister) and all(e.get("curve") for e in sister)


def test_colours_are_the_same_in_every_view_of_a_graph(article_store):
    labels = article_store.counts().labels
    whole = build_view(whole_graph(article_store), label_counts=labels)
    karimov = ego_network(article_store, resolve_entity(article_store, "Islam Karimov"), 1)
    part = build_view(karimov, label_counts=labels, graph_size=(144, 286))
    colour = {g["label"]: g["color"] for g in whole.groups}
    assert all(colour[g["label"]] == g["color"] for g in part.groups)
    assert "Selection: 1-hop neighbourhood of Islam Karimov" in part.caption
    shown = f"{len(part.nodes)} nodes and {len(part.edges)} relationships of 144 and 286 in the graph"
    assert shown in part.caption


def test_large_views_are_laid_out_in_python():
    store = NetworkxStore(None)
    store.load(synthetic_batch(400, 900))
    view = build_view(whole_graph(store), limits=Limits(physics_max_nodes=300))
    assert not view.physics and view.layout_seconds > 0
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in view.nodes)
    small = build_view(whole_graph(store), limits=Limits(physics_max_nodes=400))
    assert small.physics


# --- layout ------------------------------------------------------------------------------


def test_layout_is_deterministic_and_packs_components():
    edges = [(i, i + 1) for i in range(0, 199)] + [(200, 201), (201, 202)]  # a path, a triangle-ish, loners
    first = compute_positions(210, edges)
    assert first == compute_positions(210, edges)
    assert len(first) == 210 and len(set(first)) == 210
    xs, ys = [p[0] for p in first], [p[1] for p in first]
    # the parts sit next to each other, not scattered over a view a hundred times their size
    assert max(xs) - min(xs) < 60 * NODE_SPACING and max(ys) - min(ys) < 60 * NODE_SPACING
    assert compute_positions(0, []) == [] and len(compute_positions(1, [])) == 1


# --- limits ------------------------------------------------------------------------------


def test_keep_best_connected(article_store):
    whole = whole_graph(article_store)
    kept, trim = keep_best_connected(whole, 50)
    assert len(kept.nodes) == 50 and trim is not None
    assert trim.nodes_dropped == 94 and trim.relationships_dropped == 286 - len(kept.relationships)
    assert {"uzbekistan", "south-korea", "tashkent"} <= {n["key"] for n in kept.nodes}
    assert sum(trim.dropped_by_label.values()) == 94
    assert keep_best_connected(whole, 500) == (whole, None)


def test_too_large_selection_is_refused_with_what_max_nodes_would_drop(article_store):
    whole = whole_graph(article_store)
    check_size(whole, Limits())
    with pytest.raises(ViewTooLarge) as refused:
        check_size(whole, Limits(max_nodes=100))
    message = str(refused.value)
    assert "the selection has 144 nodes and 286 relationships" in message
    assert ("--max-nodes 100 would keep the 100 best-connected nodes "
            "and drop the 44 least-connected") in message
    assert "--around" in message and "--labels" in message


def test_relationship_limit_lowers_the_suggested_node_count(article_store):
    whole = whole_graph(article_store)
    limits = Limits(max_nodes=50)  # at most 200 relationships
    fitting = largest_fitting(whole, limits)
    kept, _ = keep_best_connected(whole, fitting)
    assert len(kept.relationships) <= limits.max_relationships
    more, _ = keep_best_connected(whole, fitting + 1)
    assert fitting == 50 or len(more.relationships) > limits.max_relationships


# --- HTML: offline, escaped, UTF-8 ------------------------------------------------------


class _References(HTMLParser):
    """Every URL-bearing attribute and every inline style, for the offline check."""

    ATTRIBUTES: ClassVar[set[str]] = {"src", "href", "srcset", "poster", "data", "action", "formaction",
                                      "background", "xlink:href"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.urls.append((tag, name, value))
            if name == "style" and value:
                self.styles.append(value)

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="module")
def article_html(tmp_path_factory, article_batch) -> str:
    store = NetworkxStore(None)
    store.load(article_batch)
    path = tmp_path_factory.mktemp("view") / "article.html"
    write_view(build_view(whole_graph(store)), path)
    return path.read_text(encoding="utf-8")


def test_the_page_references_nothing_outside_itself(article_html):
    parser = _References()
    parser.feed(article_html)
    assert parser.urls == [], "the page must not load anything: no src, href or srcset at all"
    assert "link" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    css = "\n".join(parser.styles)
    assert "@import" not in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
        assert url.startswith("data:"), f"stylesheet loads {url[:60]}"
    # no tag anywhere (including ones a script might write) points at the network
    assert not re.search(r"""(?:src|href|srcset)\s*=\s*["']?\s*(?:https?:)?//""", article_html, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", article_html, re.I)
    assert "cdn.jsdelivr" not in article_html and "bootstrap" not in article_html.lower()


def test_content_security_policy_allows_exactly_the_inline_scripts(article_html):
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', article_html)
    policy = html.unescape(found.group(1))
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    scripts = re.findall(r"<script>(.*?)</script>", article_html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_data_text_cannot_break_out_of_the_page(tmp_path):
    store = hostile_store()
    path = tmp_path / "hostile.html"
    write_view(build_view(whole_graph(store), title="<script>alert('title')</script>"), path)
    html = path.read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;</title>" in html
    for text in HOSTILE:
        assert text not in html  # every occurrence is escaped
    data_block = re.search(r'id="relgraph-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data_block and ">" not in data_block
    data = page_data(html)
    assert sorted(n["name"] for n in data["nodes"]) == sorted([*HOSTILE, "Toshkent"])
    assert data["title"] == "<script>alert('title')</script>"


def test_json_for_script_escapes_what_could_end_the_element():
    text = json_for_script({"a": "</script><!-- & \u2028"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_written_as_utf8_whatever_the_locale(tmp_path):
    """Korean, Uzbek and curly quotes survive a C locale with UTF-8 mode off."""
    snapshot = tmp_path / "g.snapshot"
    hostile_store(snapshot)
    out = tmp_path / "unicode.html"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii",
           "RELGRAPH_STORE": str(snapshot), "RELGRAPH_BACKEND": "networkx"}
    done = subprocess.run([sys.executable, "-m", "relgraph", "view", "-o", str(out),
                           "--title", "Oʻzbekiston – 서울"], env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    text = raw.decode("utf-8")  # strict: fails on any byte that is not UTF-8
    assert '<meta charset="utf-8">' in text
    assert "<title>Oʻzbekiston – 서울</title>" in text
    data = page_data(text)
    city = next(n for n in data["nodes"] if n["name"] == "Toshkent")
    assert city["props"]["quote"] == "“Toshkent” – Oʻzbekiston; 서울특별시와 자매도시"
    assert city["props"]["aliases"] == ["Тошкент", "Oʻzbekiston poytaxti"]
    assert out.stat().st_mode & 0o044, "a view is written to be shared (umask permitting), not private"


def test_render_is_deterministic(article_store):
    whole = whole_graph(article_store)
    assert render_html(build_view(whole)) == render_html(build_view(whole))


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def loaded(cli):
    assert cli("load").code == 0
    return cli


def test_view_the_whole_article(loaded, tmp_path):
    out = tmp_path / "article.html"
    done = loaded("view", "-o", str(out))
    assert done.code == 0, done.err
    assert f"Wrote {out}: 144 nodes and 286 relationships, laid out in the browser" in done.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == (144, 286)
    assert data["sources"] == {"south-korea-uzbekistan-relations": "South Korea–Uzbekistan relations"}
    again = loaded("view", "-o", str(out))
    assert again.code == 1 and "already exists (use --force" in again.err
    assert loaded("view", "-o", str(out), "--force").code == 0


def test_view_around_an_entity(loaded, tmp_path):
    out = tmp_path / "karimov.html"
    done = loaded("view", "-o", str(out), "--around", "karimov", "--depth", "1", "--title", "Karimov")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["title"] == "Karimov"
    assert "1-hop neighbourhood of Islam Karimov" in data["caption"]
    assert len([n for n in data["nodes"] if "Visit" in n["labels"]]) == 8


def test_view_around_an_entity_along_some_types(loaded, tmp_path):
    out = tmp_path / "seoul.html"
    done = loaded("view", "-o", str(out), "--around", "Seoul", "--depth", "3", "--types", "SISTER_CITY_OF")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert sorted(n["name"] for n in data["nodes"]) == ["Seoul", "Tashkent"]
    assert [t["type"] for t in data["types"]] == ["SISTER_CITY_OF"]


def test_view_refuses_unknown_names_and_labels_with_suggestions(loaded, tmp_path):
    out = tmp_path / "x.html"
    unknown = loaded("view", "-o", str(out), "--around", "Karimova")
    assert unknown.code == 1 and "no entity is named 'Karimova'; did you mean 'Islam Karimov'" in unknown.err
    label = loaded("view", "-o", str(out), "--labels", "Persn")
    assert label.code == 1 and "no node has the label 'Persn'; did you mean 'Person'?" in label.err
    depth = loaded("view", "-o", str(out), "--depth", "2")
    assert depth.code == 2 and "--depth and --types go with --around" in depth.err
    types = loaded("view", "-o", str(out), "--around", "Seoul", "--types", "SISTER_CITY")
    assert types.code == 1
    assert "no relationship has the type 'SISTER_CITY'; did you mean 'SISTER_CITY_OF'?" in types.err
    years = loaded("view", "-o", str(out), "--years", "2020..2010")
    assert years.code == 1 and "ends before it starts" in years.err
    assert not out.exists()


def test_filters_combine_as_an_intersection(loaded, tmp_path):
    out = tmp_path / "x.html"
    done = loaded("view", "-o", str(out), "--around", "Tashkent", "--depth", "2", "--labels", "City,Country",
                  "--years", "2010..2019")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert {g["label"] for g in data["groups"]} <= {"City", "Country"}
    selection = "Selection: 2-hop neighbourhood of Tashkent; labels City, Country; years 2010..2019"
    assert selection in data["caption"]
    for edge in data["edges"]:
        assert "year" not in edge or 2010 <= edge["year"] <= 2019
    nothing = loaded("view", "-o", str(out), "--force", "--labels", "Person", "--years", "1930")
    assert nothing.code == 1 and "is empty; nothing written" in nothing.err


def test_empty_graph(cli, tmp_path):
    done = cli("view", "-o", str(tmp_path / "x.html"))
    assert done.code == 1 and "the graph is empty" in done.err


def test_hard_limit_and_max_nodes(loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(of_store, "DEFAULT_MAX_NODES", 100)
    out = tmp_path / "x.html"
    refused = loaded("view", "-o", str(out))
    assert refused.code == 1 and not out.exists()
    assert "the selection has 144 nodes and 286 relationships; a view holds at most 100 nodes" in refused.err
    assert ("--max-nodes 100 would keep the 100 best-connected nodes "
            "and drop the 44 least-connected") in refused.err
    trimmed = loaded("view", "-o", str(out), "--max-nodes", "100")
    assert trimmed.code == 0, trimmed.err
    assert "--max-nodes 100: left out the 44 least-connected of 144 nodes" in trimmed.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 100
    assert "Left out (--max-nodes): the 44 least-connected of 144 nodes" in data["caption"]


def test_a_real_over_limit_graph_is_refused(cli, tmp_path):
    """5,001 nodes: one over the default limit, refused before any layout is computed."""
    snapshot = tmp_path / "big.snapshot"
    NetworkxStore(snapshot).load(synthetic_batch(5001, 6000))
    out = tmp_path / "big.html"
    done = cli("--store", str(snapshot), "view", "-o", str(out))
    assert done.code == 1 and not out.exists()
    assert "the selection has 5,001 nodes and 6,000 relationships" in done.err
    assert "--max-nodes 5000 would keep" in done.err


def test_open_in_browser(loaded, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(view_command.webbrowser, "open", lambda url: opened.append(url) or True)
    out = tmp_path / "open me.html"
    assert loaded("view", "-o", str(out), "--open").code == 0
    assert opened == [out.resolve().as_uri()]


# --- query views, through the embedded Cypher engine ---


def test_view_of_an_inline_query(loaded, tmp_path):
    out = tmp_path / "q.html"
    query = ("MATCH p = (:Person {name: $who})-[:MADE_VISIT]->(:Visit {year: 2006})-[:HOSTED_BY]->() "
             "RETURN p")
    done = loaded("view", "-o", str(out), "-e", query, "-p", "who=Islam Karimov")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert sorted(e["type"] for e in data["edges"]) == ["HOSTED_BY", "MADE_VISIT"]
    assert {n["name"] for n in data["nodes"]} == {
        "Islam Karimov", "Islam Karimov's official visit to South Korea (2006)", "South Korea"}
    assert "Selection: query 'MATCH p = (:Person" in data["caption"]


def test_view_of_a_query_script_by_name_and_by_path(loaded, tmp_path):
    out = tmp_path / "q.html"
    done = loaded("view", "-o", str(out), "--query", "ego-network", "--param", "name=Tashkent",
                  "--connect")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    selection = "query ego-network with name='Tashkent', depth=1 and the relationships among its nodes"
    assert selection in data["caption"]
    assert len(data["edges"]) > 2

    script = tmp_path / "mine.cypher"
    script.write_text("// Mine\n// @param who: string\nMATCH (p {name: $who}) RETURN p\n", encoding="utf-8")
    mine = loaded("view", "-o", str(out), "--force", "--query", str(script), "-p", "who=Seoul")
    assert mine.code == 0, mine.err
    assert [n["name"] for n in page_data(out.read_text(encoding="utf-8"))["nodes"]] == ["Seoul"]
    missing = loaded("view", "-o", str(out), "--force", "--query", str(script))
    assert missing.code == 2 and "missing parameter(s): who" in missing.err
    unknown = loaded("view", "-o", str(out), "--force", "--query", "ego-netwrk")
    assert unknown.code == 2 and "did you mean ego-network" in unknown.err


def test_query_without_graph_values_is_explained(loaded, tmp_path):
    done = loaded("view", "-o", str(tmp_path / "q.html"), "-e", "MATCH (c:City) RETURN c.name AS name")
    assert done.code == 1 and "returned no nodes, relationships or paths" in done.err


def test_query_against_the_embedded_engine(loaded, tmp_path):
    """Paths drawn from the real engine's results."""
    out = tmp_path / "q.html"
    done = loaded("view", "-o", str(out), "-e",
                  "MATCH p = (:Person {name: 'Islam Karimov'})-[:MADE_VISIT]->(:Visit)"
                  "-[:HOSTED_BY]->(:Country) RETURN p")
    assert done.code == 0, done.err
    data = page_data(out.read_text(encoding="utf-8"))
    assert len([n for n in data["nodes"] if "Visit" in n["labels"]]) == 8
    assert {e["type"] for e in data["edges"]} == {"MADE_VISIT", "HOSTED_BY"}
    named = loaded("view", "-o", str(out), "--force", "--query", "ego-network", "--param", "name=Tashkent")
    assert named.code == 0, named.err
