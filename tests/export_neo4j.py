"""A real Neo4j for the export tests: start and stop tools/neo4j/neo4j-server, read what it holds.

Until the Neo4j backend's shared session fixture (tests/conftest.py,
$RELGRAPH_TEST_NEO4J_URI) is merged, the export tests start their own servers
with these helpers; a server that cannot start fails the tests, never skips them.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Any

from .export_samples import typed_properties

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "tools" / "neo4j" / "neo4j-server"
LIB = ROOT / "tools" / "neo4j" / "lib"


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_neo4j(home: Path) -> str:
    """Start Neo4j + APOC on a free port with ``home`` for its data; returns the Bolt URI."""
    started = subprocess.run([str(SERVER), "start", "--port", str(free_port()), "--home", str(home)],
                             capture_output=True, text=True, timeout=900, check=False)
    if started.returncode != 0:
        raise ServerError(f"Neo4j did not start (exit {started.returncode}):\n{started.stderr[-4000:]}")
    return started.stdout.strip().splitlines()[-1]


def stop_neo4j(home: Path) -> None:
    subprocess.run([str(SERVER), "stop", "--home", str(home)], capture_output=True, timeout=120, check=False)


def build_jars() -> None:
    """Fetch the Neo4j jars if needed (the import tool runs from them too)."""
    built = subprocess.run([str(SERVER), "build"], capture_output=True, text=True, timeout=900, check=False)
    if built.returncode != 0:
        raise ServerError(f"cannot build the Neo4j jars:\n{built.stderr[-4000:]}")


def neo4j_view(driver: Any, ignore: tuple[str, ...] = ()) -> tuple[list, list]:
    """What a Neo4j database holds (through the official driver), in the shape of graph_view."""
    def props(values: dict[str, Any]) -> tuple:
        return typed_properties({k: v for k, v in values.items() if k not in ignore})

    nodes = sorted((tuple(sorted(r["labels"])), props(r["props"])) for r in driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props").records)
    rels = sorted((r["a"], r["type"], r["b"], props(r["props"])) for r in driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS type, b.key AS b, properties(r) AS props"
    ).records)
    return nodes, rels
