"""Choosing the backend: auto falls back quickly with one warning, neo4j never falls back;
the CLI's Neo4j options, `relgraph neo4j`, and docker-compose.yml."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from relgraph.cli import main
from relgraph.commands.neo4j import free_port, server_script
from relgraph.connect import StoreOptions, open_store
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.values.errors import StoreError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No NEO4J_* or RELGRAPH_* settings from whoever runs the tests; a private snapshot path."""
    for name in list(os.environ):
        if name.startswith(("NEO4J_", "RELGRAPH_")) and not name.startswith("RELGRAPH_TEST_"):
            monkeypatch.delenv(name)
    snapshot = tmp_path / "g.snapshot"
    monkeypatch.setenv("RELGRAPH_STORE", str(snapshot))
    return snapshot


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- auto and explicit backends -------------------------------------------------------------


def test_auto_falls_back_at_once_with_one_warning_line(clean_env):
    uri = f"bolt://127.0.0.1:{free_port()}"
    warnings: list[str] = []
    started = time.monotonic()
    store = open_store(StoreOptions("auto", neo4j_uri=uri, warn=warnings.append))
    elapsed = time.monotonic() - started
    assert isinstance(store, NetworkxStore) and store.path == clean_env
    assert elapsed < 1.0, f"falling back took {elapsed:.2f} s"
    (line,) = warnings
    assert "\n" not in line and uri in line and "connection refused" in line
    assert "relgraph neo4j start" in line and "--backend networkx" in line


def test_auto_uses_neo4j_when_it_answers(clean_env, neo4j_uri):
    warnings: list[str] = []
    with open_store(StoreOptions("auto", neo4j_uri=neo4j_uri, warn=warnings.append)) as store:
        assert isinstance(store, Neo4jStore) and neo4j_uri in store.describe()
    assert warnings == []


def test_auto_does_not_hide_a_server_that_refuses(clean_env, neo4j_uri):
    """A server that answers but lacks the database is a mistake to report, not to work around."""
    with pytest.raises(StoreError, match="no database 'missing'"):
        open_store(StoreOptions("auto", neo4j_uri=neo4j_uri, neo4j_database="missing",
                                warn=pytest.fail))


def test_explicit_neo4j_never_falls_back(clean_env):
    uri = f"bolt://127.0.0.1:{free_port()}"
    code, out, err = run_cli("--backend", "neo4j", "--neo4j-uri", uri, "stats")
    assert code == 1 and out == ""
    assert uri in err and "relgraph neo4j start" in err and "docker compose up -d" in err
    assert not clean_env.exists()


def test_environment_chooses_backend_and_server(clean_env, neo4j_uri, monkeypatch):
    monkeypatch.setenv("RELGRAPH_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    code, out, err = run_cli("stats", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["backend"] == "neo4j" and err == ""


def test_a_fresh_process_falls_back_quickly(clean_env, tmp_path):
    """The whole command, as a user runs it with nothing listening: one warning line, quickly."""
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "relgraph", "stats"], capture_output=True, text=True,
                          env=env, timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "warning: no Neo4j" in proc.stderr
    assert "networkx store" in proc.stdout
    assert elapsed < 5, f"relgraph stats took {elapsed:.2f} s without a server"


# --- the CLI on Neo4j -------------------------------------------------------------------------


def test_load_stats_and_query_on_neo4j(clean_env, neo4j_store, neo4j_uri):
    on_neo4j = ("--backend", "neo4j", "--neo4j-uri", neo4j_uri)
    code, out, err = run_cli(*on_neo4j, "load")
    assert code == 0, err
    assert "144 created" in out and "286 created" in out and neo4j_uri in out
    code, out, _ = run_cli(*on_neo4j, "load")
    assert "0 created, 144 already present" in out
    code, out, _ = run_cli(*on_neo4j, "stats")
    assert f"neo4j {neo4j_uri}" in out and "144 nodes, 286 relationships" in out
    code, out, err = run_cli(*on_neo4j, "query", "-e", "MATCH (c:City) RETURN c.name AS city "
                             "ORDER BY city LIMIT 2", "--format", "json")
    assert code == 0, err
    assert [row["city"] for row in json.loads(out)] == ["Angren", "Bukhara"]
    code, out, err = run_cli(*on_neo4j, "query", "-e", "MATCH (c:City) SET c.visited = true")
    assert code != 0 and "--write" in err
    assert neo4j_store.run("MATCH (c:City) WHERE c.visited RETURN count(c)").value() == [0]
    assert not clean_env.exists()  # nothing went to the embedded store


# --- relgraph neo4j -----------------------------------------------------------------------------


def test_neo4j_status_of_a_home_where_nothing_runs(tmp_path):
    code, out, _ = run_cli("neo4j", "status", "--home", str(tmp_path / "nothing"))
    assert code == 3 and "not running" in out


def test_neo4j_status_of_the_test_server(neo4j_server):
    code, out, _ = run_cli("neo4j", "status", "--home", str(neo4j_server.home))
    assert code == 0 and neo4j_server.uri in out


def test_neo4j_start_and_stop_a_server(tmp_path):
    """What a user without Docker does: start, use, stop; the command prints the URI."""
    home = tmp_path / "home"
    port = free_port()
    code, out, err = run_cli("neo4j", "start", "--port", str(port), "--home", str(home))
    try:
        assert code == 0, err
        uri = f"bolt://127.0.0.1:{port}"
        assert out.strip() == uri
        assert f"export NEO4J_URI={uri}" in err and "relgraph neo4j stop" in err
        with Neo4jStore.connect(Neo4jSettings(uri)) as store:
            assert store.run("RETURN 1 AS one").value() == [1]
        assert run_cli("neo4j", "status", "--home", str(home))[0] == 0
    finally:
        code, _, err = run_cli("neo4j", "stop", "--home", str(home))
    assert code == 0 and "stopped" in err
    assert run_cli("neo4j", "status", "--home", str(home))[0] == 3


def test_neo4j_command_without_a_checkout_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("RELGRAPH_NEO4J_SERVER", str(tmp_path / "missing"))
    code, _, err = run_cli("neo4j", "status")
    assert code == 1 and "docker compose up -d" in err
    monkeypatch.delenv("RELGRAPH_NEO4J_SERVER")
    assert server_script().is_file()


# --- docker-compose.yml -----------------------------------------------------------------------


def test_docker_compose_runs_neo4j_5_26_with_apoc_auth_volume_and_health_check():
    """No Docker engine here, so check the structure that `docker compose` reads."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["neo4j"]
    assert service["image"] == "neo4j:5.26"
    env = service["environment"]
    assert json.loads(env["NEO4J_PLUGINS"]) == ["apoc"]
    assert env["NEO4J_AUTH"].startswith("${NEO4J_USERNAME:-neo4j}/${NEO4J_PASSWORD:?")
    assert any(p.endswith(":7687") and p.startswith("127.0.0.1:") for p in service["ports"])
    (volume,) = service["volumes"]
    name, target = volume.split(":")
    assert target == "/data" and name in compose["volumes"]
    check = service["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL") and "7474" in " ".join(check["test"])
    assert {"interval", "timeout", "retries"} <= check.keys()


def _bolt_probe(port: int) -> bool:
    """Run the launcher script's own readiness probe (its port_answers function)."""
    script = ROOT / "tools" / "neo4j" / "neo4j-server"
    probe = f"source <(sed -n '/^port_answers()/,/^}}/p' '{script}'); HOST=127.0.0.1; port_answers {port}"
    return subprocess.run(["bash", "-c", probe], timeout=15).returncode == 0


def test_readiness_probe_speaks_bolt(neo4j_uri: str) -> None:
    """`neo4j-server start/status` wait for a Bolt handshake, not for any open port: a
    process that merely listens (another service, a half-started JVM) is not a server."""
    import socket
    import threading

    assert _bolt_probe(int(neo4j_uri.rsplit(":", 1)[1]))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def answer_like_http() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(20)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        threading.Thread(target=answer_like_http, daemon=True).start()
        assert not _bolt_probe(listener.getsockname()[1])
