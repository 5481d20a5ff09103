"""CSV files in the neo4j-admin import convention, as a folder or a .zip.

``nodes.csv`` has ``:ID`` (named ``key:ID`` when the ids are the nodes' keys),
``:LABEL`` (labels separated by ``;``) and typed property columns (``year:long``,
``share:double``, ``active:boolean``, ``aliases:string[]``, ``founded:date``,
``opens:localtime[]``; plain text columns carry no type). ``relationships.csv`` has
``:START_ID``, ``:END_ID``, ``:TYPE`` and typed property columns, ``key`` among them,
so parallel relationships stay apart.
``relgraph load`` reads the folder or zip back (loaders/admin_csv.py), and
``neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv``
imports it into an empty Neo4j database.

What the convention cannot say, and how this writer copes:

* One header holds one type per property name (neo4j-admin rejects duplicate
  names). When a property has values of several types (``scope`` is text on one
  node and a list on another), the nodes or relationships that need a different
  header go to a further file, ``nodes-2.csv``... Most exports are two files.
* An empty field means "no property"; an empty string is written as ``""``
  (neo4j-admin keeps it unless ``--ignore-empty-strings``), an empty list as ``""``
  in a list column.
* List items are separated by ``;`` (neo4j-admin's default ``--array-delimiter``), so
  a text item containing ``;``, or a list holding only an empty string, cannot be
  written: the export stops and names the value (use JSON lines or GraphML).
* Values containing line breaks are quoted; neo4j-admin needs ``--multiline-fields=true``
  for them.
* Temporal values (set through Cypher) get neo4j-admin's temporal column types,
  ``date``, ``localtime``, ``time``, ``localdatetime``, ``datetime`` and ``duration``
  (``[]`` for lists), their values the ISO text Cypher prints and neo4j-admin parses as
  Cypher's functions do; a time or date-time always carries its offset (and its zone
  name, if it has one), so neither importer's default time zone applies. A property
  that is a date on one node and a date-time on another is two types like any other:
  the second goes to a further file, and both keep their type.

Reading: Node files have an ``:ID`` column (optionally named, ``key:ID``, and optionally
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

import io
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from relgraph.graph.formats.reading import (
    ARCHIVE_ERRORS,
    BatchBuilder,
    read_archive_member,
    read_text,
)
from relgraph.graph.formats.types import (
    FLOAT_NAMES,
    INTEGER_NAMES,
    TEMPORAL_PARSERS,
    TEXT_NAMES,
    parse_typed,
    plain_properties,
    scalar_text,
    value_type,
)
from relgraph.graph.formats.writing import (
    atomic_directory,
    atomic_writer,
    describe_node,
    describe_rel,
)
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import ExportError, LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.graph.values.subgraph import Subgraph, ordered_labels

T = TypeVar("T")

# --- writing ----------------------------------------------------------------------------------


ARRAY_DELIMITER = ";"
LABEL_DELIMITER = ";"
# A fixed timestamp and mode for zip entries: same data, same bytes, whenever it is written.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class _FileGroup:
    """Rows that share one header: property name -> type ('[]' for lists seen only empty)."""

    types: dict[str, str] = field(default_factory=dict)
    members: array[int] = field(default_factory=lambda: array("q"))  # row positions, compactly

    def fits(self, row_types: Mapping[str, str]) -> bool:
        for name, type_name in row_types.items():
            have = self.types.get(name)
            if have is None or have == type_name:
                continue
            if "[]" in (have, type_name) and have.endswith("]") and type_name.endswith("]"):
                continue  # an empty list goes in any list column
            return False
        return True

    def add(self, index: int, row_types: Mapping[str, str]) -> None:
        for name, type_name in row_types.items():
            if self.types.get(name) in (None, "[]"):
                self.types[name] = type_name
        self.members.append(index)


def group_rows(rows: Iterable[Mapping[str, Any]]) -> list[_FileGroup]:
    """Split rows into as few header groups as their property types allow, in row order.

    Only the types and the rows' positions are kept, so ``rows`` may be made one at a time:
    each group's rows are converted again when its file is written."""
    groups: list[_FileGroup] = []
    for index, props in enumerate(rows):
        row_types = {name: value_type(value) for name, value in props.items()}
        target = next((g for g in groups if g.fits(row_types)), None)
        if target is None:
            target = _FileGroup()
            groups.append(target)
        target.add(index, row_types)
    for group in groups:
        for name, type_name in group.types.items():
            if type_name == "[]":
                group.types[name] = "string[]"
    return groups


def header_field(name: str, type_name: str) -> str:
    return name if type_name == "string" else f"{name}:{type_name}"


def quote(text: str) -> str:
    """A CSV field: quoted when it holds a delimiter, quote or line break, or is empty text."""
    if text == "" or any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def field_text(value: Any, where: str) -> str:
    """A property value as a CSV field (the value is present: absent ones are empty fields)."""
    if isinstance(value, list):
        items = [scalar_text(item) for item in value]
        if value == [""]:
            raise ExportError(f"{where} is a list holding only an empty string, which neo4j-admin CSV "
                              "cannot tell from an empty list; export as JSON lines or GraphML instead")
        for item in items:
            if ARRAY_DELIMITER in item:
                raise ExportError(f"{where} has the list item {item!r}, which contains the CSV array "
                                  f"delimiter {ARRAY_DELIMITER!r}; export as JSON lines or GraphML instead")
        return quote(ARRAY_DELIMITER.join(items))
    return quote(scalar_text(value))


def _file_name(stem: str, number: int) -> str:
    return f"{stem}.csv" if number == 1 else f"{stem}-{number}.csv"


def admin_csv_tables(subgraph: Subgraph) -> dict[str, Iterator[str]]:
    """File name -> its lines (header first, each ending in a newline), made as they are read:
    nodes.csv (nodes-2.csv...) and relationships.csv (...-2.csv).

    Which file each row goes to depends on the types of every row before it, so this makes
    a first pass that keeps only the header groups and their rows' positions; the lines of
    each file are converted again from the subgraph as they are written.
    """
    order = subgraph.canonical()
    nodes, rels, ids = order.nodes, order.relationships, order.ids
    keyed_ids = all(ids[n.element_id] == n.get("key") for n in nodes)

    def node_props(node: Node) -> dict[str, Any]:
        props = plain_properties(node, describe_node(node, ids), temporal=True)
        if keyed_ids:
            props.pop("key")  # the key:ID column holds it
        return props

    def node_row(node: Node, names: list[str]) -> list[str]:
        return [quote(ids[node.element_id]), quote(LABEL_DELIMITER.join(ordered_labels(node))),
                *_fields(node_props(node), names, describe_node(node, ids))]

    def rel_props(rel: Relationship) -> dict[str, Any]:
        return plain_properties(rel, describe_rel(rel, ids), temporal=True)

    def rel_row(rel: Relationship, names: list[str]) -> list[str]:
        where = describe_rel(rel, ids)  # once a row: making it is a third of a row's time
        return [quote(ids[rel.start_node.element_id]), quote(ids[rel.end_node.element_id]),
                quote(rel.type), *_fields(plain_properties(rel, where, temporal=True), names, where)]

    tables: dict[str, Iterator[str]] = {}
    id_columns = ["key:ID" if keyed_ids else ":ID", ":LABEL"]
    for number, group in enumerate(group_rows(node_props(n) for n in nodes), start=1):
        tables[_file_name("nodes", number)] = _lines(id_columns, group, nodes.at(group.members), node_row)
    for number, group in enumerate(group_rows(rel_props(r) for r in rels), start=1):
        tables[_file_name("relationships", number)] = _lines([":START_ID", ":END_ID", ":TYPE"], group,
                                                             rels.at(group.members), rel_row)
    return tables


def _lines(leading: list[str], group: _FileGroup, members: Iterator[T],
           row: Callable[[T, list[str]], list[str]]) -> Iterator[str]:
    """One file's lines: the header (``leading`` columns, then the group's typed properties),
    then the row of each member (``members``: the group's elements, fetched as they are reached)."""
    names = sorted(group.types)
    header = [*leading, *(header_field(n, group.types[n]) for n in names)]
    yield ",".join(quote(h) for h in header) + "\n"
    for element in members:
        yield ",".join(row(element, names)) + "\n"


def admin_csv_files(subgraph: Subgraph) -> dict[str, str]:
    """File name -> CSV text, in memory: for a small download (the explorer's); files are
    written line by line (:func:`write_admin_csv`)."""
    return {name: "".join(lines) for name, lines in admin_csv_tables(subgraph).items()}


def _fields(props: Mapping[str, Any], names: list[str], where: str) -> list[str]:
    return [field_text(props[n], f"{where}: property {n!r}") if n in props else "" for n in names]


def write_admin_csv(subgraph: Subgraph, out: Path | str | Any) -> None:
    """Write a folder of CSV files, or a zip of them when ``out`` ends in ``.zip``."""
    if not isinstance(out, (str, Path)):
        raise ExportError("CSV export writes several files: give a folder or a .zip path, not '-'")
    path = Path(out)
    tables = admin_csv_tables(subgraph)
    if path.is_dir():
        # Replacing a folder deletes it: only ever one that holds nothing but CSV files (an
        # earlier export), never a folder of other things given by mistake (-o ~ --force).
        others = sorted(p.name for p in path.iterdir() if not (p.is_file() and p.suffix.lower() == ".csv"))
        if others:
            raise ExportError(f"{path} holds more than CSV files ({', '.join(others[:3])}"
                              f"{', ...' if len(others) > 3 else ''}); not replacing it, choose an "
                              "empty or new folder")
    if path.suffix.lower() == ".zip":
        with atomic_writer(path, binary=True) as fh:
            write_zip(tables, fh)
        return
    with atomic_directory(path) as folder:
        for name, lines in tables.items():
            with (folder / name).open("w", encoding="utf-8", newline="\n") as fh:
                fh.writelines(lines)


def write_zip(files: Mapping[str, Iterable[str]], out: IO[bytes]) -> None:
    """A zip of text files given line by line, whose bytes depend on the contents only (fixed
    dates, modes and order). Each file is compressed as it is written."""
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the platform, so the header bytes match
            info.external_attr = 0o644 << 16
            info._compresslevel = 9  # type: ignore[attr-defined]  # what writestr(compresslevel=9) sets
            try:
                with archive.open(info, "w") as entry, \
                        io.TextIOWrapper(entry, encoding="utf-8", newline="\n") as text:
                    text.writelines(files[name])
            except RuntimeError as exc:  # zipfile: "File size too large, try using force_zip64"
                raise ExportError(f"{name} is too large for a zip ({exc}); export to a folder "
                                  "instead") from exc


# --- reading ----------------------------------------------------------------------------------


HEADER_RE = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+(?:\[\])?)(?:\((?P<space>[^)]*)\))?)?$")
#: Column types the reader accepts; a point column is read as its text.
READABLE_TYPES = INTEGER_NAMES | FLOAT_NAMES | TEXT_NAMES | set(TEMPORAL_PARSERS) | {"boolean", "point"}
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
    for text in fields:
        match = HEADER_RE.match(text.strip())
        if not match:
            raise LoadError([f"{where}: cannot read header field {text!r}"])
        name, ctype, space = match["name"], match["type"], match["space"]
        upper = (ctype or "").upper()
        if upper in {"ID", "START_ID", "END_ID"}:
            columns.append(Column(name, upper, space=space or GLOBAL_SPACE))
        elif upper in {"TYPE", "LABEL", "IGNORE"}:
            columns.append(Column(name, upper))
        else:
            if not name:
                raise LoadError([f"{where}: header field {text!r} has no property name"])
            base = (ctype or "string").lower()
            array = base.endswith("[]")
            base = base.removesuffix("[]")
            if base not in READABLE_TYPES:
                raise LoadError([f"{where}: unknown column type {ctype!r} in {text!r}"])
            columns.append(Column(name, "property", base, array))
    _refuse_repeats(columns, where)
    return columns


#: Columns a file may have only one of (neo4j-admin's header rules; :LABEL may repeat).
SINGLE_KINDS = ("ID", "START_ID", "END_ID", "TYPE")


def _refuse_repeats(columns: list[Column], where: str) -> None:
    """Two columns for one property (or two :ID columns) would leave one of them unread: say so."""
    problems = [f"{where}: {count} :{kind} columns; a file has one"
                for kind, count in Counter(c.kind for c in columns).items()
                if kind in SINGLE_KINDS and count > 1]
    named = Counter(c.name for c in columns if c.name and c.kind in ("property", "ID"))
    problems += [f"{where}: {count} columns for the property {name!r}; a file has one for each"
                 for name, count in named.items() if count > 1]
    if problems:
        raise LoadError(problems)


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
    """Records with the line they start on; blank lines skipped; CsvSyntaxError at the end
    when the text is not CSV."""
    for line, row in parse_csv(csv_file.text.lstrip("\ufeff")):
        if any(cell and cell.strip() for cell in row):
            yield line, row


class CsvSyntaxError(ValueError):
    """Text that is not CSV, found at ``line`` (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


#: One field of a one-line record and the comma after it, if any: quoted, or plain.
_LINE_FIELD = re.compile(r'(?:"((?:[^"]|"")*)"|([^,"]*))(,|$)')


def _one_line(record: str) -> list[str | None] | None:
    """The fields of a record that is one line of well-formed fields, as :func:`parse_csv`
    reads them; None for anything else (a quote left open, text after a closing quote),
    which the character loop then reads."""
    if '"' not in record:
        return [cell or None for cell in record.split(",")]
    row: list[str | None] = []
    at = 0
    for match in _LINE_FIELD.finditer(record):
        if match.start() != at:
            return None
        quoted, plain, comma = match.groups()
        row.append(quoted.replace('""', '"') if quoted is not None else plain or None)
        at = match.end()
        if not comma:
            return row if at == len(record) else None
    return None


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
        # Most records are one line without quotes: split it at once (the loop below reads
        # a character at a time, and took most of the time reading a big file).
        end = text.find("\n", i)
        end = n if end < 0 else end
        if "\r" not in (record := text[i:end]) and (fast := _one_line(record)) is not None:
            i, line = end + 1, line + 1
            if fast != [None]:
                yield start_line, fast
            continue
        row: list[str | None] = []
        while True:  # one field per turn
            if i < n and text[i] == '"':
                i += 1
                parts = []
                opened, closed = line, False
                while i < n:
                    c = text[i]
                    if c == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            parts.append('"')
                            i += 2
                            continue
                        i += 1
                        closed = True
                        break
                    if c == "\n":
                        line += 1
                    parts.append(c)
                    i += 1
                if not closed:  # else the rest of the file would be one field
                    raise CsvSyntaxError(opened, "a quoted field starts here and is never closed "
                                                 "(a '\"' is missing)")
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
            files.extend(CsvFile(str(p), read_text(p)) for p in members)
        elif path.suffix.lower() == ".zip":
            files.extend(_archive_files(path))
        else:
            files.append(CsvFile(str(path), read_text(path)))
    return files


def _archive_files(path: Path) -> list[CsvFile]:
    """The CSV members of a zip, each read within the limits of ``read_archive_member``."""
    files: list[CsvFile] = []
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted((i for i in archive.infolist() if i.filename.lower().endswith(".csv")),
                             key=lambda i: i.filename)
            if not members:
                raise LoadError([f"{path}: no .csv files in this archive"])
            used = 0
            for info in members:
                where = f"{path}/{info.filename}"
                data = read_archive_member(archive, info, used)
                used += len(data)
                try:
                    text = data.decode("utf-8").removeprefix("\ufeff")
                except UnicodeDecodeError as exc:
                    raise LoadError([f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
                files.append(CsvFile(where, text))
    except ARCHIVE_ERRORS as exc:
        raise LoadError([f"{where}: cannot read archive ({exc})"]) from exc
    return files


def read_admin_csv(paths: Iterable[Path | str]) -> GraphBatch:
    """Read node and relationship CSV files (files, folders or zips) into one batch."""
    files = collect_files(Path(p) for p in paths)
    build = BatchBuilder(", ".join(f.name for f in files))
    problems = build.problems
    rel_files = []
    for csv_file in files:
        try:
            rows = list(_rows(csv_file))
        except CsvSyntaxError as exc:
            problems.append(f"{csv_file.name}:{exc.line}: {exc.message}")
            continue
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


def _read_nodes(csv_file: CsvFile, header: list[Column], rows: list[tuple[int, list[str | None]]],
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


def _read_rels(csv_file: CsvFile, header: list[Column], rows: list[tuple[int, list[str | None]]],
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
