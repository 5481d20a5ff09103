"""Synthetic graphs shaped like the curated data, for the view benchmark and scale tests.

The article graph has 144 nodes; views must also stay usable at 5,000. These
graphs have what makes a real one costly to draw: several labels with kinds,
communities with hubs, dated nodes and relationships, names with diacritics,
and a quote on every fact. Same arguments, same graph.
"""

from __future__ import annotations

import random

from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    Properties,
    RelSpec,
)

LABELS = (("Person", None), ("Country", None), ("City", None), ("Institution", "Embassy"),
          ("Institution", "University"), ("Event", "Visit"), ("Event", "Meeting"), ("Agreement", None),
          ("Statistic", None), ("Office", None))
TYPES = ("LOCATED_IN", "ABOUT", "CONCERNS", "PARTY_TO", "ATTENDED", "CARRIED_OUT", "MADE_VISIT",
         "HOSTED_BY", "TOOK_PLACE_IN", "SIGNED", "HELD_OFFICE", "MEMBER_OF", "FOUNDED", "SISTER_CITY_OF")
SYLLABLES = ("ka", "ri", "mov", "sam", "ar", "kand", "o\u02bbz", "be", "kis", "ton", "se", "oul",
             "na", "vo", "iy", "bu", "xo", "ro", "jo", "n\u00e9", "\u00fc", "ta", "shk", "ent")
SOURCE = "synthetic-source"


def _name(rng: random.Random, index: int) -> str:
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
             for _ in range(rng.randint(1, 3))]
    return f"{' '.join(words)} {index}"


def synthetic_batch(nodes: int, relationships: int, *, seed: int = 1,
                    community: int = 40) -> GraphBatch:
    """``nodes`` nodes and ``relationships`` relationships in communities of about ``community``."""
    rng = random.Random(seed)
    batch = GraphBatch(f"synthetic-{nodes}-{relationships}")
    batch.nodes.append(NodeSpec(["Source"], {"key": SOURCE, "name": "Synthetic source"}))
    refs = []
    for i in range(nodes - 1):
        label, kind = LABELS[rng.randrange(len(LABELS))] if i else LABELS[1]
        props: Properties = {
            "key": f"n{i}", "name": _name(rng, i), "sourceId": SOURCE, "section": "History",
            "quote": f"Sentence {i} says that {_name(rng, i)} met \u201cthe other side\u201d.",
        }
        if label in ("Event", "Agreement", "Statistic") or rng.random() < 0.1:
            props["year"] = rng.randint(1991, 2025)
        if kind:
            props["kind"] = kind.lower()
        if rng.random() < 0.2:
            props["aliases"] = [_name(rng, i)]
        batch.nodes.append(NodeSpec([label, kind] if kind else [label], props))
        refs.append(NodeKey(label, f"n{i}"))
    seen: set[tuple[int, int, str]] = set()
    while len(batch.relationships) < relationships and len(refs) > 1:
        a = rng.randrange(len(refs))
        if rng.random() < 0.85:  # mostly inside the community, so the picture has structure
            base = a - a % community
            b = min(len(refs) - 1, base + rng.randrange(community))
        else:  # hubs: the first nodes of the graph attract most cross-community links
            b = int(len(refs) * rng.random() ** 3)
        rel_type = TYPES[rng.randrange(len(TYPES))]
        if a == b or (a, b, rel_type) in seen:
            continue
        seen.add((a, b, rel_type))
        rel_props: Properties = {
            "key": f"r{len(batch.relationships)}", "sourceId": SOURCE, "section": "History",
            "quote": f"Sentence about relationship {len(batch.relationships)}."}
        if rng.random() < 0.1:
            rel_props["year"] = rng.randint(1991, 2025)
        batch.relationships.append(RelSpec(rel_type, refs[a], refs[b], rel_props))
    return batch
