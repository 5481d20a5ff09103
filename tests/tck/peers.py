"""TCK targets for the two Python libraries that run Cypher on networkx: the peers.

``grand-cypher`` (1.2.0) and ``nxcypher`` (1.1.4) are what a user would try
instead of relgraph's own engine, so the TCK runner can run them as targets and
print pass counts beside relgraph's. They are not project dependencies: they
live in their own virtualenv (``make peers`` creates ``bench/.venv-peers``),
and the targets only import them when they are loaded::

    bench/.venv-peers/bin/python -m tests.tck --target grand-cypher
    bench/.venv-peers/bin/python -m tests.tck --target nxcypher
    bench/.venv-peers/bin/python -m tests.tck --target tests.tck.peers:NxCypherUnassistedTarget

What each target does, so that the comparison is honest
-------------------------------------------------------
Every target runs every scenario through the same runner as relgraph, with no
scenario special-cased. The only differences are how the graph a scenario
starts from gets built, and how answers and errors are read back:

``grand-cypher`` and ``nxcypher``
    The scenario's *setup* (named graphs and ``having executed`` queries) runs
    on relgraph's engine into a :class:`PropertyGraph`, which is then copied
    into the layout the libraries read (:func:`to_peer_graph`); from the first
    graph snapshot on, i.e. the scenario's own query and any control query, the
    library runs alone. grand-cypher cannot write at all, so without this it
    could not even start most scenarios. Setup queries never count as passes
    by themselves: a scenario passes only on the library's answer (or error) to
    its own query and the side effects that query had. A runner with a
    ``Target.setup`` hook calls :meth:`PeerTarget.setup` for setup steps; one
    without it sends them to ``execute``, and the targets then take the
    runner's first ``snapshot()`` (taken right before "executing query") as the
    end of the setup phase.
``nxcypher-unassisted`` (``--target tests.tck.peers:NxCypherUnassistedTarget``)
    Everything by nxcypher, which can write: setup scripts, ``having executed``
    queries and the scenario's query all run with
    ``NXCypher(graph).run(query, params)`` on one ``nx.MultiDiGraph``, so its
    own CREATE/MERGE/SET are judged too.

Parameters go to nxcypher as a dict. grand-cypher has no parameters, so they
are not passed (values are never pasted into the query text); such queries fail
in its parser.

Graph layout (what both libraries read, and what nxcypher writes): node
attributes are the properties, flat, plus ``__labels__`` (a set of label names,
left out for a node without labels, as nxcypher's CREATE does); an edge's type
is the one element of its ``__labels__`` set and its other attributes are its
properties. Node ids are relgraph's ids; multigraph keys its relationship ids.

Answers: the libraries return ``{column: [values]}``. A returned dict that *is*
the attribute dict of a node or edge of the graph (same object) becomes a
node or relationship value; failing that, a dict with a ``__labels__`` key that
equals one becomes one (nxcypher returns copies for nodes it just created).
Every other dict is a map. Numpy scalars become Python numbers. Nothing else is
interpreted: grand-cypher's and nxcypher's path results, a list of node ids and
edge dicts, are left as they are and so never equal a TCK path.

Errors: a lark parse error is a ``SyntaxError`` at compile time with detail
``UnexpectedSyntax`` (the same reading relgraph's parser errors get). nxcypher's
validation errors are named after TCK details (``VariableAlreadyBound``...;
``SyntaxError("Detail: ...")`` for a few); the class name is taken as the
detail, the phase is "runtime" when the traceback passes through the library's
result-producing code (``returns``, mutation ``execute``, matching) and
"compile time" otherwise, and the type is SyntaxError at compile time and the
TCK's type for that detail at runtime (:data:`RUNTIME_TYPES`). Anything else a
library raises (KeyError, NotImplementedError...) is reported as an error of
type ``"<library> <ExceptionName>"``, which no TCK expectation matches, so a
crash is always a failed scenario, never a runner error and never a pass.
"""

from __future__ import annotations

import copy
import importlib
from typing import Any

import networkx as nx

from .targets import GraphState, QueryResult, RelgraphTarget, Target, TargetError
from .values import canonical

LABELS = "__labels__"
PEERS_HINT = ("the peer libraries live in their own virtualenv: run `make peers`, then "
              "`bench/.venv-peers/bin/python -m tests.tck --target NAME` (see bench/README.md)")

# TCK details that nxcypher raises and that the TCK expects at runtime, with the TCK's
# error type for them; at compile time every validation error is a SyntaxError.
RUNTIME_TYPES = {
    "InvalidArgumentType": "TypeError",
    "InvalidArgumentValue": "TypeError",
    "InvalidPropertyType": "TypeError",
    "MapElementAccessByNonString": "TypeError",
    "NumberOutOfRange": "ArgumentError",
    "NegativeIntegerArgument": "ArgumentError",
    "DeleteConnectedNode": "ConstraintVerificationFailed",
    "DeletedEntityAccess": "EntityNotFound",
    "MergeReadOwnWrites": "SemanticError",
}
COMPILE_TYPES = {"MissingParameter": "ParameterMissing", "ProcedureNotFound": "ProcedureError"}
# Functions of nxcypher that produce results or apply writes: an error raised under one
# of them happened while running the query, not while reading it.
_RUNTIME_FRAMES = {"returns", "execute", "_lookup", "_get_true_matches", "_execute_union_query_v4"}


def to_peer_graph(pg: Any, value: Any = None) -> nx.MultiDiGraph:
    """A :class:`PropertyGraph` in the peers' layout: flat properties plus ``__labels__`` sets.

    ``value`` turns one of relgraph's property values into the peer's own (its
    temporal types); by default values are copied as they are.
    """
    def props(d: dict[str, Any]) -> dict[str, Any]:
        return {k: value(x) for k, x in copy.deepcopy(d).items()} if value else copy.deepcopy(d)

    g = nx.MultiDiGraph()
    for nid in pg.node_ids():
        attrs = props(pg.node_properties(nid))
        labels = pg.labels(nid)
        if labels:
            attrs[LABELS] = set(labels)
        g.add_node(nid, **attrs)
    for rid in pg.rel_ids():
        u, v = pg.rel_ends(rid)
        attrs = props(pg.rel_properties(rid))
        attrs[LABELS] = {pg.rel_type(rid)}
        g.add_edge(u, v, key=rid, **attrs)
    return g


def peer_node(nid: Any, data: dict[str, Any]) -> Any:
    from relgraph.graph.values.entities import Node

    return Node(str(nid), sorted(data.get(LABELS) or ()), _props(data))


def peer_rel(g: nx.MultiDiGraph, u: Any, v: Any, key: Any, data: dict[str, Any]) -> Any:
    from relgraph.graph.values.entities import Relationship

    types = sorted(data.get(LABELS) or ())
    rel_type = types[0] if len(types) == 1 else "|".join(types)
    return Relationship(f"{u}->{v}#{key}", rel_type, peer_node(u, g.nodes[u]),
                        peer_node(v, g.nodes[v]), _props(data))


def _props(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(x) for k, x in data.items() if k != LABELS}


# nxcypher's temporal classes and relgraph's parser for the text each prints (the
# Cypher text of the value, e.g. 2020-01-02T03:04+01:00[Europe/Stockholm]).
NXCYPHER_TEMPORAL = {
    "CypherDate": "parse_date",
    "CypherLocalTime": "parse_local_time",
    "CypherTime": "parse_time",
    "CypherLocalDateTime": "parse_local_datetime",
    "CypherDateTime": "parse_datetime",
    "CypherDuration": "parse_duration",
}


def _plain(v: Any) -> Any:
    if type(v).__module__ == "numpy" and hasattr(v, "item"):
        return v.item()
    if type(v).__module__ == "nxcypher.temporal" and type(v).__name__ in NXCYPHER_TEMPORAL:
        from relgraph.graph.values import temporal

        return getattr(temporal, NXCYPHER_TEMPORAL[type(v).__name__])(str(v))
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


class _Entities:
    """Recognises the graph's own attribute dicts among a library's returned values."""

    def __init__(self, g: nx.MultiDiGraph):
        self.g = g
        self.by_id: dict[int, tuple[Any, ...]] = {id(d): ("n", n, d) for n, d in g.nodes(data=True)}
        for u, v, k, d in g.edges(keys=True, data=True):
            self.by_id[id(d)] = ("r", u, v, k, d)

    def lookup(self, value: dict[str, Any]) -> Any | None:
        hit = self.by_id.get(id(value))
        if hit is None and LABELS in value:
            hit = next((e for e in self.by_id.values() if e[-1] == value), None)
        if hit is None:
            return None
        if hit[0] == "n":
            return peer_node(hit[1], hit[2])
        return peer_rel(self.g, *hit[1:])

    def convert(self, v: Any) -> Any:
        if isinstance(v, dict):
            entity = self.lookup(v)
            if entity is not None:
                return entity
            return {str(k): self.convert(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [self.convert(x) for x in v]
        return _plain(v)


class PeerTarget(Target):
    """Shared machinery; subclasses say which library runs and whether setup is assisted."""

    library = ""          # import name
    assisted = True       # setup steps run on relgraph's engine, then are copied over
    setup_hook = False    # set once the runner calls setup(): execute() is then never setup

    def __init__(self) -> None:
        try:
            self.module = importlib.import_module(self.library)
        except ImportError as exc:
            raise SystemExit(f"cannot import {self.library} ({exc}); {PEERS_HINT}") from None
        from lark.exceptions import UnexpectedInput, VisitError

        self._parse_errors: tuple[type[BaseException], ...] = (UnexpectedInput,)
        self._visit_error = VisitError
        self.reset()

    # --- Target interface -----------------------------------------------------------

    def reset(self) -> None:
        self.g = nx.MultiDiGraph()
        self.builder = RelgraphTarget() if self.assisted else None
        self.in_setup = True

    def setup(self, query: str) -> None:
        """A setup step, from a runner that tells setup from the query under test."""
        self.setup_hook = True
        self._setup(query)

    def load_graph(self, name: str, cypher: str) -> None:
        self._setup(cypher)

    def _setup(self, query: str) -> None:
        if self.builder is not None and self.in_setup:
            self.builder.execute(query, {})
        else:
            self.execute(query, {})

    def execute(self, query: str, params: dict[str, Any]) -> QueryResult:
        if self.builder is not None and self.in_setup and not self.setup_hook:
            return self.builder.execute(query, params)
        self._leave_setup()
        try:
            raw = self.run(query, params)
        except Exception as exc:  # the library's own errors and crashes, classified
            raise self.classify(exc) from exc
        return self.result(raw)

    def snapshot(self) -> GraphState:
        self._leave_setup()
        state = GraphState()
        for nid, data in self.g.nodes(data=True):
            key = ("n", nid)
            state.nodes.add(key)
            state.labels.update(data.get(LABELS) or ())
            for k, v in _props(data).items():
                state.properties[(key, k, canonical(v))] += 1
        for u, v, k, data in self.g.edges(keys=True, data=True):
            key = ("r", (u, v, k))
            state.rels.add(key)
            for name, value in _props(data).items():
                state.properties[(key, name, canonical(value))] += 1
        return state

    # --- helpers --------------------------------------------------------------------

    def _leave_setup(self) -> None:
        if self.in_setup:
            self.in_setup = False
            if self.builder is not None:
                self.g = to_peer_graph(self.builder.graph, self.peer_value)
                self.builder = None

    def run(self, query: str, params: dict[str, Any]) -> Any:
        raise NotImplementedError

    def peer_value(self, v: Any) -> Any:
        """relgraph's value as the library holds it (setup graphs and parameters)."""
        return v

    def result(self, raw: Any) -> QueryResult:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise TargetError(f"{self.library} result", None, None,
                              f"{self.library} returned a {type(raw).__name__}, not columns")
        columns = [str(c) for c in raw]
        cells = list(raw.values())
        if not all(isinstance(c, list) for c in cells) or len({len(c) for c in cells}) > 1:
            raise TargetError(f"{self.library} result", None, None,
                              f"{self.library} returned ragged columns: "
                              f"{ {c: len(v) if isinstance(v, list) else v for c, v in raw.items()} }")
        entities = _Entities(self.g)
        rows = [[entities.convert(v) for v in row] for row in zip(*cells)]
        return QueryResult(columns, rows)

    def classify(self, exc: BaseException) -> TargetError:
        if isinstance(exc, self._visit_error):
            exc = exc.orig_exc
        message = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, self._parse_errors):
            return TargetError("SyntaxError", "compile time", "UnexpectedSyntax", message)
        detail = self.detail(exc)
        if detail is None:
            return TargetError(f"{self.library} {type(exc).__name__}", None, None, message)
        if self.raised_at_runtime(exc):
            return TargetError(RUNTIME_TYPES.get(detail, "SyntaxError"), "runtime", detail, message)
        return TargetError(COMPILE_TYPES.get(detail, "SyntaxError"), "compile time", detail, message)

    def detail(self, exc: BaseException) -> str | None:
        """The TCK detail the library means by ``exc``, or None when it names none."""
        return None

    def raised_at_runtime(self, exc: BaseException) -> bool:
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_name in _RUNTIME_FRAMES and f"{self.library}" in code.co_filename:
                return True
            tb = tb.tb_next
        return False


class GrandCypherTarget(PeerTarget):
    """grand-cypher 1.2.0: read-only, so scenario setup runs on relgraph (see module doc).

    ``GrandCypher`` objects keep state from the query they ran, so each query gets
    a new one, as the library's README does (``GrandCypher(G).run(q)``).
    """

    name = "grand-cypher"
    library = "grandcypher"

    def run(self, query: str, params: dict[str, Any]) -> Any:
        return self.module.GrandCypher(self.g).run(query)


_RELGRAPH_TEMPORAL = {"Date": "date", "LocalTime": "localtime", "Time": "time",
                      "LocalDateTime": "localdatetime", "DateTime": "datetime", "Duration": "duration"}


class NxCypherTarget(PeerTarget):
    """nxcypher 1.1.4 (default strict mode) answering each scenario's query on a graph set up by relgraph."""

    name = "nxcypher"
    library = "nxcypher"

    def __init__(self) -> None:
        super().__init__()
        self._validation = self.module.CypherValidationError
        from nxcypher.interpreter import InvalidUnicodeLiteral

        self._other_validation = (InvalidUnicodeLiteral,)

    def run(self, query: str, params: dict[str, Any]) -> Any:
        params = {k: self.peer_value(v) for k, v in params.items()}
        return self.module.NXCypher(self.g).run(query, params or None)

    def peer_value(self, v: Any) -> Any:
        """relgraph's temporal values become nxcypher's (by their Cypher text), so that
        a graph relgraph set up is one nxcypher can compute with."""
        if isinstance(v, list):
            return [self.peer_value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.peer_value(x) for k, x in v.items()}
        kind = _RELGRAPH_TEMPORAL.get(type(v).__name__)
        if kind is None or not type(v).__module__.endswith("cypher.temporal"):
            return v
        from nxcypher import temporal

        return getattr(temporal, f"cypher_{kind}")(str(v))

    def detail(self, exc: BaseException) -> str | None:
        if isinstance(exc, (self._validation, *self._other_validation)):
            return type(exc).__name__
        if type(exc) is SyntaxError:  # nxcypher's own "Detail: message" convention
            head = str(exc).split(":", 1)[0]
            if head.isidentifier() and head[:1].isupper():
                return head
        return None


class NxCypherUnassistedTarget(NxCypherTarget):
    """nxcypher doing everything itself, its own writes setting up each scenario's graph."""

    name = "nxcypher-unassisted"
    assisted = False
