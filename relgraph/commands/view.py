"""relgraph view: write an interactive HTML network view that works offline."""

from __future__ import annotations

import argparse
import difflib
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

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
from relgraph.graph.views import Limits, ViewTooLarge, build_view, check_size, keep_best_connected, write_view
from relgraph.graph.views.assets import AssetError
from relgraph.graph.views.limits import DEFAULT_MAX_NODES, PHYSICS_MAX_NODES, RELATIONSHIPS_PER_NODE
from relgraph.graph.views.style import shorten
from relgraph.query_scripts import find_script, infer_value, parse_assignments

if TYPE_CHECKING:
    from relgraph.cli import Context

HELP = "write an interactive HTML view of the graph (offline, one file)"
DESCRIPTION = f"""\
Write one self-contained HTML file that draws the graph, or a part of it, as an
interactive network: colour and shape by label with a clickable legend, size by
number of relationships, a search box for names and aliases, a year slider,
label and relationship-type filters, and a side panel with every property and
the source quotes of what you click. The file needs no network: every script
and style is inside it.

What to show (combine them; a view shows what all of them select):
  --around NAME --depth N   an entity and everything within N hops (--types: along these only)
  --labels A,B              nodes with any of these labels, and the relationships among them
  --years FROM..TO          dated nodes in the range and what is directly connected to them
  --query NAME_OR_FILE, -e  the nodes, relationships and paths a Cypher query returns

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


def _depth(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not 0 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                        help="the HTML file to write")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument("--open", action="store_true", help="open the view in the web browser")
    parser.add_argument("--around", metavar="NAME", help="an entity (name, alias or key) to centre on")
    parser.add_argument("--depth", type=_depth, metavar="N",
                        help="hops around --around, in either direction (default: 1)")
    parser.add_argument("--types", metavar="T1,T2",
                        help="with --around: follow only these relationship types")
    parser.add_argument("--labels", metavar="A,B", help="only nodes with any of these labels")
    parser.add_argument("--years", metavar="FROM..TO",
                        help="dated nodes in the range (2010..2020, 2010.., ..1999, 2016) "
                             "and their neighbours")
    query = parser.add_mutually_exclusive_group()
    query.add_argument("--query", metavar="NAME_OR_FILE",
                       help="a script from queries/ (see 'relgraph queries') or a .cypher file")
    query.add_argument("-e", "--execute", metavar="QUERY", help="an inline Cypher query")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a query parameter (repeatable)")
    parser.add_argument("--connect", action="store_true",
                        help="also draw the relationships among the nodes a query returns")
    parser.add_argument("--max-nodes", type=_positive, metavar="N",
                        help=f"keep the N best-connected nodes (default limit {DEFAULT_MAX_NODES:,}, "
                             "past which the view is refused)")
    parser.add_argument("--title", help="the view's title (default: the source's name)")


class _Refused(Exception):
    """Bad arguments found while selecting: exit status 2 with the message."""


def _labels(store: GraphStore, text: str) -> list[str]:
    wanted = [label.strip() for label in text.split(",") if label.strip()]
    if not wanted:
        raise _Refused("--labels needs at least one label, like Person,Country")
    known = store.counts().labels
    for label in wanted:
        if label not in known:
            close = difflib.get_close_matches(label, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; the graph has {', '.join(known)}"
            raise _Refused(f"no node has the label {label!r}{hint}")
    return wanted


def _types(store: GraphStore, text: str) -> list[str]:
    wanted = [rel_type.strip() for rel_type in text.split(",") if rel_type.strip()]
    if not wanted:
        raise _Refused("--types needs at least one relationship type, like LOCATED_IN,SISTER_CITY_OF")
    known = store.counts().types
    for rel_type in wanted:
        if rel_type not in known:
            close = difflib.get_close_matches(rel_type, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; the graph has {', '.join(known)}"
            raise _Refused(f"no relationship has the type {rel_type!r}{hint}")
    return wanted


def _query(store: GraphStore, args: argparse.Namespace) -> Subgraph:
    given = parse_assignments(args.param)
    if args.execute is not None:
        text, params = args.execute, {name: infer_value(value) for name, value in given.items()}
        what = f"query {shorten(text, 60)!r}"
    else:
        script = find_script(args.query)
        text, params = script.text, script.bind(given)
        what = f"query {script.name}"
    if params:
        what += " with " + ", ".join(f"{name}={value!r}" for name, value in params.items())
    subgraph = from_query(store, text, params, connect=args.connect)
    if not subgraph.nodes:
        raise _Refused(f"the {what} returned no nodes, relationships or paths to draw; "
                       "return graph values (RETURN n, r, p) rather than their properties")
    subgraph.description = what + (" and the relationships among its nodes" if args.connect else "")
    return subgraph


def _intersection(parts: list[Subgraph]) -> Subgraph:
    """What every selection contains: nodes and relationships present in all of them."""
    nodes = set.intersection(*({n.element_id for n in part.nodes} for part in parts))
    rels = set.intersection(*({r.element_id for r in part.relationships} for part in parts))
    first = parts[0]
    return Subgraph.of([n for n in first.nodes if n.element_id in nodes],
                       [r for r in first.relationships if r.element_id in rels],
                       "; ".join(part.description for part in parts))


def select(store: GraphStore, args: argparse.Namespace) -> Subgraph:
    """The subgraph the arguments ask for (the whole graph when they ask for nothing)."""
    parts = []
    if args.around is not None:
        center = resolve_entity(store, args.around)
        types = _types(store, args.types) if args.types is not None else None
        parts.append(ego_network(store, center, 1 if args.depth is None else args.depth, types))
    if args.labels is not None:
        parts.append(by_labels(store, _labels(store, args.labels)))
    if args.years is not None:
        parts.append(by_years(store, YearRange.parse(args.years)))
    if args.query is not None or args.execute is not None:
        parts.append(_query(store, args))
    if not parts:
        return Subgraph.from_store(store)
    return _intersection(parts) if len(parts) > 1 else parts[0]


def _argv_text(text: str | None) -> str | None:
    """Text from the command line as the user typed it, even under a C/POSIX locale.

    There Python decodes arguments as ASCII with surrogate escapes, so a UTF-8
    title such as 'Oʻzbekiston' would arrive as lone surrogates and could not be
    written; the original bytes are UTF-8 on every system this runs on.
    """
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def run(args: argparse.Namespace, ctx: Context) -> int:
    for name in ("title", "around", "labels", "types", "execute", "query"):
        setattr(args, name, _argv_text(getattr(args, name)))
    args.param = [_argv_text(p) for p in args.param]
    if (args.depth is not None or args.types is not None) and args.around is None:
        return _fail(ctx, "--depth and --types go with --around NAME", 2)
    if (args.param or args.connect) and args.query is None and args.execute is None:
        return _fail(ctx, "--param and --connect go with --query or -e", 2)
    if args.output.exists() and not args.force:
        return _fail(ctx, f"{args.output} already exists (use --force to replace it)", 1)
    store = ctx.store()
    counts = store.counts()
    if not counts.nodes:
        return _fail(ctx, "the graph is empty: nothing to view (run 'relgraph load' first)", 1)
    try:
        subgraph = select(store, args)
    except (SelectionError, _Refused) as exc:
        return _fail(ctx, str(exc), 2)
    if not subgraph.nodes:
        return _fail(ctx, f"the selection ({subgraph.description}) is empty; nothing written", 1)

    limits = Limits(max_nodes=args.max_nodes or DEFAULT_MAX_NODES)
    trim = None
    try:
        if args.max_nodes:
            subgraph, trim = keep_best_connected(subgraph, args.max_nodes, counts.labels)
        check_size(subgraph, limits, explicit=bool(args.max_nodes))
    except ViewTooLarge as exc:
        return _fail(ctx, str(exc), 1)
    if trim:
        ctx.note(f"--max-nodes {args.max_nodes}: left out {trim.describe()}")

    sources = {str(n.get("key")): str(n.get("name") or n.get("key")) for n in store.nodes(["Source"])}
    view = build_view(subgraph, title=args.title, label_counts=counts.labels, source_names=sources,
                      limits=limits, trim=trim, graph_size=(counts.nodes, counts.relationships))
    try:
        size = write_view(view, args.output, overwrite=args.force)
    except AssetError as exc:
        return _fail(ctx, str(exc), 1)
    layout = ("laid out in the browser" if view.physics
              else f"laid out in Python in {view.layout_seconds:.1f} s")
    ctx.note(f"Wrote {args.output}: {len(view.nodes):,} nodes and {len(view.edges):,} relationships, "
             f"{layout}, {size / 1_000_000:.1f} MB")
    if args.open and not webbrowser.open(args.output.resolve().as_uri()):
        ctx.note(f"Could not start a web browser; open {args.output} yourself.")
    return 0


def _fail(ctx: Context, message: str, code: int) -> int:
    print(f"relgraph view: error: {message}", file=ctx.err)
    return code
