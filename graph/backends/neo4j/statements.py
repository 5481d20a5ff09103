"""The Cypher relgraph itself sends to Neo4j: quoted names, and the statements of a load.

A load merges every node and relationship with batched ``UNWIND $rows ... MERGE``
statements, in ONE write transaction up to ``Neo4jStore.single_transaction_max``
elements (larger loads commit in batches that undo themselves on failure, with the
tracked statements here: :mod:`.batches`), so a failure or an interrupt leaves the
database as it was (the store creates the uniqueness constraints on each primary
label's ``key`` first, since schema commands cannot share a transaction with data
writes). The label a node merges on and relationship types cannot be parameters
without losing speed (Neo4j 5.26's dynamic ``$(...)`` in MERGE plans a node scan, or
expands untyped), so rows are grouped by them and the names, already validated as
PascalCase / UPPER_SNAKE_CASE by the model, are written into the statement,
backtick-quoted (see :class:`LoadStatements`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j

from relgraph.graph.backends.neo4j.conversion import driver_value
from relgraph.graph.values import temporal
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import NodeSpec, RelSpec

T = TypeVar("T")

#: Rows per UNWIND statement: large enough that round trips do not dominate a big load,
#: small enough that one statement's parameters stay a few MB.
BATCH_ROWS = 5000


def quote_name(name: str) -> str:
    """A label, type or property name as a Cypher identifier; backticks make any text safe."""
    return "`" + name.replace("`", "``") + "`"


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def rel_pattern(variable: str, types: Iterable[str] | None) -> str | None:
    """``[r]`` or ``[r:A|B]`` (the caller adds the arrows), None for an empty type list."""
    if types is None:
        return f"[{variable}]"
    wanted = sorted(set(types))
    if not wanted:
        return None
    return f"[{variable}:{'|'.join(quote_name(t) for t in wanted)}]"


#: The loader's statements always plan to the same unique-index seeks, so a cached plan is
#: kept even when the statistics moved (an emptied and refilled database would otherwise
#: replan every statement of every load, seconds for a small graph).
LOADER_PREFIX = "CYPHER replan=skip "


def replan_option(statement: str) -> str:
    """``LOADER_PREFIX`` for a statement that does not choose its own options or ask for a plan."""
    first = statement.split(None, 1)[0].upper() if statement.strip() else ""
    return "" if first in ("CYPHER", "EXPLAIN", "PROFILE") else LOADER_PREFIX


def supports_dynamic_names(agent: str) -> bool:
    """Whether the server (agent "Neo4j/5.26.30", "Neo4j/2025.01.0") has dynamic labels
    (``SET n:$(...)``), which arrived in Neo4j 5.26."""
    match = re.match(r"Neo4j/(\d+)\.(\d+)", agent or "")
    return match is not None and (int(match[1]), int(match[2])) >= (5, 26)


@dataclass(frozen=True)
class LoadStatements:
    """How a load becomes statements: which rows share one, its text, and each row's parameters.

    The primary label is always written into the text (``MERGE (n:Person {key: ...})``),
    because only a literal label lets MERGE use the key constraint's index. With
    ``dynamic`` names (Neo4j 5.26+) a node's further labels travel in its row
    (``SET n:$(row.labels)``), so nodes need one statement per primary label instead
    of one per label set: the article's ~130 statements become ~80, and every distinct
    statement is planned once per server at tens of milliseconds each. Relationship
    types stay literal: ``MERGE (a)-[:$(row.type)]->(b)`` measured about 30 times
    slower per row on 5.26 (bench/neo4j_load.py), far more than planning saves.
    """

    dynamic: bool

    def node_group(self, spec: NodeSpec) -> tuple[str, ...]:
        return (spec.labels[0],) if self.dynamic else tuple(spec.labels)

    def node_row(self, spec: NodeSpec) -> dict[str, Any]:
        row: dict[str, Any] = {"key": spec.key, "props": driver_properties(spec.properties)}
        if self.dynamic:
            row["labels"] = spec.labels[1:]
        return row

    def node_statement(self, group: tuple[str, ...]) -> str:
        primary, *extra = group
        if self.dynamic:
            add_labels = " SET n:$(row.labels)"
        else:
            add_labels = f" SET n:{':'.join(quote_name(x) for x in extra)}" if extra else ""
        return (f"{LOADER_PREFIX}UNWIND $rows AS row MERGE (n:{quote_name(primary)} {{key: row.key}}) "
                f"SET n += row.props{add_labels} RETURN count(*) AS merged")

    def tracked_node_statement(self, group: tuple[str, ...]) -> str:
        """:meth:`node_statement` for a load in batches (:mod:`.batches`): each row also says
        whether it created its node (``created``: the new element ids) and, for a node that was
        there, writes a copy of it as it was (its properties and labels) into an undo record,
        so that the load can be taken back exactly after its batches committed."""
        primary = quote_name(group[0])
        merge = self.node_statement(group).split(" RETURN ", 1)[0].split(" MERGE ", 1)[1]
        return (f"{LOADER_PREFIX}UNWIND $rows AS row OPTIONAL MATCH (old:{primary} {{key: row.key}}) "
                f"WITH row, properties(old) AS before, labels(old) AS beforeLabels MERGE {merge} "
                f"{_undo_copy('n', 'node')}")

    def tracked_rel_statement(self, group: tuple[str, ...]) -> str:
        """:meth:`rel_statement` for a load in batches: new relationship ids, undo copies of
        the relationships it matched (see :meth:`tracked_node_statement`)."""
        start_label, end_label, rel_type = (quote_name(name) for name in group)
        return (f"{LOADER_PREFIX}UNWIND $rows AS row "
                f"MATCH (a:{start_label} {{key: row.start}}) MATCH (b:{end_label} {{key: row.end}}) "
                f"OPTIONAL MATCH (a)-[old:{rel_type} {{key: row.key}}]->(b) "
                "WITH row, a, b, properties(old) AS before, null AS beforeLabels "
                f"MERGE (a)-[r:{rel_type} {{key: row.key}}]->(b) SET r += row.props "
                f"{_undo_copy('r', 'rel')}")

    def rel_group(self, rel: RelSpec) -> tuple[str, ...]:
        return (rel.start.label, rel.end.label, rel.type)

    def rel_row(self, rel: RelSpec) -> dict[str, Any]:
        return {"start": rel.start.key, "end": rel.end.key, "key": rel.key,
                "props": driver_properties(rel.properties)}

    def rel_statement(self, group: tuple[str, ...]) -> str:
        start_label, end_label, rel_type = group
        return (f"{LOADER_PREFIX}UNWIND $rows AS row "
                f"MATCH (a:{quote_name(start_label)} {{key: row.start}}) "
                f"MATCH (b:{quote_name(end_label)} {{key: row.end}}) "
                f"MERGE (a)-[r:{quote_name(rel_type)} {{key: row.key}}]->(b) "
                f"SET r += row.props RETURN count(*) AS merged")


#: The label of the records a load in batches keeps in the database while it runs (see
#: :mod:`.batches`); the same as the commit marker's, so that everything that hides the marker
#: from users (counts, node lists, find) hides these too.
RECORD_LABEL = "_RelgraphLoad"


def _undo_copy(variable: str, kind: str) -> str:
    """The end of a tracked statement: an undo record per matched element, and the counts."""
    return (f"FOREACH (_ IN CASE WHEN before IS NULL THEN [] ELSE [1] END | "
            f"CREATE (u:{RECORD_LABEL}) SET u = before, u._relgraphLoadId = $load, "
            f"u._relgraphBatch = $batch, u._relgraphKind = '{kind}', u._relgraphOf = elementId({variable}), "
            f"u._relgraphLabels = beforeLabels) "
            f"RETURN count(*) AS merged, collect(CASE WHEN before IS NULL THEN elementId({variable}) END) "
            "AS created")


def driver_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """A model record's properties for the driver: temporal values (which a neo4j-admin CSV's
    typed columns load as) become the driver's. Most records hold none and pass unchanged, so
    a large load does not pay for converting every value."""
    if not any(isinstance(v, temporal.TemporalValue)
               or (isinstance(v, list) and v and isinstance(v[0], temporal.TemporalValue))
               for v in properties.values()):
        return properties
    return {name: driver_value(value) for name, value in properties.items()}


def run_merge(tx: neo4j.ManagedTransaction | neo4j.Transaction, query: str, rows: list[dict[str, Any]],
              what: str) -> int:
    """Run one batch; return how many it created. Refuse (rolling back the whole load) when a
    row merged nothing, which means an endpoint vanished after validation."""
    result = tx.run(query, rows=rows)
    merged = result.single(strict=True)["merged"]
    counters = result.consume().counters
    if merged != len(rows):
        raise StoreError(f"{len(rows) - merged} of {len(rows)} {what} rows found no endpoint node "
                         "(deleted by someone else during the load?); nothing was loaded")
    created = counters.nodes_created if what == "node" else counters.relationships_created
    return int(created)
