"""From a subgraph to the data a view draws: styled, captioned, laid out, JSON-ready.

Everything a page needs is computed here, in Python, where it can be tested
without a browser: which label a node is drawn as, its colour, shape and size,
the year range, the caption, and, for large views, the positions. The page's
script only turns this data into vis-network items and wires the controls.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.views.layout import compute_positions
from relgraph.graph.views.limits import Limits, Trim
from relgraph.graph.views.style import (
    drawn_groups,
    group_label,
    label_styles,
    legend,
    node_item,
    node_size,
    relationship_item,
)


@dataclass
class ViewData:
    """The content of one view; ``to_json`` is what the page receives."""

    title: str
    caption: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    types: list[dict[str, Any]] = field(default_factory=list)
    years: tuple[int, int] | None = None
    #: sourceId -> source name, for the citations in the side panel
    sources: dict[str, str] = field(default_factory=dict)
    physics: bool = True
    #: seconds spent computing positions in Python (0 when the browser lays the view out)
    layout_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "caption": self.caption, "physics": self.physics,
            "years": list(self.years) if self.years else None, "sources": self.sources,
            "groups": self.groups, "types": self.types, "nodes": self.nodes, "edges": self.edges,
        }


def describe_sources(subgraph: Subgraph, source_names: Mapping[str, str]) -> str:
    """'South Korea–Uzbekistan relations' from the ``sourceId`` of the facts in the view."""
    ids = Counter(str(e.get("sourceId")) for e in [*subgraph.nodes, *subgraph.relationships]
                  if e.get("sourceId") is not None)
    if not ids:
        return "no source recorded"
    names = [source_names.get(source_id, source_id) for source_id, _ in ids.most_common()]
    shown = "; ".join(names[:3])
    return shown + (f" and {len(names) - 3} more sources" if len(names) > 3 else "")


def build_view(subgraph: Subgraph, *, title: str | None = None,
               label_counts: Mapping[str, int] | None = None,
               group_labels: Collection[str] | None = None,
               source_names: Mapping[str, str] | None = None,
               limits: Limits | None = None, trim: Trim | None = None,
               graph_size: tuple[int, int] | None = None) -> ViewData:
    """Style, caption and (past the physics threshold) lay out ``subgraph``.

    ``label_counts`` and ``group_labels`` (the labels its nodes are drawn as,
    :func:`~relgraph.graph.views.of_store.graph_groups`), both of the whole graph, keep
    colours the same across views of one graph and distinct within each; ``graph_size``
    (nodes, relationships of the whole graph) lets the caption say how much of it the
    view shows.
    """
    limits = limits or Limits()
    nodes, rels, _ = subgraph.ordered()
    counts = dict(label_counts) if label_counts else dict(Counter(lb for n in nodes for lb in n.labels))
    if group_labels is None and not label_counts:
        group_labels = drawn_groups((n.labels for n in nodes), counts)
    styles = label_styles(counts, group_labels)

    index = {node.element_id: i for i, node in enumerate(nodes)}
    degree: Counter[int] = Counter()
    for rel in rels:
        degree[index[rel.start_node.element_id]] += 1
        degree[index[rel.end_node.element_id]] += 1
    max_degree = max(degree.values(), default=0)

    view_nodes = []
    group_counts: Counter[str] = Counter()
    for i, node in enumerate(nodes):
        group = group_label(node.labels, counts)
        group_counts[group] += 1
        view_nodes.append({"id": i, **node_item(node, group),
                           "size": node_size(degree[i], max_degree), "degree": degree[i]})

    view_edges = []
    parallel: dict[frozenset[int], int] = defaultdict(int)
    pairs = Counter(frozenset((index[r.start_node.element_id], index[r.end_node.element_id])) for r in rels)
    for i, rel in enumerate(rels):
        start, end = index[rel.start_node.element_id], index[rel.end_node.element_id]
        item = {"id": i, "from": start, "to": end, **relationship_item(rel)}
        pair = frozenset((start, end))
        if pairs[pair] > 1 and start != end:
            # parallel relationships would be drawn on top of each other: bend each a bit more
            parallel[pair] += 1
            item["curve"] = round(0.15 * parallel[pair], 2)
        view_edges.append(item)

    years: list[int] = [item[field] for item in (*view_nodes, *view_edges) for field in ("year", "yearTo")
                        if field in item]
    physics = len(view_nodes) <= limits.physics_max_nodes
    layout_seconds = 0.0
    if not physics:
        started = time.perf_counter()
        positions = compute_positions(len(view_nodes), [(e["from"], e["to"]) for e in view_edges])
        layout_seconds = time.perf_counter() - started
        for item, (x, y) in zip(view_nodes, positions):
            item["x"], item["y"] = x, y

    groups = legend(group_counts, styles)
    type_counts = Counter(e["type"] for e in view_edges)
    types = [{"type": t, "count": c} for t, c in sorted(type_counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    sources = describe_sources(subgraph, source_names or {})
    caption = _caption(sources, subgraph.description, len(view_nodes), len(view_edges), graph_size, trim)
    return ViewData(title=title or _default_title(sources), caption=caption, nodes=view_nodes,
                    edges=view_edges, groups=groups, types=types,
                    years=(min(years), max(years)) if years else None,
                    sources=_cited(subgraph, source_names or {}), physics=physics,
                    layout_seconds=layout_seconds)


def _cited(subgraph: Subgraph, source_names: Mapping[str, str]) -> dict[str, str]:
    """The names of the sources the view's facts cite, for the panel's citations."""
    cited = {str(e.get("sourceId")) for e in [*subgraph.nodes, *subgraph.relationships]
             if e.get("sourceId") is not None}
    return {key: name for key, name in sorted(source_names.items()) if key in cited}


def _default_title(sources: str) -> str:
    return sources if sources != "no source recorded" else "relgraph view"


def _caption(sources: str, selection: str, nodes: int, rels: int,
             graph_size: tuple[int, int] | None, trim: Trim | None) -> str:
    """Source, filter and counts, in one sentence a reader can check against the picture."""
    shown = f"{nodes:,} node{'s' if nodes != 1 else ''} and {rels:,} relationship{'s' if rels != 1 else ''}"
    if graph_size and graph_size != (nodes, rels):
        shown += f" of {graph_size[0]:,} and {graph_size[1]:,} in the graph"
    text = f"Source: {sources}. Selection: {selection or 'whole graph'}. {shown[0].upper()}{shown[1:]}."
    if trim:
        text += f" Left out (--max-nodes): {trim.describe()}."
    return text
