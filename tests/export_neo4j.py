"""What a Neo4j database holds, read through the official driver, and the neo4j-admin import tool.

The server itself is the session's (tests/conftest.py: one per run). Only the
neo4j-admin test starts a second one, because it serves a database that
neo4j-admin created in a home of its own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from relgraph.graph.backends.neo4j.conversion import native_value

from .export_samples import typed_properties

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "tools" / "neo4j" / "neo4j-server"
LIB = ROOT / "tools" / "neo4j" / "lib"


def build_jars() -> None:
    """Fetch the Neo4j jars if needed (the import tool runs from them too); fails the test if it cannot."""
    built = subprocess.run([str(SERVER), "build"], capture_output=True, text=True, timeout=900, check=False)
    if built.returncode != 0:
        raise RuntimeError(f"cannot build the Neo4j jars:\n{built.stderr[-4000:]}")


def neo4j_view(driver: Any, ignore: tuple[str, ...] = ()) -> tuple[list, list]:
    """What a Neo4j database holds (through the official driver), in the shape of graph_view;
    temporal values as the engine's, as relgraph's Neo4j backend returns them."""
    def props(values: dict[str, Any]) -> tuple:
        return typed_properties({k: native_value(v) for k, v in values.items() if k not in ignore})

    nodes = sorted((tuple(sorted(r["labels"])), props(r["props"])) for r in driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props").records)
    rels = sorted((r["a"], r["type"], r["b"], props(r["props"])) for r in driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS type, b.key AS b, properties(r) AS props"
    ).records)
    return nodes, rels
