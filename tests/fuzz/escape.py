"""Watching for inputs that reach outside: a local HTTP listener, a secret file and a marker.

External entities and DTDs name a URL of the listener and a file holding a secret text;
a loader that fetches either lets the listener hear a request or the secret reach the store
or an error message. A YAML tag that would run code creates the marker file if it runs.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SECRET = "RELGRAPH-FUZZ-SECRET-7f3a"
#: What the YAML python/object tag of hostile.bombs would create if it ran.
MARKER = Path("/tmp/relgraph-fuzz-pwned")


@dataclass
class Watch:
    listener: str
    secret_file: Path
    requests: list[str] = field(default_factory=list)

    def escapes(self) -> list[str]:
        """What reached outside so far: requests heard, and the marker if code ran."""
        found = [f"the listener heard a request for {path}" for path in self.requests]
        if MARKER.exists():
            found.append(f"code ran: {MARKER} exists")
        return found


@contextmanager
def watching(folder: Path) -> Iterator[Watch]:
    """A listener on a free local port and a secret file in ``folder``, for as long as the block runs."""
    secret_file = folder / "secret.txt"
    secret_file.write_text(f"{SECRET}\n")
    MARKER.unlink(missing_ok=True)
    heard: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            heard.append(self.path)
            body = f'<!ENTITY leak "{SECRET}">'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Watch(f"http://127.0.0.1:{server.server_address[1]}", secret_file, heard)
    finally:
        server.shutdown()
        server.server_close()
