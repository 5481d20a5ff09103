"""`relgraph serve` as a command: it prints its address, answers, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    snapshot = tmp_path / "serve.snapshot"
    if not snapshot.exists():
        subprocess.run([sys.executable, "-m", "relgraph", "--backend", "networkx", "--store", str(snapshot),
                        "-q", "load"], check=True, capture_output=True)
    command = [sys.executable, "-m", "relgraph", "--backend", "networkx", "--store", str(snapshot),
               "serve", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    return proc, url


def test_serve_prints_a_token_url_answers_and_stops_on_ctrl_c(tmp_path):
    proc, url = start(tmp_path, "--port", "0")
    try:
        assert url.startswith("http://127.0.0.1:") and "/?token=" in url
        base, token = url.split("/?token=")
        info = httpx.get(f"{base}/api/info", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        assert info["nodes"] == 144 and info["write"] is False
        assert httpx.get(f"{base}/api/info", timeout=30).status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=20)
    err = proc.stderr.read() if proc.stderr else ""
    assert code == 0, err
    assert "read-only" in err and "The explorer stopped." in err and "Traceback" not in err


def test_a_busy_port_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc, url = start(tmp_path, "--port", str(port))
        code = proc.wait(timeout=20)
    err = proc.stderr.read() if proc.stderr else ""
    assert code == 1 and url == ""
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port 0" in err and "Traceback" not in err


def test_listening_beyond_this_machine_warns(tmp_path):
    proc, url = start(tmp_path, "--host", "0.0.0.0", "--port", "0", "--write")
    try:
        assert url.startswith("http://0.0.0.0:")
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    err = proc.stderr.read() if proc.stderr else ""
    assert "warning: listening on 0.0.0.0" in err and "change it (--write)" in err


@pytest.mark.parametrize("bad", [["--port", "70000"], ["--timeout", "0"], ["--timeout", "soon"]])
def test_bad_options_are_usage_errors(cli, bad, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli("serve", *bad)
    assert stopped.value.code == 2
    assert f"argument {bad[0]}" in capsys.readouterr().err
