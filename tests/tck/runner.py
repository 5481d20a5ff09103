"""Runs openCypher TCK scenarios against a :class:`~.targets.Target` and counts passes.

Every scenario is interpreted from its steps alone (no scenario is special-
cased): set up the graph, run the query, then check results, errors and side
effects as the TCK README defines them. A per-scenario timeout (SIGALRM) keeps
one runaway query from stalling the run; ``jobs > 1`` splits features across
worker processes.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .gherkin import Scenario, Step, load_features
from .targets import (
    GraphState,
    ProcedureSpec,
    QueryResult,
    Target,
    TargetError,
    TargetUnsupported,
    load_target,
)
from .values import ValueSyntaxError, canonical, parse_value

# A copy of the TCK (Apache 2.0, see its LICENSE and SOURCE.md) lives in the repository,
# so that a clean clone, as CI makes it, runs and holds the floors without ../shared.
VENDORED_TCK = Path(__file__).resolve().parent / "opencypher"
SIDE_EFFECT_KEYS = ("+nodes", "-nodes", "+relationships", "-relationships",
                    "+properties", "-properties", "+labels", "-labels")
_ERROR_STEP = re.compile(r"an? (\w+) should be raised at (compile time|runtime|any time): (\S+)")


def tck_root() -> Path:
    """Where the TCK lives: $RELGRAPH_TCK (another version to try), else the copy in tests/tck."""
    env = os.environ.get("RELGRAPH_TCK")
    return Path(env) if env else VENDORED_TCK


class ScenarioFailed(Exception):
    pass


class ScenarioTimeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


@dataclass
class Outcome:
    feature: str
    name: str
    example: int | None
    passed: bool
    reason: str = ""
    seconds: float = 0.0

    @property
    def folder(self) -> str:
        return folder_of(self.feature)

    @property
    def title(self) -> str:
        suffix = f" (example {self.example})" if self.example is not None else ""
        return f"{self.feature}: {self.name}{suffix}"


def folder_of(feature: str) -> str:
    """``clauses/match/Match4.feature`` -> ``clauses/match``."""
    parts = feature.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


# --- one scenario ----------------------------------------------------------------------


class _Run:
    def __init__(self, target: Target, root: Path):
        self.target = target
        self.root = root
        self.params: dict[str, Any] = {}
        self.result: QueryResult | TargetError | None = None
        self.before: GraphState | None = None
        self.after: GraphState | None = None

    def step(self, step: Step) -> None:
        text = step.text
        if text in ("an empty graph", "any graph"):
            self.target.reset()
            return
        m = re.fullmatch(r"the (\S+) graph", text)
        if m:
            self.target.reset()
            name = m.group(1)
            script = (self.root / "graphs" / name / f"{name}.cypher").read_text(encoding="utf-8")
            self.target.load_graph(name, script)
            return
        if text.startswith("having executed") or text.startswith("after having executed"):
            try:
                self.target.setup(step.docstring or "")
            except TargetError as exc:
                raise ScenarioFailed(f"setup query failed: {exc}") from None
            return
        if text.startswith("parameters are") or text.startswith("parameter values are"):
            for row in step.table or []:
                self.params[row[0]] = parse_value(row[1])
            return
        if text.startswith("there exists a procedure"):
            self.target.register_procedure(_procedure(text, step.table or []))
            return
        if text.startswith("executing query"):
            query = step.docstring if step.docstring is not None else text.split(":", 1)[1].strip()
            self.before = self.target.snapshot()
            try:
                self.result = self.target.execute(query, self.params)
            except TargetError as exc:
                self.result = exc
            self.after = self.target.snapshot()
            return
        if text.startswith("executing control query"):
            try:
                self.result = self.target.execute(step.docstring or "", self.params)
            except TargetError as exc:
                self.result = exc
            return
        if text.startswith("the result should be"):
            self.check_result(text, step.table)
            return
        m = _ERROR_STEP.fullmatch(text)
        if m:
            self.check_error(*m.groups())
            return
        if text == "no side effects":
            self.check_side_effects({})
            return
        if text.startswith("the side effects should be"):
            expected = {row[0]: int(row[1]) for row in step.table or []}
            self.check_side_effects(expected)
            return
        raise ScenarioFailed(f"unknown step: {step.keyword} {text}")

    def _rows(self) -> QueryResult:
        if isinstance(self.result, TargetError):
            raise ScenarioFailed(f"query failed: {self.result}")
        if self.result is None:
            raise ScenarioFailed("no query was executed")
        return self.result

    def check_result(self, text: str, table: list[list[str]] | None) -> None:
        actual = self._rows()
        if text == "the result should be empty":
            if actual.rows:
                raise ScenarioFailed(f"expected no rows, got {len(actual.rows)}: "
                                     f"{_show([[canonical(v) for v in r] for r in actual.rows[:5]])}")
            return
        ordered = "in order" in text
        unordered_lists = "ignoring element order for lists" in text
        table = table or [[]]
        header = table[0]
        if sorted(header) != sorted(actual.columns):
            raise ScenarioFailed(f"columns differ: expected {header}, got {actual.columns}")
        try:
            expected = [tuple(canonical(parse_value(c), unordered_lists) for c in row) for row in table[1:]]
        except ValueSyntaxError as exc:
            raise ScenarioFailed(f"cannot read expected value: {exc}") from None
        index = [actual.columns.index(h) for h in header]
        got = [tuple(canonical(row[i], unordered_lists) for i in index) for row in actual.rows]
        ok = got == expected if ordered else Counter(got) == Counter(expected)
        if not ok:
            raise ScenarioFailed(f"rows differ{' (order matters)' if ordered else ''}:\n"
                                 f"      expected {_show(expected)}\n      got      {_show(got)}")

    def check_error(self, error_type: str, phase: str, detail: str) -> None:
        if not isinstance(self.result, TargetError):
            got = "no error" if self.result is None else f"{len(self.result.rows)} rows"
            raise ScenarioFailed(f"expected {error_type} at {phase}: {detail}, got {got}")
        err = self.result
        problems = []
        if err.error_type != error_type:
            problems.append(f"type {err.error_type}")
        if phase != "any time" and err.phase != phase:
            problems.append(f"phase {err.phase}")
        if detail != "*" and err.detail != detail:
            problems.append(f"detail {err.detail}")
        if problems:
            raise ScenarioFailed(f"expected {error_type} at {phase}: {detail}, got "
                                 f"{', '.join(problems)} ({_first_line(err.message)})")

    def check_side_effects(self, expected: dict[str, int]) -> None:
        if self.before is None or self.after is None:
            raise ScenarioFailed("side effects checked before any query ran")
        got = self.before.diff(self.after)
        want = {k: expected.get(k, 0) for k in SIDE_EFFECT_KEYS}
        if got != want:
            diff = {k: (want[k], got[k]) for k in SIDE_EFFECT_KEYS if want[k] != got[k]}
            raise ScenarioFailed(f"side effects differ (expected, got): {diff}")


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _show(rows: list[Any], limit: int = 8) -> str:
    text = ", ".join(str(list(r)) for r in rows[:limit])
    if len(rows) > limit:
        text += f", ... ({len(rows)} rows)"
    return "[" + text + "]"


_SIGNATURE = re.compile(r"there exists a procedure ([\w.]+)\((.*?)\)\s*::\s*\((.*?)\)\s*:")


def _procedure(text: str, table: list[list[str]]) -> ProcedureSpec:
    m = _SIGNATURE.match(text)
    if not m:
        raise ScenarioFailed(f"cannot read procedure signature: {text}")
    name, ins, outs = m.groups()

    def fields(s: str) -> list[tuple[str, str]]:
        out = []
        for item in filter(None, (x.strip() for x in s.split(","))):
            n, t = (p.strip() for p in item.split("::"))
            out.append((n, t))
        return out

    header = table[0] if table else []
    rows = [{h: parse_value(c) for h, c in zip(header, row)} for row in table[1:]] if header else []
    return ProcedureSpec(name, fields(ins), fields(outs), rows)


def _alarm(signum: int, frame: Any) -> None:
    raise ScenarioTimeout()


def run_scenario(target: Target, scenario: Scenario, root: Path, timeout: float = 10.0) -> Outcome:
    start = time.perf_counter()
    run = _Run(target, root)
    use_alarm = timeout > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        for step in scenario.steps:
            run.step(step)
        passed, reason = True, ""
    except ScenarioFailed as exc:
        passed, reason = False, str(exc)
    except TargetUnsupported as exc:
        passed, reason = False, f"unsupported by target: {exc}"
    except ScenarioTimeout:
        passed, reason = False, f"timed out after {timeout:g}s"
    except Exception as exc:  # a crash in the target is a failure, not a runner error
        passed, reason = False, f"crash: {type(exc).__name__}: {exc}"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return Outcome(scenario.feature, scenario.name, scenario.example, passed, reason,
                   time.perf_counter() - start)


# --- many scenarios ---------------------------------------------------------------------


def _run_features(args: tuple[str, str, list[str], float]) -> list[Outcome]:
    target_name, root, features, timeout = args
    root_path = Path(root)
    target = load_target(target_name)
    outcomes = []
    try:
        for feature in features:
            for sc in load_features(root_path / "features", feature):
                if sc.feature != feature:
                    continue
                outcomes.append(run_scenario(target, sc, root_path, timeout))
    finally:
        target.close()
    return outcomes


def run_tck(target_name: str = "relgraph", path_filter: str | None = None, root: Path | None = None,
            timeout: float = 10.0, jobs: int = 1) -> list[Outcome]:
    """Run every scenario whose feature path contains ``path_filter``."""
    root = root or tck_root()
    features_root = root / "features"
    features = sorted(p.relative_to(features_root).as_posix() for p in features_root.rglob("*.feature")
                      if not path_filter or path_filter in p.relative_to(features_root).as_posix())
    if jobs <= 1 or len(features) <= 1:
        return _run_features((target_name, str(root), features, timeout))
    import multiprocessing

    chunks: list[list[str]] = [[] for _ in range(jobs * 4)]
    for i, f in enumerate(features):
        chunks[i % len(chunks)].append(f)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        parts = pool.map(_run_features, [(target_name, str(root), c, timeout) for c in chunks if c])
    return [o for part in parts for o in part]


def totals(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """folder -> (passed, total)."""
    passed: Counter = Counter()
    total: Counter = Counter()
    for o in outcomes:
        total[o.folder] += 1
        passed[o.folder] += o.passed
    return {f: (passed[f], total[f]) for f in sorted(total)}


def all_folders(root: Path | None = None) -> dict[str, int]:
    """folder -> scenario count, for the whole TCK (used for the docs table)."""
    root = root or tck_root()
    counts: dict[str, int] = defaultdict(int)
    for sc in load_features(root / "features"):
        counts[folder_of(sc.feature)] += 1
    return dict(counts)


def report(outcomes: list[Outcome], verbose: bool = False, markdown: bool = False) -> str:
    lines = []
    if verbose:
        for o in outcomes:
            if not o.passed:
                lines.append(f"FAIL {o.title}\n     {o.reason}")
        lines.append("")
    table = totals(outcomes)
    p_all = sum(p for p, _ in table.values())
    t_all = sum(t for _, t in table.values())
    if markdown:
        lines.append("| Feature folder | Passed | Total | % |")
        lines.append("|---|---:|---:|---:|")
        for folder, (p, t) in table.items():
            lines.append(f"| {folder} | {p} | {t} | {100 * p / t:.1f}% |")
        lines.append(f"| **Total** | **{p_all}** | **{t_all}** | **{100 * p_all / max(t_all, 1):.1f}%** |")
    else:
        width = max([len(f) for f in table] + [5])
        for folder, (p, t) in table.items():
            lines.append(f"{folder:<{width}}  {p:5d} / {t:5d}  {100 * p / t:5.1f}%")
        lines.append(f"{'TOTAL':<{width}}  {p_all:5d} / {t_all:5d}  {100 * p_all / max(t_all, 1):5.1f}%")
    return "\n".join(lines)
