"""A fresh database for a local server, built by neo4j-admin from a folder of neo4j-admin CSV.

A load through Bolt merges row by row; ``neo4j-admin database import full`` writes the store
files directly and is several times faster for a big graph into an empty database. This
module holds what that takes on the store's side, whatever made the CSV:

* :func:`relgraph_csv` recognises CSV that relgraph's own writer made (its headers exactly)
  and checks, streaming, only what neo4j-admin would not: UTF-8 (so no lone surrogates),
  field counts, labels and types relgraph's model accepts. Such a folder goes to neo4j-admin
  as it is: reading it into a batch and writing it again cost ten times neo4j-admin's time.
* :func:`import_csv` stops the server, runs neo4j-admin with ``--bad-tolerance=0`` (one bad
  row fails the import instead of being left out quietly) and sized memory, and deals with
  the key constraints relgraph's merges need: a server that was running is started again and
  gets them at once; a server that was stopped stays stopped (starting it only for them took
  longer than the import), and they are recorded in the home (:data:`PENDING_FILE`, data
  only) for ``relgraph neo4j start`` to create (:func:`create_pending_constraints`).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.values.errors import LoadError, ModelError, StoreError
from relgraph.graph.values.model import check_label, check_property_name, check_rel_type

#: The lines of neo4j-admin's output worth showing: its stages, totals, and what went wrong.
_WORTH_SHOWING = re.compile(r"^(\(\d/\d\)|IMPORT (DONE|FAILED)|Imported:|\s+\d[\d,]* (nodes|relationships|"
                            r"properties)|Peak memory|Error|ERROR|WARN|.*Exception|.*[Ff]ailed|.*refused)")
_TIMESTAMP = re.compile(r"\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[+-]\d{4}$")

#: The headers relgraph's admin CSV writer begins its files with (graph/formats/admin_csv.py).
NODE_LEADING = ["key:ID", ":LABEL"]
REL_LEADING = [":START_ID", ":END_ID", ":TYPE"]
#: A property column as that writer names it: plain text, or one of the types it writes.
_PROPERTY_COLUMN = re.compile(r"(?P<name>[^:]+)(?::(?:long|double|boolean|string|date|localtime|time|"
                              r"localdatetime|datetime|duration)(?:\[\])?)?")
_FILE_NAME = re.compile(r"(nodes|relationships)(-\d+)?\.csv")
#: In the home: labels whose key constraints the next 'relgraph neo4j start' creates.
PENDING_FILE = "relgraph-pending-constraints.json"


@dataclass
class AdminCsv:
    """A folder of neo4j-admin CSV ready for import, with what relgraph knows of it."""

    folder: Path
    nodes: int = 0
    relationships: int = 0
    labels: set[str] = field(default_factory=set)  # primary labels: the key constraints


def _header_kind(header: list[str]) -> str | None:
    """'nodes' or 'relationships' when the header is one relgraph's writer makes, else None."""
    for kind, leading in (("nodes", NODE_LEADING), ("relationships", REL_LEADING)):
        rest = header[len(leading):]
        if header[:len(leading)] == leading and all(_PROPERTY_COLUMN.fullmatch(h) for h in rest):
            names = [h.split(":", 1)[0] for h in rest]
            if len(set(names)) == len(names) and not (kind == "nodes" and "key" in names):
                return kind
    return None


def _first_row(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh), [])
    except (UnicodeDecodeError, csv.Error):
        return []


def csv_members(source: Path) -> list[str] | None:
    """The member names of a folder or zip when all are CSV files named as relgraph's writer
    names them, else None."""
    if source.is_dir():
        names = sorted(p.name for p in source.iterdir())
    elif source.suffix.lower() == ".zip" and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            names = sorted(archive.namelist())
    else:
        return None
    if not names or not all(_FILE_NAME.fullmatch(n) for n in names):
        return None
    return names


def relgraph_csv(sources: list[Path], scratch: Path) -> AdminCsv | None:
    """The CSV of one source that relgraph's writer made (a folder, or a zip unpacked into
    ``scratch``), checked; None when the sources are anything else (they are read instead).
    LoadError names each problem found ("nothing was loaded")."""
    if len(sources) != 1 or (names := csv_members(sources[0])) is None:
        return None
    source = sources[0]
    if source.is_dir():
        folder = source
    else:
        folder = scratch / "csv"
        folder.mkdir(parents=True)
        _unzip(source, names, folder)
    kinds = {name: _header_kind(_first_row(folder / name)) for name in names}
    if None in kinds.values() or "nodes" not in kinds.values():
        return None
    found = AdminCsv(folder)
    problems: list[str] = []
    for name in names:
        _check_file(folder / name, kinds[name] == "nodes", found, problems, f"{source}/{name}")
    if problems:
        raise LoadError(problems[:50] + ([f"... and {len(problems) - 50:,} more problems"]
                                         if len(problems) > 50 else []))
    return found


#: A member may expand this many times what it takes compressed (text: 5 to 20 times, a
#: zip bomb a thousand), beyond its first MiB.
MAX_RATIO = 100


def _unzip(source: Path, names: list[str], folder: Path) -> None:
    """The members into ``folder``, in chunks, stopping at one that expands like a zip bomb
    (the sizes in the zip's directory are the writer's claim, not a promise)."""
    try:
        with zipfile.ZipFile(source) as archive:
            for info in (archive.getinfo(name) for name in names):
                written = 0
                with archive.open(info) as member, (folder / info.filename).open("wb") as out:
                    while chunk := member.read(1 << 20):
                        written += len(chunk)
                        if written > (1 << 20) and written > MAX_RATIO * max(info.compress_size, 1):
                            raise ValueError(f"{info.filename} expands more than {MAX_RATIO} times; "
                                             "not reading a zip bomb")
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise LoadError([f"{source}: cannot read archive ({exc})"]) from exc


def _records(path: Path, where: str, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header with the line each starts on; a file that is not UTF-8 (or
    not CSV) is a problem at the line where that shows."""
    line = 1
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            next(reader, None)
            line = reader.line_num + 1
            for row in reader:
                yield line, row
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        problems.append(f"{where}: not UTF-8 text ({exc.reason}), near line {line}")
    except csv.Error as exc:
        problems.append(f"{where}:{line}: not CSV ({exc})")


def _check_file(path: Path, nodes: bool, found: AdminCsv, problems: list[str], where: str) -> None:
    """Field counts, labels or types, and the names in the header, counted into ``found``."""
    header = _first_row(path)
    for text in header[len(NODE_LEADING if nodes else REL_LEADING):]:
        try:
            check_property_name(text.split(":", 1)[0])
        except ModelError as exc:
            problems.append(f"{where}:1: {exc}")
    width = len(header)
    names: set[str] = set()
    column = 1 if nodes else 2
    count = 0
    for line, row in _records(path, where, problems):
        if len(row) != width:
            if any(row):
                problems.append(f"{where}:{line}: {len(row)} fields, the header has {width}")
            continue
        value = row[column]
        if not value:
            problems.append(f"{where}:{line}: no {'label' if nodes else 'type'}")
            continue
        if nodes:
            primary = value.split(";", 1)[0]
            if primary not in found.labels:
                found.labels.add(primary)
            names.update(value.split(";"))
        else:
            names.add(value)
        count += 1
    check = check_label if nodes else check_rel_type
    for name in sorted(names):
        try:
            check(name)
        except ModelError as exc:
            problems.append(f"{where}: {exc}")
    if nodes:
        found.nodes += count
    else:
        found.relationships += count


# --- neo4j-admin ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminMemory:
    """neo4j-admin's memory, in MiB: its JVM heap, and what it may use beside it."""

    heap: int
    off_heap: int


def admin_command(lib: Path, csv_folder: Path, force: bool, memory: AdminMemory | None = None) -> list[str]:
    """neo4j-admin database import full into the default database, from every CSV file; a bad
    row aborts it (``--bad-tolerance=0``), so what is imported is the whole file or nothing."""
    files = [f"--nodes={p}" for p in sorted(csv_folder.glob("nodes*.csv"))]
    files += [f"--relationships={p}" for p in sorted(csv_folder.glob("relationships*.csv"))]
    java = os.environ.get("RELGRAPH_NEO4J_JAVA", "java")
    jvm = [f"-Xms{memory.heap}m", f"-Xmx{memory.heap}m"] if memory else []
    off_heap = [f"--max-off-heap-memory={memory.off_heap}m"] if memory else []
    # The database name goes first: --nodes and --relationships take any number of files.
    return [java, *jvm, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j",
            "--multiline-fields=true", f"--overwrite-destination={'true' if force else 'false'}",
            "--bad-tolerance=0", *off_heap,
            f"--report-file={csv_folder.parent / 'import.report'}", *files]


@dataclass
class AdminResult:
    seconds: float
    lines: list[str]


def run_admin(command: list[str], home: Path, note: Callable[[str], None]) -> AdminResult:
    """Run neo4j-admin, passing on only the lines that matter (stages, totals, errors) as they
    come; a failure is a StoreError with those lines."""
    started = time.monotonic()
    shown: list[str] = []
    tail: list[str] = []
    proc = subprocess.Popen(command, cwd=home, env={**os.environ, "NEO4J_HOME": str(home)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, errors="replace")
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip()
        tail = [*tail[-19:], line]
        if _WORTH_SHOWING.match(line):
            line = _TIMESTAMP.sub("", line).strip()
            shown.append(line)
            note(f"  neo4j-admin: {line}")
    code = proc.wait()
    if code:
        said = [line for line in shown if not line.startswith("(")] or [x for x in tail if x.strip()][-8:]
        raise StoreError(f"neo4j-admin could not import (exit {code}); nothing was imported:\n  "
                         + "\n  ".join(said))
    return AdminResult(time.monotonic() - started, shown)


# --- the server around it -------------------------------------------------------------------


def graph_size(uri: str) -> tuple[int, int]:
    """Nodes and relationships in the server's default database."""
    with Neo4jStore.connect(Neo4jSettings(uri)) as store:
        counts = store.counts()
    return counts.nodes, counts.relationships


def create_key_constraints(uri: str, labels: Iterable[str]) -> list[str]:
    store = Neo4jStore.connect(Neo4jSettings(uri))
    try:
        return store.ensure_key_constraints(labels)
    finally:
        store.close()


def record_pending_constraints(home: Path, labels: Iterable[str]) -> None:
    """Remember, in the home, the labels whose key constraints the next start creates."""
    (home / PENDING_FILE).write_text(json.dumps({"keyConstraints": sorted(labels)}) + "\n", encoding="utf-8")


def create_pending_constraints(home: Path, uri: str) -> list[str] | None:
    """The key constraints an import left for this start, created on the server at ``uri``;
    None when there were none pending. The record goes only once they exist."""
    pending = home / PENDING_FILE
    try:
        labels = json.loads(pending.read_text(encoding="utf-8"))["keyConstraints"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{pending}: cannot read the key constraints an import left ({exc}); "
                         "delete it, and 'relgraph load' creates them as it loads") from exc
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise StoreError(f"{pending}: not a list of labels; delete it, and 'relgraph load' creates "
                         "the key constraints as it loads")
    made = create_key_constraints(uri, labels)
    pending.unlink()
    return made


def database_folder(home: Path) -> Path:
    return home / "data" / "databases" / "neo4j"


def discard_failed_import(home: Path) -> None:
    """Remove what a failed neo4j-admin import left of the default database: its store files
    without transaction logs, which the server refuses to start on. The import only ever runs
    on a database that is new, empty or given up with --force, so none of it is anyone's data;
    the server then starts with an empty database."""
    shutil.rmtree(database_folder(home), ignore_errors=True)
    shutil.rmtree(home / "data" / "transactions" / "neo4j", ignore_errors=True)


@dataclass
class ImportPlan:
    """What an import needs from the server side, as functions (start, stop, status)."""

    home: Path
    lib: Path
    start: Callable[[], str]
    stop: Callable[[], None]
    running_uri: Callable[[], str | None]
    memory: AdminMemory | None = None


def import_csv(prepare: Callable[[], AdminCsv], plan: ImportPlan, *, force: bool,
               note: Callable[[str], None]) -> str:
    """The import (see the module's docstring); ``prepare`` makes the CSV once the server is
    known to take it. Returns what happened, for the user."""
    uri = plan.running_uri()
    was_running = uri is not None
    if uri is None and database_folder(plan.home).exists():
        note("relgraph neo4j import: starting the server to see whether its database is empty ...")
        uri = plan.start()
    if uri is not None:
        nodes, rels = graph_size(uri)
        if (nodes or rels) and not force:
            if not was_running:
                plan.stop()
            raise StoreError(f"the database of the server in {plan.home} is not empty ({nodes:,} nodes, "
                             f"{rels:,} relationships); 'relgraph neo4j import --force' replaces it, or "
                             "use 'relgraph load' to add to it. Nothing was imported")
        note("relgraph neo4j import: stopping the server for neo4j-admin ...")
        plan.stop()
    try:
        admin_csv = prepare()
        note("relgraph neo4j import: running neo4j-admin database import full ...")
        plan.home.mkdir(parents=True, exist_ok=True)
        command = admin_command(plan.lib, admin_csv.folder, force or uri is not None, plan.memory)
        try:
            result = run_admin(command, plan.home, note)
        except StoreError:
            discard_failed_import(plan.home)
            raise
    except (StoreError, LoadError):
        if was_running:  # as it was: running, on what the failed import left
            note("relgraph neo4j import: starting the server again ...")
            plan.start()
        raise
    done = f"Imported {admin_csv.nodes:,} nodes and {admin_csv.relationships:,} relationships into " \
           f"{plan.home} with neo4j-admin ({result.seconds:.1f} s)"
    if not was_running:
        record_pending_constraints(plan.home, admin_csv.labels)
        return (f"{done}; the server is stopped, as it was: its {len(admin_csv.labels)} key constraints "
                "will be created at its next start ('relgraph neo4j start')")
    (plan.home / PENDING_FILE).unlink(missing_ok=True)
    note("relgraph neo4j import: starting the server again, for the key constraints ...")
    try:
        uri = plan.start()
    except StoreError as exc:
        record_pending_constraints(plan.home, admin_csv.labels)
        raise StoreError(f"neo4j-admin imported the graph, but the server did not start: {exc}") from exc
    made = create_key_constraints(uri, admin_csv.labels)
    return f"{done}; {len(made)} key constraints created; the server is running at {uri}"
