"""The Neo4j backend: the store interface over a real Neo4j server, through the official driver.

This module is the store itself; the package splits what it stands on into modules of
their own: :mod:`.connection` (settings, the fast probe, transactions and errors),
:mod:`.conversion` (the driver's values as relgraph's and back) and :mod:`.statements`
(the Cypher of a load, one transaction of batched MERGEs).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from functools import partial
from typing import Any, TypeVar

import neo4j
import neo4j.exceptions as neo4j_errors

from relgraph.graph.backends.neo4j.batches import BatchedLoad, Recovery
from relgraph.graph.backends.neo4j.connection import (
    MEMORY_ERROR,
    Connection,
    Neo4jSettings,
    Neo4jUnavailable,
    needs_implicit_transaction,
)
from relgraph.graph.backends.neo4j.conversion import (
    ResultConverter,
    counters_of,
    driver_value,
    notifications_of,
)
from relgraph.graph.backends.neo4j.statements import (
    BATCH_ROWS,
    LOADER_PREFIX,
    RECORD_LABEL,
    LoadStatements,
    chunks,
    quote_name,
    rel_pattern,
    replan_option,
    run_merge,
    supports_dynamic_names,
)
from relgraph.graph.cypher.file_access import check_query, check_script
from relgraph.graph.cypher.inputs import check_query_inputs
from relgraph.graph.cypher.notifications import LABEL, TYPE, in_query_order, kind_of, with_suggestions
from relgraph.graph.cypher.statements import is_schema_command
from relgraph.graph.store import GraphCounts, GraphStore, LoadSummary, Progress, names_match
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import QueryError, QueryTimeout, StatementError, StoreError
from relgraph.graph.values.model import GraphBatch, NodeKey, NodeSpec, RelSpec
from relgraph.graph.values.result import Result, Summary

T = TypeVar("T")

#: The transaction metadata key that names a query, so that cancel() can find it on the server.
QUERY_ID_KEY = "relgraphQuery"

#: The label of a load's commit marker: one node, written in the load's transaction, that
#: tells after a lost connection whether the commit happened (see ``_apply``). Deleted right
#: after the commit; one left by a load whose outcome stayed unknown is never counted or
#: listed (``nodes``, ``counts``) and is swept by a later load. The leading underscore keeps
#: it apart from relgraph's PascalCase labels.
MARKER = RECORD_LABEL

#: A marker older than this belongs to no load still checking its commit.
STALE_MARKER = "PT10M"

__all__ = ["Neo4jStore", "Neo4jUnavailable"]


def id_order(element_id: str) -> tuple[int, int, str]:
    """Stable order for element ids ('4:<db>:17'): by the numeric id, i.e. creation order."""
    tail = element_id.rsplit(":", 1)[-1]
    return (0, int(tail), element_id) if tail.isdigit() else (1, 0, element_id)


#: kind of name -> the procedure that lists the database's names of that kind, and its column
_NAME_PROCEDURES = {LABEL: ("db.labels", "label"), TYPE: ("db.relationshipTypes", "relationshipType")}


def _names(tx: Any, kind: str) -> list[str]:
    """The labels, relationship types or property keys the database has (for suggestions)."""
    procedure, column = _NAME_PROCEDURES.get(kind, ("db.propertyKeys", "propertyKey"))
    return [str(record[0]) for record in tx.run(f"CALL {procedure}() YIELD {column} RETURN {column}")]


def _consume(tx: neo4j.ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()


SchemaNames = tuple[set[str], set[str]]
"""The names of a database's constraints, and of its indexes (the built-in lookup ones aside)."""


def schema_names(tx: neo4j.ManagedTransaction) -> SchemaNames:
    constraints = {r[0] for r in tx.run("SHOW CONSTRAINTS YIELD name RETURN name")}
    indexes = {r[0] for r in tx.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")}
    return constraints, indexes


class Neo4jStore(GraphStore):
    """A graph in a Neo4j database. Open it with :meth:`connect` to fail fast without a server."""

    backend = "neo4j"

    #: A load of at most this many nodes and relationships runs in one transaction, as it always
    #: did; a larger one commits in batches and undoes them if it fails (:mod:`.batches`).
    single_transaction_max = 20_000
    #: Rows per transaction of a load in batches.
    batch_rows = 10_000

    def __init__(self, settings: Neo4jSettings | None = None, *, dynamic_names: bool | None = None,
                 connection: Connection | None = None):
        """``dynamic_names`` forces how loads name labels and types (None: by server version)."""
        self._connection = connection or Connection(settings)
        self.settings = self._connection.settings
        self._dynamic_names = dynamic_names
        self._key_labels: frozenset[str] | None = None  # cached; dropped on our schema changes

    @classmethod
    def connect(cls, settings: Neo4jSettings | None = None, timeout: float = 10.0, *,
                dynamic_names: bool | None = None) -> Neo4jStore:
        """Open the store after checking, within ``timeout`` seconds, that the server answers,
        accepts the credentials and has the database.

        Raises :class:`Neo4jUnavailable` when nothing (or no Bolt server) answers, and
        :class:`StoreError` when the server answers but refuses.
        """
        return cls(dynamic_names=dynamic_names, connection=Connection.open(settings, timeout))

    def describe(self) -> str:
        return f"neo4j {self.settings.describe()}"

    @property
    def driver(self) -> neo4j.Driver:
        """The underlying driver, for tools that must bypass the store (the benchmark's baseline)."""
        return self._connection.driver

    def server_agent(self) -> str:
        """The server's product and version, e.g. "Neo4j/5.26.30"."""
        return self._connection.server_agent()

    def close(self) -> None:
        self._connection.close()

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        return self._connection.read(work)

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        return self._connection.write(work)

    # --- queries --------------------------------------------------------------------

    def run(self, query: str, parameters: Mapping[str, Any] | None = None, *,
            write: bool = False, timeout: float | None = None, query_id: str | None = None,
            memory: int | None = None) -> Result:
        check_query(query, write=write)
        params = dict(parameters or {})
        check_query_inputs(query, params)
        key_labels = self.key_labels()
        if is_schema_command(query):
            self._key_labels = None  # read again after the change

        def work(tx: Any) -> Result:
            """``tx``: a managed transaction, or a session for an auto-commit query."""
            return self._collect(tx, query, params, key_labels=key_labels)

        metadata = {QUERY_ID_KEY: query_id} if query_id is not None else None
        try:
            if timeout is not None or metadata is not None:
                # The server stops the transaction at the limit, or when cancel() terminates it.
                return self._connection.once(work, write=write, timeout=timeout, metadata=metadata)
            if not write:
                return self._read(work)
            return self._write(work)
        except StoreError as exc:
            if not write or not needs_implicit_transaction(exc):
                raise
        # CALL { ... } IN TRANSACTIONS commits batches itself, so the server refuses it inside
        # an explicit transaction before running anything: give it a session of its own, with
        # the same limit and metadata.
        try:
            return self._connection.auto_commit(
                lambda session: self._collect(session, query, params, timeout=timeout, metadata=metadata,
                                              key_labels=key_labels),
                timeout)
        except QueryTimeout as exc:
            raise QueryTimeout(exc.seconds, batches_kept=True) from exc

    def _collect(self, tx: Any, query: str, params: dict[str, Any], *, prefix: str = "",
                 timeout: float | None = None, metadata: dict[str, str] | None = None,
                 key_labels: frozenset[str] = frozenset()) -> Result:
        """Run one query in ``tx`` and read all of it into a :class:`Result` of shared types.

        ``prefix`` (query options such as ``CYPHER replan=skip``) is sent, not reported: an
        error's message and position are given back as if it had not been there. A query
        that ran out of memory fails here, so that the driver does not run it again.
        ``timeout`` and ``metadata`` are for an auto-commit query (``tx`` a session)."""
        text = prefix + query
        sent: Any = text if timeout is None and metadata is None else neo4j.Query(
            text, timeout=timeout, metadata=metadata)
        try:
            result = tx.run(sent, driver_value(params))
            keys = list(result.keys())
            raw = [list(record.values()) for record in result]
            summary = result.consume()
        except neo4j_errors.Neo4jError as exc:
            if exc.code == MEMORY_ERROR or (prefix and (exc.code or "").startswith("Neo.ClientError.")):
                raise self._connection.translate(exc, prefix=prefix) from exc
            raise
        converter = ResultConverter(key_labels)
        converter.scan(raw)
        converter.fetch_missing(tx)
        notifications = in_query_order(notifications_of(summary))
        if any(kind_of(note) for note in notifications):  # a typo: say which name was meant
            notifications = with_suggestions(notifications, partial(_names, tx))
        return Result(keys, [converter.convert(row) for row in raw],
                      Summary(query, params, self.backend, counters_of(summary.counters),
                              notifications=notifications))

    def cancel(self, query_id: str) -> bool:
        """Terminate the transaction that runs under ``query_id`` (its metadata says so)."""
        return self._connection.terminate(QUERY_ID_KEY, query_id)

    def run_script(self, statements: Sequence[str], *, write: bool = True,
                   allow_file_access: bool = False) -> list[Result]:
        """Schema commands first, each in its own transaction; then every other statement in ONE.

        Neo4j refuses schema commands (constraints, indexes) in a transaction that
        writes data, so they cannot share the data's transaction; relgraph's exports
        make them all ``IF NOT EXISTS``, so running them ahead is harmless and a rerun
        does nothing. The data statements then run in order in one write transaction:
        a failing statement rolls back all of them, and the error names it
        (:class:`StatementError` with its index, which ``relgraph load`` turns into
        file:line). An error found only at commit (Neo4j checks that a deleted node has
        no relationships left then) is put on the last data statement, since the
        server does not say which statement caused it. Without ``write`` everything
        runs in one read transaction, where the server refuses any write, and schema
        commands are refused before anything runs.

        A script that fails keeps nothing, its schema included: the constraints and
        indexes that were not there before it ran (``SHOW CONSTRAINTS`` / ``SHOW INDEXES``
        before and after) are dropped again. One created by someone else meanwhile would
        go too; scripts are loads, run by one person at a time.

        Data statements keep a cached plan even when the statistics have moved (as the
        loader's do, see ``LOADER_PREFIX``): a script's statements are many and long
        (an export of the article is 140 statements of inline data), each is planned at
        about 80 ms, and the database a script fills changes its statistics enough that
        running it again would replan every one.
        """
        check_script(statements, allow_file_access=allow_file_access)
        for index, text in enumerate(statements):
            try:
                check_query_inputs(text)
            except QueryError as exc:
                raise StatementError(index, str(exc)) from exc
        schema = [i for i, text in enumerate(statements) if is_schema_command(text)]
        data = [i for i, text in enumerate(statements) if not is_schema_command(text)]
        if schema and not write:
            raise StatementError(schema[0], "a schema command changes the database; run the script "
                                            "with write=True (--write)")
        before = self._read(schema_names) if schema else None
        try:
            return self._run_statements(statements, schema, data, write)
        except StatementError as exc:
            if before is None:
                raise
            raise StatementError(exc.index, f"{exc}{self._undo_schema(before)}") from exc
        except StoreError:
            if before is not None:
                self._undo_schema(before)
            raise

    def _run_statements(self, statements: Sequence[str], schema: list[int], data: list[int],
                        write: bool) -> list[Result]:
        results: dict[int, Result] = {}
        for index in schema:
            text = statements[index]
            try:
                results[index] = self._write(partial(self._collect, query=text, params={}))
                self._key_labels = None
            except QueryError as exc:
                raise StatementError(index, str(exc)) from exc
        if schema:  # MERGE plans its index seeks only once the constraints' indexes are online
            self._write(lambda tx: tx.run("CALL db.awaitIndexes(300)").consume())
        current = data[-1] if data else 0
        key_labels = self.key_labels()

        def work(tx: neo4j.ManagedTransaction) -> list[Result]:
            nonlocal current
            done = []
            for index in data:
                current = index
                text = statements[index]
                done.append(self._collect(tx, text, {}, prefix=replan_option(text), key_labels=key_labels))
            current = data[-1]  # from here on, a failure is the commit's
            return done

        if data:
            try:
                ran = self._write(work) if write else self._read(work)
            except QueryError as exc:
                raise StatementError(current, str(exc)) from exc
            results.update(zip(data, ran))
        return [results[i] for i in range(len(statements))]

    def _undo_schema(self, before: SchemaNames) -> str:
        """Drop the constraints, then the indexes, that are new since ``before``; what was
        done, as the end of a sentence for the script's error."""
        try:
            constraints, indexes = self._read(schema_names)
            new_constraints = sorted(constraints - before[0])
            new_indexes = sorted(indexes - before[1] - constraints)  # a constraint's index goes with it
            for name in new_constraints:
                self._write(partial(_consume, statement=f"DROP CONSTRAINT {quote_name(name)} IF EXISTS"))
            for name in new_indexes:
                self._write(partial(_consume, statement=f"DROP INDEX {quote_name(name)} IF EXISTS"))
        except StoreError as exc:
            return f"; the constraints and indexes the script created could not be dropped again ({exc})"
        dropped = [*new_constraints, *new_indexes]
        return (f"; the script's new constraints and indexes were dropped again ({', '.join(dropped)})"
                if dropped else "")

    def explain(self, query: str, parameters: Mapping[str, Any] | None = None) -> str:
        params = dict(parameters or {})
        plan = self._read(lambda tx: tx.run(f"EXPLAIN {query}", params).consume().plan)
        lines: list[str] = []

        def walk(step: Mapping[str, Any], depth: int) -> None:
            args = step.get("args", {})
            name = str(step.get("operatorType", "?")).split("@", 1)[0]
            details = f"  {args['Details']}" if args.get("Details") else ""
            rows = f"  (~{args['EstimatedRows']:.0f} rows)" if "EstimatedRows" in args else ""
            lines.append(f"{'  ' * depth}+{name}{details}{rows}")
            for child in step.get("children", []):
                walk(child, depth + 1)

        walk(plan or {}, 0)
        return "\n".join(lines)

    def nodes(self, labels: Iterable[str] | None = None) -> Iterator[Node]:
        if labels is None:
            query = f"MATCH (n) WHERE NOT n:{MARKER} RETURN n"
        else:
            wanted = sorted(set(labels))
            if not wanted:
                return iter(())
            query = f"MATCH (n) WHERE {' OR '.join(f'n:{quote_name(x)}' for x in wanted)} RETURN n"
        key_labels = self.key_labels()
        found = self._read(lambda tx: [ResultConverter(key_labels).convert(r[0]) for r in tx.run(query)])
        return iter(sorted(found, key=lambda n: id_order(n.element_id)))

    def relationships(self, types: Iterable[str] | None = None) -> Iterator[Relationship]:
        pattern = rel_pattern("r", types)
        if pattern is None:
            return iter(())

        key_labels = self.key_labels()

        def work(tx: neo4j.ManagedTransaction) -> list[Relationship]:
            raw = [record[0] for record in tx.run(f"MATCH ()-{pattern}->() RETURN r")]
            converter = ResultConverter(key_labels)
            converter.scan(raw)
            converter.fetch_missing(tx)
            return [converter.convert(r) for r in raw]

        return iter(sorted(self._read(work), key=lambda r: id_order(r.element_id)))

    def neighbourhood(self, element_ids: Iterable[str], depth: int,
                      types: Iterable[str] | None = None) -> tuple[list[Node], list[Relationship]]:
        """Breadth-first, one Cypher expansion per hop inside one read transaction.

        A variable-length pattern (``-[*..depth]-``) would enumerate every path and
        explode on hubs; expanding a frontier of distinct nodes per hop costs one
        query per level and touches each relationship at most twice.
        """
        pattern = rel_pattern("r", types)
        start = sorted({str(e) for e in element_ids})
        key_labels = self.key_labels()

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[Node], list[Relationship]]:
            seen = {r[0] for r in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN elementId(n)",
                                         ids=start)}
            frontier = set(seen)
            for _ in range(depth if pattern is not None else 0):
                if not frontier:
                    break
                reached = {r[0] for r in tx.run(
                    f"MATCH (n)-{pattern}-(m) WHERE elementId(n) IN $ids RETURN DISTINCT elementId(m)",
                    ids=sorted(frontier))}
                frontier = reached - seen
                seen |= frontier
            converter = ResultConverter(key_labels)
            members = sorted(seen)
            converter.read_nodes(tx, members)
            rels: list[Any] = []
            if pattern is not None:
                rels = [r[0] for r in tx.run(
                    f"MATCH (a)-{pattern}->(b) WHERE elementId(a) IN $ids AND elementId(b) IN $ids "
                    "RETURN r", ids=members)]
            return list(converter.nodes.values()), [converter.convert(r) for r in rels]

        nodes, rels = self._read(work)
        return (sorted(nodes, key=lambda n: id_order(n.element_id)),
                sorted(rels, key=lambda r: id_order(r.element_id)))

    def counts(self) -> GraphCounts:
        """Totals and per-label / per-type counts from Neo4j's count store, not a scan."""

        def work(tx: neo4j.ManagedTransaction) -> GraphCounts:
            totals = tx.run("CALL { MATCH (n) RETURN count(n) AS nodes } "
                            f"CALL {{ MATCH (m:{MARKER}) RETURN count(m) AS markers }} "
                            "CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
                            "RETURN nodes - markers AS nodes, rels").single(strict=True)
            labels = [r[0] for r in tx.run("CALL db.labels() YIELD label WHERE label <> $marker "
                                           "RETURN label", marker=MARKER)]
            types = [r[0] for r in tx.run("CALL db.relationshipTypes() YIELD relationshipType "
                                          "RETURN relationshipType")]
            parts = [f"MATCH (n:{quote_name(x)}) RETURN 'label' AS kind, $names[{i}] AS name, "
                     "count(n) AS total" for i, x in enumerate(labels)]
            parts += [f"MATCH ()-[r:{quote_name(x)}]->() RETURN 'type' AS kind, "
                      f"$names[{len(labels) + i}] AS name, count(r) AS total"
                      for i, x in enumerate(types)]
            per: dict[str, dict[str, int]] = {"label": {}, "type": {}}
            if parts:
                for kind, name, total in tx.run(" UNION ALL ".join(parts), names=labels + types):
                    if total:
                        per[kind][name] = total
            return GraphCounts(totals["nodes"], totals["rels"], dict(sorted(per["label"].items())),
                               dict(sorted(per["type"].items())))

        return self._read(work)

    def find(self, name_or_key: str) -> list[Node]:
        """Match names in Python (casefold, as the generic find does) over a narrow projection,
        then read only the matching nodes in full."""
        wanted = name_or_key.casefold()
        key_labels = self.key_labels()

        def work(tx: neo4j.ManagedTransaction) -> list[Node]:
            ids = [eid for eid, key, name, aliases in tx.run(
                f"MATCH (n) WHERE NOT n:{MARKER} RETURN elementId(n), n.key, n.name, n.aliases")
                if names_match(wanted, key, name, aliases)]
            converter = ResultConverter(key_labels)
            converter.read_nodes(tx, ids)
            return list(converter.nodes.values())

        return sorted(self._read(work), key=lambda n: id_order(n.element_id))

    # --- loading ----------------------------------------------------------------------

    def _existing(self, refs: set[NodeKey]) -> set[NodeKey]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for ref in refs:
            by_label[ref.label].append(ref.key)

        def work(tx: neo4j.ManagedTransaction) -> set[NodeKey]:
            found: set[NodeKey] = set()
            for label, keys in by_label.items():
                query = (f"{LOADER_PREFIX}UNWIND $keys AS k MATCH (n:{quote_name(label)} {{key: k}}) "
                         "RETURN DISTINCT k")
                found.update(NodeKey(label, r[0]) for r in tx.run(query, keys=sorted(keys)))
            return found

        return self._read(work)

    def ensure_key_constraints(self, labels: Iterable[str]) -> list[str]:
        """Create the uniqueness constraint on ``key`` for each label that lacks one; return those created.

        Existing equivalent constraints (whatever their name) are left alone, so a
        reload does no schema work. Each CREATE runs in its own transaction, as Neo4j
        requires, and the load waits until their indexes are online so MERGE uses them.
        """
        wanted = set(labels)
        missing = sorted(wanted - self._read(_key_constraint_labels))
        if missing:
            self._key_labels = None
        for label in missing:
            statement = (f"CREATE CONSTRAINT {quote_name(f'relgraph_{label}_key')} IF NOT EXISTS "
                         f"FOR (n:{quote_name(label)}) REQUIRE n.key IS UNIQUE")
            try:
                self._write(partial(_consume, statement=statement))
            except StoreError as exc:
                raise StoreError(f"cannot create the uniqueness constraint on :{label}(key), which "
                                 f"relgraph's merges rely on: {exc}") from exc
        if missing:
            self._write(lambda tx: tx.run("CALL db.awaitIndexes(300)").consume())
        return missing

    def key_labels(self) -> frozenset[str]:
        """The labels with a uniqueness constraint on ``key``: those loads merge on, so a node's
        primary label is among them (read once; this store's own schema changes refresh it)."""
        if self._key_labels is None:
            self._key_labels = frozenset(self._read(_key_constraint_labels))
        return self._key_labels

    def _statements(self) -> LoadStatements:
        """Dynamic extra labels from Neo4j 5.26 on (fewer statements to plan), exact names before."""
        if self._dynamic_names is None:
            self._dynamic_names = supports_dynamic_names(self.server_agent())
        return LoadStatements(self._dynamic_names)

    def _apply(self, batch: GraphBatch, progress: Progress | None, replace: bool) -> LoadSummary:
        large = len(batch) > self.single_transaction_max
        if large and replace:
            raise StoreError(
                f"a load of {len(batch):,} nodes and relationships commits in batches, and replacing "
                "the whole graph cannot be undone batch by batch; for a fresh database from these "
                "sources use 'relgraph neo4j import --force SOURCE...' (the local server), or empty "
                "the graph first. Nothing was loaded")
        swept = Recovery(self._connection).sweep()
        self.ensure_key_constraints({spec.labels[0] for spec in batch.nodes}
                                    | {ref.label for ref in batch.iter_endpoints()})
        statements = self._statements()
        if large:
            loader = BatchedLoad(self._connection, statements, rows_per_batch=self.batch_rows,
                                 rows_per_statement=BATCH_ROWS)
            summary = loader.run(batch, progress)
        else:
            summary = self._apply_at_once(batch, statements, progress, replace)
        summary.note = "; ".join(note for note in (swept, summary.note) if note)
        if progress:
            progress(len(batch), len(batch), "done")
        return summary

    def _apply_at_once(self, batch: GraphBatch, statements: LoadStatements, progress: Progress | None,
                       replace: bool) -> LoadSummary:
        """The whole load in one transaction, with a commit marker (see ``MARKER``)."""
        node_groups: dict[tuple[str, ...], list[NodeSpec]] = defaultdict(list)
        for spec in batch.nodes:
            node_groups[statements.node_group(spec)].append(spec)
        rel_groups: dict[tuple[str, ...], list[RelSpec]] = defaultdict(list)
        for rel in batch.relationships:
            rel_groups[statements.rel_group(rel)].append(rel)
        total = len(batch)
        load_id = uuid.uuid4().hex

        def work(tx: neo4j.Transaction) -> LoadSummary:
            summary = LoadSummary(batch.source)
            done = 0
            if replace:
                tx.run("MATCH (n) DETACH DELETE n").consume()
            tx.run(f"MATCH (m:{MARKER}) WHERE m.at < datetime() - duration($stale) DELETE m",
                   stale=STALE_MARKER).consume()
            for group, specs in node_groups.items():
                query = statements.node_statement(group)
                for chunk in chunks(specs, BATCH_ROWS):
                    created = run_merge(tx, query, [statements.node_row(s) for s in chunk], "node")
                    summary.nodes_created += created
                    summary.nodes_matched += len(chunk) - created
                    done += len(chunk)
                    if progress:
                        progress(done, total, "nodes")
            for group, rels in rel_groups.items():
                query = statements.rel_statement(group)
                for rel_chunk in chunks(rels, BATCH_ROWS):
                    created = run_merge(tx, query, [statements.rel_row(r) for r in rel_chunk],
                                         "relationship")
                    summary.relationships_created += created
                    summary.relationships_matched += len(rel_chunk) - created
                    done += len(rel_chunk)
                    if progress:
                        progress(done, total, "relationships")
            tx.run(f"CREATE (:{MARKER} {{id: $id, at: datetime()}})", id=load_id).consume()
            return summary

        def committed(session: neo4j.Session) -> bool:
            found = session.run(f"MATCH (m:{MARKER} {{id: $id}}) RETURN count(m) AS n",
                                id=load_id).single(strict=True)["n"]
            return bool(found)

        summary, note = self._connection.write_checked(work, committed)
        summary.note = note
        # The load is in; its marker has done its job. If it cannot go now, nodes() and counts()
        # hide it and a later load sweeps it.
        with suppress(StoreError):
            self._write(lambda tx: tx.run(f"MATCH (m:{MARKER} {{id: $id}}) DELETE m", id=load_id).consume())
        return summary

    def clear(self) -> None:
        """Delete everything in bounded transactions, so clearing a big graph needs little heap.

        Schema (the key constraints) stays: it describes the data model, not the data.
        """
        for statement in ("MATCH ()-[r]->() WITH r LIMIT 10000 DELETE r RETURN count(*)",
                          "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)"):
            # relationships first: 10,000 nodes with every relationship they have may be far
            # more than 10,000 deletions (the load benchmark's 1M relationships: 200,000),
            # beyond the default server's 256 MiB per transaction
            while self._write(partial(_deleted, statement=statement)):
                pass


def _deleted(tx: neo4j.ManagedTransaction, statement: str) -> int:
    return int(tx.run(statement).single(strict=True)[0])


def _key_constraint_labels(tx: neo4j.ManagedTransaction) -> set[str]:
    rows = tx.run("SHOW CONSTRAINTS YIELD type, entityType, labelsOrTypes, properties "
                  "WHERE entityType = 'NODE' AND properties = ['key'] "
                  "AND (type CONTAINS 'UNIQUE' OR type CONTAINS 'KEY') "
                  "RETURN labelsOrTypes")
    return {labels[0] for (labels,) in rows if len(labels) == 1}
