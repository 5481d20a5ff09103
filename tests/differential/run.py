"""Run cases on both sides and tell the agreement: per case, per topic, overall."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .backends import Embedded, Neo4jSide, writes
from .cases import Case
from .compare import Answer, differ
from .known import listed_classes


@dataclass
class Outcome:
    case: Case
    reason: str | None  # why the answers differ; None when they agree
    emb: Answer
    neo: Answer

    @property
    def agrees(self) -> bool:
        return self.reason is None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    listed: set[str] = field(default_factory=set)

    def rate(self, outcomes: Iterable[Outcome]) -> tuple[int, int]:
        chosen = list(outcomes)
        return sum(o.agrees for o in chosen), len(chosen)

    def unlisted(self) -> list[Outcome]:
        """Disagreements that no listed difference accounts for: each one fails the test."""
        return [o for o in self.outcomes if not o.agrees and o.case.known not in self.listed]

    def fixed(self) -> list[Outcome]:
        """Hand-written cases marked as a known difference that agree now: the mark can go."""
        return [o for o in self.outcomes if o.agrees and o.case.known and not o.case.ident.startswith("gen:")]

    def summary(self, verbose: bool = False) -> str:
        lines = []

        def line(name: str, chosen: Iterable[Outcome]) -> None:
            agreed, total = self.rate(chosen)
            share = 100.0 * agreed / total if total else 100.0
            lines.append(f"{name:<24} {agreed:>5} of {total:<5} agree  {share:6.2f}%")

        line("overall", self.outcomes)
        line("hand-written", (o for o in self.outcomes if not o.case.ident.startswith("gen:")))
        line("generated", (o for o in self.outcomes if o.case.ident.startswith("gen:")))
        by_topic: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            by_topic[o.case.topic].append(o)
        lines.append("per topic:")
        for topic in sorted(by_topic):
            line("  " + topic, by_topic[topic])
        classes: dict[str, int] = defaultdict(int)
        for o in self.outcomes:
            if not o.agrees:
                classes[o.case.known or "(unlisted)"] += 1
        if classes:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(classes.items()))
            lines.append("disagreements by class: " + counts)
        for o in self.outcomes:
            if not o.agrees and (verbose or o.case.known not in self.listed):
                lines.append(show(o))
        if self.unlisted():
            lines.append("UNLISTED: " + ", ".join(o.case.ident for o in self.unlisted()))
        if self.fixed():
            lines.append("marked known but agreeing now: " + ", ".join(o.case.ident for o in self.fixed()))
        lines.append(f"({len(self.outcomes)} cases in {self.seconds:.1f}s)")
        return "\n".join(lines)


def show(o: Outcome) -> str:
    """A disagreement with everything needed to look into it."""
    c = o.case
    known = f" [known: {c.known}]" if c.known else " [UNLISTED]"
    parts = [f"--- {c.ident}{known}: {o.reason}", "setup:", _indent(c.setup or "(empty graph)"),
             "query:", _indent(c.query)]
    if c.params:
        parts.append(f"params: {c.params!r}")
    parts += ["embedded:", _indent(o.emb.show()), "neo4j:", _indent(o.neo.show())]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


#: Reading cases sent to Neo4j at once: most of a run is Neo4j planning queries it has not seen.
THREADS = 4


def run(cases: list[Case], uri: str) -> Report:
    """Every case on both sides, setups loaded once per run of cases sharing one; on Neo4j the
    reading cases of a setup run several at once, then its writing cases one by one."""
    started = time.perf_counter()
    report = Report(listed=listed_classes())
    emb, neo = Embedded(), Neo4jSide(uri)
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            for group in _groups(cases):
                report.outcomes.extend(_run_group(group, emb, neo, pool))
    finally:
        neo.close()
    report.seconds = time.perf_counter() - started
    return report


def _groups(cases: list[Case]) -> list[list[Case]]:
    """Consecutive cases sharing one setup."""
    groups: list[list[Case]] = []
    for case in cases:
        if groups and groups[-1][0].setup == case.setup:
            groups[-1].append(case)
        else:
            groups.append([case])
    return groups


def _run_group(group: list[Case], emb: Embedded, neo: Neo4jSide, pool: ThreadPoolExecutor) -> list[Outcome]:
    setup = group[0].setup
    failures = [e for e in (emb.load(setup), neo.load(setup)) if e]
    if failures:
        failed = Answer(error="; ".join(failures))
        return [Outcome(case, "the setup fails", failed, failed) for case in group]
    reads = {i: pool.submit(neo.answer, c.query, c.params)
             for i, c in enumerate(group) if not writes(c.query)}
    mine = [emb.answer(c.query, c.params) for c in group]
    theirs = {i: future.result() for i, future in reads.items()}
    for i, case in enumerate(group):
        if i not in theirs:
            theirs[i] = neo.answer(case.query, case.params)
    return [Outcome(c, differ(mine[i], theirs[i], c.ordered, c.query), mine[i], theirs[i])
            for i, c in enumerate(group)]
