"""relgraph load: read sources and merge them into the graph, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from relgraph.commands.context import Context
from relgraph.graph.formats.cypher_script import read_cypher_scripts
from relgraph.graph.values.errors import LoadError, StatementError
from relgraph.loaders import (
    CYPHER_SUFFIXES,
    default_sources,
    describe_formats,
    read_sources,
)
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
mixed with other sources.

Formats: {describe_formats()}."""
EPILOG = """\
examples:
  relgraph load                                  the curated article data
  relgraph load data/articles/south-korea-uzbekistan.yaml
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


def run(args: argparse.Namespace, ctx: Context) -> int:
    sources = args.sources or default_sources()
    scripts = [p for p in sources if p.suffix.lower() in CYPHER_SUFFIXES]
    if scripts:
        if len(scripts) != len(sources):
            raise LoadError([f"{p}: load Cypher scripts on their own: they run as statements, "
                             "other sources are read as data" for p in scripts])
        return run_scripts(scripts, args, ctx)
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


def run_scripts(scripts: list[Path], args: argparse.Namespace, ctx: Context) -> int:
    """Run Cypher scripts in one transaction (``--replace`` empties the graph in it first)."""
    statements = read_cypher_scripts(scripts)
    texts = [s.text for s in statements]
    if args.replace:
        texts.insert(0, "MATCH (n) DETACH DELETE n")
    store = ctx.store()
    ctx.note(f"Running {len(statements):,} statements on {store.describe()}")
    try:
        results = store.run_script(texts, write=True)
    except StatementError as exc:
        index = exc.index - (1 if args.replace else 0)
        where = statements[index].origin if 0 <= index < len(statements) else "--replace"
        raise LoadError([f"{where}: {exc}"]) from exc
    totals: dict[str, int] = {}
    for result in results:
        for name in ("nodes_created", "relationships_created", "properties_set", "labels_added",
                     "nodes_deleted", "relationships_deleted"):
            totals[name] = totals.get(name, 0) + getattr(result.summary.counters, name)
    counts = store.counts()
    print(f"Ran {', '.join(p.name for p in scripts)} ({len(statements):,} statements)", file=ctx.out)
    print(f"  nodes:         {totals['nodes_created']:,} created"
          + (f", {totals['nodes_deleted']:,} deleted" if totals["nodes_deleted"] else ""), file=ctx.out)
    print(f"  relationships: {totals['relationships_created']:,} created"
          + (f", {totals['relationships_deleted']:,} deleted" if totals["relationships_deleted"] else ""),
          file=ctx.out)
    print(f"  properties set: {totals['properties_set']:,}, labels added: {totals['labels_added']:,}",
          file=ctx.out)
    print(f"Graph now holds {counts.nodes:,} nodes and {counts.relationships:,} relationships "
          f"({store.describe()})", file=ctx.out)
    return 0
