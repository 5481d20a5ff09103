"""A small Gherkin reader: just what the openCypher TCK feature files use.

Features contain scenarios and scenario outlines; steps may carry a doc string
(between triple quotes) or a table. Outlines are expanded here, one scenario
per row of each Examples table, with ``<name>`` placeholders substituted in the
step text, doc strings and table cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

STEP_KEYWORDS = ("Given", "When", "Then", "And", "But")


@dataclass
class Step:
    keyword: str
    text: str
    docstring: str | None = None
    table: list[list[str]] | None = None
    line: int = 0


@dataclass
class Scenario:
    feature: str  # feature file path relative to the features root
    name: str
    line: int
    steps: list[Step]
    tags: list[str] = field(default_factory=list)
    example: int | None = None  # 1-based row index for outline instances

    @property
    def title(self) -> str:
        suffix = f" (example {self.example})" if self.example is not None else ""
        return f"{self.name}{suffix}"


def split_row(line: str) -> list[str]:
    """Cells of a table row; ``\\|``, ``\\\\`` and ``\\n`` are Gherkin's cell escapes."""
    body = line.strip()
    assert body.startswith("|")
    cells: list[str] = []
    cur: list[str] = []
    i = 1
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "|":
                cur.append("|")
            elif nxt == "\\":
                cur.append("\\")
            elif nxt == "n":
                cur.append("\n")
            else:
                cur.append(c + nxt)
            i += 2
            continue
        if c == "|":
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    return cells


def _substitute(text: str, values: dict[str, str]) -> str:
    return re.sub(r"<([^<>\s]+)>", lambda m: values.get(m.group(1), m.group(0)), text)


def parse_feature(path: Path, root: Path) -> list[Scenario]:
    """All scenarios of one feature file, outlines expanded."""
    rel = path.relative_to(root).as_posix()
    lines = path.read_text(encoding="utf-8").split("\n")
    scenarios: list[Scenario] = []
    background: list[Step] = []
    current: dict | None = None  # {"name", "line", "steps", "outline", "examples", "tags"}
    pending_tags: list[str] = []
    target_steps: list[Step] | None = None
    i = 0

    def finish() -> None:
        nonlocal current
        if current is None:
            return
        steps = background + current["steps"]
        if current["outline"]:
            n = 0
            for header, rows in current["examples"]:
                for row in rows:
                    n += 1
                    values = dict(zip(header, row))
                    expanded = [Step(s.keyword, _substitute(s.text, values),
                                     _substitute(s.docstring, values) if s.docstring is not None else None,
                                     [[_substitute(c, values) for c in r] for r in s.table]
                                     if s.table is not None else None, s.line) for s in steps]
                    scenarios.append(Scenario(rel, _substitute(current["name"], values), current["line"],
                                              expanded, current["tags"], n))
        else:
            scenarios.append(Scenario(rel, current["name"], current["line"], steps, current["tags"]))
        current = None

    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        i += 1
        if not s or s.startswith("#"):
            continue
        if s.startswith("@"):
            pending_tags.extend(s.split())
            continue
        if s.startswith("Feature:"):
            pending_tags = []
            continue
        if s.startswith("Background:"):
            target_steps = background
            continue
        if s.startswith(("Scenario Outline:", "Scenario Template:", "Scenario:", "Example:")):
            finish()
            outline = s.startswith(("Scenario Outline:", "Scenario Template:"))
            name = s.split(":", 1)[1].strip()
            current = {"name": name, "line": i, "steps": [], "outline": outline, "examples": [],
                       "tags": pending_tags}
            pending_tags = []
            target_steps = current["steps"]
            continue
        if s.startswith(("Examples:", "Scenarios:")):
            assert current is not None
            header: list[str] | None = None
            rows: list[list[str]] = []
            while i < len(lines):
                t = lines[i].strip()
                if t.startswith("|"):
                    cells = split_row(t)
                    if header is None:
                        header = cells
                    else:
                        rows.append(cells)
                    i += 1
                elif not t or t.startswith("#"):
                    i += 1
                    if header is not None and not t:
                        # a blank line ends the table only if no row follows
                        j = i
                        while j < len(lines) and (not lines[j].strip() or lines[j].strip().startswith("#")):
                            j += 1
                        if j >= len(lines) or not lines[j].strip().startswith("|"):
                            break
                else:
                    break
            current["examples"].append((header or [], rows))
            pending_tags = []
            continue
        word = s.split(" ", 1)[0]
        if word in STEP_KEYWORDS:
            assert target_steps is not None, f"{path}:{i}: step outside a scenario"
            step = Step(word, s[len(word):].strip(), line=i)
            # attached doc string or table
            while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith("#")) \
                    and lines[i].strip() != '"""':
                # comments between a step and its argument are allowed
                if lines[i].strip().startswith("#") or not lines[i].strip():
                    j = i
                    while j < len(lines) and (not lines[j].strip() or lines[j].strip().startswith("#")):
                        j += 1
                    if j < len(lines) and (lines[j].strip().startswith('"""') or
                                           lines[j].strip().startswith("|")):
                        i = j
                    break
            if i < len(lines) and lines[i].strip().startswith('"""'):
                indent = len(lines[i]) - len(lines[i].lstrip())
                i += 1
                body: list[str] = []
                while i < len(lines) and lines[i].strip() != '"""':
                    line = lines[i]
                    body.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
                    i += 1
                i += 1
                step.docstring = "\n".join(body)
            elif i < len(lines) and lines[i].strip().startswith("|"):
                table = []
                while i < len(lines) and lines[i].strip().startswith("|"):
                    table.append(split_row(lines[i]))
                    i += 1
                step.table = table
            target_steps.append(step)
            continue
        raise ValueError(f"{path}:{i}: cannot read line: {s}")
    finish()
    return scenarios


def load_features(root: Path, path_filter: str | None = None) -> list[Scenario]:
    """Scenarios of every ``*.feature`` under ``root`` whose path contains ``path_filter``."""
    out: list[Scenario] = []
    for path in sorted(root.rglob("*.feature")):
        rel = path.relative_to(root).as_posix()
        if path_filter and path_filter not in rel:
            continue
        out.extend(parse_feature(path, root))
    return out
