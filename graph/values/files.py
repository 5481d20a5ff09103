"""Replacing a file whole, in a folder others may share, without quiet damage.

Every file relgraph writes (the embedded store's snapshot, exports, views) goes to a
temporary sibling, is flushed to disk and renamed over its target: a reader sees the old
file or the new one, never half, and a failure (a full disk, the file-size limit of
``ulimit -f``, Ctrl-C) deletes the temporary file and leaves the old one as it was. The
stores and the formats both write this way, so it lives in the bottom layer, beside the
errors it raises.

What a replacement keeps and what it refuses:

* The new file keeps the mode and the group of the file it replaces (the group where the
  writer may set it), so a store or an export shared through a group stays shared.
  A new file gets the mode a plain ``open()`` gives (0666 less the umask), not the 0600
  of a temporary file.
* Only a regular file is replaced. A FIFO or a device stands for something other than
  data at rest (a reader waiting on a pipe, a disk), and a folder is not a file: all are
  refused, ``--force`` or not. So is a symbolic link: writing through it would let
  whoever made the link choose which file is overwritten (a link in a shared folder that
  points at your files), and replacing the link itself would silently cut it from what it
  pointed to. The message names the link's target, so the user can give that path.
* Operating-system failures become the caller's relgraph error (ExportError for an
  export, StoreError for the store), naming the file and the system's reason.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from relgraph.graph.values.errors import RelgraphError

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def os_error_text(exc: OSError, path: Path | str) -> str:
    """``<file>: <reason>``, naming the file the user gave rather than a temporary sibling."""
    return f"{path}: {exc.strerror or exc}"


def default_mode(folder: bool = False) -> int:
    """The mode a plain open()/mkdir() would give under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if folder else 0o666) & ~umask


def not_regular(path: Path, st: os.stat_result) -> str | None:
    """Why ``path`` (as lstat found it) is not a file relgraph may replace, or None."""
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return (f"{path} is a symbolic link (to {target}); relgraph does not replace links or write "
                "through them: give the path of the file itself")
    kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
    return f"{path} is {kind}, not a regular file; relgraph replaces only regular files"


def existing_file(path: Path, error: type[RelgraphError]) -> os.stat_result | None:
    """The status of the regular file at ``path``, None when nothing is there; ``error`` when
    something else is (a link, a pipe, a folder...) or it cannot be looked at."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise error(os_error_text(exc, path)) from exc
    problem = not_regular(path, st)
    if problem:
        raise error(problem)
    return st


def _copy_ownership(fd: int, old: os.stat_result | None) -> None:
    """Give the temporary file the permissions the replaced file had (or a new file's)."""
    if old is None:
        os.fchmod(fd, default_mode())
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    for uid in (old.st_uid, -1):  # the owner only root may keep; the group a member may
        with contextlib.suppress(OSError):
            os.fchown(fd, uid, old.st_gid)
            break
    # fchown may clear set-id bits; put back what the old file had
    with contextlib.suppress(OSError):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened or synced."""
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


def make_folder(folder: Path, error: type[RelgraphError]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(os_error_text(exc, exc.filename or folder)) from exc


@contextmanager
def replacing(path: Path, error: type[RelgraphError], *, suffix: str = ".part") -> Iterator[BinaryIO]:
    """Yield a binary handle on a temporary sibling of ``path``; on success it replaces ``path``.

    Whatever goes wrong before the rename removes the temporary file and leaves ``path``
    untouched; an OSError (the caller's writes included) becomes ``error``. After the
    rename only the folder's fsync runs, which ignores its own failures: callers that
    must know whether an interruption came before or after the rename look at the file.
    """
    path = Path(path)
    old = existing_file(path, error)
    make_folder(path.parent, error)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise error(os_error_text(exc, path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            _copy_ownership(fh.fileno(), old)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, RelgraphError):
            raise error(os_error_text(exc, path)) from exc
        raise
    fsync_folder(path.parent)
