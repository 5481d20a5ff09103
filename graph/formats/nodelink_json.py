"""networkx node-link JSON: the format ``networkx.node_link_graph(data, edges="links")`` reads,
written and read back.

Each node is ``{"id", "labels", ...properties}``, each link ``{"source",
"target", "type", ...properties}``; a relationship's ``key`` property doubles
as the multigraph edge key, which is exactly what networkx expects there.
Properties are flat, as networkx users expect, so a property named like one of
the structural fields cannot be written: the writer says so instead of
silently dropping it.

The reader accepts both ``links`` and ``edges`` as the edge list name, since networkx
changed its default between versions. Nodes need a ``labels`` list; a node's ``key``
property, or else its ``id``, becomes its key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from relgraph.graph.formats.reading import (
    BatchBuilder,
    JsonError,
    JsonObject,
    parse_json,
    read_text,
    value_problems,
)
from relgraph.graph.formats.types import plain_properties
from relgraph.graph.formats.writing import describe_node, describe_rel, reserved_free, text_output
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import ExportError, LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.graph.values.subgraph import Subgraph, ordered_labels

# --- writing ----------------------------------------------------------------------------------


__all__ = ["ExportError", "nodelink_links", "nodelink_nodes", "write_nodelink_json"]

NODE_FIELDS = ("id", "labels")
LINK_FIELDS = ("source", "target", "type")


def nodelink_nodes(nodes: Iterable[Node], ids: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """The node objects of the document, one at a time (pass nodes in canonical order)."""
    for node in nodes:
        where = describe_node(node, ids)
        props = reserved_free(where, plain_properties(node, where), NODE_FIELDS, "node-link JSON")
        yield {"id": ids[node.element_id], "labels": ordered_labels(node), **props}


def nodelink_links(rels: Iterable[Relationship], ids: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """The link objects of the document, one at a time (pass relationships in canonical order)."""
    for rel in rels:
        where = describe_rel(rel, ids)
        props = reserved_free(where, plain_properties(rel, where), LINK_FIELDS, "node-link JSON")
        yield {"source": ids[rel.start_node.element_id],
               "target": ids[rel.end_node.element_id], "type": rel.type, **props}


def write_nodelink_json(subgraph: Subgraph, out: IO[str] | Path | str,
                        graph_attrs: dict[str, Any] | None = None) -> None:
    """Write pretty UTF-8 JSON (one space per level, properties sorted) so that exports diff
    cleanly: the bytes ``json.dump(data, indent=1)`` gives for the whole document, written
    one node or link at a time instead of from a document held in memory."""
    order = subgraph.canonical()
    nodes, rels, ids = order.nodes, order.relationships, order.ids
    head = _json({"directed": True, "multigraph": True, "graph": dict(graph_attrs or {})}, 0)
    with text_output(out) as fh:
        fh.write(head[:-2] + ',\n "nodes": ')  # the head object without its closing "\n}"
        _write_array(fh, nodelink_nodes(nodes, ids))
        fh.write(',\n "links": ')
        _write_array(fh, nodelink_links(rels, ids))
        fh.write("\n}\n")


def _json(value: Any, depth: int) -> str:
    """``value`` as ``json.dump(..., indent=1)`` writes it ``depth`` levels deep: every line after
    the first indented by ``depth`` more spaces (line breaks inside strings are escaped)."""
    text = json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False)
    return text.replace("\n", "\n" + " " * depth) if depth else text


def _write_array(fh: IO[str], items: Iterator[dict[str, Any]]) -> None:
    """A top-level member's array, item by item, as ``json.dump(..., indent=1)`` lays it out."""
    first = next(items, None)
    if first is None:
        fh.write("[]")
        return
    fh.write("[\n  " + _json(first, 2))
    for item in items:
        fh.write(",\n  " + _json(item, 2))
    fh.write("\n ]")


# --- reading ----------------------------------------------------------------------------------


NODE_STRUCTURE = set(NODE_FIELDS)
LINK_STRUCTURE = set(LINK_FIELDS)


def read_nodelink_json(path: Path | str) -> GraphBatch:
    path = Path(path)
    text = read_text(path)
    try:
        data = parse_json(text)
    except JsonError as exc:
        raise LoadError([f"{exc.place(str(path))}: {exc.message}"]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise LoadError([f"{path}: not node-link JSON (expected an object with a 'nodes' list)"])
    if isinstance(data, JsonObject) and data.duplicates:
        raise LoadError([f"{path}: the name {name!r} occurs twice in the top-level object"
                         for name in data.duplicates])
    links = data.get("links", data.get("edges", []))
    if not isinstance(links, list):
        raise LoadError([f"{path}: 'links' must be a list"])
    build = BatchBuilder(str(path))
    for index, item in enumerate(data["nodes"]):
        where = f"{path}: nodes[{index}]"
        if not _whole(build, item, where):
            continue
        if not isinstance(item, dict) or "id" not in item:
            build.problem(f"{where}: a node needs an 'id'")
            continue
        node_id = item["id"]
        if node_id is None or isinstance(node_id, bool):
            build.problem(f"{where}: a node's 'id' is {json.dumps(node_id)}; it needs a string or a number")
            continue
        labels = item.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            build.problem(f"{where} (id {node_id!r}): a node needs a non-empty 'labels' list of strings")
            continue
        props = {k: v for k, v in item.items() if k not in NODE_STRUCTURE}
        props.setdefault("key", str(node_id))
        build.add_node(_hashable(node_id), labels, props, where, shown_id=f"node id {node_id!r}")
    for index, item in enumerate(links):
        where = f"{path}: links[{index}]"
        if not _whole(build, item, where):
            continue
        if not isinstance(item, dict) or not item.keys() >= LINK_STRUCTURE:
            build.problem(f"{where}: a link needs 'source', 'target' and 'type'")
            continue
        if not isinstance(item["type"], str):
            build.problem(f"{where}: a link's 'type' must be a string, not {json.dumps(item['type'])}")
            continue
        start, end = (build.endpoint(_hashable(item[field]),
                                     f"{where}: {field} {item[field]!r} is not the id of any node")
                      for field in ("source", "target"))
        props = {k: v for k, v in item.items() if k not in LINK_STRUCTURE}
        if "key" in props and isinstance(props["key"], int) and not isinstance(props["key"], bool):
            props["key"] = str(props["key"])  # networkx's integer edge keys
        build.add_relationship(item["type"], start, end, props, where)
    return build.finish()


def _whole(build: BatchBuilder, item: Any, where: str) -> bool:
    """Whether the record is free of what no reader may pass on (see ``value_problems``)."""
    problems = value_problems(item)
    for problem in problems:
        build.problem(f"{where}: {problem}")
    return not problems


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value
