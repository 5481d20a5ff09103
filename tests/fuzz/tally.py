"""Counting outcomes per category, for pytest's terminal summary and the standalone runner.

The guarantees of docs/reliability.md are counts that must be zero (tracebacks, data lost,
inputs that hang or break the store), so the suite prints every count, not only pass or fail:
a reader sees at once how many hostile inputs were tried and what became of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

#: Outcome -> column heading, in the order the table shows them. All but the first two must stay zero.
COLUMNS: dict[str, str] = {
    "loaded": "loaded",
    "clean": "clean errors",
    "unnamed": "file unnamed",
    "traceback": "tracebacks",
    "lost": "data lost",
    "stuck": "stuck",
    "broken": "broken store",
    "escaped": "escaped",
}
FAILURES = ("unnamed", "traceback", "lost", "stuck", "broken", "escaped")


@dataclass
class Example:
    """The first input of a category that ended in a failure: enough to reproduce it."""

    case: str
    outcome: str
    detail: str


@dataclass
class Tally:
    """Counts per (category, outcome), and one example per failing (category, outcome)."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    examples: dict[tuple[str, str], Example] = field(default_factory=dict)

    def add(self, category: str, outcome: str, case: str = "", detail: str = "") -> None:
        assert outcome in COLUMNS, outcome
        self.counts[category][outcome] += 1
        if outcome in FAILURES:
            self.examples.setdefault((category, outcome), Example(case, outcome, detail))

    def failures(self, category: str | None = None) -> int:
        rows = [self.counts[category]] if category is not None else list(self.counts.values())
        return sum(row[o] for row in rows for o in FAILURES)

    def table(self) -> str:
        """The tally as fixed-width text, one row per category and a total."""
        heads = ["category", "inputs tried", *COLUMNS.values()]
        rows = []
        totals = defaultdict(int)
        for category in sorted(self.counts):
            row = self.counts[category]
            tried = sum(row.values())
            rows.append([category, str(tried), *(str(row[o]) for o in COLUMNS)])
            totals["tried"] += tried
            for o in COLUMNS:
                totals[o] += row[o]
        rows.append(["total", str(totals["tried"]), *(str(totals[o]) for o in COLUMNS)])
        widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]

        def line(cells: list[str]) -> str:
            return "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
            )

        out = [line(heads), line(["-" * w for w in widths])]
        out += [line(r) for r in rows[:-1]]
        out += [line(["-" * w for w in widths]), line(rows[-1])]
        if self.examples:
            out.append("")
            out.append("first failure of each kind:")
            for (category, outcome), ex in sorted(self.examples.items()):
                out.append(f"  {category} / {outcome}: {ex.case}")
                out.append(f"      {ex.detail[:300]}")
        return "\n".join(out)


#: The run's tally: tests add to it, the terminal summary prints it.
RUN = Tally()
