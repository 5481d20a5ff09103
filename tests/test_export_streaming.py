"""Exports stream: no writer holds its whole text, or a converted copy of every element.

A million relationships are gigabytes of GraphML; a writer that builds the document (or a
list of per-element strings or dicts) before writing needs that much memory on top of the
store. These tests measure, with tracemalloc, how much the writer's peak grows when the
graph grows fourfold, against how much its output grows. Elements carry a long text so
that holding the output costs far more than the per-element bookkeeping every export
needs (export ids, the canonical order: a few dozen bytes per element). Memory is counted
in allocations, not time, so the result does not depend on the machine's load.
"""

from __future__ import annotations

import io
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import EXPORT_FORMATS, export
from relgraph.graph.formats import cypher_script, writing
from relgraph.graph.selection import whole_graph
from relgraph.graph.values import subgraph as subgraph_module
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.model import GraphBatch, NodeSpec, RelSpec
from relgraph.graph.values.subgraph import Subgraph

SENTENCE = "This element is mentioned in a long sentence of the article, quoted as its source. " * 12
FILE_FORMATS = ("graphml", "gexf", "json", "jsonl", "csv", "cypher")


def generated(nodes: int) -> Subgraph:
    """``nodes`` nodes and four times as many relationships, with the kinds of values exports
    treat differently: lists, a property of two types, several labels, numbers."""
    made = [Node(str(i), ["Person"] if i % 3 else ["Event", "Visit"],
                 {"key": f"node-{i}", "name": f"Node {i}", "year": 1990 + i % 30,
                  "aliases": [f"N{i}", f"n-{i}"], "scope": "text" if i % 2 else ["a", "b"],
                  "quote": f"{i}: {SENTENCE}"})
            for i in range(nodes)]
    rels = [Relationship(str(nodes + j), "KNOWS" if j % 2 else "ATTENDED", made[j % nodes],
                         made[(j * 7 + 1) % nodes],
                         {"key": f"rel-{j}", "share": j / 7, "quote": f"{j}: {SENTENCE}"})
            for j in range(4 * nodes)]
    return Subgraph(made, rels)


def size_of(path: Path) -> int:
    """The text written: the files of a folder, or of a zip before compression."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    return path.stat().st_size


def traced_export(subgraph: Subgraph, fmt: str, path: Path) -> tuple[int, int]:
    """The writer's peak traced memory and the size of what it wrote."""
    tracemalloc.start()
    try:
        export(subgraph, fmt, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, size_of(path)


@pytest.mark.parametrize("fmt", [*FILE_FORMATS, "csv.zip"])
def test_export_memory_grows_far_less_than_its_output(fmt, tmp_path, monkeypatch):
    # A Cypher statement holds one batch of rows (500): a constant, but larger than these graphs.
    monkeypatch.setattr(cypher_script, "BATCH_SIZE", 20)
    small, large = generated(60), generated(240)
    name, _, suffix = fmt.partition(".")
    small_peak, small_size = traced_export(small, name, tmp_path / f"small.{suffix or name}")
    large_peak, large_size = traced_export(large, name, tmp_path / f"large.{suffix or name}")
    assert large_size > 3 * small_size > 0
    growth = (large_peak - small_peak) / (large_size - small_size)
    # Holding the text alone would make this at least 1 (GraphML held it about five times
    # over); streaming leaves the ids and order of the elements, about 0.05 here.
    assert growth < 0.25, f"{fmt}: peak memory grew {growth:.2f} bytes per byte written"


@pytest.mark.parametrize("fmt", [name for name, chosen in EXPORT_FORMATS.items()
                                 if chosen.stream and name != "html"])
def test_a_late_problem_leaves_nothing_on_a_stream(fmt):
    """A writer finds an unwritable value only when it reaches it; what it wrote before must
    not reach the stream (``relgraph export -o -`` would print half a document)."""
    subgraph = generated(10)
    last = Node("last", ["Zzz"], {"key": "zzz"})  # sorts after every other node and group
    # XML cannot hold a control character (found as the element is written); no format a NaN
    unwritable = "\x01" if fmt in ("graphml", "gexf") else float("nan")
    bad = Relationship("bad", "ZZZ", last, subgraph.nodes[0], {"key": "zzz", "value": unwritable})
    subgraph = Subgraph([*subgraph.nodes, last], [*subgraph.relationships, bad])
    out = io.StringIO()
    with pytest.raises(ExportError, match=r"control character|is nan"):
        export(subgraph, fmt, out)
    assert out.getvalue() == ""


def test_a_stream_gets_the_bytes_a_file_gets(tmp_path):
    subgraph = generated(20)
    for fmt in ("graphml", "json", "cypher"):
        out = io.StringIO()
        export(subgraph, fmt, out)
        export(subgraph, fmt, tmp_path / f"g.{fmt}")
        assert out.getvalue().encode("utf-8") == (tmp_path / f"g.{fmt}").read_bytes()


def test_no_room_for_a_streams_temporary_file_is_an_export_error(tmp_path, monkeypatch):
    """What a stream's export waits in goes to the temporary folder once large; a folder that
    is gone (or full) is the user's to fix, said as such, not a traceback."""
    monkeypatch.setattr(writing, "SPOOL_IN_MEMORY", 1000)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    out = io.StringIO()
    with pytest.raises(ExportError, match=r"temporary file in .*gone.*: No such file or directory"):
        export(generated(20), "jsonl", out)
    assert out.getvalue() == ""


def store_of(nodes: int) -> NetworkxStore:
    """An embedded store of ``nodes`` nodes and four times as many relationships, each with
    thirty short properties: what holding an element costs is then mostly its own copy of
    them (a relationship also holds copies of its end nodes), far more than its ids."""
    extra = {f"p{i}": i for i in range(30)}
    batch = GraphBatch("generated", [
        NodeSpec(["Person"] if i % 3 else ["Event", "Visit"], {"key": f"node-{i}", "name": f"N{i}", **extra})
        for i in range(nodes)])
    ends = [spec.node_key for spec in batch.nodes]
    batch.relationships = [
        RelSpec("KNOWS" if j % 2 else "ATTENDED", ends[j % nodes], ends[(j * 7 + 1) % nodes],
                {"key": f"rel-{j}", **extra})
        for j in range(4 * nodes)]
    store = NetworkxStore()
    store.load(batch)
    return store


def traced_peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        kept = work()
        peak = tracemalloc.get_traced_memory()[1]
        del kept
    finally:
        tracemalloc.stop()
    return peak


@pytest.fixture(scope="module")
def stores() -> tuple[NetworkxStore, NetworkxStore]:
    return store_of(250), store_of(1000)


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_a_whole_graph_export_does_not_hold_every_element(fmt, stores, tmp_path, monkeypatch):
    """The whole graph is exported from the store a chunk at a time: its peak memory grows by
    the elements' ids, not by a copy of every node and relationship beside the store's."""
    monkeypatch.setattr(cypher_script, "BATCH_SIZE", 20)
    monkeypatch.setattr(subgraph_module, "FETCH_CHUNK", 20)
    small, large = stores

    def holding(store: NetworkxStore) -> int:
        return traced_peak(lambda: (list(store.nodes()), list(store.relationships())))

    def exporting(store: NetworkxStore, name: str) -> int:
        return traced_peak(lambda: export(whole_graph(store), fmt, tmp_path / name))

    held = holding(large) - holding(small)
    grown = exporting(large, "large") - exporting(small, "small")
    # Holding the elements would make this more than 1; their ids and order about 0.3
    # (with the embedded store, which caches end nodes while it lists relationships).
    assert grown < 0.5 * held, f"{fmt}: peak grew {grown:,} bytes; holding every element costs {held:,}"
