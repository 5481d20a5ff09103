"""relgraph serve: a local graph explorer in the browser, over either backend."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import webbrowser

from relgraph.commands.context import Context, UsageError
from relgraph.commands.limit_options import memory_from, size
from relgraph.graph.cypher.limits import DEFAULT_MEMORY_CAP
from relgraph.graph.explorer import Explorer, ExplorerOptions, ExplorerServer

HELP = "explore the graph in a local web page: query, see, expand, cite and export"
DESCRIPTION = """\
Start a local web app over the graph and print its address. The page has a Cypher
editor (completion from the graph's labels, types, properties and functions; history;
Ctrl-Enter runs), the built-in scripts with a form for their parameters, results as
a drawing, a table and JSON, and a drawing that grows: double-click a node to expand
it (up to a number of new neighbours, along chosen relationship types), undo and redo,
hide and pin nodes, ask how two selected nodes are connected, find entities by name
or alias, filter by label and year, click anything for its properties and the source
sentences that state it, and download what is drawn in every export format, or as PNG
and SVG. A link to the page reproduces the query that is on it.

Safe by default: it listens on 127.0.0.1 only, every request needs the random token in
the printed address, requests from other sites or to other host names are refused,
queries are read-only unless --write, and each may run --timeout seconds at most (a
Cancel button stops one sooner). Everything it needs is served by itself: it works with
no network at all. On the embedded store the graph stays in memory while it runs, and a
snapshot that another relgraph replaced is read again on the next request. Ctrl-C stops it.
docs/serve.md describes the page and its JSON API."""
EPILOG = """\
examples:
  relgraph serve                          http://127.0.0.1:7480/?token=... (open it)
  relgraph serve --open                   and open it in the web browser
  relgraph serve --port 0                 any free port
  relgraph serve --write                  queries may change the graph (the page says so)
  relgraph serve --timeout 30             let queries run up to 30 s
  relgraph --backend neo4j serve          over the Neo4j server instead of the embedded store
"""

DEFAULT_PORT = 7480


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 3600 seconds")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port (0 to 65535; 0: any free one)")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help=f"port to listen on (default: {DEFAULT_PORT}; 0: any free one)")
    parser.add_argument("--open", action="store_true", help="open the page in the web browser")
    parser.add_argument("--write", action="store_true", help="let queries change the graph")
    parser.add_argument("--timeout", type=_seconds, default=ExplorerOptions.timeout, metavar="SECONDS",
                        help=f"how long one query may run (default: {ExplorerOptions.timeout:g})")
    parser.add_argument("--max-memory", type=size, metavar="SIZE", default=None,
                        help="how much one query may grow the embedded engine, e.g. 2G; 0: no limit "
                             "(default: half the memory available, at most "
                             f"{DEFAULT_MEMORY_CAP // 2**30} GiB)")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace, ctx: Context) -> int:
    if not args.host.strip():
        raise UsageError("--host needs an address")
    store = ctx.store()
    explorer = Explorer(store, ExplorerOptions(write=args.write, timeout=args.timeout, owns_process=True,
                                               memory=memory_from(args)))
    server = ExplorerServer(explorer, host=args.host, port=args.port)
    if not is_loopback(args.host):
        print(f"relgraph serve: warning: listening on {args.host}, not only this machine: anyone who "
              "can reach it and learns the token can read the graph"
              + (" and change it (--write)" if args.write else ""), file=ctx.err)
    counts = store.counts()
    ctx.note(f"Exploring {store.describe()} ({counts.nodes:,} nodes, {counts.relationships:,} relationships)"
             + ("; queries may change the graph (--write)" if args.write else "; read-only"))
    print(server.url, file=ctx.out, flush=True)
    ctx.note("Open that address in a browser; Ctrl-C stops the explorer.")
    if args.open and not webbrowser.open(server.url):
        ctx.note("Could not start a web browser; open the address yourself.")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it ends: uvicorn shut down, then
        server.run()                                # passed the interrupt on
    ctx.note("The explorer stopped.")
    return 0
