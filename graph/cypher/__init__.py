"""The embedded Cypher engine: parse, check, plan and run Cypher over a PropertyGraph.

Stages, one module each (the shape of sqlglot's tokens/parser/expressions/
executor split): :mod:`.tokens` -> :mod:`.parser` (syntax tree in :mod:`.ast`)
-> :mod:`.semantics` (scoping and static checks) -> :mod:`.planner` (pattern
order, index use) -> :mod:`.executor` with :mod:`.matcher` and
:mod:`.expressions` at run time.

Public entry points: :func:`execute` (used by the networkx store) and
:func:`explain` (``relgraph query --explain``).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.context import Procedure
from relgraph.graph.cypher.errors import (
    CypherConstraintError,
    CypherEntityNotFound,
    CypherParameterMissing,
    CypherSemanticError,
    CypherSyntaxError,
    CypherUnsupportedError,
)
from relgraph.graph.cypher.parser import parse
from relgraph.graph.cypher.property_graph import PropertyGraph
from relgraph.graph.cypher.semantics import Analyzer, is_updating
from relgraph.graph.values.errors import (
    CypherArgumentError,
    CypherArithmeticError,
    CypherError,
    CypherTypeError,
)
from relgraph.graph.values.result import Result, Summary

__all__ = [
    "CypherArgumentError",
    "CypherArithmeticError",
    "CypherConstraintError",
    "CypherEntityNotFound",
    "CypherError",
    "CypherParameterMissing",
    "CypherSemanticError",
    "CypherSyntaxError",
    "CypherTypeError",
    "CypherUnsupportedError",
    "Procedure",
    "execute",
    "explain",
    "prepare",
]

_CACHE: OrderedDict[str, ast.Query] = OrderedDict()
_CACHE_SIZE = 256


def _parse_cached(query: str) -> ast.Query:
    """Parsing is pure, so scripts that repeat a query with new parameters parse once."""
    tree = _CACHE.get(query)
    if tree is None:
        tree = parse(query)
        _CACHE[query] = tree
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(query)
    return tree


def prepare(query: str, procedures: dict[str, Procedure] | None = None) -> tuple[ast.Query, list[str]]:
    """Parse and check a query without running it; returns the tree and result columns."""
    from relgraph.graph.cypher.procedures import with_builtins

    tree = _parse_cached(query)
    columns = Analyzer(query, with_builtins(procedures)).check(tree)
    return tree, columns


def _line_of(query: str, offset: int) -> int:
    return query.count("\n", 0, max(offset, 0)) + 1


def execute(graph: PropertyGraph, query: str, parameters: dict[str, Any] | None = None, *,
            write: bool = False, procedures: dict[str, Procedure] | None = None) -> Result:
    """Run ``query`` against ``graph`` and return a driver-shaped :class:`Result`.

    With ``write=False`` a query containing CREATE, MERGE, SET, REMOVE or DELETE
    is refused with :class:`relgraph.graph.store.ReadOnlyError` before anything
    runs. Writes are not wrapped in a transaction here: the caller (the store,
    the TCK runner) opens ``graph.transaction()`` so that an error rolls back.
    """
    from relgraph.graph.cypher.executor import run
    from relgraph.graph.values.errors import ReadOnlyError

    parameters = dict(parameters or {})
    tree, _ = prepare(query, procedures)
    if not write:
        clause = is_updating(tree)
        if clause is not None:
            names = {ast.SetClause: "SET", ast.Delete: "DELETE", ast.Foreach: "FOREACH",
                     ast.CallSubquery: "CALL"}
            name = names.get(type(clause), type(clause).__name__.upper())
            if isinstance(clause, ast.Delete) and clause.detach:
                name = "DETACH DELETE"
            raise ReadOnlyError(f"this query writes ({name} at line {_line_of(query, clause.pos)}); "
                                "run it with --write")
    params = _check_parameters(tree, parameters)
    from relgraph.graph.cypher.procedures import with_builtins

    columns, rows, ctx = run(graph, tree, params, with_builtins(procedures))
    summary = Summary(query=query, parameters=parameters, backend="networkx", counters=ctx.counters)
    return Result(columns, rows, summary)


def _check_parameters(tree: ast.Query, parameters: dict[str, Any]) -> dict[str, Any]:
    """Every ``$name`` must have a value; values are converted to engine values."""
    from relgraph.graph.cypher.runtime import from_python

    names: set[str] = set()
    _collect_parameters(tree, names)
    for name in sorted(names):
        if name not in parameters:
            raise CypherParameterMissing(f"expected a value for parameter ${name}", "MissingParameter")
    return {k: from_python(v) for k, v in parameters.items()}


def _collect_parameters(x: Any, out: set[str]) -> None:
    if isinstance(x, ast.Parameter):
        out.add(x.name)
    elif isinstance(x, ast.Node):
        for name in x.__dataclass_fields__:
            if name != "pos":
                _collect_parameters(getattr(x, name), out)
    elif isinstance(x, tuple):
        for item in x:
            _collect_parameters(item, out)


def explain(query: str, parameters: dict[str, Any] | None = None) -> str:
    """A readable plan: the clauses in order and, for each pattern, how it is matched."""
    from relgraph.graph.cypher.planner import pattern_variables, plan_match
    from relgraph.graph.cypher.unparse import unparse, unparse_pattern

    tree, columns = prepare(query)
    lines: list[str] = []
    writes = is_updating(tree)
    lines.append(f"Query ({'writes' if writes else 'read-only'}); columns: {', '.join(columns) or '(none)'}")
    for pi, part in enumerate(tree.parts):
        if len(tree.parts) > 1:
            flag = "" if pi == 0 else ("UNION ALL " if tree.all_flags[pi - 1] else "UNION ")
            lines.append(f"{flag}part {pi + 1}:")
        bound: set[str] = set()
        for n, clause in enumerate(part.clauses, 1):
            if isinstance(clause, ast.Match):
                head = "OPTIONAL MATCH" if clause.optional else "MATCH"
                lines.append(f"{n}. {head} " + ", ".join(unparse_pattern(p) for p in clause.patterns))
                plan = plan_match(clause.patterns, clause.where, bound)
                lines.extend(f"     {step}" for step in plan.describe())
                bound |= {v for p in clause.patterns for v in pattern_variables(p)}
            elif isinstance(clause, ast.Merge):
                lines.append(f"{n}. MERGE {unparse_pattern(clause.pattern)}")
                plan = plan_match((clause.pattern,), None, bound)
                lines.extend(f"     {step}" for step in plan.describe())
                lines.append("     (creates the pattern when no match exists)")
                bound |= set(pattern_variables(clause.pattern))
            elif isinstance(clause, (ast.With, ast.Return)):
                proj = clause.projection
                head = "WITH" if isinstance(clause, ast.With) else "RETURN"
                items = ", ".join(i.name for i in proj.items)
                text = f"{n}. {head} {'DISTINCT ' if proj.distinct else ''}{'*' if proj.star else ''}"
                text += (", " if proj.star and items else "") + items
                if proj.order:
                    text += " ORDER BY " + ", ".join(
                        unparse(s.expr) + (" DESC" if s.descending else "") for s in proj.order)
                if proj.skip is not None:
                    text += f" SKIP {unparse(proj.skip)}"
                if proj.limit is not None:
                    text += f" LIMIT {unparse(proj.limit)}"
                lines.append(text)
                if isinstance(clause, ast.With) and clause.where is not None:
                    lines.append(f"     Filter {unparse(clause.where)}")
                names = {i.name for i in proj.items}
                bound = (bound | names) if proj.star else names
            elif isinstance(clause, ast.Unwind):
                lines.append(f"{n}. UNWIND {unparse(clause.expr)} AS {clause.variable}")
                bound.add(clause.variable)
            elif isinstance(clause, ast.Create):
                lines.append(f"{n}. CREATE " + ", ".join(unparse_pattern(p) for p in clause.patterns))
                bound |= {v for p in clause.patterns for v in pattern_variables(p)}
            elif isinstance(clause, ast.Delete):
                head = "DETACH DELETE" if clause.detach else "DELETE"
                lines.append(f"{n}. {head} " + ", ".join(unparse(e) for e in clause.exprs))
            elif isinstance(clause, ast.SetClause):
                lines.append(f"{n}. SET ({len(clause.items)} items)")
            elif isinstance(clause, ast.Remove):
                lines.append(f"{n}. REMOVE ({len(clause.items)} items)")
            elif isinstance(clause, ast.Call):
                lines.append(f"{n}. CALL {clause.name}")
            elif isinstance(clause, ast.CallSubquery):
                scope = "*" if clause.import_all else ", ".join(clause.imports)
                lines.append(f"{n}. CALL ({scope}) {{ subquery, once per row }}")
            elif isinstance(clause, ast.Foreach):
                lines.append(f"{n}. FOREACH {clause.variable} IN {unparse(clause.source)} "
                             f"({len(clause.clauses)} updating clauses per element)")
    return "\n".join(lines)
