"""One isolated hostile input, in a child process: ``python -m tests.fuzz.worker CASE.pickle``.

Bombs are meant to exhaust memory; run in the test process, a loader without a limit would
take the machine down with it. The parent starts this worker with an address-space limit
(:data:`MEMORY_LIMIT`), so such a loader ends in MemoryError, which the worker reports as a
traceback like any other. The outcome goes back as one JSON line on standard output.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

from .hostile import Case
from .outcomes import CASE_SECONDS, Outcome, attempt
from .seeds import baseline_jsonl

ROOT = Path(__file__).resolve().parents[2]
#: Bytes of address space a worker may use: the article graph and a loader need far less.
MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_isolated(case: Case, folder: Path, secret: str | None = None) -> Outcome:
    """Run ``case`` in a worker; ``secret``: text that must reach neither the store nor the error."""
    pickled = folder / "case.pickle"
    pickled.write_bytes(pickle.dumps((case, baseline_jsonl())))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "tests.fuzz.worker", str(pickled)]
    if secret:
        command.append(secret)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=CASE_SECONDS * 2,
            env=env,
            cwd=ROOT,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome("stuck", f"the worker ran past {CASE_SECONDS * 2} s and was killed")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return Outcome("traceback", f"the worker died (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    data = json.loads(lines[-1])
    return Outcome(data["kind"], data["detail"])


def main(argv: list[str]) -> int:
    case, base = pickle.loads(Path(argv[0]).read_bytes())
    secret = argv[1] if len(argv) > 1 else None
    found: list[str] = []

    def watch(graph_text: str) -> None:
        if secret and secret in graph_text:
            found.append(graph_text[:200])

    outcome = attempt(case, watch=watch, base=base)
    if found:
        outcome = Outcome("escaped", f"text of a file the input named reached relgraph: {found[0]!r}")
    print(json.dumps({"kind": outcome.kind, "detail": outcome.detail}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
