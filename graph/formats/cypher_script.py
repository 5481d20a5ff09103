"""A Cypher script of idempotent MERGE statements that recreates the subgraph.

It runs standalone: in ``cypher-shell -f graph.cypher`` against any Neo4j 5, or with
``relgraph load graph.cypher`` on either backend. So the data is inline as
literals, not parameters (cypher-shell scripts cannot carry parameter values).

Shape::

    CREATE CONSTRAINT IF NOT EXISTS FOR (n:City) REQUIRE n.key IS UNIQUE;
    ...
    UNWIND [
      {properties: {key: 'seoul', name: 'Seoul', ...}},
      ...
    ] AS row
    MERGE (n:City {key: row.properties.key})
    SET n += row.properties;
    ...
    UNWIND [
      {start: 'seoul', end: 'tashkent', properties: {key: 'seoul-sister_city_of-tashkent', ...}}
    ] AS row
    MATCH (a:City {key: row.start})
    MATCH (b:City {key: row.end})
    MERGE (a)-[r:SISTER_CITY_OF {key: row.properties.key}]->(b)
    SET r += row.properties;

Nodes merge on one label and ``key``, relationships on (start, type, end, ``key``),
the identity rules of docs/schema.md, so running the script twice leaves the
same graph and parallel relationships stay apart. Properties are added or
updated, never removed, as ``relgraph load`` does.

Which label a node merges on: its primary label (the first of
:func:`~relgraph.graph.values.subgraph.ordered_labels`) when its keys are unique in the
subgraph, else its most common such label in the subgraph, ties alphabetically. Each
such label gets a uniqueness constraint, created first: it makes MERGE an index lookup
and guards the identity rule.

Nodes and relationships without a ``key`` (made ad hoc with Cypher) have no
identity to merge on; they are refused with a clear error.

Temporal values keep their type: they are written as calls of Cypher's temporal
functions on their ISO text (``date('1394-10-28')``, ``datetime('2024-06-14T09:30+05:00')``,
``duration('P1Y2M')``...), lists of them as lists of calls. Both Neo4j and relgraph's
engine parse that text back to the same value, named time zones and nanoseconds included.

Reading Cypher scripts (``relgraph export --format cypher``, or hand-written) for loading.

A script is not data but statements, so it does not become a GraphBatch: the store
runs it (``GraphStore.run_script``), all data statements in one transaction. This
module reads and splits the files and keeps where each statement starts, so that a
failing statement is reported as ``file:line``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from relgraph.graph.cypher.statements import ScriptSyntaxError, split_statements
from relgraph.graph.formats.reading import read_text
from relgraph.graph.formats.types import plain_properties
from relgraph.graph.formats.writing import describe_node, describe_rel, text_output
from relgraph.graph.values.entities import Node
from relgraph.graph.values.errors import ExportError, LoadError
from relgraph.graph.values.subgraph import Subgraph, ordered_labels
from relgraph.graph.values.temporal import TemporalValue

# --- writing ----------------------------------------------------------------------------------


BATCH_SIZE = 500
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def name(text: str) -> str:
    """A label, type or property name, backtick-quoted when it is not a plain identifier."""
    return text if _PLAIN_NAME.match(text) else "`" + text.replace("`", "``") + "`"


_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def literal(value: Any) -> str:
    """A Cypher literal for a model value; text stays UTF-8, control characters are escaped.

    A temporal value is not a literal in Cypher but the call that makes it from its ISO text
    (``date('2024-06-14')``): the function is named after the type, in lower case.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text.replace("e+", "e")  # 1e+20 -> 1e20: Cypher's exponent takes no plus sign
    if isinstance(value, str):
        out = []
        for c in value:
            if c in _ESCAPES:
                out.append(_ESCAPES[c])
            elif ord(c) < 0x20 or c in "\u2028\u2029":
                out.append(f"\\u{ord(c):04x}")
            else:
                out.append(c)
        return "'" + "".join(out) + "'"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{name(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, TemporalValue):
        return f"{value.type_name.lower()}({literal(value.iso())})"
    raise ExportError(f"cannot write {value!r} as a Cypher literal")


def merge_labels(nodes: Sequence[Node]) -> dict[str, str]:
    """element id -> the label each node merges on (see the module docstring)."""
    counts: Counter[str] = Counter(label for node in nodes for label in node.labels)
    keys_per_label: dict[str, Counter[Any]] = {}
    for node in nodes:
        for label in node.labels:
            keys_per_label.setdefault(label, Counter())[node.get("key")] += 1
    keyed = {label for label, keys in keys_per_label.items() if max(keys.values()) == 1}
    chosen = {}
    for node in nodes:
        primary = ordered_labels(node)[0]
        candidates = sorted(node.labels, key=lambda label: (label != primary, -counts[label], label))
        usable = [label for label in candidates if label in keyed]
        # A label shared by two nodes with one key cannot identify either; the store's own
        # identity rule (primary label, key) guarantees at least one usable label per node.
        chosen[node.element_id] = (usable or candidates)[0]
    return chosen


def _batches(rows: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start:start + BATCH_SIZE]


def _unwind(rows: list[str]) -> str:
    return "UNWIND [\n" + ",\n".join(f"  {row}" for row in rows) + "\n] AS row\n"


def cypher_statements(subgraph: Subgraph) -> list[str]:
    """The statements of the script (without semicolons), constraints first."""
    nodes, rels, ids = subgraph.ordered()
    for node in nodes:
        if not isinstance(node.get("key"), str):
            raise ExportError(f"{describe_node(node, ids)} has no string 'key' property, so the Cypher "
                              "script has nothing to MERGE it on; give it one (SET n.key = ...) or "
                              "export another format")
    for rel in rels:
        if not isinstance(rel.get("key"), str):
            raise ExportError(f"{describe_rel(rel, ids)} has no string 'key' property, so the Cypher "
                              "script cannot tell it from a parallel one; give it a key or export "
                              "another format")
    on = merge_labels(nodes)
    statements = [f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{name(label)}) REQUIRE n.key IS UNIQUE"
                  for label in sorted(set(on.values()))]

    node_groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for node in nodes:
        label = on[node.element_id]
        others = tuple(sorted(node.labels - {label}))
        props = plain_properties(node, describe_node(node, ids), temporal=True)
        node_groups.setdefault((label, others), []).append(f"{{properties: {literal(props)}}}")
    for (label, others), rows in sorted(node_groups.items()):
        extra = "".join(f", n:{name(other)}" for other in others)
        for batch in _batches(rows):
            statements.append(_unwind(batch) + f"MERGE (n:{name(label)} {{key: row.properties.key}})\n"
                              f"SET n += row.properties{extra}")

    rel_groups: dict[tuple[str, str, str], list[str]] = {}
    for rel in rels:
        start, end = rel.start_node, rel.end_node
        group = (on[start.element_id], rel.type, on[end.element_id])
        props = plain_properties(rel, describe_rel(rel, ids), temporal=True)
        rel_groups.setdefault(group, []).append(
            f"{{start: {literal(start['key'])}, end: {literal(end['key'])}, properties: {literal(props)}}}")
    for (start_label, rel_type, end_label), rows in sorted(rel_groups.items()):
        for batch in _batches(rows):
            statements.append(_unwind(batch)
                              + f"MATCH (a:{name(start_label)} {{key: row.start}})\n"
                              + f"MATCH (b:{name(end_label)} {{key: row.end}})\n"
                              + f"MERGE (a)-[r:{name(rel_type)} {{key: row.properties.key}}]->(b)\n"
                              + "SET r += row.properties")
    return statements


def write_cypher_script(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write the script to a path (atomically) or a text stream."""
    statements = cypher_statements(subgraph)
    header = (
        f"// relgraph export: {len(subgraph.nodes)} nodes and {len(subgraph.relationships)} relationships\n"
        "// as idempotent MERGE statements (nodes on label and key, relationships on start, type,\n"
        "// end and key): running the script again changes nothing. Constraints come first.\n"
        "// Run it with: cypher-shell -f FILE   or   relgraph load FILE\n"
    )
    with text_output(out) as fh:
        fh.write(header + "".join(f"{statement};\n" for statement in statements))


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScriptStatement:
    text: str
    origin: str  # "file:line"


def read_cypher_script(path: Path | str) -> list[ScriptStatement]:
    """The statements of one script, each with its file and line; LoadError when the file cannot
    be read or split, or holds no statement."""
    path = Path(path)
    try:
        found = split_statements(read_text(path))
    except ScriptSyntaxError as exc:
        raise LoadError([f"{path}: {exc}"]) from exc
    if not found:
        raise LoadError([f"{path}: no statements"])
    return [ScriptStatement(s.text, f"{path}:{s.line}") for s in found]


def read_cypher_scripts(paths: Iterable[Path | str]) -> list[ScriptStatement]:
    """Every statement of every script, in order; one LoadError listing the problems of all."""
    statements: list[ScriptStatement] = []
    problems: list[str] = []
    for path in paths:
        try:
            statements.extend(read_cypher_script(path))
        except LoadError as exc:
            problems.extend(exc.problems)
    if problems:
        raise LoadError(problems)
    return statements
