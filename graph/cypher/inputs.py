"""What both backends refuse in a query's text and parameters before it runs.

The embedded engine finds these problems itself (its tokenizer and parameter check call
the functions here); the Neo4j store calls :func:`check_query_inputs` before it sends a
query, so that a user sees the same error whichever backend answers, and never a failure
deep in the driver or, worse, a value stored that no export, view or printout can write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from relgraph.graph.cypher.errors import CypherSyntaxError
from relgraph.graph.cypher.tokens import LONE_SURROGATE, tokenize
from relgraph.graph.values.errors import CypherArgumentError
from relgraph.graph.values.text import printable, surrogate_problem


def check_parameter_text(parameters: Mapping[str, Any]) -> None:
    """Parameter names and values (at any depth) must be valid Unicode text."""
    for name, value in parameters.items():
        problem = surrogate_problem(name) or surrogate_problem(value)
        if problem is not None:
            raise CypherArgumentError(f"parameter ${printable(name)}: {problem}", "InvalidParameterText")


def check_query_inputs(query: str, parameters: Mapping[str, Any] | None = None) -> None:
    """Refuse a query whose text or parameters hold a lone surrogate, as the embedded engine does.

    Only that: other syntax errors are left to the backend that runs the query, whose
    grammar may be newer than the embedded engine's tokenizer."""
    try:
        tokenize(query)
    except CypherSyntaxError as exc:
        if exc.code == LONE_SURROGATE:
            raise
    check_parameter_text(parameters or {})
