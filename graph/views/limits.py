"""What a browser can draw and stay responsive, and what to drop when asked to.

A view never loses nodes silently: a selection over the limits is refused with
a message that says what ``--max-nodes`` would drop, and a trim that the user
asked for is described in the view's caption and on stderr.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from relgraph.graph.values.errors import RelgraphError
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.views.style import group_label

#: Up to this many nodes vis-network lays the view out itself (physics); beyond, Python does.
PHYSICS_MAX_NODES = 200
#: Measured in bench/view_scale.py: 5,000 nodes and 20,000 relationships open in about
#: two seconds and pan and zoom smoothly in headless Chromium on two cores.
DEFAULT_MAX_NODES = 5000
RELATIONSHIPS_PER_NODE = 4


class ViewTooLarge(RelgraphError):
    """The selection exceeds the limits; the message says what to drop and how."""


@dataclass(frozen=True)
class Limits:
    max_nodes: int = DEFAULT_MAX_NODES
    physics_max_nodes: int = PHYSICS_MAX_NODES

    @property
    def max_relationships(self) -> int:
        return self.max_nodes * RELATIONSHIPS_PER_NODE


@dataclass(frozen=True)
class Trim:
    """What ``keep_best_connected`` dropped, for the caption and the status line."""

    nodes_before: int
    relationships_before: int
    nodes_dropped: int
    relationships_dropped: int
    dropped_by_label: dict[str, int]

    def describe(self) -> str:
        labels = ", ".join(f"{label} {count:,}" for label, count in self.dropped_by_label.items())
        return (f"the {self.nodes_dropped:,} least-connected of {self.nodes_before:,} nodes"
                f"{f' ({labels})' if labels else ''} and {self.relationships_dropped:,} of "
                f"{self.relationships_before:,} relationships")


def _ranked(subgraph: Subgraph) -> list[str]:
    """Element ids by degree, highest first; ties in canonical (export id) order."""
    degree: Counter[str] = Counter()
    for rel in subgraph.relationships:
        degree[rel.start_node.element_id] += 1
        degree[rel.end_node.element_id] += 1
    ids = subgraph.export_ids()
    return sorted(ids, key=lambda eid: (-degree[eid], ids[eid]))


def keep_best_connected(subgraph: Subgraph, count: int,
                        label_counts: Mapping[str, int] | None = None) -> tuple[Subgraph, Trim | None]:
    """The ``count`` nodes with the most relationships, and the relationships among them."""
    if len(subgraph.nodes) <= count:
        return subgraph, None
    kept = set(_ranked(subgraph)[:count])
    nodes = [n for n in subgraph.nodes if n.element_id in kept]
    rels = [r for r in subgraph.relationships
            if r.start_node.element_id in kept and r.end_node.element_id in kept]
    counts = label_counts or Counter(label for n in subgraph.nodes for label in n.labels)
    dropped = Counter(group_label(n.labels, counts) for n in subgraph.nodes if n.element_id not in kept)
    trim = Trim(len(subgraph.nodes), len(subgraph.relationships), len(subgraph.nodes) - len(nodes),
                len(subgraph.relationships) - len(rels),
                dict(sorted(dropped.items(), key=lambda item: (-item[1], item[0]))))
    description = f"{subgraph.description}; the {len(nodes):,} best-connected nodes"
    return Subgraph.of(nodes, rels, description), trim


def largest_fitting(subgraph: Subgraph, limits: Limits) -> int:
    """The most best-connected nodes whose relationships stay within the limits."""
    rank = {eid: index for index, eid in enumerate(_ranked(subgraph))}
    # a relationship is kept once both ends are kept: from the later-ranked end on
    needed = sorted(max(rank[r.start_node.element_id], rank[r.end_node.element_id]) + 1
                    for r in subgraph.relationships)
    best = min(len(subgraph.nodes), limits.max_nodes)
    if len(needed) > limits.max_relationships:
        # the (max + 1)-th relationship arrives with node number needed[max]: stop before it
        best = min(best, needed[limits.max_relationships] - 1)
    return best


def check_size(subgraph: Subgraph, limits: Limits, *, explicit: bool = False) -> None:
    """Refuse a selection the browser cannot draw responsively, saying what would be dropped."""
    nodes, rels = len(subgraph.nodes), len(subgraph.relationships)
    if nodes <= limits.max_nodes and rels <= limits.max_relationships:
        return
    fitting = largest_fitting(subgraph, limits)
    _, trim = keep_best_connected(subgraph, fitting)
    drop = f"drop {trim.describe()}" if trim else "drop nothing"
    if explicit:
        head = (f"the {nodes:,} nodes that --max-nodes {limits.max_nodes} keeps have {rels:,} "
                f"relationships among them; a view of {limits.max_nodes:,} nodes holds at most "
                f"{limits.max_relationships:,} ({RELATIONSHIPS_PER_NODE} per node) to stay responsive.")
    else:
        head = (f"the selection has {nodes:,} nodes and {rels:,} relationships; a view holds at most "
                f"{limits.max_nodes:,} nodes and {limits.max_relationships:,} relationships "
                f"({RELATIONSHIPS_PER_NODE} per node) to stay responsive.")
    raise ViewTooLarge(
        f"{head}\n"
        f"--max-nodes {fitting} would keep the {fitting:,} best-connected nodes and {drop}.\n"
        "Narrow the selection with --around NAME --depth N, --labels, --years or --query, "
        f"or pass --max-nodes {fitting} to drop the least-connected nodes."
    )
