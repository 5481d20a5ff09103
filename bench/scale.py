"""Scale benchmark: what relgraph's commands cost at 10k, 100k and 1M relationships.

For each size it generates one graph of the article's schema (bench/neo4j_load.py's
``generate``, nodes = relationships / 5), writes it once as relgraph's JSON lines and as
neo4j-admin CSV into a temporary folder, so that every backend loads the same file, and
measures, each command in a fresh process (cold, as a user runs it):

* **load**: ``relgraph load graph.jsonl`` into the embedded store; ``relgraph --backend
  neo4j load`` into a Neo4j server this script starts (tools/neo4j/neo4j-server, free port,
  temporary home); ``relgraph neo4j import`` of the CSV into a fresh home where that command
  exists ("n/a" otherwise); and raw ``neo4j-admin database import full`` of the same CSV, as
  the floor any Neo4j import can reach;
* **lookup**: one node by key, best of 3 fresh processes (cold) and, in this process through
  the Python API (``relgraph.open``), best of 20 after a first query (warm);
* **2-hop**: an aggregate over two hops of the whole graph (people per host country);
* **stats**, an **ego view** (``relgraph view --around KEY`` of a node with about 60
  neighbours), and an **export** in each format (GraphML, GEXF, node-link JSON, JSON lines,
  neo4j-admin CSV, Cypher).

Each gets its wall time, its CPU time (user + system: what a busy machine inflates least)
and the peak resident memory of its process (``ru_maxrss`` of that child; for the Neo4j
rows the client's, with the server's own peak, VmHWM, reported after the table). The last
columns give the growth exponent per 10x size, log10(t_big/t_small) scaled to a tenfold
step (1.0 is linear, 0 constant), of the wall time and of the CPU time. Neo4j rows run the
same cold commands with ``--backend neo4j`` against the running server (their CPU time is
the client's only).

    .venv/bin/python bench/scale.py                                # 10k, 100k and 1M
    .venv/bin/python bench/scale.py --sizes 10000,100000 --skip-neo4j

The server is sized like bench/neo4j_load.py's (RELGRAPH_NEO4J_HEAP default 4g here, page
cache 1g, no per-transaction limit); each size gets a fresh home, stopped and deleted after.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from neo4j_load import generate  # bench/ is on the path when this file runs

import relgraph
from relgraph.commands.neo4j import ServerError, start_server, stop_server
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import export
from relgraph.graph.selection import whole_graph
from relgraph.graph.values.model import GraphBatch, NodeKey

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "tools" / "neo4j" / "lib"
#: --format, and the output name's suffix ("" is a CSV folder)
EXPORTS = (("graphml", ".graphml"), ("gexf", ".gexf"), ("json", ".json"), ("jsonl", ".jsonl"),
           ("csv", ""), ("cypher", ".cypher"))
LOOKUP = "MATCH (n:Person {key: $key}) RETURN n.name AS name"
TWO_HOP = ("MATCH (c:Country)<-[:HOSTED_BY]-(:Event)<-[:ATTENDED]-(p:Person) "
           "RETURN c.key AS country, count(DISTINCT p) AS people ORDER BY people DESC, country LIMIT 5")
EGO_NEIGHBOURS = 59  # the centre and its neighbours make a view of about 60 nodes
COLD_RUNS = 3
WARM_RUNS = 20


@dataclass
class Run:
    """One measurement: seconds and the peak resident memory of the process, or why not."""

    seconds: float | None = None
    peak_mb: float | None = None
    note: str = ""
    cpu: float | None = None  # user + system seconds of the process: less at the mercy of a busy machine

    def text(self) -> str:
        if self.seconds is None:
            return self.note or "n/a"
        memory = f" {self.peak_mb:,.0f} MB" if self.peak_mb is not None else ""
        cpu = f" ({duration(self.cpu)} cpu)" if self.cpu is not None else ""
        return duration(self.seconds) + cpu + memory


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds:,.2f} s"


@dataclass
class Table:
    sizes: list[int]
    rows: dict[str, dict[int, Run]] = field(default_factory=lambda: defaultdict(dict))
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, size: int, run: Run) -> None:
        self.rows[name][size] = run
        print(f"  {name:<28} {run.text()}", file=sys.stderr, flush=True)

    def print(self) -> None:
        steps = list(zip(self.sizes, self.sizes[1:]))
        header = ["", *(f"{size:,} rels" for size in self.sizes),
                  *(f"exp {small // 1000:,}k→{big // 1000:,}k{what}" for small, big in steps
                    for what in ("", " cpu"))]
        lines = [header]
        for name, runs in self.rows.items():
            cells = [name, *(runs.get(size, Run(note="-")).text() for size in self.sizes)]
            cells += [exponent(runs.get(small), runs.get(big), small, big, cpu) for small, big in steps
                      for cpu in (False, True)]
            lines.append(cells)
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        for line in lines:
            print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                            for i, (cell, width) in enumerate(zip(line, widths))).rstrip())
        for note in self.notes:
            print(note)


def exponent(small: Run | None, big: Run | None, small_size: int, big_size: int, cpu: bool) -> str:
    """How wall (or CPU) time grows per tenfold size between two runs: 1.0 linear, 0 constant."""
    before, after = (small.cpu if cpu else small.seconds, big.cpu if cpu else big.seconds) \
        if small and big else (None, None)
    if not before or not after:
        return "-"
    return f"{math.log10(after / before) / math.log10(big_size / small_size):.2f}"


#: Runs a command and writes "exit-code peak-KiB cpu-seconds" to a file. The measured command is
#: started from this small process, not from the benchmark: Linux counts the RSS of the process
#: that forks into a child's ru_maxrss, and the benchmark holds a whole generated graph.
RUSAGE_HELPER = (
    "import os, subprocess, sys\n"
    "proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(proc.pid, 0)\n"
    "proc.returncode = os.waitstatus_to_exitcode(status)\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(f'{proc.returncode} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}')\n"
)


def measured(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to its end; its wall time, CPU time and own peak RSS (``ru_maxrss`` of the
    child, in KiB on Linux), or its error's last line."""
    with tempfile.TemporaryDirectory() as folder:
        report, errors = Path(folder) / "usage", Path(folder) / "stderr"
        with errors.open("wb") as err:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-I", "-S", "-c", RUSAGE_HELPER, str(report), *command],
                           stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL, env=env,
                           check=False)
            seconds = time.perf_counter() - started
        if not report.exists():  # the helper could not start the command at all
            return Run(note=f"failed: {errors.read_text('utf-8', 'replace').strip()[-60:]}")
        code, peak_kib, cpu = report.read_text().split()
        if code != "0":
            last = (errors.read_text("utf-8", "replace").strip().splitlines() or ["?"])[-1]
            return Run(note=f"failed ({code}): {last[:60]}")
    return Run(seconds, int(peak_kib) / 1024, cpu=float(cpu))


def best(runs: list[Run]) -> Run:
    done = [r for r in runs if r.seconds is not None]
    return min(done, key=lambda r: r.seconds or 0.0) if done else runs[-1]


def relgraph_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "relgraph", "-q", *args]


@dataclass
class Data:
    """One size's graph, written once: what every backend loads, and the keys to ask for."""

    rels: int
    folder: Path
    jsonl: Path
    csv: Path
    lookup_key: str
    ego_key: str
    ego_nodes: int


def prepare(rels: int, folder: Path) -> Data:
    started = time.perf_counter()
    batch = generate(rels // 5, rels)
    ego_key, ego_nodes = ego_centre(batch)
    store = NetworkxStore()
    store.load(batch)
    del batch
    folder.mkdir(parents=True)
    subgraph = whole_graph(store)
    export(subgraph, "jsonl", folder / "graph.jsonl")
    export(subgraph, "csv", folder / "csv")
    print(f"{rels:,} relationships: generated and written in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
    return Data(rels, folder, folder / "graph.jsonl", folder / "csv", "person-7", ego_key, ego_nodes)


def ego_centre(batch: GraphBatch) -> tuple[str, int]:
    """The node whose distinct neighbours number closest to EGO_NEIGHBOURS, and its view's size."""
    neighbours: dict[NodeKey, set[NodeKey]] = defaultdict(set)
    for rel in batch.relationships:
        neighbours[rel.start].add(rel.end)
        neighbours[rel.end].add(rel.start)
    centre = min(neighbours, key=lambda k: (abs(len(neighbours[k]) - EGO_NEIGHBOURS), k.key))
    return centre.key, len(neighbours[centre]) + 1


def cold_commands(table: Table, data: Data, backend: list[str], prefix: str, out: Path) -> None:
    """The commands a user runs against a loaded graph, each in a fresh process."""
    size = data.rels
    lookup = relgraph_command(*backend, "query", "-e", LOOKUP, "-p", f"key={data.lookup_key}")
    table.add(f"{prefix}lookup (cold, best of {COLD_RUNS})", size,
              best([measured(lookup) for _ in range(COLD_RUNS)]))
    table.add(f"{prefix}2-hop aggregate", size, measured(relgraph_command(*backend, "query", "-e", TWO_HOP)))
    table.add(f"{prefix}stats", size, measured(relgraph_command(*backend, "stats")))
    table.add(f"{prefix}view --around (~{EGO_NEIGHBOURS + 1} nodes)", size,
              measured(relgraph_command(*backend, "view", "--around", data.ego_key, "-o",
                                        str(out / "ego.html"), "--force")))
    for fmt, suffix in EXPORTS:
        target = out / f"export-{fmt}{suffix}"
        table.add(f"{prefix}export {fmt}", size,
                  measured(relgraph_command(*backend, "export", "--format", fmt, "-o", str(target),
                                            "--force")))


def warm_lookup(target: str, data: Data) -> Run:
    """Best of WARM_RUNS lookups through the Python API after a first one (the store open)."""
    with relgraph.open(target) as graph:
        graph.query(LOOKUP, {"key": data.lookup_key})
        times = []
        for _ in range(WARM_RUNS):
            started, cpu = time.perf_counter(), time.process_time()
            graph.query(LOOKUP, {"key": data.lookup_key})
            times.append((time.perf_counter() - started, time.process_time() - cpu))
    fastest = min(times)
    return Run(fastest[0], cpu=fastest[1])


def embedded(table: Table, data: Data) -> None:
    table.notes.append(f"ego view at {data.rels:,}: --around {data.ego_key}, {data.ego_nodes} nodes")
    out = data.folder / "embedded"
    out.mkdir()
    snapshot = out / "graph.snapshot"
    backend = ["--backend", "networkx", "--store", str(snapshot)]
    table.add("load (embedded)", data.rels, measured(relgraph_command(*backend, "load", str(data.jsonl))))
    table.add(f"lookup (warm, best of {WARM_RUNS})", data.rels, warm_lookup(str(snapshot), data))
    cold_commands(table, data, backend, "", out)


def server_peak_mb(home: Path) -> float | None:
    """The server's peak resident memory so far (VmHWM of its JVM), if it can be read."""
    try:
        pid = (home / "neo4j.pid").read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


@contextmanager
def neo4j_server(folder: Path) -> Iterator[tuple[str, Path]]:
    home = folder / "neo4j-home"
    print(f"  starting Neo4j (heap {os.environ['RELGRAPH_NEO4J_HEAP']}, home {home}) ...",
          file=sys.stderr, flush=True)
    try:
        yield start_server(0, home), home
    finally:
        stop_server(home)


def neo4j_admin(table: Table, data: Data) -> None:
    """Raw neo4j-admin import of the same CSV into a fresh home: the reference for any import."""
    home = data.folder / "admin-home"
    home.mkdir()
    args = [f"--nodes={p}" for p in sorted(data.csv.glob("nodes*.csv"))]
    args += [f"--relationships={p}" for p in sorted(data.csv.glob("relationships*.csv"))]
    command = ["java", "-cp", f"{LIB}/*", "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j",
               f"--report-file={home / 'import.report'}", *args]
    env = {**os.environ, "NEO4J_HOME": str(home)}
    table.add("neo4j-admin import (raw)", data.rels, measured(command, env))


def bulk_import(table: Table, data: Data) -> None:
    """``relgraph neo4j import`` where that command exists (another change adds it)."""
    probe = subprocess.run(relgraph_command("neo4j", "import", "--help"), capture_output=True, check=False)
    if probe.returncode != 0:
        table.add("relgraph neo4j import", data.rels, Run(note="n/a"))
        return
    home = data.folder / "import-home"
    table.add("relgraph neo4j import", data.rels,
              measured(relgraph_command("neo4j", "import", "--home", str(home), str(data.csv))))


def with_neo4j(table: Table, data: Data) -> None:
    out = data.folder / "neo4j"
    out.mkdir()
    neo4j_admin(table, data)
    bulk_import(table, data)
    with neo4j_server(data.folder) as (uri, home):
        backend = ["--backend", "neo4j", "--neo4j-uri", uri]
        table.add("neo4j: load", data.rels, measured(relgraph_command(*backend, "load", str(data.jsonl))))
        after_load = server_peak_mb(home)
        table.add(f"neo4j: lookup (warm, best of {WARM_RUNS})", data.rels, warm_lookup(uri, data))
        cold_commands(table, data, backend, "neo4j: ", out)
        at_end = server_peak_mb(home)
    if after_load is not None and at_end is not None:
        table.notes.append(f"Neo4j server peak RSS at {data.rels:,} relationships: {after_load:,.0f} MB "
                           f"after the load, {at_end:,.0f} MB at the end")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="relationship counts, comma-separated (default: 10000,100000,1000000)")
    parser.add_argument("--skip-neo4j", action="store_true", help="only the embedded store")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    os.environ.setdefault("RELGRAPH_NEO4J_HEAP", "4g")
    os.environ.setdefault("RELGRAPH_NEO4J_PAGECACHE", "1g")
    os.environ.setdefault("RELGRAPH_NEO4J_TX_MEMORY", "0")
    os.environ.setdefault("RELGRAPH_TIMEOUT", "0")  # a 1M export is not a runaway query
    os.environ.setdefault("RELGRAPH_NEO4J_START_TIMEOUT", "600")  # a busy machine starts it slowly
    work = Path(tempfile.mkdtemp(prefix="relgraph-scale."))
    table = Table(sizes)
    try:
        for size in sizes:
            data = prepare(size, work / str(size))
            embedded(table, data)
            if not args.skip_neo4j:
                try:
                    with_neo4j(table, data)
                except ServerError as exc:  # the embedded figures are still worth printing
                    table.notes.append(f"Neo4j at {size:,}: {str(exc).splitlines()[0]}")
            if not args.keep:
                shutil.rmtree(data.folder, ignore_errors=True)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
