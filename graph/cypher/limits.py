"""Stopping a query: a time limit, a memory limit and a cancel switch, checked cooperatively
while it runs.

A query runs in Python, so nothing can interrupt it from outside safely: killing a
thread mid-write would leave the graph half-changed. Instead the loops that can run
long (matching candidates, expanding relationships, walking variable-length paths and
shortest paths, unwinding, projecting, aggregating, list comprehensions) call
:meth:`Stop.tick`, which every :data:`CHECK_EVERY` calls looks at the clock and the
switch and raises :class:`~relgraph.graph.values.errors.QueryTimeout` or
``QueryCancelled``. The store's transaction then rolls everything back as for any error.
A tick costs a decrement and a comparison; the clock is read a few thousand times a
second at most.

The memory limit bounds how much the process grows while the query runs (its resident
size, read from /proc at most twenty times a second; where that is not available, the
peak size the kernel reports). One value built in one step (``range(1, 10^9)``) cannot
be stopped half-way, so functions that build large lists ask :meth:`Stop.reserve` first.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from relgraph.graph.values.errors import CypherError, QueryCancelled, QueryMemoryExceeded, QueryTimeout

#: Ticks between two looks at the clock and the switch.
CHECK_EVERY = 512

#: Seconds between two readings of the process's size.
MEMORY_EVERY = 0.05

#: What one value of a list built in one step costs at least (a pointer and a small int).
BYTES_PER_ITEM = 36

#: The default memory limit of a query: half the memory available when it starts, at most this.
DEFAULT_MEMORY_CAP = 2 * 2**30


def resident_bytes() -> int | None:
    """The process's resident size now (Linux), or its peak (other POSIX), or None."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows: no limit can be enforced
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def available_bytes() -> int | None:
    """Memory the system can give without swapping (Linux's MemAvailable), or None."""
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def default_memory_limit() -> int | None:
    """Half the memory available now, at most :data:`DEFAULT_MEMORY_CAP`; None where unknown."""
    available = available_bytes()
    return None if available is None else min(available // 2, DEFAULT_MEMORY_CAP)


class Stop:
    """When a running query must stop: past ``timeout`` seconds from now, once the process has
    grown by more than ``memory`` bytes since now, or once ``cancel`` is set."""

    __slots__ = ("_baseline", "_budget", "_next_memory_check", "cancel", "deadline", "memory", "timeout")

    def __init__(self, timeout: float | None = None, cancel: threading.Event | None = None,
                 memory: int | None = None):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout if timeout is not None else None
        self.cancel = cancel
        self._budget = CHECK_EVERY
        baseline = resident_bytes() if memory is not None else None
        self.memory = memory if baseline is not None else None
        self._baseline = baseline or 0
        self._next_memory_check = 0.0

    def tick(self) -> None:
        self._budget -= 1
        if self._budget <= 0:
            self._budget = CHECK_EVERY
            self.check()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise QueryCancelled()
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            assert self.timeout is not None
            raise QueryTimeout(self.timeout)
        if self.memory is not None and now >= self._next_memory_check:
            self._next_memory_check = now + MEMORY_EVERY
            self.reserve(0)

    def reserve(self, items: int) -> None:
        """Raise QueryMemoryExceeded unless ``items`` more values fit within the memory limit:
        asked before a list is built in one step, which no tick could interrupt."""
        if self.memory is None:
            return
        grown = (resident_bytes() or self._baseline) - self._baseline
        if grown + items * BYTES_PER_ITEM > self.memory:
            raise QueryMemoryExceeded(self.memory)


#: The stop of a query that may run as long as it likes (the TCK, loads, scripts).
NEVER = Stop()


#: Python's recursion limit while the engine works. Parsing a nested expression takes about
#: ten frames per level, so the parser's MAX_NESTING levels need more than the default 1,000.
#: Not more than this: the limit is one for the whole process, and 3,000 frames that recurse
#: through C still fit the 8 MB stack of any thread (measured on CPython 3.11, where such
#: frames use the C stack; from 3.12 on only Python frames count against the limit).
RECURSION_LIMIT = 3000

_depth_lock = threading.Lock()
_depth_users = 0
_depth_saved: int | None = None


@contextmanager
def deep_enough() -> Iterator[None]:
    """Run engine work with room for :data:`RECURSION_LIMIT` frames, and turn a RecursionError
    that still happens (a value nested deeper than any query text can be) into a clear
    CypherError instead of a traceback. Nested and concurrent uses share one raise; the
    previous limit comes back when the last one ends."""
    global _depth_users, _depth_saved
    with _depth_lock:
        if _depth_users == 0 and sys.getrecursionlimit() < RECURSION_LIMIT:
            _depth_saved = sys.getrecursionlimit()
            sys.setrecursionlimit(RECURSION_LIMIT)
        _depth_users += 1
    try:
        yield
    except RecursionError:
        raise CypherError("the query or a value it builds is nested too deeply for the embedded engine "
                          "(compute the inner parts first, with WITH)", "NestingTooDeep") from None
    finally:
        with _depth_lock:
            _depth_users -= 1
            if _depth_users == 0 and _depth_saved is not None:
                if sys.getrecursionlimit() == RECURSION_LIMIT:
                    sys.setrecursionlimit(_depth_saved)
                _depth_saved = None
