"""The fuzz suite's fixtures, and its tallies printed at the end of the pytest run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .escape import Watch, watching
from .tally import RUN


@pytest.fixture(scope="session")
def watch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watch]:
    """The listener and secret file that external entities point at (tests.fuzz.escape)."""
    with watching(Path(tmp_path_factory.mktemp("fuzz-watch"))) as found:
        yield found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the fuzz and fault tests tried and what became of it, when any of them ran."""
    if not RUN.counts:
        return
    terminalreporter.section("fuzz and fault tallies (docs/reliability.md)")
    terminalreporter.write_line(RUN.table())
