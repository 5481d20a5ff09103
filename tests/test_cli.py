"""The relgraph command line, run on real files as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from relgraph.cli import COMMANDS


def test_help_lists_every_command_with_examples():
    out = subprocess.run([sys.executable, "-m", "relgraph", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for name in COMMANDS:
        assert name in out
    assert "examples:" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command):
    out = subprocess.run([sys.executable, "-m", "relgraph", command, "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "examples:" in out and f"relgraph {command}" in out


def test_load_stats_export(cli, tmp_path):
    first = cli("load")
    assert first.code == 0, first.err
    assert "144 created" in first.out and "286 created" in first.out
    again = cli("load")
    assert "0 created, 144 already present" in again.out

    stats = cli("stats")
    assert "144 nodes, 286 relationships" in stats.out
    assert any(line.split() == ["Visit", "16"] for line in stats.out.splitlines())
    data = json.loads(cli("stats", "--format", "json").out)
    assert data["labels"]["Person"] == 12 and data["types"]["MADE_VISIT"] == 16

    target = tmp_path / "out" / "graph.json"
    exported = cli("export", "--format", "json", "-o", str(target))
    assert exported.code == 0, exported.err
    g = nx.node_link_graph(json.loads(target.read_text(encoding="utf-8")), edges="links")
    assert (g.number_of_nodes(), g.number_of_edges()) == (144, 286)


def test_export_is_deterministic_and_never_overwrites_without_force(cli, tmp_path):
    cli("load")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert cli("export", "-o", str(a)).code == 0
    assert cli("export", "-o", str(b)).code == 0
    assert a.read_bytes() == b.read_bytes()
    a.write_text("keep me", encoding="utf-8")
    refused = cli("export", "-o", str(a))
    assert refused.code == 1 and "already exists (use --force" in refused.err
    assert a.read_text(encoding="utf-8") == "keep me"
    assert cli("export", "-o", str(a), "--force").code == 0
    assert a.read_bytes() == b.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_export_to_stdout(cli):
    cli("load")
    result = cli("export", "-o", "-")
    assert len(json.loads(result.out)["links"]) == 286


def test_exporting_an_empty_graph_writes_nothing(cli, tmp_path):
    result = cli("export", "-o", str(tmp_path / "x.json"))
    assert result.code == 1 and "empty" in result.err
    assert not (tmp_path / "x.json").exists()


def test_bad_source_is_reported_with_file_and_line_and_nothing_changes(cli, tmp_path):
    cli("load")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("key:ID,name,:LABEL,year:int\nx,X,Thing,1990\ny,Y,Thing,nineteen\n",
                     encoding="utf-8")
    result = cli("load", str(nodes))
    assert result.code == 1
    assert f"{nodes}:3: column year:int: 'nineteen' is not an integer" in result.err
    assert "nothing was loaded" in result.err
    assert "144 nodes" in cli("stats").out


def test_missing_and_unknown_sources(cli, tmp_path):
    missing = cli("load", str(tmp_path / "nope.yaml"))
    assert missing.code == 1 and "no such file or folder" in missing.err
    odd = tmp_path / "graph.xlsx"
    odd.write_bytes(b"")
    unknown = cli("load", str(odd))
    assert unknown.code == 1 and "unknown format '.xlsx'" in unknown.err


def test_replace(cli, tmp_path):
    cli("load")
    d = tmp_path / "import"
    d.mkdir()
    (d / "nodes.csv").write_text("key:ID,name,:LABEL\na,A,Thing\n", encoding="utf-8")
    result = cli("load", "--replace", str(d))
    assert result.code == 0 and "Graph now holds 1 nodes" in result.out


def test_global_options_also_work_after_the_command(cli, tmp_path, capsys):
    assert cli("load").code == 0
    target = tmp_path / "graph.json"
    loud = cli("export", "-o", str(target))
    assert loud.code == 0 and "Wrote 144 nodes" in loud.err
    quiet = cli("export", "-o", str(target), "--force", "-q")
    assert (quiet.code, quiet.err) == (0, "")
    # Given only before the command, an option is not reset by its copy after the command.
    assert cli("--quiet", "export", "-o", str(target), "--force").err == ""

    other = tmp_path / "other.snapshot"
    assert cli("load", "--store", str(other), "--backend", "networkx", "-q").code == 0
    assert other.exists()
    # After the command wins over before it; before it still counts when not repeated.
    empty = tmp_path / "empty.snapshot"
    stats = cli("--store", str(empty), "stats", "--store", str(other))
    assert "144 nodes, 286 relationships" in stats.out
    assert "0 nodes" in cli("--store", str(empty), "stats").out
    with pytest.raises(SystemExit) as exited:  # checked like the option before the command
        cli("stats", "--backend", "nowhere")
    assert exited.value.code == 2 and "invalid choice: 'nowhere'" in capsys.readouterr().err
    help_text = subprocess.run([sys.executable, "-m", "relgraph", "export", "--help"],
                               capture_output=True, text=True, check=True).stdout
    assert "global options" in help_text and "--quiet" in help_text and "--neo4j-uri" in help_text


def test_the_installed_command_runs_in_a_fresh_process(tmp_path):
    env = {**os.environ, "RELGRAPH_STORE": str(tmp_path / "g.snapshot")}
    run = subprocess.run([sys.executable, "-m", "relgraph", "--backend", "networkx", "load"],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert Path(env["RELGRAPH_STORE"]).exists()
