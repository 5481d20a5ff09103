#!/usr/bin/env python3
"""How fast the explorer (`relgraph serve`) answers: start to first drawing, expansion, concurrent queries.

  first drawing   from starting `relgraph serve` (a new process, which opens the store) to
                  the first graph drawn in headless Chromium: the server's start (the
                  address printed), the page ready (editor, schema and scripts loaded), and
                  the query of the address run and drawn. For the article and for a
                  synthetic store of --nodes nodes (built once, not timed).
  expansion       POST /api/expand of the best-connected node, adding up to 25 new
                  neighbours: median and 95th percentile of --repeat calls.
  concurrency     POST /api/query from 20 clients at once on the article graph, a mix of a
                  pattern query, a script with an entity to resolve, and an aggregation:
                  median and 95th percentile latency, and requests per second; and the
                  same mix from one client alone, the baseline.

Every number is measured in this run; nothing is estimated. The embedded backend, on
one machine: the clients, the server and the browser share its cores.

Usage: .venv/bin/python bench/serve.py [--nodes 100000] [--clients 20] [--requests 25] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.views.synthetic import synthetic_batch
from relgraph.loaders import default_sources, read_sources

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
FIRST_QUERY = "MATCH (n) RETURN n LIMIT 100"
MIX = [
    {"path": "/api/query",
     "json": {"query": "MATCH p = (:Person)-[:MADE_VISIT]->(:Visit)-[:HOSTED_BY]->(:Country) RETURN p"}},
    {"path": "/api/script", "json": {"name": "person-visits", "parameters": {"person": "moon jae-in"}}},
    {"path": "/api/query", "json": {"query": "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n "
                                             "ORDER BY n DESC"}},
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def first_drawing(snapshot: Path, browser: Any) -> dict[str, float]:
    """Seconds from spawning `relgraph serve` to: its address printed, page ready, first graph drawn."""
    relgraph = shutil.which("relgraph", path=str(Path(sys.executable).parent)) or "relgraph"
    started = time.perf_counter()
    proc = subprocess.Popen([relgraph, "--backend", "networkx", "--store", str(snapshot), "-q", "serve",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        listening = time.perf_counter() - started
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}#q={FIRST_QUERY.replace(' ', '+')}")
        ready = drawn = None
        deadline = time.perf_counter() + 300
        while drawn is None and time.perf_counter() < deadline:
            state = page.evaluate("() => window.relgraphExplorer ? [relgraphExplorer.state.ready, "
                                  "relgraphExplorer.drawnCounts().nodes] : [false, 0]")
            now = time.perf_counter() - started
            if state[0] and ready is None:
                ready = now
            if state[1] > 0:
                drawn = now
            page.wait_for_timeout(10)
        page.close()
        if drawn is None or ready is None:
            raise RuntimeError("the first graph was never drawn")
        return {"listening": listening, "page_ready": ready, "first_drawing": drawn}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def timed_calls(base: str, token: str, requests: list[dict[str, Any]]) -> list[float]:
    times = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        for request in requests:
            started = time.perf_counter()
            response = client.post(request["path"], json=request["json"])
            times.append(time.perf_counter() - started)
            response.raise_for_status()
    return times


def start_server(snapshot: Path) -> tuple[subprocess.Popen[str], str, str]:
    relgraph = shutil.which("relgraph", path=str(Path(sys.executable).parent)) or "relgraph"
    proc = subprocess.Popen([relgraph, "--backend", "networkx", "--store", str(snapshot), "-q", "serve",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    base, token = url.split("/?token=")
    return proc, base, token


def expansion(snapshot: Path, repeat: int) -> dict[str, float]:
    proc, base, token = start_server(snapshot)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            hub_query = "MATCH (n)--() RETURN elementId(n) AS id, count(*) AS d ORDER BY d DESC LIMIT 1"
            hub = client.post("/api/query", json={"query": hub_query}).json()["rows"][0]
        calls = [{"path": "/api/expand", "json": {"id": hub[0], "limit": 25}}] * repeat
        times = timed_calls(base, token, calls[:1])  # the first one builds the styles' cache
        times = timed_calls(base, token, calls)
        return {"degree": hub[1], "median": statistics.median(times), "p95": percentile(times, 0.95)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def concurrency(snapshot: Path, clients: int, requests: int) -> dict[str, float]:
    proc, base, token = start_server(snapshot)
    try:
        timed_calls(base, token, MIX)  # warm: caches, the parse cache
        results: list[list[float]] = [[] for _ in range(clients)]
        plans = [[MIX[(c + i) % len(MIX)] for i in range(requests)] for c in range(clients)]
        alone = timed_calls(base, token, plans[0])  # the same mix, one client: the baseline
        barrier = threading.Barrier(clients + 1)

        def client(index: int) -> None:
            barrier.wait()
            results[index] = timed_calls(base, token, plans[index])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        times = [t for per in results for t in per]
        return {"clients": clients, "requests": len(times), "p50": statistics.median(times),
                "p95": percentile(times, 0.95), "per_second": len(times) / elapsed,
                "alone_p50": statistics.median(alone), "alone_per_second": len(alone) / sum(alone)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100_000, help="nodes of the synthetic store")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="requests per client")
    parser.add_argument("--repeat", type=int, default=50, help="expansions timed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="relgraph-bench-serve-"))
    try:
        article = work / "article.snapshot"
        NetworkxStore(article).load(read_sources(default_sources()))
        big = work / "big.snapshot"
        print(f"building a store of {args.nodes:,} nodes (not timed)...", file=sys.stderr)
        NetworkxStore(big).load(synthetic_batch(args.nodes, args.nodes * 2))
        report: dict[str, Any] = {"cpus": os.cpu_count()}
        chromium = os.environ.get("RELGRAPH_CHROMIUM") or shutil.which("chromium") or "chromium"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            report["first_drawing"] = {"article": first_drawing(article, browser),
                                       f"{args.nodes} nodes": first_drawing(big, browser)}
            browser.close()
        report["expansion"] = {"article": expansion(article, args.repeat),
                               f"{args.nodes} nodes": expansion(big, args.repeat)}
        report["concurrency"] = concurrency(article, args.clients, args.requests)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"relgraph serve on {report['cpus']} CPUs (embedded store)\n")
    print(f"{'store':<16} {'listening':>10} {'page ready':>11} {'first drawing':>14}")
    for name, t in report["first_drawing"].items():
        print(f"{name:<16} {t['listening']:>9.2f}s {t['page_ready']:>10.2f}s {t['first_drawing']:>13.2f}s")
    print(f"\n{'store':<16} {'hub degree':>10} {'expand p50':>11} {'expand p95':>11}")
    for name, t in report["expansion"].items():
        print(f"{name:<16} {t['degree']:>10,} {t['median'] * 1000:>9.1f}ms {t['p95'] * 1000:>9.1f}ms")
    c = report["concurrency"]
    print(f"\n{c['clients']} clients, {c['requests']} queries on the article: p50 {c['p50'] * 1000:.1f} ms, "
          f"p95 {c['p95'] * 1000:.1f} ms, {c['per_second']:.0f} queries/s")
    print(f"one client, the same mix: p50 {c['alone_p50'] * 1000:.1f} ms, "
          f"{c['alone_per_second']:.0f} queries/s")


if __name__ == "__main__":
    main()
