"""The example notebook (docs/examples/tour.ipynb) runs as a reader would run it, and its views work.

nbclient executes every cell in a real IPython kernel (ipykernel), in an empty folder;
then the frames the notebook displayed are put side by side in one page, as Jupyter
shows them, and opened in headless Chromium: each draws its own graph, and none can
reach the page around it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

import relgraph
from tests.browser import READY_TIMEOUT

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "examples" / "tour.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook, folder


def outputs(cell: Any) -> list[dict[str, Any]]:
    return list(cell.get("outputs", []))


def html_of(cell: Any) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs(cell))


def text_of(cell: Any) -> str:
    parts = []
    for output in outputs(cell):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def cell_with(notebook: Any, code: str) -> Any:
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and code in c.source]
    return cell


def test_every_cell_runs_without_an_error(executed):
    notebook, _ = executed
    errors = [o for c in notebook.cells for o in outputs(c) if o.get("output_type") == "error"]
    assert errors == []
    assert all(outputs(c) for c in notebook.cells if c.cell_type == "code")


def test_the_cells_show_what_the_text_promises(executed):
    notebook, folder = executed
    assert "144 nodes, 286 relationships" in text_of(cell_with(notebook, "stats = g.stats()"))
    assert "President of Uzbekistan" in html_of(cell_with(notebook, "HELD_OFFICE"))
    assert "Moon Jae-in" in html_of(cell_with(notebook, "person-visits"))
    assert "'Tashkent'" in text_of(cell_with(notebook, "degree_centrality"))
    for name in ("tashkent.graphml", "tashkent.json"):
        g = relgraph.open(":memory:")
        g.load(folder / name)
        assert g.stats().nodes == 18


def test_results_and_subgraphs_display_as_sandboxed_views(executed):
    notebook, _ = executed
    for code in ("MADE_VISIT", "tashkent = g.select"):
        shown = html_of(cell_with(notebook, code))
        assert shown.startswith('<iframe sandbox="allow-scripts" ')
        assert 'srcdoc="&lt;!DOCTYPE html&gt;' in shown


def test_two_views_in_one_page_each_draw_their_own_graph_and_stay_inside_their_frame(
        executed, browser, tmp_path):
    notebook, _ = executed
    frames = [html_of(cell_with(notebook, "MADE_VISIT")), html_of(cell_with(notebook, "tashkent = g.select"))]
    page_file = tmp_path / "notebook.html"
    cells = "".join(f"<div class='output'>{f}</div>" for f in frames)
    page_file.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
                         f"<body>{cells}</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1300, "height": 1400})
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.resolve().as_uri())
    deadline = time.monotonic() + READY_TIMEOUT
    while len(view_frames(page)) < 2 or not all(
            frame.evaluate("() => Boolean(window.relgraphView && window.relgraphView.state.ready)")
            for frame in view_frames(page)):
        if time.monotonic() > deadline:
            pytest.fail(f"the views were not ready after {READY_TIMEOUT:.0f} s: {errors}")
        page.wait_for_timeout(50)
    drawn = [frame.evaluate("() => relgraphView.drawnCounts()") for frame in view_frames(page)]
    expected = [frame.evaluate("() => ({nodes: relgraphView.data.nodes.length, "
                               "edges: relgraphView.data.edges.length})") for frame in view_frames(page)]
    assert drawn == expected and drawn[0] != drawn[1]
    assert drawn[1] == {"nodes": 18, "edges": 29}
    for frame in view_frames(page):
        reach = frame.evaluate(
            "() => { try { return parent.document.title; } catch (e) { return 'blocked'; } }")
        assert reach == "blocked"
        assert frame.evaluate("() => document.querySelectorAll('#network canvas').length") == 1
    assert errors == []
    context.close()


def view_frames(page: Any) -> list[Any]:
    return [frame for frame in page.frames if frame != page.main_frame]
