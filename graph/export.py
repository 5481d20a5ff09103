"""Exporting a subgraph: every file format, plus the interactive HTML view, behind one call.

:func:`export` is what ``relgraph export``, the explorer's download button and the
Python API's ``Subgraph.export`` call, so the same selection gives the same bytes
from all three. The formats themselves are :mod:`relgraph.graph.formats` (one module
each, reader and writer together); this module adds the HTML view as a format of its
own, chooses a format from a file name, and refuses to replace a file unless asked.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from relgraph.graph.formats import FORMATS, Format
from relgraph.graph.formats.admin_csv import admin_csv_tables, write_zip
from relgraph.graph.formats.writing import refuse_existing, text_output
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.views import (
    Limits,
    ViewTooLarge,
    build_view,
    check_size,
    render_html,
)


def write_html(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """The interactive view with default settings, as one offline HTML file."""
    try:
        check_size(subgraph, Limits())
    except ViewTooLarge as exc:
        raise ExportError(f"{exc} (use 'relgraph view --max-nodes N' to draw part of it)") from exc
    page = render_html(build_view(subgraph))
    with text_output(out) as fh:
        fh.write(page)


#: --format name -> format: the file formats, then the HTML view.
EXPORT_FORMATS: dict[str, Format] = {
    **FORMATS,
    "html": Format("html", write_html, (".html", ".htm"),
                   "a self-contained interactive HTML view (see 'relgraph view' for its options)",
                   media_type="text/html"),
}


def format_for_path(path: Path) -> str | None:
    """The format a file name asks for (``graph.graphml`` -> graphml), or None.

    A name without a suffix, or an existing folder, means a CSV folder.
    """
    suffix = path.suffix.lower()
    for fmt in EXPORT_FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt.name
    if not suffix or path.is_dir():
        return "csv"
    return None


def export_format(fmt: str) -> Format:
    """The export format named ``fmt``; ExportError listing them all when there is none."""
    chosen = EXPORT_FORMATS.get(fmt)
    if chosen is None:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    return chosen


def export(subgraph: Subgraph, fmt: str, out: IO[str] | Path | str, *, overwrite: bool = False) -> None:
    """Write ``subgraph`` as ``fmt`` to a path (atomically; an existing one only with
    ``overwrite``) or to a text stream."""
    chosen = export_format(fmt)
    if isinstance(out, (str, Path)):
        path = Path(out)
        if not overwrite:
            refuse_existing(path)
        chosen.writer(subgraph, path)
    elif not chosen.stream:
        raise ExportError(f"{fmt} writes several files: give a folder or a .zip path, not a stream")
    else:
        chosen.writer(subgraph, out)


def export_bytes(subgraph: Subgraph, fmt: str) -> tuple[bytes, str]:
    """``subgraph`` as ``fmt`` in memory, for a download: the bytes and the file suffix.

    The same bytes :func:`export` writes to a file; neo4j-admin CSV, several files, comes
    as the zip it writes for a ``.zip`` path."""
    chosen = export_format(fmt)
    if not chosen.stream:
        zipped = io.BytesIO()
        write_zip(admin_csv_tables(subgraph), zipped)
        return zipped.getvalue(), ".zip"
    buffer = io.StringIO()
    chosen.writer(subgraph, buffer)
    return buffer.getvalue().encode("utf-8"), chosen.suffixes[0]
