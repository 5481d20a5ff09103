"""``relgraph query --explain``: how the engine would run a query, as readable text.

Nothing runs: the query is parsed and checked, then each clause says what it does
and, for patterns, how the planner would match them (which node it starts from,
which index it seeks, where filters apply). One function per kind of clause,
registered on :func:`describe_clause`, the way :mod:`.unparse` handles expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.limits import deep_enough
from relgraph.graph.cypher.planner import pattern_variables, plan_match
from relgraph.graph.cypher.prepare import prepare
from relgraph.graph.cypher.semantics import is_updating
from relgraph.graph.cypher.unparse import unparse, unparse_pattern


@dataclass
class Plan:
    """The lines written so far and the variables bound by the clauses before."""

    lines: list[str] = field(default_factory=list)
    bound: set[str] = field(default_factory=set)

    def step(self, number: int, text: str) -> None:
        self.lines.append(f"{number}. {text}")

    def detail(self, text: str) -> None:
        self.lines.append(f"     {text}")


def explain(query: str, parameters: dict[str, Any] | None = None) -> str:
    """A readable plan: the clauses in order and, for each pattern, how it is matched."""
    with deep_enough():
        return _explain(query)


def _explain(query: str) -> str:
    tree, columns = prepare(query)
    writes = is_updating(tree)
    plan = Plan([f"Query ({'writes' if writes else 'read-only'}); columns: {', '.join(columns) or '(none)'}"])
    for pi, part in enumerate(tree.parts):
        if len(tree.parts) > 1:
            flag = "" if pi == 0 else ("UNION ALL " if tree.all_flags[pi - 1] else "UNION ")
            plan.lines.append(f"{flag}part {pi + 1}:")
        plan.bound = set()
        for number, clause in enumerate(part.clauses, 1):
            describe_clause(clause, number, plan)
    return "\n".join(plan.lines)


@singledispatch
def describe_clause(clause: ast.Clause, number: int, plan: Plan) -> None:
    plan.step(number, type(clause).__name__.upper())


@describe_clause.register
def _match(clause: ast.Match, number: int, plan: Plan) -> None:
    head = "OPTIONAL MATCH" if clause.optional else "MATCH"
    plan.step(number, f"{head} " + ", ".join(unparse_pattern(p) for p in clause.patterns))
    for step in plan_match(clause.patterns, clause.where, plan.bound).describe():
        plan.detail(step)
    plan.bound |= {v for p in clause.patterns for v in pattern_variables(p)}


@describe_clause.register
def _merge(clause: ast.Merge, number: int, plan: Plan) -> None:
    plan.step(number, f"MERGE {unparse_pattern(clause.pattern)}")
    for step in plan_match((clause.pattern,), None, plan.bound).describe():
        plan.detail(step)
    plan.detail("(creates the pattern when no match exists)")
    plan.bound |= set(pattern_variables(clause.pattern))


def _projection(clause: ast.With | ast.Return, number: int, plan: Plan) -> None:
    proj = clause.projection
    head = "WITH" if isinstance(clause, ast.With) else "RETURN"
    items = ", ".join(i.name for i in proj.items)
    text = f"{head} {'DISTINCT ' if proj.distinct else ''}{'*' if proj.star else ''}"
    text += (", " if proj.star and items else "") + items
    if proj.order:
        keys = (unparse(item.expr) + (" DESC" if item.descending else "") for item in proj.order)
        text += " ORDER BY " + ", ".join(keys)
    if proj.skip is not None:
        text += f" SKIP {unparse(proj.skip)}"
    if proj.limit is not None:
        text += f" LIMIT {unparse(proj.limit)}"
    plan.step(number, text)
    if isinstance(clause, ast.With) and clause.where is not None:
        plan.detail(f"Filter {unparse(clause.where)}")
    names = {i.name for i in proj.items}
    plan.bound = (plan.bound | names) if proj.star else names


describe_clause.register(ast.With, _projection)
describe_clause.register(ast.Return, _projection)


@describe_clause.register
def _unwind(clause: ast.Unwind, number: int, plan: Plan) -> None:
    plan.step(number, f"UNWIND {unparse(clause.expr)} AS {clause.variable}")
    plan.bound.add(clause.variable)


@describe_clause.register
def _create(clause: ast.Create, number: int, plan: Plan) -> None:
    plan.step(number, "CREATE " + ", ".join(unparse_pattern(p) for p in clause.patterns))
    plan.bound |= {v for p in clause.patterns for v in pattern_variables(p)}


@describe_clause.register
def _delete(clause: ast.Delete, number: int, plan: Plan) -> None:
    head = "DETACH DELETE" if clause.detach else "DELETE"
    plan.step(number, f"{head} " + ", ".join(unparse(e) for e in clause.exprs))


@describe_clause.register
def _set(clause: ast.SetClause, number: int, plan: Plan) -> None:
    plan.step(number, f"SET ({len(clause.items)} items)")


@describe_clause.register
def _remove(clause: ast.Remove, number: int, plan: Plan) -> None:
    plan.step(number, f"REMOVE ({len(clause.items)} items)")


@describe_clause.register
def _call(clause: ast.Call, number: int, plan: Plan) -> None:
    plan.step(number, f"{'OPTIONAL ' if clause.optional else ''}CALL {clause.name}")


@describe_clause.register
def _call_subquery(clause: ast.CallSubquery, number: int, plan: Plan) -> None:
    scope = "*" if clause.import_all else ", ".join(clause.imports)
    head = "OPTIONAL CALL" if clause.optional else "CALL"
    plan.step(number, f"{head} ({scope}) {{ subquery, once per row }}")


@describe_clause.register
def _foreach(clause: ast.Foreach, number: int, plan: Plan) -> None:
    plan.step(number, f"FOREACH {clause.variable} IN {unparse(clause.source)} "
                      f"({len(clause.clauses)} updating clauses per element)")
