"""Bulk import benchmark: ``relgraph neo4j import`` against neo4j-admin alone, on the same CSV.

Generates the load benchmark's graph (bench/neo4j_load.py:generate; 100,000 nodes and
500,000 relationships by default), writes it as neo4j-admin CSV with relgraph's writer,
then times, each into a fresh home:

* **neo4j-admin**: ``neo4j-admin database import full`` on that CSV folder, as the tests
  run it (tools/neo4j/lib), nothing else;
* **relgraph**: ``relgraph neo4j import <folder>``, the whole command: since the folder is
  relgraph's own CSV, checking it (a streaming pass over the label and type columns), then
  neo4j-admin with relgraph's memory sizes; the key constraints are left for the next start.
  Each of its progress lines is timed, so the report splits the total into those steps.

    .venv/bin/python bench/neo4j_import.py [--nodes 100000 --rels 500000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neo4j_load import generate  # bench/ is on the path when this file runs

from relgraph.commands.neo4j_import import batch_subgraph
from relgraph.graph.backends.neo4j.admin_import import admin_command, run_admin
from relgraph.graph.formats.admin_csv import write_admin_csv

LIB = Path(__file__).resolve().parents[1] / "tools" / "neo4j" / "lib"


def timed_command(command: list[str]) -> tuple[float, list[tuple[float, str]]]:
    """Run a command; its total time and each stderr line with the time it came."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines = [(time.perf_counter() - started, line.rstrip()) for line in proc.stderr]
    out = proc.stdout.read() if proc.stdout else ""
    if proc.wait():
        raise SystemExit(f"{command} failed:\n" + "\n".join(text for _, text in lines[-20:]))
    print(out.strip())
    return time.perf_counter() - started, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=500_000)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="relgraph-bench-import."))
    try:
        batch = generate(args.nodes, args.rels)
        csv = work / "csv"
        write_admin_csv(batch_subgraph(batch), csv)
        del batch
        raw_home = work / "raw-home"
        raw_home.mkdir()
        admin = run_admin(admin_command(LIB, csv, False), raw_home, lambda _line: None)
        total, lines = timed_command([sys.executable, "-m", "relgraph", "neo4j", "import", "--home",
                                      str(work / "relgraph-home"), str(csv)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.nodes:,} nodes + {args.rels:,} relationships, the same CSV folder:")
    print(f"  neo4j-admin alone        {admin.seconds:7.1f} s")
    print(f"  relgraph neo4j import    {total:7.1f} s  ({total / admin.seconds:.2f}x), of which:")
    previous = 0.0
    for at, text in lines:
        if text.startswith("relgraph neo4j import:"):
            print(f"    {at - previous:7.1f} s until: {text[len('relgraph neo4j import: '):]}")
            previous = at
    print(f"    {total - previous:7.1f} s  to the end (neo4j-admin)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
