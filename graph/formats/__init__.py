"""File formats other graph tools read: one module per format, holding its reader and its writer.

Like networkx's ``readwrite``, each module has a symmetric pair, ``read_<format>(path)``
returning a :class:`~relgraph.graph.values.model.GraphBatch` and
``write_<format>(subgraph, out)`` taking a :class:`~relgraph.graph.values.subgraph.Subgraph`
and a path (written whole or not at all) or a text stream. Both directions use one
type table (:mod:`.types`), so what a writer types as ``long[]`` its reader reads as a
list of integers. Output depends only on the data: nodes, relationships and properties
in canonical order, ids derived from keys, so either backend gives the same bytes.

:data:`FORMATS` lists them for the command line, the explorer and the Python API.
Cypher scripts are the one format that is run rather than read: their reader
returns statements (:func:`.cypher_script.read_cypher_script`), which a store runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from relgraph.graph.formats.admin_csv import read_admin_csv, write_admin_csv
from relgraph.graph.formats.cypher_script import read_cypher_script, write_cypher_script
from relgraph.graph.formats.gexf import write_gexf
from relgraph.graph.formats.graphml import read_graphml, write_graphml
from relgraph.graph.formats.jsonl import looks_like_jsonl, read_jsonl, write_jsonl
from relgraph.graph.formats.nodelink_json import read_nodelink_json, write_nodelink_json
from relgraph.graph.values.model import GraphBatch
from relgraph.graph.values.subgraph import Subgraph

Writer = Callable[[Subgraph, IO[str] | Path | str], None]
Reader = Callable[[Path], GraphBatch]


@dataclass(frozen=True)
class Format:
    """A ``--format`` choice: how to write it, how to read it back, and what to say about it."""

    name: str
    writer: Writer
    suffixes: tuple[str, ...]  # output suffixes that select this format when --format is not given
    description: str
    reader: Reader | None = None  # None: there is no batch to read (see ``runs``)
    runs: bool = False  # True: relgraph loads it by running its statements (Cypher scripts)
    stream: bool = True  # can be written to a text stream ('-o -'); False for folders and zips
    media_type: str = "text/plain"  # what the explorer sends it as

    @property
    def readable(self) -> bool:
        """Whether ``relgraph load`` takes it back."""
        return self.reader is not None or self.runs


def _read_json(path: Path) -> GraphBatch:
    """``apoc.export.json`` names its JSON lines files ``.json`` too: look before choosing."""
    return read_jsonl(path) if looks_like_jsonl(path) else read_nodelink_json(path)


#: --format name -> format, in the order `relgraph export --help` lists them.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", write_nodelink_json, (".json",),
           "networkx node-link JSON (nodes with labels, links with type)", _read_json,
           media_type="application/json"),
    Format("jsonl", write_jsonl, (".jsonl", ".ndjson"),
           "JSON lines as apoc.export.json writes them (apoc.import.json reads them)", read_jsonl,
           media_type="application/x-ndjson"),
    Format("graphml", write_graphml, (".graphml",),
           "GraphML for APOC (apoc.import.graphml, readLabels), Gephi, yEd, networkx", read_graphml,
           media_type="application/graphml+xml"),
    Format("gexf", write_gexf, (".gexf",),
           "GEXF 1.3 for Gephi (lists as JSON text; not read back)", media_type="application/gexf+xml"),
    Format("csv", write_admin_csv, (".zip",),
           "neo4j-admin import CSV: a folder (or .zip) with nodes.csv and relationships.csv",
           lambda path: read_admin_csv([path]), stream=False, media_type="application/zip"),
    Format("cypher", write_cypher_script, (".cypher", ".cql"),
           "Cypher script of idempotent MERGE statements (cypher-shell -f, relgraph load)",
           runs=True),
)}

#: Suffixes of Cypher scripts, which ``relgraph load`` runs instead of reading.
CYPHER_SUFFIXES = FORMATS["cypher"].suffixes

__all__ = [
    "CYPHER_SUFFIXES", "FORMATS", "Format", "read_admin_csv", "read_cypher_script", "read_graphml",
    "read_jsonl", "read_nodelink_json", "write_admin_csv", "write_cypher_script", "write_gexf",
    "write_graphml", "write_jsonl", "write_nodelink_json",
]

