"""Optional TCK targets for the peer libraries grand-cypher and nxcypher.

They let the runner put the peers' pass counts next to relgraph's
(``python -m tests.tck --target grand-cypher``). Both libraries query a plain
networkx graph whose nodes and edges carry a ``__labels__`` set next to their
properties, so:

* setup steps ("having executed", named graphs) run through relgraph's engine
  and the resulting graph is handed over in that layout -- grand-cypher cannot
  write at all, and the comparison is about answering the query under test;
* the query under test runs in the peer, on the peer's graph; side effects
  (nxcypher writes) are read back from that graph;
* results come back as ``{column: [values]}`` with nodes and relationships as
  their attribute dicts, which are recognised by identity against the host
  graph and turned into TCK values.

Errors are classified from the exception: nxcypher names many of its
exceptions after the TCK's detail codes; anything else is a SyntaxError at
compile time when raised by the parser, otherwise a runtime error of the
matching Python type. The libraries are not dependencies of relgraph: install
them (``pip install grand-cypher nxcypher``) to use these targets.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .targets import GraphState, QueryResult, Target, TargetError, TargetUnsupported
from .values import ExpectedNode, ExpectedRel, canonical

_RUNTIME_CODES = {
    "DeleteConnectedNode": "ConstraintVerificationFailed",
    "MergeReadOwnWrites": "SemanticError",
    "NumberOutOfRange": "ArgumentError",
    "InvalidArgumentValue": "ArgumentError",
}
_PYTHON_ERRORS = {"TypeError": "TypeError", "ZeroDivisionError": "ArithmeticError",
                  "OverflowError": "ArithmeticError", "ValueError": "ArgumentError"}


# nxcypher's temporal values print as ISO 8601, which is how the TCK writes them.
_TEMPORAL_CLASSES = {"CypherDate", "CypherLocalTime", "CypherTime", "CypherLocalDateTime",
                     "CypherDateTime", "CypherDuration"}


class _IsoText:
    """A peer's temporal value, compared by its ISO text like relgraph's own."""

    def __init__(self, text: str):
        self.text = text

    def iso(self) -> str:
        return self.text


class _PeerTarget(Target):
    library = ""

    def __init__(self) -> None:
        import networkx as nx
        from relgraph.graph.backends.property_graph import PropertyGraph

        self._nx = nx
        self._graph_type = PropertyGraph
        self.reset()

    def reset(self) -> None:
        self.setup_graph = self._graph_type()
        self.host = self._nx.MultiDiGraph()

    # --- setup through relgraph, handed over in the peer's layout ------------------

    def setup(self, query: str) -> None:
        from relgraph.graph.cypher import CypherError, execute

        try:
            with self.setup_graph.transaction():
                execute(self.setup_graph, query, {}, write=True)
        except CypherError as exc:
            raise TargetError(exc.tck_type, exc.phase, exc.code, str(exc)) from exc
        self.host = self._to_host(self.setup_graph)

    def load_graph(self, name: str, cypher: str) -> None:
        self.setup(cypher)

    def _to_host(self, g: Any) -> Any:
        host = self._nx.MultiDiGraph()
        for nid in g.node_ids():
            host.add_node(nid, __labels__=set(g.labels(nid)), **g.node_properties(nid))
        for rid in g.rel_ids():
            u, v = g.rel_ends(rid)
            host.add_edge(u, v, key=rid, __labels__={g.rel_type(rid)}, **g.rel_properties(rid))
        return host

    # --- running the query under test ------------------------------------------------

    def run_peer(self, query: str, params: dict[str, Any]) -> dict[Any, list[Any]]:
        raise NotImplementedError

    def execute(self, query: str, params: dict[str, Any]) -> QueryResult:
        kinds: dict[int, str] = {}
        for _, data in self.host.nodes(data=True):
            kinds[id(data)] = "node"
        for _, _, data in self.host.edges(data=True):
            kinds[id(data)] = "rel"
        try:
            raw = self.run_peer(query, params)
        except TargetUnsupported:
            raise
        except RecursionError as exc:
            raise TargetError("RecursionError", "runtime", None, str(exc)) from exc
        except Exception as exc:
            raise self.classify(exc) from exc
        columns = [str(getattr(k, "value", k)) for k in (raw or {})]
        values = list((raw or {}).values())
        if values and len({len(v) for v in values}) != 1:
            raise TargetError("ResultShape", "runtime", None, "columns of different lengths")
        rows = [[self._convert(x, kinds) for x in row] for row in zip(*values)] if values else []
        return QueryResult(columns, rows)

    def classify(self, exc: Exception) -> TargetError:
        name = type(exc).__name__
        module = type(exc).__module__ or ""
        if name in _RUNTIME_CODES:
            return TargetError(_RUNTIME_CODES[name], "runtime", name, str(exc))
        if any(c.__name__ == "CypherValidationError" for c in type(exc).__mro__):
            return TargetError("SyntaxError", "compile time", name, str(exc))
        if module.startswith("lark"):
            return TargetError("SyntaxError", "compile time", "UnexpectedSyntax", str(exc))
        if name in _PYTHON_ERRORS:
            return TargetError(_PYTHON_ERRORS[name], "runtime", None, str(exc))
        return TargetError(name, "runtime", None, str(exc))

    def _convert(self, v: Any, kinds: dict[int, str]) -> Any:
        if isinstance(v, dict):
            kind = kinds.get(id(v))
            if kind is None and "__labels__" in v:
                kind = "node"
            if kind == "node":
                props = {k: x for k, x in v.items() if not str(k).startswith("__")}
                return ExpectedNode(tuple(sorted(v.get("__labels__") or ())), props)
            if kind == "rel":
                props = {k: x for k, x in v.items() if not str(k).startswith("__")}
                labels = sorted(v.get("__labels__") or ())
                return ExpectedRel(labels[0] if labels else "", props)
            return {str(k): self._convert(x, kinds) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [self._convert(x, kinds) for x in v]
        if isinstance(v, (set, frozenset)):
            return sorted(self._convert(x, kinds) for x in v)
        if type(v).__name__ in _TEMPORAL_CLASSES:
            return _IsoText(str(v))
        return v

    def snapshot(self) -> GraphState:
        state = GraphState()
        for nid, data in self.host.nodes(data=True):
            key = ("n", nid)
            state.nodes.add(key)
            state.labels.update(data.get("__labels__") or ())
            for k, v in data.items():
                if not str(k).startswith("__"):
                    state.properties[(key, k, canonical(v))] += 1
        for u, v, k, data in self.host.edges(keys=True, data=True):
            key = ("r", u, v, k)
            state.rels.add(key)
            for p, x in data.items():
                if not str(p).startswith("__"):
                    state.properties[(key, p, canonical(x))] += 1
        state.properties = Counter(state.properties)
        return state


class GrandCypherTarget(_PeerTarget):
    """grand-cypher: read-only Cypher over networkx (no parameters, no writes)."""

    name = "grand-cypher"

    def run_peer(self, query: str, params: dict[str, Any]) -> dict[Any, list[Any]]:
        from grandcypher import GrandCypher

        if params:
            raise TargetUnsupported("grand-cypher takes no query parameters")
        return GrandCypher(self.host).run(query)


class NxCypherTarget(_PeerTarget):
    """nxcypher: a grand-cypher fork with WITH, OPTIONAL MATCH, parameters and writes."""

    name = "nxcypher"

    def run_peer(self, query: str, params: dict[str, Any]) -> dict[Any, list[Any]]:
        from nxcypher import NXCypher

        return NXCypher(self.host).run(query, params or None)
