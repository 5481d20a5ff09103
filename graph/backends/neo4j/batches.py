"""A large load in batches that still is all or nothing for the user.

One transaction for a whole load needs server memory in proportion to the load: on the
default local server (768 MB heap, 256 MB per transaction) a load of 300,000 rows failed
and nothing was loaded. So a load larger than ``Neo4jStore.single_transaction_max``
elements commits in batches of ``Neo4jStore.batch_rows`` rows, each its own transaction,
and keeps in the database what it needs to take itself back:

* a **load record** (``_relgraphKind: 'load'``), committed before the first batch and
  deleted last, whose ``_relgraphState`` says whether the load was complete;
* per batch, in the batch's own transaction, a **journal** of the element ids the batch
  created, and an **undo copy** of every node or relationship it matched as it was
  before (its properties and labels: ``SET n += ...`` overwrites, ``SET n:Label`` adds).

Why records rather than a tag property on every element: a tag must be written on every
element the load creates and removed again at the end, which is a second write pass over
the whole load; the journal costs one small node per batch, and the undo copies are only
for elements that were already there (none in a first load). Exactness: the undo copies
hold the old values themselves (Neo4j's own types, copied by Cypher), and undoing runs
the batches newest first, so an element two batches changed ends as it was before both.

When a batch fails, or the load is interrupted (Ctrl-C) or loses its server, relgraph
undoes every batch that committed, newest first, and says so; the driver never runs a
batch again (an explicit transaction, no retry), since a failed batch means the load
failed. When relgraph itself cannot undo (it was killed, or the server stays away), the
records stay; the next load finds them and finishes the job first (undo, or for a load
that completed, only the clean-up), with a note. A load that is still running is told
apart from a dead one by its **guard**: an open, idle transaction that carries the
load's id as metadata for as long as the client lives (``SHOW TRANSACTIONS``); the
server ends it when the client's connection goes.

Every record has the label ``_RelgraphLoad``, which the store hides from counts, lists
and lookups. The records are visible to one's own Cypher queries while a load runs.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from relgraph.graph.backends.neo4j.connection import Connection
from relgraph.graph.backends.neo4j.statements import RECORD_LABEL, LoadStatements, chunks
from relgraph.graph.store import LoadSummary, Progress
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import GraphBatch, NodeSpec, RelSpec

#: The transaction metadata key of a load's guard and batches.
LOAD_KEY = "relgraphLoad"

#: The properties of a record that are not the copied element's own.
RECORD_KEYS = ("_relgraphLoadId", "_relgraphBatch", "_relgraphKind", "_relgraphOf", "_relgraphLabels")

#: How long a load waits for the guard of a load that looks alive to go, before calling it
#: running: a killed client's connection takes the server a moment to notice.
GUARD_GRACE = 5.0

#: Undo copies restored (or records deleted) per transaction when a load is undone or cleaned up.
UNDO_ROWS = 5000

_ROWS = f"MATCH (u:{RECORD_LABEL}) WHERE u._relgraphLoadId = $load"
_CLEAN_FIELDS = ", ".join(f"x.{key}" for key in RECORD_KEYS)

#: Undo copies back onto their elements, newest batch first; each copy goes once restored.
_RESTORE = (
    f"{_ROWS} AND u._relgraphKind IN ['node', 'rel'] WITH u ORDER BY u._relgraphBatch DESC "
    "CALL (u) { "
    "  OPTIONAL MATCH (n) WHERE u._relgraphKind = 'node' AND elementId(n) = u._relgraphOf "
    "  OPTIONAL MATCH ()-[r]->() WHERE u._relgraphKind = 'rel' AND elementId(r) = u._relgraphOf "
    "  FOREACH (x IN CASE WHEN n IS NULL THEN [] ELSE [n] END | "
    f"    SET x = properties(u) REMOVE {_CLEAN_FIELDS} "
    "    REMOVE x:$([l IN labels(x) WHERE NOT l IN u._relgraphLabels])) "
    "  FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [r] END | "
    f"    SET x = properties(u) REMOVE {_CLEAN_FIELDS}) "
    "  DELETE u "
    f"}} IN TRANSACTIONS OF {UNDO_ROWS} ROWS")

#: What the batches created goes, one journal (one batch) per transaction.
_DELETE_CREATED = (
    f"{_ROWS} AND u._relgraphKind = 'created' "
    "CALL (u) { "
    "  CALL (u) { UNWIND u.rels AS id MATCH ()-[r]->() WHERE elementId(r) = id DELETE r } "
    "  CALL (u) { UNWIND u.nodes AS id MATCH (n) WHERE elementId(n) = id DETACH DELETE n } "
    "  DELETE u "
    "} IN TRANSACTIONS OF 1 ROWS")

#: A complete load's records go, in bounded transactions (the load record last, separately).
_DELETE_RECORDS = (f"{_ROWS} AND u._relgraphKind <> 'load' "
                   f"CALL (u) {{ DELETE u }} IN TRANSACTIONS OF {UNDO_ROWS} ROWS")


@dataclass(frozen=True)
class Leftover:
    """A load's records found in the database: its id, state ('running', 'complete')."""

    load_id: str
    state: str


def _consume(tx: Any, query: str, **params: Any) -> None:
    tx.run(query, params).consume()


class Recovery:
    """Finds loads that stopped half-way and finishes them: the undo or the clean-up."""

    def __init__(self, connection: Connection):
        self._connection = connection

    def leftovers(self) -> list[Leftover]:
        return self._connection.read(lambda tx: [Leftover(r[0], r[1]) for r in tx.run(
            f"MATCH (u:{RECORD_LABEL}) WHERE u._relgraphKind = 'load' "
            "RETURN u._relgraphLoadId, u._relgraphState ORDER BY u._relgraphAt")])

    def running(self, load_id: str) -> bool:
        """Whether the load's guard transaction is open, i.e. its client is still at work."""
        def ask(session: Any) -> bool:
            rows = session.run("SHOW TRANSACTIONS YIELD metaData WHERE metaData[$key] = $load "
                               "RETURN count(*) AS n", key=LOAD_KEY, load=load_id)
            return bool(rows.single(strict=True)["n"])
        return bool(self._connection.auto_commit(ask))

    def sweep(self) -> str:
        """Finish every load another client left behind; a sentence for the user ("" if none).
        Raises StoreError while another load is still running."""
        notes = []
        for leftover in self.leftovers():
            deadline = time.monotonic() + GUARD_GRACE
            while self.running(leftover.load_id):
                if time.monotonic() >= deadline:
                    raise StoreError(f"another relgraph load (id {leftover.load_id}) is writing to this "
                                     "database in batches; wait for it to finish, then load again. "
                                     "Nothing was loaded")
                time.sleep(0.25)
            if leftover.state == "complete":
                self.clean_up(leftover.load_id)
                notes.append(f"an earlier load (id {leftover.load_id}) had completed but not cleaned up "
                             "its records; relgraph removed them")
            else:
                self.undo(leftover.load_id)
                notes.append(f"an earlier load (id {leftover.load_id}) was cut short after committing some "
                             "of its batches; relgraph removed what it had created and restored what it "
                             "had changed, so that load left nothing")
        return "; ".join(notes)

    def undo(self, load_id: str) -> None:
        """Take a load back: old values restored (newest batch first), created elements deleted."""
        self._set_state(load_id, "undoing")
        for query in (_RESTORE, _DELETE_CREATED):
            self._in_transactions(query, load_id)
        self._forget(load_id)

    def clean_up(self, load_id: str) -> None:
        """A complete load's records go; its data stays."""
        self._in_transactions(_DELETE_RECORDS, load_id)
        self._forget(load_id)

    def _in_transactions(self, query: str, load_id: str) -> None:
        """A ``CALL { ... } IN TRANSACTIONS`` query: on a session of its own, no retry."""
        def work(session: Any) -> None:
            session.run(query, load=load_id).consume()
        self._connection.auto_commit(work)

    def _set_state(self, load_id: str, state: str) -> None:
        self._connection.write(lambda tx: _consume(
            tx, f"{_ROWS} AND u._relgraphKind = 'load' SET u._relgraphState = $state",
            load=load_id, state=state))

    def _forget(self, load_id: str) -> None:
        self._connection.write(lambda tx: _consume(tx, f"{_ROWS} DELETE u", load=load_id))


class Guard:
    """The open transaction that says "this load is alive" (see the module's docstring)."""

    def __init__(self, connection: Connection, load_id: str):
        settings = connection.settings
        with connection.errors():
            self._session = connection.driver.session(database=settings.database)
            self._tx = self._session.begin_transaction(metadata={LOAD_KEY: load_id})
            self._tx.run("RETURN 1").consume()

    def close(self) -> None:
        """End the guard; a dead connection has ended it already."""
        try:
            self._tx.rollback()
            self._session.close()
        except Exception:  # the server ends the guard with the connection anyway
            pass


@dataclass
class Batch:
    """One transaction's worth of rows: (statement, rows, what) parts."""

    parts: list[tuple[str, list[dict[str, Any]], str]]

    @property
    def size(self) -> int:
        return sum(len(rows) for _, rows, _ in self.parts)


def plan_batches(batch: GraphBatch, statements: LoadStatements, rows_per_batch: int,
                 rows_per_statement: int) -> Iterator[Batch]:
    """The load as batches of at most ``rows_per_batch`` rows, nodes first, each statement
    at most ``rows_per_statement`` rows, grouped as the single-transaction load groups them."""
    parts: list[tuple[str, list[dict[str, Any]], str]] = []
    size = 0
    for query, rows, what in _statement_parts(batch, statements, max(1, rows_per_statement)):
        while rows:
            room = rows_per_batch - size
            parts.append((query, rows[:room], what))
            size += len(rows[:room])
            rows = rows[room:]
            if size >= rows_per_batch:
                yield Batch(parts)
                parts, size = [], 0
    if parts:
        yield Batch(parts)


def _statement_parts(batch: GraphBatch, statements: LoadStatements,
                     rows_per_statement: int) -> Iterator[tuple[str, list[dict[str, Any]], str]]:
    node_groups: dict[tuple[str, ...], list[NodeSpec]] = {}
    for spec in batch.nodes:
        node_groups.setdefault(statements.node_group(spec), []).append(spec)
    rel_groups: dict[tuple[str, ...], list[RelSpec]] = {}
    for rel in batch.relationships:
        rel_groups.setdefault(statements.rel_group(rel), []).append(rel)
    for group, specs in node_groups.items():
        node_query = statements.tracked_node_statement(group)
        for node_chunk in chunks(specs, rows_per_statement):
            yield node_query, [statements.node_row(s) for s in node_chunk], "node"
    for rel_group, rels in rel_groups.items():
        rel_query = statements.tracked_rel_statement(rel_group)
        for rel_chunk in chunks(rels, rows_per_statement):
            yield rel_query, [statements.rel_row(r) for r in rel_chunk], "relationship"


class BatchedLoad:
    """One load in batches (see the module's docstring)."""

    def __init__(self, connection: Connection, statements: LoadStatements, *, rows_per_batch: int,
                 rows_per_statement: int):
        self._connection = connection
        self._statements = statements
        self._rows_per_batch = rows_per_batch
        self._rows_per_statement = rows_per_statement
        self.load_id = uuid.uuid4().hex

    def run(self, batch: GraphBatch, progress: Progress | None) -> LoadSummary:
        recovery = Recovery(self._connection)
        self._connection.write(lambda tx: _consume(
            tx, f"CREATE (:{RECORD_LABEL} {{_relgraphLoadId: $load, _relgraphKind: 'load', "
                "_relgraphState: 'running', _relgraphAt: datetime()})", load=self.load_id))
        guard = Guard(self._connection, self.load_id)
        summary = LoadSummary(batch.source)
        done = 0
        total = len(batch)
        committed = 0
        try:
            for number, part in enumerate(plan_batches(batch, self._statements, self._rows_per_batch,
                                                       self._rows_per_statement)):
                self._commit(number, part, summary)
                committed += 1
                done += part.size
                if progress:
                    progress(done, total, f"batch {number + 1}")
            self._connection.write(lambda tx: _consume(
                tx, f"{_ROWS} AND u._relgraphKind = 'load' SET u._relgraphState = 'complete'",
                load=self.load_id))
        except KeyboardInterrupt as exc:
            guard.close()
            self._undo_after(exc, committed, recovery, progress, total)
            raise  # the CLI says: interrupted, nothing half-written was kept
        except Exception as exc:
            guard.close()
            self._undo_after(exc, committed, recovery, progress, total)
            raise StoreError(f"{exc}; {_undone(committed)}") from exc
        guard.close()
        if progress:
            progress(done, total, "cleaning up")
        try:
            recovery.clean_up(self.load_id)
        except StoreError as exc:
            summary.note = (f"the load is complete, but its records (label {RECORD_LABEL}) could not be "
                            f"removed ({exc}); the next load removes them")
        return summary

    def _commit(self, number: int, part: Batch, summary: LoadSummary) -> None:
        def work(tx: Any) -> None:
            created: dict[str, list[str]] = {"node": [], "relationship": []}
            for query, rows, what in part.parts:
                result = tx.run(query, rows=rows, load=self.load_id, batch=number)
                record = result.single(strict=True)
                result.consume()
                if record["merged"] != len(rows):
                    raise StoreError(f"{len(rows) - record['merged']} of {len(rows)} {what} rows found no "
                                     "endpoint node (deleted by someone else during the load?)")
                new = list(dict.fromkeys(record["created"]))
                created[what].extend(new)
                if what == "node":
                    summary.nodes_created += len(new)
                    summary.nodes_matched += len(rows) - len(new)
                else:
                    summary.relationships_created += len(new)
                    summary.relationships_matched += len(rows) - len(new)
            tx.run(f"CREATE (:{RECORD_LABEL} {{_relgraphLoadId: $load, _relgraphBatch: $batch, "
                   "_relgraphKind: 'created', nodes: $nodes, rels: $rels})",
                   load=self.load_id, batch=number, nodes=created["node"],
                   rels=created["relationship"]).consume()

        before = (summary.nodes_created, summary.nodes_matched, summary.relationships_created,
                  summary.relationships_matched)
        try:
            self._connection.once(work, write=True, timeout=None, metadata={LOAD_KEY: self.load_id})
        except BaseException:
            (summary.nodes_created, summary.nodes_matched, summary.relationships_created,
             summary.relationships_matched) = before
            raise

    def _undo_after(self, exc: BaseException, committed: int, recovery: Recovery,
                    progress: Progress | None, total: int) -> None:
        """Take the load back after ``exc``; raise StoreError when that is impossible now (the
        records stay for the next load)."""
        if progress:
            progress(0, total, "undoing")
        try:
            recovery.undo(self.load_id)
        except StoreError as undo_error:
            raise StoreError(
                f"{_reason(exc)}; the load had committed {committed} of its batches, and relgraph could "
                f"not take them back now ({undo_error}). The next 'relgraph load' into this database "
                f"finds what load {self.load_id} left (label {RECORD_LABEL}) and removes it, restoring "
                "what it changed, before it loads anything") from exc


def _reason(exc: BaseException) -> str:
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc) or type(exc).__name__


def _undone(committed: int) -> str:
    return (f"the load had committed {committed} of its batches; relgraph removed what they created and "
            "restored what they changed, so nothing was loaded" if committed else
            "nothing was loaded")


__all__ = ["BatchedLoad", "Leftover", "Recovery", "plan_batches"]
