"""Path searches for shortest paths and path selectors, independent of the pattern machinery.

The matcher hands in what a search needs as functions: ``neighbours(node, forward)``
lists ``(relationship, other node)`` pairs in the pattern's direction (``forward``
False walks it backwards, from the end node), ``rel_ok(rel)`` says whether a
relationship may be used at all (types are already applied by ``neighbours``; this
covers relationships used elsewhere in the MATCH and the per-relationship predicates
Neo4j checks during the search), and ``tick`` lets a time limit or a cancel stop a
long search.

Why two algorithms:

* :func:`shortest_paths` is a bidirectional breadth-first search that always grows
  the smaller frontier, as Neo4j's shortestPath does: on a graph where a node has ten
  neighbours two searches of depth three meet after visiting some thousands of nodes,
  where one search of depth six would visit the whole graph. A shortest walk never
  repeats a relationship, so it is also the shortest trail Cypher asks for.
* :func:`trails_by_length` yields every trail between two nodes in order of length,
  for what a breadth-first search cannot answer: the k shortest (``SHORTEST k``),
  ``SHORTEST k GROUPS`` and shortest paths under a predicate on the whole path
  (Neo4j's exhaustive fallback). It deepens one length at a time and prunes with the
  distance to the end node (a lower bound measured backwards from it, out to half the
  length), so it only walks prefixes that can still reach the end in time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

Neighbours = Callable[[int, bool], list[tuple[int, int]]]
RelOk = Callable[[int], bool]
Trail = tuple[list[int], list[int]]  # (relationship ids, node ids), from start to end


class _Layers:
    """One side of a breadth-first search: distances and every parent edge at that distance."""

    def __init__(self, origin: int, forward: bool):
        self.forward = forward
        self.dist: dict[int, int] = {origin: 0}
        self.parents: dict[int, list[tuple[int, int]]] = {origin: []}
        self.frontier = [origin]
        self.depth = 0

    def grow(self, neighbours: Neighbours, rel_ok: RelOk, tick: Callable[[], None]) -> list[int]:
        """Expand one whole layer; returns the nodes first reached in it."""
        self.depth += 1
        depth, dist, parents = self.depth, self.dist, self.parents
        new: list[int] = []
        for cur in self.frontier:
            for rid, other in neighbours(cur, self.forward):
                tick()
                seen = dist.get(other)
                if seen is not None and seen < depth:
                    continue
                if not rel_ok(rid):
                    continue
                if seen is None:
                    dist[other] = depth
                    parents[other] = []
                    new.append(other)
                parents[other].append((rid, cur))
        self.frontier = new
        return new

    def walks(self, node: int, all_paths: bool) -> Iterator[Trail]:
        """Shortest walks from the origin to ``node`` (towards the origin), iteratively:
        a path can be as long as the graph."""
        pending: list[tuple[int, list[int], list[int]]] = [(node, [], [node])]
        while pending:
            cur, rels, nodes = pending.pop()
            if not self.parents[cur]:
                yield rels, nodes
                continue
            options = self.parents[cur] if all_paths else self.parents[cur][:1]
            for rid, prev in reversed(options):
                pending.append((prev, [*rels, rid], [*nodes, prev]))


def shortest_paths(a: int, b: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None,
                   all_paths: bool, tick: Callable[[], None], limit: int | None = None) -> list[Trail]:
    """The shortest path (or all of them, or ``limit`` of them) from ``a`` to ``b`` no longer
    than ``hi`` hops."""
    if a == b:
        return [([], [a])] if lo == 0 else []
    fwd, bwd = _Layers(a, True), _Layers(b, False)
    while fwd.frontier and bwd.frontier and (hi is None or fwd.depth + bwd.depth < hi):
        side, other = (fwd, bwd) if len(fwd.frontier) <= len(bwd.frontier) else (bwd, fwd)
        new = side.grow(neighbours, rel_ok, tick)
        met = [n for n in new if n in other.dist]
        if not met:
            continue
        best = min(side.depth + other.dist[n] for n in met)
        if best < lo:
            return []
        found: list[Trail] = []
        for n in met:
            if side.depth + other.dist[n] != best:
                continue
            for f_rels, f_nodes in fwd.walks(n, all_paths):  # n back to a
                for b_rels, b_nodes in bwd.walks(n, all_paths):  # n on to b
                    found.append((f_rels[::-1] + b_rels, f_nodes[::-1] + b_nodes[1:]))
                    if not all_paths or (limit is not None and len(found) >= limit):
                        return found
        return found
    return []


def trails_by_length(a: int, b: int | None, neighbours: Neighbours, rel_ok: RelOk, lo: int,
                     hi: int | None, tick: Callable[[], None], connected: bool = False) -> Iterator[Trail]:
    """Every trail (no relationship twice) from ``a`` to ``b``, shortest first; with ``b``
    None, every trail from ``a`` to anywhere. Stops when no trail can be longer.
    ``connected``: the caller knows a path joins them (saves the check)."""
    reach: _Layers | None = None
    if b is not None:
        if not connected and a != b and not shortest_paths(a, b, neighbours, rel_ok, 0, hi, False, tick):
            return  # not connected within the bounds: nothing to deepen towards
        reach = _Layers(b, False)
    length = lo
    while hi is None or length <= hi:
        if reach is not None:
            while reach.frontier and reach.depth < (length + 1) // 2:
                reach.grow(neighbours, rel_ok, tick)
        found, longer = _trails_of_length(a, b, length, neighbours, rel_ok, reach, tick)
        yield from found
        if not longer:
            return
        length += 1


def _trails_of_length(a: int, b: int | None, length: int, neighbours: Neighbours, rel_ok: RelOk,
                      reach: _Layers | None, tick: Callable[[], None]) -> tuple[list[Trail], bool]:
    """Trails of exactly ``length`` hops, and whether any trail prefix reached that length
    (if none did, no longer trail exists either). A stack of neighbour iterators, one per hop."""
    if length == 0:
        return ([([], [a])] if b is None or a == b else []), True
    beyond = reach.depth + 1 if reach is not None else 0  # lower bound outside the measured ball
    found: list[Trail] = []
    rels: list[int] = []
    in_trail: set[int] = set()
    nodes = [a]
    longer = False
    stack = [iter(neighbours(a, True))]
    while stack:
        hop = next(stack[-1], None)
        if hop is None:
            stack.pop()
            if rels:
                in_trail.discard(rels.pop())
                nodes.pop()
            continue
        rid, other = hop
        tick()
        if rid in in_trail or not rel_ok(rid):
            continue
        left = length - len(rels) - 1
        if reach is not None and reach.dist.get(other, beyond) > left:
            if left == 0 or reach.frontier or other in reach.dist:
                continue  # cannot reach b in the hops left
            # reach measured b's whole component and ``other`` is outside it: unreachable
            continue
        if left == 0:
            longer = True
            if b is None or other == b:
                found.append(([*rels, rid], [*nodes, other]))
            continue
        rels.append(rid)
        in_trail.add(rid)
        nodes.append(other)
        stack.append(iter(neighbours(other, True)))
    if reach is not None and not longer:
        longer = _any_prefix_of(a, length, neighbours, rel_ok, tick)
    return found, longer


def _any_prefix_of(a: int, length: int, neighbours: Neighbours, rel_ok: RelOk,
                   tick: Callable[[], None]) -> bool:
    """Whether some trail from ``a`` has ``length`` hops: when pruning towards the end node
    found none of that length, a longer one may still exist only if some trail is this long."""
    rels: list[int] = []
    in_trail: set[int] = set()
    stack = [iter(neighbours(a, True))]
    while stack:
        hop = next(stack[-1], None)
        if hop is None:
            stack.pop()
            if rels:
                in_trail.discard(rels.pop())
            continue
        rid, other = hop
        tick()
        if rid in in_trail or not rel_ok(rid):
            continue
        if len(rels) + 1 >= length:
            return True
        rels.append(rid)
        in_trail.add(rid)
        stack.append(iter(neighbours(other, True)))
    return False


def first_accepted(trails: Iterator[Trail], accepts: Callable[[Trail], bool], all_paths: bool) -> list[Trail]:
    """The shortest trails ``accepts`` takes (the first, or all of that length): Neo4j's
    fallback when a condition on the whole path cannot be checked during the search."""
    found: list[Trail] = []
    for trail in trails:
        if found and len(trail[0]) > len(found[0][0]):
            break
        if accepts(trail):
            found.append(trail)
            if not all_paths:
                break
    return found


Search = Callable[[int, int, Neighbours, RelOk, int, "int | None", int, Callable[[], None]], list[Trail]]


def _legacy(a: int, b: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None, k: int,
            tick: Callable[[], None]) -> list[Trail]:
    return shortest_paths(a, b, neighbours, rel_ok, lo, hi, False, tick)


def _legacy_all(a: int, b: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None, k: int,
                tick: Callable[[], None]) -> list[Trail]:
    return shortest_paths(a, b, neighbours, rel_ok, lo, hi, True, tick)


def _breadth_first_answers(a: int, b: int, lo: int) -> bool:
    """Whether the shortest walk is the answer: it is a trail of at least ``lo`` hops unless
    the ends are one node (then the answer is a cycle, which a breadth-first search skips)."""
    return lo <= 1 and a != b


def _shortest_k(a: int, b: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None, k: int,
                tick: Callable[[], None]) -> list[Trail]:
    """``SHORTEST k`` (and ``ANY k``: the shortest k are as good as any k). The shortest
    trails come from the breadth-first search, which is much cheaper than deepening;
    only if there are fewer than k of them are longer ones enumerated."""
    if k <= 0:
        return []
    found: list[Trail] = []
    if _breadth_first_answers(a, b, lo):
        found = shortest_paths(a, b, neighbours, rel_ok, lo, hi, True, tick, limit=k)
        if len(found) >= k or not found:
            return found
        lo = len(found[0][0]) + 1
    if hi is None or lo <= hi:
        for trail in trails_by_length(a, b, neighbours, rel_ok, lo, hi, tick, connected=bool(found)):
            found.append(trail)
            if len(found) >= k:
                break
    return found


def _groups(a: int, b: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None, k: int,
            tick: Callable[[], None]) -> list[Trail]:
    """``SHORTEST k GROUPS``: every trail of the k shortest lengths there are trails of."""
    if k <= 0:
        return []
    found: list[Trail] = []
    groups = 0
    if _breadth_first_answers(a, b, lo):
        found = shortest_paths(a, b, neighbours, rel_ok, lo, hi, True, tick)
        if k == 1 or not found:
            return found
        groups, lo = 1, len(found[0][0]) + 1
    trails = trails_by_length(a, b, neighbours, rel_ok, lo, hi, tick, connected=bool(found)) \
        if hi is None or lo <= hi else iter(())
    for trail in trails:
        if not found or len(trail[0]) > len(found[-1][0]):
            groups += 1
            if groups > k:
                break
        found.append(trail)
    return found


def _all_shortest(a: int, b: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None, k: int,
                  tick: Callable[[], None]) -> list[Trail]:
    return _groups(a, b, neighbours, rel_ok, lo, hi, 1, tick)


#: The search per selector (ast.PatternPart.selector; "legacy" is shortestPath(), "legacy all"
#: allShortestPaths()): each returns the trails from ``a`` to ``b`` the selector keeps.
SELECTORS: dict[str, Search] = {
    "legacy": _legacy,
    "legacy all": _legacy_all,
    "shortest": _shortest_k,
    "any": _shortest_k,
    "groups": _groups,
    "all shortest": _all_shortest,
}


def reachable(start: int, neighbours: Neighbours, rel_ok: RelOk, hi: int | None, undirected: bool,
              tick: Callable[[], None]) -> list[int]:
    """The nodes some trail of 1 to ``hi`` hops leads to from ``start``, each once.

    For another node that is its distance (a shortest walk is a trail), so one breadth-first
    search answers. ``start`` itself needs a closed trail: in a directed search, an edge back
    to it from a node at distance d closes one of d + 1 hops; undirected, a closed trail
    through ``start`` exists exactly when some edge outside the search tree joins two
    different branches of it at ``start`` (or comes back to ``start`` not along the tree
    edge), and with a length bound a bounded search decides."""
    dist = {start: 0}
    branch: dict[int, int] = {start: -1}  # the first relationship of the tree path to each node
    tree_edge: dict[int, int] = {start: -1}
    order: list[int] = []
    closed = False
    frontier = [start]
    depth = 0
    while frontier and (hi is None or depth < hi):
        depth += 1
        nxt: list[int] = []
        for cur in frontier:
            for rid, other in neighbours(cur, True):
                tick()
                if not rel_ok(rid):
                    continue
                if other not in dist:
                    dist[other] = depth
                    branch[other] = rid if cur == start else branch[cur]
                    tree_edge[other] = rid
                    order.append(other)
                    nxt.append(other)
                elif closed or rid == tree_edge[other] or rid == tree_edge[cur]:
                    continue
                elif other == start:
                    closed = closed or not undirected or hi is None or depth <= hi
                elif undirected and branch[other] != branch[cur] and hi is None:
                    closed = True
        frontier = nxt
    if not closed and undirected and hi is not None:
        closed = _closed_trail(start, neighbours, rel_ok, hi, tick)
    return [start, *order] if closed else order


def _closed_trail(start: int, neighbours: Neighbours, rel_ok: RelOk, hi: int,
                  tick: Callable[[], None]) -> bool:
    """Whether a trail of 1 to ``hi`` hops leads from ``start`` back to it (depth-first)."""
    in_trail: set[int] = set()
    rels: list[int] = []
    stack = [iter(neighbours(start, True))]
    while stack:
        hop = next(stack[-1], None)
        if hop is None:
            stack.pop()
            if rels:
                in_trail.discard(rels.pop())
            continue
        rid, other = hop
        tick()
        if rid in in_trail or not rel_ok(rid):
            continue
        if other == start:
            return True
        if len(rels) + 1 < hi:
            rels.append(rid)
            in_trail.add(rid)
            stack.append(iter(neighbours(other, True)))
    return False


def from_one(a: int, neighbours: Neighbours, rel_ok: RelOk, lo: int, hi: int | None, selector: str,
             k: int, undirected: bool, tick: Callable[[], None]) -> Iterator[Trail]:
    """A selector's trails from ``a`` to every node, when the pattern leaves the end open
    (``SHORTEST 1 (a {key: $k})-[:R]-+(b)``): selecting per pair of end nodes, as Neo4j
    does, without a search per candidate end. For one shortest trail per end (or all of the
    shortest) one breadth-first search from ``a`` answers for every end; otherwise each
    reachable end gets its own search."""
    search = SELECTORS[selector]
    ends = reachable(a, neighbours, rel_ok, hi, undirected, tick)
    if ends and ends[0] == a:
        yield from search(a, a, neighbours, rel_ok, lo, hi, k, tick)
        ends = ends[1:]
    elif lo == 0 and k > 0:
        yield [], [a]
    one_search = lo <= 1 and (k == 1 or selector == "all shortest")
    if not one_search:
        for end in ends:
            yield from search(a, end, neighbours, rel_ok, lo, hi, k, tick)
        return
    every = selector in ("all shortest", "groups")
    layers = _Layers(a, True)
    while layers.frontier and (hi is None or layers.depth < hi):
        layers.grow(neighbours, rel_ok, tick)
    for end in ends:
        for rels, nodes in layers.walks(end, every):
            yield rels[::-1], nodes[::-1]
            if not every:
                break
