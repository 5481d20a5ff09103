"""Write an output file so that it appears whole or not at all.

A failed export (bad data, full disk, Ctrl-C) must never leave a truncated file
that another tool would then read as if it were complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_writer(path: Path, *, binary: bool = False, overwrite: bool = True) -> Iterator[IO]:
    """Yield a file handle on a temporary sibling of ``path``; rename it into place on success.

    With ``overwrite=False`` an existing ``path`` raises FileExistsError before
    anything is written.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
