"""Reader for networkx node-link JSON (the format ``relgraph export --format json`` writes).

Accepts both ``links`` and ``edges`` as the edge list name, since networkx
changed its default between versions. Nodes need a ``labels`` list; a node's
``key`` property, or else its ``id``, becomes its key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.loaders.builder import BatchBuilder

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
    build = BatchBuilder(str(path))
    for index, item in enumerate(data["nodes"]):
        where = f"{path}: nodes[{index}]"
        if not isinstance(item, dict) or "id" not in item:
            build.problem(f"{where}: a node needs an 'id'")
            continue
        labels = item.get("labels")
        if not isinstance(labels, list) or not labels:
            build.problem(f"{where} (id {item['id']!r}): a node needs a non-empty 'labels' list")
            continue
        props = {k: v for k, v in item.items() if k not in NODE_STRUCTURE}
        props.setdefault("key", str(item["id"]))
        build.add_node(_hashable(item["id"]), [str(label) for label in labels], props, where,
                       shown_id=f"node id {item['id']!r}")
    for index, item in enumerate(links):
        where = f"{path}: links[{index}]"
        if not isinstance(item, dict) or not item.keys() >= LINK_STRUCTURE:
            build.problem(f"{where}: a link needs 'source', 'target' and 'type'")
            continue
        start, end = (build.endpoint(_hashable(item[field]),
                                     f"{where}: {field} {item[field]!r} is not the id of any node")
                      for field in ("source", "target"))
        props = {k: v for k, v in item.items() if k not in LINK_STRUCTURE}
        if "key" in props and not isinstance(props["key"], str):
            props["key"] = str(props["key"])
        build.add_relationship(str(item["type"]), start, end, props, where)
    return build.finish()


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value
