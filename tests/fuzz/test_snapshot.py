"""A damaged snapshot gives a clean error or the data as it was; a crafted one runs nothing.

Written without knowing the file's layout (a pickle behind a header today, a checksummed
format tomorrow): bytes of whatever file the embedded store writes are cut, flipped or
followed by a pickle that would run code, and opening the store must then either refuse
with a StoreError naming the file or hold exactly the data written.
"""

from __future__ import annotations

import os
import pickle
import random
from pathlib import Path

import pytest

import relgraph
from relgraph.graph.values.errors import RelgraphError

from .escape import MARKER
from .outcomes import Outcome, short_traceback, state
from .runner import SEED
from .seeds import baseline_jsonl
from .tally import FAILURES, RUN, Tally

FLIPS = 60
CUTS = 30


def written_store(folder: Path) -> tuple[Path, tuple[list[str], list[str]], bytes]:
    """A snapshot of a small graph: its path, its state and its bytes."""
    path = folder / "graph.snapshot"
    data = folder / "baseline.jsonl"
    data.write_bytes(baseline_jsonl())
    with relgraph.open(path) as graph:
        graph.load(data)
        expected = state(graph.store)
    return path, expected, path.read_bytes()


def reopen(path: Path, expected: tuple[list[str], list[str]]) -> Outcome:
    """Open the (damaged) snapshot and say what came of it."""
    try:
        with relgraph.open(path) as graph:
            found = state(graph.store)
    except RelgraphError as exc:
        if path.name not in str(exc):
            return Outcome("unnamed", str(exc)[:200])
        return Outcome("clean", str(exc)[:200])
    except Exception as exc:
        return Outcome("traceback", short_traceback(exc))
    if found != expected:
        return Outcome(
            "lost",
            f"opened without error but holds other data ({len(found[0])} nodes, "
            f"{len(found[1])} relationships; written: {len(expected[0])}, {len(expected[1])})",
        )
    return Outcome("loaded")


def damaged(original: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    size = len(original)
    cases = [
        (f"cut-at-{n}", original[:n])
        for n in sorted({0, 1, 17, 18, 20, 36, size - 1, *(rng.randrange(size) for _ in range(CUTS))})
    ]
    for _ in range(FLIPS):
        at, value = rng.randrange(size), rng.randrange(1, 256)
        flipped = bytearray(original)
        flipped[at] ^= value
        cases.append((f"xor-{value:02x}-at-{at}", bytes(flipped)))
    cases += [
        ("appended-garbage", original + b"\x00garbage"),
        ("zeroed", bytes(size)),
        ("json-instead", b'{"nodes": [], "links": []}\n'),
        ("doubled", original + original),
    ]
    return cases


def record(tally: Tally, category: str, name: str, outcome: Outcome) -> None:
    tally.add(category, outcome.kind, f"{category}/{name}", outcome.detail)


def test_damaged_snapshots_are_refused_or_intact(tmp_path: Path) -> None:
    path, expected, original = written_store(tmp_path)
    failed = []
    for name, data in damaged(original, random.Random(f"snapshot:{SEED}")):
        path.write_bytes(data)
        outcome = reopen(path, expected)
        record(RUN, "snapshot damage", name, outcome)
        if outcome.kind in FAILURES:
            failed.append(f"{name}: {outcome.kind}: {outcome.detail}")
    assert not failed, f"{len(failed)} damaged snapshots were not refused:\n" + "\n".join(failed[:15])


def test_a_snapshot_that_is_a_folder_or_unreadable_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.snapshot"
    folder.mkdir()
    outcomes = [reopen(folder, ([], []))]
    unreadable = tmp_path / "unreadable.snapshot"
    written_store(tmp_path)[0].rename(unreadable)
    unreadable.chmod(0)
    if os.geteuid() != 0:  # root reads any file
        outcomes.append(reopen(unreadable, ([], [])))
    for outcome in outcomes:
        record(RUN, "snapshot damage", "not-a-file", outcome)
    assert all(o.kind == "clean" for o in outcomes), outcomes


class _RunsCode:
    """Unpickling this calls os.mkdir(MARKER): a stand-in for any code a crafted file could run."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(MARKER),)


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_a_crafted_snapshot_runs_no_code(tmp_path: Path, protocol: int) -> None:
    """The real file's first n bytes (its header, whatever it is) followed by a pickle that
    runs code, for every n up to 64: opening it must refuse it and run nothing."""
    path, _, original = written_store(tmp_path)
    payload = pickle.dumps(_RunsCode(), protocol=protocol)
    ran = []
    for n in range(65):
        if MARKER.exists():
            MARKER.rmdir()
        path.write_bytes(original[:n] + payload)
        outcome = reopen(path, ([], []))
        if MARKER.exists():
            outcome = Outcome(
                "escaped", f"opening the snapshot ran code (header of {n} bytes, then a pickle)"
            )
            ran.append(n)
            MARKER.rmdir()
        record(RUN, "snapshot code", f"header-{n}-then-pickle-{protocol}", outcome)
    assert not ran, (
        f"a crafted snapshot ran code when the pickle followed {ran[:5]}... bytes of the real file"
    )
