"""How a node or relationship looks: colour and shape per label, size per degree, captions.

Colours and shapes are assigned from label counts of the whole graph when the
caller has them, so that ``Person`` has the same colour in every view of one
graph, whatever the selection; the view's own counts are the fallback.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.jsonable import properties_json

#: Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito
#: plus Tableau-like extras), so that neighbouring legend entries do not look alike.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
    "#8C564B", "#7F7F7F", "#BCBD22", "#9467BD", "#17BECF", "#F0A3FF",
)
#: vis-network shapes that draw their caption below and scale with ``size``. The count
#: (7) is coprime with the palette's (12), so the first 84 labels get distinct pairs.
SHAPES = ("dot", "diamond", "square", "triangle", "star", "triangleDown", "hexagon")

CAPTION_MAX = 36
ELLIPSIS = "…"
MIN_SIZE, MAX_SIZE = 8.0, 40.0


@dataclass(frozen=True)
class LabelStyle:
    label: str
    color: str
    shape: str


def rank_labels(counts: Mapping[str, int]) -> list[str]:
    """Labels by count, largest first, ties by name: the order colours are handed out in."""
    return sorted(counts, key=lambda label: (-counts[label], label))


def group_label(labels: Iterable[str], counts: Mapping[str, int]) -> str:
    """The one label a node is drawn as: its most common label (ties: alphabetical).

    A node often has a general and a specific label (``Event`` + ``Visit``,
    ``Institution`` + ``Embassy``); the general one is the more common, so a
    view of this graph shows a dozen groups rather than forty.
    """
    present = sorted(labels)
    if not present:
        return "(no label)"
    return min(present, key=lambda label: (-counts.get(label, 0), label))


def label_styles(counts: Mapping[str, int]) -> dict[str, LabelStyle]:
    """A colour and shape for every label, stable for one graph's counts."""
    styles = {}
    for index, label in enumerate(rank_labels(counts)):
        styles[label] = LabelStyle(label, PALETTE[index % len(PALETTE)], SHAPES[index % len(SHAPES)])
    styles.setdefault("(no label)", LabelStyle("(no label)", "#555555", "dot"))
    return styles


def node_size(degree: int, max_degree: int) -> float:
    """Area grows with degree (square root), so hubs stand out without hiding their neighbours."""
    if max_degree <= 0:
        return MIN_SIZE
    share = math.sqrt(degree) / math.sqrt(max_degree)
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * share, 1)


def shorten(text: str, limit: int = CAPTION_MAX) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + ELLIPSIS


def node_name(node: Node) -> str:
    """What a reader calls the node: its name, else its key, else label and id."""
    for prop in ("name", "title", "key"):
        value = node.get(prop)
        if isinstance(value, str) and value.strip():
            return value
        if value is not None and not isinstance(value, (list, dict)):
            return str(value)
    labels = ":".join(sorted(node.labels))
    return f"{labels or 'node'} {node.element_id}"


def is_year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def relationship_caption(rel_type: str, year: object) -> str:
    """``SISTER_CITY_OF 2010``: the type, and the year where the relationship has one."""
    return f"{rel_type} {year}" if is_year(year) else rel_type


def node_item(node: Node, group: str) -> dict[str, Any]:
    """What every drawing of a node carries, the static view's and the explorer's: its
    name, the label it is drawn as, its labels, its properties and, when dated, its year."""
    item: dict[str, Any] = {"name": node_name(node), "group": group, "labels": sorted(node.labels),
                            "props": properties_json(node)}
    if is_year(node.get("year")):
        item["year"] = node.get("year")
    return item


def relationship_item(rel: Relationship) -> dict[str, Any]:
    """What every drawing of a relationship carries: its type, properties and, when dated, year."""
    item: dict[str, Any] = {"type": rel.type, "props": properties_json(rel)}
    if is_year(rel.get("year")):
        item["year"] = rel.get("year")
    return item


def legend(counts: Mapping[str, int], styles: Mapping[str, LabelStyle]) -> list[dict[str, Any]]:
    """The legend's entries, most common label first: label, count, colour and shape."""
    return [{"label": label, "count": count, "color": styles[label].color, "shape": styles[label].shape}
            for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if label in styles]
