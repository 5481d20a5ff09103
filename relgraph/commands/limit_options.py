"""--timeout and --max-memory: how long and how large one query may grow, for the commands
that run queries a user typed (query, view, export, serve).

On by default, because a query that never ends or fills the memory is an easy mistake
(``UNWIND range(1, 100000000)``, ``[*1..4]`` on a dense graph) whose cost is the whole
machine: 300 seconds, and half the memory available when the query starts (at most
2 GiB). ``0`` lifts a limit. On Neo4j the time limit is the transaction's timeout and the
memory limit is the server's own (``db.memory.transaction.max``).
"""

from __future__ import annotations

import argparse
import os
import re

from relgraph.commands.context import UsageError
from relgraph.graph.cypher.limits import DEFAULT_MEMORY_CAP, default_memory_limit

#: Seconds a query may run unless --timeout or $RELGRAPH_TIMEOUT says otherwise.
DEFAULT_TIMEOUT = 300.0

_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def seconds(text: str) -> float:
    """A --timeout value: seconds, 0 for none."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected 0 or a positive number of seconds, got {text!r}")
    return value


def size(text: str) -> int:
    """A --max-memory value: bytes with an optional unit (500M, 2G, 1.5GiB), 0 for none."""
    found = _SIZE.fullmatch(text.strip())
    if found is None:
        raise argparse.ArgumentTypeError(f"expected a size such as 500M or 2G, got {text!r}")
    return int(float(found.group(1)) * _UNITS[found.group(2).upper()])


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("limits (0 lifts one)")
    group.add_argument("--timeout", type=seconds, metavar="SECONDS", default=None,
                       help=f"stop a query that runs longer (default: $RELGRAPH_TIMEOUT or "
                            f"{DEFAULT_TIMEOUT:g})")
    group.add_argument("--max-memory", type=size, metavar="SIZE", default=None,
                       help="stop a query that grows the embedded engine by more, e.g. 2G (default: half the "
                            f"memory available, at most {DEFAULT_MEMORY_CAP // 2**30} GiB)")


def timeout_from(args: argparse.Namespace) -> float | None:
    value = args.timeout
    if value is None:
        given = os.environ.get("RELGRAPH_TIMEOUT")
        try:
            value = seconds(given) if given else DEFAULT_TIMEOUT
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"$RELGRAPH_TIMEOUT: {exc}") from None
    return value or None


def memory_from(args: argparse.Namespace) -> int | None:
    if args.max_memory is None:
        return default_memory_limit()
    return args.max_memory or None
