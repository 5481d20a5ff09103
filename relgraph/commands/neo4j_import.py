"""relgraph neo4j import: a fresh database for the local server, built by neo4j-admin.

The store side (checks, neo4j-admin, the server around it, the key constraints) is
graph/backends/neo4j/admin_import.py. This module decides how the sources become
neo4j-admin CSV: CSV that relgraph's own writer made goes to neo4j-admin as it is (checked,
not re-read: that cost ten times neo4j-admin's own time); anything else is read as
``relgraph load`` reads it (any format, validated, several sources merged as loading them
one after another would) and written by relgraph's admin CSV writer.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from relgraph.graph.backends.neo4j.admin_import import AdminCsv, ImportPlan, import_csv, relgraph_csv
from relgraph.graph.formats.admin_csv import write_admin_csv
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.model import GraphBatch, NodeKey
from relgraph.graph.values.subgraph import Subgraph
from relgraph.loaders import read_sources

__all__ = ["ImportPlan", "batch_subgraph", "import_sources"]


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


def written_csv(batch: GraphBatch, folder: Path, note: Callable[[str], None]) -> AdminCsv:
    """``batch`` as neo4j-admin CSV in ``folder``, with its counts and primary labels."""
    subgraph = batch_subgraph(batch)
    note(f"relgraph neo4j import: writing {len(subgraph.nodes):,} nodes and "
         f"{len(subgraph.relationships):,} relationships as neo4j-admin CSV ...")
    write_admin_csv(subgraph, folder)
    return AdminCsv(folder, len(subgraph.nodes), len(subgraph.relationships),
                    {spec.labels[0] for spec in batch.nodes})


def import_sources(sources: list[Path], plan: ImportPlan, *, force: bool,
                   note: Callable[[str], None]) -> str:
    """Import ``sources`` (read, or taken as they are, before the server is touched); returns
    what happened, for the user."""
    scratch = Path(tempfile.mkdtemp(prefix="relgraph-import."))
    try:
        note(f"relgraph neo4j import: checking {', '.join(map(str, sources))} ...")
        ready = relgraph_csv(sources, scratch)
        if ready is not None:
            note(f"relgraph neo4j import: relgraph's own neo4j-admin CSV ({ready.nodes:,} nodes, "
                 f"{ready.relationships:,} relationships): imported as it is")
            return import_csv(lambda: ready, plan, force=force, note=note)
        note(f"relgraph neo4j import: reading {', '.join(map(str, sources))} ...")
        batch = read_sources(sources)
        batch.validate()
        return import_csv(lambda: written_csv(batch, scratch / "csv", note), plan, force=force, note=note)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
