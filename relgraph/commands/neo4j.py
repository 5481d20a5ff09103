"""relgraph neo4j: start, stop or check a local Neo4j 5.26 server, without Docker.

A thin wrapper around the launcher script ``neo4j-server`` (tools/neo4j/README.md), so
users, the test suite (tests/conftest.py, tools/run-tests) and the benchmark all start
the server the same way. The helpers here are importable for that reason. Where the
launcher runs from, a checkout's tools/neo4j or a per-user cache for an installed
relgraph, is neo4j_launcher's business.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
from pathlib import Path

from relgraph.commands.context import Context
from relgraph.commands.neo4j_launcher import (
    ServerError,
    cache_folder,
    check_build_tools,
    default_home,
    in_checkout,
    needs_first_build,
    server_script,
)

__all__ = ["ServerError", "free_port", "server_command", "server_script", "start_server", "stop_server"]

#: Where an installed relgraph builds the launcher (a checkout builds in tools/neo4j).
BUILT_IN = "" if in_checkout() else (f"\nThe launcher is built in {cache_folder()}\n"
                                     "($RELGRAPH_CACHE_DIR or $XDG_CACHE_HOME/relgraph).")
HELP = "start, stop or check a local Neo4j server (no Docker needed)"
DESCRIPTION = f"""\
Run a real Neo4j 5.26 LTS server with APOC on this machine, without Docker:
Bolt on 127.0.0.1, no authentication, data in {default_home()}
(or --home). Queries can reach no file on the machine unless you start it with
--allow-file-access, and then only files in <home>/import.
Needs Java 17 (a JDK) and Maven. The FIRST start builds the launcher and fetches
the Neo4j and APOC jars with Maven (about 125 MB, once, cached in ~/.m2); later
starts take about 10 s.{BUILT_IN} 'start' prints the Bolt URI on stdout. With Docker,
the docker-compose.yml of relgraph's source repository runs the official image
instead ('docker compose up -d'; see its README.md)."""
EPILOG = """\
examples:
  relgraph neo4j start                   bolt://127.0.0.1:7687; relgraph then uses it by default
  relgraph neo4j status                  exit status 0 when running, 3 when not
  relgraph neo4j stop
  relgraph neo4j start --port 7688 --home /tmp/scratch-neo4j
  NEO4J_URI=bolt://127.0.0.1:7688 relgraph --backend neo4j stats
"""

DEFAULT_URI = "bolt://127.0.0.1:7687"


def server_command(action: str, port: int | None = None, home: Path | str | None = None, *,
                   file_access: bool = False, script: Path | None = None) -> list[str]:
    command = [str(script or server_script()), action]
    if file_access:
        command.append("--allow-file-access")
    if port is not None:
        command += ["--port", str(port)]
    if home is not None:
        command += ["--home", str(home)]
    return command


def server_environment() -> dict[str, str]:
    """The launcher's environment: an installed relgraph's server lives in the per-user data
    folder (the script's own default, beside itself, would be the cache)."""
    env = dict(os.environ)
    if not in_checkout() and not env.get("RELGRAPH_NEO4J_HOME"):
        env["RELGRAPH_NEO4J_HOME"] = str(default_home())
    return env


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, home: Path | str, attempts: int = 3, *, file_access: bool = False) -> str:
    """Start a server (for tests and the benchmark) and return its Bolt URI.

    ``port=0`` picks a free port, retrying with another if someone takes it
    between the pick and the start. ``file_access`` lets LOAD CSV and APOC use files
    in ``<home>/import`` (and nowhere else). Raises ServerError with the launcher's output.
    """
    output = ""
    for _ in range(attempts):
        chosen = port or free_port()
        proc = subprocess.run(server_command("start", chosen, home, file_access=file_access),
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              env=server_environment())
        if proc.returncode == 0:
            return proc.stdout.strip().splitlines()[-1]
        output = proc.stderr
        if port or "already in use" not in output:
            break
    raise ServerError(f"could not start Neo4j (home {home}):\n{output}")


def stop_server(home: Path | str) -> None:
    subprocess.run(server_command("stop", home=home), capture_output=True, text=True,
                   stdin=subprocess.DEVNULL, check=False, env=server_environment())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--port", type=int,
                        help="Bolt port for start (default: $RELGRAPH_NEO4J_PORT or 7687)")
    parser.add_argument("--home", type=Path,
                        help=f"data, logs and pid file (default: $RELGRAPH_NEO4J_HOME or "
                             f"{default_home()}); stop and status need the same one as start")
    parser.add_argument("--allow-file-access", action="store_true",
                        help="start: let LOAD CSV and APOC's file import/export use files in "
                             "<home>/import, never anywhere else (default: no file access at all)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.allow_file_access and args.action != "start":
        raise ServerError("--allow-file-access goes with 'start'")
    script = server_script(note=ctx.note)
    if args.action == "start" and needs_first_build(script):
        check_build_tools()
        ctx.note(f"relgraph neo4j: first start: building the launcher in {script.parent} and fetching "
                 "the Neo4j 5.26 and APOC jars with Maven (about 125 MB, once; a minute or more), "
                 "then starting ...")
    proc = subprocess.Popen(server_command(args.action, args.port, args.home, script=script,
                                           file_access=args.allow_file_access), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                            env=server_environment())
    assert proc.stderr is not None and proc.stdout is not None
    progress: list[str] = []
    for line in proc.stderr:  # the launcher's progress, as it happens
        progress.append(line)
        if not args.quiet:
            ctx.err.write(line)
            ctx.err.flush()
    out = proc.stdout.read()
    code = proc.wait()
    if code and args.quiet:  # a failure is shown even when asked to be quiet
        ctx.err.writelines(progress)
    ctx.out.write(out)
    if args.action == "start" and code == 0:
        uri = out.strip().splitlines()[-1]
        hint = ("relgraph uses it by default (--backend auto)" if uri == DEFAULT_URI
                else f"use it with: export NEO4J_URI={uri}")
        ctx.note(f"Neo4j is running at {uri}; {hint}. Stop it with 'relgraph neo4j stop"
                 f"{f' --home {args.home}' if args.home else ''}'.")
    return code
