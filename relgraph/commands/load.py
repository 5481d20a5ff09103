"""relgraph load: read sources and merge them into the graph, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from relgraph.commands.context import Context
from relgraph.loaders import describe_formats, load_into
from relgraph.progress import progress_printer

HELP = "load sources into the graph (default: the South Korea–Uzbekistan article)"
DESCRIPTION = f"""\
Read one or more sources and merge them into the graph in one transaction:
if any source has a problem, every problem is listed (file, line, what is
wrong) and nothing is loaded. Loading the same data twice leaves the same
graph: nodes merge on (label, key), relationships on (start, type, end, key).

A Cypher script (.cypher, .cql; e.g. from 'relgraph export --format cypher') is
run instead: every statement in one transaction, so a failing statement (named
by file and line) leaves the graph as it was. Load scripts on their own, not
mixed with other sources. A script may not read or write files or URLs (LOAD CSV,
apoc.load.*, apoc.export.*...) unless you pass --allow-file-access (docs/cypher.md).

Formats: {describe_formats()}."""
EPILOG = """\
examples:
  relgraph load                                  the curated article data
  relgraph load my-article.yaml                  curated YAML, as relgraph's own data (docs/schema.md)
  relgraph load my-import/                       nodes*.csv + relationships*.csv
  relgraph load nodes.csv relationships.csv
  relgraph load graph.json                       node-link JSON from 'relgraph export'
  relgraph load graph.graphml                    GraphML from relgraph export or APOC
  relgraph load graph.jsonl                      JSON lines (relgraph export, apoc.export.json)
  relgraph load graph.cypher                     run an exported Cypher script
  relgraph load --replace my-import.zip          replace the whole graph
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="*", type=Path, metavar="SOURCE",
                        help="files or folders to load (default: the curated article data)")
    parser.add_argument("--replace", action="store_true",
                        help="empty the graph first (in the same transaction as the load)")
    parser.add_argument("--allow-file-access", action="store_true",
                        help="let Cypher scripts read or write files and URLs (LOAD CSV, apoc.load.*, "
                             "apoc.export.*), as far as the server allows")


def run(args: argparse.Namespace, ctx: Context) -> int:
    store = ctx.store()
    report = load_into(store, args.sources, replace=args.replace,
                       progress=progress_printer(ctx.err, quiet=args.quiet), note=ctx.note,
                       allow_file_access=args.allow_file_access)
    out = ctx.out
    if report.summary is not None:
        summary = report.summary
        if summary.note:
            ctx.note(summary.note)
        print(f"Loaded {', '.join(p.name for p in report.sources)}", file=out)
        print(f"  nodes:         {summary.nodes_created:,} created, {summary.nodes_matched:,} already "
              "present", file=out)
        print(f"  relationships: {summary.relationships_created:,} created, "
              f"{summary.relationships_matched:,} already present", file=out)
    else:
        totals = report.counters
        print(f"Ran {', '.join(p.name for p in report.sources)} ({report.statements:,} statements)", file=out)
        print(f"  nodes:         {totals.nodes_created:,} created"
              + (f", {totals.nodes_deleted:,} deleted" if totals.nodes_deleted else ""), file=out)
        print(f"  relationships: {totals.relationships_created:,} created"
              + (f", {totals.relationships_deleted:,} deleted" if totals.relationships_deleted else ""),
              file=out)
        print(f"  properties set: {totals.properties_set:,}, labels added: {totals.labels_added:,}", file=out)
    counts = store.counts()
    print(f"Graph now holds {counts.nodes:,} nodes and {counts.relationships:,} relationships "
          f"({store.describe()})", file=out)
    return 0
