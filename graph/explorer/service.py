"""What the explorer does, without HTTP: run queries and scripts, grow the drawing, search, export.

:class:`Explorer` holds one open store for the life of the server (the embedded store
keeps its graph in memory; a snapshot that another process replaced is read again
before the next request) and answers each request of the page with plain data. The
web layer (:mod:`.app`) only turns HTTP into these calls and their results into JSON,
so every behaviour here is testable, and usable, without a browser.

Reads run side by side; on the embedded store a query that writes (only with
``--write``) waits for running reads and holds the others back until it is done, since
the in-memory graph cannot be read while it changes. Every query has a time limit and
can be cancelled (:meth:`GraphStore.cancel`); a runaway query never holds the server.
"""

from __future__ import annotations

import gc
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher import prepare
from relgraph.graph.cypher.catalogue import function_names, procedure_names
from relgraph.graph.cypher.limits import default_memory_limit
from relgraph.graph.cypher.semantics import is_updating
from relgraph.graph.explorer.payload import Styler, cell
from relgraph.graph.export import EXPORT_FORMATS, export_bytes, export_format
from relgraph.graph.selection import Selection, entity_name, select
from relgraph.graph.store import GraphStore, entity_names
from relgraph.graph.values.entities import Node
from relgraph.graph.values.errors import RelgraphError, SelectionError
from relgraph.graph.values.result import Result
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.values.version import VERSION
from relgraph.graph.views.of_store import source_names
from relgraph.queries.library import QueryScript, builtin_scripts


class RequestError(RelgraphError):
    """A request the explorer cannot take as it is (a missing field, a limit out of range)."""


@dataclass(frozen=True)
class ExplorerOptions:
    """How the explorer behaves; the command line's options of ``relgraph serve``."""

    write: bool = False  # queries may change the graph
    timeout: float = 10.0  # seconds a query may run
    #: bytes the embedded engine may grow while one query runs (None: no limit)
    memory: int | None = field(default_factory=default_memory_limit)
    row_limit: int = 1000  # rows a result sends unless the page asks for more
    node_limit: int = 500  # nodes a result draws unless the page asks for more
    max_row_limit: int = 100_000
    max_node_limit: int = 5_000
    expand_limit: int = 25  # new neighbours one expansion adds unless asked otherwise
    path_hops: int = 15  # how far "how are these connected?" looks
    #: how long the legend's counts and the search index of a server-backed store stay fresh
    cache_seconds: float = 10.0
    #: the process is the explorer's alone (``relgraph serve``), so the graph it loaded may be
    #: taken out of the garbage collector's rounds (settle_heap); never in a notebook's process
    owns_process: bool = False


class ReadWriteLock:
    """Many readers or one writer; a waiting writer holds new readers back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def settle_heap() -> None:
    """Take what is alive now (the store's graph, above all) out of the garbage collector's
    rounds, after one full collection.

    A 100,000-node graph is millions of objects that live as long as the server; each
    full collection walked them all, and those triggered by building the search index
    took three quarters of its time (2.2 s, against 0.6 s without). Called again after a
    snapshot is read anew, when the old graph becomes garbage. Only in a process that is the
    explorer's alone (ExplorerOptions.owns_process): anything else alive in the process
    would be frozen too."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


_APOSTROPHES = "'ʻʼ’‘`"


class _Dropped(dict[int, int | None]):
    """A str.translate table, filled as characters are met, that drops apostrophes and
    combining marks (the accents NFKD splits off) and keeps every other character."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        kept = None if char in _APOSTROPHES or unicodedata.combining(char) else code
        self[code] = kept
        return kept


_DROPPED = _Dropped()


def fold(text: str) -> str:
    """Text as search compares it: any case, accents and apostrophes optional (Oʻzbekiston).

    A translate table, not a loop over characters: indexing 100,000 nodes went from
    over two seconds to a fraction of one, time the page's first requests waited."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(text.lower().translate(_DROPPED).split())


@dataclass
class _Entry:
    node: Node
    names: list[str]  # folded: name, key, aliases


class Explorer:
    """The explorer's behaviour over one store; methods return JSON-ready data.

    Every public method reads the store under ``lock`` (a write on the embedded store, and
    reading another process's snapshot, take it alone), once and never nested: a reader
    that asked again while a writer waits would wait for itself."""

    def __init__(self, store: GraphStore, options: ExplorerOptions | None = None):
        self.store = store
        self.options = options or ExplorerOptions()
        self.lock = ReadWriteLock()
        self._cache_lock = threading.Lock()
        self._styler: Styler | None = None
        self._index: list[_Entry] | None = None
        self._index_lock = threading.Lock()
        self._generation = 0  # counts forgettings, so that a slow index build cannot outlive one
        self._cached_at = 0.0

    # --- freshness --------------------------------------------------------------------

    def refresh(self) -> None:
        """Take up another process's snapshot, and let cached counts and names expire.

        Only a snapshot that did change waits for running queries (they read the old graph
        to the end); the usual request only reads the snapshot's header."""
        changed = False
        if self.store.changed_elsewhere():
            with self.lock.writing():
                changed = self.store.refresh()
        with self._cache_lock:
            stale = not isinstance(self.store, NetworkxStore) and \
                time.monotonic() - self._cached_at > self.options.cache_seconds
        if changed or stale:
            self._forget()
        if changed and self.options.owns_process:
            settle_heap()

    def _forget(self) -> None:
        with self._cache_lock:
            self._styler = self._index = None
            self._generation += 1

    def styler(self) -> Styler:
        with self._cache_lock:
            if self._styler is None:
                self._styler = Styler.of_store(self.store)
                self._cached_at = time.monotonic()
            return self._styler

    def _entries(self) -> list[_Entry]:
        """The search index, built on first use (or by :meth:`warm`) from every node's names.

        Built outside the cache lock, so that a large store's index (seconds for 100,000
        nodes) does not hold up the schema and legend the page asks for meanwhile; one
        builder at a time, and an index built from a graph since refreshed is not kept."""
        with self._index_lock:
            with self._cache_lock:
                if self._index is not None:
                    return self._index
                generation = self._generation
            entries = []
            for node in self.store.nodes():
                names = entity_names(node.get("name"), node.get("key"), node.get("aliases"))
                entries.append(_Entry(node, [fold(n) for n in names if n]))
            with self._cache_lock:
                if generation == self._generation:
                    self._index = entries
                    self._cached_at = time.monotonic()
            return entries

    def warm(self) -> None:
        """Build the search index ahead of the first search (the server does, in a thread).

        A failure here (a Neo4j server gone, say) is left for that search to report."""
        with suppress(RelgraphError), self.lock.reading():
            self._entries()

    # --- what the page asks once --------------------------------------------------------

    def info(self) -> dict[str, Any]:
        with self.lock.reading():
            counts = self.store.counts()
            sources = source_names(self.store)
        return {
            "version": VERSION, "backend": self.store.backend, "store": self.store.describe(),
            "write": self.options.write, "timeout": self.options.timeout,
            "nodes": counts.nodes, "relationships": counts.relationships,
            "limits": {"rows": self.options.row_limit, "nodes": self.options.node_limit,
                       "maxRows": self.options.max_row_limit, "maxNodes": self.options.max_node_limit,
                       "expand": self.options.expand_limit},
            "sources": sources,
            "formats": [{"name": f.name, "description": f.description, "suffix": f.suffixes[0]}
                        for f in EXPORT_FORMATS.values()],
        }

    def schema(self) -> dict[str, Any]:
        """What the editor completes: labels and types (with counts), property keys, functions."""
        with self.lock.reading():
            counts = self.store.counts()
            keys = self.store.run("CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey").value()
            legend = self.styler().legend()
        return {"labels": counts.labels, "types": counts.types, "propertyKeys": sorted(keys),
                "functions": function_names(), "procedures": procedure_names(), "legend": legend}

    def scripts(self) -> list[dict[str, Any]]:
        return [describe_script(s) for s in builtin_scripts().values()]

    # --- running ------------------------------------------------------------------------

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None, *,
              rows: int | None = None, nodes: int | None = None, connect: bool = False,
              query_id: str | None = None, name: str | None = None) -> dict[str, Any]:
        """Run Cypher; the rows (up to ``rows``) and the graph in them (up to ``nodes``)."""
        row_limit = self._limit(rows, self.options.row_limit, self.options.max_row_limit, "rows")
        node_limit = self._limit(nodes, self.options.node_limit, self.options.max_node_limit, "nodes")
        query_id = query_id or uuid.uuid4().hex
        started = time.perf_counter()
        write = self._write_mode(cypher)
        embedded = isinstance(self.store, NetworkxStore)
        with self.lock.writing() if write and embedded else self.lock.reading():
            result = self.store.run(cypher, dict(parameters or {}), write=write,
                                    timeout=self.options.timeout, query_id=query_id,
                                    memory=self.options.memory)
        elapsed = time.perf_counter() - started
        if result.summary.counters.contains_updates:
            self._forget()
        with self.lock.reading():
            payload = self._result_payload(result, row_limit, node_limit, connect)
        payload.update(id=query_id, elapsedMs=round(elapsed * 1000, 1), backend=self.store.backend,
                       name=name, query=cypher,
                       parameters={k: cell(v) for k, v in (parameters or {}).items()})
        return payload

    def script(self, name: str, given: Mapping[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        """Run a script from ``queries/``; parameters as the form sends them (text, or typed JSON)."""
        script = find_script_by_name(name)
        with self.lock.reading():
            values = script.bind_mixed(dict(given or {}), partial(entity_name, self.store))
        return self.query(script.text, values, name=script.name, **options)

    def cancel(self, query_id: str) -> bool:
        return self.store.cancel(query_id)

    def _write_mode(self, cypher: str) -> bool:
        """Whether to run a query as a write: never on a read-only explorer; on Neo4j always
        with --write (the server keeps transactions apart); on the embedded store only when
        the query changes the graph, since a write there has the graph, and the snapshot
        file, to itself while reads share them."""
        if not self.options.write:
            return False
        if not isinstance(self.store, NetworkxStore):
            return True
        try:
            tree, _ = prepare(cypher)
        except RelgraphError:
            return False  # it will fail the same way when it runs, reading nothing
        return is_updating(tree) is not None

    def _limit(self, given: int | None, default: int, most: int, what: str) -> int:
        if given is None:
            return default
        if not isinstance(given, int) or isinstance(given, bool) or not 1 <= given <= most:
            raise RequestError(f"{what} must be a whole number from 1 to {most:,}, not {given!r}")
        return given

    def _result_payload(self, result: Result, row_limit: int, node_limit: int,
                        connect: bool) -> dict[str, Any]:
        records = result.records
        sub = result.graph()
        if connect and sub.nodes:
            _, among = self.store.neighbourhood([n.element_id for n in sub.nodes[:node_limit]], 0)
            sub = Subgraph.of(sub.nodes, [*sub.relationships, *among])
        shown_nodes = sub.nodes[:node_limit]
        kept = {n.element_id for n in shown_nodes}
        shown_rels = [r for r in sub.relationships
                      if r.start_node.element_id in kept and r.end_node.element_id in kept]
        counters = {name: value for name, value in vars(result.summary.counters).items() if value}
        return {
            "columns": result.keys(),
            "rows": [[cell(v) for v in record] for record in records[:row_limit]],
            "rowCount": len(records),
            "graph": {**self.styler().graph(shown_nodes, shown_rels),
                      "nodeCount": len(sub.nodes), "edgeCount": len(sub.relationships)},
            "counters": counters,
            "notifications": [note.data() for note in result.notifications],
        }


    # --- growing the drawing --------------------------------------------------------------

    def expand(self, element_id: str, *, types: list[str] | None = None, limit: int | None = None,
               present: list[str] | None = None) -> dict[str, Any]:
        """A node's neighbours: every relationship to nodes already drawn (``present``), and up to
        ``limit`` new neighbours (the best connected first) with theirs; says how many it left out."""
        cap = self._limit(limit, self.options.expand_limit, self.options.max_node_limit, "limit")
        drawn = set(present or ()) | {element_id}
        with self.lock.reading():
            adjacent = self.store.adjacent(element_id, types)
            if not adjacent and not self.store.nodes_by_id([element_id]):
                raise SelectionError(f"there is no node {element_id!r} (any more)")
            styler = self.styler()
        new: dict[str, Node] = {}
        degree: dict[str, int] = {}
        for _, other in adjacent:
            if other.element_id not in drawn:
                new.setdefault(other.element_id, other)
                degree[other.element_id] = degree.get(other.element_id, 0) + 1
        chosen = sorted(new, key=lambda eid: (-degree[eid], str(new[eid].get("name", "")), eid))[:cap]
        keep = drawn | set(chosen)
        rels = [rel for rel, other in adjacent if other.element_id in keep]
        return {"nodes": [styler.node(new[eid]) for eid in chosen],
                "edges": [styler.relationship(r) for r in rels],
                "neighbours": len(new), "omitted": len(new) - len(chosen)}

    def path(self, start: str, end: str) -> dict[str, Any]:
        """How two nodes are connected: a shortest path between them, either direction."""
        hops = self.options.path_hops
        query = (f"MATCH (a) WHERE elementId(a) = $start MATCH (b) WHERE elementId(b) = $end "
                 f"MATCH p = shortestPath((a)-[*..{hops}]-(b)) RETURN p")
        with self.lock.reading():
            found = self.store.run(query, {"start": start, "end": end}, timeout=self.options.timeout,
                                   memory=self.options.memory).value()
            styler = self.styler()
        if not found:
            return {"nodes": [], "edges": [], "length": None,
                    "message": f"no connection within {hops} steps"}
        path = found[0]
        graph = styler.graph(path.nodes, path.relationships)
        return {**graph, "length": len(path)}

    def nodes(self, element_ids: list[str]) -> dict[str, Any]:
        """The nodes with these ids, drawn as every graph draws them (adding a search hit)."""
        with self.lock.reading():
            styler = self.styler()
            found = self.store.nodes_by_id(element_ids)
        return {"nodes": [styler.node(n) for n in found], "edges": []}

    # --- finding --------------------------------------------------------------------------

    def search(self, text: str, *, label: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Entities whose name, key or alias contains ``text`` (any case, accents and apostrophes
        optional), exact matches first, then names that start with it, then the rest."""
        wanted = fold(text)
        if not wanted:
            return []
        ranked: list[tuple[int, str, Node]] = []
        with self.lock.reading():
            entries = self._entries()
            styler = self.styler()
        for entry in entries:
            if label is not None and label not in entry.node.labels:
                continue
            rank = min((0 if name == wanted else 1 if name.startswith(wanted) else
                        2 if f" {wanted}" in f" {name}" else 3 if wanted in name else 9)
                       for name in entry.names) if entry.names else 9
            if rank < 9:
                ranked.append((rank, entry.names[0], entry.node))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [styler.node(node) for _, _, node in ranked[:limit]]

    # --- exporting ------------------------------------------------------------------------

    def export(self, fmt: str, node_ids: list[str], rel_ids: list[str]) -> tuple[bytes, str, str]:
        """The drawn nodes and relationships in any export format: (bytes, media type, file name).
        The same selection gives the same bytes as ``relgraph export``."""
        export_format(fmt)
        with self.lock.reading():
            sub = Subgraph(self.store.nodes_by_id(node_ids), self.store.relationships_by_id(rel_ids),
                           "the explorer's drawing")
        if not sub.nodes:
            raise SelectionError("nothing to export: the drawing is empty")
        return self._encode(sub, fmt)

    def export_result(self, fmt: str, *, query: str | None = None, script: str | None = None,
                      parameters: Mapping[str, Any] | None = None,
                      connect: bool = False) -> tuple[bytes, str, str]:
        """Everything a query or script returns, not only what the drawing's cap let through:
        the bytes of ``relgraph export -e QUERY`` (or ``--query SCRIPT``) with the same
        parameters and ``--connect``.

        It runs again, read-only whatever ``--write`` says (a download must not repeat a
        change), within the time limit."""
        export_format(fmt)
        if (query is None) == (script is None):
            raise RequestError("export either the drawing (nodes and relationships), a query or a script")
        with self.lock.reading():
            if script is not None:
                found = find_script_by_name(script)
                values = found.bind_mixed(dict(parameters or {}), partial(entity_name, self.store))
                selection = Selection(query=found.text, query_name=found.name, parameters=values,
                                      connect=connect)
            else:
                selection = Selection(query=query, parameters=dict(parameters or {}), connect=connect)
            sub = select(self.store, selection, timeout=self.options.timeout, memory=self.options.memory)
        return self._encode(sub, fmt)

    @staticmethod
    def _encode(sub: Subgraph, fmt: str) -> tuple[bytes, str, str]:
        data, suffix = export_bytes(sub, fmt)
        return data, EXPORT_FORMATS[fmt].media_type, f"relgraph-export{suffix}"


def find_script_by_name(name: str) -> QueryScript:
    """A script shipped in queries/, by name only: the explorer never reads files a request names."""
    scripts = builtin_scripts()
    if name not in scripts:
        raise SelectionError(f"no query script named {name!r}; the library has {', '.join(scripts)}")
    return scripts[name]


def describe_script(script: QueryScript) -> dict[str, Any]:
    return {"name": script.name, "title": script.title, "description": script.description,
            "parameters": [{"name": p.name, "type": p.type, "required": p.required,
                            "default": None if p.required else cell(p.default),
                            "entity": p.is_entity, "label": p.entity_label}
                           for p in script.parameters]}
