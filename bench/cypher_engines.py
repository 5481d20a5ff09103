"""relgraph's Cypher engine against grand-cypher and nxcypher on the same generated graph.

Run it in the peers' virtualenv (``make peers`` creates it; ``make bench`` runs this)::

    bench/.venv-peers/bin/python bench/cypher_engines.py              # 1k, 10k, 100k nodes
    bench/.venv-peers/bin/python bench/cypher_engines.py --sizes 1000 --check
    bench/.venv-peers/bin/python bench/cypher_engines.py --profile relgraph:aggregation:10000

What is measured (bench/README.md has the numbers and the reasoning):

* One logical graph per size, generated from a fixed seed with the project's kind
  of schema. relgraph's engine reads it as a :class:`PropertyGraph` (a networkx
  MultiDiGraph with nested ``labels``/``properties`` attributes plus the indexes
  the engine keeps); both peers read one ``nx.MultiDiGraph`` in their layout
  (flat properties, ``__labels__`` sets), made from the PropertyGraph by
  ``tests.tck.peers.to_peer_graph`` so that node ids, edge keys and every value
  are the same. Building either is not timed.
* Each query is the same question for all three. The texts are identical where a
  library accepts relgraph's spelling; :data:`QUERIES` lists any per-engine text.
  Before timing, every engine's answer is compared with relgraph's as a multiset
  of rows; a difference is reported and marked in the table.
* Every query once on a tiny graph first, so that one-time costs (imports, grammar
  building) land nowhere. Then per size, one untimed warm-up (under tracemalloc,
  for the memory column), then ``--reps`` timed runs (``--reps-large`` at 100k
  nodes and above) with a garbage collection before each; the median is reported.
  When the first timed run takes over ``--slow`` seconds it is the only one; a run
  over ``--timeout`` is stopped.
* Time covers what a caller does to get rows: relgraph ``execute(graph, q)`` and
  iterating the records; grand-cypher ``GrandCypher(g).run(q)`` (a GrandCypher
  object keeps the state of the query it ran, so each query needs a new one, and
  its constructor indexes every node); nxcypher ``NXCypher(g).run(q)``.
* Memory: the tracemalloc peak of the warm-up run of each query (what the query
  allocates beyond the graph), and what building each engine's graph allocated.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import random
import signal
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # for tests.tck.peers when run as a script
    sys.path.insert(0, str(ROOT))

ENGINES = ("relgraph", "grand-cypher", "nxcypher")


@dataclass(frozen=True)
class Query:
    name: str
    question: str
    text: str
    per_engine: dict[str, str] = field(default_factory=dict)  # a different spelling, if one needs it

    def for_engine(self, engine: str) -> str:
        return self.per_engine.get(engine, self.text)


# Double-quoted strings, upper-case COUNT and no WITH: what grand-cypher's grammar accepts,
# so that one text serves all three engines.
QUERIES = (
    Query("label-scan", "people born in 1975",
          'MATCH (p:Person) WHERE p.year = 1975 RETURN p.name'),
    Query("two-hop", "the cities where people born in 1975 held office",
          'MATCH (p:Person)-[:HELD_OFFICE]->(i:Institution)-[:LOCATED_IN]->(c:City) WHERE p.year = 1975 '
          'RETURN p.name, c.name'),
    Query("rel-property", "visits made in 2001",
          'MATCH (p:Person)-[v:MADE_VISIT]->(c:Country) WHERE v.year = 2001 RETURN p.name, c.name'),
    Query("aggregation", "visits per country",
          'MATCH (p:Person)-[:MADE_VISIT]->(c:Country) RETURN c.name, COUNT(p) AS visits'),
)


# --- the graph -------------------------------------------------------------------------


@dataclass
class GraphSpec:
    nodes: list[tuple[list[str], dict[str, Any]]]              # index = node number
    rels: list[tuple[int, int, str, dict[str, Any]]]


def generate(n_nodes: int, seed: int = 7) -> GraphSpec:
    """A graph of ``n_nodes`` nodes and about four times as many relationships.

    Persons (65%) visit countries, hold office at institutions, take part in
    events and know each other; cities, institutions and events are located in
    cities or countries. Every node has ``name``, ``key`` and ``year``; visits,
    offices, participation and acquaintance carry a ``year``.
    """
    rng = random.Random(seed)
    shares = (("Country", 0.02), ("City", 0.10), ("Institution", 0.10), ("Event", 0.13))
    counts = {label: max(3, int(n_nodes * share)) for label, share in shares}
    counts["Person"] = max(3, n_nodes - sum(counts.values()))
    spec = GraphSpec([], [])
    ids: dict[str, list[int]] = {}
    for label in ("Country", "City", "Institution", "Event", "Person"):
        ids[label] = []
        for i in range(counts[label]):
            year = rng.randint(1930, 2005) if label == "Person" else rng.randint(1800, 2024)
            ids[label].append(len(spec.nodes))
            spec.nodes.append(([label], {"name": f"{label} {i}", "key": f"{label.lower()}-{i}",
                                         "year": year}))

    def rel(u: int, v: int, rel_type: str, **props: Any) -> None:
        spec.rels.append((u, v, rel_type, props))

    for city in ids["City"]:
        rel(city, rng.choice(ids["Country"]), "LOCATED_IN")
    for label in ("Institution", "Event"):
        for node in ids[label]:
            rel(node, rng.choice(ids["City"]), "LOCATED_IN")
    people = ids["Person"]
    for person in people:
        for _ in range(2):
            rel(person, rng.choice(ids["Country"]), "MADE_VISIT", year=rng.randint(1990, 2024))
        rel(person, rng.choice(ids["Institution"]), "HELD_OFFICE", year=rng.randint(1950, 2024))
        rel(person, rng.choice(ids["Event"]), "PARTICIPATED_IN", year=rng.randint(1990, 2024))
        for _ in range(rng.choice((1, 1, 2))):
            rel(person, rng.choice(people), "KNOWS", year=rng.randint(1990, 2024))
    return spec


def build_property_graph(spec: GraphSpec) -> Any:
    from relgraph.graph.cypher.property_graph import PropertyGraph

    pg = PropertyGraph()
    ids = [pg.create_node(labels, props) for labels, props in spec.nodes]
    for u, v, rel_type, props in spec.rels:
        pg.create_rel(ids[u], ids[v], rel_type, props)
    return pg


# --- the engines -----------------------------------------------------------------------


Rows = list[tuple[Any, ...]]


def relgraph_runner(pg: Any) -> Callable[[str], Rows]:
    from relgraph.graph.cypher import execute

    def run(query: str) -> Rows:
        return [tuple(record.values()) for record in execute(pg, query)]

    return run


def _columns_to_rows(result: dict[Any, list[Any]]) -> Rows:
    return list(zip(*result.values())) if result else []


def grand_cypher_runner(g: Any) -> Callable[[str], Rows]:
    from grandcypher import GrandCypher

    def run(query: str) -> Rows:
        return _columns_to_rows(GrandCypher(g).run(query))

    return run


def nxcypher_runner(g: Any) -> Callable[[str], Rows]:
    from nxcypher import NXCypher

    engine = NXCypher(g)  # holds no per-query state: one per graph, as a user would keep it

    def run(query: str) -> Rows:
        return _columns_to_rows(engine.run(query))

    return run


@dataclass
class Graphs:
    size: int
    spec: GraphSpec
    pg: Any
    peer: Any
    build_mb: dict[str, float]

    def runner(self, engine: str) -> Callable[[str], Rows]:
        if engine == "relgraph":
            return relgraph_runner(self.pg)
        if engine == "grand-cypher":
            return grand_cypher_runner(self.peer)
        if engine == "nxcypher":
            return nxcypher_runner(self.peer)
        raise ValueError(engine)


def build(size: int, seed: int = 7, measure: bool = True) -> Graphs:
    from tests.tck.peers import to_peer_graph

    spec = generate(size, seed)
    mb: dict[str, float] = {}
    if measure:
        tracemalloc.start()
    pg = build_property_graph(spec)
    if measure:
        mb["relgraph"] = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
    peer = to_peer_graph(pg)
    if measure:
        mb["peers"] = (tracemalloc.get_traced_memory()[0] - before) / 2**20
        tracemalloc.stop()
    return Graphs(size, spec, pg, peer, mb)


# --- measuring -------------------------------------------------------------------------


class Timeout(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout()


def timed(fn: Callable[[], Any], timeout: float) -> tuple[float, Any]:
    """Seconds and value of ``fn()``; raises :class:`Timeout` after ``timeout`` seconds."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        start = time.perf_counter()
        value = fn()
        return time.perf_counter() - start, value
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def canonical_rows(rows: Rows) -> Counter:
    return Counter(tuple(repr(v) for v in row) for row in rows)


@dataclass
class Measurement:
    engine: str
    query: str
    size: int
    seconds: float | None = None        # median
    first: float | None = None          # the warm-up run
    runs: int = 0
    rows: int | None = None
    peak_mb: float | None = None
    error: str | None = None
    same_answer: bool | None = None     # as relgraph's


def measure(graphs: Graphs, engine: str, query: Query, reps: int, timeout: float, slow: float,
            memory: bool, reference: Counter | None) -> tuple[Measurement, Counter | None]:
    m = Measurement(engine, query.name, graphs.size)
    run = graphs.runner(engine)
    text = query.for_engine(engine)
    gc.collect()
    if memory:
        tracemalloc.start()
    try:
        first, rows = timed(lambda: run(text), timeout)  # warm-up, and the answer to check
        if memory:
            m.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    except Timeout:
        m.error = f"timeout >{timeout:g}s"
        return m, None
    except Exception as exc:  # a library rejecting the query is a result to report
        m.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
        return m, None
    finally:
        if memory:
            tracemalloc.stop()
    answer = canonical_rows(rows)
    m.rows = len(rows)
    m.first = first
    if reference is not None:
        m.same_answer = answer == reference
    samples: list[float] = []
    for _ in range(reps):
        gc.collect()
        try:
            seconds, _ = timed(lambda: run(text), timeout)
        except Timeout:
            m.error = f"timeout >{timeout:g}s"
            break
        samples.append(seconds)
        if seconds > slow:
            break
    if samples:
        m.seconds = statistics.median(samples)
        m.runs = len(samples)
    return m, answer


def warm_up_process(engines: list[str], queries: list[Query]) -> None:
    """Run every query once on a tiny graph, so that one-time costs (lazy imports, building a
    library's grammar) fall in no measurement, the traced warm-up's memory peak included."""
    graphs = build(60, measure=False)
    for engine in engines:
        run = graphs.runner(engine)
        for query in queries:
            with contextlib.suppress(Exception):  # reported when it happens again on the real graph
                run(query.for_engine(engine))


def run_size(size: int, engines: list[str], queries: list[Query], reps: int, timeout: float,
             slow: float, memory: bool, log: Callable[[str], None]) -> tuple[Graphs, list[Measurement]]:
    start = time.perf_counter()
    graphs = build(size, measure=memory)
    log(f"built {size:,} nodes / {len(graphs.spec.rels):,} relationships in "
        f"{time.perf_counter() - start:.1f}s")
    out = []
    for query in queries:
        reference: Counter | None = None
        for engine in engines:
            m, answer = measure(graphs, engine, query, reps, timeout, slow, memory, reference)
            if engine == engines[0]:
                reference = answer
            out.append(m)
            log(f"  {query.name:<13} {engine:<13} " + (
                f"{m.seconds * 1000:10.2f} ms x{m.runs}" if m.seconds is not None
                else f"{m.first * 1000:10.2f} ms once" if m.first is not None else f"{m.error}")
                + (f"  rows {m.rows}" if m.rows is not None else "")
                + ("" if m.same_answer is not False else "  DIFFERENT ANSWER"))
    return graphs, out


# --- output ----------------------------------------------------------------------------


def _ms(m: Measurement | None) -> str:
    if m is None:
        return "-"
    if m.seconds is None:
        return m.error or "-"
    mark = "" if m.same_answer is not False else " (!)"
    return f"{m.seconds * 1000:,.1f}{mark}"


def _ratio(a: Measurement | None, b: Measurement | None) -> str:
    if a is None or b is None or a.seconds is None:
        return "-"
    if b.seconds is None:
        return "peer failed"
    return f"{a.seconds / b.seconds:.2f}"


def _mb(m: Measurement | None) -> str:
    return "-" if m is None or m.peak_mb is None else f"{m.peak_mb:,.1f}"


def table(results: list[Measurement], builds: dict[int, dict[str, float]], engines: list[str],
          markdown: bool = True) -> str:
    """Times (median ms), relgraph/peer ratios (below 1: relgraph faster), tracemalloc peaks."""
    by = {(m.size, m.query, m.engine): m for m in results}
    peers = [e for e in engines if e != "relgraph"]
    head = (["nodes", "query", "rows"] + [f"{e} ms" for e in engines]
            + [f"relgraph/{p}" for p in peers if "relgraph" in engines]
            + [f"{e} peak MB" for e in engines])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size in sorted({m.size for m in results}):
        for q in [q for q in QUERIES if any(k[:2] == (size, q.name) for k in by)]:
            cells = [by.get((size, q.name, e)) for e in engines]
            rows = next((c.rows for c in cells if c is not None and c.rows is not None), None)
            row = [f"{size:,}", q.name, "-" if rows is None else str(rows)]
            row += [_ms(c) for c in cells]
            if "relgraph" in engines:
                row += [_ratio(by.get((size, q.name, "relgraph")), by.get((size, q.name, p))) for p in peers]
            row += [_mb(c) for c in cells]
            lines.append("| " + " | ".join(row) + " |")
    if any(builds.values()):
        lines.append("")
        lines.append("Graph memory (tracemalloc, MB allocated while building): " + "; ".join(
            f"{size:,} nodes: relgraph PropertyGraph {mb.get('relgraph', 0):,.1f}, "
            f"peer nx graph {mb.get('peers', 0):,.1f}" for size, mb in sorted(builds.items()) if mb))
    if not markdown:
        return "\n".join(line.replace("|", " ") for line in lines)
    return "\n".join(lines)


def profile(spec: str, out_dir: Path) -> Path:
    """``ENGINE:QUERY:SIZE`` -> a pyinstrument text profile of five runs of that query."""
    from pyinstrument import Profiler

    engine, query_name, size = spec.split(":")
    query = next(q for q in QUERIES if q.name == query_name)
    graphs = build(int(size), measure=False)
    run = graphs.runner(engine)
    text = query.for_engine(engine)
    run(text)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(5):
        run(text)
    profiler.stop()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"profile-{engine}-{query_name}-{size}.txt"
    path.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="node counts, comma-separated")
    ap.add_argument("--engines", default=",".join(ENGINES), help="the first is the reference answer")
    ap.add_argument("--queries", default=",".join(q.name for q in QUERIES))
    ap.add_argument("--reps", type=int, default=7, help="timed runs per query")
    ap.add_argument("--reps-large", type=int, default=3, help="timed runs at 100k nodes and above")
    ap.add_argument("--slow", type=float, default=5.0,
                    help="a first timed run slower than this is the only one")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds before one run is stopped")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--check", action="store_true",
                    help="only compare answers (one run each); exit 1 if any engine differs or fails")
    ap.add_argument("--json", type=Path, help="also write the measurements here")
    ap.add_argument("--profile", metavar="ENGINE:QUERY:SIZE", action="append", default=[],
                    help="write a pyinstrument profile instead of benchmarking (repeatable)")
    args = ap.parse_args(argv)

    if args.profile:
        for spec in args.profile:
            print(profile(spec, Path(args.json.parent if args.json else "out")))
        return 0
    engines = args.engines.split(",")
    queries = [q for q in QUERIES if q.name in args.queries.split(",")]
    results: list[Measurement] = []
    builds: dict[int, dict[str, float]] = {}
    started = time.perf_counter()
    warm_up_process(engines, queries)
    for size in (int(s) for s in args.sizes.split(",")):
        reps = 0 if args.check else (args.reps_large if size >= 100_000 else args.reps)
        graphs, ms = run_size(size, engines, queries, reps, args.timeout, args.slow,
                              not (args.no_memory or args.check), lambda s: print(s, file=sys.stderr))
        builds[size] = graphs.build_mb
        results.extend(ms)
    if args.check:
        for m in results:
            verdict = m.error or ("same answer" if m.same_answer is not False else "DIFFERENT ANSWER")
            print(f"{m.size:>9,} {m.query:<13} {m.engine:<13} {m.rows if m.rows is not None else '-':>6} rows"
                  f"  {verdict}")
    else:
        print(table(results, builds, engines))
        print(f"\n({time.perf_counter() - started:.0f}s; median of {args.reps} runs, "
              f"{args.reps_large} at 100k+ nodes; ratios below 1 mean relgraph is faster)")
    if args.json:
        args.json.write_text(json.dumps([m.__dict__ for m in results], indent=1) + "\n")
    bad = [m for m in results if m.error or m.same_answer is False]
    for m in bad:
        print(f"{m.engine} on {m.query} at {m.size:,}: "
              f"{m.error or 'answer differs from ' + engines[0] + chr(39) + 's'}", file=sys.stderr)
    return 1 if args.check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
