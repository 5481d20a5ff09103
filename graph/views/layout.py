"""Node positions computed in Python for views too large for in-browser physics.

vis-network's physics simulates every node against the others on each frame;
past a few hundred nodes the browser spends seconds, then tens of seconds,
before the picture settles, and the page does not respond meanwhile. igraph's
Fruchterman–Reingold with grid repulsion runs in C in about O(n) per
iteration: 5,000 nodes and 20,000 relationships take a third of a second
(networkx's spring layout takes 45). The browser then only draws, physics off.

Force layouts push unconnected parts far apart, leaving the main part a speck
in the middle of a huge empty view; so each connected component is laid out
on its own and the components are packed in rows, largest first.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import igraph

#: Median distance from a node to its nearest neighbour, in vis-network units (pixels at
#: zoom 1): room for a short caption under each node once the user zooms in.
NODE_SPACING = 110.0
#: Space between packed components.
GAP = 2 * NODE_SPACING
ITERATIONS = 300
SEED = 20240614

Point = tuple[float, float]


def compute_positions(count: int, edges: Sequence[tuple[int, int]], *,
                      seed: int = SEED) -> list[Point]:
    """Positions for nodes ``0..count-1`` joined by ``edges`` (index pairs), deterministic.

    Every run with the same input gives the same picture: igraph draws its
    random numbers (start positions, displacements) from a generator seeded here,
    which is set for the duration of the call (so: not from two threads at once).
    """
    if count == 0:
        return []
    import igraph  # imported here: only large views need it

    graph = igraph.Graph(n=count, edges=[(a, b) for a, b in edges if a != b], directed=False)
    graph.simplify(multiple=True, loops=True)
    components = sorted(graph.connected_components(), key=lambda c: (-len(c), c[0]))
    igraph.set_random_number_generator(random.Random(seed))
    try:
        shapes = [_component_layout(graph, members) for members in components]
    finally:
        igraph.set_random_number_generator(random)  # igraph's default: the random module
    positions: list[Point] = [(0.0, 0.0)] * count
    for members, points in zip(components, _pack(shapes)):
        for node, point in zip(members, points):
            positions[node] = point
    return positions


def _component_layout(graph: igraph.Graph, members: list[int]) -> list[Point]:
    """One connected component, scaled to NODE_SPACING and with its corner at the origin."""
    if len(members) == 1:
        return [(0.0, 0.0)]
    sub = graph.induced_subgraph(members)
    # Start positions are igraph's own (random, in its default area): chosen by us, a much
    # larger or smaller area makes the grid repulsion 2 to 10 times slower.
    coords = sub.layout_fruchterman_reingold(niter=ITERATIONS, grid=len(members) > 200).coords
    points = [(float(x), float(y)) for x, y in coords]
    left, top = min(x for x, _ in points), min(y for _, y in points)
    factor = NODE_SPACING / max(_typical_spacing(points), 1e-9)
    return [((x - left) * factor, (y - top) * factor) for x, y in points]


def _typical_spacing(points: list[Point]) -> float:
    """The median distance from a node to its nearest neighbour, found through a grid of buckets.

    Neither the mean relationship length (long in dense graphs) nor the area per node
    (near zero for a chain laid out on a line) says how close labels will be; this does.
    """
    left, top = min(x for x, _ in points), min(y for _, y in points)
    extent = max(max(x for x, _ in points) - left, max(y for _, y in points) - top, 1e-9)
    cell = extent / math.sqrt(len(points))
    buckets: dict[tuple[int, int], list[Point]] = {}
    for x, y in points:
        buckets.setdefault((int((x - left) / cell), int((y - top) / cell)), []).append((x, y))
    nearest = []
    for x, y in points:
        cx, cy = int((x - left) / cell), int((y - top) / cell)
        best, ring = math.inf, 1
        while True:
            for i in range(cx - ring, cx + ring + 1):
                for j in range(cy - ring, cy + ring + 1):
                    for other in buckets.get((i, j), ()):
                        d = math.dist((x, y), other)
                        if 0 < d < best:
                            best = d
            # a neighbour within ``ring`` cells is certain to be the nearest only if closer than that
            if best <= ring * cell or ring * cell > extent:
                break
            ring += 1
        if best < math.inf:
            nearest.append(best)
    return statistics.median(nearest) if nearest else 1.0


def _pack(shapes: list[list[Point]]) -> list[list[Point]]:
    """Place components in rows (shelves), largest first, and centre the whole on the origin."""
    sizes = [(max(x for x, _ in s), max(y for _, y in s)) for s in shapes]
    total = sum((w + GAP) * (h + GAP) for w, h in sizes)
    row_width = max(math.sqrt(total), sizes[0][0] if sizes else 0.0)
    placed, x, y, row_height = [], 0.0, 0.0, 0.0
    for shape, (w, h) in zip(shapes, sizes):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + GAP, 0.0
        placed.append([(px + x, py + y) for px, py in shape])
        x += w + GAP
        row_height = max(row_height, h)
    every = [p for shape in placed for p in shape]
    cx = (min(p[0] for p in every) + max(p[0] for p in every)) / 2
    cy = (min(p[1] for p in every) + max(p[1] for p in every)) / 2
    return [[(round(px - cx, 1), round(py - cy, 1)) for px, py in shape] for shape in placed]
