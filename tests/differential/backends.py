"""The two sides of the comparison: the embedded engine and a Neo4j server, each holding one
setup at a time and answering cases against it without keeping what a case wrote.

* **Embedded**: an in-memory :class:`PropertyGraph` per setup; each case runs in the graph's
  transaction, which is undone afterwards (raising out of it rolls back), so a setup serves
  any number of cases.
* **Neo4j**: the setup is committed once; a reading case runs on its own (several at once, see
  :mod:`.run`); a writing case runs with the dump of the graph in one transaction, rolled back,
  except a ``DELETE``, which must commit since Neo4j refuses to delete a node that still has
  relationships only then: the setup is rebuilt after it.
"""

from __future__ import annotations

import re
from typing import Any

import neo4j
import neo4j.exceptions as neo4j_errors

from relgraph.graph.backends.neo4j.conversion import driver_value
from relgraph.graph.cypher import CypherError, execute
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.values.entities import Node

from .compare import Answer, NodeTexts, canonical, node_text, rel_text, rows_of

#: Seconds a query may run on Neo4j; the generated cases are small, so this only stops a runaway.
SERVER_TIMEOUT = 20.0

#: A DELETE that is not DETACH DELETE: Neo4j checks its relationships only at commit.
_CHECKED_AT_COMMIT = re.compile(r"(?<!DETACH )\bDELETE\b", re.IGNORECASE)

_WRITES = re.compile(r"\b(CREATE|MERGE|SET|REMOVE|DELETE|FOREACH)\b", re.IGNORECASE)


def writes(query: str) -> bool:
    """Whether the graph must be compared after the query (a cheap, safe over-estimate)."""
    return bool(_WRITES.search(query))


def statements(setup: str) -> list[str]:
    """A setup's statements: separated by a semicolon at the end of a line."""
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", setup) if s.strip()]


class _Rollback(Exception):
    """Raised out of the embedded transaction to undo what the case wrote."""


class Embedded:
    """The embedded engine on an in-memory graph."""

    def __init__(self) -> None:
        self.graph = PropertyGraph()

    def load(self, setup: str) -> str | None:
        """A fresh graph holding ``setup``; the error text if the setup fails."""
        self.graph = PropertyGraph()
        try:
            for statement in statements(setup):
                with self.graph.transaction():
                    execute(self.graph, statement, {}, write=True)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def answer(self, query: str, params: dict[str, Any]) -> Answer:
        out = Answer()
        try:
            with self.graph.transaction():
                result = execute(self.graph, query, params, write=True)
                out.columns = list(result.keys())
                out.rows = rows_of([list(r.values()) for r in result])
                if writes(query):
                    out.graph = self.dump()
                raise _Rollback
        except _Rollback:
            pass
        except CypherError as exc:
            out.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        except Exception as exc:
            out.error, out.crash = f"{type(exc).__name__}: {exc}", True
        return out

    def dump(self) -> list[str]:
        g = self.graph
        texts = {nid: node_text(Node(str(nid), g.labels(nid), g.node_properties(nid)))
                 for nid in g.node_ids()}
        rels = []
        for rid in g.rel_ids():
            start, end = g.rel_ends(rid)
            body = f"[:{g.rel_type(rid)}{_props(g.rel_properties(rid))}]"
            rels.append(f"{texts[start]}-{body}->{texts[end]}")
        return sorted(texts.values()) + sorted(rels)


def _props(props: dict[str, Any]) -> str:
    if not props:
        return ""
    return " {" + ", ".join(f"{k}: {canonical(v)}" for k, v in sorted(props.items())) + "}"


class Neo4jSide:
    """A Neo4j server whose database this run may wipe."""

    def __init__(self, uri: str) -> None:
        self.driver = neo4j.GraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")
        self.driver.verify_connectivity()
        self.setup = ""
        self.dirty = True
        self.nodes: NodeTexts = {}

    def close(self) -> None:
        self.driver.close()

    def load(self, setup: str) -> str | None:
        """Wipe the database and commit ``setup``; the error text if it fails."""
        self.setup, self.dirty = setup, False
        try:
            self.driver.execute_query("MATCH (n) DETACH DELETE n")
            for statement in statements(setup):
                self.driver.execute_query(statement)
            with self.driver.session() as session:
                self.nodes = {n.element_id: node_text(n)
                              for (n,) in session.run("MATCH (n) RETURN n").values()}
        except neo4j_errors.Neo4jError as exc:
            return f"{exc.code}: {exc.message}"
        return None

    def answer(self, query: str, params: dict[str, Any]) -> Answer:
        """One case; safe to call from several threads at once for reading cases (each call
        has its own session), while writing cases must run one at a time. A transient error
        (a busy server) is no answer: the case is asked again, once."""
        out = self._write(query, params) if writes(query) else self._read(query, params)
        if out.error is not None and out.error.startswith("Neo.TransientError"):
            out = self._write(query, params) if writes(query) else self._read(query, params)
        return out

    def _read(self, query: str, params: dict[str, Any]) -> Answer:
        out = Answer()
        try:
            with self.driver.session() as session:
                result = session.run(neo4j.Query(query, timeout=SERVER_TIMEOUT), driver_value(params))
                out.columns = list(result.keys())
                out.rows = rows_of([list(record.values()) for record in result], self.nodes)
        except neo4j_errors.Neo4jError as exc:
            out.error = f"{exc.code}: {exc.message}".splitlines()[0]
        except neo4j_errors.DriverError as exc:  # a value the driver cannot read (a date before year 1)
            out.error = f"the driver cannot read the answer: {exc}"
        return out

    def _write(self, query: str, params: dict[str, Any]) -> Answer:
        """The query and the dump in one transaction, rolled back; committed instead (and the
        setup rebuilt afterwards) when it deletes, since Neo4j refuses to delete a node that
        still has relationships only at commit."""
        if self.dirty:
            self.load(self.setup)
        out = Answer()
        try:
            with self.driver.session() as session, session.begin_transaction(timeout=SERVER_TIMEOUT) as tx:
                result = tx.run(query, driver_value(params))
                out.columns = list(result.keys())
                raw = [list(record.values()) for record in result]
                nodes, out.graph = self._dump(tx)
                out.rows = rows_of(raw, nodes)
                if _CHECKED_AT_COMMIT.search(query):
                    self.dirty = True
                    tx.commit()
                else:
                    tx.rollback()
        except neo4j_errors.Neo4jError as exc:
            out.error, out.graph = f"{exc.code}: {exc.message}".splitlines()[0], None
        except neo4j_errors.DriverError as exc:
            out.error, out.graph = f"the driver cannot read the answer: {exc}", None
        return out

    @staticmethod
    def _dump(tx: neo4j.Transaction) -> tuple[NodeTexts, list[str]]:
        texts = {n.element_id: node_text(n) for (n,) in tx.run("MATCH (n) RETURN n").values()}
        rels = [rel_text(r, texts) for (r,) in tx.run("MATCH ()-[r]->() RETURN r").values()]
        return texts, sorted(texts.values()) + sorted(rels)

