"""relgraph from Python: open a graph, load, query, select, view and export, in scripts and notebooks.

The command line is a thin layer over the same library, so everything here behaves as
the matching command does: :func:`open` chooses a backend as ``--backend`` does,
:meth:`Graph.load` is ``relgraph load``, :meth:`Graph.query` and :meth:`Graph.script` are
``relgraph query`` (read-only unless ``write=True``), :meth:`Graph.select` takes the
options of ``relgraph export`` and ``relgraph view``. Results follow the Neo4j driver's
``Result``/``Record`` (``.data()``, ``.single()``, ``.value()``, ``keys()``) and add
``.to_df()``, ``.to_networkx()`` and ``.graph()``.

In Jupyter, a result that holds nodes, relationships or paths, a subgraph and a view
display themselves as the interactive view of ``relgraph view``, offline, each inside a
sandboxed frame of its own (see :func:`relgraph.graph.views.embedded_html`).

::

    import relgraph

    g = relgraph.open(":memory:")        # or a snapshot path, a bolt:// URI, or nothing (auto)
    g.load()                              # the curated article
    g.query("MATCH (p:Person) RETURN p.name AS name ORDER BY name").value("name")
    g.script("person-visits", person="Shavkat Mirziyoyev").to_df()
    g.select(around="Tashkent", depth=1).export("tashkent.graphml")
"""

from __future__ import annotations

import html
import os
import webbrowser
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from relgraph.connect import StoreOptions, open_store
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher.limits import default_memory_limit
from relgraph.graph.export import EXPORT_FORMATS, export, format_for_path
from relgraph.graph.formats.writing import atomic_writer
from relgraph.graph.selection import Selection, YearRange, entity_name, resolve_entity, select
from relgraph.graph.store import GraphCounts, GraphStore, Progress
from relgraph.graph.values.entities import Node
from relgraph.graph.values.errors import ExportError, RelgraphError
from relgraph.graph.values.jsonable import to_json
from relgraph.graph.values.result import Result as BaseResult
from relgraph.graph.values.subgraph import Subgraph as BaseSubgraph
from relgraph.graph.views import embedded_html, render_html
from relgraph.graph.views.data import ViewData
from relgraph.graph.views.of_store import view_of_store
from relgraph.loaders import LoadReport, load_into
from relgraph.queries.library import QueryScript, builtin_scripts, find_script

__all__ = ["Graph", "Result", "Subgraph", "View", "open"]

#: Rows a result shows as a table in a notebook before saying how many it left out.
TABLE_ROWS = 50


def open(target: str | os.PathLike[str] | None = None, *, backend: str | None = None,
         username: str | None = None, password: str | None = None, database: str | None = None,
         warn: Callable[[str], None] | None = None) -> Graph:
    """Open a graph, choosing the backend as the command line does.

    ``target`` is a snapshot path (the embedded store), ``":memory:"`` (an embedded store
    that lives only as long as the object), a Bolt URI (``bolt://``, ``neo4j://``...: that
    Neo4j server), or None: ``$RELGRAPH_BACKEND`` (default ``auto``: Neo4j if one answers
    within about a second at ``$NEO4J_URI``, else the embedded store at ``$RELGRAPH_STORE``).
    ``backend`` forces "networkx", "neo4j" or "auto". Credentials default to the
    ``NEO4J_*`` variables. ``warn`` receives the one line ``auto`` says when it falls back
    (default: standard error).
    """
    text = os.fspath(target) if target is not None else None
    uri = text if text is not None and "://" in text else None
    chosen = backend or ("neo4j" if uri else "networkx" if text is not None else None)
    chosen = chosen or os.environ.get("RELGRAPH_BACKEND", "auto")
    if text == ":memory:":
        if chosen != "networkx":
            raise RelgraphError(f"':memory:' is the embedded store; it cannot be opened with "
                                f"backend {chosen!r}")
        return Graph(NetworkxStore())
    store_path = Path(text).expanduser() if text is not None and uri is None else None
    return Graph(open_store(StoreOptions(chosen, store_path, uri, username, password, database, warn=warn)))


class Graph:
    """A graph in one store; close it (or use ``with``) to release the connection or files.

    ``timeout`` (seconds, None: no limit) and ``max_memory`` (bytes the embedded engine may
    grow while one query runs; by default half the memory available, at most 2 GiB, so
    that a runaway query fails instead of taking the notebook's kernel down; None: no
    limit) apply to every query and script of this object; set them as attributes."""

    def __init__(self, store: GraphStore):
        self.store = store
        self.timeout: float | None = None
        self.max_memory: int | None = default_memory_limit()

    @property
    def backend(self) -> str:
        """"networkx" or "neo4j": which backend answers."""
        return self.store.backend

    def __repr__(self) -> str:
        return f"<relgraph.Graph {self.store.describe()}>"

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # --- loading ---------------------------------------------------------------------

    def load(self, *sources: str | os.PathLike[str], replace: bool = False,
             progress: Progress | None = None, allow_file_access: bool = False) -> LoadReport:
        """Load files (default: the curated article) all or nothing, as ``relgraph load``:
        curated YAML, neo4j-admin CSV (folders, zips), node-link JSON, JSON lines, GraphML,
        or Cypher scripts, which run in one transaction. ``replace`` empties the graph first,
        in the same transaction. A script may read or write files or URLs (``LOAD CSV``,
        ``apoc.load.*``) only with ``allow_file_access``."""
        return load_into(self.store, [Path(s) for s in sources] or None, replace=replace, progress=progress,
                         allow_file_access=allow_file_access)

    # --- querying --------------------------------------------------------------------

    def query(self, cypher: str, parameters: Mapping[str, Any] | None = None, /, *, write: bool = False,
              **params: Any) -> Result:
        """Run Cypher with parameters given as a mapping, as keywords, or both (as the driver's
        ``session.run``). Read-only unless ``write=True``: a query that would write is refused
        before anything changes."""
        return Result(self.store.run(cypher, {**(parameters or {}), **params}, write=write,
                                     timeout=self.timeout, memory=self.max_memory), self)

    def script(self, name_or_path: str, /, **params: Any) -> Result:
        """Run a script from ``queries/`` by name (see :meth:`scripts`), or a ``.cypher`` file,
        with its declared parameters as keywords (checked against their types)."""
        found = find_script(name_or_path)
        return Result(self.store.run(found.text, found.bind_values(params, self._resolve),
                                     timeout=self.timeout, memory=self.max_memory), self)

    def _resolve(self, text: str, label: str | None) -> str:
        return entity_name(self.store, text, label)

    def scripts(self) -> dict[str, QueryScript]:
        """The scripts shipped in ``queries/``: name -> title, description and parameters."""
        return builtin_scripts()

    def explain(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> str:
        """How the backend would run ``cypher``, without running it."""
        return self.store.explain(cypher, parameters)

    def stats(self) -> GraphCounts:
        """Nodes and relationships, per label and per type."""
        return self.store.counts()

    def find(self, name: str) -> Node:
        """The entity whose key, name or alias is ``name`` (any case); suggests close names."""
        return resolve_entity(self.store, name)

    # --- selecting -------------------------------------------------------------------

    def select(self, *, around: str | None = None, depth: int = 1, types: Iterable[str] | None = None,
               labels: Iterable[str] | None = None, years: str | tuple[int | None, int | None] | None = None,
               query: str | None = None, parameters: Mapping[str, Any] | None = None,
               connect: bool = False) -> Subgraph:
        """A part of the graph, as ``relgraph export``/``view`` select it; criteria combine.

        ``around`` an entity and everything within ``depth`` hops (along ``types`` only, if
        given); ``labels`` nodes with any of these labels; ``years`` "2010..2020" (or a
        ``(from, to)`` pair, either end None) for dated nodes and what connects to them;
        ``query`` the nodes, relationships and paths a Cypher query (or a script's name)
        returns, ``connect`` adding the relationships among them. No criterion: everything.
        """
        query_name = None
        params = dict(parameters or {})
        if query is not None and _is_script_name(query):
            script = find_script(query)
            query, params, query_name = script.text, script.bind_values(params, self._resolve), script.name
        year_range = None
        if years is not None:
            year_range = YearRange.parse(years) if isinstance(years, str) else YearRange(*years)
        selection = Selection(around=around, depth=depth,
                              types=None if types is None else tuple(types),
                              labels=None if labels is None else tuple(labels), years=year_range,
                              query=query, parameters=params, connect=connect, query_name=query_name)
        return Subgraph.adopt(select(self.store, selection), self)

    def view(self, **selection: Any) -> View:
        """The interactive view of the whole graph, or of a selection (the keywords of :meth:`select`)."""
        return self.select(**selection).view()


def _is_script_name(query: str) -> bool:
    """A script's name or path, rather than Cypher text (which always has a space or a bracket)."""
    return query.endswith((".cypher", ".cql")) or query in builtin_scripts()


class Result(BaseResult):
    """A query's result: the driver's Result and Record API, plus graphs, frames and views.

    ``notifications`` holds the warnings about the query, as Neo4j's (a label, type or
    property key the graph does not have, with the closest one it has): check it when a
    result is unexpectedly empty."""

    def __init__(self, result: BaseResult, graph: Graph):
        super().__init__(result.keys(), [list(record) for record in result], result.summary)
        self._graph = graph

    def graph(self) -> Subgraph:
        return Subgraph.adopt(super().graph(), self._graph)

    def view(self, *, title: str | None = None, max_nodes: int | None = None) -> View:
        """The nodes, relationships and paths of the result as an interactive view."""
        return self.graph().view(title=title, max_nodes=max_nodes)

    def _repr_html_(self) -> str:
        """In a notebook: the view when the result holds graph values, else a table."""
        subgraph = self.graph()
        if subgraph.nodes:
            return subgraph.view()._repr_html_()
        return _table_html(self)


def _table_html(result: BaseResult) -> str:
    columns: list[str] = result.keys()
    head = "".join(f"<th>{html.escape(k)}</th>" for k in columns)
    rows = []
    for record in result.records[:TABLE_ROWS]:
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in record)
        rows.append(f"<tr>{cells}</tr>")
    shown = min(len(result), TABLE_ROWS)
    note = (f"showing {shown} of {len(result)} rows" if len(result) > shown
            else f"{len(result)} row{'s' if len(result) != 1 else ''}")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p><small>{note} ({html.escape(result.summary.backend)})</small></p>")


def _cell(value: Any) -> str:
    data = to_json(value)
    return "" if data is None else data if isinstance(data, str) else repr(data)


class Subgraph(BaseSubgraph):
    """A part of a graph, ready to export or view; it remembers the graph it came from."""

    _graph: Graph | None = None

    @classmethod
    def adopt(cls, subgraph: BaseSubgraph, graph: Graph) -> Subgraph:
        adopted = cls(subgraph.nodes, subgraph.relationships, subgraph.description)
        adopted._graph = graph
        return adopted

    def __repr__(self) -> str:
        return (f"<relgraph.Subgraph {len(self.nodes)} nodes, {len(self.relationships)} relationships: "
                f"{self.description}>")

    def export(self, out: str | os.PathLike[str] | IO[str], format: str | None = None, *,
               overwrite: bool = False) -> None:
        """Write as GraphML, GEXF, JSON, JSON lines, neo4j-admin CSV, Cypher or HTML, chosen by
        ``format`` or the file's suffix: the same bytes as ``relgraph export``. A path is
        written whole or not at all, and an existing one only with ``overwrite``."""
        fmt = format
        if fmt is None:
            if not isinstance(out, (str, os.PathLike)):
                raise ExportError("give format= when writing to a stream")
            fmt = format_for_path(Path(out))
            if fmt is None:
                raise ExportError(f"cannot tell the format from {os.fspath(out)!r}; give format= "
                                  f"({', '.join(EXPORT_FORMATS)})")
        export(self, fmt, Path(out) if isinstance(out, (str, os.PathLike)) else out, overwrite=overwrite)

    def view(self, *, title: str | None = None, max_nodes: int | None = None) -> View:
        """The interactive view of ``relgraph view``; ``max_nodes`` keeps the best-connected
        nodes of a large subgraph (which is otherwise refused, as the command refuses it)."""
        if self._graph is None:
            raise RelgraphError("this subgraph has no graph to take colours and sources from; "
                                "make it with Graph.select() or Result.graph()")
        data, _ = view_of_store(self._graph.store, self, title=title, max_nodes=max_nodes)
        return View(data)

    def _repr_html_(self) -> str:
        return self.view()._repr_html_()


class View:
    """An interactive view: one offline HTML page. Shows itself in a notebook; save or open it."""

    def __init__(self, data: ViewData, *, height: int = 620):
        self.data = data
        self.height = height
        self._html: str | None = None

    @property
    def html(self) -> str:
        """The whole page, every script and style inline."""
        if self._html is None:
            self._html = render_html(self.data)
        return self._html

    def __repr__(self) -> str:
        return f"<relgraph.View {len(self.data.nodes)} nodes, {len(self.data.edges)} relationships: " \
               f"{self.data.title}>"

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the page to ``path`` (whole or not at all); returns the path."""
        target = Path(path)
        with atomic_writer(target, overwrite=overwrite) as fh:
            fh.write(self.html)
        return target

    def open(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Save the page (to ``path``, or a temporary file) and open it in the web browser."""
        import tempfile

        target = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="relgraph-")) / "view.html"
        self.save(target, overwrite=True)
        webbrowser.open(target.resolve().as_uri())
        return target

    def _repr_html_(self) -> str:
        return embedded_html(self.html, height=self.height, title=self.data.title)
