"""Canonical text for answers of either backend, and the comparison of two answers.

Both backends' values are rendered to one string each (:func:`canonical`) so that rows
compare as tuples of strings and multisets as sorted lists. The rendering keeps what Neo4j
distinguishes (integer vs float, list vs map, a date vs its text) and drops what it does
not promise (element ids, the order of labels and map keys). Floats are compared to twelve
significant digits: a sum or an average over the same values in another order may differ in
the last bits on Java and on Python, and that is not a difference anyone would report.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import neo4j.graph
import neo4j.spatial
import neo4j.time

from relgraph.graph.backends.neo4j.conversion import native_value
from relgraph.graph.values.temporal import TemporalValue

#: element id -> canonical node text, for a relationship whose endpoints the driver sent bare.
NodeTexts = dict[str, str]


def _float(f: float) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0.0"
    return repr(float(f"{f:.12g}"))  # Python's repr of a float always shows it is one


def _string(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _props(props: dict[str, Any], nodes: NodeTexts) -> str:
    if not props:
        return ""
    return " {" + ", ".join(f"{k}: {canonical(v, nodes)}" for k, v in sorted(props.items())) + "}"


def node_text(node: Any, nodes: NodeTexts | None = None) -> str:
    """A node by content: sorted labels and properties."""
    nodes = nodes or {}
    if not node.labels and not len(node) and node.element_id in nodes:
        return nodes[node.element_id]  # the driver sent the endpoint without its content
    labels = "".join(f":{label}" for label in sorted(node.labels))
    return "(" + labels + _props(dict(node.items()), nodes) + ")"


def rel_text(rel: Any, nodes: NodeTexts | None = None) -> str:
    """A relationship by content, endpoints included (ids differ between backends)."""
    nodes = nodes or {}
    body = f"[:{rel.type}{_props(dict(rel.items()), nodes)}]"
    return f"{node_text(rel.start_node, nodes)}-{body}->{node_text(rel.end_node, nodes)}"


def _path_text(path: Any, nodes: NodeTexts) -> str:
    members = list(path.nodes)
    out = [node_text(members[0], nodes)]
    for i, rel in enumerate(path.relationships):
        body = f"[:{rel.type}{_props(dict(rel.items()), nodes)}]"
        forward = rel.start_node.element_id == members[i].element_id
        out.append(f"-{body}->" if forward else f"<-{body}-")
        out.append(node_text(members[i + 1], nodes))
    return "<" + "".join(out) + ">"


def canonical(v: Any, nodes: NodeTexts | None = None) -> str:
    """One string per value; equal strings for values Neo4j would call equal and of one type."""
    nodes = nodes if nodes is not None else {}
    if isinstance(v, neo4j.time.Date | neo4j.time.DateTime | neo4j.time.Time | neo4j.time.Duration):
        v = native_value(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, neo4j.spatial.Point) or hasattr(v, "srid"):
        coords = v.coords if hasattr(v, "coords") else v  # relgraph's Point, or the driver's (a tuple)
        return f"point({getattr(v, 'srid', '?')}, {', '.join(_float(float(c)) for c in coords)})"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(canonical(x, nodes) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {canonical(x, nodes)}" for k, x in sorted(v.items())) + "}"
    if isinstance(v, TemporalValue):
        return f"{type(v).__name__}({v})"
    if isinstance(v, neo4j.graph.Path) or (hasattr(v, "relationships") and hasattr(v, "nodes")):
        return _path_text(v, nodes)
    if hasattr(v, "labels"):
        return node_text(v, nodes)
    if hasattr(v, "start_node"):
        return rel_text(v, nodes)
    return f"<{type(v).__name__}: {v!r}>"


@dataclass
class Answer:
    """What one backend made of one case: columns and rows (canonical), or an error; the graph
    after a write (canonical multiset, sorted)."""

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    error: str | None = None
    crash: bool = False  # the engine raised something that is not a CypherError: a bug
    graph: list[str] | None = None

    def show(self) -> str:
        if self.error is not None:
            return ("CRASH " if self.crash else "error ") + self.error
        lines = [f"columns {self.columns}"] + [f"  {', '.join(row)}" for row in self.rows[:20]]
        if len(self.rows) > 20:
            lines.append(f"  ... {len(self.rows)} rows")
        if self.graph is not None:
            more = " ..." if len(self.graph) > 30 else ""
            lines.append("graph after: " + "; ".join(self.graph[:30]) + more)
        return "\n".join(lines)


def rows_of(raw: Sequence[Sequence[Any]], nodes: NodeTexts | None = None) -> list[tuple[str, ...]]:
    return [tuple(canonical(v, nodes) for v in row) for row in raw]


_ORDER_ITEM = re.compile(r"\s+(?:ASC|ASCENDING|DESC|DESCENDING)\s*$", re.IGNORECASE)


def order_keys(query: str, columns: list[str]) -> list[int] | None:
    """The columns the final ``RETURN ... ORDER BY`` sorts on, when each key is a returned column
    (by name or by its expression text); ``[]`` when the order is not fixed; None when it is fixed
    by keys that are not columns (then rows compare as a strict sequence)."""
    tail = re.split(r"\bRETURN\b", _top_level(query), flags=re.IGNORECASE)[-1]
    match = re.search(r"\bORDER\s+BY\b(.*?)(?:\bSKIP\b|\bOFFSET\b|\bLIMIT\b|$)", tail,
                      re.IGNORECASE | re.DOTALL)
    if not match:
        return []
    keys = []
    for item in _split_top(match.group(1)):
        name = _ORDER_ITEM.sub("", item.strip()).strip()
        if name.startswith("`") and name.endswith("`"):
            name = name[1:-1]
        if name not in columns:
            return None
        keys.append(columns.index(name))
    return keys


def _top_level(query: str) -> str:
    """The query with what is inside braces blanked out: a subquery's RETURN ... ORDER BY is not
    the query's."""
    out, depth, quote = [], 0, ""
    for c in query:
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"`":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            out.append(" ")
            continue
        out.append(c if depth == 0 else " ")
    return "".join(out)


def _split_top(text: str) -> list[str]:
    """Comma-separated items, not splitting inside brackets or strings."""
    items, depth, quote, start = [], 0, "", 0
    for i, c in enumerate(text):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return items


Row = tuple[str, ...]

_INTEGRAL_FLOAT = re.compile(r"-?\d+\.0")


def _tie(cell: str) -> str:
    """A sort key's text as ORDER BY compares it: 2 and 2.0 tie."""
    return cell[:-2] if _INTEGRAL_FLOAT.fullmatch(cell) else cell


def _runs(rows: list[Row], keys: list[int]) -> list[tuple[Row, list[Row]]]:
    """Consecutive rows equal in the sort keys, each run as a sorted list (ties in any order)."""
    out: list[tuple[Row, list[Row]]] = []
    for row in rows:
        key = tuple(_tie(row[k]) for k in keys)
        if out and out[-1][0] == key:
            out[-1][1].append(row)
        else:
            out.append((key, [row]))
    return [(key, sorted(run)) for key, run in out]


def differ(emb: Answer, neo: Answer, ordered: bool | list[str] | None, query: str) -> str | None:
    """Why the two answers differ (a short phrase), or None when they agree."""
    if emb.crash:
        return "the engine crashed"
    if (emb.error is None) != (neo.error is None):
        return "only the engine fails" if emb.error is not None else "only Neo4j fails"
    if emb.error is not None:
        return None
    if emb.columns != neo.columns:
        return "column names"
    if len(emb.rows) != len(neo.rows):
        return "row count"
    same: Callable[[list[tuple[str, ...]], list[tuple[str, ...]]], bool]
    if ordered is False:
        keys: list[int] | None = []
    elif ordered is True:
        keys = None
    elif isinstance(ordered, list):
        keys = [neo.columns.index(c) for c in ordered]
    else:
        keys = order_keys(query, neo.columns)
    if keys is None:
        same = lambda a, b: a == b  # noqa: E731
    elif not keys:
        same = lambda a, b: Counter(a) == Counter(b)  # noqa: E731
    else:
        ks = keys
        same = lambda a, b: _runs(a, ks) == _runs(b, ks)  # noqa: E731
    if not same(emb.rows, neo.rows):
        return "rows" if Counter(emb.rows) != Counter(neo.rows) else "row order"
    if emb.graph != neo.graph:
        return "graph after the write"
    return None
