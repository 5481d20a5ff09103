"""JSON lines as ``apoc.export.json`` writes them, so that ``apoc.import.json`` reads them,
and read back from relgraph's files and APOC's.

One object per line, nodes first, then relationships, in canonical order::

    {"type":"node","id":"seoul","labels":["City"],"properties":{"key":"seoul",...}}
    {"type":"relationship","id":"seoul-sister_city_of-tashkent","label":"SISTER_CITY_OF",
     "properties":{...},"start":{"id":"seoul","labels":["City"]},"end":{"id":"tashkent","labels":["City"]}}

That is APOC's shape with ``writeNodeProperties: false`` (endpoints by id and
labels only; APOC's importer looks nodes up by those). Ids are the export ids
(keys) rather than Neo4j's internal ids, so the file is the same from either
backend. Unlike node-link JSON, properties are nested, so any property name
(``id``, ``labels``, ``type``...) is fine. Values keep their JSON types; lists stay
lists.

APOC's importer needs a uniqueness constraint on ``neo4jImportId`` for every label
in the file and stores each id in that property (see docs/export.md).

The reader takes relationships' endpoints by ``id``, wherever in the file the node is
(APOC writes nodes first, but nothing depends on it). Node properties that APOC
repeats inside ``start``/``end`` are ignored. The node's ``key`` property, or else
its ``id``, becomes its key. Blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from relgraph.graph.formats.reading import BatchBuilder, JsonError, parse_json, read_text, value_problems
from relgraph.graph.formats.types import json_text, plain_properties
from relgraph.graph.formats.writing import describe_node, describe_rel, text_output
from relgraph.graph.values.model import GraphBatch, NodeKey
from relgraph.graph.values.subgraph import Subgraph, ordered_labels

# --- writing ----------------------------------------------------------------------------------


def _line(record: dict[str, Any]) -> str:
    return json_text(record) + "\n"


def jsonl_lines(subgraph: Subgraph) -> Iterator[str]:
    """The lines of the export, each ending in a newline, made one at a time as they are written."""
    order = subgraph.canonical()
    nodes, rels, ids, rel_ids = order.nodes, order.relationships, order.ids, order.rel_ids
    for node in nodes:
        yield _line({"type": "node", "id": ids[node.element_id], "labels": ordered_labels(node),
                     "properties": plain_properties(node, describe_node(node, ids))})
    for rel in rels:
        start, end = rel.start_node, rel.end_node
        yield _line({
            "type": "relationship", "id": rel_ids[rel.element_id], "label": rel.type,
            "properties": plain_properties(rel, describe_rel(rel, ids)),
            "start": {"id": ids[start.element_id], "labels": ordered_labels(start)},
            "end": {"id": ids[end.element_id], "labels": ordered_labels(end)},
        })


def write_jsonl(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write ``subgraph`` as APOC-style JSON lines to a path (atomically) or a text stream."""
    with text_output(out) as fh:
        fh.writelines(jsonl_lines(subgraph))


# --- reading ----------------------------------------------------------------------------------


def _id(value: Any) -> str | None:
    """Ids are strings in relgraph's and APOC's files; accept integers as their text."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value)


def read_jsonl(path: Path | str) -> GraphBatch:
    """Read a JSON lines file into a batch; LoadError names file and line of every problem."""
    path = Path(path)
    text = read_text(path)
    problems: list[str] = []
    node_lines: list[tuple[str, dict[str, Any]]] = []
    rel_lines: list[tuple[str, dict[str, Any]]] = []
    # Lines end at "\n" only: str.splitlines would also split at U+2028, U+2029, U+0085 and
    # the other breaks JSON strings may hold as they are (the writer keeps them unescaped).
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = parse_json(line)
        except JsonError as exc:
            column = f":{exc.column}" if exc.column else ""  # the line is this one
            problems.append(f"{where}{column}: {exc.message}")
            continue
        found = value_problems(record)
        if found:
            problems.extend(f"{where}: {problem}" for problem in found)
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
                    record = parse_json(line)
                    return isinstance(record, dict) and record.get("type") in ("node", "relationship")
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return False
