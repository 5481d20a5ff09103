"""The local server's memory from the machine's: a pure rule, and who may override it."""

from __future__ import annotations

import pytest

from relgraph.cli import main
from relgraph.commands.neo4j import GIB, ServerSizes, server_sizes, sized_environment


@pytest.mark.parametrize(("physical", "sizes"), [
    (1 * GIB, ServerSizes(heap=512, pagecache=256, tx_memory=256)),  # floors
    (2 * GIB, ServerSizes(heap=512, pagecache=512, tx_memory=256)),
    (8 * GIB, ServerSizes(heap=2048, pagecache=2048, tx_memory=682)),
    (24 * GIB, ServerSizes(heap=6144, pagecache=6144, tx_memory=2048)),
    (256 * GIB, ServerSizes(heap=8192, pagecache=8192, tx_memory=2730)),  # ceilings
])
def test_a_quarter_of_memory_within_bounds(physical: int, sizes: ServerSizes) -> None:
    assert server_sizes(physical) == sizes


def test_the_transaction_limit_is_never_below_the_old_fixed_one() -> None:
    assert all(server_sizes(gib * GIB).tx_memory >= 256 for gib in (0, 1, 2, 3, 4))


def test_options_win_over_variables_which_win_over_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RELGRAPH_NEO4J_HEAP", "RELGRAPH_NEO4J_PAGECACHE", "RELGRAPH_NEO4J_TX_MEMORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RELGRAPH_NEO4J_PAGECACHE", "300m")
    env = sized_environment(heap="1g")
    assert env["RELGRAPH_NEO4J_HEAP"] == "1g"
    assert env["RELGRAPH_NEO4J_PAGECACHE"] == "300m"
    assert env["RELGRAPH_NEO4J_TX_MEMORY"].endswith("m") and int(env["RELGRAPH_NEO4J_TX_MEMORY"][:-1]) >= 256


def test_a_size_that_is_no_size_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["neo4j", "start", "--heap", "lots"])
    assert exit_info.value.code == 2
    assert "'lots' is not a size such as 512m or 4g" in capsys.readouterr().err
