#!/usr/bin/env python3
"""How HTML views scale: layout time, file size and time to the first stable frame in Chromium.

For the article graph and synthetic graphs of growing size (4 relationships per
node, like the default limit), this builds the view as `relgraph view` does,
writes it, opens it in headless Chromium (Debian's, as the tests use) and reads
the page's own marks:

  build     Python: styles, captions and (past the physics threshold) the layout
  layout    of which the layout (igraph) alone
  size      the HTML file (vis-network itself is ~0.7 MB of it)
  stable    from navigation start to the first frame drawn after the layout settled:
            physics stabilisation in the browser for small views, the first draw for
            large ones (median of --runs page loads)
  redraw    one full redraw of the whole view at the initial zoom (median of 5): a frame
            after each change of filter, or of a pan in a small view
  pan       one frame while the user drags or zooms: large views hide relationships
            then (hideEdgesOnDrag/hideEdgesOnZoom), small ones draw everything

Usage: .venv/bin/python bench/view_scale.py [--sizes 200,1000,2500,5000] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.selection import whole_graph
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.views import Limits, build_view, write_view
from relgraph.graph.views.limits import PHYSICS_MAX_NODES
from relgraph.graph.views.synthetic import synthetic_batch
from relgraph.loaders import default_sources, read_sources

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Renderer internals (vis-network 9.1): ``dragging`` is what a drag sets while it lasts.
REDRAW = """(dragging) => new Promise(done => {
  const renderer = relgraphView.network.renderer;
  const times = [];
  const step = () => {
    renderer.dragging = dragging;
    const started = performance.now();
    relgraphView.network.redraw();
    times.push(performance.now() - started);
    renderer.dragging = false;
    if (times.length < 5) requestAnimationFrame(step); else done(times);
  };
  requestAnimationFrame(step);
})"""


def measure_page(browser, path: Path, runs: int) -> tuple[float, float, float]:
    """Median time to the first stable frame, full redraw and pan frame, in milliseconds."""
    stable, redraw, pan = [], [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.as_uri())
        deadline = time.monotonic() + 120
        while not page.evaluate("() => Boolean(window.relgraphView && relgraphView.state.ready)"):
            if time.monotonic() > deadline:
                raise SystemExit(f"{path.name}: not ready after 120 s")
            page.wait_for_timeout(20)
        stable.append(page.evaluate("() => relgraphView.state.readyAt"))
        redraw.append(statistics.median(page.evaluate(REDRAW, False)))
        pan.append(statistics.median(page.evaluate(REDRAW, True)))
        page.close()
    return statistics.median(stable), statistics.median(redraw), statistics.median(pan)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000,2500,5000",
                        help="synthetic graph sizes in nodes (relationships: 4 per node)")
    parser.add_argument("--runs", type=int, default=3, help="page loads per size (median)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--keep", type=Path, help="keep the HTML files in this folder")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("RELGRAPH_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        raise SystemExit("needs Debian's chromium (tools/ensure-chromium installs it)")
    # (name, subgraph, physics threshold): at the threshold both layouts are measured,
    # which is what the threshold is chosen from
    cases: list[tuple[str, Subgraph, int]] = []
    article = NetworkxStore(None)
    article.load(read_sources(default_sources()))
    cases.append(("article", whole_graph(article), PHYSICS_MAX_NODES))
    for size in (int(s) for s in args.sizes.split(",")):
        store = NetworkxStore(None)
        store.load(synthetic_batch(size, 4 * size))
        cases.append((f"synthetic {size}", whole_graph(store), PHYSICS_MAX_NODES))
        if size == PHYSICS_MAX_NODES:
            cases.append((f"synthetic {size}", whole_graph(store), 0))

    folder = args.keep or Path(tempfile.mkdtemp(prefix="relgraph-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for index, (name, subgraph, physics_max) in enumerate(cases):
            limits = Limits(max_nodes=max(len(subgraph.nodes), 1), physics_max_nodes=physics_max)
            started = time.perf_counter()
            view = build_view(subgraph, limits=limits)
            built = time.perf_counter() - started
            path = folder / f"{index}-{name.replace(' ', '-')}.html"
            size = write_view(view, path, overwrite=True)
            stable, redraw, pan = measure_page(browser, path, args.runs)
            rows.append({"graph": name, "nodes": len(view.nodes), "relationships": len(view.edges),
                         "layout": "browser physics" if view.physics else "Python (igraph)",
                         "build_s": round(built, 2), "layout_s": round(view.layout_seconds, 2),
                         "size_mb": round(size / 1e6, 2), "stable_s": round(stable / 1000, 2),
                         "redraw_ms": round(redraw), "pan_ms": round(pan)})
            print(f"  {name}: done", file=sys.stderr)
        browser.close()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)

    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        print()
        return 0
    print(f"{'graph':<16} {'nodes':>6} {'rels':>6}  {'layout':<16} {'build s':>8} {'layout s':>9} "
          f"{'size MB':>8} {'stable s':>9} {'redraw ms':>10} {'pan ms':>7}")
    for r in rows:
        print(f"{r['graph']:<16} {r['nodes']:>6} {r['relationships']:>6}  {r['layout']:<16} "
              f"{r['build_s']:>8} {r['layout_s']:>9} {r['size_mb']:>8} {r['stable_s']:>9} "
              f"{r['redraw_ms']:>10} {r['pan_ms']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
