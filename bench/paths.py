"""Path searches: the embedded engine's warm latency against Neo4j 5.26 on the same graph.

    .venv/bin/python bench/paths.py                       # 100k nodes, 500k relationships, own server
    .venv/bin/python bench/paths.py --nodes 10000 --rels 50000 --uri bolt://127.0.0.1:7687

The graph is bench/neo4j_load.py's (the article's schema, fixed seed) plus a separate
small graph of 20 ``:LINK`` relationships between 12 ``:Small`` nodes, where an unbounded
``[*]`` has many trails but few distinct end nodes. The embedded engine reads it as a
PropertyGraph; Neo4j gets it by UNWIND ... CREATE in batches (bench/neo4j_load.py's
baseline, with its key constraints). Both answers must agree (the lengths and counts
the queries return; which of several equally short paths is unspecified, so no query
returns a path itself). Each query runs once untimed (Neo4j plans and compiles it, the
embedded engine caches its parse), then ``--reps`` times; the median is reported.

Without --uri it starts a server like bench/neo4j_load.py (4 GB heap) and stops it at
the end; with --uri that database is emptied first (and left holding the bench graph):
never point it at data you keep.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.neo4j_load import empty, generate, load_baseline, server  # noqa: E402
from relgraph.graph.backends.neo4j.connection import Neo4jSettings  # noqa: E402
from relgraph.graph.backends.neo4j.store import Neo4jStore  # noqa: E402
from relgraph.graph.cypher import execute  # noqa: E402
from relgraph.graph.cypher.property_graph import PropertyGraph  # noqa: E402
from relgraph.graph.values.model import GraphBatch, NodeKey, NodeSpec, RelSpec  # noqa: E402

SMALL_NODES, SMALL_RELS = 12, 20
FAR = ("agreement-11", "statistic-7")  # low-degree nodes of different kinds: far apart

QUERIES = [
    ("shortestPath, two far nodes",
     "MATCH (a:Agreement {key: $a}), (b:Statistic {key: $b}) "
     "MATCH p = shortestPath((a)-[*]-(b)) RETURN length(p)"),
    ("allShortestPaths, same nodes",
     "MATCH (a:Agreement {key: $a}), (b:Statistic {key: $b}) "
     "MATCH p = allShortestPaths((a)-[*]-(b)) RETURN length(p), count(*)"),
    ("undirected *1..3 from one node, count",
     "MATCH (a:Agreement {key: $a})-[*1..3]-(b) RETURN count(*)"),
    ("[*] + collect(DISTINCT), 20 relationships",
     "MATCH (a:Small {key: 'small-0'})-[*]-(b) RETURN size(collect(DISTINCT b))"),
    ("SHORTEST 3, two far nodes",
     "MATCH (a:Agreement {key: $a}), (b:Statistic {key: $b}) "
     "MATCH p = SHORTEST 3 (a)-[]-+(b) RETURN length(p)"),
]


def small_graph(seed: int = 3) -> GraphBatch:
    """A ring of 12 nodes and 8 chords: 20 relationships, 12 distinct ends, many trails to each."""
    rng = random.Random(seed)
    nodes = [NodeSpec(["Small"], {"key": f"small-{i}", "name": f"Small {i}"}) for i in range(SMALL_NODES)]
    rels = []
    for i in range(SMALL_RELS):
        u = i % SMALL_NODES if i < SMALL_NODES else rng.randrange(SMALL_NODES)
        v = (u + 1) % SMALL_NODES if i < SMALL_NODES else rng.randrange(SMALL_NODES)
        rels.append(RelSpec("LINK", NodeKey("Small", f"small-{u}"), NodeKey("Small", f"small-{v}"),
                            {"key": f"link-{i}"}))
    return GraphBatch("bench", nodes, rels)


def property_graph(*batches: GraphBatch) -> PropertyGraph:
    pg = PropertyGraph()
    ids: dict[tuple[str, str], int] = {}
    for batch in batches:
        for spec in batch.nodes:
            ids[(spec.labels[0], spec.properties["key"])] = pg.create_node(spec.labels, dict(spec.properties))
        for rel in batch.relationships:
            pg.create_rel(ids[(rel.start.label, rel.start.key)], ids[(rel.end.label, rel.end.key)],
                          rel.type, dict(rel.properties))
    return pg


def median_ms(run: Callable[[], Any], reps: int) -> tuple[float, Any]:
    answer = run()  # warm: plan caches, JIT
    times = []
    for _ in range(reps):
        gc.collect()
        started = time.perf_counter()
        again = run()
        times.append(time.perf_counter() - started)
        assert again == answer
    return statistics.median(times) * 1000, answer


def canonical(rows: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=500_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--uri", help="use this server (its database is emptied!) instead of starting one")
    parser.add_argument("--only", help="run only the queries whose name contains this")
    args = parser.parse_args(argv)

    big, small = generate(args.nodes, args.rels), small_graph()
    started = time.perf_counter()
    pg = property_graph(big, small)
    print(f"embedded graph built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    params = {"a": FAR[0], "b": FAR[1]}
    queries = [q for q in QUERIES if not args.only or args.only in q[0]]
    rows = []
    with server(args.uri) as uri, Neo4jStore.connect(Neo4jSettings(uri)) as store:
        agent = store.server_agent()
        empty(store)
        started = time.perf_counter()
        load_baseline(store, big)
        load_baseline(store, small)
        print(f"Neo4j loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for name, query in queries:
            emb_ms, emb = median_ms(lambda q=query: canonical(
                tuple(r.values()) for r in execute(pg, q, params)), args.reps)
            neo_ms, neo = median_ms(lambda q=query: canonical(store.run(q, params)), args.reps)
            same = "" if emb == neo else f"  DIFFERENT: embedded {emb[:3]}, Neo4j {neo[:3]}"
            rows.append((name, emb_ms, neo_ms, f"{emb[:2]}{same}"))
            print(f"{name}: {emb_ms:.1f} ms / {neo_ms:.1f} ms {emb[:2]}{same}", file=sys.stderr)
    print(f"\n{agent}; {args.nodes:,} nodes + {args.rels:,} relationships, "
          f"median of {args.reps} warm runs\n")
    print(f"| {'query':<44} | embedded ms | Neo4j ms | ratio | answer")
    print(f"|{'-' * 46}|-------------|----------|-------|-------")
    for name, emb_ms, neo_ms, answer in rows:
        print(f"| {name:<44} | {emb_ms:11.1f} | {neo_ms:8.1f} | {emb_ms / neo_ms:5.2f} | {answer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
