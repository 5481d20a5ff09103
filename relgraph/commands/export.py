"""relgraph export: select a subgraph and write it in a format other graph tools read."""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

from relgraph.graph.export import EXPORTERS, export, format_for_path
from relgraph.graph.select import (
    SelectionError,
    YearRange,
    by_labels,
    by_years,
    ego_network,
    from_query,
    resolve_entity,
)
from relgraph.graph.store import GraphStore
from relgraph.graph.subgraph import Subgraph
from relgraph.query_scripts import find_script, infer_value, parse_assignments

HELP = "write the graph or a part of it as GraphML, GEXF, JSON, JSON lines, CSV or Cypher"
DESCRIPTION = """\
Select a subgraph (the whole graph by default) and write it in a format other
tools read. Output is deterministic: the same data gives the same bytes,
whichever backend holds it, in a stable order, so exports diff cleanly. It is
written atomically: a failed export leaves no partial file. An existing output
is kept unless --force. docs/export.md says what each format can and cannot hold;
'relgraph load' reads every format back except gexf.

Formats (chosen by --format, else by the output's suffix):
""" + "\n".join(f"  {f.name:<8} {f.description}" for f in EXPORTERS.values())
EPILOG = """\
examples:
  relgraph export -o graph.graphml                      whole graph, format from the suffix
  relgraph export --around 'Islam Karimov' --depth 2 -o karimov.gexf
  relgraph export --around Tashkent --types LOCATED_IN,SISTER_CITY_OF -o tashkent.json
  relgraph export --labels Person,Office --format csv -o people/       a neo4j-admin folder
  relgraph export --years 2010..2020 -o decade.zip                      CSV files in a zip
  relgraph export --query ego-network --param name=Seoul -o seoul.jsonl  a script from queries/
  relgraph export -e "MATCH p=(:Person)-[:MADE_VISIT]->() RETURN p" -o visits.cypher
  relgraph export --format jsonl -o - | head -3                         to standard output
  relgraph load graph.graphml                                           read an export back
"""

SELECTIONS = ("around", "labels", "years", "query", "execute")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="PATH",
                        help="file to write (a folder or .zip for csv), or - for standard output")
    parser.add_argument("--format", choices=list(EXPORTERS), metavar="FORMAT",
                        help=f"one of {', '.join(EXPORTERS)} (default: from the suffix of PATH; "
                             "json for -)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    select = parser.add_argument_group("selection (one of; default: the whole graph)")
    which = select.add_mutually_exclusive_group()
    which.add_argument("--around", metavar="NAME",
                       help="the neighbourhood of the entity with this name, alias or key")
    which.add_argument("--labels", metavar="A,B", help="nodes with any of these labels")
    which.add_argument("--years", metavar="RANGE",
                       help="dated nodes in 2010..2020, 2010.., ..2009 or 2016, with their neighbours")
    which.add_argument("--query", metavar="FILE_OR_NAME",
                       help="what a Cypher script returns (a name from 'relgraph queries' or a file)")
    which.add_argument("-e", "--execute", metavar="CYPHER", help="what an inline query returns")
    select.add_argument("--depth", type=int, default=1, metavar="N",
                        help="hops around the entity (with --around; default 1)")
    select.add_argument("--types", metavar="T1,T2",
                        help="follow only these relationship types (with --around)")
    select.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a query parameter (with --query or -e; repeatable)")
    select.add_argument("--connect", action="store_true",
                        help="add the relationships among the nodes a query returns")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _check_options(args: argparse.Namespace) -> None:
    from relgraph.cli import UsageError

    if args.around is None and (args.types is not None or args.depth != 1):
        raise UsageError("--depth and --types go with --around NAME")
    if args.query is None and args.execute is None and (args.param or args.connect):
        raise UsageError("--param and --connect go with --query or -e")
    if args.depth < 0:
        raise UsageError("--depth must be 0 or more")


def choose_format(args: argparse.Namespace) -> str:
    """--format, else the one the output's suffix names."""
    from relgraph.cli import UsageError

    fmt = args.format
    if fmt is None:
        fmt = "json" if args.output == "-" else format_for_path(Path(args.output))
        if fmt is None:
            raise UsageError(f"cannot tell the format from {args.output!r}; give --format "
                             f"({', '.join(EXPORTERS)}) or a suffix such as .graphml")
    if args.output == "-" and not EXPORTERS[fmt].stream:
        raise UsageError(f"{fmt} writes several files; give -o FOLDER or -o FILE.zip instead of -")
    if fmt == "csv" and Path(args.output).suffix.lower() == ".csv":
        raise UsageError("csv writes nodes.csv and relationships.csv: give -o FOLDER or -o FILE.zip")
    return fmt


def select(store: GraphStore, args: argparse.Namespace) -> Subgraph:
    """The subgraph the options ask for (SelectionError when it cannot be made)."""
    if args.around is not None:
        center = resolve_entity(store, args.around)
        types = _names(args.types) if args.types is not None else None
        return ego_network(store, center, args.depth, types)
    if args.labels is not None:
        return by_labels(store, _names(args.labels))
    if args.years is not None:
        return by_years(store, YearRange.parse(args.years))
    if args.query is not None or args.execute is not None:
        given = parse_assignments(args.param)
        if args.execute is not None:
            query, parameters = args.execute, {k: infer_value(v) for k, v in given.items()}
        else:
            script = find_script(args.query)
            query, parameters = script.text, script.bind(given)
        return from_query(store, query, parameters, connect=args.connect)
    return Subgraph.from_store(store)


def unknown_names(store: GraphStore, args: argparse.Namespace) -> str:
    """'no node has the label 'Persn' (did you mean 'Person'?)' for --labels or --types that the
    graph lacks, else ''. A typo would otherwise quietly select less than was meant."""
    if args.labels is None and args.types is None:
        return ""
    counts = store.counts()
    if args.labels is not None:
        asked, known, what = _names(args.labels), list(counts.labels), "node has the label"
    else:
        asked, known, what = _names(args.types), list(counts.types), "relationship has the type"
    notes = []
    for name in asked:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            notes.append(f"no {what} {name!r}{hint}")
    return "; ".join(notes)


def run(args: argparse.Namespace, ctx) -> int:
    _check_options(args)
    fmt = choose_format(args)
    store = ctx.store()
    try:
        unknown = unknown_names(store, args)
        if unknown:
            raise SelectionError(unknown)
        subgraph = select(store, args)
    except SelectionError as exc:
        print(f"relgraph export: error: {exc} (nothing was written)", file=ctx.err)
        return 1
    if not subgraph.nodes:
        what = "the graph is empty (run 'relgraph load' first)" if subgraph.description == "whole graph" \
            else f"the selection ({subgraph.description}) is empty"
        print(f"relgraph export: {what}; nothing was written", file=ctx.err)
        return 1
    summary = f"{len(subgraph.nodes):,} nodes and {len(subgraph.relationships):,} relationships"
    if args.output == "-":
        EXPORTERS[fmt].writer(subgraph, ctx.out)
        ctx.note(f"Wrote {summary} ({subgraph.description}) as {fmt}")
        return 0
    path = Path(args.output)
    export(subgraph, fmt, path, overwrite=args.force)
    ctx.note(f"Wrote {summary} ({subgraph.description}) to {path} ({fmt})")
    return 0
