"""The embedded backend: the engine over an SQLite store file, or over networkx in memory.

With a path, the graph lives in an SQLite file (:mod:`.sqlite_graph`, :mod:`.store_file`):
a command reads the index pages and rows it needs, never the whole graph, and every write
is one SQLite transaction (``BEGIN IMMEDIATE`` is the lock between processes; an error
rolls it back). Without a path (tests, the TCK, benchmarks of the engine) it is a
:class:`~relgraph.graph.cypher.property_graph.PropertyGraph` over a networkx MultiDiGraph,
as fast as dicts. The backend keeps its user-facing name, ``networkx``: the engine, the
Cypher it understands and the networkx view of the data (``read_snapshot``) are the same.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from relgraph.graph.backends.snapshot import check_writable
from relgraph.graph.backends.sqlite_graph import SqliteGraph
from relgraph.graph.backends.sqlite_schema import create_schema
from relgraph.graph.backends.store_file import create_graph, open_graph
from relgraph.graph.cypher import Stop, execute, explain
from relgraph.graph.cypher.file_access import check_query, check_script
from relgraph.graph.cypher.notifications import typo_notifications
from relgraph.graph.cypher.statements import is_schema_command, unique_constraint
from relgraph.graph.store import Adjacent, GraphCounts, GraphStore, LoadSummary, Progress, names_match
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import QueryError, StatementError, StoreError
from relgraph.graph.values.model import GraphBatch, NodeKey
from relgraph.graph.values.result import Result, Summary
from relgraph.graph.values.subgraph import NodeSortKey, RelationshipSortKey, node_sort_key

if TYPE_CHECKING:  # networkx is imported only when an in-memory store is made
    from relgraph.graph.cypher.property_graph import PropertyGraph

Graph = Union["PropertyGraph", SqliteGraph]


def _empty_sqlite(name: str) -> SqliteGraph:
    """An empty store in memory: what a store path without a file reads as (nothing is created
    until the first write)."""
    import sqlite3

    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    create_schema(db)
    return SqliteGraph(db, name)


class NetworkxStore(GraphStore):
    """The default backend; ``path=None`` keeps the graph in memory only (tests, TCK)."""

    backend = "networkx"

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else None
        self._running: dict[str, threading.Event] = {}  # query id -> its cancel switch
        self._running_lock = threading.Lock()
        self._missing = False  # a path without a file yet: reads see an empty graph
        self._seen = -1  # the data version changed_elsewhere compares with (-1: none yet)
        self.graph: Graph = self._open()
        if isinstance(self.graph, SqliteGraph) and not self._missing:
            self._seen = self.graph.data_version()

    # --- the file ---------------------------------------------------------------------

    def _open(self) -> Graph:
        if self.path is None:
            from relgraph.graph.cypher.property_graph import PropertyGraph

            return PropertyGraph()
        graph = open_graph(self.path)
        self._missing = graph is None
        return graph if graph is not None else _empty_sqlite(str(self.path))

    def _reading(self) -> AbstractContextManager[Any]:
        """One consistent view of the store for a read (nothing to do in memory)."""
        if self._missing and self.path is not None and self.path.exists():
            self.graph = self._open()  # another process created it meanwhile
        graph = self.graph
        return graph.reading() if isinstance(graph, SqliteGraph) else nullcontext(graph)

    @contextmanager
    def _writing(self) -> Iterator[Graph]:
        """One transaction: in SQLite (the lock between processes) or journalled in memory."""
        if self.path is not None:
            check_writable(self.path)  # before any work: a read-only store stays as it is
            folder = self.path.parent
            if folder.is_dir() and not os.access(folder, os.W_OK):
                raise StoreError(f"{self.path}: Permission denied: a write needs its folder {folder} "
                                 "to be writable (SQLite keeps its log beside the store)")
            if self._missing:
                self.graph = create_graph(self.path)
                self._missing = False
                if self._seen == -1:  # this store made the file: nothing to take up
                    self._seen = self.graph.data_version()
        with self.graph.transaction():
            yield self.graph

    def describe(self) -> str:
        return f"networkx store {self.path} (SQLite)" if self.path else "networkx (in memory)"

    # --- GraphStore primitives ------------------------------------------------------

    def _find(self, ref: NodeKey) -> int | None:
        graph = self.graph
        for nid in graph.nodes_with_property("key", ref.key) or ():
            if ref.label in graph.labels(nid) and graph.node_properties(nid).get("key") == ref.key:
                return nid
        return None

    def _existing_id(self, ref: NodeKey) -> int:
        """The id of a node that validation found in the store."""
        nid = self._find(ref)
        assert nid is not None, ref
        return nid

    def _existing(self, refs: set[NodeKey]) -> set[NodeKey]:
        with self._reading():
            return {ref for ref in refs if self._find(ref) is not None}

    def _apply(self, batch: GraphBatch, progress: Progress | None, replace: bool) -> LoadSummary:
        """Merge ``batch`` in one transaction.

        Nodes and relationships that the store cannot hold yet (new nodes, and relationships
        with a new node at an end) are created without looking them up, so that loading into
        an empty store reads nothing and the SQLite store inserts in batches; what the batch
        told twice (the same key in two sources) merges through the ids it was given here.
        """
        summary = LoadSummary(batch.source)
        total, done = len(batch), 0
        with self._writing() as graph:
            if replace:
                graph.clear()
            look_up = graph.node_count() > 0
            ids: dict[NodeKey, int] = {}
            new: set[int] = set()
            for spec in batch.nodes:
                nid = ids.get(spec.node_key)
                if nid is None and look_up:
                    nid = self._find(spec.node_key)
                if nid is None:
                    nid = graph.create_node(spec.labels, spec.properties)
                    new.add(nid)
                    summary.nodes_created += 1
                else:
                    summary.nodes_matched += 1
                    for label in spec.labels:
                        graph.add_label(nid, label)
                    current = graph.node_properties(nid)
                    for prop, value in spec.properties.items():
                        if current.get(prop) != value:
                            graph.set_node_property(nid, prop, value)
                ids[spec.node_key] = nid
                done += 1
                if progress and done % 1000 == 0:
                    progress(done, total, "nodes")
            made: dict[tuple[int, str, int, str], int] = {}  # relationships this batch created
            for rel in batch.relationships:
                start = ids.get(rel.start)
                if start is None:
                    start = ids[rel.start] = self._existing_id(rel.start)
                end = ids.get(rel.end)
                if end is None:
                    end = ids[rel.end] = self._existing_id(rel.end)
                identity = (start, rel.type, end, rel.key)
                rid = made.get(identity)
                if rid is None and start not in new and end not in new:
                    rid = self._find_rel(start, rel.type, end, rel.key)
                if rid is None:
                    made[identity] = graph.create_rel(start, end, rel.type, rel.properties)
                    summary.relationships_created += 1
                else:
                    summary.relationships_matched += 1
                    current = graph.rel_properties(rid)
                    for prop, value in rel.properties.items():
                        if current.get(prop) != value:
                            graph.set_rel_property(rid, prop, value)
                done += 1
                if progress and done % 1000 == 0:
                    progress(done, total, "relationships")
        if progress:
            progress(total, total, "done")
        return summary

    def _find_rel(self, start: int, rel_type: str, end: int, key: str) -> int | None:
        for rid, other in self.graph.out_rels(start, [rel_type]):
            if other == end and self.graph.rel_properties(rid).get("key") == key:
                return rid
        return None

    def run(self, query: str, parameters: Mapping[str, Any] | None = None, *,
            write: bool = False, timeout: float | None = None, query_id: str | None = None,
            memory: int | None = None) -> Result:
        check_query(query, write=write)  # the engine has no LOAD CSV, but the refusal must read alike
        cancel = threading.Event()
        if query_id is not None:
            with self._running_lock:
                self._running[query_id] = cancel
        stop = Stop(timeout, cancel, memory)
        try:
            if not write:
                with self._reading():
                    result = execute(self.graph, query, dict(parameters or {}), write=False, stop=stop)
            else:
                with self._writing() as graph:
                    result = execute(graph, query, dict(parameters or {}), write=True, stop=stop)
            # after the run, so that a query that fails reports its error and nothing else
            with self._reading():
                result.summary.notifications.extend(typo_notifications(self.graph, query))
            return result
        finally:
            if query_id is not None:
                with self._running_lock:
                    self._running.pop(query_id, None)

    def cancel(self, query_id: str) -> bool:
        with self._running_lock:
            event = self._running.get(query_id)
        if event is None:
            return False
        event.set()
        return True

    def run_script(self, statements: Sequence[str], *, write: bool = True,
                   allow_file_access: bool = False) -> list[Result]:
        """Every statement in one transaction; the snapshot is written once, at the end.

        The embedded engine has no schema commands: a node uniqueness constraint
        is checked against the graph once all statements have run (so a script
        that breaks it leaves nothing behind), other schema commands (indexes)
        are accepted and do nothing, the store keeping its own indexes. Without
        ``write`` a schema command is refused, as Neo4j refuses it.
        """
        check_script(statements, allow_file_access=allow_file_access)
        results: list[Result] = []
        constraints: list[tuple[int, str, str]] = []

        def run_all(graph: Graph) -> None:
            for index, text in enumerate(statements):
                if is_schema_command(text):
                    if not write:  # as Neo4j refuses it in a read transaction
                        raise StatementError(index, "a schema command changes the database; run the "
                                                    "script with write=True (--write)")
                    found = unique_constraint(text)
                    if found is not None:
                        constraints.append((index, *found))
                    results.append(Result([], [], Summary(text, {}, self.backend)))
                    continue
                try:
                    results.append(execute(graph, text, {}, write=write))
                except QueryError as exc:
                    raise StatementError(index, str(exc)) from exc
            for index, label, prop in constraints:
                seen: dict[Any, int] = {}
                for nid in graph.nodes_with_label(label):
                    value = graph.node_properties(nid).get(prop)
                    if value is None:
                        continue
                    marker = repr(value) if isinstance(value, list) else value
                    if marker in seen:
                        raise StatementError(index, f"two nodes labelled {label} have {prop} = "
                                                    f"{value!r}, which the uniqueness constraint forbids")
                    seen[marker] = nid

        if not write:
            with self._reading():
                run_all(self.graph)
        else:
            with self._writing() as graph:
                run_all(graph)
        return results

    def explain(self, query: str, parameters: Mapping[str, Any] | None = None) -> str:
        return explain(query, dict(parameters or {}))

    def counts(self) -> GraphCounts:
        """From the counters (SQLite) or the label and type indexes (memory): the explorer asks on
        every page load, and the generic count would build a value for each entity."""
        with self._reading():
            graph = self.graph
            return GraphCounts(graph.node_count(), graph.rel_count(),
                               dict(sorted(graph.label_counts().items())),
                               dict(sorted(graph.type_counts().items())))

    def label_sets(self) -> list[tuple[str, ...]]:
        """From the label-combination counters of the SQLite store; in memory, one pass over the
        node ids and their label lists (0.03 s for 100,000 nodes)."""
        with self._reading():
            graph = self.graph
            if isinstance(graph, SqliteGraph):
                return graph.label_sets()
            return sorted({tuple(sorted(graph.labels(nid))) for nid in graph.node_ids()})

    def find(self, name_or_key: str) -> list[Node]:
        """Through the SQLite store's index of casefolded keys, names and aliases: one seek
        instead of a value for every node; in memory, the generic scan."""
        if not isinstance(self.graph, SqliteGraph):
            return super().find(name_or_key)
        wanted = name_or_key.casefold()
        with self._reading():
            graph = self.graph
            found = [graph.node_value(nid) for nid in graph.nodes_named(name_or_key)]
        return [n for n in found if names_match(wanted, n.get("key"), n.get("name"), n.get("aliases"))]

    def nodes(self, labels: Iterable[str] | None = None) -> Iterator[Node]:
        with self._reading():
            graph = self.graph
            if isinstance(graph, SqliteGraph):
                found = list(graph.scan_nodes(None if labels is None else list(labels)))
            else:  # in memory: one node at a time, so a whole-graph export holds no copy of them all
                if labels is None:
                    ids: Iterable[int] = graph.node_ids()
                else:
                    ids = sorted({nid for label in labels for nid in graph.nodes_with_label(label)})
                for nid in ids:
                    yield graph.node_value(nid)
                return
        yield from found

    def relationships(self, types: Iterable[str] | None = None) -> Iterator[Relationship]:
        with self._reading():
            graph = self.graph
            cache: dict[int, Node] = {}
            if isinstance(graph, SqliteGraph):
                rows = list(graph.scan_rels(None if types is None else list(types)))
                for _rid, (start, end, _type, _props) in rows:
                    for nid in (start, end):
                        if nid not in cache:
                            cache[nid] = graph.node_value(nid)
                found = [Relationship(str(rid), rel_type, cache[start], cache[end], props)
                         for rid, (start, end, rel_type, props) in rows]
            else:
                if types is None:
                    ids: Iterable[int] = sorted(graph.rel_ids())
                else:
                    ids = sorted({rid for t in types for rid in graph.rels_with_type(t)})
                for rid in ids:  # in memory: one at a time, as nodes()
                    yield graph.rel_value(rid)
                return
        yield from found

    def neighbourhood(self, element_ids: Iterable[str], depth: int,
                      types: Iterable[str] | None = None) -> tuple[list[Node], list[Relationship]]:
        """Breadth-first over the in-memory adjacency instead of scanning every relationship."""
        with self._reading():
            graph = self.graph
            wanted = list(types) if types is not None else None
            seen = {int(e) for e in element_ids if graph.has_node(int(e))}
            frontier = list(seen)
            for _ in range(depth):
                following = []
                for nid in frontier:
                    for _rid, other in graph.out_rels(nid, wanted) + graph.in_rels(nid, wanted):
                        if other not in seen:
                            seen.add(other)
                            following.append(other)
                frontier = following
            cache = {nid: graph.node_value(nid) for nid in sorted(seen)}
            rels = sorted({rid for nid in seen for rid, other in graph.out_rels(nid, wanted)
                           if other in seen})
            return list(cache.values()), [graph.rel_value(rid, cache) for rid in rels]

    def nodes_by_id(self, element_ids: Iterable[str]) -> list[Node]:
        with self._reading():
            graph = self.graph
            ids = [int(e) for e in element_ids if str(e).isdigit()]
            if isinstance(graph, SqliteGraph):  # without filling the cache: exports read it all so
                found = graph.fetch_nodes(ids)
                return [found[nid] for nid in ids if nid in found]
            return [graph.node_value(nid) for nid in ids if graph.has_node(nid)]

    def relationships_by_id(self, element_ids: Iterable[str]) -> list[Relationship]:
        with self._reading():
            graph = self.graph
            ids = [int(e) for e in element_ids if str(e).isdigit()]
            if isinstance(graph, SqliteGraph):
                rels = graph.fetch_rels(ids)
                return [rels[rid] for rid in ids if rid in rels]
            return [graph.rel_value(rid) for rid in ids if graph.has_rel(rid)]

    def node_sort_keys(self) -> Iterator[NodeSortKey]:
        """Streamed from the table on the SQLite store: a whole-graph export's first pass holds
        sort keys, not nodes."""
        graph = self.graph
        if not isinstance(graph, SqliteGraph):
            yield from super().node_sort_keys()
            return
        with self._reading():
            for node in graph.scan_nodes():
                yield node_sort_key(node)

    def relationship_sort_keys(self) -> Iterator[RelationshipSortKey]:
        graph = self.graph
        if not isinstance(graph, SqliteGraph):
            yield from super().relationship_sort_keys()
            return
        with self._reading():
            for rid, (start, end, rel_type, props) in graph.scan_rels():
                yield str(rid), str(start), rel_type, str(end), props.get("key")

    def adjacent(self, element_id: str, types: Iterable[str] | None = None) -> list[Adjacent]:
        with self._reading():
            graph = self.graph
            if not str(element_id).isdigit() or not graph.has_node(int(element_id)):
                return []
            nid = int(element_id)
            wanted = None if types is None else frozenset(types)
            cache = {nid: graph.node_value(nid)}
            out = []
            for rid, other in graph.adjacent_rels(nid, "both", wanted):
                if other not in cache:
                    cache[other] = graph.node_value(other)
                out.append((graph.rel_value(rid, cache), cache[other]))
            return out

    def changed_elsewhere(self) -> bool:
        """Whether another process committed to the store since :meth:`refresh` (SQLite's data
        version: one cheap statement, which the explorer runs before every request)."""
        if self.path is None:
            return False
        if self._missing:
            return self.path.exists()
        assert isinstance(self.graph, SqliteGraph)
        return self.graph.data_version() != self._seen

    def refresh(self) -> bool:
        """Take up another process's commits (every read does; this also tells the caller)."""
        if not self.changed_elsewhere():
            return False
        if self._missing:
            self.graph = self._open()
        assert isinstance(self.graph, SqliteGraph)
        self.graph.sync()
        self._seen = self.graph.data_version()
        return True

    def close(self) -> None:
        if isinstance(self.graph, SqliteGraph):
            self.graph.close()

    def clear(self) -> None:
        with self._writing() as graph:
            graph.clear()
