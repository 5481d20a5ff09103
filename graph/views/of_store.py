"""A view of a subgraph of a store: what ``relgraph view``, the Python API and the explorer share.

Building view data needs more than the subgraph: the label counts of the whole graph
and the labels its nodes are drawn as (so a label keeps its colour in every view of one
graph, and no two labels of a legend share one), the names of the sources the
facts cite, the size of the whole graph for the caption, and the limits a browser can
draw. :func:`view_of_store` gathers those from the store once and applies ``max_nodes``
by keeping the best-connected nodes, saying what it left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from relgraph.graph.store import GraphStore
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.views.data import ViewData, build_view
from relgraph.graph.views.limits import DEFAULT_MAX_NODES, Limits, Trim, check_size, keep_best_connected
from relgraph.graph.views.style import drawn_groups


def source_names(store: GraphStore) -> dict[str, str]:
    """sourceId -> the source's name, for the citations in the details panel."""
    return {str(n.get("key")): str(n.get("name") or n.get("key")) for n in store.nodes(["Source"])}


def graph_groups(store: GraphStore, label_counts: Mapping[str, int]) -> set[str]:
    """The labels the nodes of the whole graph are drawn as: these get the palette's colours
    first, so that no two entries of a view's legend share one. One pass over the nodes,
    counted by the store (each distinct combination of labels comes back once)."""
    return drawn_groups(store.label_sets(), label_counts)


def view_of_store(store: GraphStore, subgraph: Subgraph, *, title: str | None = None,
                  max_nodes: int | None = None) -> tuple[ViewData, Trim | None]:
    """View data for ``subgraph``; with ``max_nodes`` the best-connected nodes are kept, else a
    subgraph beyond the default limits raises ViewTooLarge saying what ``max_nodes`` would drop."""
    counts = store.counts()
    limits = Limits(max_nodes=max_nodes or DEFAULT_MAX_NODES)
    trim = None
    if max_nodes:
        subgraph, trim = keep_best_connected(subgraph, max_nodes, counts.labels)
    check_size(subgraph, limits, explicit=bool(max_nodes))
    view = build_view(subgraph, title=title, label_counts=counts.labels,
                      group_labels=graph_groups(store, counts.labels), source_names=source_names(store),
                      limits=limits, trim=trim, graph_size=(counts.nodes, counts.relationships))
    return view, trim
