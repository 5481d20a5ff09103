"""``python -m tests.differential``: every hand-written case and a seeded batch of generated
ones on the embedded engine and on Neo4j, with the agreement rate.

Neo4j is ``$RELGRAPH_TEST_NEO4J_URI`` (its database is wiped), else a throw-away server
started for the run. ``--case topic:N`` or ``--case gen:K`` (with the ``--seed`` printed by
the run) reruns one case; ``-v`` shows every disagreement, known ones included.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from contextlib import AbstractContextManager
from pathlib import Path

from ..tck.neo4j_target import neo4j_from
from . import generator
from .cases import Case, load_all
from .run import Report, run

#: Generated cases per run: with the hand-written ones, enough that 0.5% is a handful.
GENERATED = 3000

#: The agreement tests/test_differential.py holds (overall and generated), which only rises:
#: ``--raise-floor`` after a full run. tests/test_differential.py also holds issue 16's 0.995.
FLOOR = Path(__file__).with_name("floor.json")


def neo4j_uri() -> AbstractContextManager[str]:
    """$RELGRAPH_TEST_NEO4J_URI, else a throw-away Neo4j for the run."""
    return neo4j_from("RELGRAPH_TEST_NEO4J_URI", "the differential test")


def select(seed: int, generated: int, topic: str | None, ident: str | None) -> list[Case]:
    """The cases a run asks for."""
    if ident is not None:
        if ident.isdigit():  # --case K: generated case K
            ident = f"gen:{ident}"
        if ident.startswith("gen:"):
            return [generator.case(seed, int(ident[4:]))]
        chosen = [c for c in load_all(ident.split(":")[0]) if c.ident == ident]
        if not chosen:
            raise SystemExit(f"no case {ident}")
        return chosen
    hand = load_all(topic)
    return hand if topic else hand + generator.cases(seed, generated)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.differential", description=__doc__)
    ap.add_argument("--seed", type=int, default=None, help="generator seed (default: a random one, printed)")
    ap.add_argument("--generated", type=int, default=GENERATED, help="how many generated cases")
    ap.add_argument("--topic", default=None, help="only the hand-written cases of this topic")
    ap.add_argument("--case", default=None, help="one case: topic:N, or gen:K (or K) with --seed")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every disagreement")
    ap.add_argument("--raise-floor", action="store_true", help=f"raise {FLOOR.name} (full runs only)")
    args = ap.parse_args(argv)
    if args.raise_floor and (args.topic or args.case):
        ap.error("--raise-floor needs a full run")
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    print(f"seed {seed}")
    cases = select(seed, args.generated, args.topic, args.case)
    with neo4j_uri() as uri:
        report = run(cases, uri)
    print(report.summary(args.verbose or args.case is not None))
    if args.raise_floor:
        raise_floor(report)
    return 1 if report.unlisted() else 0


def rates(report: Report) -> dict[str, float]:
    """Agreement overall and on the generated cases, as fractions."""
    def share(generated: bool | None) -> float:
        agreed, total = report.rate(o for o in report.outcomes
                                    if generated is None or o.case.ident.startswith("gen:") == generated)
        return agreed / total if total else 1.0
    return {"overall": share(None), "generated": share(True)}


def raise_floor(report: Report) -> None:
    """Floors only go up (rounded down to 0.1%, so that a run with a new seed can pass them)."""
    floor = json.loads(FLOOR.read_text()) if FLOOR.exists() else {}
    for name, value in rates(report).items():
        floor[name] = max(floor.get(name, 0.0), int(value * 1000) / 1000)
    FLOOR.write_text(json.dumps(floor, indent=2) + "\n")
    print(f"{FLOOR.name}: {floor}")


if __name__ == "__main__":
    sys.exit(main())
