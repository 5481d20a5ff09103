"""Valid inputs to start from: a small part of the article graph as every loader reads it.

Hostile inputs are mutations of valid ones, so that most of each file is what a loader expects
and the damage lands deep inside it (a truncation in the middle of the relationships, a flip in
a typed column), where a reader built on the happy path breaks. The part is the neighbourhood
of Navoiy (6 nodes, 6 relationships): small enough that thousands of loads take seconds, with
lists, integers, several labels and quotes with punctuation. The curated YAML seed is written
here, with its source text, since the article's own file is 60 kB and needs the whole article.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import relgraph

#: The entity whose neighbourhood the seeds hold, and the one the store holds before a load.
SEED_AROUND = "Navoiy"
BASELINE_AROUND = "Seoul"


@dataclass(frozen=True)
class Seed:
    """A valid input: its files (name -> bytes) and which of them (or ``"."``, the folder) to load."""

    fmt: str
    files: dict[str, bytes]
    entry: str

    @property
    def main(self) -> str:
        """The file mutations damage: the entry, or the folder's relationship file."""
        return "relationships.csv" if self.entry == "." else self.entry


CURATED_SOURCE = """\
= Fuzz relations =

Alphaland and Betaland are neighbours.

==History==
Betaland was founded in 1991. Betaland trades with Alphaland.
"""

CURATED_YAML = """\
# A curated file in the shape of data/articles/*.yaml, small enough to fuzz.
source:
  key: fuzz-source
  title: Fuzz relations
  file: source.txt
  sections: [Lead, History]

nodes:
  - key: alpha-country
    label: Country
    name: Alphaland
    aliases: [Alpha, "Альфа"]
    population: 1200
    section: Lead
    quote: &L1 "Alphaland and Betaland are neighbours."
    out:
      - type: BORDERS
        to: beta-country
        year: 1992
  - key: beta-country
    label: Country
    name: Betaland
    year: 1991
    section: History
    quote: "Betaland was founded in 1991."

relationships:
  - type: TRADES_WITH
    from: beta-country
    to: alpha-country
    section: History
    quote: "Betaland trades with Alphaland."
"""


@cache
def article_graph() -> relgraph.Graph:
    """The curated article in memory, read once per process."""
    graph = relgraph.open(":memory:")
    graph.load()
    return graph


def _exported(around: str, fmt: str) -> dict[str, bytes]:
    subgraph = article_graph().select(around=around, depth=1)
    with tempfile.TemporaryDirectory(prefix="relgraph-seed-") as folder:
        if fmt == "csv":
            out = Path(folder) / "csv"
            subgraph.export(out, format="csv")
            return {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        suffix = {"zip": ".zip"}.get(fmt, f".{fmt}")
        target = Path(folder) / f"seed{suffix}"
        subgraph.export(target, format="csv" if fmt == "zip" else fmt)
        return {target.name: target.read_bytes()}


@cache
def seeds() -> dict[str, Seed]:
    """Format -> its seed: every format ``relgraph load`` reads, and a CSV folder and zip."""
    found: dict[str, Seed] = {}
    for fmt in ("json", "jsonl", "graphml", "cypher", "zip"):
        files = _exported(SEED_AROUND, fmt)
        found[fmt] = Seed(fmt, files, next(iter(files)))
    found["csv"] = Seed("csv", _exported(SEED_AROUND, "csv"), ".")
    found["yaml"] = Seed(
        "yaml", {"seed.yaml": CURATED_YAML.encode(), "source.txt": CURATED_SOURCE.encode()}, "seed.yaml"
    )
    return found


@cache
def baseline_jsonl() -> bytes:
    """What the store holds before every hostile load: another neighbourhood of the article,
    sharing a few nodes with the seeds, so that a load merges into existing data."""
    return _exported(BASELINE_AROUND, "jsonl")["seed.jsonl"]
