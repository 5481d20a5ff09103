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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from relgraph.graph.formats import CYPHER_SUFFIXES, FORMATS
from relgraph.graph.formats.admin_csv import read_admin_csv
from relgraph.graph.formats.cypher_script import read_cypher_scripts
from relgraph.graph.store import GraphStore, LoadSummary, Progress
from relgraph.graph.values.errors import LoadError, StatementError
from relgraph.graph.values.model import GraphBatch
from relgraph.graph.values.result import Counters
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

__all__ = ["CSV_SUFFIXES", "CYPHER_SUFFIXES", "READERS", "LoadReport", "default_sources", "describe_formats",
           "load_into", "read_sources"]


def default_sources() -> list[Path]:
    """The curated articles shipped with relgraph (today: South Korea–Uzbekistan relations)."""
    folder = resources.files("relgraph.data") / "articles"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))


def describe_formats() -> str:
    suffixes = sorted({*READERS, *CSV_SUFFIXES, *CYPHER_SUFFIXES})
    return ", ".join(suffixes) + ", or a folder of neo4j-admin CSV files"


def read_sources(paths: Iterable[Path | str]) -> GraphBatch:
    """Read every source into one batch, so that they load (or fail) together.

    Each file stays a source of its own in the batch (``GraphBatch.extend``): a node or
    relationship that two files describe merges as loading them one after the other
    would, while a key repeated within one file is still reported. The neo4j-admin CSV
    files are one source, read together.
    """
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


@dataclass
class LoadReport:
    """What one load did: the summary of merged data, or the totals of a run script."""

    sources: list[Path]
    summary: LoadSummary | None = None  # data sources
    statements: int = 0  # Cypher scripts: how many statements ran
    counters: Counters = field(default_factory=Counters)  # Cypher scripts: what they changed

    def __repr__(self) -> str:
        return f"<LoadReport {self}>"

    def __str__(self) -> str:
        names = ", ".join(p.name for p in self.sources)
        if self.summary is not None:
            return f"{names}: {self.summary.counts_text()}"
        c = self.counters
        return (f"{names} ({self.statements:,} statements): {c.nodes_created:,} nodes and "
                f"{c.relationships_created:,} relationships created, {c.properties_set:,} properties set")


def load_into(store: GraphStore, paths: Iterable[Path | str] | None = None, *, replace: bool = False,
              progress: Progress | None = None, note: Callable[[str], None] | None = None,
              allow_file_access: bool = False) -> LoadReport:
    """Load sources (default: the curated articles) into ``store``, all or nothing.

    Data sources are read first, every one of them, then merged in one transaction.
    Cypher scripts are run instead, every statement in one transaction; they cannot be
    mixed with data sources. ``replace`` empties the store in the same transaction.
    ``note`` hears one line before the work starts ("Loading 144 nodes ...").
    A script may read or write files or URLs (``LOAD CSV``, ``apoc.load.*``) only with
    ``allow_file_access``.
    """
    sources = [Path(p) for p in paths] if paths else default_sources()
    scripts = [p for p in sources if p.suffix.lower() in CYPHER_SUFFIXES]
    if scripts and len(scripts) != len(sources):
        raise LoadError([f"{p}: load Cypher scripts on their own: they run as statements, "
                         "other sources are read as data" for p in scripts])
    if scripts:
        return _run_scripts(store, scripts, replace=replace, note=note, allow_file_access=allow_file_access)
    batch = read_sources(sources)
    if note:
        note(f"Loading {len(batch.nodes):,} nodes and {len(batch.relationships):,} relationships "
             f"into {store.describe()}")
    return LoadReport(sources, summary=store.load(batch, progress=progress, replace=replace))


def _run_scripts(store: GraphStore, scripts: list[Path], *, replace: bool,
                 note: Callable[[str], None] | None, allow_file_access: bool) -> LoadReport:
    statements = read_cypher_scripts(scripts)
    texts = [s.text for s in statements]
    if replace:
        texts.insert(0, "MATCH (n) DETACH DELETE n")
    if note:
        note(f"Running {len(statements):,} statements on {store.describe()}")
    try:
        results = store.run_script(texts, write=True, allow_file_access=allow_file_access)
    except StatementError as exc:
        index = exc.index - (1 if replace else 0)
        where = statements[index].origin if 0 <= index < len(statements) else "--replace"
        raise LoadError([f"{where}: {exc}"]) from exc
    report = LoadReport(scripts, statements=len(statements))
    for result in results:
        report.counters.add(result.summary.counters)
    return report
