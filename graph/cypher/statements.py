"""Cypher scripts as statements: splitting on ``;`` and telling schema commands apart.

A script (``relgraph export --format cypher``, or one written by hand for
cypher-shell) is several statements separated by semicolons. Splitting must
respect strings, quoted names and comments, and keep each statement's line so
that errors point into the file. Both backends share this module:

* Neo4j cannot mix schema commands (``CREATE CONSTRAINT``, ``CREATE INDEX``...) and
  data writes in one transaction, so a backend runs the schema commands first,
  each on its own, then the data statements in one transaction.
* The embedded engine has no schema commands; the networkx store checks what a
  uniqueness constraint asserts instead (see ``NetworkxStore.run_script``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    text: str  # without the terminating semicolon, stripped
    line: int  # 1-based line of the statement's first character in the script


class ScriptSyntaxError(ValueError):
    """The script cannot be split (an unterminated string or comment); says where."""


def split_statements(script: str) -> list[Statement]:
    """The statements of ``script``, skipping empty ones and comment-only ones."""
    statements: list[Statement] = []
    start = 0
    i = 0
    n = len(script)
    while i < n:
        c = script[i]
        if c in "'\"`":
            end = _closing(script, i)
            if end < 0:
                what = "quoted name" if c == "`" else "string"
                raise ScriptSyntaxError(f"line {_line(script, i)}: unterminated {what} starting here")
            i = end + 1
            continue
        if script.startswith("//", i):
            newline = script.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        if script.startswith("/*", i):
            close = script.find("*/", i + 2)
            if close < 0:
                raise ScriptSyntaxError(f"line {_line(script, i)}: unterminated /* comment")
            i = close + 2
            continue
        if c == ";":
            _add(statements, script, start, i)
            start = i + 1
        i += 1
    _add(statements, script, start, n)
    return statements


def _closing(script: str, open_at: int) -> int:
    """Index of the quote that closes the one at ``open_at``, or -1."""
    quote = script[open_at]
    i = open_at + 1
    while i < len(script):
        c = script[i]
        if c == "\\" and quote != "`":
            i += 2
            continue
        if c == quote:
            if quote == "`" and script.startswith("``", i):  # a doubled backtick is a literal one
                i += 2
                continue
            return i
        i += 1
    return -1


def _add(statements: list[Statement], script: str, start: int, end: int) -> None:
    """Add script[start:end] without leading blanks and comments, unless nothing else is left."""
    while start < end:
        rest = script[start:end]
        stripped = rest.lstrip()
        start += len(rest) - len(stripped)
        if stripped.startswith("//"):
            newline = script.find("\n", start, end)
            start = end if newline < 0 else newline + 1
        elif stripped.startswith("/*"):
            start = script.find("*/", start, end) + 2  # split_statements checked it is closed
        else:
            break
    text = script[start:end].strip()
    if text:
        statements.append(Statement(text, _line(script, start)))


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)


def _line(script: str, offset: int) -> int:
    return script.count("\n", 0, offset) + 1


_SCHEMA = re.compile(
    r"^(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?"
    r"(?:CONSTRAINT|(?:RANGE\s+|TEXT\s+|POINT\s+|LOOKUP\s+|FULLTEXT\s+|VECTOR\s+|BTREE\s+)?INDEX)\b",
    re.I,
)
_UNIQUE = re.compile(
    r"^CREATE\s+CONSTRAINT(?:\s+(?!IF\b)(?:`[^`]+`|\w+))?(?:\s+IF\s+NOT\s+EXISTS)?\s+"
    r"FOR\s*\(\s*(?P<var>\w+)\s*:\s*(?P<label>`[^`]+`|\w+)\s*\)\s*"
    r"REQUIRE\s+(?P=var)\s*\.\s*(?P<prop>`[^`]+`|\w+)\s+IS\s+(?:NODE\s+)?UNIQUE\s*$",
    re.I,
)


def is_schema_command(statement: str) -> bool:
    """True for CREATE/DROP CONSTRAINT and CREATE/DROP ... INDEX."""
    return bool(_SCHEMA.match(_strip_comments(statement).strip()))


def unique_constraint(statement: str) -> tuple[str, str] | None:
    """(label, property) of a single-property node uniqueness constraint, else None."""
    match = _UNIQUE.match(_strip_comments(statement).strip())
    if not match:
        return None
    return _unquote(match["label"]), _unquote(match["prop"])


def _unquote(name: str) -> str:
    return name[1:-1].replace("``", "`") if name.startswith("`") else name
