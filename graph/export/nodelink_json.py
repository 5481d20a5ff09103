"""networkx node-link JSON: the format ``networkx.node_link_graph(data, edges="links")`` reads.

Each node is ``{"id", "labels", ...properties}``, each link ``{"source",
"target", "type", ...properties}``; a relationship's ``key`` property doubles
as the multigraph edge key, which is exactly what networkx expects there.
Properties are flat, as networkx users expect, so a property named like one of
the structural fields cannot be written: the writer says so instead of
silently dropping it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from relgraph.graph.export.atomic import text_output
from relgraph.graph.export.common import describe_node, describe_rel, plain_properties
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.subgraph import Subgraph, sorted_labels

__all__ = ["ExportError", "nodelink_data", "write_nodelink_json"]

NODE_FIELDS = ("id", "labels")
LINK_FIELDS = ("source", "target", "type")


def nodelink_data(subgraph: Subgraph, graph_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
    nodes, rels, ids = subgraph.ordered()
    out_nodes = []
    for node in nodes:
        clash = [f for f in NODE_FIELDS if f in node]
        if clash:
            raise ExportError(
                f"node {ids[node.element_id]!r} has a property named {clash[0]!r}, which node-link "
                "JSON uses for structure; export it as JSON lines (--format jsonl) instead"
            )
        out_nodes.append({"id": ids[node.element_id], "labels": sorted_labels(node),
                          **plain_properties(node, describe_node(node, ids))})
    out_links = []
    for rel in rels:
        clash = [f for f in LINK_FIELDS if f in rel]
        if clash:
            raise ExportError(
                f"relationship {rel.get('key', rel.element_id)!r} has a property named {clash[0]!r}, "
                "which node-link JSON uses for structure; export it as JSON lines instead"
            )
        out_links.append({"source": ids[rel.start_node.element_id],
                          "target": ids[rel.end_node.element_id],
                          "type": rel.type, **plain_properties(rel, describe_rel(rel, ids))})
    return {"directed": True, "multigraph": True, "graph": dict(graph_attrs or {}),
            "nodes": out_nodes, "links": out_links}


def write_nodelink_json(subgraph: Subgraph, out: IO[str] | Path | str,
                        graph_attrs: dict[str, Any] | None = None) -> None:
    """Write pretty, key-sorted UTF-8 JSON so that exports diff cleanly."""
    data = nodelink_data(subgraph, graph_attrs)
    with text_output(out) as fh:
        _dump(data, fh)


def _dump(data: dict[str, Any], fh: IO[str]) -> None:
    json.dump(data, fh, ensure_ascii=False, indent=1, allow_nan=False)
    fh.write("\n")
