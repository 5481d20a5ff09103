"""Exporters: write a Subgraph to files other tools read. One module per format.

Every writer takes ``(subgraph, out)``, networkx style (``write_graphml``...), where
``out`` is a path (written atomically: whole or not at all) or, for single-file
formats, a text stream. Each format that relgraph can read back has a reader of
the same module name in ``relgraph.loaders`` (graph/export/graphml.py <->
loaders/graphml.py). Output depends only on the data: nodes, relationships and
properties in canonical order (graph/values/subgraph.py), ids derived from keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relgraph.graph.export.admin_csv import write_admin_csv
from relgraph.graph.export.atomic import atomic_writer
from relgraph.graph.export.cypher_script import write_cypher_script
from relgraph.graph.export.gexf import write_gexf
from relgraph.graph.export.graphml import write_graphml
from relgraph.graph.export.jsonl import write_jsonl
from relgraph.graph.export.nodelink_json import nodelink_data, write_nodelink_json
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.subgraph import Subgraph

Writer = Callable[..., None]


@dataclass(frozen=True)
class ExportFormat:
    """A ``--format`` choice: its writer and what the CLI and docs say about it."""

    name: str
    writer: Writer
    suffixes: tuple[str, ...]  # output suffixes that select this format when --format is not given
    description: str
    stream: bool = True  # can write to standard output ('-o -'); False for folders and zips
    readable: bool = True  # 'relgraph load' reads it back


#: --format name -> format, in the order `relgraph export --help` lists them.
EXPORTERS: dict[str, ExportFormat] = {}


def register_exporter(fmt: ExportFormat) -> None:
    """Add (or replace) a format. The HTML view (graph/views, branch views) registers here::

        register_exporter(ExportFormat("html", write_html_view, (".html",),
                                       "a self-contained HTML view of the subgraph", readable=False))
    """
    EXPORTERS[fmt.name] = fmt


for _fmt in (
    ExportFormat("json", write_nodelink_json, (".json",),
                 "networkx node-link JSON (nodes with labels, links with type)"),
    ExportFormat("jsonl", write_jsonl, (".jsonl", ".ndjson"),
                 "JSON lines as apoc.export.json writes them (apoc.import.json reads them)"),
    ExportFormat("graphml", write_graphml, (".graphml",),
                 "GraphML for APOC (apoc.import.graphml, readLabels), Gephi, yEd, networkx"),
    ExportFormat("gexf", write_gexf, (".gexf",),
                 "GEXF 1.3 for Gephi (lists as JSON text; not read back)", readable=False),
    ExportFormat("csv", write_admin_csv, (".zip",),
                 "neo4j-admin import CSV: a folder (or .zip) with nodes.csv and relationships.csv",
                 stream=False),
    ExportFormat("cypher", write_cypher_script, (".cypher", ".cql"),
                 "Cypher script of idempotent MERGE statements (cypher-shell -f, relgraph load)"),
    ExportFormat("html", lambda subgraph, out: _write_html(subgraph, out), (".html", ".htm"),
                 "a self-contained interactive HTML view (see 'relgraph view' for its options)",
                 readable=False),
):
    register_exporter(_fmt)

__all__ = ["EXPORTERS", "ExportError", "ExportFormat", "Subgraph", "atomic_writer", "export",
           "format_for_path", "nodelink_data", "register_exporter", "write_admin_csv",
           "write_cypher_script", "write_gexf", "write_graphml", "write_jsonl", "write_nodelink_json"]


def _write_html(subgraph: Subgraph, out: Any) -> None:
    """The HTML view with default settings; imported on use, since it needs pyvis and igraph."""
    from relgraph.graph.views import (
        Limits,
        ViewTooLarge,
        build_view,
        check_size,
        render_html,
    )

    try:
        check_size(subgraph, Limits())
    except ViewTooLarge as exc:
        raise ExportError(f"{exc} (use 'relgraph view --max-nodes N' to draw part of it)") from exc
    page = render_html(build_view(subgraph))
    if isinstance(out, (str, Path)):
        with atomic_writer(Path(out)) as fh:
            fh.write(page)
    else:
        out.write(page)


def format_for_path(path: Path) -> str | None:
    """The format a file name asks for (``graph.graphml`` -> graphml), or None.

    A name without a suffix, or an existing folder, means a CSV folder.
    """
    suffix = path.suffix.lower()
    for fmt in EXPORTERS.values():
        if suffix in fmt.suffixes:
            return fmt.name
    if not suffix or path.is_dir():
        return "csv"
    return None


def export(subgraph: Subgraph, fmt: str, path: Path, *, overwrite: bool = False,
           **options: Any) -> None:
    """Write ``subgraph`` as ``fmt`` to ``path``, atomically; refuse to replace a file unless asked."""
    if fmt not in EXPORTERS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(EXPORTERS)}")
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists (use --force to replace it)")
    EXPORTERS[fmt].writer(subgraph, path, **options)
