"""The selection options shared by `relgraph export` and `relgraph view`.

Both commands select a subgraph the same way (graph/selection.py), so they share
one set of options, one set of checks and one meaning: given several
selections, the result is what all of them contain.
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import Any

from relgraph.commands.context import UsageError
from relgraph.commands.limit_options import add_limit_arguments, memory_from, timeout_from
from relgraph.graph.selection import Selection, YearRange, entity_name, select
from relgraph.graph.store import GraphStore
from relgraph.graph.values.subgraph import Subgraph
from relgraph.queries.library import find_script, infer_value, parse_assignments

SELECTION_HELP = """\
What to select (combine them: the result is what all of them select; default: everything):
  --around NAME --depth N   an entity and everything within N hops (--types: along these only)
  --labels A,B              nodes with any of these labels, and the relationships among them
  --years FROM..TO          dated nodes in the range and what is directly connected to them
  --query NAME_OR_FILE, -e  the nodes, relationships and paths a Cypher query returns"""


def _depth(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not 0 or more")
    return value


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection")
    group.add_argument("--around", metavar="NAME",
                       help="an entity (name, alias or key) and its neighbourhood")
    group.add_argument("--depth", type=_depth, metavar="N",
                       help="hops around --around, in either direction (default: 1)")
    group.add_argument("--types", metavar="T1,T2",
                       help="with --around: follow only these relationship types")
    group.add_argument("--labels", metavar="A,B", help="nodes with any of these labels")
    group.add_argument("--years", metavar="FROM..TO",
                       help="dated nodes in the range (2010..2020, 2010.., ..1999, 2016) "
                            "and their neighbours")
    query = group.add_mutually_exclusive_group()
    query.add_argument("--query", metavar="NAME_OR_FILE",
                       help="a built-in script (see 'relgraph queries') or a .cypher file")
    query.add_argument("-e", "--execute", metavar="QUERY", help="an inline Cypher query")
    group.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a query parameter (repeatable)")
    group.add_argument("--connect", action="store_true",
                       help="add the relationships among the nodes a query returns")
    add_limit_arguments(parser)


def argv_text(text: str | None) -> str | None:
    """Text from the command line as the user typed it, even under a C/POSIX locale.

    There Python decodes arguments as ASCII with surrogate escapes, so a UTF-8
    name such as 'Oʻzbekiston' would arrive as lone surrogates and match
    nothing; the original bytes are UTF-8 on every system this runs on.
    """
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def check_selection_arguments(args: argparse.Namespace) -> None:
    """UsageError for a misuse of the selection options; also repairs their text."""
    for name in ("around", "labels", "types", "execute", "query"):
        setattr(args, name, argv_text(getattr(args, name)))
    args.param = [argv_text(p) for p in args.param]
    if (args.depth is not None or args.types is not None) and args.around is None:
        raise UsageError("--depth and --types go with --around NAME")
    if (args.param or args.connect) and args.query is None and args.execute is None:
        raise UsageError("--param and --connect go with --query or -e")


def selection_from(args: argparse.Namespace, store: GraphStore) -> Selection:
    """The options as a library Selection: scripts found and their parameters typed, their
    entities resolved in ``store``."""
    query: str | None = None
    query_name: str | None = None
    params: dict[str, Any] = {}
    if args.execute is not None or args.query is not None:
        given = parse_assignments(args.param)
        if args.execute is not None:
            query, params = args.execute, {name: infer_value(value) for name, value in given.items()}
        else:
            script = find_script(args.query)
            query, query_name = script.text, script.name
            params = script.bind(given, partial(entity_name, store))
    return Selection(
        around=args.around, depth=1 if args.depth is None else args.depth,
        types=None if args.types is None else tuple(args.types.split(",")),
        labels=None if args.labels is None else tuple(args.labels.split(",")),
        years=None if args.years is None else YearRange.parse(args.years),
        query=query, parameters=params, connect=args.connect, query_name=query_name)


def select_subgraph(store: GraphStore, args: argparse.Namespace) -> Subgraph:
    """The subgraph the options ask for; raises SelectionError when it cannot be made."""
    return select(store, selection_from(args, store), timeout=timeout_from(args), memory=memory_from(args))
