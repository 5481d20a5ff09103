"""Loaders: sources become a GraphBatch, to be merged into a store all at once.

A source is a curated article (``data/articles/*.yaml``, :mod:`.curated`: the
human-reviewed graph of a text, every fact with its quote) or a file in one of the
formats other tools write (:mod:`relgraph.graph.formats`: neo4j-admin CSV, node-link
JSON, JSON lines, GraphML). Loaders never touch a backend: they return a batch, and
``GraphStore.load`` merges it. :func:`read_sources` is what ``relgraph load`` and
``Graph.load`` call; it picks each file's reader by its suffix, reads neo4j-admin CSV
files together (relationship files refer to nodes in node files) and reads everything
before anything is loaded, so several sources load (or fail) together.
Cypher scripts are the exception: they are run, not read
(:func:`relgraph.graph.formats.cypher_script.read_cypher_script`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

from relgraph.graph.formats import CYPHER_SUFFIXES, FORMATS
from relgraph.graph.formats.admin_csv import read_admin_csv
from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.loaders.curated import read_curated

Reader = Callable[[Path], GraphBatch]

#: File suffix -> reader: the curated articles, then every readable file format.
READERS: dict[str, Reader] = {
    ".yaml": read_curated,
    ".yml": read_curated,
    **{suffix: fmt.reader for fmt in FORMATS.values() if fmt.reader is not None and fmt.name != "csv"
       for suffix in fmt.suffixes},
}
#: neo4j-admin CSV: files, folders and .zip archives, read together.
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
    sources = [Path(p) for p in paths]
    missing = [str(p) for p in sources if not p.exists()]
    if missing:
        raise LoadError([f"{p}: no such file or folder" for p in missing])
    batch = GraphBatch(source=", ".join(str(p) for p in sources))
    csv_like = [p for p in sources if p.is_dir() or p.suffix.lower() in CSV_SUFFIXES]
    for path in sources:
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
