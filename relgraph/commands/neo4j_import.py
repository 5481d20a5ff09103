"""relgraph neo4j import: a fresh database for the local server, built by neo4j-admin.

A load through Bolt merges row by row; neo4j-admin writes the store files directly and is
several times faster for a big graph into an empty database. So: every source is read as
``relgraph load`` reads it (any format, validated, several sources merged as loading them
one after another would), written as neo4j-admin CSV by relgraph's own writer, and
imported with the ``neo4j-admin`` of the same Neo4j jars the server runs, while the server
is stopped. Then the server starts (again) and gets the key constraints a load creates,
so that later loads merge fast. A database that holds anything is only replaced with
``--force``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from relgraph.commands.neo4j_launcher import ServerError
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.formats.admin_csv import write_admin_csv
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import GraphBatch, NodeKey
from relgraph.graph.values.subgraph import Subgraph

#: The lines of neo4j-admin's output worth showing: its stages, totals, and what went wrong.
_WORTH_SHOWING = re.compile(r"^(\(\d/\d\)|IMPORT (DONE|FAILED)|Imported:|\s+\d[\d,]* (nodes|relationships|"
                            r"properties)|Peak memory|Error|ERROR|WARN|.*Exception|.*[Ff]ailed|.*refused)")

_TIMESTAMP = re.compile(r"\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[+-]\d{4}$")


def batch_subgraph(batch: GraphBatch) -> Subgraph:
    """The graph a load of ``batch`` into an empty store makes, as a subgraph for the CSV writer:
    nodes merge on (primary label, key) and relationships on (start, type, end, key), later
    properties winning and labels adding up, as ``GraphStore.load`` merges."""
    labels: dict[NodeKey, list[str]] = {}
    props: dict[NodeKey, dict[str, object]] = {}
    for spec in batch.nodes:
        ref = spec.node_key
        if ref in labels:
            labels[ref].extend(x for x in spec.labels if x not in labels[ref])
            props[ref].update(spec.properties)
        else:
            labels[ref] = list(spec.labels)
            props[ref] = dict(spec.properties)
    nodes = {ref: Node(f"{ref.label}:{ref.key}", labels[ref], props[ref]) for ref in labels}
    rel_props: dict[tuple[NodeKey, str, NodeKey, str], dict[str, object]] = {}
    for rel in batch.relationships:
        rel_props.setdefault((rel.start, rel.type, rel.end, rel.key), {}).update(rel.properties)
    rels = [Relationship(str(number), rel_type, nodes[start], nodes[end], properties)
            for number, ((start, rel_type, end, _), properties) in enumerate(rel_props.items())]
    return Subgraph(list(nodes.values()), rels, "import")


def primary_labels(batch: GraphBatch) -> set[str]:
    return {spec.labels[0] for spec in batch.nodes}


def admin_command(lib: Path, csv_folder: Path, force: bool) -> list[str]:
    """neo4j-admin database import full into the default database, from every CSV file."""
    files = [f"--nodes={p}" for p in sorted(csv_folder.glob("nodes*.csv"))]
    files += [f"--relationships={p}" for p in sorted(csv_folder.glob("relationships*.csv"))]
    java = os.environ.get("RELGRAPH_NEO4J_JAVA", "java")
    # The database name goes first: --nodes and --relationships take any number of files.
    return [java, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j",
            "--multiline-fields=true", f"--overwrite-destination={'true' if force else 'false'}",
            f"--report-file={csv_folder / 'import.report'}", *files]


@dataclass
class AdminResult:
    seconds: float
    lines: list[str]


def run_admin(command: list[str], home: Path, note: Callable[[str], None]) -> AdminResult:
    """Run neo4j-admin, passing on only the lines that matter (stages, totals, errors) as they
    come; a failure is a StoreError with those lines and the report's."""
    started = time.monotonic()
    shown: list[str] = []
    tail: list[str] = []
    proc = subprocess.Popen(command, cwd=home, env={**os.environ, "NEO4J_HOME": str(home)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, errors="replace")
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip()
        tail = [*tail[-19:], line]
        if _WORTH_SHOWING.match(line):
            line = _TIMESTAMP.sub("", line).strip()
            shown.append(line)
            note(f"  neo4j-admin: {line}")
    code = proc.wait()
    if code:
        said = [line for line in shown if not line.startswith("(")] or [x for x in tail if x.strip()][-8:]
        raise StoreError(f"neo4j-admin could not import (exit {code}); nothing was imported:\n  "
                         + "\n  ".join(said))
    return AdminResult(time.monotonic() - started, shown)


def graph_size(uri: str) -> tuple[int, int]:
    """Nodes and relationships in the server's default database."""
    with Neo4jStore.connect(Neo4jSettings(uri)) as store:
        counts = store.counts()
    return counts.nodes, counts.relationships


def create_key_constraints(uri: str, labels: Iterable[str]) -> list[str]:
    store = Neo4jStore.connect(Neo4jSettings(uri))
    try:
        return store.ensure_key_constraints(labels)
    finally:
        store.close()


def database_folder(home: Path) -> Path:
    return home / "data" / "databases" / "neo4j"


@dataclass
class ImportPlan:
    """What the import command needs from the server side, as functions (start, stop, status)."""

    home: Path
    lib: Path
    start: Callable[[], str]
    stop: Callable[[], None]
    running_uri: Callable[[], str | None]


def import_sources(batch: GraphBatch, plan: ImportPlan, *, force: bool,
                   note: Callable[[str], None]) -> str:
    """The import itself (see the module's docstring); returns what happened, for the user."""
    batch.validate()
    uri = plan.running_uri()
    was_running = uri is not None
    if uri is None and database_folder(plan.home).exists():
        note("relgraph neo4j import: starting the server to see whether its database is empty ...")
        uri = plan.start()
    if uri is not None:
        nodes, rels = graph_size(uri)
        if (nodes or rels) and not force:
            if not was_running:
                plan.stop()
            raise StoreError(f"the database of the server in {plan.home} is not empty ({nodes:,} nodes, "
                             f"{rels:,} relationships); 'relgraph neo4j import --force' replaces it, or "
                             "use 'relgraph load' to add to it. Nothing was imported")
        note("relgraph neo4j import: stopping the server for neo4j-admin ...")
        plan.stop()
    folder = Path(tempfile.mkdtemp(prefix="relgraph-import."))
    try:
        note(f"relgraph neo4j import: writing {len(batch.nodes):,} nodes and {len(batch.relationships):,} "
             "relationships as neo4j-admin CSV ...")
        write_admin_csv(batch_subgraph(batch), folder / "csv")
        note("relgraph neo4j import: running neo4j-admin database import full ...")
        plan.home.mkdir(parents=True, exist_ok=True)
        result = run_admin(admin_command(plan.lib, folder / "csv", force or uri is not None), plan.home, note)
    except StoreError:
        if was_running:  # as it was: running, on what the failed import left
            note("relgraph neo4j import: starting the server again ...")
            plan.start()
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    note("relgraph neo4j import: starting the server for the key constraints ...")
    try:
        uri = plan.start()
    except ServerError as exc:
        raise StoreError(f"neo4j-admin imported the graph, but the server did not start: {exc}") from exc
    made = create_key_constraints(uri, primary_labels(batch))
    nodes, rels = graph_size(uri)
    if not was_running:
        plan.stop()
    state = f"running at {uri}" if was_running else "stopped, as it was"
    return (f"Imported {nodes:,} nodes and {rels:,} relationships into {plan.home} with neo4j-admin "
            f"({result.seconds:.1f} s); {len(made)} key constraints created; the server is {state}")
