"""The hand-written cases: ``cases/<topic>.yaml``, data rather than code, so they are easy to
read and to add to.

A file is a list of groups; a group has an optional ``setup`` (Cypher run once before its cases;
statements separated by ``;`` at the end of a line), ``queries`` (a block of text, one case per
line, ``#`` starting a comment line) and ``cases`` (a list). A case in the list is the query text, or
a map with ``query`` and optionally ``params`` (a map), ``ordered`` (true: rows compare as a
strict sequence; false: as a multiset; a list of column names: sorted on those, ties in any
order; by default the final ``ORDER BY`` decides) and ``known`` (the class of a listed difference
from Neo4j, see docs/cypher.md "Differences from Neo4j")::

    - setup: |
        CREATE (:P {name: 'a', age: 3}), (:P {name: 'b'})
      queries: |
        MATCH (p:P) RETURN p.name AS name, p.age AS age
        MATCH (p:P) RETURN count(p.age) AS c
      cases:
        - {query: "RETURN round(2.5) AS r", known: round-ties}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).with_name("cases")


@dataclass
class Case:
    """One query against one setup; ``ident`` names it for ``--case`` (``topic:N``, ``gen:N``)."""

    ident: str
    topic: str
    setup: str
    query: str
    params: dict[str, Any] = field(default_factory=dict)
    ordered: bool | list[str] | None = None
    known: str | None = None


def load_topic(path: Path) -> list[Case]:
    """The cases of one file, numbered from 1 in file order."""
    topic = path.stem
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out: list[Case] = []
    for group in groups:
        setup = group.get("setup") or ""
        lines = [line.strip() for line in (group.get("queries") or "").splitlines()]
        items = [line for line in lines if line and not line.startswith("#")] + list(group.get("cases") or [])
        for item in items:
            if isinstance(item, str):
                item = {"query": item}
            unknown = set(item) - {"query", "params", "ordered", "known"}
            if unknown:
                raise ValueError(f"{path.name}: case {len(out) + 1} has unknown keys {sorted(unknown)}")
            out.append(Case(f"{topic}:{len(out) + 1}", topic, setup, str(item["query"]).strip(),
                            dict(item.get("params") or {}), item.get("ordered"), item.get("known")))
    return out


def load_all(topic: str | None = None) -> list[Case]:
    """Every hand-written case (or one topic's), topics in name order."""
    cases: list[Case] = []
    for path in sorted(CASES.glob("*.yaml")):
        if topic is None or path.stem == topic:
            cases.extend(load_topic(path))
    return cases
