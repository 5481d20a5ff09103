"""Running the explorer: uvicorn on the chosen address, in the foreground or in a thread.

The command line runs it in the foreground until Ctrl-C (uvicorn stops cleanly on
SIGINT); tests and benchmarks start it in a thread and stop it when done. Either way
it is the same server: the real HTTP stack, the same application.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn

from relgraph.graph.explorer import security
from relgraph.graph.explorer.app import create_app
from relgraph.graph.explorer.service import Explorer, settle_heap
from relgraph.graph.values.errors import RelgraphError


class ServeError(RelgraphError):
    """The explorer cannot listen where it was asked to."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound socket on ``host:port`` (port 0: a free one), or ServeError saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said out loud: asyncio turns Nagle off (TCP_NODELAY) only on sockets that
    # say so, and with Nagle on every answer with a body waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "; choose another with --port N, or --port 0 for any free one" if exc.errno == 98 else ""
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from exc
    sock.listen(128)
    return sock


@dataclass
class ExplorerServer:
    """The explorer listening on one address, with the token its URL carries."""

    explorer: Explorer
    host: str = "127.0.0.1"
    port: int = 0
    token: str = field(default_factory=security.new_token)

    def __post_init__(self) -> None:
        if self.explorer.options.owns_process:
            settle_heap()  # before the address is printed: what follows is served at full speed
        self._socket = listening_socket(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        app = create_app(self.explorer, token=self.token, host=self.host, port=self.port)
        config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                                timeout_graceful_shutdown=3)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The address to open: it carries the token."""
        return f"{self.base}/?token={self.token}"

    def run(self) -> None:
        """Serve in this thread until Ctrl-C (or :meth:`stop` from another).

        The search index is built meanwhile in a daemon thread, so that the first search
        of a large store does not wait for it."""
        threading.Thread(target=self.explorer.warm, name="relgraph-search-index", daemon=True).start()
        self._server.run(sockets=[self._socket])

    def start(self, timeout: float = 10.0) -> ExplorerServer:
        """Serve in a thread; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self.run, name="relgraph-explorer", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServeError(f"the explorer did not start on {self.base}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()
