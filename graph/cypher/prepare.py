"""Parsing and checking a query before anything runs: the front half of the engine.

Everything here is pure (no graph is touched), so a parsed tree is cached by its
text: scripts that repeat a query with new parameters parse it once. Both
``execute`` and ``explain`` start here, and so does any tool that wants to know
a query's columns or parameters without running it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.context import Procedure
from relgraph.graph.cypher.errors import CypherError, CypherParameterMissing
from relgraph.graph.cypher.inputs import check_parameter_text
from relgraph.graph.cypher.limits import deep_enough
from relgraph.graph.cypher.parser import parse
from relgraph.graph.cypher.procedures import with_builtins
from relgraph.graph.cypher.runtime import from_python
from relgraph.graph.cypher.semantics import Analyzer

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


def parsed(query: str) -> ast.Query:
    """The syntax tree of a query that :func:`prepare` accepted (from the cache, usually):
    for tools that read a query after it ran, such as the typo warnings."""
    with deep_enough():
        return _parse_cached(query)


def prepare(query: str, procedures: dict[str, Procedure] | None = None) -> tuple[ast.Query, list[str]]:
    """Parse and check a query without running it; returns the tree and result columns."""
    with deep_enough():
        tree = _parse_cached(query)
        columns = Analyzer(query, with_builtins(procedures)).check(tree)
    return tree, columns


def check_parameters(tree: ast.Query, parameters: dict[str, Any]) -> dict[str, Any]:
    """Every ``$name`` must have a value; values are converted to engine values."""
    check_parameter_text(parameters)
    names: set[str] = set()
    _collect_parameters(tree, names)
    missing = sorted(names - set(parameters))
    if missing:
        listed = ", ".join(f"${name}" for name in missing)
        raise CypherParameterMissing(f"expected a value for parameter{'s' if len(missing) > 1 else ''} "
                                     f"{listed}", "MissingParameter")
    return {k: from_python(v) for k, v in parameters.items()}


def parameter_names(query: str) -> list[str] | None:
    """The ``$names`` a query uses, sorted; None when the embedded engine cannot read it
    (Neo4j-only syntax): then the backend that runs it says what is missing.

    The command line asks before running, so that a missing ``$who`` is one message on
    both backends, saying how to pass it."""
    try:
        with deep_enough():
            tree = _parse_cached(query)
    except CypherError:
        return None
    names: set[str] = set()
    _collect_parameters(tree, names)
    return sorted(names)


def _collect_parameters(x: Any, out: set[str]) -> None:
    if isinstance(x, ast.Parameter):
        out.add(x.name)
    elif isinstance(x, ast.SyntaxNode):
        for name in x.__dataclass_fields__:
            if name != "pos":
                _collect_parameters(getattr(x, name), out)
    elif isinstance(x, tuple):
        for item in x:
            _collect_parameters(item, out)
