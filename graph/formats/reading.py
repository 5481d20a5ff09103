"""What every reader shares: reading the file, and what follows once it has labels and properties.

Readers of exported formats (node-link JSON, JSON lines, GraphML, neo4j-admin
CSV) differ in how they parse, not in what follows: a node's id becomes its key
unless it has one, the model checks names and values, a repeated id is an error,
relationships find their endpoints by id and get a derived key when they have
none. Every problem is collected with its place in the file, so that nothing
loads when anything is wrong (:class:`BatchBuilder`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError, ModelError
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelKeys,
    RelSpec,
)


def read_text(path: Path) -> str:
    """The file's text as UTF-8 with line breaks as they are (a quoted CSV field may hold a
    CRLF), a leading byte order mark dropped; LoadError says why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise LoadError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc


class BatchBuilder:
    def __init__(self, source: str, problems: list[str] | None = None):
        self.batch = GraphBatch(source=source)
        self.problems: list[str] = problems if problems is not None else []
        self._refs: dict[Hashable, NodeKey] = {}
        self._keys = RelKeys()

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def add_node(self, node_id: Hashable, labels: Iterable[str], properties: Mapping[str, Any],
                 where: str, *, shown_id: str | None = None) -> None:
        """A node known in the file as ``node_id``; its text becomes the key when there is none.

        ``shown_id`` names the id in a duplicate message (":ID 'x' in ID space P").
        """
        props = dict(properties)
        props.setdefault("key", str(node_id))
        try:
            spec = NodeSpec(list(labels), props, origin=where)
        except ModelError as exc:
            self.problems.append(f"{where}: {exc}")
            return
        if node_id in self._refs:
            self.problems.append(f"{where}: duplicate {shown_id or f'node id {node_id!r}'}")
            return
        self._refs[node_id] = spec.node_key
        self.batch.nodes.append(spec)

    def endpoint(self, node_id: Hashable, missing: str) -> NodeKey | None:
        """The node the file calls ``node_id``; records ``missing`` when there is none."""
        ref = self._refs.get(node_id)
        if ref is None:
            self.problems.append(missing)
        return ref

    def add_relationship(self, rel_type: str, start: NodeKey | None, end: NodeKey | None,
                         properties: Mapping[str, Any], where: str) -> None:
        """Skips quietly when an endpoint is missing: ``endpoint`` already said why."""
        if start is None or end is None:
            return
        props = dict(properties)
        if "key" not in props:
            props["key"] = self._keys(start, rel_type, end)
        try:
            self.batch.relationships.append(RelSpec(rel_type, start, end, props, origin=where))
        except ModelError as exc:
            self.problems.append(f"{where}: {exc}")

    def finish(self) -> GraphBatch:
        """The batch, or LoadError with every problem found."""
        if self.problems:
            raise LoadError(self.problems)
        self.batch.validate()
        return self.batch
