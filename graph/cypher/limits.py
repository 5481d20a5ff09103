"""Stopping a query: a time limit and a cancel switch, checked cooperatively while it runs.

A query runs in Python, so nothing can interrupt it from outside safely: killing a
thread mid-write would leave the graph half-changed. Instead the loops that can run
long (matching candidates, expanding relationships, walking variable-length paths and
shortest paths, unwinding, projecting, aggregating, list comprehensions) call
:meth:`Stop.tick`, which every :data:`CHECK_EVERY` calls looks at the clock and the
switch and raises :class:`~relgraph.graph.values.errors.QueryTimeout` or
``QueryCancelled``. The store's transaction then rolls everything back as for any error.
A tick costs a decrement and a comparison; the clock is read a few thousand times a
second at most.
"""

from __future__ import annotations

import threading
import time

from relgraph.graph.values.errors import QueryCancelled, QueryTimeout

#: Ticks between two looks at the clock and the switch.
CHECK_EVERY = 512


class Stop:
    """When a running query must stop: past ``timeout`` seconds from now, or once ``cancel`` is set."""

    __slots__ = ("_budget", "cancel", "deadline", "timeout")

    def __init__(self, timeout: float | None = None, cancel: threading.Event | None = None):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout if timeout is not None else None
        self.cancel = cancel
        self._budget = CHECK_EVERY

    def tick(self) -> None:
        self._budget -= 1
        if self._budget <= 0:
            self._budget = CHECK_EVERY
            self.check()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise QueryCancelled()
        if self.deadline is not None and time.monotonic() > self.deadline:
            assert self.timeout is not None
            raise QueryTimeout(self.timeout)


#: The stop of a query that may run as long as it likes (the TCK, loads, scripts).
NEVER = Stop()
