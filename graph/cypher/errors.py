"""Errors raised by the Cypher engine.

Every error carries three facts so that callers (and the openCypher TCK runner)
can tell failures apart without parsing messages:

* ``tck_type``: the TCK's error type (SyntaxError, TypeError, ArgumentError...).
  Neo4j reports most compile-time semantic problems as ``SyntaxError``; we follow
  it so that scripts see the same classification on both backends.
* ``phase``: ``"compile time"`` for problems found before anything runs (the
  graph is untouched), ``"runtime"`` for problems found while running.
* ``code``: the TCK's detail code (``UndefinedVariable``, ``DeleteConnectedNode``
  ...), or None when there is none.
"""

from __future__ import annotations

from relgraph.graph.values.errors import (
    COMPILE_TIME,
    CypherArgumentError,
    CypherArithmeticError,
    CypherError,
    CypherTypeError,
)
from relgraph.graph.values.text import printable

__all__ = [
    "CypherArgumentError", "CypherArithmeticError", "CypherConstraintError", "CypherEntityNotFound",
    "CypherError", "CypherParameterMissing", "CypherProcedureError", "CypherRuntimeSemanticError",
    "CypherSemanticError", "CypherSyntaxError", "CypherTypeError", "CypherUnsupportedError",
]


class CypherSyntaxError(CypherError):
    """The text is not a Cypher query: reports line, column and a caret."""

    tck_type = "SyntaxError"
    default_phase = COMPILE_TIME
    query = ""  # the query text the position is in

    def __init__(self, message: str, query: str = "", offset: int | None = None,
                 code: str | None = "UnexpectedSyntax"):
        super().__init__(_locate(self, message, query, offset), code)
        self.short_message = message


class CypherSemanticError(CypherError):
    """A well-formed query that cannot mean anything (undefined variable...).

    The TCK (and Neo4j) classify these as SyntaxError raised at compile time. Given the
    query and an offset, the message points at the place, as a syntax error's does: in a
    long script "variable `q` is not defined" alone leaves the reader searching.
    """

    tck_type = "SyntaxError"
    default_phase = COMPILE_TIME
    query = ""  # the query text the position is in, when there is one

    def __init__(self, message: str, code: str | None = None, *, query: str = "",
                 offset: int | None = None, phase: str | None = None):
        super().__init__(_locate(self, message, query, offset), code, phase=phase)
        self.short_message = message


def _locate(error: CypherSyntaxError | CypherSemanticError, message: str, query: str,
            offset: int | None) -> str:
    """Set the error's query, offset, line and column; the message with the line and a caret
    under the place, or as it is without an offset."""
    error.query = query
    error.offset = offset
    error.line = error.column = None
    if offset is None or offset < 0:
        error.offset = None
        return message
    error.line, error.column = _line_col(query, offset)
    lines = query.splitlines()
    line_text = printable(lines[error.line - 1] if error.line <= len(lines) else "")
    return f"{message} (line {error.line}, column {error.column})\n{line_text}\n{' ' * (error.column - 1)}^"


class CypherEntityNotFound(CypherError):
    """A deleted node or relationship was read."""

    tck_type = "EntityNotFound"


class CypherConstraintError(CypherError):
    """Deleting a node that still has relationships, without DETACH."""

    tck_type = "ConstraintVerificationFailed"


class CypherParameterMissing(CypherError):
    """The query uses ``$name`` but no value was given."""

    tck_type = "ParameterMissing"
    default_phase = COMPILE_TIME


class CypherRuntimeSemanticError(CypherError):
    """A semantic rule that can only be checked while running (MERGE on null...)."""

    tck_type = "SemanticError"


class CypherProcedureError(CypherError):
    """CALL of a procedure that does not exist or with wrong arguments."""

    tck_type = "ProcedureError"
    default_phase = COMPILE_TIME


class CypherUnsupportedError(CypherError):
    """Valid Cypher that this engine does not implement: names the construct.

    Raised instead of guessing, so that an unsupported query never returns a
    silently wrong answer.
    """

    tck_type = "UnsupportedError"
    default_phase = COMPILE_TIME

    def __init__(self, construct: str, *, phase: str | None = None):
        super().__init__(f"not supported by the embedded Cypher engine: {construct}",
                         "Unsupported", phase=phase)
        self.construct = construct


def _line_col(query: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    offset = max(0, min(offset, len(query)))
    line = query.count("\n", 0, offset) + 1
    start = query.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
