"""relgraph export: write the graph to a file other tools read."""

from __future__ import annotations

import argparse
from pathlib import Path

from relgraph.graph.export import EXPORTERS, export
from relgraph.graph.subgraph import Subgraph

HELP = "write the graph to a file (node-link JSON)"
DESCRIPTION = """\
Write the graph in a format other tools read. Output is deterministic (same
data, same bytes, whichever backend holds it) and written atomically: a failed
export leaves no partial file. An existing file is kept unless --force.

Formats:
""" + "\n".join(f"  {name:<8} {desc}" for name, (_, _, desc) in EXPORTERS.items())
EPILOG = """\
examples:
  relgraph export --format json -o korea-uzbekistan.json
  relgraph export --format json -o - | jq '.nodes | length'
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=sorted(EXPORTERS), default="json",
                        help="output format (default: json)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="file to write, or - for standard output")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run(args: argparse.Namespace, ctx) -> int:
    store = ctx.store()
    subgraph = Subgraph.from_store(store)
    if not subgraph.nodes:
        ctx.note("The graph is empty: nothing to export (run 'relgraph load' first).")
        return 1
    if args.output == "-":
        EXPORTERS[args.format][0](subgraph, ctx.out)
        return 0
    path = Path(args.output)
    export(subgraph, args.format, path, overwrite=args.force)
    ctx.note(f"Wrote {len(subgraph.nodes):,} nodes and {len(subgraph.relationships):,} "
             f"relationships to {path} ({args.format})")
    return 0
