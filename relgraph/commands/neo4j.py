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
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from relgraph.commands.context import Context
from relgraph.commands.neo4j_import import import_sources
from relgraph.commands.neo4j_launcher import (
    ServerError,
    cache_folder,
    check_build_tools,
    default_home,
    in_checkout,
    needs_first_build,
    server_script,
)
from relgraph.graph.backends.neo4j.admin_import import AdminMemory, ImportPlan, create_pending_constraints

__all__ = ["ServerError", "ServerSizes", "free_port", "server_command", "server_script", "server_sizes",
           "start_server", "stop_server"]

#: Where an installed relgraph builds the launcher (a checkout builds in tools/neo4j).
BUILT_IN = "" if in_checkout() else (f"\nThe launcher is built in {cache_folder()}\n"
                                     "($RELGRAPH_CACHE_DIR or $XDG_CACHE_HOME/relgraph).")
HELP = "start, stop, check or bulk-import a local Neo4j server (no Docker needed)"
DESCRIPTION = f"""\
Run a real Neo4j 5.26 LTS server with APOC on this machine, without Docker:
Bolt on 127.0.0.1, no authentication, data in {default_home()}
(or --home). Queries can reach no file on the machine unless you start it with
--allow-file-access, and then only files in <home>/import.
Needs Java 17 (a JDK) and Maven. The FIRST start builds the launcher and fetches
the Neo4j and APOC jars with Maven (about 125 MB, once, cached in ~/.m2); later
starts take about 10 s.{BUILT_IN} 'start' prints the Bolt URI on stdout. With Docker,
the docker-compose.yml of relgraph's source repository runs the official image
instead ('docker compose up -d'; see its README.md).

'start' sizes the server from this machine's memory: heap and page cache a quarter
of it each (heap within 512m..8g, page cache within 256m..8g), one transaction at
most a third of the heap (at least 256m). --heap, --pagecache and --tx-memory (or
RELGRAPH_NEO4J_HEAP, _PAGECACHE, _TX_MEMORY) set them instead.

'import SOURCE...' builds the server's database afresh with neo4j-admin, much faster
than 'relgraph load' for a big graph: the sources are read as 'relgraph load' reads
them (any format it reads), written as neo4j-admin CSV and imported while the server
is stopped (CSV that relgraph exported goes to neo4j-admin as it is). A server that was
running is started again and gets the key constraints a load creates; a stopped one stays
stopped, and its next 'relgraph neo4j start' creates them. A database that holds anything
is refused unless --force."""
EPILOG = """\
examples:
  relgraph neo4j start                   bolt://127.0.0.1:7687; relgraph then uses it by default
  relgraph neo4j status                  exit status 0 when running, 3 when not
  relgraph neo4j stop
  relgraph neo4j start --port 7688 --home /tmp/scratch-neo4j
  relgraph neo4j start --heap 2g --pagecache 1g      sizes of your own
  relgraph neo4j import big-export/                  a fresh database from a CSV folder
  relgraph neo4j import --force a.yaml graph.json    replace what the database holds
  NEO4J_URI=bolt://127.0.0.1:7688 relgraph --backend neo4j stats
"""

DEFAULT_URI = "bolt://127.0.0.1:7687"

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True)
class ServerSizes:
    """The memory settings of a local server, in MiB."""

    heap: int
    pagecache: int
    tx_memory: int

    def environment(self) -> dict[str, str]:
        return {"RELGRAPH_NEO4J_HEAP": f"{self.heap}m", "RELGRAPH_NEO4J_PAGECACHE": f"{self.pagecache}m",
                "RELGRAPH_NEO4J_TX_MEMORY": f"{self.tx_memory}m"}


def server_sizes(physical: int) -> ServerSizes:
    """Heap and page cache for a machine with ``physical`` bytes of memory.

    A quarter each, so that the server, the client that loads into it and the system share
    the machine: the heap within [512m, 8g] (below 512m Neo4j 5 barely starts; above 8g the
    collector's pauses grow and a local server gains nothing), the page cache within
    [256m, 8g]. One transaction may use a third of the heap (at least 256m, the old fixed
    limit): enough for large queries, while a runaway one still fails alone instead of
    taking the server down; loads commit in batches of bounded size and need far less.
    """
    quarter = physical // 4 // MIB
    heap = min(max(quarter, 512), 8 * 1024)
    pagecache = min(max(quarter, 256), 8 * 1024)
    return ServerSizes(heap, pagecache, max(heap // 3, 256))


def physical_memory() -> int:
    """The machine's memory in bytes (0 when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def admin_memory(physical: int) -> AdminMemory:
    """neo4j-admin's memory while it imports: the server is stopped then, so the import may
    have what the server's heap and page cache would (:func:`server_sizes`), its own heap
    being the server's; neo4j-admin's default (90% of the free memory) would crowd out the
    rest of a shared machine."""
    sizes = server_sizes(physical)
    return AdminMemory(heap=sizes.heap, off_heap=sizes.pagecache)


def sized_environment(heap: str | None = None, pagecache: str | None = None,
                      tx_memory: str | None = None) -> dict[str, str]:
    """The launcher's environment for 'relgraph neo4j start': the options given, else the
    RELGRAPH_NEO4J_* variables set, else sizes from the machine's memory."""
    env = server_environment()
    computed = server_sizes(physical_memory() or 2 * GIB).environment()
    for (name, default), given in zip(computed.items(), (heap, pagecache, tx_memory)):
        if given:
            env[name] = given
        elif not env.get(name):
            env[name] = default
    return env


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


def start_server(port: int, home: Path | str, attempts: int = 3, *, file_access: bool = False,
                 env: dict[str, str] | None = None) -> str:
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
                              env=env or server_environment())
        if proc.returncode == 0:
            return proc.stdout.strip().splitlines()[-1]
        output = proc.stderr
        if port or "already in use" not in output:
            break
    raise ServerError(f"could not start Neo4j (home {home}):\n{output}")


def stop_server(home: Path | str) -> None:
    subprocess.run(server_command("stop", home=home), capture_output=True, text=True,
                   stdin=subprocess.DEVNULL, check=False, env=server_environment())


def running_uri(home: Path | str | None) -> str | None:
    """The Bolt URI of the server running in ``home``, None when none does."""
    proc = subprocess.run(server_command("status", home=home), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False, env=server_environment())
    found = re.search(r"bolt://[\w.]+:\d+", proc.stdout)
    return found.group(0) if proc.returncode == 0 and found else None


#: A size for the JVM: a number with k, m or g.
_SIZE = re.compile(r"\d+[kmgKMG]")


def size_option(text: str) -> str:
    if not _SIZE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 512m or 4g")
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One subcommand per action, so that ``import`` can take sources anywhere among its options."""
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--home", type=Path,
                      help=f"data, logs and pid file (default: $RELGRAPH_NEO4J_HOME or "
                           f"{default_home()}); stop, status and import need the same one as start")
    home.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                      help="no progress or status lines")
    sized = argparse.ArgumentParser(add_help=False)
    sized.add_argument("--port", type=int,
                       help="Bolt port (default: $RELGRAPH_NEO4J_PORT or 7687; import: the running "
                            "server's, else a free one while it needs the server)")
    sized.add_argument("--heap", type=size_option, help="JVM heap (default: $RELGRAPH_NEO4J_HEAP, else "
                       "a quarter of the machine's memory within 512m..8g)")
    sized.add_argument("--pagecache", type=size_option, help="page cache (default: "
                       "$RELGRAPH_NEO4J_PAGECACHE, else a quarter of the memory within 256m..8g)")
    sized.add_argument("--tx-memory", type=size_option, help="most heap one transaction may use "
                       "(default: $RELGRAPH_NEO4J_TX_MEMORY, else a third of the heap, at least 256m)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = actions.add_parser("start", parents=[home, sized], help="start the server (prints its Bolt URI)")
    start.add_argument("--allow-file-access", action="store_true",
                       help="let LOAD CSV and APOC's file import/export use files in <home>/import, "
                            "never anywhere else (default: no file access at all)")
    actions.add_parser("stop", parents=[home], help="stop the server")
    actions.add_parser("status", parents=[home], help="exit status 0 when running, 3 when not")
    imports = actions.add_parser(
        "import", parents=[home, sized], help="build the database afresh from sources with neo4j-admin",
        description=IMPORT_DESCRIPTION, epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    imports.add_argument("sources", nargs="+", type=Path, metavar="SOURCE",
                         help="files or folders, in any format 'relgraph load' reads")
    imports.add_argument("--force", action="store_true", help="replace a database that is not empty")


IMPORT_DESCRIPTION = """\
Build the local server's database afresh with neo4j-admin: the sources are read as
'relgraph load' reads them (any format; several sources merge), written as
neo4j-admin CSV and imported while the server is stopped. A folder or zip of CSV
that relgraph exported (relgraph export --format csv) is checked and imported as it is,
without reading it into memory. One bad row fails the import and nothing is kept.
The server runs again afterwards if it was running, with the key constraints a load
creates; if it was stopped, it stays stopped and its next 'relgraph neo4j start'
creates them. A database that holds anything is refused unless --force. Much
faster than 'relgraph load' for a big graph into an empty database."""
IMPORT_EPILOG = """\
examples:
  relgraph neo4j import big-export/                 a folder of neo4j-admin CSV files
  relgraph neo4j import graph.json extra.yaml       any sources relgraph reads, merged
  relgraph neo4j import --force graph.graphml       replace what the database holds
  relgraph neo4j import --home /tmp/scratch-neo4j nodes.csv relationships.csv
"""


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.action == "import":
        return run_import(args, ctx)
    script = server_script(note=ctx.note)
    if args.action == "start" and needs_first_build(script):
        check_build_tools()
        ctx.note(f"relgraph neo4j: first start: building the launcher in {script.parent} and fetching "
                 "the Neo4j 5.26 and APOC jars with Maven (about 125 MB, once; a minute or more), "
                 "then starting ...")
    starting = args.action == "start"
    env = sized_environment(args.heap, args.pagecache, args.tx_memory) if starting else server_environment()
    proc = subprocess.Popen(server_command(args.action, args.port if starting else None, args.home,
                                           script=script, file_access=starting and args.allow_file_access),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True, env=env)
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
        made = create_pending_constraints(server_home(args.home), uri)
        if made is not None:
            ctx.note(f"relgraph neo4j: created the key constraints the last 'relgraph neo4j import' left "
                     f"for this start ({len(made)} new: {', '.join(made) or 'none'}).")
    return code


def server_home(given: Path | None) -> Path:
    """The home the launcher uses: --home, else $RELGRAPH_NEO4J_HOME, else the default."""
    return Path(given or os.environ.get("RELGRAPH_NEO4J_HOME") or default_home()).resolve()


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    """relgraph neo4j import: see neo4j_import."""
    script = server_script(note=ctx.note)
    home = server_home(args.home)
    env = sized_environment(args.heap, args.pagecache, args.tx_memory)
    uri = running_uri(home)
    port = int(uri.rsplit(":", 1)[1]) if uri else (args.port or 0)
    built = subprocess.run([str(script), "build"], capture_output=True, text=True, check=False,
                           stdin=subprocess.DEVNULL, env=env)
    if built.returncode:
        raise ServerError(f"cannot build the Neo4j jars that hold neo4j-admin:\n{built.stderr[-2000:]}")
    plan = ImportPlan(home, script.parent / "lib",
                      start=lambda: start_server(port, home, env=env),
                      stop=lambda: stop_server(home), running_uri=lambda: running_uri(home),
                      memory=admin_memory(physical_memory() or 2 * GIB))
    print(import_sources(args.sources, plan, force=args.force, note=ctx.note), file=ctx.out)
    return 0
