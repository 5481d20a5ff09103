"""A TCP proxy in front of the real Neo4j test server that can cut the connection at a commit.

No Neo4j behaviour is imitated: every byte goes to the real server and back. The proxy
only reads the client's Bolt framing (chunks of ``size, data``, a message ending at a
zero-size chunk; a message is a struct whose second byte is its signature) to know
when the client sends COMMIT, so that a test can lose the connection exactly there,
which is what a server crash or a network failure at that moment looks like to
relgraph:

* ``after_commit``: COMMIT reaches the server, which commits; its answer never
  reaches the client, whose connection is closed.
* ``before_commit``: COMMIT never reaches the server; both connections are closed,
  so the server rolls the transaction back.

Either only for a transaction that ran a statement containing ``trigger`` (bytes),
once. ``refuse`` makes the proxy close every new connection at once (a server that is
gone).
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from dataclasses import dataclass, field

COMMIT = 0x12
RUN = 0x10
HANDSHAKE = 20  # magic + four proposed versions
MANIFEST_V1 = bytes.fromhex("000001ff")


@dataclass
class BoltProxy:
    upstream: tuple[str, int]
    cut: str | None = None  # "after_commit" | "before_commit"
    trigger: bytes = b""
    refuse: bool = False
    cuts: int = 0  # how many times the proxy cut a connection
    _server: socket.socket = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self._server.getsockname()[1]}"

    def close(self) -> None:
        _drop(self._server)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.refuse:
                _drop(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _take_cut(self, message: bytes, armed: list[bool]) -> str | None:
        """Whether to cut at this client message, and how (armed: this connection ran the trigger)."""
        signature = message[1] if len(message) > 1 and message[0] & 0xF0 == 0xB0 else None
        with self._lock:
            if self.cut is None:
                return None
            if signature == RUN and self.trigger in message:
                armed[0] = True
            if signature == COMMIT and armed[0]:
                how, self.cut = self.cut, None
                self.cuts += 1
                return how
        return None

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            _drop(client)
            return
        committed = threading.Event()  # COMMIT forwarded: drop the server's answer
        armed = [False]
        leave_open = False  # after COMMIT went through, _answers closes both ends
        try:
            _handshake(client, server)
            threading.Thread(target=self._answers, args=(server, client, committed), daemon=True).start()
            message = b""
            while True:
                header = _read_exactly(client, 2)
                size = int.from_bytes(header, "big")
                data = _read_exactly(client, size)
                message += data
                if size:
                    continue
                how = self._take_cut(message, armed)
                if how == "before_commit":
                    break
                chunks = _chunked(message)
                if how == "after_commit":
                    committed.set()
                    server.sendall(chunks)
                    leave_open = True
                    return
                server.sendall(chunks)
                message = b""
        except OSError:
            pass
        finally:
            if not leave_open:
                _drop(client, server)

    @staticmethod
    def _answers(server: socket.socket, client: socket.socket, committed: threading.Event) -> None:
        try:
            while True:
                data = server.recv(65536)
                if not data:
                    break
                if committed.is_set():  # the answer to COMMIT: the server did commit; lose it
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            _drop(client, server)


def _drop(*sockets: socket.socket) -> None:
    """Close at once, for real: shutdown() sends the FIN and wakes a thread blocked reading the
    socket, where close() alone would leave the connection open until that read returned (the
    server would keep the transaction, and its locks, open)."""
    for sock in sockets:
        with suppress(OSError):  # already closed by the other end
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


def _handshake(client: socket.socket, server: socket.socket) -> None:
    """Version negotiation, passed through: the client's proposals, the server's pick; with
    Bolt's manifest handshake (the pick 0x000001FF), the server's list of versions and
    capabilities, then the client's choice."""
    server.sendall(_read_exactly(client, HANDSHAKE))
    picked = _read_exactly(server, 4)
    client.sendall(picked)
    if picked != MANIFEST_V1:
        return
    count = _varint(server)
    client.sendall(count[0] + _read_exactly(server, 4 * count[1]) + _varint(server)[0])
    server.sendall(_read_exactly(client, 4) + _varint(client)[0])


def _varint(sock: socket.socket) -> tuple[bytes, int]:
    """A base-128 varint: its bytes and its value."""
    raw, value, shift = b"", 0, 0
    while True:
        byte = _read_exactly(sock, 1)
        raw += byte
        value |= (byte[0] & 0x7F) << shift
        shift += 7
        if not byte[0] & 0x80:
            return raw, value


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = sock.recv(n - len(data))
        if not part:
            raise OSError("closed")
        data += part
    return data


def _chunked(message: bytes) -> bytes:
    """A whole message as one chunk (or several, if large) and the end marker."""
    out = b""
    for start in range(0, len(message), 0xFFFF):
        part = message[start:start + 0xFFFF]
        out += len(part).to_bytes(2, "big") + part
    return out + b"\x00\x00"
