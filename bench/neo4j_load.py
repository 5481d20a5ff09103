"""Load benchmark: relgraph's Neo4j loader against a hand-written UNWIND/CREATE baseline.

Generates a graph with the article's schema (people, countries, cities, institutions
and events with their kind labels, agreements, offices, statistics; the same
relationship types, keys and provenance-like properties), 100,000 nodes and 500,000
relationships by default, and loads it into one Neo4j server twice in the same run:

* **relgraph**: ``GraphStore.load`` as ``relgraph load`` does it: validation, key
  constraints, then MERGE of every node and relationship in one transaction (so it
  is idempotent and all-or-nothing).
* **baseline**: what one would write by hand for a one-off import into an empty
  database: the same key constraints (the relationship MATCHes need an index), then
  ``UNWIND $rows CREATE`` in batches of the same size, also in one transaction, so
  the ratio measures MERGE semantics and relgraph's own overhead, not a different
  transaction strategy.

Both start from an empty database without constraints, after a small warm-up load
through both paths (JIT and plan caches), and must end with the same counts.

    .venv/bin/python bench/neo4j_load.py                     # starts its own server
    .venv/bin/python bench/neo4j_load.py --uri bolt://127.0.0.1:7687 --nodes 10000 --rels 50000

Without --uri it starts a server with tools/neo4j/neo4j-server on a free port and a
temporary home, with RELGRAPH_NEO4J_HEAP (default here 4g: one transaction holds the
whole load) and RELGRAPH_NEO4J_TX_MEMORY (default here 0, no per-transaction limit: the
launcher's 256m would stop a load this size) and stops it at the end. The uri's
database is emptied: never point it at data you want to keep.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from relgraph.commands.neo4j import start_server, stop_server
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.statements import BATCH_ROWS, quote_name
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
    default_rel_key,
)

# Share of the nodes per label; Institution and Event nodes also get their kind as a label.
NODE_MIX = {"Person": 0.30, "Event": 0.40, "Institution": 0.15, "Agreement": 0.07,
            "City": 0.05, "Office": 0.01, "Statistic": 0.01, "Region": 0.008, "Country": 0.002}
INSTITUTION_KINDS = ["company", "embassy", "university", "airport", "cultural centre", "ministry",
                     "joint venture", "association"]
EVENT_KINDS = ["visit", "meeting", "forum", "opening", "honour", "conference", "decision"]
# (type, start label, end label, weight): the article's relationship types and directions.
REL_MIX = [
    ("ATTENDED", "Person", "Event", 26), ("TOOK_PLACE_IN", "Event", "City", 9),
    ("CARRIED_OUT", "Institution", "Event", 8), ("CONCERNS", "Event", "Institution", 7),
    ("CONCERNS", "Agreement", "Institution", 4), ("MADE_VISIT", "Person", "Event", 4),
    ("HOSTED_BY", "Event", "Country", 4), ("PART_OF", "Event", "Event", 5),
    ("LED_TO", "Event", "Event", 3), ("HELD_OFFICE", "Person", "Office", 6),
    ("SIGNED", "Person", "Agreement", 4), ("PARTY_TO", "Country", "Agreement", 3),
    ("LOCATED_IN", "Institution", "City", 4), ("LOCATED_IN", "City", "Country", 1),
    ("LOCATED_IN", "Region", "Country", 1), ("BASED_IN", "Institution", "Country", 4),
    ("OFFICE_OF", "Office", "Country", 1), ("ABOUT", "Statistic", "Country", 2),
    ("SUCCEEDED", "Person", "Person", 2), ("SISTER_CITY_OF", "City", "City", 1),
]
SECTIONS = ["Lead", "History", "Economic relations", "Cultural/educational relations", "Koryo-saram"]


def pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split())


def generate(nodes: int, rels: int, seed: int = 7) -> GraphBatch:
    """A deterministic graph of the article's shape, as relgraph's loaders would produce it."""
    rng = random.Random(seed)
    specs: list[NodeSpec] = []
    keys: dict[str, list[str]] = defaultdict(list)
    sizes = {label: max(1, int(nodes * share)) for label, share in NODE_MIX.items()}
    sizes["Event"] += nodes - sum(sizes.values())  # exactly ``nodes`` in all
    for label, size in sizes.items():
        for i in range(size):
            key = f"{label.lower()}-{i}"
            props: dict = {"key": key, "name": f"{label} {i}", "sourceId": "bench",
                           "section": rng.choice(SECTIONS),
                           "quote": f"The {label.lower()} number {i} is mentioned in this sentence."}
            labels = [label]
            if label in ("Institution", "Event"):
                kind = rng.choice(INSTITUTION_KINDS if label == "Institution" else EVENT_KINDS)
                props["kind"] = kind
                labels.append(pascal(kind))
            if label in ("Event", "Agreement", "Statistic"):
                props["year"] = rng.randint(1991, 2024)
            if label == "Person":
                props["aliases"] = [f"P{i}"]
            specs.append(NodeSpec(labels, props))
            keys[label].append(key)
    weights = [w for *_, w in REL_MIX]
    ordinals: Counter[tuple[str, str, str]] = Counter()
    rel_specs: list[RelSpec] = []
    for kind in rng.choices(range(len(REL_MIX)), weights, k=rels):
        rel_type, start_label, end_label, _ = REL_MIX[kind]
        start = NodeKey(start_label, rng.choice(keys[start_label]))
        end = NodeKey(end_label, rng.choice(keys[end_label]))
        ends = (start.key, rel_type, end.key)
        ordinals[ends] += 1
        props = {"key": default_rel_key(*ends, ordinals[ends]),
                 "sourceId": "bench", "section": rng.choice(SECTIONS),
                 "quote": f"{start.key} {rel_type.lower()} {end.key}, as this sentence says."}
        if rel_type in ("HELD_OFFICE",):
            props["years"] = sorted(rng.sample(range(1991, 2025), 3))
        rel_specs.append(RelSpec(rel_type, start, end, props))
    return GraphBatch("bench", specs, rel_specs)


def empty(store: Neo4jStore) -> None:
    """No data and no constraints, so both contenders start from the same state."""
    store.clear()
    for (name,) in store.run("SHOW CONSTRAINTS YIELD name RETURN name"):
        store.run(f"DROP CONSTRAINT {quote_name(name)}", write=True)


def load_baseline(store: Neo4jStore, batch: GraphBatch) -> None:
    """The hand-written import: key constraints, then UNWIND ... CREATE in one transaction."""
    node_groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for spec in batch.nodes:
        node_groups[tuple(spec.labels)].append(spec.properties)
    rel_groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for rel in batch.relationships:
        rel_groups[(rel.type, rel.start.label, rel.end.label)].append(
            {"start": rel.start.key, "end": rel.end.key, "props": rel.properties})
    store.ensure_key_constraints({spec.labels[0] for spec in batch.nodes})

    def work(tx) -> None:
        for labels, rows in node_groups.items():
            query = f"UNWIND $rows AS row CREATE (n:{':'.join(map(quote_name, labels))}) SET n = row"
            for start in range(0, len(rows), BATCH_ROWS):
                tx.run(query, rows=rows[start:start + BATCH_ROWS]).consume()
        for (rel_type, start_label, end_label), rows in rel_groups.items():
            query = (f"UNWIND $rows AS row MATCH (a:{quote_name(start_label)} {{key: row.start}}) "
                     f"MATCH (b:{quote_name(end_label)} {{key: row.end}}) "
                     f"CREATE (a)-[r:{quote_name(rel_type)}]->(b) SET r = row.props")
            for start in range(0, len(rows), BATCH_ROWS):
                tx.run(query, rows=rows[start:start + BATCH_ROWS]).consume()

    with store.driver.session(database=store.settings.database) as session:
        session.execute_write(work)


@dataclass
class Timing:
    name: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def timed(name: str, rows: int, action) -> Timing:
    started = time.perf_counter()
    action()
    return Timing(name, rows, time.perf_counter() - started)


class Interrupted(Exception):
    """Raised from the progress callback to cut a load short at a chosen batch."""


def time_undo(store: Neo4jStore, batch: GraphBatch, after: int) -> tuple[Timing, Timing]:
    """A load in batches stopped (as Ctrl-C stops it) once ``after`` rows are in: how long it ran,
    and how long undoing its batches took until the error reached the caller."""
    started = time.perf_counter()
    stopped: list[float] = []

    def progress(done: int, total: int, what: str) -> None:
        if what.startswith("batch") and done >= after and not stopped:
            stopped.append(time.perf_counter())
            raise KeyboardInterrupt

    with suppress(KeyboardInterrupt):
        store.load(batch, progress)
    ended = time.perf_counter()
    counts = store.counts()
    assert (counts.nodes, counts.relationships) == (0, 0), f"undo left {counts}"
    return (Timing("loaded until stop", after, stopped[0] - started),
            Timing("undo", after, ended - stopped[0]))


@contextmanager
def server(uri: str | None) -> Iterator[str]:
    if uri:
        yield uri
        return
    os.environ.setdefault("RELGRAPH_NEO4J_HEAP", "4g")
    os.environ.setdefault("RELGRAPH_NEO4J_PAGECACHE", "1g")
    os.environ.setdefault("RELGRAPH_NEO4J_TX_MEMORY", "0")
    home = tempfile.mkdtemp(prefix="relgraph-bench-neo4j.")
    print(f"starting Neo4j (heap {os.environ['RELGRAPH_NEO4J_HEAP']}, home {home}) ...", file=sys.stderr)
    try:
        yield start_server(0, home)
    finally:
        stop_server(home)
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=500_000)
    parser.add_argument("--uri", help="use this server (its database is emptied!) instead of starting one")
    parser.add_argument("--reload", action="store_true",
                        help="also time loading the same graph again (every row already present)")
    parser.add_argument("--exact-names", action="store_true",
                        help="make relgraph use its pre-5.26 statements (labels written out, no $(...))")
    parser.add_argument("--only-relgraph", action="store_true", help="no baseline (e.g. for a load "
                        "too large for one transaction on the server)")
    parser.add_argument("--undo-after", type=int, metavar="ROWS",
                        help="also time a load stopped after ROWS rows and the undo of its batches")
    parser.add_argument("--single-max", type=int, metavar="ROWS",
                        help="relgraph loads above ROWS rows in batches (default: "
                             f"{Neo4jStore.single_transaction_max:,}; 0: always in batches)")
    args = parser.parse_args(argv)
    if args.single_max is not None:
        Neo4jStore.single_transaction_max = args.single_max

    started = time.perf_counter()
    batch = generate(args.nodes, args.rels)
    warmup = generate(max(1, args.nodes // 100), args.rels // 100, seed=1)
    rows = len(batch)
    print(f"generated {len(batch.nodes):,} nodes and {len(batch.relationships):,} relationships "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    with server(args.uri) as uri, Neo4jStore.connect(
            Neo4jSettings(uri), dynamic_names=False if args.exact_names else None) as store:
        agent = store.server_agent()
        for warm in (lambda: store.load(warmup), lambda: load_baseline(store, warmup)):
            empty(store)
            warm()
        results = []
        contenders = [("baseline", lambda: load_baseline(store, batch)),
                      ("relgraph", lambda: store.load(batch))]
        for name, action in contenders[args.only_relgraph:]:
            empty(store)
            print(f"loading with {name} ...", file=sys.stderr)
            results.append(timed(name, rows, action))
            print(f"  {name}: {results[-1].seconds:.1f} s", file=sys.stderr)
            counts = store.counts()
            assert (counts.nodes, counts.relationships) == (len(batch.nodes), len(batch.relationships)), \
                f"{name} loaded {counts.nodes} nodes and {counts.relationships} relationships"
        if args.reload:
            results.append(timed("relgraph reload", rows, lambda: store.load(batch)))
        if args.undo_after:
            empty(store)
            results.extend(time_undo(store, batch, args.undo_after))
        empty(store)

    if args.only_relgraph:
        results.insert(0, results[0])
    baseline, relgraph = results[0], results[1]
    print(f"\n{agent}, {len(batch.nodes):,} nodes + {len(batch.relationships):,} relationships "
          f"= {rows:,} rows, statements of {BATCH_ROWS:,} rows; relgraph: one transaction up to "
          f"{Neo4jStore.single_transaction_max:,} rows, else transactions of {Neo4jStore.batch_rows:,}")
    for result in results[args.only_relgraph:]:
        print(f"  {result.name:<16} {result.seconds:8.1f} s  {result.rate:10,.0f} rows/s")
    if not args.only_relgraph:
        print(f"  relgraph / baseline: {relgraph.rate / baseline.rate:.2f} "
              f"(relgraph takes {relgraph.seconds / baseline.seconds:.2f}x as long)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
