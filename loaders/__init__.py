"""Loaders: turn sources (curated YAML, neo4j-admin CSV, node-link JSON, JSON lines,
GraphML) into a GraphBatch.

Loaders never touch a backend: they return a batch, and ``GraphStore.load``
merges it. ``read_sources`` is what ``relgraph load`` calls; each format lives
in its own module with a ``read_<format>`` function, named like the exporter
that writes it (graph/export/graphml.py writes what loaders/graphml.py reads).
Cypher scripts are the exception: they are run, not read (loaders/cypher_script.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.loaders.admin_csv import read_admin_csv
from relgraph.loaders.curated import read_curated
from relgraph.loaders.cypher_script import SUFFIXES as CYPHER_SUFFIXES
from relgraph.loaders.graphml import read_graphml
from relgraph.loaders.jsonl import looks_like_jsonl, read_jsonl
from relgraph.loaders.nodelink_json import read_nodelink_json

Reader = Callable[[Path], GraphBatch]

#: File suffix -> reader. CSV files, folders and .zip archives are grouped and read together
#: because relationship files refer to nodes in node files.
READERS: dict[str, Reader] = {
    ".yaml": read_curated,
    ".yml": read_curated,
    ".json": lambda path: read_jsonl(path) if looks_like_jsonl(path) else read_nodelink_json(path),
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".graphml": read_graphml,
}
CSV_SUFFIXES = {".csv", ".zip"}

__all__ = ["CSV_SUFFIXES", "CYPHER_SUFFIXES", "READERS", "default_sources", "describe_formats",
           "read_sources"]


def default_sources() -> list[Path]:
    """The curated articles shipped with relgraph (today: South Korea–Uzbekistan relations)."""
    folder = resources.files("relgraph.data") / "articles"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))


def describe_formats() -> str:
    suffixes = sorted({*READERS, *CSV_SUFFIXES, *CYPHER_SUFFIXES})
    return ", ".join(suffixes) + ", or a folder of neo4j-admin CSV files"


def read_sources(paths: Iterable[Path | str]) -> GraphBatch:
    """Read every source into one batch, so that they load (or fail) together."""
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise LoadError([f"{p}: no such file or folder" for p in missing])
    batch = GraphBatch(source=", ".join(str(p) for p in paths))
    csv_like = [p for p in paths if p.is_dir() or p.suffix.lower() in CSV_SUFFIXES]
    for path in paths:
        if path in csv_like:
            continue
        reader = READERS.get(path.suffix.lower())
        if path.suffix.lower() in CYPHER_SUFFIXES:
            raise LoadError([f"{path}: a Cypher script is run, not read; load scripts on their own "
                             "(relgraph load script.cypher)"])
        if reader is None:
            raise LoadError([f"{path}: unknown format {path.suffix!r}; relgraph reads "
                             f"{describe_formats()}"])
        batch.extend(reader(path))
    if csv_like:
        batch.extend(read_admin_csv(csv_like))
    return batch
