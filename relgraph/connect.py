"""Choosing and opening a backend from command-line options and environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.store import GraphStore

BACKENDS = ("auto", "networkx", "neo4j")


def default_store_path() -> Path:
    """$RELGRAPH_STORE, else the XDG data folder, so every working directory sees one graph."""
    if os.environ.get("RELGRAPH_STORE"):
        return Path(os.environ["RELGRAPH_STORE"]).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "relgraph" / "graph.snapshot"


@dataclass
class StoreOptions:
    backend: str = "auto"
    store_path: Path | None = None


def open_store(options: StoreOptions) -> GraphStore:
    """Open the backend the options ask for."""
    if options.backend not in BACKENDS:
        raise ValueError(f"unknown backend {options.backend!r}; choose from {', '.join(BACKENDS)}")
    if options.backend == "neo4j":
        raise NotImplementedError("the Neo4j backend is not available yet")
    return NetworkxStore(options.store_path or default_store_path())
