"""Reading Cypher scripts (``relgraph export --format cypher``, or hand-written) for loading.

A script is not data but statements, so it does not become a GraphBatch: the store
runs it (``GraphStore.run_script``), all data statements in one transaction. This
module reads and splits the files and keeps where each statement starts, so that a
failing statement is reported as ``file:line``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from relgraph.graph.cypher.statements import ScriptSyntaxError, split_statements
from relgraph.graph.values.errors import LoadError

SUFFIXES = {".cypher", ".cql"}


@dataclass(frozen=True)
class ScriptStatement:
    text: str
    origin: str  # "file:line"


def read_cypher_scripts(paths: Iterable[Path | str]) -> list[ScriptStatement]:
    """Every statement of every script, in order; LoadError for unreadable or unsplittable files."""
    statements: list[ScriptStatement] = []
    problems: list[str] = []
    for path in map(Path, paths):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 text ({exc.reason})")
            continue
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror}")
            continue
        try:
            found = split_statements(text.lstrip("\ufeff"))
        except ScriptSyntaxError as exc:
            problems.append(f"{path}: {exc}")
            continue
        if not found:
            problems.append(f"{path}: no statements")
        statements.extend(ScriptStatement(s.text, f"{path}:{s.line}") for s in found)
    if problems:
        raise LoadError(problems)
    return statements
