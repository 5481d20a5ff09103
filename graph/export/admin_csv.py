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
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relgraph.graph.export.atomic import atomic_directory, atomic_writer
from relgraph.graph.export.common import (
    describe_node,
    describe_rel,
    plain_properties,
    scalar_text,
    value_type,
)
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.subgraph import Subgraph, sorted_labels

ARRAY_DELIMITER = ";"
LABEL_DELIMITER = ";"
# A fixed timestamp and mode for zip entries: same data, same bytes, whenever it is written.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class _FileGroup:
    """Rows that share one header: property name -> type ('[]' for lists seen only empty)."""

    types: dict[str, str] = field(default_factory=dict)
    members: list[int] = field(default_factory=list)

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


def group_rows(rows: Sequence[Mapping[str, Any]]) -> list[_FileGroup]:
    """Split rows into as few header groups as their property types allow, in row order."""
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


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [",".join(quote(h) for h in header)]
    lines.extend(",".join(row) for row in rows)
    return "\n".join(lines) + "\n"


def _file_name(stem: str, number: int) -> str:
    return f"{stem}.csv" if number == 1 else f"{stem}-{number}.csv"


def admin_csv_files(subgraph: Subgraph) -> dict[str, str]:
    """File name -> CSV text: nodes.csv (nodes-2.csv...) and relationships.csv (...-2.csv)."""
    nodes, rels, ids = subgraph.ordered()
    keyed_ids = all(ids[n.element_id] == n.get("key") for n in nodes)
    node_props = []
    for node in nodes:
        props = plain_properties(node, describe_node(node, ids), temporal=True)
        if keyed_ids:
            props.pop("key")  # the key:ID column holds it
        node_props.append(props)
    files: dict[str, str] = {}
    id_header = "key:ID" if keyed_ids else ":ID"
    for number, group in enumerate(group_rows(node_props), start=1):
        names = sorted(group.types)
        header = [id_header, ":LABEL", *(header_field(n, group.types[n]) for n in names)]
        rows = []
        for index in group.members:
            node, props = nodes[index], node_props[index]
            where = describe_node(node, ids)
            rows.append([quote(ids[node.element_id]), quote(LABEL_DELIMITER.join(sorted_labels(node))),
                         *_fields(props, names, where)])
        files[_file_name("nodes", number)] = _table(header, rows)
    rel_props = [plain_properties(rel, describe_rel(rel, ids), temporal=True) for rel in rels]
    for number, group in enumerate(group_rows(rel_props), start=1):
        names = sorted(group.types)
        header = [":START_ID", ":END_ID", ":TYPE", *(header_field(n, group.types[n]) for n in names)]
        rows = []
        for index in group.members:
            rel, props = rels[index], rel_props[index]
            where = describe_rel(rel, ids)
            rows.append([quote(ids[rel.start_node.element_id]), quote(ids[rel.end_node.element_id]),
                         quote(rel.type), *_fields(props, names, where)])
        files[_file_name("relationships", number)] = _table(header, rows)
    return files


def _fields(props: Mapping[str, Any], names: list[str], where: str) -> list[str]:
    return [field_text(props[n], f"{where}: property {n!r}") if n in props else "" for n in names]


def write_admin_csv(subgraph: Subgraph, out: Path | str | Any) -> None:
    """Write a folder of CSV files, or a zip of them when ``out`` ends in ``.zip``."""
    if not isinstance(out, (str, Path)):
        raise ExportError("CSV export writes several files: give a folder or a .zip path, not '-'")
    path = Path(out)
    files = admin_csv_files(subgraph)
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
            fh.write(zip_bytes(files))
        return
    with atomic_directory(path) as folder:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")


def zip_bytes(files: Mapping[str, str]) -> bytes:
    """A zip whose bytes depend on the contents only (fixed dates, modes and order)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the platform, so the header bytes match
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name].encode("utf-8"), compresslevel=9)
    return buffer.getvalue()

