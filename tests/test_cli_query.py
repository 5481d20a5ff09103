"""relgraph query / queries on the command line: formats, parameters, read-only, explain."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys

import pytest


@pytest.fixture
def loaded(cli):
    assert cli("load").code == 0
    return cli


def test_queries_lists_scripts_with_parameters(cli):
    result = cli("queries")
    assert result.code == 0
    assert "visits" in result.out and "--param countryA=<Country>  (default 'South Korea')" in result.out
    assert "--param depth=<int>  (default 1)" in result.out
    listed = json.loads(cli("queries", "--format", "json").out)
    visits = next(s for s in listed if s["name"] == "visits")
    assert visits["parameters"][0] == {"name": "countryA", "type": "entity<Country>",
                                       "default": "South Korea"}


def test_entity_parameters_take_any_case_key_or_alias_and_suggest(loaded):
    exact = loaded("query", "person-visits", "--param", "person=Moon Jae-in", "--format", "json")
    folded = loaded("query", "person-visits", "--param", "person=moon jae-in", "--format", "json")
    by_key = loaded("query", "person-visits", "--param", "person=moon-jae-in", "--format", "json")
    assert exact.code == folded.code == by_key.code == 0, folded.err
    assert json.loads(exact.out) == json.loads(folded.out) == json.loads(by_key.out) != []
    typo = loaded("query", "city", "--param", "city=Tashkemt")
    assert typo.code == 1 and "no City is named 'Tashkemt'; did you mean 'Tashkent'?" in typo.err
    wrong_kind = loaded("query", "visits", "--param", "countryA=Tashkent")
    assert wrong_kind.code == 1 and "no Country is named 'Tashkent'" in wrong_kind.err
    anything = loaded("query", "timeline", "--param", "countryA=", "--param", "from=2019",
                      "--param", "to=2019")
    assert anything.code == 0, anything.err


def test_table_output(loaded):
    result = loaded("query", "honours")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["year", "recipient", "title"]
    assert set(lines[1]) <= {"─", " "}
    assert lines[2].startswith("2006  Islam Karimov")
    assert "2 rows (networkx" in result.err


def test_json_jsonl_and_csv(loaded):
    rows = json.loads(loaded("query", "visits", "--format", "json").out)
    assert len(rows) == 16 and rows[0]["visitor"] == "Islam Karimov"
    lines = loaded("query", "honours", "--format", "jsonl").out.splitlines()
    assert [json.loads(line)["recipient"] for line in lines] == ["Islam Karimov", "Shavkat Mirziyoyev"]
    table = list(csv.DictReader(io.StringIO(loaded("query", "agreements", "--format", "csv").out)))
    ktx = next(r for r in table if r["agreement"] == "KTX technology deal")
    assert ktx["valueUsd"] == "196000000" and json.loads(ktx["parties"]) == ["South Korea", "Uzbekistan"]


def test_graph_values_in_json(loaded):
    rows = json.loads(loaded("query", "-e", "MATCH (p:Person {key: 'islam-karimov'})-[r:HELD_OFFICE]->(o) "
                                            "RETURN p, r", "--format", "json").out)
    (row,) = rows
    assert row["p"]["labels"] == ["Person"] and row["p"]["properties"]["name"] == "Islam Karimov"
    assert row["r"]["type"] == "HELD_OFFICE" and row["r"]["start"] == "islam-karimov"
    assert row["r"]["end"] == "president-of-uzbekistan"


def test_typed_parameters_and_errors(loaded):
    rows = json.loads(loaded("query", "events-between", "--param", "from=2024", "--param", "to=2025",
                             "--format", "json").out)
    assert {r["year"] for r in rows} == {2024, 2025}
    bad = loaded("query", "events-between", "--param", "from=twenty")
    assert bad.code == 2 and "'twenty' is not an int" in bad.err
    unknown = loaded("query", "visits", "--param", "country=Japan")
    assert unknown.code == 2 and "unknown parameter(s) country; it takes: countryA, countryB" in unknown.err
    missing = loaded("query", "no-such-script")
    assert missing.code == 2 and "no query script named 'no-such-script'" in missing.err


def test_inline_query_with_parameter(loaded):
    out = loaded("query", "-e", "MATCH (c:City) WHERE c.name = $name RETURN c.key AS key",
                 "--param", "name=Seoul", "--format", "json").out
    assert json.loads(out) == [{"key": "seoul"}]


def test_writes_are_refused_without_write_and_change_nothing(loaded, tmp_path):
    snapshot = tmp_path / "cli.snapshot"
    before = snapshot.read_bytes()
    refused = loaded("query", "-e", "CREATE (:City {key: 'busan', name: 'Busan'})")
    assert refused.code == 1 and "--write" in refused.err
    assert snapshot.read_bytes() == before
    done = loaded("query", "--write", "-e", "CREATE (:City {key: 'busan', name: 'Busan'})")
    assert done.code == 0 and "nodes created: 1" in done.err
    assert "145 nodes" in loaded("stats").out


def test_syntax_error_points_at_the_spot(loaded):
    result = loaded("query", "-e", "MATCH (n:Person RETURN n")
    assert result.code == 1
    assert "line 1" in result.err and "^" in result.err


def test_explain(loaded):
    result = loaded("query", "--explain", "visits")
    assert result.code == 0 and result.out.strip()


def run_in_terminal(argv: list[str], columns: int, env: dict[str, str]) -> str:
    """``relgraph`` in a real subprocess whose standard output is a terminal ``columns`` wide:
    tables are cut to the terminal's width only there."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "relgraph", *argv], stdout=follower,
                              stderr=subprocess.PIPE, env={**env, "COLUMNS": str(columns)}, timeout=120)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once its output has been read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_a_table_in_a_narrow_terminal_cuts_the_longest_column_first(loaded, tmp_path):
    env = {**os.environ, "RELGRAPH_STORE": str(tmp_path / "cli.snapshot"), "RELGRAPH_BACKEND": "networkx"}
    lines = run_in_terminal(["query", "honours"], 180, env).splitlines()
    assert all(len(line) <= 180 for line in lines), lines
    assert lines[0].split() == ["year", "recipient", "title", "conferredBy", "conferrerOffice",
                                "duringVisit", "quote", "graph"]
    # every column but the quote and the graph values is shown whole: names and years stay readable
    assert "Islam Karimov's official visit to South Korea (2006)  During his visit" in lines[2]
    assert "Shavkat Mirziyoyev's visit to South Korea (2017)" in lines[3]
    assert lines[2].endswith("…") and lines[3].endswith("…")
    assert len(lines[2]) == 180
