"""Reading and writing the embedded backend's snapshot file, atomically.

The snapshot is a pickle of the networkx MultiDiGraph behind a small header:
a magic line, the format version and a random token that changes with every
write. Writers compare the token under their lock to know whether another
process wrote since they read; file times and inode numbers cannot tell that
reliably (inodes are reused, and timestamps are coarse).
Pickle because it is several times faster than JSON for 100k-node graphs and
keeps Python types exactly; the header makes a wrong or truncated file fail
with a clear message instead of an unpickling traceback. The file is only ever
replaced whole (write to a temporary file in the same folder, fsync, rename),
so a crash mid-write leaves the previous snapshot intact.

Only load snapshots you wrote yourself: like any pickle, a crafted file can run code.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from relgraph.graph.values.errors import StoreError

MAGIC = b"RELGRAPH-SNAPSHOT\n"
FORMAT_VERSION = 2
TOKEN_SIZE = 16


class SnapshotError(StoreError):
    """A snapshot file that is not one, or is damaged: the message says which and where."""


def read_snapshot(path: Path) -> nx.MultiDiGraph[int]:
    """The graph stored at ``path``; an empty graph when the file does not exist."""
    return load_snapshot(path)[0]


def load_snapshot(path: Path) -> tuple[nx.MultiDiGraph[int], bytes | None]:
    """The graph and the token of the write that produced it (None: no file yet)."""
    try:
        with open(path, "rb") as fh:
            token = _read_header(fh, path)
            graph = pickle.load(fh)
    except FileNotFoundError:
        return nx.MultiDiGraph(), None
    except (EOFError, pickle.UnpicklingError, AttributeError, ValueError) as exc:
        raise SnapshotError(
            f"{path} is damaged ({exc}); delete it and run 'relgraph load' again"
        ) from exc
    if not isinstance(graph, nx.MultiDiGraph):
        raise SnapshotError(f"{path} does not hold a networkx MultiDiGraph")
    return graph, token


def snapshot_token(path: Path) -> bytes | None:
    """The token of the current snapshot, reading only its header."""
    try:
        with open(path, "rb") as fh:
            return _read_header(fh, path)
    except FileNotFoundError:
        return None


def _read_header(fh: BinaryIO, path: Path) -> bytes:
    if fh.read(len(MAGIC)) != MAGIC:
        raise SnapshotError(f"{path} is not a relgraph snapshot (wrong header)")
    version = int.from_bytes(fh.read(2), "big")
    if version != FORMAT_VERSION:
        raise SnapshotError(
            f"{path} has snapshot format {version}; this relgraph reads {FORMAT_VERSION} "
            "(delete it and run 'relgraph load' to rebuild it from its sources)"
        )
    token = fh.read(TOKEN_SIZE)
    if len(token) != TOKEN_SIZE:
        raise SnapshotError(f"{path} is damaged (truncated header); delete it and run 'relgraph load'")
    return token


def write_snapshot(graph: nx.MultiDiGraph[int], path: Path) -> bytes:
    """Replace ``path`` with ``graph`` so that readers see the old or the new file, never half.

    Returns the new token."""
    token = os.urandom(TOKEN_SIZE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC)
            fh.write(FORMAT_VERSION.to_bytes(2, "big"))
            fh.write(token)
            pickle.dump(graph, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return token


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
