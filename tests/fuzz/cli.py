"""The ``relgraph`` command as a real child process, for faults no in-process test can make:
kill -9 at a chosen moment, several writers at once, a query that would run for ever."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment() -> dict[str, str]:
    """This checkout's relgraph, and none of the caller's Neo4j credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RELGRAPH_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "relgraph", "-q", *args]


@dataclass
class Finished:
    code: int
    out: str
    err: str
    seconds: float


def run(*args: str, timeout: float = 120) -> Finished:
    started = time.monotonic()
    done = subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        env=environment(),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    return Finished(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(), cwd=ROOT
    )


def kill_after(args: list[str], delay: float) -> tuple[bool, str]:
    """Start the command and kill -9 it after ``delay`` seconds; (whether it was still running, stderr)."""
    process = start(*args)
    try:
        process.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        process.kill()
        killed = True
    _, err = process.communicate()
    return killed, err
