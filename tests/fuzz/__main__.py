"""``python -m tests.fuzz [--cases N] [--seed S] [--category C ...] [--show LABEL]``: the loader
generators standalone, with the same tally as the test run.

``--cases`` is the number of random cases per format for the truncation and byte-flip
categories (the others are fixed lists); ``--show`` writes the files of one case (its label
as a failure lists it, e.g. ``huge-number/json/5000-digits``) to a folder to reproduce it by
hand (``relgraph load FOLDER/ENTRY``). Exits 1 when any input failed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .escape import watching
from .hostile import GENERATORS, generate
from .outcomes import write_case
from .runner import SEED, run_category
from .tally import Tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=50, help="random cases per format (default 50)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default {SEED})")
    parser.add_argument(
        "--category",
        action="append",
        choices=sorted(GENERATORS),
        help="only these categories (repeatable; default all)",
    )
    parser.add_argument("--show", metavar="LABEL", help="write the files of one case and print where")
    args = parser.parse_args(argv)
    categories = args.category or list(GENERATORS)
    if args.show:
        category = args.show.split("/", 1)[0]
        for case in generate(category, args.seed, args.cases):
            if case.label == args.show:
                folder = Path(tempfile.mkdtemp(prefix="relgraph-fuzz-case-"))
                print(write_case(case, folder))
                return 0
        print(f"no case {args.show!r} with seed {args.seed} and --cases {args.cases}", file=sys.stderr)
        return 2
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="relgraph-fuzz-") as folder, watching(Path(folder)) as watch:
        for category in categories:
            run_category(category, tally, per_format=args.cases, seed=args.seed, watch=watch)
    print(tally.table())
    print(
        f"\n{sum(sum(r.values()) for r in tally.counts.values())} inputs in "
        f"{time.monotonic() - started:.1f} s (seed {args.seed}, --cases {args.cases})"
    )
    return 1 if tally.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
