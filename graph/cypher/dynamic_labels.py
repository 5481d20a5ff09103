"""Dynamic labels and types (Neo4j 5.26): ``(n:$(expr))``, ``$all(...)``, ``$any(...)``.

The parser keeps ``$(expr)`` as a ``LabelExpr`` of op "dynamic" (args: the expression, "all" or
"any", its source text); before a node or relationship is tested or created the expression is
evaluated for the row and the tree made static (:meth:`LabelExpr.resolve`). Values are checked
as Neo4j checks them: a string or a list of strings, never null or empty. A literal is checked
before the query runs, as Neo4j does (a syntax error); a computed value when it is met.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.errors import CypherSemanticError
from relgraph.graph.values.errors import CypherArgumentError, CypherTypeError

Row = dict[str, Any]


def _invalid_name(name: Any) -> str:
    shown = "Null" if name is None else "'" + str(name).replace("\0", "\\0") + "'"
    return f"{shown} is not a valid token name. Token names cannot be empty or contain any null-bytes."


def token_names(value: Any) -> list[str]:
    """The label or type names a dynamic expression's value stands for."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, str):
            raise CypherTypeError("Expected node label to be a string or list of strings.",
                                  "InvalidArgumentType")
        if not item or "\0" in item:
            raise CypherArgumentError(_invalid_name(item), "InvalidTokenName")
    return list(dict.fromkeys(items))


def parts(expr: ast.LabelExpr | None) -> Iterator[ast.LabelExpr]:
    """The dynamic parts of a label expression."""
    if expr is None:
        return
    if expr.op == "dynamic":
        yield expr
        return
    for arg in expr.args:
        if isinstance(arg, ast.LabelExpr):
            yield from parts(arg)


def is_dynamic(expr: ast.LabelExpr | None) -> bool:
    return next(parts(expr), None) is not None


def resolver(compile_expr: Callable[[ast.Expr], Callable[[Row], Any]]
             ) -> Callable[[ast.LabelExpr, Row], ast.LabelExpr]:
    """A function making a label expression static for a row; expressions are compiled once."""
    compiled: dict[int, Callable[[Row], Any]] = {}

    def names(e: ast.Expr, row: Row) -> list[str]:
        fn = compiled.get(id(e))
        if fn is None:
            fn = compiled[id(e)] = compile_expr(e)
        return token_names(fn(row))

    def resolve(expr: ast.LabelExpr, row: Row) -> ast.LabelExpr:
        return expr.resolve(lambda e: names(e, row))

    return resolve


def created_names(expr: ast.LabelExpr | None, evaluate: Callable[[ast.Expr], Any]) -> list[str]:
    """The names CREATE, MERGE or SET writes for a conjunction such as ``:$(expr):Z``."""
    if expr is None:
        return []
    if expr.op == "label":
        return [str(expr.args[0])]
    if expr.op == "dynamic":
        return token_names(evaluate(expr.args[0]))
    return [name for arg in expr.args for name in created_names(arg, evaluate)]


def check_literal(d: ast.LabelExpr, query: str) -> None:
    """A literal dynamic value is checked before anything runs, with Neo4j's messages."""
    e = d.args[0]
    items: tuple[Any, ...]
    if isinstance(e, ast.Literal):
        items = (e,)
    elif isinstance(e, ast.ListLiteral):
        items = e.items
    else:
        return
    for item in items:
        if not isinstance(item, ast.Literal):
            continue
        v = item.value
        if v is None or (isinstance(v, str) and (not v or "\0" in v)):
            raise CypherSemanticError(_invalid_name(v), "InvalidTokenName", query=query, offset=d.pos)
        if not isinstance(v, str) and isinstance(e, ast.Literal):
            kind = {bool: "Boolean", int: "Integer", float: "Float"}.get(type(v), type(v).__name__)
            raise CypherSemanticError(f"Type mismatch: expected String or List<String> but was {kind}",
                                      "InvalidArgumentType", query=query, offset=e.pos)
