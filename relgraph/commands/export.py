"""relgraph export: select a subgraph and write it in a format other graph tools read."""

from __future__ import annotations

import argparse
from pathlib import Path

from relgraph.commands.context import Context, UsageError
from relgraph.commands.selection_options import (
    SELECTION_HELP,
    add_selection_arguments,
    check_selection_arguments,
    select_subgraph,
)
from relgraph.graph.export import EXPORT_FORMATS, export, format_for_path
from relgraph.graph.values.errors import SelectionError

HELP = "write the graph or a part of it as GraphML, GEXF, JSON, JSON lines, CSV or Cypher"
DESCRIPTION = """\
Select a subgraph (the whole graph by default) and write it in a format other
tools read. Output is deterministic: the same data gives the same bytes,
whichever backend holds it, in a stable order, so exports diff cleanly. It is
written atomically: a failed export leaves no partial file. An existing output
is kept unless --force. docs/export.md says what each format can and cannot hold;
'relgraph load' reads every format back except gexf.

""" + SELECTION_HELP + """

Formats (chosen by --format, else by the output's suffix):
""" + "\n".join(f"  {f.name:<8} {f.description}" for f in EXPORT_FORMATS.values())
EPILOG = """\
examples:
  relgraph export -o graph.graphml                      whole graph, format from the suffix
  relgraph export --around 'Islam Karimov' --depth 2 -o karimov.gexf
  relgraph export --around Tashkent --types LOCATED_IN,SISTER_CITY_OF -o tashkent.json
  relgraph export --labels Person,Office --format csv -o people/       a neo4j-admin folder
  relgraph export --years 2010..2020 -o decade.zip                      CSV files in a zip
  relgraph export --query ego-network --param name=Seoul -o seoul.jsonl  a built-in script
  relgraph export -e "MATCH p=(:Person)-[:MADE_VISIT]->() RETURN p" -o visits.cypher
  relgraph export --format jsonl -o - | head -3                         to standard output
  relgraph load graph.graphml                                           read an export back
"""

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="PATH",
                        help="file to write (a folder or .zip for csv), or - for standard output")
    parser.add_argument("--format", choices=list(EXPORT_FORMATS), metavar="FORMAT",
                        help=f"one of {', '.join(EXPORT_FORMATS)} (default: from the suffix of PATH; "
                             "json for -)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    add_selection_arguments(parser)


def choose_format(args: argparse.Namespace) -> str:
    """--format, else the one the output's suffix names."""
    fmt: str | None = args.format
    if fmt is None:
        fmt = "json" if args.output == "-" else format_for_path(Path(args.output))
        if fmt is None:
            raise UsageError(f"cannot tell the format from {args.output!r}; give --format "
                             f"({', '.join(EXPORT_FORMATS)}) or a suffix such as .graphml")
    if args.output == "-" and not EXPORT_FORMATS[fmt].stream:
        raise UsageError(f"{fmt} writes several files; give -o FOLDER or -o FILE.zip instead of -")
    if fmt == "csv" and Path(args.output).suffix.lower() == ".csv":
        raise UsageError("csv writes nodes.csv and relationships.csv: give -o FOLDER or -o FILE.zip")
    return fmt


def run(args: argparse.Namespace, ctx: Context) -> int:
    check_selection_arguments(args)
    fmt = choose_format(args)
    store = ctx.store()
    try:
        subgraph = select_subgraph(store, args)
    except SelectionError as exc:
        raise SelectionError(f"{exc} (nothing was written)") from exc
    if not subgraph.nodes:
        what = "the graph is empty (run 'relgraph load' first)" if subgraph.description == "whole graph" \
            else f"the selection ({subgraph.description}) is empty"
        raise SelectionError(f"{what}; nothing was written")
    summary = f"{len(subgraph.nodes):,} nodes and {len(subgraph.relationships):,} relationships"
    if args.output == "-":
        export(subgraph, fmt, ctx.out)
        ctx.note(f"Wrote {summary} ({subgraph.description}) as {fmt}")
        return 0
    path = Path(args.output)
    export(subgraph, fmt, path, overwrite=args.force)
    ctx.note(f"Wrote {summary} ({subgraph.description}) to {path} ({fmt})")
    return 0
