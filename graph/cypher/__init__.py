"""The embedded Cypher engine: parse, check, plan and run Cypher over any graph storage (:mod:`.storage`).

Stages, one module each (the shape of sqlglot's tokens/parser/expressions/
executor split): :mod:`.tokens` -> :mod:`.parser` (syntax tree in :mod:`.ast`)
-> :mod:`.semantics` (scoping and static checks) -> :mod:`.planner` (pattern
order, index use) -> :mod:`.executor` with :mod:`.matcher` and
:mod:`.expressions` at run time.

Public entry points: :func:`execute` (used by the networkx store),
:func:`prepare` (parse and check without running, :mod:`.prepare`) and
:func:`explain` (``relgraph query --explain``, :mod:`.explain`). The engine runs on
anything that implements the small :class:`~.storage.GraphStorage` protocol; the
embedded store gives it a :class:`~.property_graph.PropertyGraph`.
"""

from __future__ import annotations

from typing import Any

from relgraph.graph.cypher import (  # noqa: F401 (the function modules register themselves)
    ast,
    spatial_functions,
    text_functions,
    vector_functions,
)
from relgraph.graph.cypher.context import Procedure
from relgraph.graph.cypher.errors import (
    CypherConstraintError,
    CypherEntityNotFound,
    CypherParameterMissing,
    CypherSemanticError,
    CypherSyntaxError,
    CypherUnsupportedError,
)
from relgraph.graph.cypher.executor import run
from relgraph.graph.cypher.explain import explain
from relgraph.graph.cypher.limits import Stop, deep_enough
from relgraph.graph.cypher.prepare import check_parameters, prepare
from relgraph.graph.cypher.procedures import with_builtins
from relgraph.graph.cypher.semantics import is_updating
from relgraph.graph.cypher.storage import GraphStorage
from relgraph.graph.values.errors import (
    CypherArgumentError,
    CypherArithmeticError,
    CypherError,
    CypherTypeError,
    ReadOnlyError,
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
    "GraphStorage",
    "Procedure",
    "Stop",
    "execute",
    "explain",
    "prepare",
]


def _line_of(query: str, offset: int) -> int:
    return query.count("\n", 0, max(offset, 0)) + 1


def execute(graph: GraphStorage, query: str, parameters: dict[str, Any] | None = None, *,
            write: bool = False, procedures: dict[str, Procedure] | None = None,
            stop: Stop | None = None) -> Result:
    """Run ``query`` against ``graph`` and return a driver-shaped :class:`Result`.

    With ``write=False`` a query containing CREATE, MERGE, SET, REMOVE or DELETE
    is refused with :class:`relgraph.graph.store.ReadOnlyError` before anything
    runs. Writes are not wrapped in a transaction here: the caller (the store,
    the TCK runner) opens ``graph.transaction()`` so that an error rolls back.
    ``stop`` gives a time limit and a cancel switch (:mod:`.limits`).
    """
    with deep_enough():
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
        params = check_parameters(tree, parameters)
        columns, rows, ctx = run(graph, tree, params, with_builtins(procedures), stop)
        summary = Summary(query=query, parameters=parameters, backend="networkx", counters=ctx.counters)
    return Result(columns, rows, summary)


