"""The same data gives the same bytes from either backend, in every format and for every selection.

The article and the awkward sample (floats, unicode, empty strings, lists,
parallel relationships) are loaded into the embedded store in source order and
into the real Neo4j in the opposite order (other element ids, another insertion
order), then
``relgraph --backend X export`` writes each format from each, whole and for each
kind of selection; the files must be identical byte for byte (issue 7). The
stores are loaded once per data set and only read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from relgraph.cli import main
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore
from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.export import EXPORT_FORMATS
from relgraph.graph.values.model import GraphBatch

from .export_samples import reversed_batch

#: every export format, and the csv format's zip, by output name
OUTPUTS = {"json": "g.json", "jsonl": "g.jsonl", "graphml": "g.graphml", "gexf": "g.gexf", "csv": "g",
           "csv-zip": "g.zip", "cypher": "g.cypher", "html": "g.html"}

#: data set -> selection name -> selection options
SELECTIONS = {
    "article": {
        "whole": [],
        "around": ["--around", "Islam Karimov", "--depth", "2"],
        "around-types": ["--around", "Tashkent", "--depth", "3", "--types", "LOCATED_IN,SISTER_CITY_OF"],
        "labels": ["--labels", "Person,Office"],
        "years": ["--years", "2010..2020"],
        "query-paths": ["-e", "MATCH p = (:Person)-[:MADE_VISIT]->(:Visit)-->(:Country) RETURN p"],
        "query-connect": ["--query", "ego-network", "--param", "name=Seoul", "--connect"],
    },
    "awkward": {  # floats, unicode, empty strings, lists, parallel relationships (tests/export_samples.py)
        "whole": [],
        "around": ["--around", "서울 Seoul", "--depth", "1"],
        "labels": ["--labels", "City,Company"],
    },
}
CASES = [(data, selection) for data, chosen in SELECTIONS.items() for selection in chosen]


def test_every_format_is_compared():
    assert {name.removesuffix("-zip") for name in OUTPUTS} == set(EXPORT_FORMATS)


class Backends:
    """Both backends holding one data set at a time, for the module; asking for the other data
    set reloads both (the tests are ordered so that this happens about once)."""

    def __init__(self, folder: Path, neo4j_store: Neo4jStore, batches: dict[str, GraphBatch]):
        self.folder = folder
        self.neo4j_store = neo4j_store
        self.batches = batches
        self.current: str | None = None

    def holding(self, data: str) -> dict[str, list[str]]:
        """Global options that point ``relgraph`` at each backend, both holding ``data``."""
        snapshot = self.folder / f"{data}.snapshot"
        if self.current != data:
            if not snapshot.exists():
                NetworkxStore(snapshot).load(self.batches[data])
            self.neo4j_store.clear()
            self.neo4j_store.load(reversed_batch(self.batches[data]))
            self.current = data
        return {"networkx": ["--backend", "networkx", "--store", str(snapshot)],
                "neo4j": ["--backend", "neo4j", "--neo4j-uri", self.neo4j_store.settings.uri]}


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory, neo4j_settings: Neo4jSettings,
             article_batch: GraphBatch, awkward_batch: GraphBatch) -> Iterator[Backends]:
    with Neo4jStore.connect(neo4j_settings) as neo4j_store:
        yield Backends(tmp_path_factory.mktemp("embedded"), neo4j_store,
                       {"article": article_batch, "awkward": awkward_batch})


def exported(options: list[str], selection: list[str], path: Path) -> bytes | dict[str, bytes]:
    """What ``relgraph export`` writes to ``path``: a file's bytes, or a folder's files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    err = io.StringIO()
    code = main([*options, "export", *selection, "-o", str(path)], out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return path.read_bytes()


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize(("data", "selection"), CASES, ids=[f"{d}-{s}" for d, s in CASES])
def test_same_bytes_from_either_backend(backends, tmp_path, data, selection, output):
    files = {name: exported(options, SELECTIONS[data][selection], tmp_path / name / OUTPUTS[output])
             for name, options in backends.holding(data).items()}
    assert files["neo4j"] == files["networkx"]
    assert files["networkx"]  # something was written
