"""Built-in procedures: the cheap, read-only ``db.*`` catalogue calls scripts commonly use.

Callers (the TCK runner, tests) may register more :class:`~.context.Procedure`
objects; a caller's procedure of the same name wins.
"""

from __future__ import annotations

from typing import Any

from relgraph.graph.cypher.context import Procedure


def _labels(ctx: Any, args: list[Any]) -> list[dict[str, Any]]:
    return [{"label": label} for label in sorted(ctx.graph.label_counts())]


def _types(ctx: Any, args: list[Any]) -> list[dict[str, Any]]:
    return [{"relationshipType": t} for t in sorted(ctx.graph.type_counts())]


def _property_keys(ctx: Any, args: list[Any]) -> list[dict[str, Any]]:
    g = ctx.graph
    keys: set[str] = set()
    for nid in g.node_ids():
        keys.update(g.node_properties(nid))
    for rid in g.rel_ids():
        keys.update(g.rel_properties(rid))
    return [{"propertyKey": k} for k in sorted(keys)]


BUILTIN_PROCEDURES: dict[str, Procedure] = {
    "db.labels": Procedure("db.labels", [], [("label", "STRING?")], _labels),
    "db.relationshipTypes": Procedure("db.relationshipTypes", [], [("relationshipType", "STRING?")], _types),
    "db.propertyKeys": Procedure("db.propertyKeys", [], [("propertyKey", "STRING?")], _property_keys),
}


def with_builtins(procedures: dict[str, Procedure] | None) -> dict[str, Procedure]:
    return {**BUILTIN_PROCEDURES, **(procedures or {})}
