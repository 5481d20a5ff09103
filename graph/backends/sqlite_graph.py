"""The engine's storage (:class:`~relgraph.graph.cypher.storage.GraphStorage`) over an SQLite file.

A command that looks up one node reads a few index pages and one row, not the graph: at
a million relationships the snapshot took seconds and most of a gigabyte to read before
answering anything. Reads in the matcher's inner loops must still cost about a dict
lookup, so decoded rows and adjacency lists are kept in per-process caches; the caches
are dropped when a transaction rolls back and when another process committed (SQLite's
``PRAGMA data_version`` says so, checked when a read or write starts).

Writes happen inside :meth:`SqliteGraph.transaction`: ``BEGIN IMMEDIATE`` is the
cross-process writer lock, an exception rolls everything back, and the counters
(:mod:`.sqlite_schema`) are written in the same transaction as the rows. New rows are
buffered and inserted in batches (``executemany``) until the next statement that could
read them, which makes loading into an empty store a stream of bulk inserts.

Every decoded row's checksum is verified and its fields checked as the snapshot decoder
checks them; a failure, or any error SQLite reports about the file, is a StoreError
naming the file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from relgraph.graph.backends.snapshot_codec import BodyError, pack_value, property_problem, unpack_value
from relgraph.graph.backends.sqlite_schema import bytes_text, row_sum, text_bytes
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import StoreError

INDEXED_PROPERTIES = ("key", "name")
NAMED_BY = ("key", "name", "aliases")  # what node_names holds, casefolded
#: Entries a cache may hold before it starts again: a scan of a huge graph must not keep it all.
CACHE_LIMIT = 1 << 18
#: Buffered rows that trigger a batch insert.
BATCH_ROWS = 20_000
REBUILD = "delete it and run 'relgraph load' with its sources to rebuild it"
INT64 = (-(2**63), 2**63 - 1)

class MissingRow(StoreError, KeyError):
    """A node or relationship an index or an adjacency lists but the table does not hold: the
    file is damaged. A KeyError too, as a lookup of an id that is not there is in memory."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


NodeRow = tuple[list[str], dict[str, Any]]
RelRow = tuple[int, int, str, dict[str, Any]]
Adjacency = list[tuple[int, int, str]]  # (rel id, other node, type)


def index_value(value: Any) -> int | float | bytes | None:
    """The value the equality index holds for ``value``, None when it is not indexed.

    Strings become tagged bytes and booleans other tagged bytes, so neither ever equals a
    number in SQLite (``true = 1`` is false in Cypher); integers and floats stay numbers,
    which SQLite compares as Cypher does (1 = 1.0). Callers re-check candidates.
    """
    if isinstance(value, bool):
        return b"b1" if value else b"b0"
    if isinstance(value, int):
        return value if INT64[0] <= value <= INT64[1] else None
    if isinstance(value, float):
        return value if value == value else None  # NaN equals nothing
    if isinstance(value, str):
        return b"s" + text_bytes(value)
    return None


def folded_names(props: dict[str, Any]) -> set[bytes]:
    """The casefolded key, name and aliases of a node, as node_names holds them."""
    found = [props.get("key"), props.get("name")]
    aliases = props.get("aliases")
    if isinstance(aliases, list):
        found += aliases
    return {text_bytes(n.casefold()) for n in found if isinstance(n, str)}


class SqliteGraph:
    """Nodes and relationships in an SQLite store, with the reads the engine needs cached."""

    def __init__(self, db: sqlite3.Connection, name: str):
        self._db = db
        self.name = name  # the file, for messages
        self._lock = threading.RLock()
        self._readers = 0
        self._writing = False
        self._version: int | None = None
        self._pending: dict[str, list[tuple[Any, ...]]] = {}
        self._drop_caches()

    # --- SQL, errors and caches -------------------------------------------------------

    def error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(f"the store {self.name} is busy: another relgraph is writing to it ({text})")
        code = str(getattr(exc, "sqlite_errorname", ""))
        if code.startswith("SQLITE_IOERR") or code in ("SQLITE_FULL", "SQLITE_CANTOPEN"):
            return StoreError(f"{self.name}: cannot read or write the store ({text}: a full disk, a file "
                              "size limit (ulimit -f) or a file relgraph may not write?)")
        if "readonly" in text:
            return StoreError(f"{self.name} is read-only; make it writable (chmod u+w) to change this "
                              "store, or give another --store")
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            return StoreError(f"{self.name} is damaged ({text}); {REBUILD}")
        return StoreError(f"the store {self.name}: {text}")

    def damaged(self, what: str) -> StoreError:
        return StoreError(f"{self.name} is damaged ({what}); {REBUILD}")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            if self._pending:
                self._flush_inserts()
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self.error(exc) from None
        except UnicodeDecodeError:  # a text column whose bytes are not UTF-8 any more
            raise self.damaged("a text that is not UTF-8") from None

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows of a query a thousand at a time: a scan of a large store never holds the
        whole table."""
        try:
            if self._pending:
                self._flush_inserts()
            cursor = self._db.execute(sql, params)
            while rows := cursor.fetchmany(1000):
                yield from rows
        except sqlite3.Error as exc:
            raise self.error(exc) from None
        except UnicodeDecodeError:
            raise self.damaged("a text that is not UTF-8") from None

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._rows(sql, params)

    def _ids(self, sql: str, params: Sequence[Any] = ()) -> list[int]:
        ids = [row[0] for row in self._rows(sql, params)]
        if not all(type(i) is int for i in ids):
            raise self.damaged("an index holds an id that is not a number")
        return ids

    def _buffer(self, sql: str, row: tuple[Any, ...]) -> None:
        rows = self._pending.setdefault(sql, [])
        rows.append(row)
        if len(rows) >= BATCH_ROWS:
            self._flush_inserts()

    def _flush_inserts(self) -> None:
        pending, self._pending = self._pending, {}
        try:
            for sql, rows in pending.items():
                self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self.error(exc) from None

    def _drop_caches(self) -> None:
        self._nodes: dict[int, NodeRow] = {}
        self._rels: dict[int, RelRow] = {}
        self._out: dict[int, Adjacency] = {}
        self._in: dict[int, Adjacency] = {}
        self._counts: dict[tuple[str, bytes], int] | None = None
        self._dirty: set[tuple[str, bytes]] = set()
        self._next: list[int] | None = None
        self._created: set[int] = set()  # nodes of the open transaction: has_node without a read

    def _sync(self) -> bool:
        """Drop the caches if another process committed since they were filled."""
        version = self._rows("PRAGMA data_version")[0][0]
        if version == self._version:
            return False
        self._version = version
        self._drop_caches()
        return True

    def data_version(self) -> int:
        """Changes whenever another connection commits (our own commits leave it alone)."""
        with self._lock:
            return int(self._rows("PRAGMA data_version")[0][0])

    def sync(self) -> bool:
        """Take up another process's commits (drop the caches); True when there were any."""
        with self._lock:
            return self._sync()

    @contextmanager
    def reading(self) -> Iterator[SqliteGraph]:
        """One consistent view of the file for everything read inside (nested and shared by
        threads: the view ends with the last reader)."""
        with self._lock:
            begin = not self._writing and not self._db.in_transaction
            if begin:
                self._run("BEGIN")
                self._rows("SELECT 1 FROM meta LIMIT 1")  # the read snapshot starts here
                self._sync()
            self._readers += 1
        try:
            yield self
        finally:
            with self._lock:
                self._readers -= 1
                if not self._readers and not self._writing and self._db.in_transaction:
                    self._run("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[SqliteGraph]:
        """All writes inside commit together or not at all; other processes wait for the lock."""
        with self._lock:
            if self._writing:
                raise RuntimeError("transactions do not nest")
            if self._db.in_transaction:  # a read view of this thread: a write starts a new one
                self._run("COMMIT")
            self._run("BEGIN IMMEDIATE")
            self._writing = True
            committing = False
            try:
                self._sync()
                yield self
                self._flush_counts()
                committing = True
                self._run("COMMIT")
                self._created = set()
            except BaseException:
                if committing and not self._db.in_transaction:
                    # COMMIT returned and the write is on disk; what came after it (a Ctrl-C
                    # between two bytecodes) must not make the caller report "nothing changed"
                    self._created = set()
                    return
                self._pending = {}
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                self._drop_caches()
                raise
            finally:
                self._writing = False

    @property
    def in_transaction(self) -> bool:
        return self._writing

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- counters -------------------------------------------------------------------

    def _counters(self) -> dict[tuple[str, bytes], int]:
        counts = self._counts
        if counts is None:
            rows = self._rows("SELECT kind, name, count, sum FROM counters")
            if not all(type(k) is str and type(n) is bytes and type(c) is int and type(x) is int
                       and _counter_sum(k, n, c) == x for k, n, c, x in rows):
                raise self.damaged("a counter's checksum does not match its row")
            counts = self._counts = {(kind, name): count for kind, name, count, _ in rows}
        return counts

    def _count(self, kind: str, name: bytes, delta: int) -> None:
        counts = self._counters()
        key = (kind, name)
        counts[key] = counts.get(key, 0) + delta
        self._dirty.add(key)

    def _flush_counts(self) -> None:
        counts = self._counters()
        for key in self._dirty:
            if counts.get(key):
                self._run("INSERT INTO counters VALUES (?, ?, ?, ?) ON CONFLICT (kind, name) "
                          "DO UPDATE SET count = excluded.count, sum = excluded.sum",
                          (*key, counts[key], _counter_sum(*key, counts[key])))
            else:
                self._run("DELETE FROM counters WHERE kind = ? AND name = ?", key)
        self._dirty.clear()
        if self._next is not None:
            self._run("UPDATE meta SET value = ? WHERE name = 'next_node_id'", (self._next[0],))
            self._run("UPDATE meta SET value = ? WHERE name = 'next_rel_id'", (self._next[1],))
        if self._pending:
            self._flush_inserts()

    def _next_ids(self) -> list[int]:
        if self._next is None:
            found = dict(self._rows("SELECT name, value FROM meta"))
            nexts = [found.get("next_node_id"), found.get("next_rel_id")]
            if not all(type(n) is int and n >= 0 for n in nexts):
                raise self.damaged("the next ids are not numbers")
            self._next = [int(n) for n in nexts if n is not None]
        return self._next

    def _named(self, kind: str) -> dict[str, int]:
        try:
            return {bytes_text(name): c for (k, name), c in self._counters().items() if k == kind and c}
        except UnicodeDecodeError:
            raise self.damaged(f"a {kind} counter's name is not text") from None

    def node_count(self) -> int:
        return self._counters().get(("nodes", b""), 0)

    def rel_count(self) -> int:
        return self._counters().get(("rels", b""), 0)

    def label_count(self, label: str) -> int:
        return self._counters().get(("label", text_bytes(label)), 0)

    def type_count(self, rel_type: str) -> int:
        return self._counters().get(("type", text_bytes(rel_type)), 0)

    def label_counts(self) -> dict[str, int]:
        return self._named("label")

    def type_counts(self) -> dict[str, int]:
        return self._named("type")

    def label_sets(self) -> list[tuple[str, ...]]:
        """Each distinct combination of labels, sorted: from the counters, not the nodes."""
        found = []
        for (kind, name), count in self._counters().items():
            if kind == "labelset" and count:
                found.append(tuple(self._labels(name, "a label combination counter")))
        return sorted(found)

    # --- decoding rows ----------------------------------------------------------------

    def _labels(self, blob: bytes, what: str) -> list[str]:
        try:
            labels = unpack_value(blob)
        except BodyError as exc:
            raise self.damaged(f"{what}: {exc}") from None
        if type(labels) is not list or any(type(x) is not str for x in labels) or \
                len(set(labels)) != len(labels):
            raise self.damaged(f"{what} has labels that are not a list of distinct texts")
        return labels

    def _props(self, blob: bytes, what: str) -> dict[str, Any]:
        try:
            props = unpack_value(blob)
        except BodyError as exc:
            raise self.damaged(f"{what}: {exc}") from None
        problem = property_problem(props)
        if problem:
            raise self.damaged(f"{what} has {problem}")
        assert isinstance(props, dict)
        return props

    def decode_node(self, nid: int, labels: bytes, props: bytes, checksum: int) -> NodeRow:
        if not (type(labels) is bytes and type(props) is bytes and type(checksum) is int):
            raise self.damaged(f"the row of node {nid} has fields of the wrong type")
        if row_sum(b"n%d" % nid, labels, props) != checksum:
            raise self.damaged(f"the checksum of node {nid} does not match its row")
        return self._labels(labels, f"node {nid}"), self._props(props, f"node {nid}")

    def decode_rel(self, rid: int, start: int, end: int, rel_type: bytes, props: bytes,
                   checksum: int) -> RelRow:
        if not (type(start) is int and type(end) is int and type(rel_type) is bytes
                and type(props) is bytes and type(checksum) is int):
            raise self.damaged(f"the row of relationship {rid} has fields of the wrong type")
        if row_sum(b"r%d:%d:%d" % (rid, start, end), rel_type, props) != checksum:
            raise self.damaged(f"the checksum of relationship {rid} does not match its row")
        try:
            type_name = bytes_text(rel_type)
        except UnicodeDecodeError:
            raise self.damaged(f"relationship {rid} has a type that is not text") from None
        return start, end, type_name, self._props(props, f"relationship {rid}")

    def _node(self, nid: int) -> NodeRow:
        found = self._nodes.get(nid)
        if found is None:
            rows = self._rows("SELECT labels, props, sum FROM nodes WHERE id = ?", (nid,))
            if not rows:
                raise MissingRow(f"{self.name} has no node {nid}")
            if len(self._nodes) >= CACHE_LIMIT:
                self._nodes.clear()
            found = self._nodes[nid] = self.decode_node(nid, *rows[0])
        return found

    def _rel(self, rid: int) -> RelRow:
        found = self._rels.get(rid)
        if found is None:
            rows = self._rows("SELECT start, end, type, props, sum FROM rels WHERE id = ?", (rid,))
            if not rows:
                raise MissingRow(f"{self.name} has no relationship {rid}")
            if len(self._rels) >= CACHE_LIMIT:
                self._rels.clear()
            found = self._rels[rid] = self.decode_rel(rid, *rows[0])
        return found

    def _adjacency(self, nid: int, outgoing: bool) -> Adjacency:
        cache = self._out if outgoing else self._in
        found = cache.get(nid)
        if found is None:
            sql = ("SELECT id, end, type FROM rels WHERE start = ? ORDER BY id" if outgoing
                   else "SELECT id, start, type FROM rels WHERE end = ? ORDER BY id")
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            rows = self._rows(sql, (nid,))
            if not all(type(r) is int and type(o) is int and type(t) is bytes for r, o, t in rows):
                raise self.damaged(f"the relationships of node {nid} have fields of the wrong type")
            try:
                found = cache[nid] = [(rid, other, bytes_text(t)) for rid, other, t in rows]
            except UnicodeDecodeError:
                raise self.damaged(f"a relationship of node {nid} has a type that is not text") from None
        return found

    # --- reads ----------------------------------------------------------------------

    def _paged(self, table: str) -> Iterator[int]:
        """Ids in order, a page at a time: a scan that stops early (the typo check stops at the
        first node having the keys a query names) reads a page, not the table."""
        last = -1
        while True:
            ids = self._ids(f"SELECT id FROM {table} WHERE id > ? ORDER BY id LIMIT 512", (last,))
            yield from ids
            if len(ids) < 512:
                return
            last = ids[-1]

    def node_ids(self) -> Iterator[int]:
        return self._paged("nodes")

    def has_node(self, nid: int) -> bool:
        if nid in self._nodes or nid in self._created:
            return True
        return bool(self._rows("SELECT 1 FROM nodes WHERE id = ?", (nid,)))

    def nodes_with_label(self, label: str) -> list[int]:
        return self._ids("SELECT node FROM node_labels WHERE label = ?", (text_bytes(label),))

    def nodes_with_property(self, prop: str, value: Any) -> list[int] | None:
        if prop not in INDEXED_PROPERTIES:
            return None
        k = index_value(value)
        if k is None:
            return None
        return self._ids("SELECT node FROM node_values WHERE prop = ? AND value = ?", (prop, k))

    def nodes_named(self, text: str) -> list[int]:
        """Nodes whose key, name or an alias is ``text``, casefolded (the names index)."""
        return self._ids("SELECT node FROM node_names WHERE name = ? ORDER BY node",
                         (text_bytes(text.casefold()),))

    def labels(self, nid: int) -> list[str]:
        return self._node(nid)[0]

    def node_properties(self, nid: int) -> dict[str, Any]:
        return self._node(nid)[1]

    def degree(self, nid: int) -> int:
        return len(self._adjacency(nid, True)) + len(self._adjacency(nid, False))

    def rel_ids(self) -> Iterator[int]:
        return self._paged("rels")

    def has_rel(self, rid: int) -> bool:
        return rid in self._rels or bool(self._rows("SELECT 1 FROM rels WHERE id = ?", (rid,)))

    def rels_with_type(self, rel_type: str) -> list[int]:
        return self._ids("SELECT id FROM rels WHERE type = ? ORDER BY id", (text_bytes(rel_type),))

    def rel_ends(self, rid: int) -> tuple[int, int]:
        start, end, _, _ = self._rel(rid)
        return start, end

    def rel_type(self, rid: int) -> str:
        return self._rel(rid)[2]

    def rel_properties(self, rid: int) -> dict[str, Any]:
        return self._rel(rid)[3]

    def out_rels(self, nid: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        return self.adjacent_rels(nid, "out", types)

    def in_rels(self, nid: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        return self.adjacent_rels(nid, "in", types)

    def adjacent_rels(self, nid: int, direction: str,
                      types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        """``(rel_id, other_node)`` for ``direction`` "out", "in" or "both" (a self-loop once)."""
        wanted = types if types is None or isinstance(types, (set, frozenset)) else set(types)
        out: list[tuple[int, int]] = []
        if direction in ("out", "both"):
            out += [(rid, other) for rid, other, t in self._adjacency(nid, True)
                    if wanted is None or t in wanted]
        if direction in ("in", "both"):
            skip_loops = direction == "both"
            out += [(rid, other) for rid, other, t in self._adjacency(nid, False)
                    if (wanted is None or t in wanted) and not (skip_loops and other == nid)]
        return out

    # --- results ----------------------------------------------------------------------

    def node_value(self, nid: int) -> Node:
        labels, props = self._node(nid)
        return Node(str(nid), labels, props)

    def rel_value(self, rid: int, nodes: dict[int, Node] | None = None) -> Relationship:
        u, v, rel_type, props = self._rel(rid)
        start = nodes[u] if nodes and u in nodes else self.node_value(u)
        end = nodes[v] if nodes and v in nodes else self.node_value(v)
        return Relationship(str(rid), rel_type, start, end, props)

    def scan_nodes(self, labels: Iterable[str] | None = None) -> Iterator[Node]:
        """Every node (with any of ``labels``), in id order, decoded without filling the cache:
        an export of a large store must not keep the store in memory twice."""
        params: tuple[bytes, ...] = ()
        if labels is None:
            sql = "SELECT id, labels, props, sum FROM nodes ORDER BY id"
        else:
            names = [text_bytes(label) for label in labels]
            sql = ("SELECT id, labels, props, sum FROM nodes WHERE id IN (SELECT node FROM node_labels "
                   f"WHERE label IN ({','.join('?' * len(names))})) ORDER BY id")
            params = tuple(names)
        for nid, *row in self._stream(sql, params):
            yield Node(str(nid), *self.decode_node(nid, *row))

    def scan_rels(self, types: Iterable[str] | None = None) -> Iterator[tuple[int, RelRow]]:
        """Every relationship (of ``types``) in id order, decoded without filling the cache."""
        sql = "SELECT id, start, end, type, props, sum FROM rels"
        params: tuple[bytes, ...] = ()
        if types is not None:
            params = tuple(text_bytes(t) for t in types)
            sql += f" WHERE type IN ({','.join('?' * len(params))})"
        for rid, *row in self._stream(sql + " ORDER BY id", params):
            yield rid, self.decode_rel(rid, *row)

    def fetch_nodes(self, ids: Sequence[int]) -> dict[int, Node]:
        """The nodes of ``ids`` that exist, decoded without filling the cache (an export reads
        a whole store this way, a chunk at a time)."""
        found: dict[int, Node] = {}
        for part in range(0, len(ids), 500):
            chunk = ids[part:part + 500]
            sql = f"SELECT id, labels, props, sum FROM nodes WHERE id IN ({','.join('?' * len(chunk))})"
            for nid, *row in self._rows(sql, chunk):
                found[nid] = Node(str(nid), *self.decode_node(nid, *row))
        return found

    def fetch_rels(self, ids: Sequence[int]) -> dict[int, Relationship]:
        """The relationships of ``ids`` that exist, with their end nodes, without the cache."""
        rows: dict[int, RelRow] = {}
        for part in range(0, len(ids), 500):
            chunk = ids[part:part + 500]
            sql = ("SELECT id, start, end, type, props, sum FROM rels "
                   f"WHERE id IN ({','.join('?' * len(chunk))})")
            for rid, *row in self._rows(sql, chunk):
                rows[rid] = self.decode_rel(rid, *row)
        ends = self.fetch_nodes(sorted({n for start, end, _t, _p in rows.values() for n in (start, end)}))
        return {rid: Relationship(str(rid), rel_type, ends[start], ends[end], props)
                for rid, (start, end, rel_type, props) in rows.items()}

    def to_networkx(self) -> Any:
        """The whole graph as a networkx MultiDiGraph in the snapshot's layout (what notebook
        users get from :func:`~.snapshot.read_snapshot`). networkx is imported here only:
        commands that open the store do not pay for it."""
        import networkx as nx

        with self.reading():
            g: nx.MultiDiGraph[int] = nx.MultiDiGraph()
            nexts = self._next_ids()
            g.graph.update(next_node_id=nexts[0], next_rel_id=nexts[1])
            for node in self.scan_nodes():
                g.add_node(int(node.element_id), labels=list(node.label_order), properties=dict(node))
            for rid, (start, end, rel_type, props) in self.scan_rels():
                g.add_edge(start, end, key=rid, type=rel_type, properties=props)
        return g

    # --- writes ---------------------------------------------------------------------

    def _write_node(self, nid: int, labels: list[str], props: dict[str, Any], new: bool) -> None:
        labels_blob, props_blob = pack_value(labels), pack_value(props)
        row = (labels_blob, props_blob, row_sum(b"n%d" % nid, labels_blob, props_blob))
        if new:
            self._buffer("INSERT INTO nodes VALUES (?, ?, ?, ?)", (nid, *row))
        else:
            self._run("UPDATE nodes SET labels = ?, props = ?, sum = ? WHERE id = ?", (*row, nid))
        if len(self._nodes) < CACHE_LIMIT and not new:
            self._nodes[nid] = (labels, props)
        else:
            self._nodes.pop(nid, None)

    def _write_rel(self, rid: int, row: RelRow, new: bool) -> None:
        start, end, rel_type, props = row
        type_blob, props_blob = text_bytes(rel_type), pack_value(props)
        checksum = row_sum(b"r%d:%d:%d" % (rid, start, end), type_blob, props_blob)
        if new:
            self._buffer("INSERT INTO rels VALUES (?, ?, ?, ?, ?, ?)",
                         (rid, start, end, type_blob, props_blob, checksum))
        else:
            self._run("UPDATE rels SET props = ?, sum = ? WHERE id = ?", (props_blob, checksum, rid))
            self._rels[rid] = row

    def _index(self, nid: int, props: dict[str, Any], add: bool) -> None:
        for prop in INDEXED_PROPERTIES:
            k = index_value(props.get(prop))
            if k is None:
                continue
            if add:
                self._buffer("INSERT OR IGNORE INTO node_values VALUES (?, ?, ?)", (prop, k, nid))
            else:
                self._run("DELETE FROM node_values WHERE prop = ? AND value = ? AND node = ?", (prop, k, nid))
        for name in folded_names(props):
            if add:
                self._buffer("INSERT OR IGNORE INTO node_names VALUES (?, ?)", (name, nid))
            else:
                self._run("DELETE FROM node_names WHERE name = ? AND node = ?", (name, nid))

    def _label_rows(self, nid: int, labels: Iterable[str], add: bool, delta_set: int) -> None:
        for label in labels:
            if add:
                self._buffer("INSERT INTO node_labels VALUES (?, ?)", (text_bytes(label), nid))
            else:
                self._run("DELETE FROM node_labels WHERE label = ? AND node = ?", (text_bytes(label), nid))
            self._count("label", text_bytes(label), 1 if add else -1)

    def _count_set(self, labels: list[str], delta: int) -> None:
        self._count("labelset", pack_value(sorted(labels)), delta)

    def create_node(self, labels: Iterable[str], properties: dict[str, Any]) -> int:
        nexts = self._next_ids()
        nid = nexts[0]
        nexts[0] += 1
        self.put_node(nid, list(dict.fromkeys(labels)), dict(properties))
        return nid

    def put_node(self, nid: int, labels: list[str], props: dict[str, Any]) -> None:
        """A new node with its id chosen by the caller (a conversion keeps the snapshot's ids)."""
        self._write_node(nid, labels, props, new=True)
        self._label_rows(nid, labels, True, 1)
        self._index(nid, props, True)
        self._count("nodes", b"", 1)
        self._count_set(labels, 1)
        self._created.add(nid)

    def delete_node(self, nid: int) -> None:
        """Delete a node that has no relationships (callers detach first)."""
        if self.degree(nid):
            raise ValueError(f"node {nid} still has relationships")
        labels, props = self._node(nid)
        self._run("DELETE FROM nodes WHERE id = ?", (nid,))
        self._label_rows(nid, labels, False, -1)
        self._index(nid, props, False)
        self._count("nodes", b"", -1)
        self._count_set(labels, -1)
        for cache in (self._nodes, self._out, self._in):
            cache.pop(nid, None)
        self._created.discard(nid)

    def create_rel(self, start: int, end: int, rel_type: str, properties: dict[str, Any]) -> int:
        if not (self.has_node(start) and self.has_node(end)):
            raise ValueError("both endpoints must exist")
        nexts = self._next_ids()
        rid = nexts[1]
        nexts[1] += 1
        self.put_rel(rid, start, end, rel_type, dict(properties))
        return rid

    def put_rel(self, rid: int, start: int, end: int, rel_type: str, props: dict[str, Any]) -> None:
        """A new relationship with its id chosen by the caller; its ends must exist."""
        self._write_rel(rid, (start, end, rel_type, props), new=True)
        if start in self._out:
            self._out[start].append((rid, end, rel_type))
        if end in self._in:
            self._in[end].append((rid, start, rel_type))
        self._count("rels", b"", 1)
        self._count("type", text_bytes(rel_type), 1)

    def set_next_ids(self, next_node: int, next_rel: int) -> None:
        """Where ids continue (a conversion carries the snapshot's over)."""
        nexts = self._next_ids()
        nexts[:] = [next_node, next_rel]

    def delete_rel(self, rid: int) -> None:
        start, end, rel_type, _ = self._rel(rid)
        self._run("DELETE FROM rels WHERE id = ?", (rid,))
        self._rels.pop(rid, None)
        for cache, nid in ((self._out, start), (self._in, end)):
            if nid in cache:
                cache[nid] = [entry for entry in cache[nid] if entry[0] != rid]
        self._count("rels", b"", -1)
        self._count("type", text_bytes(rel_type), -1)

    def set_node_property(self, nid: int, prop: str, value: Any) -> None:
        """Set a property; ``None`` removes it, as in Cypher."""
        labels, old = self._node(nid)
        props = _with(old, prop, value)
        if prop in NAMED_BY:
            self._index(nid, old, False)
        self._write_node(nid, labels, props, new=False)
        if prop in NAMED_BY:
            self._index(nid, props, True)

    def set_rel_property(self, rid: int, prop: str, value: Any) -> None:
        start, end, rel_type, old = self._rel(rid)
        self._write_rel(rid, (start, end, rel_type, _with(old, prop, value)), new=False)

    def add_label(self, nid: int, label: str) -> bool:
        """Add a label; returns False when the node already had it."""
        labels, props = self._node(nid)
        if label in labels:
            return False
        self._relabel(nid, labels, [*labels, label], props)
        self._label_rows(nid, [label], True, 1)
        return True

    def remove_label(self, nid: int, label: str) -> bool:
        labels, props = self._node(nid)
        if label not in labels:
            return False
        self._relabel(nid, labels, [x for x in labels if x != label], props)
        self._label_rows(nid, [label], False, -1)
        return True

    def _relabel(self, nid: int, old: list[str], new: list[str], props: dict[str, Any]) -> None:
        self._count_set(old, -1)
        self._count_set(new, 1)
        self._write_node(nid, new, props, new=False)

    def clear(self) -> None:
        """Remove every node and relationship; ids keep counting (they are never reused)."""
        nexts = list(self._next_ids())
        for table in ("nodes", "rels", "node_labels", "node_values", "node_names"):
            self._run(f"DELETE FROM {table}")
        counts = self._counters()
        self._dirty.update(counts)
        counts.clear()
        dirty = self._dirty
        self._drop_caches()
        self._counts, self._dirty, self._next = {}, dirty, nexts


def _counter_sum(kind: str, name: bytes, count: int) -> int:
    return row_sum(b"c" + kind.encode(), name, str(count).encode())


def _with(props: dict[str, Any], prop: str, value: Any) -> dict[str, Any]:
    """A copy of ``props`` with ``prop`` set (None removes it): cached dicts handed to earlier
    results are never changed under them."""
    changed = dict(props)
    if value is None:
        changed.pop(prop, None)
    else:
        changed[prop] = value
    return changed

