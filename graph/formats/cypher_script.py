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
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from relgraph.graph.cypher.statements import ScriptSyntaxError, split_statements
from relgraph.graph.formats.reading import read_text
from relgraph.graph.formats.types import plain_properties
from relgraph.graph.formats.writing import describe_node, describe_rel, text_output
from relgraph.graph.values.entities import Node, Relationship
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


def _batches(rows: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start:start + BATCH_SIZE]


def _unwind(rows: Iterable[str]) -> str:
    return "UNWIND [\n" + ",\n".join(f"  {row}" for row in rows) + "\n] AS row\n"


def cypher_statements(subgraph: Subgraph) -> list[str]:
    """The statements of the script (without semicolons), constraints first."""
    return list(iter_cypher_statements(subgraph))


def iter_cypher_statements(subgraph: Subgraph) -> Iterator[str]:
    """The statements of :func:`cypher_statements` one at a time, each made when it is asked for.

    Statements group nodes by merge label and relationships by (start label, type, end label)
    across the whole subgraph, so a first pass notes only which group each element is in
    (its position, not its text); each batch's rows are converted when it is written.
    """
    order = subgraph.canonical()
    nodes, rels, ids = order.nodes, order.relationships, order.ids
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
    for label in sorted(set(on.values())):
        yield f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{name(label)}) REQUIRE n.key IS UNIQUE"

    node_groups: dict[tuple[str, tuple[str, ...]], array[int]] = {}
    for index, node in enumerate(nodes):
        label = on[node.element_id]
        node_groups.setdefault((label, tuple(sorted(node.labels - {label}))), array("q")).append(index)
    for (label, others), members in sorted(node_groups.items()):
        extra = "".join(f", n:{name(other)}" for other in others)
        for batch in _batches(members):
            rows = (f"{{properties: {literal(_properties(node, describe_node(node, ids)))}}}"
                    for node in nodes.at(batch))
            yield (_unwind(rows) + f"MERGE (n:{name(label)} {{key: row.properties.key}})\n"
                   f"SET n += row.properties{extra}")

    rel_groups: dict[tuple[str, str, str], array[int]] = {}
    for index, rel in enumerate(rels):
        group = (on[rel.start_node.element_id], rel.type, on[rel.end_node.element_id])
        rel_groups.setdefault(group, array("q")).append(index)
    for (start_label, rel_type, end_label), members in sorted(rel_groups.items()):
        for batch in _batches(members):
            yield (_unwind(_rel_row(rel, ids) for rel in rels.at(batch))
                   + f"MATCH (a:{name(start_label)} {{key: row.start}})\n"
                   + f"MATCH (b:{name(end_label)} {{key: row.end}})\n"
                   + f"MERGE (a)-[r:{name(rel_type)} {{key: row.properties.key}}]->(b)\n"
                   + "SET r += row.properties")


def _properties(entity: Node | Relationship, where: str) -> dict[str, Any]:
    return plain_properties(entity, where, temporal=True)


def _rel_row(rel: Relationship, ids: dict[str, str]) -> str:
    props = _properties(rel, describe_rel(rel, ids))
    return (f"{{start: {literal(rel.start_node['key'])}, end: {literal(rel.end_node['key'])}, "
            f"properties: {literal(props)}}}")


def write_cypher_script(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write the script to a path (atomically) or a text stream, one statement at a time."""
    header = (
        f"// relgraph export: {len(subgraph.nodes)} nodes and {len(subgraph.relationships)} relationships\n"
        "// as idempotent MERGE statements (nodes on label and key, relationships on start, type,\n"
        "// end and key): running the script again changes nothing. Constraints come first.\n"
        "// Run it with: cypher-shell -f FILE   or   relgraph load FILE\n"
    )
    with text_output(out) as fh:
        fh.write(header)
        fh.writelines(f"{statement};\n" for statement in iter_cypher_statements(subgraph))


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
