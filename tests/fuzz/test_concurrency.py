"""Several processes writing through the command line to one embedded store: nothing is lost.

Each writer creates its own nodes, one command at a time, while the others do the same and one
more process loads a file; every command must succeed and every node must be there after.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from relgraph.graph.backends.networkx_store import NetworkxStore

from . import cli
from .seeds import baseline_jsonl
from .tally import RUN

WRITERS = 3
WRITES = 2


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = tmp_path / "graph.snapshot"
    options = ["--backend", "networkx", "--store", str(store)]
    data = tmp_path / "baseline.jsonl"
    data.write_bytes(baseline_jsonl())
    script = " && ".join(
        " ".join(
            shlex.quote(a)
            for a in cli.command(
                *options, "query", "--write", "-e", f"CREATE (:Writer {{key: 'w-WRITER-{i}'}})"
            )
        )
        for i in range(WRITES)
    )
    processes = [
        subprocess.Popen(
            ["sh", "-c", script.replace("WRITER", str(w))],
            env=cli.environment(),
            cwd=cli.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    loader = cli.start(*options, "load", str(data))
    results = [(p.wait(timeout=180), p.communicate()[1]) for p in [*processes, loader]]
    keys = {n.get("key") for n in NetworkxStore(store).nodes()}
    expected = {f"w-{w}-{i}" for w in range(WRITERS) for i in range(WRITES)}
    missing = expected - keys
    failed = [err for code, err in results if code != 0]
    loaded = len(keys - expected) > 0
    for key in sorted(expected):
        RUN.add("concurrent writers", "lost" if key in missing else "loaded", key, "a write was lost")
    RUN.add("concurrent writers", "loaded" if loaded else "lost", "load", "the concurrent load was lost")
    assert not failed, failed
    assert not missing and loaded, f"lost {sorted(missing)}; load kept: {loaded}"
