"""How a node or relationship looks: colour and shape per label, size per degree, captions.

Colours and shapes are assigned from label counts of the whole graph when the
caller has them, so that ``Person`` has the same colour in every view of one
graph, whatever the selection; the view's own counts are the fallback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.jsonable import properties_json

#: One colour per legend entry, distinguishable on white: Okabe–Ito's eight (chosen for the
#: common colour-vision deficiencies) without black, then Paul Tol's muted scheme without
#: what looks like an earlier entry. Any two of the 16 differ by a CIE76 ΔE of 21 or more,
#: the most common groups first. Colours go to the labels nodes are drawn as (a graph of
#: this project's data has 13), so a view's legend never shows one colour twice; shapes,
#: handed out alongside, tell entries apart past the 16th.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#882255", "#999933",
    "#332288", "#7F7F7F", "#F0E442", "#8C564B", "#AA4499", "#117733", "#DDCC77", "#CC6677",
)
#: vis-network shapes that draw their caption below and scale with ``size``. The count
#: (7) is coprime with the palette's (16), so the first 112 labels get distinct pairs.
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


def drawn_groups(label_sets: Iterable[Iterable[str]], counts: Mapping[str, int]) -> set[str]:
    """The labels some node of ``label_sets`` (each node's labels) is drawn as."""
    return {group_label(labels, counts) for labels in label_sets}


def label_styles(counts: Mapping[str, int], groups: Collection[str] | None = None) -> dict[str, LabelStyle]:
    """A colour and shape for every label, stable for one graph's counts.

    With ``groups`` (:func:`drawn_groups` of the whole graph), those labels get the
    palette first: a label no node is drawn as (``Visit``, drawn as ``Event``) would
    otherwise take a colour, and a rare group further down would share one with a
    common group in the same legend (``Technology`` and ``Event``).
    """
    ranked = rank_labels(counts)
    if groups is not None:
        first = set(groups)
        ranked = sorted(ranked, key=lambda label: label not in first)  # stable: rank order kept
    styles = {label: LabelStyle(label, PALETTE[index % len(PALETTE)], SHAPES[index % len(SHAPES)])
              for index, label in enumerate(ranked)}
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


#: A name's last parenthesis that holds a year: "(1992)", "(January 2016)".
_DATED_END = re.compile(r"(?P<head>.*?)\s*(?P<tail>\([^()]*\b\d{4}\b[^()]*\))")


def node_caption(name: str, year: object = None, limit: int = CAPTION_MAX) -> str:
    """The caption under a node: its name in at most ``limit`` characters, the year (or the
    range of years, as text) kept.

    Many names differ only in their end ("Islam Karimov's official visit to South Korea
    (1992)", "... (1995)"): cut from the end, eight of them would read the same. So a
    year the name ends with stays and the middle is cut; a dated node whose name does
    not say the year gets it added, as the tooltip and the details panel show it.
    """
    flat = " ".join(name.split())
    dated = _DATED_END.fullmatch(flat)
    if dated and dated["head"] and len(dated["tail"]) <= limit // 2:
        head, tail = dated["head"], dated["tail"]
    elif (is_year(year) or isinstance(year, str)) and str(year) not in shorten(flat, limit):
        head, tail = flat, f"({year})"
    else:
        return shorten(flat, limit)
    return f"{shorten(head, max(limit - len(tail) - 1, 1))} {tail}"


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


def years_of(entity: Node | Relationship) -> tuple[int, int] | None:
    """The years an entity is dated to: ``year``, or an uncertain date's ``yearFrom``..``yearTo``
    (docs/schema.md), or None."""
    year, first, last = entity.get("year"), entity.get("yearFrom"), entity.get("yearTo")
    if is_year(year):
        return year, year
    if is_year(first) and is_year(last) and first <= last:
        return first, last
    return None


def _dated(item: dict[str, Any], entity: Node | Relationship) -> dict[str, Any]:
    """``item`` with ``year`` (and ``yearTo`` for a range), which the year filters of the view
    and the explorer compare with the range asked for: a range is shown when it overlaps."""
    years = years_of(entity)
    if years is not None:
        item["year"] = years[0]
        if years[1] != years[0]:
            item["yearTo"] = years[1]
    return item


def node_item(node: Node, group: str) -> dict[str, Any]:
    """What every drawing of a node carries, the static view's and the explorer's: its
    name and caption, the label it is drawn as, its labels, its properties and, when dated, its years."""
    name = node_name(node)
    years = years_of(node)
    when = None if years is None else years[0] if years[0] == years[1] else f"{years[0]}–{years[1]}"
    item: dict[str, Any] = {"name": name, "caption": node_caption(name, when), "group": group,
                            "labels": sorted(node.labels), "props": properties_json(node)}
    return _dated(item, node)


def relationship_item(rel: Relationship) -> dict[str, Any]:
    """What every drawing of a relationship carries: its type, properties and, when dated, years."""
    return _dated({"type": rel.type, "props": properties_json(rel)}, rel)


def legend(counts: Mapping[str, int], styles: Mapping[str, LabelStyle]) -> list[dict[str, Any]]:
    """The legend's entries, most common label first: label, count, colour and shape."""
    return [{"label": label, "count": count, "color": styles[label].color, "shape": styles[label].shape}
            for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if label in styles]
