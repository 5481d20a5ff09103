"""Every command works from a built wheel, installed into a fresh virtualenv, run from a folder
that has nothing of the checkout: what a user of `pip install relgraph` gets.

This builds the wheel, creates a virtualenv (`python -m venv`), installs the wheel with its
dependencies from PyPI (through pip's own cache), and runs the installed `relgraph` with a
private $XDG_DATA_HOME and $XDG_CACHE_HOME. `relgraph neo4j start` then builds the launcher
into that cache with Maven; ~/.m2 is the user's, so Maven downloads nothing it already has.
It takes a minute or two; each step's time is printed. Skip it only on purpose, with
RELGRAPH_SKIP_INSTALLED_TEST=1 (pytest -ra lists the skip and its reason).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from relgraph.cli import COMMANDS
from relgraph.commands.neo4j import free_port
from tests.test_packaging import build_wheel

pytestmark = pytest.mark.skipif(
    os.environ.get("RELGRAPH_SKIP_INSTALLED_TEST") == "1",
    reason="RELGRAPH_SKIP_INSTALLED_TEST=1: the installed-wheel test was skipped on request")

ARTICLE = "144 nodes, 286 relationships"
#: How long the explorer may take to print its address before the test gives up (not a measurement).
SERVE_READY_TIMEOUT = 120


@dataclass
class Installed:
    bin: Path
    workdir: Path  #: an empty folder outside the checkout, the cwd of every command
    env: dict[str, str]  #: private data and cache folders; no setting of the caller's

    def run(self, *argv: str, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([str(self.bin / "relgraph"), *argv], cwd=self.workdir,
                              env={**self.env, **(env or {})}, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        if check:
            assert proc.returncode == 0, f"relgraph {' '.join(argv)}:\n{proc.stdout}\n{proc.stderr}"
        return proc


def clean_environment() -> dict[str, str]:
    """The caller's environment without anything that would point relgraph at the checkout
    (PYTHONPATH) or at the caller's stores and servers (RELGRAPH_*, NEO4J_*)."""
    return {name: value for name, value in os.environ.items()
            if name not in ("PYTHONPATH", "VIRTUAL_ENV") and not name.startswith(("RELGRAPH_", "NEO4J_"))}


def report(request: pytest.FixtureRequest, what: str, started: float) -> None:
    """Print how long a slow step took, past pytest's output capture, as it happens."""
    line = f"test_installed: {what} in {time.monotonic() - started:.1f} s"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture and reporter:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Installed:
    started = time.monotonic()
    wheel = build_wheel(tmp_path_factory)
    report(request, f"built {wheel.name}", started)
    venv = tmp_path_factory.mktemp("venv")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                          "--disable-pip-version-check", str(wheel)],
                         env=clean_environment(), capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    report(request, "created a virtualenv and installed the wheel with its dependencies", started)
    home = tmp_path_factory.mktemp("user")
    env = {**clean_environment(), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CACHE_HOME": str(home / "cache"), "RELGRAPH_BACKEND": "networkx"}
    return Installed(venv / "bin", tmp_path_factory.mktemp("elsewhere"), env)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed):
    proc = subprocess.run([str(installed.bin / "python"), "-c", "import relgraph; print(relgraph.__file__)"],
                          cwd=installed.workdir, env=installed.env, capture_output=True, text=True,
                          check=True)
    assert "site-packages" in proc.stdout and Path(__file__).parents[1].as_posix() not in proc.stdout


def test_every_command_has_help(installed: Installed):
    assert "examples:" in installed.run("--help").stdout
    for command in COMMANDS:
        assert "examples:" in installed.run(command, "--help").stdout, command
    # Where an installed relgraph's server keeps its data and builds its launcher, not site-packages
    neo4j_help = " ".join(installed.run("neo4j", "--help").stdout.split())
    assert f"data in {installed.env['XDG_DATA_HOME']}/relgraph/neo4j" in neo4j_help
    assert f"built in {installed.env['XDG_CACHE_HOME']}/relgraph" in neo4j_help


def test_load_query_export_and_view_from_an_unrelated_folder(installed: Installed):
    installed.run("load")
    assert ARTICLE in installed.run("stats").stdout
    scripts = json.loads(installed.run("queries", "--format", "json").stdout)
    assert {"city", "visits", "ego-network"} <= {script["name"] for script in scripts}
    # The examples of 'relgraph query --help', as written there.
    csv = installed.run("query", "city", "--param", "city=Navoiy", "--format", "csv").stdout
    assert csv.startswith("kind,") or "Navoiy" in csv, csv
    assert installed.run("query", "visits").stdout.strip()
    script = installed.workdir / "my-query.cypher"
    script.write_text("// @param name: string\nMATCH (c:City {name: $name}) RETURN c.name AS name\n",
                      encoding="utf-8")
    assert "Seoul" in installed.run("query", "./my-query.cypher", "--param", "name=Seoul").stdout
    installed.run("export", "-o", "graph.graphml", "--force")
    assert (installed.workdir / "graph.graphml").stat().st_size > 0
    installed.run("--store", "copy.snapshot", "load", "graph.graphml")
    assert ARTICLE in installed.run("--store", "copy.snapshot", "stats").stdout
    installed.run("view", "-o", "graph.html", "--force")
    assert "Tashkent" in (installed.workdir / "graph.html").read_text(encoding="utf-8")


def test_serve_answers_with_its_token(installed: Installed):
    installed.run("load")
    proc = subprocess.Popen([str(installed.bin / "relgraph"), "serve", "--port", "0"], cwd=installed.workdir,
                            env=installed.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], SERVE_READY_TIMEOUT)
        assert ready, "relgraph serve printed no address"
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "token=" in url, url
        # The page (the token is traded for a cookie on the way) and its API with the token.
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(url) as response:
            assert response.status == 200 and "<html" in response.read().decode().lower()
        base, token = url.split("/?token=")
        request = urllib.request.Request(f"{base}/api/info", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as response:
            assert "144" in response.read().decode()
    finally:
        proc.terminate()
        proc.wait()


@pytest.fixture
def neo4j_home(installed: Installed) -> Iterator[Path]:
    """The server's default home when installed: the per-user data folder (stopped at the end)."""
    home = Path(installed.env["XDG_DATA_HOME"]) / "relgraph" / "neo4j"
    yield home
    installed.run("neo4j", "stop", check=False)


def test_neo4j_first_start_without_java_or_maven_says_what_to_install(installed: Installed,
                                                                      tmp_path: Path):
    proc = installed.run("neo4j", "start", "--port", str(free_port()), check=False,
                         env={"PATH": str(installed.bin), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert proc.returncode == 1, proc.stderr
    message = " ".join(proc.stderr.split())
    assert "relgraph neo4j: error:" in message, message
    assert "Java 17" in message and "Maven" in message and "apt-get install maven" in message
    assert "docker-compose.yml" in message
    assert not list((tmp_path / "cache").glob("relgraph/neo4j-launcher-*/lib")), "nothing was built"


def test_neo4j_start_status_stop_builds_the_launcher_in_the_cache(installed: Installed, neo4j_home: Path,
                                                                  request: pytest.FixtureRequest):
    port = free_port()
    uri = f"bolt://127.0.0.1:{port}"
    # What the auto mode's warning tells a user to do is what this then does.
    auto = installed.run("stats", env={"RELGRAPH_BACKEND": "auto", "NEO4J_URI": uri})
    assert f"no Neo4j at {uri}" in auto.stderr and "Start Neo4j with 'relgraph neo4j start'" in auto.stderr
    started = time.monotonic()
    start = installed.run("neo4j", "start", "--port", str(port))
    report(request, "first 'relgraph neo4j start' (Maven build into the cache, then start)", started)
    assert start.stdout.strip() == uri
    assert "first start: building the launcher" in start.stderr
    (launcher,) = (Path(installed.env["XDG_CACHE_HOME"]) / "relgraph").glob("neo4j-launcher-*")
    assert (launcher / "lib" / ".build-stamp").exists()
    assert (launcher / "target" / "relgraph-neo4j.jar").exists()
    assert (neo4j_home / "neo4j.pid").exists()
    assert uri in installed.run("neo4j", "status").stdout
    on_neo4j = {"RELGRAPH_BACKEND": "neo4j", "NEO4J_URI": uri}
    installed.run("load", env=on_neo4j)
    assert ARTICLE in installed.run("stats", env=on_neo4j).stdout
    # auto finds it too, with no warning
    auto = installed.run("stats", env={"RELGRAPH_BACKEND": "auto", "NEO4J_URI": uri})
    assert ARTICLE in auto.stdout and "warning" not in auto.stderr
    stop = installed.run("neo4j", "stop")
    assert "stopped" in stop.stderr
    assert installed.run("neo4j", "status", check=False).returncode == 3

