"""Every error relgraph raises on purpose, rooted in one class.

Callers (the command line, notebooks, the explorer's API) catch
:class:`RelgraphError` and know that the message is meant for people: it says
what was wrong and where (file and line, query line and column, the URI that
did not answer). Anything else that escapes is a bug.

The classes below are the ones several layers raise or catch. Layers that have
errors of their own (the Cypher engine's syntax errors, a view that is too large,
the local Neo4j launcher) subclass these where they are raised.

The three ``Cypher*Error`` classes live here, and not with the engine, because
values raise them: a date that does not exist, a duration divided by zero.
Their ``tck_type``, ``code`` and ``phase`` classify a failure the way the
openCypher TCK and Neo4j do, so that both backends report it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

COMPILE_TIME = "compile time"
RUNTIME = "runtime"


class RelgraphError(Exception):
    """The root: a failure with a message written for the person who caused it."""


class ModelError(RelgraphError, ValueError):
    """A record breaks the data model (bad name, bad value, missing key)."""


class LoadError(RelgraphError):
    """Bad input: carries every problem found, each naming file and record or line.

    Loads are all or nothing, so the message says that nothing was loaded.
    """

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        text = "\n".join(f"  {p}" for p in shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(f"{len(self.problems)} problem(s); nothing was loaded:\n{text}")


class StoreError(RelgraphError):
    """A store cannot do what was asked (unreachable server, unreadable snapshot...)."""


class QueryError(StoreError):
    """A query is invalid or failed: syntax, semantics, types, or an error the server raised.

    Both backends raise this (or a subclass) so callers handle queries the same
    way whichever backend answered; the message says what and where.
    """

    tck_type = "Error"
    default_phase = RUNTIME
    #: where in the query text the problem is, when the backend says (1-based line and column)
    line: int | None = None
    column: int | None = None
    offset: int | None = None

    def __init__(self, message: str, code: str | None = None, *, phase: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.phase = phase or self.default_phase


class ReadOnlyError(QueryError):
    """A query would write, and the caller did not ask for writes."""


class StatementError(QueryError):
    """One statement of a script failed; nothing of the script was kept.

    ``index`` is the statement's position in the list given to ``run_script``, so
    the caller can say which file and line it came from.
    """

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


class CypherError(QueryError):
    """Raised on purpose by relgraph's Cypher values and engine (never by the Neo4j driver).

    ``tck_type`` is the TCK's error type (SyntaxError, TypeError, ArgumentError...);
    ``phase`` is ``"compile time"`` for problems found before anything runs (the graph
    is untouched) or ``"runtime"``; ``code`` is the TCK's detail code
    (``UndefinedVariable``, ``DeleteConnectedNode``...), or None.
    """


class CypherTypeError(CypherError):
    """An operation met a value of the wrong type."""

    tck_type = "TypeError"


class CypherArgumentError(CypherError):
    """A function, clause or value constructor got an argument outside what it accepts."""

    tck_type = "ArgumentError"


class CypherArithmeticError(CypherError):
    """Integer overflow, division by zero on integers or durations."""

    tck_type = "ArithmeticError"


class QueryStopped(QueryError):
    """A query was stopped before it finished: it ran past its time limit, or it was cancelled.

    Nothing it did is kept: a write is rolled back like any failed transaction.
    """


class QueryTimeout(QueryStopped):
    """A query ran longer than its time limit."""

    def __init__(self, seconds: float, *, batches_kept: bool = False):
        kept = ("the batches that CALL { } IN TRANSACTIONS committed before then are kept" if batches_kept
                else "nothing was changed")
        super().__init__(f"the query ran longer than {seconds:g} s and was stopped; {kept} "
                         "(a more selective pattern, a LIMIT, or a longer timeout may help)")
        self.seconds = seconds


class QueryMemoryExceeded(QueryStopped):
    """A query needed more memory than its limit allowed."""

    def __init__(self, limit: int):
        super().__init__(f"the query needed more than {limit / 2**20:,.0f} MB of memory and was stopped; "
                         "nothing was changed (a more selective pattern, a LIMIT, or a larger memory limit "
                         "may help)")
        self.limit = limit


class QueryCancelled(QueryStopped):
    """A query was cancelled while it ran (the explorer's Cancel button)."""

    def __init__(self) -> None:
        super().__init__("the query was cancelled; nothing was changed")


class ExportError(RelgraphError):
    """The subgraph cannot be written in the chosen format; the message says what and where."""


class OutputExistsError(ExportError, FileExistsError):
    """The output is there already and the caller did not ask to replace it."""


class SelectionError(RelgraphError, ValueError):
    """A subgraph cannot be selected (unknown or ambiguous entity, bad range)."""


def nearest(table: Mapping[type[BaseException], int], exc: BaseException, default: int) -> int:
    """The value of the nearest class in ``exc``'s ancestry that ``table`` names: how the
    command line chooses an exit status and the explorer an HTTP status."""
    for klass in type(exc).__mro__:
        if klass in table:
            return table[klass]
    return default
