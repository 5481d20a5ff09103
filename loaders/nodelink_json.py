"""Reader for networkx node-link JSON (the format ``relgraph export --format json`` writes).

Accepts both ``links`` and ``edges`` as the edge list name, since networkx
changed its default between versions. Nodes need a ``labels`` list; a node's
``key`` property, or else its ``id``, becomes its key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from relgraph.graph.model import (
    GraphBatch,
    LoadError,
    ModelError,
    NodeRef,
    NodeSpec,
    RelKeys,
    RelSpec,
)

NODE_STRUCTURE = {"id", "labels"}
LINK_STRUCTURE = {"source", "target", "type"}


def read_nodelink_json(path: Path | str) -> GraphBatch:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LoadError([f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"]) from exc
    except UnicodeDecodeError as exc:
        raise LoadError([f"{path}: not UTF-8 text ({exc.reason})"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise LoadError([f"{path}: not node-link JSON (expected an object with a 'nodes' list)"])
    links = data.get("links", data.get("edges", []))
    if not isinstance(links, list):
        raise LoadError([f"{path}: 'links' must be a list"])
    batch = GraphBatch(source=str(path))
    problems: list[str] = []
    refs: dict[Any, NodeRef] = {}
    for index, item in enumerate(data["nodes"]):
        where = f"{path}: nodes[{index}]"
        if not isinstance(item, dict) or "id" not in item:
            problems.append(f"{where}: a node needs an 'id'")
            continue
        labels = item.get("labels")
        if not isinstance(labels, list) or not labels:
            problems.append(f"{where} (id {item['id']!r}): a node needs a non-empty 'labels' list")
            continue
        props = {k: v for k, v in item.items() if k not in NODE_STRUCTURE}
        props.setdefault("key", str(item["id"]))
        try:
            spec = NodeSpec([str(label) for label in labels], props, origin=where)
        except ModelError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if _hashable(item["id"]) in refs:
            problems.append(f"{where}: duplicate node id {item['id']!r}")
            continue
        refs[_hashable(item["id"])] = spec.ref
        batch.nodes.append(spec)
    keys = RelKeys()
    for index, item in enumerate(links):
        where = f"{path}: links[{index}]"
        if not isinstance(item, dict) or not item.keys() >= LINK_STRUCTURE:
            problems.append(f"{where}: a link needs 'source', 'target' and 'type'")
            continue
        ends = []
        for field in ("source", "target"):
            ref = refs.get(_hashable(item[field]))
            if ref is None:
                problems.append(f"{where}: {field} {item[field]!r} is not the id of any node")
            ends.append(ref)
        if None in ends:
            continue
        start, end = ends
        props = {k: v for k, v in item.items() if k not in LINK_STRUCTURE}
        if "key" not in props:
            props["key"] = keys(start, str(item["type"]), end)
        elif not isinstance(props["key"], str):
            props["key"] = str(props["key"])
        try:
            batch.relationships.append(RelSpec(str(item["type"]), start, end, props, origin=where))  # type: ignore[arg-type]
        except ModelError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise LoadError(problems)
    batch.validate()
    return batch


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value
