"""What every writer shares: output that appears whole or not at all, and how to name what
could not be written.

A failed export (bad data, full disk, Ctrl-C) must never leave a truncated file that
another tool would then read as if it were complete, so paths are written through a
temporary sibling that is renamed into place only on success. Writers accept a path
or an open text stream (``relgraph export -o -``). They write element by element, never
holding the whole text (a million relationships are gigabytes of GraphML), so a text
stream gets the output through a temporary file that is copied to it only on success:
a problem found late leaves nothing half-written there either.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import ExportError, OutputExistsError
from relgraph.graph.values.files import default_mode, make_folder, not_regular, os_error_text, replacing

#: Output for a stream stays in memory up to this many characters, then goes to a temporary file.
SPOOL_IN_MEMORY = 4 * 1024 * 1024
COPY_CHUNK = 1024 * 1024


def refuse_existing(path: Path) -> None:
    """OutputExistsError when anything is at ``path`` (a dangling link too): what every writer
    says unless told to replace."""
    if os.path.lexists(path):
        raise OutputExistsError(f"{path} already exists (use --force to replace it)")


@contextmanager
def atomic_writer(path: Path, *, binary: bool = False, overwrite: bool = True) -> Iterator[IO[Any]]:
    """Yield a file handle on a temporary sibling of ``path``; rename it into place on success.

    With ``overwrite=False`` an existing ``path`` raises OutputExistsError before
    anything is written. Even with it, only a regular file is replaced, keeping its mode
    and group, and a system error (no permission, disk full, file too large) is an
    ExportError naming ``path`` (see :mod:`relgraph.graph.values.files`).
    """
    path = Path(path)
    if not overwrite:
        refuse_existing(path)
    with replacing(path, ExportError) as raw:
        if binary:
            yield raw
            return
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        try:
            yield text
            text.flush()
        finally:
            with contextlib.suppress(ValueError, OSError):  # failed already: replacing() cleans up
                text.detach()  # the raw file stays open for replacing() to sync and rename


@contextmanager
def text_output(out: IO[str] | Path | str) -> Iterator[IO[str]]:
    """A text stream to write to: ``out`` itself, or an atomic writer when it is a path.

    Writers accept both so that ``relgraph export -o -`` streams to stdout while
    ``-o FILE`` appears whole or not at all. A stream gets nothing until the writer has
    finished: what it wrote waits in a temporary file (in memory while small), because a
    writer that streams can still find an unwritable value after its first line.
    """
    if isinstance(out, (str, Path)):
        with atomic_writer(Path(out)) as fh:
            yield fh
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8",
                                       newline="\n") as spool:
        try:
            yield spool
            spool.seek(0)
        except OSError as exc:  # the temporary folder is full or not writable: not the writer's bug
            where = f"a temporary file in {tempfile.gettempdir()} (the export waits there for the stream)"
            raise ExportError(os_error_text(exc, where)) from exc
        shutil.copyfileobj(spool, out, COPY_CHUNK)


@contextmanager
def atomic_directory(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``path``; on success it replaces ``path``.

    Used for exports that are several files (neo4j-admin CSV). The old folder, if
    any, is moved aside first and deleted only once the new one is in place, so a
    failure at any point leaves either the old folder or the new one, never a mix.
    Only a real folder is replaced: a link to one is refused, as a file's link is.
    """
    path = Path(path)
    if not overwrite:
        refuse_existing(path)
    if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
        problem = not_regular(path, os.lstat(path)) if path.is_symlink() else None
        raise OutputExistsError(problem or f"{path} exists and is not a folder")
    make_folder(path.parent, ExportError)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    except OSError as exc:
        raise ExportError(os_error_text(exc, path)) from exc
    try:
        yield tmp
        os.chmod(tmp, default_mode(folder=True))
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            os.replace(path, old / path.name)
            try:
                os.replace(tmp, path)
            except BaseException:
                os.replace(old / path.name, path)
                raise
            finally:
                if not (old / path.name).exists():
                    shutil.rmtree(old, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, ExportError):
            raise ExportError(os_error_text(exc, path)) from exc
        raise


def describe_node(node: Node, ids: Mapping[str, str]) -> str:
    return f"node {ids[node.element_id]!r}"


def describe_rel(rel: Relationship, ids: Mapping[str, str]) -> str:
    return (f"relationship ({ids[rel.start_node.element_id]})-[:{rel.type}]->"
            f"({ids[rel.end_node.element_id]})" + (f" key {rel['key']!r}" if "key" in rel else ""))


def reserved_free(where: str, properties: dict[str, Any], reserved: Iterable[str],
                  fmt: str) -> dict[str, Any]:
    """``properties``, unless one is named like something ``fmt`` writes structure under
    (GraphML's ``labels``, node-link JSON's ``source``...): then an ExportError that names
    the entity and the property and points to JSON lines, which nests properties."""
    for name in reserved:
        if name in properties:
            raise ExportError(f"{where} has a property named {name!r}, which {fmt} uses for its own "
                              "structure; export it as JSON lines (--format jsonl) instead")
    return properties
