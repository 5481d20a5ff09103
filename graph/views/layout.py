"""Node positions computed in Python for views too large for in-browser physics.

vis-network's physics simulates every node against every other on each frame
(Barnes–Hut, so O(n log n)); past a few hundred nodes the browser spends
seconds, then tens of seconds, before the picture settles, and the page does
not respond meanwhile. igraph's Fruchterman–Reingold with grid repulsion runs
in C in O(n) per iteration: 5,000 nodes and 20,000 relationships take about a
quarter of a second. The browser then only draws, with physics off.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence

#: Mean drawn length of a relationship, in vis-network units (pixels at zoom 1): long
#: enough for a caption of a dozen characters between two nodes.
EDGE_LENGTH = 140.0
ITERATIONS = 300
SEED = 20240614


def compute_positions(count: int, edges: Sequence[tuple[int, int]], *,
                      seed: int = SEED) -> list[tuple[float, float]]:
    """Positions for nodes ``0..count-1`` joined by ``edges`` (index pairs), deterministic.

    Every run with the same input gives the same picture: the start positions
    come from a seeded generator, and the algorithm itself draws no random numbers.
    """
    if count == 0:
        return []
    if count == 1:
        return [(0.0, 0.0)]
    import igraph  # imported here: only large views need it, and it takes a moment to load

    rng = random.Random(seed)
    spread = math.sqrt(count) * 10
    start = [[rng.uniform(-spread, spread), rng.uniform(-spread, spread)] for _ in range(count)]
    graph = igraph.Graph(n=count, edges=[(a, b) for a, b in edges if a != b], directed=False)
    graph.simplify(multiple=True, loops=True)
    layout = graph.layout_fruchterman_reingold(seed=start, niter=ITERATIONS, grid=True)
    return _scaled([(float(x), float(y)) for x, y in layout.coords], edges)


def _scaled(points: list[tuple[float, float]],
            edges: Sequence[tuple[int, int]]) -> list[tuple[float, float]]:
    """Centre the drawing and scale it so the median relationship is EDGE_LENGTH long."""
    lengths = [math.dist(points[a], points[b]) for a, b in edges if a != b]
    lengths = [length for length in lengths if length > 0]
    if lengths:
        factor = EDGE_LENGTH / statistics.median(lengths)
    else:  # no relationships: spread the nodes on a grid-like area instead
        width = max(max(abs(c) for p in points for c in p), 1e-9)
        factor = EDGE_LENGTH * math.sqrt(len(points)) / (2 * width)
    cx = statistics.fmean(p[0] for p in points)
    cy = statistics.fmean(p[1] for p in points)
    return [(round((x - cx) * factor, 1), round((y - cy) * factor, 1)) for x, y in points]
