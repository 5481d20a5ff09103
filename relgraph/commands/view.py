"""relgraph view: write an interactive HTML network view that works offline."""

from __future__ import annotations

import argparse
import webbrowser
from pathlib import Path

from relgraph.commands.context import Context
from relgraph.commands.selection_options import (
    SELECTION_HELP,
    add_selection_arguments,
    argv_text,
    check_selection_arguments,
    select_subgraph,
)
from relgraph.graph.formats.writing import refuse_existing
from relgraph.graph.values.errors import SelectionError
from relgraph.graph.views import (
    write_view,
)
from relgraph.graph.views.limits import DEFAULT_MAX_NODES, PHYSICS_MAX_NODES, RELATIONSHIPS_PER_NODE
from relgraph.graph.views.of_store import view_of_store

HELP = "write an interactive HTML view of the graph (offline, one file)"
DESCRIPTION = f"""\
Write one self-contained HTML file that draws the graph, or a part of it, as an
interactive network: colour and shape by label with a clickable legend, size by
number of relationships, a search box for names and aliases, a year slider,
label and relationship-type filters, and a side panel with every property and
the source quotes of what you click. The file needs no network: every script
and style is inside it.

{SELECTION_HELP}

Up to {PHYSICS_MAX_NODES} nodes the browser lays the view out (physics); larger views get
positions computed in Python. A view holds at most {DEFAULT_MAX_NODES:,} nodes and
{DEFAULT_MAX_NODES * RELATIONSHIPS_PER_NODE:,} relationships ({RELATIONSHIPS_PER_NODE} per node); a larger
selection is refused, saying what --max-nodes would leave out."""
EPILOG = """\
examples:
  relgraph view -o korea-uzbekistan.html --open
  relgraph view -o karimov.html --around 'Islam Karimov' --depth 2
  relgraph view -o tashkent.html --around Tashkent --types LOCATED_IN,SISTER_CITY_OF
  relgraph view -o people.html --labels Person,Office,Country
  relgraph view -o 2010s.html --years 2010..2019 --title 'The 2010s'
  relgraph view -o visits.html -e 'MATCH p = (:Person)-[:MADE_VISIT]->(:Visit)-[:HOSTED_BY]->() RETURN p'
  relgraph view -o ego.html --query ego-network --param name=Tashkent --param depth=2
  relgraph view -o mine.html --query my-queries/partners.cypher --connect
  relgraph view -o big.html --max-nodes 2000        keep the 2,000 best-connected nodes
"""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                        help="the HTML file to write")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument("--open", action="store_true", help="open the view in the web browser")
    add_selection_arguments(parser)
    parser.add_argument("--max-nodes", type=_positive, metavar="N",
                        help=f"keep the N best-connected nodes (default limit {DEFAULT_MAX_NODES:,}, "
                             "past which the view is refused)")
    parser.add_argument("--title", help="the view's title (default: the source's name)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    args.title = argv_text(args.title)
    check_selection_arguments(args)
    if not args.force:
        refuse_existing(args.output)
    store = ctx.store()
    if not store.counts().nodes:
        raise SelectionError("the graph is empty: nothing to view (run 'relgraph load' first)")
    subgraph = select_subgraph(store, args)
    if not subgraph.nodes:
        raise SelectionError(f"the selection ({subgraph.description}) is empty; nothing written")

    view, trim = view_of_store(store, subgraph, title=args.title, max_nodes=args.max_nodes)
    if trim:
        ctx.note(f"--max-nodes {args.max_nodes}: left out {trim.describe()}")
    size = write_view(view, args.output, overwrite=args.force)
    layout = ("laid out in the browser" if view.physics
              else f"laid out in Python in {view.layout_seconds:.1f} s")
    ctx.note(f"Wrote {args.output}: {len(view.nodes):,} nodes and {len(view.edges):,} relationships, "
             f"{layout}, {size / 1_000_000:.1f} MB")
    if args.open and not webbrowser.open(args.output.resolve().as_uri()):
        ctx.note(f"Could not start a web browser; open {args.output} yourself.")
    return 0
