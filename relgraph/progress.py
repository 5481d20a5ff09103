"""Progress lines for long work, on stderr and only where a person is watching."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from relgraph.graph.store import Progress


def progress_printer(stream: TextIO | None = None, *, quiet: bool = False) -> Progress | None:
    """A ``progress(done, total, what)`` callback drawing one updating line, or None.

    Returns None when quiet or when the stream is not a terminal, so logs and
    pipes never fill with carriage-return noise.
    """
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return None
    started = time.monotonic()

    def show(done: int, total: int, what: str) -> None:
        percent = 100 * done // total if total else 100
        elapsed = time.monotonic() - started
        end = "\n" if done >= total else ""
        stream.write(f"\r  {percent:3d}% {done:,}/{total:,} {what:<14} {elapsed:6.1f}s{end}")
        stream.flush()

    return show
