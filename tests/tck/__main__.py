"""Command line: run the TCK, print pass counts per feature folder, optionally update the floor."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .runner import report, run_tck, tck_root, totals

FLOOR = Path(__file__).with_name("floor.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.tck", description=__doc__)
    ap.add_argument("--target", default="relgraph", help="registered target name or module:Class")
    ap.add_argument("--features", default=None, help="only feature paths containing this text")
    ap.add_argument("--tck", type=Path, default=None, help="TCK folder (default: tests/tck/opencypher)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print why each failing scenario failed")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per scenario")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--raise-floor", action="store_true",
                    help="write the new counts to floor.json where they are higher (full runs only)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    outcomes = run_tck(args.target, args.features, args.tck or tck_root(), args.timeout, args.jobs)
    print(report(outcomes, args.verbose, args.markdown))
    print(f"({len(outcomes)} scenarios in {time.perf_counter() - start:.1f}s, target {args.target})")
    if args.raise_floor:
        if args.features:
            print("--raise-floor needs a full run (no --features)", file=sys.stderr)
            return 2
        raise_floor(totals(outcomes))
    return 0


def floor_shortfall(table: dict[str, tuple[int, int]], path: Path = FLOOR) -> list[str]:
    """What falls below the floor in ``path`` (the total, then each folder); empty if nothing does."""
    floor = json.loads(path.read_text())
    passed = sum(p for p, _ in table.values())
    short = [f"total: {passed} passed, floor {floor['total']}"] if passed < floor["total"] else []
    for folder, minimum in floor["folders"].items():
        got = table.get(folder, (0, 0))[0]
        if got < minimum:
            short.append(f"{folder}: {got} passed, floor {minimum}")
    return short


def raise_floor(table: dict[str, tuple[int, int]], path: Path = FLOOR) -> None:
    """Floors only go up: a lower count never overwrites a higher floor."""
    floor = json.loads(path.read_text()) if path.exists() else {"total": 0, "folders": {}}
    total = sum(p for p, _ in table.values())
    floor["total"] = max(floor.get("total", 0), total)
    folders = floor.setdefault("folders", {})
    for folder, (p, _) in table.items():
        folders[folder] = max(folders.get(folder, 0), p)
    floor["folders"] = dict(sorted(folders.items()))
    path.write_text(json.dumps(floor, indent=2) + "\n")
    print(f"{path.name}: total {floor['total']}")


if __name__ == "__main__":
    sys.exit(main())
