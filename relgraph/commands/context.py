"""What every command gets besides its arguments, and the shape every command module has.

Commands only parse and call: they read their options, call the library, and print
what it returns. They never print an error or choose an exit status; they raise a
:class:`~relgraph.graph.values.errors.RelgraphError`, and :func:`relgraph.cli.main`
turns it into one line on stderr and the exit status of its class.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from relgraph.connect import StoreOptions, open_store
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import RelgraphError


class UsageError(RelgraphError):
    """Bad arguments that argparse cannot catch by itself (exit status 2, as argparse's own)."""


@dataclass
class Context:
    """Streams, options and a store opened on first use (``relgraph queries`` needs none)."""

    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _store: GraphStore | None = None

    def store(self) -> GraphStore:
        if self._store is None:
            args = self.args
            self._store = open_store(
                StoreOptions(args.backend, args.store, args.neo4j_uri, args.neo4j_username,
                             args.neo4j_password, args.neo4j_database,
                             warn=lambda message: print(message, file=self.err)))
        return self._store

    def note(self, message: str) -> None:
        """A status line on stderr, unless --quiet."""
        if not self.args.quiet:
            print(message, file=self.err)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class Command(Protocol):
    """A module of relgraph.commands: its help texts, its options and what it does."""

    HELP: str
    DESCRIPTION: str
    EPILOG: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, ctx: Context) -> int: ...

