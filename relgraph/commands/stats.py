"""relgraph stats: node and relationship counts per label and type."""

from __future__ import annotations

import argparse
import json

from relgraph.commands.context import Context

HELP = "counts per label and relationship type"
DESCRIPTION = "Show how many nodes carry each label and how many relationships have each type."
EPILOG = """\
examples:
  relgraph stats
  relgraph stats --format json | jq .labels
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="output format (default: table)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store()
    counts = store.counts()
    if args.format == "json":
        json.dump({"backend": store.backend, "nodes": counts.nodes,
                   "relationships": counts.relationships, "labels": counts.labels,
                   "types": counts.types}, ctx.out, indent=2)
        ctx.out.write("\n")
        return 0
    out = ctx.out
    print(f"{store.describe()}", file=out)
    print(f"{counts.nodes:,} nodes, {counts.relationships:,} relationships", file=out)
    if not counts.nodes:
        print("The graph is empty: run 'relgraph load' to build it.", file=out)
        return 0
    for title, table in (("Label", counts.labels), ("Relationship type", counts.types)):
        width = max([len(title), *map(len, table)])
        print(f"\n{title:<{width}}  {'Count':>6}", file=out)
        for name, number in sorted(table.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"{name:<{width}}  {number:>6,}", file=out)
    return 0
