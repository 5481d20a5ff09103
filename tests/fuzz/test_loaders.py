"""Hostile inputs for every loader, through the public API: a clean error or a sound load.

Each category is one test, so a report says which kind of input breaks which reader; the
message lists the failing inputs (category/format/name), which ``python -m tests.fuzz
--show NAME`` writes out as files to reproduce them. Sample sizes keep the whole file to
about 15 s; the standalone runner takes ``--cases N`` for more.
"""

from __future__ import annotations

import pytest

import relgraph
from relgraph.graph.backends.neo4j.connection import Neo4jSettings
from relgraph.graph.backends.neo4j.store import Neo4jStore

from .escape import Watch
from .hostile import Case
from .outcomes import Outcome
from .runner import run_category
from .tally import FAILURES, RUN

#: Cases per format for the random categories; the others are fixed lists.
PER_FORMAT = {"truncation": 14, "byte-flip": 14}
CATEGORIES = (
    "truncation",
    "byte-flip",
    "encoding",
    "surrogate",
    "huge-number",
    "null-identity",
    "duplicate",
    "nesting",
    "bomb",
)


def failures_text(results: list[tuple[Case, Outcome]]) -> str:
    failed = [(case, outcome) for case, outcome in results if outcome.kind in FAILURES]
    lines = [f"{len(failed)} of {len(results)} inputs failed:"]
    lines += [f"  {case.label}: {outcome.kind}: {outcome.detail[:240]}" for case, outcome in failed[:15]]
    if len(failed) > 15:
        lines.append(f"  ... and {len(failed) - 15} more")
    return "\n".join(lines)


def test_the_templates_load_as_they_are(watch: Watch) -> None:
    """The other categories change one slot of these; if they did not load, those would test nothing."""
    results = run_category("template", RUN, per_format=1, watch=watch)
    assert [o.kind for _, o in results] == ["loaded"] * len(results), failures_text(results)


@pytest.mark.parametrize("category", CATEGORIES)
def test_hostile_inputs_fail_cleanly_or_load_soundly(category: str, watch: Watch) -> None:
    results = run_category(category, RUN, per_format=PER_FORMAT.get(category, 1), watch=watch)
    assert results
    assert not any(o.kind in FAILURES for _, o in results), failures_text(results)


#: On Neo4j: the cases of the categories whose values Neo4j holds differently from Python
#: (integers, floats, text, nulls), in node-link JSON and in a Cypher script, which Neo4j
#: runs itself; a sample, since each case there costs a transaction or two.
NEO4J_FORMATS = {"surrogate": ("json",), "huge-number": ("json", "cypher"), "null-identity": ("json",)}


@pytest.mark.parametrize("category", NEO4J_FORMATS)
def test_hostile_values_on_neo4j(category: str, neo4j_settings: Neo4jSettings, watch: Watch) -> None:
    def open_graph() -> relgraph.Graph:
        store = Neo4jStore.connect(neo4j_settings)
        store.clear()
        return relgraph.Graph(store)

    results = run_category(
        category,
        RUN,
        per_format=1,
        watch=watch,
        open_graph=open_graph,
        tally_as=f"{category} (neo4j)",
        only=lambda case: case.fmt in NEO4J_FORMATS[category],
    )
    assert results
    assert not any(o.kind in FAILURES for _, o in results), failures_text(results)
