"""The TCK against a real Neo4j over Bolt, which checks the runner as much as Neo4j.

Neo4j is the implementation the TCK was written from, so a scenario it fails
points at the runner (or at a place where Neo4j 5 moved on from the TCK) as
often as at Neo4j. ``make tck-neo4j`` (``python -m tests.tck.neo4j_target``)
runs it against a throw-away server; ``python -m tests.tck --target neo4j``
runs it against ``RELGRAPH_TCK_NEO4J_URI``, which must name a server you can
wipe: every scenario deletes all data there. One process only (no ``-j``):
the scenarios share the one database.

* **reset** deletes every node and relationship; constraints and indexes are
  dropped once when the target starts, and again after a scenario ran a schema
  command (no TCK scenario does, so that costs nothing).
* **execute** runs the query in an auto-commit transaction with its parameters
  and a server-side timeout (a runaway query must not outlive the runner's
  timeout and block the next reset); values come back through relgraph's own
  conversion (:func:`relgraph.graph.backends.neo4j.conversion.from_driver`), so
  temporal values compare by the text Cypher gives them.
* **errors**: the TCK's error types are named after Neo4j's status codes, so
  the type comes from the code, and stays Neo4j's own: where Neo4j files a
  compile-time type mismatch under ``Statement.SyntaxError`` and the TCK
  expects a ``TypeError``, the scenario fails rather than being reinterpreted.
  The phase is measured: after a failure the
  query is run again as ``EXPLAIN``, which plans it without running it; if that
  fails too, the error is raised at compile time, else at runtime. The detail
  (``UndefinedVariable``...) comes from the message: Neo4j 5.26 sends no finer
  code (its GQL status is mostly the generic 50N42), so :data:`DETAILS` matches
  the wording of Neo4j's messages. A message no pattern matches has no detail,
  and the scenario fails if it expects one; ``-v`` shows those messages.
* **procedures** the TCK declares cannot be registered: a Neo4j procedure is a
  Java plugin on the server. Those scenarios fail as unsupported.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import neo4j
import neo4j.exceptions as neo4j_errors

from relgraph.graph.backends.neo4j.conversion import from_driver
from relgraph.graph.backends.neo4j.statements import quote_name
from relgraph.graph.cypher.statements import is_schema_command

from .targets import ProcedureSpec, QueryResult, Target, TargetError, TargetUnsupported

#: The server the target wipes; deliberately not NEO4J_URI, which may name a database that matters.
URI_VARIABLE = "RELGRAPH_TCK_NEO4J_URI"

#: Seconds a query may run on the server (``RELGRAPH_TCK_NEO4J_TIMEOUT``); below the runner's 10 s,
#: so that Neo4j ends a runaway query itself and the scenario fails with a timeout error.
SERVER_TIMEOUT = float(os.environ.get("RELGRAPH_TCK_NEO4J_TIMEOUT", "8"))

#: Neo4j status code -> TCK error type, where the last part of the code is not already the name.
TYPES = {
    "Neo.ClientError.Schema.ConstraintValidationFailed": "ConstraintVerificationFailed",
    "Neo.ClientError.Procedure.ProcedureNotFound": "ProcedureError",
}

#: Pattern on Neo4j's message -> TCK detail, tried in order; the first match wins. Each names
#: what the message says in the TCK's words; a message none matches gets no detail.
DETAILS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), detail) for pattern, detail in [
    # scoping
    (r"Variable `[^`]*` not defined", "UndefinedVariable"),
    (r"PatternExpressions are not allowed to introduce new variables", "UndefinedVariable"),
    (r"it is not possible to access variables declared before the WITH/RETURN", "UndefinedVariable"),
    (r"Variable `[^`]*` already declared|The variable is already declared in this context",
     "VariableAlreadyBound"),
    (r"defined with conflicting type", "VariableTypeConflict"),
    (r"^RETURN \* is not allowed when there are no variables in scope", "NoVariablesInScope"),
    (r"^Multiple result columns with the same name", "ColumnNameConflict"),
    (r"^Expression in WITH must be aliased", "NoExpressionAlias"),
    (r"^All sub queries in an UNION must have the same return column names", "DifferentColumnsInUnion"),
    # aggregation
    (r"^Aggregation column contains implicit grouping expressions", "AmbiguousAggregationExpression"),
    (r"^Can't use aggregate functions inside of aggregate functions", "NestedAggregation"),
    (r"^Cannot use aggregation in ORDER BY|^Invalid use of aggregating function|"
     r"^Can't use aggregating expressions inside of expressions executing over lists", "InvalidAggregation"),
    (r"^It is not allowed to refer to variables in (SKIP|LIMIT)|"
     r"^Can't use non-deterministic \(random\) functions inside of aggregate functions",
     "NonConstantExpression"),
    # clauses and patterns
    (r"^Invalid combination of UNION and UNION ALL|^An Exists Expression cannot contain any updates",
     "InvalidClauseComposition"),
    (r"^DELETE doesn't support removing labels", "InvalidDelete"),
    (r"^Parameter maps cannot be used in `(MATCH|MERGE)` patterns", "InvalidParameterUse"),
    (r"relationship type must be specified for (CREATE|MERGE)", "NoSingleRelationshipType"),
    (r"^Variable length relationships cannot be used in (CREATE|MERGE)", "CreatingVarLength"),
    (r"^Only directed relationships are supported in CREATE", "RequiresDirectedRelationship"),
    (r"^Unknown function", "UnknownFunction"),
    # literals
    (r"^integer is too large", "IntegerOverflow"),
    (r"^floating point number is too large", "FloatingPointOverflow"),
    (r"^invalid literal number", "InvalidNumberLiteral"),
    (r"expected four hexadecimal digits specifying a unicode character", "InvalidUnicodeLiteral"),
    (r"^Invalid input '[^\x00-\x7f]", "InvalidUnicodeCharacter"),  # the parser stopped at a non-ASCII one
    # values
    (r"Invalid input\. '-\d+' is not a valid value\. Must be a non-negative", "NegativeIntegerArgument"),
    (r"Invalid input\. '[^']*' is not a valid value\. Must be a non-negative", "InvalidArgumentType"),
    (r"^Coercion of list to boolean is not allowed", "InvalidArgumentType"),
    (r"map key must be given as String|^Cannot access a map '.*' by key", "MapElementAccessByNonString"),
    (r"^Type mismatch: (expected|list index must be given as)", "InvalidArgumentType"),
    (r"^Invalid input for function", "InvalidArgumentValue"),
    (r"^Property values can only be of primitive types", "InvalidPropertyType"),
    (r"must be a number in the range|^Step argument to 'range\(\)' cannot be zero", "NumberOutOfRange"),
    # the graph and the transaction
    (r"has been deleted in this transaction", "DeletedEntityAccess"),
    (r"^Cannot merge the following (node|relationship) because of null property value",
     "MergeReadOwnWrites"),
    (r"still has relationships", "DeleteConnectedNode"),
    (r"^Expected parameter\(s\)", "MissingParameter"),
    (r"no procedure with the name", "ProcedureNotFound"),
    # the parser, last: other messages start with "Invalid input" too
    (r"^Invalid input '.*': expected", "UnexpectedSyntax"),
    (r"^A pattern expression should only be used in order to test the existence of a pattern",
     "UnexpectedSyntax"),  # Neo4j 5 refuses the syntax where it stands (in size(), as a value)
]]


def classify(error: neo4j_errors.Neo4jError, phase: str) -> TargetError:
    """A Neo4j error as the TCK names it (see the module docstring for how)."""
    code = error.code or ""
    kind = TYPES.get(code) or code.rsplit(".", 1)[-1] or type(error).__name__
    message = error.message or str(error)
    detail = next((d for pattern, d in DETAILS if pattern.search(message)), None)
    return TargetError(kind, phase, detail, f"{message} ({code})")


class Neo4jTarget(Target):
    """A Neo4j server over Bolt, through the official driver."""

    name = "neo4j"

    def __init__(self, uri: str | None = None) -> None:
        uri = uri or os.environ.get(URI_VARIABLE)
        if not uri:
            raise SystemExit(f"the neo4j target wipes its database between scenarios: set {URI_VARIABLE} "
                             "to a server you can lose (make tck-neo4j starts a throw-away one)")
        auth = None
        if os.environ.get("RELGRAPH_TCK_NEO4J_PASSWORD"):
            auth = (os.environ.get("RELGRAPH_TCK_NEO4J_USERNAME", "neo4j"),
                    os.environ["RELGRAPH_TCK_NEO4J_PASSWORD"])
        self.driver = neo4j.GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
        self.driver.verify_connectivity()
        self._schema_touched = True  # whatever the server holds from before goes at the first reset

    def close(self) -> None:
        self.driver.close()

    def reset(self) -> None:
        self.driver.execute_query("MATCH (n) DETACH DELETE n")
        if self._schema_touched:
            self._drop_schema()
            self._schema_touched = False

    def _drop_schema(self) -> None:
        for (name,) in self.driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name").records:
            self.driver.execute_query(f"DROP CONSTRAINT {quote_name(name)} IF EXISTS")
        for (name,) in self.driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' "
                                                 "RETURN name").records:
            self.driver.execute_query(f"DROP INDEX {quote_name(name)} IF EXISTS")

    def execute(self, query: str, params: dict[str, Any]) -> QueryResult:
        if is_schema_command(query):
            self._schema_touched = True
        try:
            with self.driver.session() as session:
                result = session.run(neo4j.Query(query, timeout=SERVER_TIMEOUT), params)
                columns = list(result.keys())
                raw = [list(record.values()) for record in result]
        except neo4j_errors.Neo4jError as exc:
            raise classify(exc, self._phase(query, params)) from exc
        rows = from_driver(raw)
        return QueryResult(columns, rows)

    def _phase(self, query: str, params: dict[str, Any]) -> str:
        """Whether Neo4j refuses the query before running it: EXPLAIN plans and does not run."""
        try:
            with self.driver.session() as session:
                session.run(neo4j.Query(f"EXPLAIN {query}", timeout=SERVER_TIMEOUT), params).consume()
        except neo4j_errors.Neo4jError:
            return "compile time"
        return "runtime"

    def register_procedure(self, spec: ProcedureSpec) -> None:
        raise TargetUnsupported(f"Neo4j cannot register {spec.name}: its procedures are Java plugins "
                                "deployed on the server")


# --- make tck-neo4j ----------------------------------------------------------------------------

FLOOR = Path(__file__).with_name("floor-neo4j.json")


@contextmanager
def neo4j_from(variable: str, purpose: str) -> Iterator[str]:
    """The server ``$variable`` names, else a throw-away Neo4j (free port, temporary home) for
    the run: the TCK and the differential test (tests/differential) both start one this way."""
    given = os.environ.get(variable)
    if given:
        yield given
        return
    from relgraph.commands.neo4j import start_server, stop_server

    with tempfile.TemporaryDirectory(prefix="relgraph-neo4j-") as home:
        started = time.perf_counter()
        uri = start_server(0, home)
        print(f"Neo4j for {purpose} at {uri} (up after {time.perf_counter() - started:.0f} s)",
              file=sys.stderr)
        try:
            yield uri
        finally:
            stop_server(home)


def neo4j_for_the_tck() -> AbstractContextManager[str]:
    """$RELGRAPH_TCK_NEO4J_URI, else a throw-away Neo4j for the run."""
    return neo4j_from(URI_VARIABLE, "the TCK")


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.tck.neo4j_target``: the whole TCK against Neo4j, in one process (the
    scenarios share the one database), with the per-folder table; ``--raise-floor`` records the
    counts in floor-neo4j.json, which tests/test_tck_neo4j.py holds Neo4j to."""
    from .__main__ import raise_floor
    from .runner import report, run_tck, tck_root, totals

    ap = argparse.ArgumentParser(prog="python -m tests.tck.neo4j_target", description=main.__doc__)
    ap.add_argument("--features", default=None, help="only feature paths containing this text")
    ap.add_argument("-v", "--verbose", action="store_true", help="print why each failing scenario failed")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per scenario")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--raise-floor", action="store_true", help=f"raise {FLOOR.name} (full runs only)")
    args = ap.parse_args(argv)
    if args.raise_floor and args.features:
        ap.error("--raise-floor needs a full run (no --features)")
    with neo4j_for_the_tck() as uri:
        os.environ[URI_VARIABLE] = uri
        started = time.perf_counter()
        outcomes = run_tck("neo4j", args.features, tck_root(), args.timeout, jobs=1)
        print(report(outcomes, args.verbose, args.markdown))
        print(f"({len(outcomes)} scenarios in {time.perf_counter() - started:.1f}s, target neo4j)")
    if args.raise_floor:
        raise_floor(totals(outcomes), FLOOR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
