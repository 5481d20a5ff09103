"""Reader for JSON lines as ``relgraph export --format jsonl`` and ``apoc.export.json`` write them.

Each line is one object: ``{"type": "node", "id", "labels", "properties"}`` or
``{"type": "relationship", "id", "label", "properties", "start": {"id", ...},
"end": {"id", ...}}``. Relationships refer to nodes by ``id``, wherever in the file
the node is (APOC writes nodes first, but nothing depends on it). Node properties
that APOC repeats inside ``start``/``end`` are ignored. The node's ``key``
property, or else its ``id``, becomes its key. Blank lines are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch, NodeKey
from relgraph.loaders.builder import BatchBuilder


def _id(value: Any) -> str | None:
    """Ids are strings in relgraph's and APOC's files; accept integers as their text."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value)


def read_jsonl(path: Path | str) -> GraphBatch:
    """Read a JSON lines file into a batch; LoadError names file and line of every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([f"{path}: not UTF-8 text ({exc.reason})"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc
    problems: list[str] = []
    node_lines: list[tuple[str, dict[str, Any]]] = []
    rel_lines: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}:{exc.colno}: invalid JSON: {exc.msg}")
            continue
        kind = record.get("type") if isinstance(record, dict) else None
        if kind == "node":
            node_lines.append((where, record))
        elif kind == "relationship":
            rel_lines.append((where, record))
        else:
            problems.append(f"{where}: expected an object with \"type\": \"node\" or \"relationship\"")
    build = BatchBuilder(str(path), problems)
    for where, record in node_lines:
        node_id = _id(record.get("id"))
        if node_id is None:
            build.problem(f"{where}: a node needs an \"id\" (string)")
            continue
        labels = record.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            build.problem(f"{where}: node {node_id!r} needs a non-empty \"labels\" list of strings")
            continue
        props = record.get("properties", {})
        if not isinstance(props, dict):
            build.problem(f"{where}: \"properties\" must be an object")
            continue
        build.add_node(node_id, labels, props, where)
    for where, record in rel_lines:
        rel_type = record.get("label")
        if not isinstance(rel_type, str) or not rel_type:
            build.problem(f"{where}: a relationship needs a \"label\" (its type)")
            continue
        ends: list[NodeKey | None] = []
        for end in ("start", "end"):
            value = record.get(end)
            shown = value.get("id") if isinstance(value, dict) else value
            end_id = _id(shown) if isinstance(value, dict) else None
            ends.append(build.endpoint(end_id, f"{where}: {end} {shown!r} is not the id of any node"))
        props = record.get("properties", {})
        if not isinstance(props, dict):
            build.problem(f"{where}: \"properties\" must be an object")
            continue
        build.add_relationship(rel_type, ends[0], ends[1], props, where)
    return build.finish()


def looks_like_jsonl(path: Path) -> bool:
    """True when the first non-blank line is an APOC-style record: apoc.export.json names its
    JSON lines files ``.json``, so ``relgraph load`` sniffs before choosing a reader."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    return isinstance(record, dict) and record.get("type") in ("node", "relationship")
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return False
