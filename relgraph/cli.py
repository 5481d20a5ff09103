"""The ``relgraph`` command: global options, then one subcommand per module in relgraph.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from relgraph import __version__
from relgraph.commands.context import Command, Context, UsageError
from relgraph.connect import BACKENDS
from relgraph.graph.values.errors import RelgraphError, nearest
from relgraph.queries.library import ScriptError

#: Subcommand modules, in the order `relgraph --help` lists them.
COMMANDS = ["load", "stats", "query", "queries", "export", "view", "serve", "neo4j"]

EPILOG = """\
examples:
  relgraph load                          build the South Korea–Uzbekistan graph
  relgraph stats                         counts per label and relationship type
  relgraph query visits                  run a Cypher script from queries/
  relgraph queries                       list the scripts and their parameters
  relgraph export --format json -o g.json
  relgraph view -o graph.html --open     an interactive view that works offline
  relgraph serve --open                  explore the graph in a local web page
  relgraph --store /tmp/g.snapshot load my-data/   a separate graph from CSV files
  relgraph neo4j start                   a local Neo4j server (no Docker needed)
  relgraph --backend neo4j --neo4j-uri bolt://db:7687 stats

environment:
  RELGRAPH_BACKEND   default for --backend (auto, networkx or neo4j)
  RELGRAPH_STORE     the embedded backend's snapshot file
  NEO4J_URI          the Neo4j server (default bolt://127.0.0.1:7687)
  NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE
                     credentials and database (default: no auth, the server's default database)
  RELGRAPH_NEO4J_TIMEOUT
                     seconds to wait for Neo4j (default 1 for auto, 10 for --backend neo4j)

backends:
  auto (default) uses Neo4j when it answers within about a second and otherwise the
  embedded store, with one warning line; neo4j never falls back and says why it failed.
"""


def add_global_options(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """The options every command shares, accepted before the command and after it.

    After the command (``relgraph export -o g.json -q``) they are a copy whose default is
    SUPPRESS: an option not repeated there leaves no attribute in the subcommand's namespace,
    so the value given before the command (or the top-level default) stays.
    """

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if after_command else value

    shared: argparse.ArgumentParser | argparse._ArgumentGroup
    if after_command:
        shared = parser.add_argument_group(
            "global options (accepted before or after the command; after it wins)")
        neo4j = shared
    else:
        shared = parser
        neo4j = parser.add_argument_group(
            "Neo4j connection (default: the NEO4J_* environment variables)")
    shared.add_argument("--backend", choices=BACKENDS,
                        default=default(os.environ.get("RELGRAPH_BACKEND", "auto")),
                        help="where the graph lives (default: $RELGRAPH_BACKEND or auto)")
    shared.add_argument("--store", type=Path, metavar="PATH", default=default(None),
                        help="snapshot file of the embedded backend "
                             "(default: $RELGRAPH_STORE or ~/.local/share/relgraph/graph.snapshot)")
    shared.add_argument("-q", "--quiet", action="store_true", default=default(False),
                        help="no progress or status lines")
    neo4j.add_argument("--neo4j-uri", metavar="URI", default=default(None),
                       help="Bolt URI of the server (default: $NEO4J_URI or bolt://127.0.0.1:7687)")
    neo4j.add_argument("--neo4j-username", metavar="NAME", default=default(None),
                       help="user (default: $NEO4J_USERNAME)")
    neo4j.add_argument("--neo4j-password", metavar="PASSWORD", default=default(None),
                       help="password (default: $NEO4J_PASSWORD; prefer the variable, since other "
                            "users can see command lines)")
    neo4j.add_argument("--neo4j-database", metavar="NAME", default=default(None),
                       help="database (default: $NEO4J_DATABASE or the server's default)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relgraph",
        description="A graph database of relationships: load curated sources, query them with "
                    "Cypher, view and export them. Runs on Neo4j or on an embedded networkx store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"relgraph {__version__}")
    add_global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module: Command = importlib.import_module(f"relgraph.commands.{name}")
        sub = commands.add_parser(
            name, help=module.HELP, description=module.DESCRIPTION, epilog=module.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        add_global_options(sub, after_command=True)
        sub.set_defaults(run=module.run)
    return parser


#: Exit status per error class; the nearest class in an error's ancestry wins, others exit 1.
EXIT_STATUS: dict[type[BaseException], int] = {
    UsageError: 2,  # as argparse's own usage errors
    ScriptError: 2,  # a script's parameters are part of the command line
}


def exit_status(exc: RelgraphError) -> int:
    return nearest(EXIT_STATUS, exc, 1)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run one command; every error relgraph raises becomes one message and an exit status here,
    the only place that prints errors."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(out)
        return 2
    ctx = Context(args, out, err)
    try:
        return int(args.run(args, ctx) or 0)
    except RelgraphError as exc:
        print(f"relgraph {args.command}: error: {exc}", file=err)
        return exit_status(exc)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # `relgraph stats | head`: the reader left
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
        # A system error the library did not turn into its own: still one line, naming the file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"relgraph {args.command}: error: {where}{exc.strerror or exc}", file=err)
        return 1
    except (MemoryError, RecursionError) as exc:  # a limit no check foresaw: still one line
        what = "ran out of memory" if isinstance(exc, MemoryError) else "met a structure nested too deeply"
        print(f"relgraph {args.command}: error: the command {what} and stopped; nothing half-written was "
              "kept", file=err)
        return 1
    except KeyboardInterrupt:
        print("relgraph: interrupted; nothing half-written was kept", file=err)
        return 130
    finally:
        ctx.close()

if __name__ == "__main__":
    sys.exit(main())
