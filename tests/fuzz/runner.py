"""Running the generated cases of a category and adding their outcomes to a tally.

Shared by the tests (one category per test, a sample sized for the suite) and the standalone
runner (``python -m tests.fuzz``), so both count the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import relgraph

from .escape import SECRET, Watch
from .hostile import Case, generate
from .outcomes import Outcome, attempt
from .tally import Tally
from .worker import run_isolated

#: The seed every run uses unless told otherwise: the same cases every time.
SEED = 14


def run_case(
    case: Case, watch: Watch | None, open_graph: Callable[[], relgraph.Graph] | None = None
) -> Outcome:
    """One case, isolated in a worker when it asks to be, with what escaped looked for after it."""
    leaked: list[str] = []
    if case.isolated:
        with tempfile.TemporaryDirectory(prefix="relgraph-fuzz-worker-") as folder:
            outcome = run_isolated(case, Path(folder), SECRET if watch else None)
    else:

        def look(text: str) -> None:
            if SECRET in text:
                leaked.append(f"the secret file's text reached relgraph: {text[:200]!r}")

        outcome = attempt(case, open_graph, watch=look if watch else None)
    if watch is not None:
        escapes = leaked + watch.escapes()
        watch.requests.clear()
        if escapes:
            outcome = Outcome("escaped", "; ".join(escapes))
    return outcome


def run_category(
    category: str,
    tally: Tally,
    *,
    per_format: int,
    seed: int = SEED,
    watch: Watch | None = None,
    open_graph: Callable[[], relgraph.Graph] | None = None,
    tally_as: str | None = None,
    only: Callable[[Case], bool] | None = None,
) -> list[tuple[Case, Outcome]]:
    """Every case of ``category`` (those ``only`` keeps), each added to ``tally`` under
    ``tally_as`` (default: the category); returns the cases with their outcomes."""
    options = (
        {"secret_file": str(watch.secret_file), "listener": watch.listener}
        if watch and category == "bomb"
        else {}
    )
    results = []
    for case in generate(category, seed, per_format, **options):
        if only is not None and not only(case):
            continue
        outcome = run_case(case, watch, open_graph)
        tally.add(tally_as or category, outcome.kind, case.label, outcome.detail)
        results.append((case, outcome))
    return results
