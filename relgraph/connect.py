"""Choosing and opening a backend from command-line options and environment variables.

``auto`` (the default) prefers Neo4j, the primary store, but a missing server must
not make every command fail or hang: it probes for about a second (a refused
connection answers at once) and otherwise falls back to the embedded store with
one warning line. An explicit ``neo4j`` never falls back: a user who asked for
the server wants to know that it is not there, and where relgraph looked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import StoreError

BACKENDS = ("auto", "networkx", "neo4j")

#: Seconds ``auto`` waits for Neo4j before falling back ($RELGRAPH_NEO4J_TIMEOUT overrides).
AUTO_TIMEOUT = 1.0
#: Seconds an explicit ``--backend neo4j`` waits for the server to answer.
NEO4J_TIMEOUT = 10.0


def user_folder(kind: Literal["data", "cache"]) -> Path:
    """relgraph's per-user folder of that kind ($XDG_DATA_HOME or $XDG_CACHE_HOME, by the XDG
    defaults), so that every working directory, and every installed copy, shares one."""
    variable, default = {"data": ("XDG_DATA_HOME", (".local", "share")),
                         "cache": ("XDG_CACHE_HOME", (".cache",))}[kind]
    return Path(os.environ.get(variable) or Path.home().joinpath(*default)) / "relgraph"


def default_store_path() -> Path:
    """$RELGRAPH_STORE, else the XDG data folder, so every working directory sees one graph."""
    if os.environ.get("RELGRAPH_STORE"):
        return Path(os.environ["RELGRAPH_STORE"]).expanduser()
    return user_folder("data") / "graph.snapshot"


@dataclass
class StoreOptions:
    """What the command line says about the store; None means "from the environment"."""

    backend: str = "auto"
    store_path: Path | None = None
    neo4j_uri: str | None = None
    neo4j_username: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    #: receives the one-line notice when ``auto`` falls back (default: stderr)
    warn: Callable[[str], None] | None = None


def _timeout(default: float) -> float:
    text = os.environ.get("RELGRAPH_NEO4J_TIMEOUT")
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise StoreError(f"RELGRAPH_NEO4J_TIMEOUT={text!r} is not a number of seconds") from None
    if value <= 0:
        raise StoreError(f"RELGRAPH_NEO4J_TIMEOUT={text!r} must be more than 0 seconds")
    return value


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def open_store(options: StoreOptions) -> GraphStore:
    """Open the backend the options ask for; ``options.warn`` receives the fallback notice."""
    if options.backend not in BACKENDS:
        raise ValueError(f"unknown backend {options.backend!r}; choose from {', '.join(BACKENDS)}")
    if options.backend == "networkx":
        return NetworkxStore(options.store_path or default_store_path())

    # The driver is imported only when Neo4j may be used, so networkx-only runs stay quick.
    from relgraph.graph.backends.neo4j.connection import Neo4jSettings, Neo4jUnavailable
    from relgraph.graph.backends.neo4j.store import Neo4jStore

    settings = Neo4jSettings.from_env(uri=options.neo4j_uri, username=options.neo4j_username,
                                      password=options.neo4j_password,
                                      database=options.neo4j_database)
    if options.backend == "neo4j":
        return Neo4jStore.connect(settings, timeout=_timeout(NEO4J_TIMEOUT))
    try:
        return Neo4jStore.connect(settings, timeout=_timeout(AUTO_TIMEOUT))
    except Neo4jUnavailable as exc:
        fallback = NetworkxStore(options.store_path or default_store_path())
        (options.warn or _warn_stderr)(
            f"relgraph: warning: no Neo4j at {exc.uri} ({exc.reason}); using the embedded store "
            f"({fallback.describe()}). Start Neo4j with 'relgraph neo4j start', "
            "or pass --backend networkx to silence this.")
        return fallback
