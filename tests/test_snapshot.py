"""The embedded store's files: the SQLite store and the format-3 snapshot it is converted from.
Neither ever runs code, damage is caught (in the store: per row, see docs/reliability.md), and
a write that was committed stays committed, whatever interrupts the steps after it.

Real files throughout; the CLI runs as a real subprocess where the test is about what a
user sees.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgpack
import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.backends.snapshot import (
    MAGIC,
    SnapshotError,
    load_snapshot,
    read_snapshot,
    write_snapshot,
)
from relgraph.graph.backends.sqlite_graph import SqliteGraph
from relgraph.graph.backends.sqlite_schema import SQLITE_MAGIC
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.temporal import (
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
)

ROOT = Path(__file__).resolve().parents[1]

#: One of every kind of property value the engine can store.
VALUES: dict[str, Any] = {
    "text": "Tashkent", "surrogate": "a\ud800b", "empty": "", "yes": True, "no": False,
    "int": 42, "min": -(2**63), "max": 2**63 - 1, "beyond": 2**70, "below": -(2**70),
    "float": 1.5, "nan": float("nan"), "inf": float("inf"), "ninf": float("-inf"), "nzero": -0.0,
    "date": Date(19000), "localtime": LocalTime(1), "time": Time(3_600 * 10**9, -3600),
    "localdatetime": LocalDateTime(-800_000, 5), "datetime": DateTime(19000, 7, 32400, "Asia/Seoul"),
    "fixed": DateTime(1, 2, -18000), "duration": Duration(14, -3, 86_401, 999_999_999),
    "ints": [1, 2, 3], "floats": [1.0, float("nan")], "mixed_numbers": [1, 2.5], "texts": ["a", "b"],
    "flags": [True], "dates": [Date(1), Date(2)], "none": [],
}


def sample_graph() -> PropertyGraph:
    g = PropertyGraph()
    a = g.create_node(["Person", "Leader"], dict(VALUES))
    b = g.create_node(["Country"], {"key": "uz", "name": "Uzbekistan"})
    c = g.create_node([], {})
    g.create_rel(a, b, "VISITED", {"year": 2019, "when": Date(18000)})
    g.create_rel(a, b, "VISITED", {"year": 2024})
    g.create_rel(b, a, "HOSTED", {})
    g.create_rel(c, c, "SELF", {"dates": [Date(3)]})
    g.delete_node(g.create_node(["Gone"], {}))  # ids with a gap, next ids beyond them
    return g


def fingerprint(g: Any) -> str:
    """Everything a graph holds, as text in which NaN equals NaN and -0.0 differs from 0.0."""
    nodes = [(n, d["labels"], sorted((k, repr(v), type(v).__name__) for k, v in d["properties"].items()))
             for n, d in g.nodes(data=True)]
    rels = [(u, v, k, d["type"], sorted((p, repr(x)) for p, x in d["properties"].items()))
            for u, v, k, d in g.edges(keys=True, data=True)]
    return repr((sorted(g.graph.items()), nodes, sorted(rels)))


def test_every_value_type_survives_a_round_trip_in_the_snapshot_format(tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    g = sample_graph()
    write_snapshot(g.g, path)
    assert path.read_bytes()[len(MAGIC):len(MAGIC) + 2] == (3).to_bytes(2, "big")
    loaded, _ = load_snapshot(path)
    assert fingerprint(loaded) == fingerprint(g.g)
    assert math.copysign(1, loaded.nodes[0]["properties"]["nzero"]) == -1
    # the adjacency order is kept, so neighbours are listed as before the save
    assert [list(loaded.succ[n]) for n in loaded] == [list(g.g.succ[n]) for n in g.g]


def test_a_snapshot_becomes_a_store_holding_every_value_and_id(tmp_path: Path) -> None:
    """The conversion keeps every value type, the ids (with their gap) and where ids go on."""
    path = tmp_path / "g.snapshot"
    g = sample_graph()
    write_snapshot(g.g, path)
    store = NetworkxStore(path)  # converts it
    assert path.read_bytes().startswith(SQLITE_MAGIC)
    converted = read_snapshot(path)
    assert fingerprint(converted) == fingerprint(g.g)
    assert math.copysign(1, converted.nodes[0]["properties"]["nzero"]) == -1
    assert [list(converted.succ[n]) for n in converted] == [list(g.g.succ[n]) for n in g.g]
    assert store.run("MATCH (p:Person)-[v:VISITED]->(c {key: 'uz'}) RETURN count(v) AS n").value("n") == [2]
    assert store.run("CREATE (n:New) RETURN id(n) AS id", write=True).value("id") == [4]  # 3 was deleted


def store_state(path: Path) -> str:
    """What a store holds as its readers see it: every row, and the counters stats reads."""
    store = NetworkxStore(path)
    try:
        return fingerprint(read_snapshot(path)) + repr((store.counts(), store.label_sets()))
    finally:
        store.close()


def test_every_flipped_byte_of_a_store_is_an_error_or_changes_nothing(tmp_path: Path) -> None:
    """Flip bytes all over a small store (every 5th: pages, cell headers, rows, free space): each
    copy either fails with StoreError naming the file or reads exactly as the original, rows and
    counters alike (a flip in unused space changes nothing). Indexes are not part of this:
    docs/reliability.md says what damage there can do."""
    path = tmp_path / "g.snapshot"
    write_snapshot(sample_graph().g, path)
    NetworkxStore(path).close()  # converted, and every connection closed: one file, no WAL
    good = path.read_bytes()
    expected = store_state(path)
    damaged = tmp_path / "damaged.snapshot"
    altered = []
    for i in range(0, len(good), 5):
        for suffix in ("-wal", "-shm"):
            Path(f"{damaged}{suffix}").unlink(missing_ok=True)
        damaged.write_bytes(good[:i] + bytes([good[i] ^ 0xFF]) + good[i + 1:])
        try:
            state = store_state(damaged)
        except StoreError as exc:
            assert str(damaged) in str(exc)
            continue
        if state != expected:
            altered.append(i)
    assert not altered


def test_every_single_byte_corruption_is_caught(tmp_path: Path) -> None:
    """Flip each byte of a small snapshot, and cut it at every length: each copy either fails
    with SnapshotError naming the file or (impossible with a checksum) loads identical data."""
    path = tmp_path / "g.snapshot"
    write_snapshot(sample_graph().g, path)
    good = path.read_bytes()
    expected = fingerprint(load_snapshot(path)[0])
    damaged = tmp_path / "damaged.snapshot"
    altered = []
    copies = [good[:i] + bytes([good[i] ^ flip]) + good[i + 1:]
              for i in range(len(good)) for flip in (1, 0xFF)]
    copies += [good[:cut] for cut in range(1, len(good))]
    for copy in copies:
        damaged.write_bytes(copy)
        try:
            graph, _ = load_snapshot(damaged)
        except SnapshotError as exc:
            assert str(damaged) in str(exc)
            continue
        if fingerprint(graph) != expected:
            altered.append(copy)
    assert not altered


def old_pickle_that_writes(marker: Path) -> bytes:
    """A format 2 snapshot whose pickle would create ``marker`` when loaded."""

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    return MAGIC + (2).to_bytes(2, "big") + os.urandom(16) + pickle.dumps(Payload())


def test_an_old_pickle_snapshot_is_refused_without_being_unpickled(tmp_path: Path) -> None:
    store, marker = tmp_path / "old.snapshot", tmp_path / "code-ran"
    store.write_bytes(old_pickle_that_writes(marker))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "relgraph.cli", "--backend", "networkx", "--store",
                           str(store), "stats"], capture_output=True, text=True, env=env, timeout=300)
    assert not marker.exists()
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert str(store) in lines[0] and "pickle" in lines[0] and "relgraph load" in lines[0]
    with pytest.raises(SnapshotError, match="could run code"):
        NetworkxStore(store)
    assert not marker.exists()


# --- a well-formed body with a valid checksum, but a crafted structure ------------------------


def craft(path: Path, meta: Any, nodes: Any, rels: Any) -> None:
    """A snapshot file whose sections are exactly these objects, with a correct digest."""
    def ext(obj: Any) -> Any:
        if isinstance(obj, Date):
            return msgpack.ExtType(1, msgpack.packb([obj.epoch_day]))
        raise TypeError(obj)

    body = b""
    for part in (meta, nodes, rels):
        packed = part if isinstance(part, bytes) else msgpack.packb(part, default=ext)
        body += len(packed).to_bytes(8, "big") + packed
    prefix = MAGIC + (3).to_bytes(2, "big") + b"t" * 16
    digest = hashlib.blake2b(prefix + body, digest_size=32).digest()
    path.write_bytes(prefix + digest + body)


def base() -> tuple[list[Any], list[Any], list[Any]]:
    meta = [3, 2, 2, 1]
    nodes = [[0, 2], [["A"], []], [{"key": "a", "when": Date(5)}, {}]]
    rels = [[1], [0], [2], ["R"], [{"w": [1.5, 2]}]]
    return meta, nodes, rels


def ext_raw(code: int, fields: Any) -> msgpack.ExtType:
    return msgpack.ExtType(code, msgpack.packb(fields))


CRAFTED: dict[str, Any] = {
    "meta is not a list": lambda m, n, r: ({"next": 3}, n, r),
    "a count is negative": lambda m, n, r: ([3, 2, -1, 1], n, r),
    "count disagrees": lambda m, n, r: ([3, 2, 5, 1], n, r),
    "node id is text": lambda m, n, r: (m, [["0", 2], *n[1:]], r),
    "node id is a bool": lambda m, n, r: (m, [[True, 2], *n[1:]], r),
    "node id repeats": lambda m, n, r: (m, [[2, 2], *n[1:]], r),
    "node id at the next id": lambda m, n, r: (m, [[0, 3], *n[1:]], r),
    "node id is a list": lambda m, n, r: (m, [[[0], 2], *n[1:]], r),
    "labels are text": lambda m, n, r: (m, [n[0], ["A", []], n[2]], r),
    "a label is a number": lambda m, n, r: (m, [n[0], [[1], []], n[2]], r),
    "a label twice": lambda m, n, r: (m, [n[0], [["A", "A"], []], n[2]], r),
    "properties are a list": lambda m, n, r: (m, [n[0], n[1], [[], {}]], r),
    "a property is null": lambda m, n, r: (m, [n[0], n[1], [{"x": None}, {}]], r),
    "a property is a map": lambda m, n, r: (m, [n[0], n[1], [{"x": {"y": 1}}, {}]], r),
    "a property is bytes": lambda m, n, r: (m, [n[0], n[1], [{"x": b"\x00"}, {}]], r),
    "a nested list": lambda m, n, r: (m, [n[0], n[1], [{"x": [[1]]}, {}]], r),
    "a mixed list": lambda m, n, r: (m, [n[0], n[1], [{"x": [1, "a"]}, {}]], r),
    "a property name is bytes": lambda m, n, r: (m, [n[0], n[1], [{b"k": 1}, {}]], r),
    "an unknown extension": lambda m, n, r: (m, [n[0], n[1], [{"x": ext_raw(99, [1])}, {}]], r),
    "a date of text": lambda m, n, r: (m, [n[0], n[1], [{"x": ext_raw(1, ["1"])}, {}]], r),
    "a time past midnight": lambda m, n, r: (m, [n[0], n[1], [{"x": ext_raw(2, [10**15])}, {}]], r),
    "an unknown zone": lambda m, n, r: (m, [n[0], n[1], [{"x": ext_raw(5, [1, 2, 0, "Nowhere/X"])}, {}]], r),
    "a small big int": lambda m, n, r: (m, [n[0], n[1], [{"x": msgpack.ExtType(7, b"\x01")}, {}]], r),
    "a relationship to nowhere": lambda m, n, r: (m, n, [r[0], r[1], [7], *r[3:]]),
    "an end that is a list": lambda m, n, r: (m, n, [r[0], [[0]], *r[2:]]),
    "a type that is a number": lambda m, n, r: (m, n, [*r[:3], [5], r[4]]),
    "a relationship id too high": lambda m, n, r: (m, n, [[2], *r[1:]]),
    "a column missing": lambda m, n, r: (m, n, r[:4]),
    "trailing data in a section": lambda m, n, r: (m, msgpack.packb(n, default=lambda o: ext_raw(
        1, [o.epoch_day])) + b"\x00", r),
    "a truncated section": lambda m, n, r: (m, msgpack.packb(n, default=lambda o: ext_raw(
        1, [o.epoch_day]))[:-3], r),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_body_with_a_valid_checksum_is_refused_with_a_message(tmp_path: Path, name: str) -> None:
    path = tmp_path / "crafted.snapshot"
    craft(path, *base())
    assert NetworkxStore(path).counts().relationships == 1  # the untouched body loads
    craft(path, *CRAFTED[name](*base()))
    with pytest.raises(SnapshotError) as caught:
        NetworkxStore(path)
    assert str(path) in str(caught.value)


# --- a committed write is reported as committed ------------------------------------------------


def interrupt_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while syncing a new store file before it is renamed into place."""
    monkeypatch.undo()
    real = os.fsync

    def fsync(fd: int) -> None:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            raise KeyboardInterrupt
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_ctrl_c_while_the_store_is_created_leaves_no_file(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.snapshot"
    store = NetworkxStore(path)
    interrupt_fsync(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        store.run("CREATE (:A {n: 1})", write=True)
    monkeypatch.undo()
    assert not path.exists() and not list(tmp_path.glob(".g.snapshot.*"))
    store.run("CREATE (:A {n: 2})", write=True)
    assert NetworkxStore(path).run("MATCH (a:A) RETURN a.n AS n").value("n") == [2]


def interrupt_at_commit(monkeypatch: pytest.MonkeyPatch, *, after: bool) -> None:
    """Ctrl-C just before SQLite's COMMIT, or just after it returned (between two bytecodes)."""
    monkeypatch.undo()
    real = SqliteGraph._run

    def run(self: SqliteGraph, sql: str, params: Any = ()) -> None:
        if sql == "COMMIT" and self.in_transaction:
            if not after:
                raise KeyboardInterrupt
            real(self, sql, params)
            raise KeyboardInterrupt
        real(self, sql, params)

    monkeypatch.setattr(SqliteGraph, "_run", run)


def test_ctrl_c_after_the_commit_keeps_the_write_and_before_it_rolls_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.snapshot"
    store = NetworkxStore(path)
    store.run("CREATE (:A {n: 1})", write=True)
    interrupt_at_commit(monkeypatch, after=False)
    with pytest.raises(KeyboardInterrupt):
        store.run("CREATE (:A {n: 2})", write=True)
    interrupt_at_commit(monkeypatch, after=True)
    store.run("CREATE (:A {n: 3})", write=True)  # committed: no KeyboardInterrupt, no rollback
    monkeypatch.undo()
    assert store.run("MATCH (a:A) RETURN a.n AS n ORDER BY n").value("n") == [1, 3]
    assert not store.changed_elsewhere()
    assert NetworkxStore(path).run("MATCH (a:A) RETURN a.n AS n ORDER BY n").value("n") == [1, 3]
    assert not list(tmp_path.glob(".g.snapshot.*"))


def test_the_cli_reports_a_load_interrupted_after_its_commit_as_loaded(tmp_path: Path) -> None:
    """``relgraph load`` in a real process that gets Ctrl-C right after SQLite's COMMIT."""
    store = tmp_path / "g.snapshot"
    program = ("import sys\n"
               "from relgraph.graph.backends.sqlite_graph import SqliteGraph\n"
               "real = SqliteGraph._run\n"
               "def run(self, sql, params=()):\n"
               "    real(self, sql, params)\n"
               "    if sql == 'COMMIT' and self.in_transaction:\n"
               "        raise KeyboardInterrupt\n"
               "SqliteGraph._run = run\n"
               "from relgraph.cli import main\n"
               f"sys.exit(main(['--backend', 'networkx', '--store', {str(store)!r}, 'load']))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "interrupted" not in done.stderr
    assert "Loaded" in done.stdout
    assert NetworkxStore(store).counts().nodes > 0
