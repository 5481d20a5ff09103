"""The embedded store's file: an SQLite database with a fixed schema, and how its rows are checked.

Why SQLite: a command that reads one node must not read the whole graph first. SQLite
seeks through B-tree indexes in a file it never loads whole, gives transactions that
other processes see atomically (WAL mode: readers never block the one writer), and
comes with Python (stdlib ``sqlite3``). What it does not give is the snapshot's "a
damaged file is an error, never altered data" at the level of single rows, so every
node and relationship row carries a short BLAKE2b checksum of its fields, verified
whenever the row is decoded (:func:`row_sum`).

Tables (labels, types and index values are BLOBs of UTF-8 with surrogates passed through,
so a lone surrogate Cypher allows is stored rather than refused by the driver):

* ``meta``: the next node and relationship ids (ids are never reused)
* ``nodes``: id, labels (a MessagePack list, in the node's order), properties
  (a MessagePack map, :func:`~.snapshot_codec.pack_value`), checksum
* ``rels``: id, start, end, type, properties, checksum; indexed by (start, type, end),
  (end, type, start) and type, which are the engine's adjacency and type scans
* ``node_labels``: (label, node), the label index
* ``node_values``: (property, value, node), the equality index on ``key`` and ``name``
* ``node_names``: (casefolded text, node) for every key, name and alias: what
  ``relgraph view --around`` and ``find`` seek through
* ``counters``: nodes, relationships, and counts per label, type and label combination,
  kept in the same transaction as the rows they count, so ``relgraph stats`` reads a
  handful of rows; each with its checksum too

A file is a relgraph store when its application id, format version and schema (every
table, index, and nothing else: no trigger or view that could run on our writes) are
exactly these; anything else is refused before a row is read.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from functools import cache
from pathlib import Path
from urllib.parse import quote

from relgraph.graph.values.errors import StoreError

#: PRAGMA application_id: "RGph". Tells a relgraph store from any other SQLite file.
APPLICATION_ID = 0x52477068
#: PRAGMA user_version: the store format. 1-3 were single files (3: MessagePack snapshot).
FORMAT_VERSION = 4
SQLITE_MAGIC = b"SQLite format 3\x00"
#: How long a writer waits for another process's write transaction before giving up.
BUSY_SECONDS = 600.0

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE nodes (id INTEGER PRIMARY KEY, labels BLOB NOT NULL, props BLOB NOT NULL,
                    sum INTEGER NOT NULL);
CREATE TABLE rels (id INTEGER PRIMARY KEY, start INTEGER NOT NULL, end INTEGER NOT NULL,
                   type BLOB NOT NULL, props BLOB NOT NULL, sum INTEGER NOT NULL);
CREATE INDEX rels_out ON rels (start, type, end);
CREATE INDEX rels_in ON rels (end, type, start);
CREATE INDEX rels_type ON rels (type);
CREATE TABLE node_labels (label BLOB NOT NULL, node INTEGER NOT NULL,
                          PRIMARY KEY (label, node)) WITHOUT ROWID;
CREATE TABLE node_values (prop TEXT NOT NULL, value NOT NULL, node INTEGER NOT NULL,
                          PRIMARY KEY (prop, value, node)) WITHOUT ROWID;
CREATE TABLE node_names (name BLOB NOT NULL, node INTEGER NOT NULL,
                         PRIMARY KEY (name, node)) WITHOUT ROWID;
CREATE TABLE counters (kind TEXT NOT NULL, name BLOB NOT NULL, count INTEGER NOT NULL,
                       sum INTEGER NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID;
"""


def create_schema(db: sqlite3.Connection) -> None:
    """The tables of an empty store, with its identity; the caller commits."""
    db.executescript(f"BEGIN; {SCHEMA} PRAGMA application_id = {APPLICATION_ID}; "
                     f"PRAGMA user_version = {FORMAT_VERSION}; "
                     "INSERT INTO meta VALUES ('next_node_id', 0), ('next_rel_id', 0); COMMIT;")


@cache
def expected_schema() -> tuple[tuple[str, str, str], ...]:
    """What sqlite_master of a relgraph store holds, made by creating the schema in memory."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        create_schema(db)
        return tuple(schema_of(db))
    finally:
        db.close()


def schema_of(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = db.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
    return [(str(t), str(n), str(s)) for t, n, s in rows.fetchall()]


def schema_problem(db: sqlite3.Connection) -> str | None:
    """Why ``db`` is not a relgraph store of this format, or None when it is one."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        return "not a relgraph store (an SQLite database of another program)"
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != FORMAT_VERSION:
        return f"in store format {version}; this relgraph reads {FORMAT_VERSION}"
    if tuple(schema_of(db)) != expected_schema():
        return "not a relgraph store: its tables are not a relgraph store's (altered by another program?)"
    return None


def text_bytes(text: str) -> bytes:
    """A label, type or index text as stored; lone surrogates pass through, as in the snapshot."""
    return text.encode("utf-8", "surrogatepass")


def bytes_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def row_sum(head: bytes, *fields: bytes) -> int:
    """The checksum of one row: 64 bits of BLAKE2b over its id (in ``head``) and fields, each
    with its length so that bytes cannot move from one field to the next unnoticed."""
    h = hashlib.blake2b(head, digest_size=8)
    for field in fields:
        h.update(len(field).to_bytes(4, "big"))
        h.update(field)
    return int.from_bytes(h.digest(), "big", signed=True)


def file_head(path: Path) -> bytes | None:
    """The first bytes of ``path`` (None: no file), refusing a pipe or device before reading."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(f"{path} is not a regular file, so it cannot be a relgraph store")
        return os.read(fd, len(SQLITE_MAGIC))
    finally:
        os.close(fd)


def _mode(path: Path) -> str:
    """How to open ``path``: read-write; read-only when the file is (``chmod a-w`` says "keep
    this as it is", even to root); and when its folder is read-only too and no other process
    keeps a log there, immutable, since SQLite could not create the shared-memory file a
    reader of a WAL store needs."""
    if os.stat(path).st_mode & 0o222 and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return "rw"
    logs = [Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm")]
    if os.access(path.parent, os.W_OK) or any(logs):
        return "ro"
    return "ro&immutable=1"


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the relgraph store at ``path``, checked to be one (StoreError if not).

    Read-write when the file allows it, else read-only (reads still work on a store made
    read-only). ``trusted_schema`` off and the schema compared in full: the file's own
    SQL never runs, so opening a crafted file runs nothing of its author's.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode={_mode(path)}"
    db = None
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                             timeout=BUSY_SECONDS)
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA cell_size_check = ON")
        db.execute("PRAGMA cache_size = -32768")
        problem = schema_problem(db)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if db is not None:
            db.close()
        code = str(getattr(exc, "sqlite_errorname", ""))
        if code.startswith("SQLITE_IOERR") or code in ("SQLITE_FULL", "SQLITE_CANTOPEN"):
            raise StoreError(f"{path}: cannot open the store ({exc}: a full disk, a file size limit "
                             "(ulimit -f) or a folder relgraph may not write?)") from None
        raise StoreError(f"{path} is damaged or is not a relgraph store ({exc}); delete it and run "
                         "'relgraph load' with its sources to rebuild it") from None
    if problem:
        db.close()
        raise StoreError(f"{path} is {problem}; delete it or give another --store")
    return db
