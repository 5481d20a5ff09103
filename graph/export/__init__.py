"""Exporters: write a Subgraph to files other tools read. One module per format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..subgraph import Subgraph
from .atomic import atomic_writer
from .nodelink_json import ExportError, nodelink_data, write_nodelink_json

Writer = Callable[..., None]

#: --format name -> (writer, default file suffix, one-line description)
EXPORTERS: dict[str, tuple[Writer, str, str]] = {
    "json": (write_nodelink_json, ".json", "networkx node-link JSON (nodes with labels, links with type)"),
}

__all__ = ["EXPORTERS", "ExportError", "Subgraph", "atomic_writer", "export", "nodelink_data"]


def export(subgraph: Subgraph, fmt: str, path: Path, *, overwrite: bool = False,
           **options: Any) -> None:
    """Write ``subgraph`` as ``fmt`` to ``path``, atomically; refuse to replace a file unless asked."""
    if fmt not in EXPORTERS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(EXPORTERS)}")
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists (use --force to replace it)")
    writer = EXPORTERS[fmt][0]
    writer(subgraph, path, **options)
