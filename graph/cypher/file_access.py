"""Which Cypher reaches outside the graph, to the machine's files or to URLs: one check for both stores.

A read-only query is something people paste from a notebook, a web page or the explorer;
it must not be able to read ``/etc/passwd`` or write into someone's home because the
Neo4j server runs as that user. Neo4j's own READ access mode does not help: ``LOAD CSV``
and ``apoc.load.json`` only *read*. So both stores refuse such queries before anything
runs, with the same message, unless the caller asked for writes (``--write``), and a
script given to ``relgraph load`` unless the user passed ``--allow-file-access``.

The check reads the engine's tokens rather than the raw text, so comments, string
literals (``RETURN 'LOAD CSV'``) and letter case cannot hide or fake a match. It finds:

* the ``LOAD CSV`` clause (files and http/ftp URLs);
* procedures and functions that read or write files or URLs (``apoc.load.*``,
  ``apoc.import.*``, ``apoc.export.*`` even when streaming, ``apoc.log.*``), named with
  or without backticks, with spaces around the dots or not;
* those that run Cypher given as *text* (``apoc.cypher.*``, ``apoc.periodic.*``,
  ``apoc.when``, ``apoc.do.*``...): the text may be built while the query runs
  (``'LOAD ' + 'CSV ...'``), so no static check could see what it does.

The list comes from ``SHOW PROCEDURES`` / ``SHOW FUNCTIONS`` of Neo4j 5.26 with APOC core
5.26 (tests/test_file_access.py checks it against a real server). A variable that
happens to be called ``apoc`` with a ``load`` key is refused too; that is the price of
a check that cannot be talked round.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import pairwise

from relgraph.graph.cypher.errors import CypherSyntaxError
from relgraph.graph.cypher.tokens import EOF, IDENT, OP, Token, tokenize
from relgraph.graph.values.errors import ReadOnlyError, StatementError

#: Dotted name prefixes (lower case) of procedures and functions that touch files or URLs,
#: or run Cypher text that relgraph cannot see. A name matches a prefix that equals it or
#: that it continues with a dot.
REFUSED_NAMES = (
    "apoc.load",  # files and URLs, read
    "apoc.import",  # files and URLs, read into the graph
    "apoc.export",  # files written; the streaming form too (use relgraph export)
    "apoc.log",  # reads the server's log files (apoc.log.stream)
    "apoc.cypher",  # Cypher from a string: run, runMany, doIt, runFirstColumn...
    "apoc.periodic",  # Cypher from a string, in background jobs too
    "apoc.trigger",  # stores Cypher text that runs on later transactions
    "apoc.when", "apoc.case", "apoc.do",  # conditional Cypher from strings
    "apoc.graph.fromcypher",  # Cypher from a string
    "apoc.atomic.update",  # its "operation" is Cypher text
)

WHAT = "reads or writes the machine's files or URLs, or runs Cypher given as text"


class FileAccessError(ReadOnlyError):
    """A query that could reach the machine's files or URLs, refused before anything ran.

    A :class:`ReadOnlyError`: with ``--write`` (``write=True``) the query runs, since
    whoever allows writes allows this too, within what the server itself permits."""


def _dotted_names(tokens: list[Token]) -> Iterator[str]:
    """Every dotted name in the query (``apoc.load.json``), whatever its quoting and spacing.

    A chain starts at a word that does not follow a dot; a backticked part may hold dots
    itself (```apoc.load.json```), which Neo4j resolves to the same procedure."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        follows_dot = i > 0 and tokens[i - 1].kind == OP and tokens[i - 1].value == "."
        if token.kind != IDENT or follows_dot:
            i += 1
            continue
        parts = [str(token.value)]
        j = i + 1
        while (j + 1 < len(tokens) and tokens[j].kind == OP and tokens[j].value == "."
               and tokens[j + 1].kind == IDENT):
            parts.append(str(tokens[j + 1].value))
            j += 2
        yield ".".join(parts)
        i = j


def _refused_name(name: str) -> bool:
    lowered = name.lower()
    return any(lowered == p or lowered.startswith(p + ".") for p in REFUSED_NAMES)


@lru_cache(maxsize=256)
def file_access(query: str) -> str | None:
    """What in ``query`` reaches outside the graph ("LOAD CSV", "apoc.load.json"), or None.

    Text the tokenizer cannot read raises its :class:`CypherSyntaxError`: a query that
    cannot be checked is not run. Cached by text, as the parser is: every query of the
    explorer and of a script passes here before it runs."""
    tokens = [t for t in tokenize(query) if t.kind != EOF]
    for before, after in pairwise(tokens):
        if before.upper == "LOAD" and after.upper == "CSV":
            return "LOAD CSV"
    for name in _dotted_names(tokens):
        if _refused_name(name):
            return name
    return None


def check_query(query: str, *, write: bool) -> None:
    """Refuse a read-only query that reaches files or URLs (:class:`FileAccessError`)."""
    if write:
        return
    found = file_access(query)
    if found is not None:
        raise FileAccessError(f"this query uses {found}, which {WHAT}; a read-only query may not, "
                              "so nothing ran; run it with --write (write=True) if you mean it")


def check_script(statements: Sequence[str], *, allow_file_access: bool) -> None:
    """Refuse a script with a statement that reaches files or URLs, unless the user allowed it;
    :class:`StatementError` names the statement, so ``relgraph load`` can say file and line."""
    if allow_file_access:
        return
    for index, text in enumerate(statements):
        try:
            found = file_access(text)
        except CypherSyntaxError as exc:  # the statement's own error, with where it is
            raise StatementError(index, str(exc)) from exc
        if found is not None:
            raise StatementError(index, f"this statement uses {found}, which {WHAT}; a Cypher script "
                                        "may do so only when you allow it (relgraph load "
                                        "--allow-file-access, allow_file_access=True), so nothing ran")
