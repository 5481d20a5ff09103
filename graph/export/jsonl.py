"""JSON lines as ``apoc.export.json`` writes them, so that ``apoc.import.json`` reads them.

One object per line, nodes first, then relationships, in canonical order::

    {"type":"node","id":"seoul","labels":["City"],"properties":{"key":"seoul",...}}
    {"type":"relationship","id":"seoul-sister_city_of-tashkent","label":"SISTER_CITY_OF",
     "properties":{...},"start":{"id":"seoul","labels":["City"]},"end":{"id":"tashkent","labels":["City"]}}

That is APOC's shape with ``writeNodeProperties: false`` (endpoints by id and
labels only; APOC's importer looks nodes up by those). Ids are the export ids
(keys) rather than Neo4j's internal ids, so the file is the same from either
backend. Unlike node-link JSON, properties are nested, so any property name
(``id``, ``labels``, ``type``...) is fine. Values keep their JSON types; lists stay
lists. ``relgraph load`` reads it back (loaders/jsonl.py).

APOC's importer needs a uniqueness constraint on ``neo4jImportId`` for every label
in the file and stores each id in that property (see docs/export.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from relgraph.graph.export.atomic import text_output
from relgraph.graph.export.common import describe_node, describe_rel, plain_properties
from relgraph.graph.values.subgraph import Subgraph, sorted_labels


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def jsonl_lines(subgraph: Subgraph) -> list[str]:
    """The lines of the export, each ending in a newline."""
    nodes, rels, ids = subgraph.ordered()
    rel_ids = subgraph.relationship_ids(rels, ids)
    lines = []
    for node in nodes:
        lines.append(_line({"type": "node", "id": ids[node.element_id], "labels": sorted_labels(node),
                            "properties": plain_properties(node, describe_node(node, ids))}))
    for rel in rels:
        start, end = rel.start_node, rel.end_node
        lines.append(_line({
            "type": "relationship", "id": rel_ids[rel.element_id], "label": rel.type,
            "properties": plain_properties(rel, describe_rel(rel, ids)),
            "start": {"id": ids[start.element_id], "labels": sorted_labels(start)},
            "end": {"id": ids[end.element_id], "labels": sorted_labels(end)},
        }))
    return lines


def write_jsonl(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write ``subgraph`` as APOC-style JSON lines to a path (atomically) or a text stream."""
    lines = jsonl_lines(subgraph)
    with text_output(out) as fh:
        fh.writelines(lines)
