"""relgraph query: run a Cypher script (by name or path) or an inline query."""

from __future__ import annotations

import argparse
import time
from functools import partial
from typing import Any

from relgraph.commands.context import Context
from relgraph.commands.limit_options import add_limit_arguments, memory_from, timeout_from
from relgraph.graph.cypher.prepare import parameter_names
from relgraph.graph.selection import entity_name
from relgraph.graph.store import GraphStore
from relgraph.output import FORMATS, summary_line, warning_lines, write_result
from relgraph.queries.library import ScriptError, find_script, infer_value, parse_assignments

HELP = "run a Cypher script or an inline query"
DESCRIPTION = """\
Run one of relgraph's built-in scripts (by name, see 'relgraph queries'), a
.cypher file, or an inline query with -e. Parameters are typed from the script's
header (// @param name: type = default); a missing or unknown parameter is an
error before anything runs. Queries are read-only unless --write is given: a query
that would write is refused before anything changes."""
EPILOG = """\
examples:
  relgraph query visits
  relgraph query person-visits --param person='Shavkat Mirziyoyev'
  relgraph query events-between --param from=2014 --param to=2016 --format json
  relgraph query city --param city=Navoiy --format csv > navoi.csv
  relgraph query ./my-query.cypher --param name=Seoul      your own script file
  relgraph query -e 'MATCH (p:Person) RETURN p.name AS name ORDER BY name'
  relgraph query -e 'MATCH (c:City {name: $name}) RETURN c' --param name=Seoul --format jsonl
  relgraph query --write -e "MATCH (c:City {key: 'seoul'}) SET c.population = 9411000"
  relgraph query --explain visits
  relgraph query --timeout 30 --max-memory 1G -e 'MATCH p=(:Person)-[*1..4]-() RETURN count(p)'
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("script", nargs="?", metavar="FILE_OR_NAME",
                        help="a script name from 'relgraph queries' or a path to a .cypher file")
    source.add_argument("-e", "--execute", metavar="QUERY", help="run this Cypher text instead")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter value (repeatable); lists as a,b,c or ['a','b']")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="output format (default: table)")
    parser.add_argument("--wide", action="store_true", help="do not truncate long table cells")
    parser.add_argument("--write", action="store_true", help="allow the query to change the graph")
    parser.add_argument("--explain", action="store_true",
                        help="show how the backend would run the query, without running it")
    add_limit_arguments(parser)


def prepare(args: argparse.Namespace, store: GraphStore) -> tuple[str, dict[str, Any]]:
    """The query text and its typed parameters, from a script (its entities resolved in
    ``store``) or from -e."""
    given = parse_assignments(args.param)
    if args.execute is not None:
        return args.execute, {name: infer_value(text) for name, text in given.items()}
    script = find_script(args.script)
    return script.text, script.bind(given, partial(entity_name, store))


def check_given(query: str, parameters: dict[str, Any]) -> None:
    """A ``$name`` the query uses without a value is a command-line mistake: say how to give it
    (both backends would only say that it is missing)."""
    missing = [name for name in parameter_names(query) or () if name not in parameters]
    if missing:
        used = ", ".join(f"${name}" for name in missing)
        how = " ".join(f"--param {name}=…" for name in missing)
        raise ScriptError(f"the query uses {used} but no value was given; pass {how}")


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.execute is None:
        find_script(args.script)  # an unknown script is an error before a store is opened
    store = ctx.store()
    query, parameters = prepare(args, store)
    if args.explain:  # a plan needs no values
        print(store.explain(query, parameters), file=ctx.out)
        return 0
    check_given(query, parameters)
    started = time.perf_counter()
    result = store.run(query, parameters, write=args.write, timeout=timeout_from(args),
                       memory=memory_from(args))
    elapsed = time.perf_counter() - started
    write_result(result, args.format, ctx.out, truncate=not args.wide)
    for line in warning_lines(result, "query"):  # even with --quiet: a warning is not a status
        print(line, file=ctx.err)
    ctx.note(summary_line(result, elapsed))
    return 0
