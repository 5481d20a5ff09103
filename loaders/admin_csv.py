"""Reader for CSV files in the neo4j-admin import convention.

Node files have an ``:ID`` column (optionally named, ``key:ID``, and optionally
in an ID space, ``:ID(Person)``), a ``:LABEL`` column (labels separated by
``;``) and typed property columns (``year:int``, ``aliases:string[]``,
``founded:date``, ``at:datetime[]``). Temporal columns become the embedded engine's
temporal values, parsed as Cypher (and neo4j-admin) parse them; a time or
date-time without an offset is in UTC, neo4j-admin's default.
Relationship files have ``:START_ID``, ``:END_ID`` (with the same optional ID
spaces) and ``:TYPE``. Empty fields mean "no property", as in neo4j-admin.

The ID becomes the node's ``key``; a relationship's ``key`` column, when
present, names it, otherwise a stable key is derived. A file is recognised as a
node or a relationship file by its header, so names do not matter.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.loaders.builder import BatchBuilder
from relgraph.loaders.typed_text import (
    INTEGER_TYPES,
    NUMBER_TYPES,
    TEMPORAL_TYPES,
    parse_typed,
)

ARRAY_DELIMITER = ";"
HEADER_RE = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+(?:\[\])?)(?:\((?P<space>[^)]*)\))?)?$")
TEXT_TYPES = {"string", "char", "point"}
GLOBAL_SPACE = ""


@dataclass
class Column:
    name: str  # property name, or "" for special columns without a name
    kind: str  # ID, START_ID, END_ID, TYPE, LABEL, IGNORE, or "property"
    type: str = "string"
    array: bool = False
    space: str = GLOBAL_SPACE


def parse_header(fields: list[str], where: str) -> list[Column]:
    columns = []
    for field in fields:
        match = HEADER_RE.match(field.strip())
        if not match:
            raise LoadError([f"{where}: cannot read header field {field!r}"])
        name, ctype, space = match["name"], match["type"], match["space"]
        upper = (ctype or "").upper()
        if upper in {"ID", "START_ID", "END_ID"}:
            columns.append(Column(name, upper, space=space or GLOBAL_SPACE))
        elif upper in {"TYPE", "LABEL", "IGNORE"}:
            columns.append(Column(name, upper))
        else:
            if not name:
                raise LoadError([f"{where}: header field {field!r} has no property name"])
            base = (ctype or "string").lower()
            array = base.endswith("[]")
            base = base.removesuffix("[]")
            if base not in INTEGER_TYPES | NUMBER_TYPES | TEMPORAL_TYPES | TEXT_TYPES | {"boolean"}:
                raise LoadError([f"{where}: unknown column type {ctype!r} in {field!r}"])
            columns.append(Column(name, "property", base, array))
    return columns


def convert(value: str, column: Column) -> Any:
    """One field to a Python value; ValueError naming the column if it does not fit."""
    items = value.split(ARRAY_DELIMITER) if column.array else [value]
    try:
        parsed = [parse_typed(item, column.type) for item in items]
    except ValueError as exc:
        raise ValueError(f"column {column.name}:{column.type}{'[]' if column.array else ''}: "
                         f"{exc}") from None
    return parsed if column.array else parsed[0]


@dataclass
class CsvFile:
    name: str  # for messages: path, or archive.zip/member.csv
    text: str


def _rows(csv_file: CsvFile) -> Iterator[tuple[int, list[str | None]]]:
    """Records with the line they start on; blank lines skipped."""
    for line, row in parse_csv(csv_file.text.lstrip("\ufeff")):
        if any(cell and cell.strip() for cell in row):
            yield line, row


def parse_csv(text: str) -> Iterator[tuple[int, list[str | None]]]:
    """RFC 4180 records, as Python's csv module reads them, except that an empty field
    is ``None`` when unquoted and ``""`` when quoted.

    neo4j-admin makes the same distinction: ``,,`` is "no property" and ``,"",`` an
    empty string (unless --ignore-empty-strings). The csv module cannot tell them
    apart, so exports with empty strings would not survive a round trip.
    """
    i, n, line = 0, len(text), 1
    while i < n:
        start_line = line
        row: list[str | None] = []
        while True:  # one field per turn
            if i < n and text[i] == '"':
                i += 1
                parts = []
                while i < n:
                    c = text[i]
                    if c == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            parts.append('"')
                            i += 2
                            continue
                        i += 1
                        break
                    if c == "\n":
                        line += 1
                    parts.append(c)
                    i += 1
                # like the csv module, keep text after a closing quote up to the delimiter
                while i < n and text[i] not in ",\r\n":
                    parts.append(text[i])
                    i += 1
                row.append("".join(parts))
            else:
                begin = i
                while i < n and text[i] not in ",\r\n":
                    i += 1
                row.append(text[begin:i] or None)
            if i < n and text[i] == ",":
                i += 1
                continue
            break
        if i < n and text[i] == "\r":
            i += 1
        if i < n and text[i] == "\n":
            i += 1
        line += 1
        if row != [None]:
            yield start_line, row


def collect_files(paths: Iterable[Path]) -> list[CsvFile]:
    """Expand folders and zip archives into the CSV files they hold, sorted by name."""
    files: list[CsvFile] = []
    for path in paths:
        if path.is_dir():
            members = sorted(path.glob("*.csv"))
            if not members:
                raise LoadError([f"{path}: no .csv files in this folder"])
            files.extend(CsvFile(str(p), _read_text(p)) for p in members)
        elif path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv"))
                    if not names:
                        raise LoadError([f"{path}: no .csv files in this archive"])
                    for name in names:
                        files.append(CsvFile(f"{path}/{name}", archive.read(name).decode("utf-8")))
            except (zipfile.BadZipFile, UnicodeDecodeError) as exc:
                raise LoadError([f"{path}: cannot read archive ({exc})"]) from exc
        else:
            files.append(CsvFile(str(path), _read_text(path)))
    return files


def _read_text(path: Path) -> str:
    """The file's text with line breaks as they are: a quoted field may hold a CRLF."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc


def read_admin_csv(paths: Iterable[Path | str]) -> GraphBatch:
    """Read node and relationship CSV files (files, folders or zips) into one batch."""
    files = collect_files(Path(p) for p in paths)
    build = BatchBuilder(", ".join(f.name for f in files))
    problems = build.problems
    rel_files = []
    for csv_file in files:
        rows = list(_rows(csv_file))
        if not rows:
            problems.append(f"{csv_file.name}: empty file (no header)")
            continue
        header = parse_header([cell or "" for cell in rows[0][1]], f"{csv_file.name}:{rows[0][0]}")
        kinds = {c.kind for c in header}
        if "ID" in kinds:
            _read_nodes(csv_file, header, rows[1:], build)
        elif {"START_ID", "END_ID", "TYPE"} <= kinds:
            rel_files.append((csv_file, header, rows[1:]))
        else:
            problems.append(f"{csv_file.name}:{rows[0][0]}: header has neither an :ID column "
                            "(node file) nor :START_ID, :END_ID and :TYPE (relationship file)")
    for csv_file, header, rows in rel_files:
        _read_rels(csv_file, header, rows, build)
    return build.finish()


def _properties(csv_file: CsvFile, line: int, header: list[Column], row: list[str | None],
                problems: list[str]) -> dict[str, Any] | None:
    if len(row) != len(header):
        problems.append(f"{csv_file.name}:{line}: {len(row)} fields, the header has {len(header)}")
        return None
    props: dict[str, Any] = {}
    for column, value in zip(header, row):
        if value == "" and column.kind == "property" and (column.array or column.type == "string"):
            props[column.name] = [] if column.array else ""  # quoted "": an empty list or text
            continue
        if column.kind in {"property", "ID"} and column.name and value:
            if column.kind == "ID":
                props[column.name] = value
                continue
            try:
                props[column.name] = convert(value, column)
            except ValueError as exc:
                problems.append(f"{csv_file.name}:{line}: {exc}")
                return None
    return props


def _read_nodes(csv_file: CsvFile, header: list[Column], rows: list[tuple[int, list[str]]],
                build: BatchBuilder) -> None:
    problems = build.problems
    id_col = next(i for i, c in enumerate(header) if c.kind == "ID")
    label_cols = [i for i, c in enumerate(header) if c.kind == "LABEL"]
    if not label_cols:
        problems.append(f"{csv_file.name}: node file needs a :LABEL column (every node has a label)")
        return
    space = header[id_col].space
    for line, row in rows:
        props = _properties(csv_file, line, header, row, problems)
        if props is None:
            continue
        node_id = row[id_col] or ""
        if node_id == "":
            problems.append(f"{csv_file.name}:{line}: empty :ID")
            continue
        labels = [lab for i in label_cols for lab in (row[i] or "").split(ARRAY_DELIMITER) if lab]
        props.setdefault("key", node_id)
        shown = f":ID {node_id!r}" + (f" in ID space {space}" if space else "")
        build.add_node((space, node_id), labels, props, f"{csv_file.name}:{line}", shown_id=shown)


def _read_rels(csv_file: CsvFile, header: list[Column], rows: list[tuple[int, list[str]]],
               build: BatchBuilder) -> None:
    problems = build.problems
    start_col = next(i for i, c in enumerate(header) if c.kind == "START_ID")
    end_col = next(i for i, c in enumerate(header) if c.kind == "END_ID")
    type_col = next(i for i, c in enumerate(header) if c.kind == "TYPE")
    for line, row in rows:
        props = _properties(csv_file, line, header, row, problems)
        if props is None:
            continue
        refs = []
        for col in (start_col, end_col):
            space = header[col].space
            in_space = f" in ID space {space}" if space else ""
            refs.append(build.endpoint((space, row[col] or ""),
                                       f"{csv_file.name}:{line}: :{header[col].kind} {row[col]!r} is not "
                                       f"the :ID of any node{in_space}"))
        build.add_relationship(row[type_col] or "", refs[0], refs[1], props, f"{csv_file.name}:{line}")
