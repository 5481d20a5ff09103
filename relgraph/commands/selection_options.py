"""The selection options shared by `relgraph export` and `relgraph view`.

Both commands select a subgraph the same way (graph/selection.py), so they share
one set of options, one set of checks and one meaning: given several
selections, the result is what all of them contain.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterable

from relgraph.graph.selection import (
    YearRange,
    by_labels,
    by_years,
    ego_network,
    from_query,
    resolve_entity,
    whole_graph,
)
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import SelectionError
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
                       help="a script from queries/ (see 'relgraph queries') or a .cypher file")
    query.add_argument("-e", "--execute", metavar="QUERY", help="an inline Cypher query")
    group.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a query parameter (repeatable)")
    group.add_argument("--connect", action="store_true",
                       help="add the relationships among the nodes a query returns")


def argv_text(text: str | None) -> str | None:
    """Text from the command line as the user typed it, even under a C/POSIX locale.

    There Python decodes arguments as ASCII with surrogate escapes, so a UTF-8
    name such as 'Oʻzbekiston' would arrive as lone surrogates and match
    nothing; the original bytes are UTF-8 on every system this runs on.
    """
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def check_selection_arguments(args: argparse.Namespace) -> str | None:
    """A usage problem with the selection options, or None; also repairs their text."""
    for name in ("around", "labels", "types", "execute", "query"):
        setattr(args, name, argv_text(getattr(args, name)))
    args.param = [argv_text(p) for p in args.param]
    if (args.depth is not None or args.types is not None) and args.around is None:
        return "--depth and --types go with --around NAME"
    if (args.param or args.connect) and args.query is None and args.execute is None:
        return "--param and --connect go with --query or -e"
    return None


def _names(text: str, known: Iterable[str], what: str, example: str) -> list[str]:
    # ``what`` reads "node has the label" or "relationship has the type"
    """Split 'A,B' and check every name exists, suggesting close ones: a typo would
    otherwise quietly select less than was meant."""
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    if not wanted:
        raise SelectionError(f"give at least one name, like {example}")
    known = list(known)
    for name in wanted:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                    else f"; the graph has {', '.join(known) or 'none'}")
            raise SelectionError(f"no {what} {name!r}{hint}")
    return wanted


def _query(store: GraphStore, args: argparse.Namespace) -> Subgraph:
    given = parse_assignments(args.param)
    if args.execute is not None:
        text, params = args.execute, {name: infer_value(value) for name, value in given.items()}
        short = " ".join(text.split())
        what = f"query {short if len(short) <= 60 else short[:59] + '…'!r}"
    else:
        script = find_script(args.query)
        text, params = script.text, script.bind(given)
        what = f"query {script.name}"
    if params:
        what += " with " + ", ".join(f"{name}={value!r}" for name, value in params.items())
    subgraph = from_query(store, text, params, connect=args.connect)
    if not subgraph.nodes:
        raise SelectionError(f"the {what} returned no nodes, relationships or paths; "
                             "return graph values (RETURN n, r, p) rather than their properties")
    subgraph.description = what + (" and the relationships among its nodes" if args.connect else "")
    return subgraph


def _intersection(parts: list[Subgraph]) -> Subgraph:
    nodes = set.intersection(*({n.element_id for n in part.nodes} for part in parts))
    rels = set.intersection(*({r.element_id for r in part.relationships} for part in parts))
    first = parts[0]
    return Subgraph.of([n for n in first.nodes if n.element_id in nodes],
                       [r for r in first.relationships
                        if r.element_id in rels and {e.element_id for e in r.nodes} <= nodes],
                       "; ".join(part.description for part in parts))


def select_subgraph(store: GraphStore, args: argparse.Namespace) -> Subgraph:
    """The subgraph the options ask for; raises SelectionError when it cannot be made."""
    parts = []
    counts = store.counts() if args.labels is not None or args.types is not None else None
    if args.around is not None:
        center = resolve_entity(store, args.around)
        types = None
        if args.types is not None and counts:
            types = _names(args.types, counts.types, "relationship has the type", "LOCATED_IN,HOSTED_BY")
        parts.append(ego_network(store, center, 1 if args.depth is None else args.depth, types))
    if args.labels is not None and counts:
        labels = _names(args.labels, counts.labels, "node has the label", "Person,Country")
        parts.append(by_labels(store, labels))
    if args.years is not None:
        parts.append(by_years(store, YearRange.parse(args.years)))
    if args.query is not None or args.execute is not None:
        parts.append(_query(store, args))
    if not parts:
        return whole_graph(store)
    return _intersection(parts) if len(parts) > 1 else parts[0]
