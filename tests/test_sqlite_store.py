"""The embedded store's SQLite file: what opening, converting and damaging it does, as users meet it.

Real files and real ``relgraph`` processes; the damage is done with ``sqlite3`` the way another
program (or a bad disk) would do it, never by reaching into relgraph.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.backends.snapshot import write_snapshot
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import GraphBatch, NodeKey, NodeSpec, RelSpec

ROOT = Path(__file__).resolve().parents[1]


def relgraph(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "relgraph.cli", "--backend", "networkx", "--store",
                           str(store), *args], capture_output=True, text=True, env=env, timeout=300)


def chain(n: int) -> GraphBatch:
    """People p0..p(n-1), each knowing the next; p1 has an alias."""
    nodes = [NodeSpec(["Person"], {"key": f"p{i}", "name": f"Person {i}"}) for i in range(n)]
    nodes[1].properties["aliases"] = ["Bee"]
    rels = [RelSpec("KNOWS", NodeKey("Person", f"p{i}"), NodeKey("Person", f"p{i + 1}"), {"key": f"k{i}"})
            for i in range(n - 1)]
    return GraphBatch("chain", nodes, rels)


def damage(path: Path, sql: str) -> None:
    """Change the file as another program would, bypassing relgraph."""
    db = sqlite3.connect(path)
    with db:
        db.execute(sql)
    db.close()


def test_a_snapshot_is_converted_once_with_a_one_line_notice(tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    g = PropertyGraph()
    a = g.create_node(["Person"], {"key": "a", "name": "Ann"})
    g.create_rel(a, g.create_node(["City"], {"key": "t", "name": "Tashkent"}), "LIVES_IN", {})
    write_snapshot(g.g, path)
    first = relgraph(path, "stats", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("\n") == 1 and "converted" in first.stderr and str(path) in first.stderr
    second = relgraph(path, "stats", "--format", "json")
    assert second.stderr == "" and second.stdout == first.stdout
    assert '"relationships": 1' in second.stdout


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "g.snapshot"
    store = NetworkxStore(path)
    assert store.counts().nodes == 0 and store.find("x") == [] and store.label_sets() == []
    assert not (tmp_path / "folder").exists()
    store.load(chain(2))  # the first write makes the file: an SQLite store
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert NetworkxStore(path).counts().relationships == 1


def test_find_seeks_keys_names_and_aliases_without_case(tmp_path: Path) -> None:
    """Through the names index, reading only the nodes found: a damaged row elsewhere is not read."""
    path = tmp_path / "g.snapshot"
    NetworkxStore(path).load(chain(6))
    damage(path, "UPDATE nodes SET props = X'80' WHERE id = 5")
    store = NetworkxStore(path)
    with pytest.raises(StoreError, match="node 5"):
        store.find("p5")
    assert [n["key"] for n in store.find("bee")] == ["p1"]
    assert [n["key"] for n in store.find("PERSON 3")] == ["p3"]
    assert [n["key"] for n in store.find("p4")] == ["p4"]
    store.run("MATCH (n {key: 'p1'}) SET n.aliases = ['Wasp'], n.name = 'Renamed'", write=True)
    assert store.find("bee") == [] and store.find("person 1") == []
    assert [n["key"] for n in store.find("wasp")] == [n["key"] for n in store.find("renamed")] == ["p1"]


def test_another_process_s_commit_is_seen_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "g.snapshot"
    reader = NetworkxStore(path)
    writer = NetworkxStore(path)
    writer.load(chain(3))
    assert reader.changed_elsewhere()
    assert reader.counts().nodes == 3  # every read takes up the other's commits
    assert reader.refresh() and not reader.changed_elsewhere()
    writer.run("MATCH (n {key: 'p0'}) SET n.name = 'Zero'", write=True)
    assert reader.changed_elsewhere()
    assert reader.run("MATCH (n {key: 'p0'}) RETURN n.name AS name").value("name") == ["Zero"]
    reader.run("MATCH (n {key: 'p2'}) DETACH DELETE n", write=True)  # its own write
    assert writer.counts().nodes == 2 and writer.find("p2") == []


def test_a_damaged_row_fails_only_what_reads_it_and_names_the_file(tmp_path: Path) -> None:
    """stats, a key lookup and a view around an entity read counters, indexes and the rows they
    show: a damaged row elsewhere does not stop them; a query that reads it is an error."""
    path = tmp_path / "g.snapshot"
    NetworkxStore(path).load(chain(40))
    damage(path, "UPDATE nodes SET props = X'80' WHERE id = 30")  # an empty map, checksum unchanged
    assert relgraph(path, "stats").returncode == 0
    lookup = relgraph(path, "query", "-e", "MATCH (n:Person {key: $k}) RETURN n.name AS name", "-p", "k=p3")
    assert lookup.returncode == 0 and "Person 3" in lookup.stdout
    view = relgraph(path, "view", "--around", "Person 3", "-o", str(tmp_path / "v.html"))
    assert view.returncode == 0, view.stderr
    scan = relgraph(path, "query", "-e", "MATCH (n) RETURN count(n.name) AS n")
    assert scan.returncode == 1 and "Traceback" not in scan.stderr
    assert str(path) in scan.stderr and "damaged" in scan.stderr and "node 30" in scan.stderr


@pytest.mark.parametrize("sql", [
    "UPDATE nodes SET labels = 5 WHERE id = 2",
    "UPDATE rels SET start = 7 WHERE id = 1",
    "UPDATE rels SET type = X'ff' WHERE id = 1",
    "UPDATE counters SET count = count + 1 WHERE kind = 'nodes'",
    "UPDATE meta SET value = 'x' WHERE name = 'next_node_id'",
])
def test_every_altered_field_is_an_error_naming_the_file(tmp_path: Path, sql: str) -> None:
    path = tmp_path / "g.snapshot"
    NetworkxStore(path).load(chain(4))
    damage(path, sql)
    store = NetworkxStore(path)
    with pytest.raises(StoreError, match="damaged") as caught:
        store.counts()
        store.run("MATCH (a)-[r]->(b) RETURN a, r, b")
        list(store.relationships())
        store.run("CREATE (:New)", write=True)
    assert str(path) in str(caught.value)


def test_another_program_s_database_and_an_altered_schema_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    damage(other, "CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not a relgraph store"):
        NetworkxStore(other)
    path = tmp_path / "g.snapshot"
    NetworkxStore(path).load(chain(2))
    marker = tmp_path / "trigger-ran"
    damage(path, "CREATE TABLE ran (x)")
    damage(path, "CREATE TRIGGER t AFTER INSERT ON nodes BEGIN INSERT INTO ran VALUES (1); END")
    with pytest.raises(StoreError, match="not a relgraph store") as caught:
        NetworkxStore(path).run("CREATE (:New)", write=True)
    assert str(path) in str(caught.value) and not marker.exists()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM ran").fetchone() == (0,)
