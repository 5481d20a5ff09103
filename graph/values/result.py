"""Query results shared by both backends, shaped like the Neo4j driver's Result/Record.

Results are materialised: both backends finish the transaction before handing
rows back, which is what lets a failed query leave no trace and lets callers
iterate a result more than once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from relgraph.graph.values.errors import RelgraphError
from relgraph.graph.values.subgraph import Subgraph

if TYPE_CHECKING:  # an optional dependency, imported when used
    import networkx as nx  # imported by Subgraph.to_networkx: a cold command does not pay for it
    import pandas


class Record(Sequence[Any]):
    """One row: values addressable by position or by column name."""

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: Sequence[str], values: Sequence[Any]):
        if len(keys) != len(values):
            raise ValueError("a record needs one value per key")
        self._keys = tuple(keys)
        self._values = tuple(values)

    def keys(self) -> list[str]:
        return list(self._keys)

    def values(self, *keys: str | int) -> list[Any]:
        if not keys:
            return list(self._values)
        return [self[k] for k in keys]

    def items(self) -> list[tuple[str, Any]]:
        return list(zip(self._keys, self._values))

    def data(self) -> dict[str, Any]:
        return dict(zip(self._keys, self._values))

    def index(self, key: Any, *args: Any) -> int:
        if isinstance(key, int):
            if 0 <= key < len(self._values):
                return key
            raise IndexError(key)
        try:
            return self._keys.index(key)
        except ValueError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return self._values[self._keys.index(key)] if key in self._keys else default

    def value(self, key: str | int = 0, default: Any = None) -> Any:
        try:
            return self[key]
        except (KeyError, IndexError):
            return default

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return Record(self._keys[key], self._values[key])
        return self._values[self.index(key)]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._keys == other._keys and self._values == other._values
        if isinstance(other, (tuple, list)):
            return tuple(other) == self._values
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._keys, self._values))

    def __repr__(self) -> str:
        inner = " ".join(f"{k}={v!r}" for k, v in zip(self._keys, self._values))
        return f"<Record {inner}>"


@dataclass
class Counters:
    """What a query changed, named like ``neo4j.SummaryCounters``."""

    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0

    @property
    def contains_updates(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def add(self, other: Counters) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass(frozen=True)
class Position:
    """Where in the query text a notification points, as the driver's ``SummaryInputPosition``."""

    offset: int  # 0-based character offset
    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def at(cls, query: str, offset: int) -> Position:
        """The position of ``offset`` in ``query``."""
        offset = max(0, min(offset, len(query)))
        start = query.rfind("\n", 0, offset) + 1
        return cls(offset, query.count("\n", 0, offset) + 1, offset - start + 1)


@dataclass(frozen=True)
class Notification:
    """A warning about a query that ran anyway, shaped like the driver's ``SummaryNotification``.

    A typo in a label, relationship type or property key makes a query return nothing
    rather than fail; Neo4j says so in a notification, and both backends report it the
    same way (the same ``code``, ``title`` and ``description``), so that a script can
    tell "no answer" from "asked about something the graph does not have". ``name`` is
    the unknown name and ``suggestion`` the closest one the graph has, when there is one.
    """

    code: str  # e.g. Neo.ClientNotification.Statement.UnknownLabelWarning
    title: str
    description: str
    severity: str = "WARNING"  # WARNING or INFORMATION
    category: str | None = None  # e.g. UNRECOGNIZED, DEPRECATION, PERFORMANCE
    position: Position | None = None
    name: str | None = None
    suggestion: str | None = None

    @property
    def message(self) -> str:
        """One line for people: what is wrong, and the name probably meant."""
        if self.name is None:
            return " ".join(self.description.split()) or self.title
        text = f"{self.title.rstrip('.')}: {self.name}"
        return text + (f"; did you mean {self.suggestion}?" if self.suggestion else "")

    def __str__(self) -> str:
        where = f" (line {self.position.line}, column {self.position.column})" if self.position else ""
        return self.message + where

    def data(self) -> dict[str, Any]:
        """As JSON takes it (the explorer's answer to a query)."""
        position = self.position
        return {"code": self.code, "title": self.title, "description": self.description,
                "severity": self.severity, "category": self.category, "message": self.message,
                "name": self.name, "suggestion": self.suggestion,
                "position": None if position is None else
                {"line": position.line, "column": position.column, "offset": position.offset}}


@dataclass
class Summary:
    """The parts of ``neo4j.ResultSummary`` that both backends can fill honestly."""

    query: str
    parameters: dict[str, Any]
    backend: str
    counters: Counters = field(default_factory=Counters)
    plan: str | None = None
    #: warnings about the query (unknown labels, types, property keys...), in query order
    notifications: list[Notification] = field(default_factory=list)


class Result:
    """An eager, re-iterable list of records with the driver's convenience methods."""

    def __init__(self, keys: Sequence[str], rows: Sequence[Sequence[Any]], summary: Summary):
        self._keys = list(keys)
        self._records = [Record(self._keys, row) for row in rows]
        self._summary = summary

    def keys(self) -> list[str]:
        return list(self._keys)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> Record:
        return self._records[index]

    @property
    def records(self) -> list[Record]:
        return list(self._records)

    def data(self, *keys: str) -> list[dict[str, Any]]:
        if not keys:
            return [r.data() for r in self._records]
        return [{k: r[k] for k in keys} for r in self._records]

    def values(self, *keys: str) -> list[list[Any]]:
        return [r.values(*keys) for r in self._records]

    def value(self, key: str | int = 0, default: Any = None) -> list[Any]:
        return [r.value(key, default) for r in self._records]

    def single(self, strict: bool = False) -> Record | None:
        if len(self._records) == 1:
            return self._records[0]
        if strict or len(self._records) > 1:
            raise ValueError(f"expected exactly one record, got {len(self._records)}")
        return None

    def peek(self) -> Record | None:
        return self._records[0] if self._records else None

    def consume(self) -> Summary:
        return self._summary

    @property
    def summary(self) -> Summary:
        return self._summary

    @property
    def notifications(self) -> list[Notification]:
        """The summary's warnings: a query that names a label the graph does not have runs,
        returns nothing, and says so here."""
        return list(self._summary.notifications)

    # --- beyond the driver: the result as other tools take it ------------------------

    def graph(self) -> Subgraph:
        """The nodes, relationships and paths anywhere in the result, as one subgraph
        (what ``relgraph view --query`` draws)."""
        return Subgraph.from_values((v for record in self._records for v in record),
                                    f"results of {short_query(self._summary.query)}")

    def to_networkx(self) -> nx.MultiDiGraph[str]:
        """:meth:`graph` as a networkx MultiDiGraph (see :meth:`Subgraph.to_networkx`)."""
        return self.graph().to_networkx()

    def to_df(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, one column per key, values as they are (nodes stay
        Node objects, dates temporal values). pandas is an optional dependency:
        ``pip install 'relgraph[pandas]'``."""
        try:
            import pandas
        except ImportError:
            raise RelgraphError("Result.to_df() needs pandas: pip install 'relgraph[pandas]'") from None
        return pandas.DataFrame([list(r) for r in self._records], columns=self._keys)

    def __repr__(self) -> str:
        return f"<Result keys={self._keys} records={len(self._records)} backend={self._summary.backend}>"


def short_query(query: str) -> str:
    """A query as descriptions quote it: on one line, cut at 60 characters, in quotes."""
    text = " ".join(query.split())
    return repr(text if len(text) <= 60 else text[:59] + "…")
