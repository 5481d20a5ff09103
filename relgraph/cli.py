"""The ``relgraph`` command: global options, then one subcommand per module in relgraph.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from relgraph import __version__
from relgraph.connect import BACKENDS, StoreOptions, open_store
from relgraph.graph.export import ExportError
from relgraph.graph.model import LoadError, ModelError
from relgraph.graph.store import GraphStore, StoreError
from relgraph.query_scripts import ScriptError

#: Subcommand modules, in the order `relgraph --help` lists them.
COMMANDS = ["load", "stats", "query", "queries", "export", "view"]

EPILOG = """\
examples:
  relgraph load                          build the South Korea–Uzbekistan graph
  relgraph stats                         counts per label and relationship type
  relgraph query visits                  run a Cypher script from queries/
  relgraph queries                       list the scripts and their parameters
  relgraph export --format json -o g.json
  relgraph view -o graph.html --open     an interactive view that works offline
  relgraph --store /tmp/g.snapshot load my-data/   a separate graph from CSV files

environment:
  RELGRAPH_BACKEND   default for --backend (auto, networkx or neo4j)
  RELGRAPH_STORE     the embedded backend's snapshot file
"""


class Context:
    """What a command needs besides its arguments: streams and a lazily opened store."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO):
        self.args = args
        self.out = out
        self.err = err
        self._store: GraphStore | None = None

    def store(self) -> GraphStore:
        if self._store is None:
            self._store = open_store(StoreOptions(self.args.backend, self.args.store))
        return self._store

    def note(self, message: str) -> None:
        """A status line on stderr, unless --quiet."""
        if not self.args.quiet:
            print(message, file=self.err)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class UsageError(Exception):
    """Bad arguments that argparse cannot catch by itself; exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relgraph",
        description="A graph database of relationships: load curated sources, query them with "
                    "Cypher, view and export them. Runs on Neo4j or on an embedded networkx store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"relgraph {__version__}")
    parser.add_argument("--backend", choices=BACKENDS,
                        default=os.environ.get("RELGRAPH_BACKEND", "auto"),
                        help="where the graph lives (default: $RELGRAPH_BACKEND or auto)")
    parser.add_argument("--store", type=Path, metavar="PATH",
                        help="snapshot file of the embedded backend "
                             "(default: $RELGRAPH_STORE or ~/.local/share/relgraph/graph.snapshot)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or status lines")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"relgraph.commands.{name}")
        sub = commands.add_parser(
            name, help=module.HELP, description=module.DESCRIPTION, epilog=module.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
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
    except UsageError as exc:
        print(f"relgraph {args.command}: error: {exc}", file=err)
        return 2
    except ScriptError as exc:
        print(f"relgraph {args.command}: error: {exc}", file=err)
        return 2
    except (LoadError, ModelError, StoreError, ExportError, FileExistsError, NotImplementedError) as exc:
        print(f"relgraph {args.command}: error: {exc}", file=err)
        return 1
    except BrokenPipeError:  # `relgraph stats | head`: the reader left; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("relgraph: interrupted; nothing half-written was kept", file=err)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
