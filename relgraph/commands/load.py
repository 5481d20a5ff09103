"""relgraph load: read sources and merge them into the graph, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from relgraph.loaders import default_sources, describe_formats, read_sources
from relgraph.progress import progress_printer

HELP = "load sources into the graph (default: the South Korea–Uzbekistan article)"
DESCRIPTION = f"""\
Read one or more sources and merge them into the graph in one transaction:
if any source has a problem, every problem is listed (file, line, what is
wrong) and nothing is loaded. Loading the same data twice leaves the same
graph: nodes merge on (label, key), relationships on (start, type, end, key).

Formats: {describe_formats()}."""
EPILOG = """\
examples:
  relgraph load                                  the curated article data
  relgraph load data/articles/south-korea-uzbekistan.yaml
  relgraph load my-import/                       nodes*.csv + relationships*.csv
  relgraph load nodes.csv relationships.csv
  relgraph load graph.json                       node-link JSON from 'relgraph export'
  relgraph load --replace my-import.zip          replace the whole graph
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="*", type=Path, metavar="SOURCE",
                        help="files or folders to load (default: the curated article data)")
    parser.add_argument("--replace", action="store_true",
                        help="empty the graph first (in the same transaction as the load)")


def run(args: argparse.Namespace, ctx) -> int:
    sources = args.sources or default_sources()
    batch = read_sources(sources)
    store = ctx.store()
    ctx.note(f"Loading {len(batch.nodes):,} nodes and {len(batch.relationships):,} relationships "
             f"into {store.describe()}")
    summary = store.load(batch, progress=progress_printer(ctx.err, quiet=args.quiet),
                         replace=args.replace)
    counts = store.counts()
    print(f"Loaded {', '.join(p.name for p in sources)}", file=ctx.out)
    print(f"  nodes:         {summary.nodes_created:,} created, {summary.nodes_matched:,} already present",
          file=ctx.out)
    print(f"  relationships: {summary.relationships_created:,} created, "
          f"{summary.relationships_matched:,} already present", file=ctx.out)
    print(f"Graph now holds {counts.nodes:,} nodes and {counts.relationships:,} relationships "
          f"({store.describe()})", file=ctx.out)
    return 0
