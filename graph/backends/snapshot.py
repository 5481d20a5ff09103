"""Reading and writing the embedded backend's snapshot file, atomically and without running code.

A snapshot is a fixed header and a body (:mod:`.snapshot_codec`: MessagePack sections)::

    magic line | format version (2 bytes) | token (16 bytes) | BLAKE2b-256 digest (32 bytes) | body

The token is random and changes with every write. Writers compare it under their lock to
know whether another process wrote since they read (file times and inode numbers cannot
tell that reliably: inodes are reused and timestamps are coarse), and after an error to
know whether their own write was committed. :func:`snapshot_token` reads the header only.

The digest covers everything before it and the whole body, so a flipped or missing byte
anywhere is a :class:`SnapshotError` naming the file, never data altered in silence; the
decoder then checks every field, so a crafted body with a valid digest is refused too.

Format 2 was a pickle, which runs code when loaded: such a file is refused from its
header alone, never unpickled, with a message saying how to rebuild it from its sources.

The file is only ever replaced whole (:func:`relgraph.graph.values.files.replacing`:
temporary sibling, fsync, rename, mode and group kept), so a crash mid-write leaves the
previous snapshot intact.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import networkx as nx

from relgraph.graph.backends.snapshot_codec import BodyError, decode_body, encode_sections
from relgraph.graph.backends.sqlite_graph import SqliteGraph
from relgraph.graph.backends.sqlite_schema import SQLITE_MAGIC, connect, file_head
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.files import existing_file, os_error_text, replacing

MAGIC = b"RELGRAPH-SNAPSHOT\n"
FORMAT_VERSION = 3
PICKLE_VERSION = 2  # the last format that was a pickle
TOKEN_SIZE = 16
DIGEST_SIZE = 32
HEADER_SIZE = len(MAGIC) + 2 + TOKEN_SIZE + DIGEST_SIZE
REBUILD = "delete it and run 'relgraph load' with its sources to rebuild it"


class SnapshotError(StoreError):
    """A snapshot file that is not one, or is damaged: the message says which and where."""


def _digest(prefix: bytes | memoryview, body: list[bytes] | memoryview) -> bytes:
    h = hashlib.blake2b(prefix, digest_size=DIGEST_SIZE)
    for part in body if isinstance(body, list) else [body]:
        h.update(part)
    return h.digest()


def read_snapshot(path: Path) -> nx.MultiDiGraph[int]:
    """The graph stored at ``path`` as a networkx MultiDiGraph (layout: :mod:`relgraph.graph.cypher.
    property_graph`), from the SQLite store or a format-3 snapshot; empty when there is no file."""
    if file_head(path) == SQLITE_MAGIC:
        graph = SqliteGraph(connect(path), str(path))
        try:
            g: nx.MultiDiGraph[int] = graph.to_networkx()
            return g
        finally:
            graph.close()
    return load_snapshot(path)[0]


def _open(path: Path) -> BinaryIO | None:
    """The file opened for reading, None when there is none; a pipe or device is refused
    before anything reads from it (opening without blocking, then looking at what it is)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SnapshotError(os_error_text(exc, path)) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SnapshotError(f"{path} is not a regular file, so it cannot be a relgraph snapshot")
    return os.fdopen(fd, "rb")


def load_snapshot(path: Path) -> tuple[nx.MultiDiGraph[int], bytes | None]:
    """The graph and the token of the write that produced it (None: no file yet)."""
    fh = _open(path)
    if fh is None:
        import networkx as nx  # here only: commands that open the SQLite store do not pay for it

        return nx.MultiDiGraph(), None
    try:
        with fh:
            data = memoryview(fh.read())
    except OSError as exc:
        raise SnapshotError(os_error_text(exc, path)) from exc
    token = _check_header(data[:HEADER_SIZE], path)
    prefix_end = HEADER_SIZE - DIGEST_SIZE
    if _digest(data[:prefix_end], data[HEADER_SIZE:]) != data[prefix_end:HEADER_SIZE]:
        raise SnapshotError(f"{path} is damaged (its checksum does not match its contents); {REBUILD}")
    try:
        graph = decode_body(data[HEADER_SIZE:])
    except BodyError as exc:
        raise SnapshotError(f"{path} is damaged or was not written by relgraph ({exc}); {REBUILD}") from None
    return graph, token


def snapshot_token(path: Path) -> bytes | None:
    """The token of the current snapshot, reading only its header."""
    fh = _open(path)
    if fh is None:
        return None
    try:
        with fh:
            header = fh.read(HEADER_SIZE)
    except OSError as exc:
        raise SnapshotError(os_error_text(exc, path)) from exc
    return _check_header(memoryview(header), path)


def _check_header(header: memoryview, path: Path) -> bytes:
    if bytes(header[:len(MAGIC)]) != MAGIC:
        raise SnapshotError(f"{path} is not a relgraph snapshot (wrong header)")
    at = len(MAGIC)
    version = int.from_bytes(header[at:at + 2], "big")
    if version == PICKLE_VERSION:
        raise SnapshotError(
            f"{path} is a snapshot of an older relgraph, in a format (pickle) that could run code when "
            f"opened, so this relgraph does not open it; {REBUILD}")
    if version != FORMAT_VERSION:
        raise SnapshotError(f"{path} has snapshot format {version}; this relgraph reads {FORMAT_VERSION} "
                            f"({REBUILD})")
    if len(header) < HEADER_SIZE:
        raise SnapshotError(f"{path} is damaged (truncated header); {REBUILD}")
    return bytes(header[at + 2:at + 2 + TOKEN_SIZE])


def check_writable(path: Path) -> None:
    """StoreError unless ``path`` is absent or a regular file its user may write.

    A store made read-only (``chmod a-w``) says "keep this as it is": the rename that
    replaces a snapshot only needs the folder to be writable, so without this check a
    write would silently replace it.
    """
    st = existing_file(path, StoreError)
    if st is None:
        return
    if not (st.st_mode & 0o222) or not os.access(path, os.W_OK):
        raise StoreError(f"{path} is read-only; make it writable (chmod u+w) to change this store, "
                         "or give another --store")


def new_token() -> bytes:
    return os.urandom(TOKEN_SIZE)


def write_snapshot(graph: nx.MultiDiGraph[int], path: Path, token: bytes | None = None) -> bytes:
    """Replace ``path`` with ``graph`` so that readers see the old or the new file, never half.

    Returns the token written (``token``, or a new one). A caller interrupted in here can
    tell whether the write was committed: :func:`snapshot_token` then returns that token.
    """
    token = token or new_token()
    check_writable(path)
    prefix = MAGIC + FORMAT_VERSION.to_bytes(2, "big") + token
    body = encode_sections(graph)
    with replacing(path, StoreError, suffix=".tmp") as fh:
        fh.write(prefix)
        fh.write(_digest(prefix, body))
        for part in body:
            fh.write(part)
    return token
