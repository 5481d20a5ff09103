"""Opening the embedded store's file: the SQLite store, created on the first write, and an
older snapshot (format 3) converted into it once.

A store file appears whole or not at all: it is built under a temporary name beside
its final one and renamed into place, under an exclusive lock (the ``.lock`` sibling
that format 3 used for its writes), so two processes never both create or convert it
and a killed conversion leaves the snapshot as it was. Commands that only read never
create anything: a store that does not exist yet is empty.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from relgraph.graph.backends.snapshot import MAGIC as SNAPSHOT_MAGIC
from relgraph.graph.backends.snapshot import load_snapshot
from relgraph.graph.backends.sqlite_graph import SqliteGraph
from relgraph.graph.backends.sqlite_schema import SQLITE_MAGIC, connect, create_schema, file_head
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.files import make_folder, os_error_text

try:  # POSIX advisory locks; on platforms without fcntl the lock is skipped
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def open_graph(path: Path) -> SqliteGraph | None:
    """The store at ``path``, None when there is no file yet; a snapshot is converted first."""
    head = file_head(path)
    if head is None:
        return None
    if head == SNAPSHOT_MAGIC[:len(head)] and head:
        with _locked(path):
            if file_head(path) != SQLITE_MAGIC:
                _convert(path)
    elif head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a relgraph store (wrong header); give another --store, or "
                         "delete it and run 'relgraph load' to build one there")
    return SqliteGraph(connect(path), str(path))


def create_graph(path: Path) -> SqliteGraph:
    """The store at ``path``, created empty if there is none (the first write does this)."""
    make_folder(path.parent, StoreError)
    with _locked(path):
        if file_head(path) is None:
            _build(path, None)
    graph = open_graph(path)
    assert graph is not None
    return graph


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock = open(lock_path, "a")  # noqa: SIM115 - closed below; "a" never truncates
    except OSError as exc:
        raise StoreError(f"cannot lock the store {path}: {os_error_text(exc, lock_path)}") from exc
    with lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in path.parent.glob(f".{path.name}.*.tmp*"):  # left by a killed creator
            stale.unlink(missing_ok=True)
        yield


def _convert(path: Path) -> None:
    """Replace a format-3 snapshot by a store holding the same graph (same ids), atomically."""
    g, _ = load_snapshot(path)  # refuses format 2 (pickle) and damaged files with a message
    _build(path, g)
    print(f"relgraph: converted {path} from the snapshot format to the SQLite store "
          "(docs/architecture.md); this happens once", file=sys.stderr)


def _build(path: Path, g: Any) -> None:
    """Write a store (empty, or holding networkx graph ``g``) under a temporary name, then
    rename it to ``path``: readers see no file or a whole one, never a half-made store."""
    temp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    try:
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a crash here leaves only a temporary
            create_schema(db)
            if g is not None:
                _fill(SqliteGraph(db, str(path)), g)
            db.execute("PRAGMA journal_mode = WAL")  # kept in the file: readers never wait
        finally:
            db.close()
        if os.path.exists(path):
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write the store {path}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot write the store {path}: {os_error_text(exc, path)}") from exc
    finally:
        temp.unlink(missing_ok=True)
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def _fill(graph: SqliteGraph, g: Any) -> None:
    with graph.transaction():
        for nid, data in g.nodes(data=True):
            graph.put_node(nid, list(data["labels"]), dict(data["properties"]))
        for u, v, rid, data in g.edges(keys=True, data=True):
            graph.put_rel(rid, u, v, data["type"], dict(data["properties"]))
        graph.set_next_ids(g.graph.get("next_node_id", 0), g.graph.get("next_rel_id", 0))
