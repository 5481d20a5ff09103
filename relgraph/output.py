"""Printing query results: an aligned table for people, JSON, JSON lines and CSV for programs.

Graph values print readably: in tables as ``(Islam Karimov:Person)`` and
``[:HELD_OFFICE]``; in JSON as objects with labels or type and properties.
Element ids are left out on purpose: they differ between backends, and output
must not depend on which backend answered.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Sequence
from typing import Any, TextIO

from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.jsonable import to_json
from relgraph.graph.values.result import Result

FORMATS = ("table", "json", "jsonl", "csv")
MIN_COLUMN = 12
ELLIPSIS = "…"


def to_text(value: Any) -> str:
    """One table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Node):
        label = ":".join(sorted(value.labels))
        name = value.get("name", value.get("key"))
        return f"({name}:{label})" if name is not None else f"(:{label})"
    if isinstance(value, Relationship):
        return f"[:{value.type}]"
    if isinstance(value, Path):
        parts = [to_text(value.nodes[0])]
        for i, rel in enumerate(value.relationships):
            forward = rel.start_node == value.nodes[i]
            parts.append(f"-[:{rel.type}]->" if forward else f"<-[:{rel.type}]-")
            parts.append(to_text(value.nodes[i + 1]))
        return "".join(parts)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {to_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return str(value)


def _fit(widths: list[int], total: int) -> list[int]:
    """Narrow the table to ``total`` characters, cutting the longest column first.

    The longest column is usually free text (a quote) that no width shows whole,
    while the short ones (names, years) identify the row: so the longest column
    gives up all it can (down to ``MIN_COLUMN``) before the next longest is
    touched. Cutting every column a little would leave all of them unreadable.
    Ties go to the rightmost column, where tables keep their least telling values.
    """
    widths = list(widths)
    over = sum(widths) + 2 * (len(widths) - 1) - total
    for i in sorted(range(len(widths)), key=lambda i: (-widths[i], -i)):
        if over <= 0:
            break
        cut = min(over, widths[i] - MIN_COLUMN)
        if cut > 0:
            widths[i] -= cut
            over -= cut
    return widths


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())  # a table row is one line
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def write_table(result: Result, out: TextIO, *, width: int | None = None) -> None:
    """Columns aligned; with a ``width`` (a terminal), long text is cut with an ellipsis."""
    keys = result.keys()
    rows = [[to_text(v) for v in record] for record in result]
    widths = [max([len(k), *(len(" ".join(r[i].split())) for r in rows)]) for i, k in enumerate(keys)]
    if width:
        widths = _fit(widths, width)
    print("  ".join(_cut(k, w).ljust(w) for k, w in zip(keys, widths)).rstrip(), file=out)
    print("  ".join("─" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(_cut(cell, w).ljust(w) for cell, w in zip(row, widths)).rstrip(), file=out)


def write_result(result: Result, fmt: str, out: TextIO, *, truncate: bool = True) -> None:
    if fmt == "table":
        width = shutil.get_terminal_size((120, 24)).columns if truncate and out.isatty() else None
        write_table(result, out, width=width)
    elif fmt == "json":
        json.dump([to_json(r.data()) for r in result], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for record in result:
            out.write(json.dumps(to_json(record.data()), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.keys())
        for record in result:
            writer.writerow([_csv_cell(v) for v in record])
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _csv_cell(value: Any) -> Any:
    if value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool)):
        return "" if value is None else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(to_json(value), ensure_ascii=False)


def summary_line(result: Result, elapsed: float) -> str:
    counters = result.summary.counters
    changes: Sequence[str] = [f"{name.replace('_', ' ')}: {getattr(counters, name)}"
                              for name in ("nodes_created", "nodes_deleted", "relationships_created",
                                           "relationships_deleted", "properties_set", "labels_added",
                                           "labels_removed") if getattr(counters, name)]
    rows = len(result)
    text = f"{rows} row{'s' if rows != 1 else ''} ({result.summary.backend}, {elapsed * 1000:.0f} ms)"
    return text + (f"; {', '.join(changes)}" if changes else "")


def warning_lines(result: Result, command: str) -> list[str]:
    """The result's notifications as the CLI prints them on stderr, one line each
    (``relgraph query: warning: ...``): a query that names a label the graph lacks still
    succeeds, so the warning is all that tells a typo from an empty answer."""
    return [f"relgraph {command}: warning: {note}" for note in result.notifications]
