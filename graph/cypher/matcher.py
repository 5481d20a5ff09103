"""Pattern matching: runs a :class:`~.planner.MatchPlan` against the graph.

Matching is a depth-first search over the plan's steps. Each step binds a node
or relationship into a shared state, yields, and undoes the binding when the
search backtracks, so no per-candidate copies are made until a complete match
is emitted as a new row.

Relationship uniqueness follows Neo4j: within one MATCH (all its
comma-separated parts) a relationship is used at most once, including the
relationships inside variable-length segments; nodes may repeat.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from relgraph.graph.cypher import ast, dynamic_labels
from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.path_search import (
    SELECTORS,
    first_accepted,
    from_one,
    reachable,
    trails_by_length,
)
from relgraph.graph.cypher.planner import (
    BOUND,
    INDEX,
    LABEL,
    ExpandStep,
    FilterStep,
    MatchPlan,
    NodeStep,
    PathStep,
    RelStep,
    ShortestStep,
    group_variables,
    pattern_variables,
    plan_match,
)
from relgraph.graph.cypher.runtime import (
    NodeRef,
    PathValue,
    RelRef,
    equals,
    type_name,
)
from relgraph.graph.cypher.semantics import free_variables
from relgraph.graph.values.errors import CypherTypeError

Row = dict[str, Any]
PropCheck = list[tuple[str, Callable[[Row], Any]]]


class _State:
    """The partial match: bindings per pattern position, plus used relationships."""

    __slots__ = ("mids", "nodes", "rels", "reps", "row", "used")

    def __init__(self, row: Row, parts: tuple[ast.PatternPart, ...]):
        self.row = row
        self.nodes: list[list[int | None]] = [[None] * len(p.nodes) for p in parts]
        self.rels: list[list[Any]] = [[None] * len(p.rels) for p in parts]
        self.mids: list[list[list[int] | None]] = [[None] * len(p.rels) for p in parts]
        self.used: set[int] = set()
        self.reps: dict[tuple[int, int], int] = {}  # repetitions of each quantified path pattern


class CompiledMatch:
    """A plan with its expressions compiled: call :meth:`run` per input row."""

    def __init__(self, matcher: Matcher, plan: MatchPlan, compiler: Any, reach: bool = False):
        self.matcher = matcher
        # Only the set of rows matters (the caller deduplicates, aggregates distinct values or
        # asks whether any row exists): a var-length relationship nothing else reads may then
        # bind each reachable end node once instead of once per path (see _reach_expand).
        self.reach = reach
        self.plan = plan
        self.ctx: Context = matcher.ctx
        self.graph = matcher.ctx.graph
        self.deleted = matcher.ctx.deleted_nodes
        self.tick = matcher.ctx.stop.tick  # long loops call it: a time limit or a cancel stops them
        parts = plan.parts
        self.parts = parts
        self.node_checks: list[list[tuple[tuple[str, ...], PropCheck]]] = [
            [(n.labels, self._props(n.properties, compiler)) for n in p.nodes] for p in parts]
        self.label_exprs = [[n.label_expr for n in p.nodes] for p in parts]
        self.resolve = dynamic_labels.resolver(compiler.compile)
        # a plain quantified relationship (-[r:T]->{1,3}) runs as the variable-length expansion
        self.effective = [[_simple_quantified(r) or r for r in p.rels] for p in parts]
        self.rel_checks: list[list[PropCheck]] = [
            [self._props(r.properties, compiler) for r in p] for p in self.effective]
        self.execs = [self._compile_step(s, compiler) for s in plan.steps]

    @staticmethod
    def _props(props: ast.Expr | None, compiler: Any) -> PropCheck:
        if props is None:
            return []
        if isinstance(props, ast.MapLiteral):
            return [(k, compiler.compile(v)) for k, v in props.items]
        fn = compiler.compile(props)

        def whole(row: Row) -> Any:  # a parameter map: checked key by key at match time
            return fn(row)

        return [("\0map", whole)]

    # --- running -----------------------------------------------------------------------

    def run(self, row: Row) -> Iterator[Row]:
        st = _State(dict(row), self.parts)
        execs = self.execs
        n = len(execs)

        tick = self.tick

        def rec(i: int) -> Iterator[Row]:
            if i == n:
                yield dict(st.row)
                return
            for _ in execs[i](st):
                tick()
                yield from rec(i + 1)

        return rec(0)

    def exists(self, row: Row) -> bool:
        for _ in self.run(row):
            return True
        return False

    # --- node and relationship checks ----------------------------------------------------

    def _node_ok(self, nid: int, part: int, pos: int, row: Row) -> bool:
        labels, props = self.node_checks[part][pos]
        if labels:
            have = self.graph.labels(nid)
            for label in labels:
                if label not in have:
                    return False
        expr = self.label_exprs[part][pos]
        if expr is not None and not self.labels_match(expr, nid, row):
            return False
        if props:
            return _props_ok(self.graph.node_properties(nid), props, row)
        return True

    def labels_match(self, expr: ast.LabelExpr, nid: int, row: Row) -> bool:
        if dynamic_labels.is_dynamic(expr):
            expr = self.resolve(expr, row)
        return expr.matches(self.graph.labels(nid))

    def _rel_ok(self, rid: int, part: int, i: int, row: Row) -> bool:
        props = self.rel_checks[part][i]
        return not props or _props_ok(self.graph.rel_properties(rid), props, row)

    def _bind_node(self, st: _State, part: int, pos: int, nid: int) -> bool | None:
        """Bind node ``pos``; returns None on conflict, True if a variable was newly set."""
        if self.deleted and nid in self.deleted:
            return None  # deleted earlier in this query, only kept until the end-of-query check
        var = self.parts[part].nodes[pos].variable
        if var is not None:
            current = st.row.get(var, _MISSING)
            if current is not _MISSING:
                if not isinstance(current, NodeRef) or current.id != nid:
                    return None
                if not self._node_ok(nid, part, pos, st.row):
                    return None
                st.nodes[part][pos] = nid
                return False
            st.row[var] = NodeRef(nid)
        if not self._node_ok(nid, part, pos, st.row):
            if var is not None:
                del st.row[var]
            return None
        st.nodes[part][pos] = nid
        return var is not None

    def _unbind_node(self, st: _State, part: int, pos: int, was_new: bool) -> None:
        st.nodes[part][pos] = None
        if was_new:
            del st.row[self.parts[part].nodes[pos].variable]  # type: ignore[arg-type]

    # --- steps ---------------------------------------------------------------------------

    def _compile_step(self, step: Any, compiler: Any) -> Callable[[_State], Iterator[None]]:
        if isinstance(step, NodeStep):
            return self._node_step(step, compiler)
        if isinstance(step, RelStep):
            return self._rel_step(step)
        if isinstance(step, ExpandStep):
            if self.effective[step.part][step.rel].group is not None:
                return self._group_expand(step, compiler)
            if step.var_length and self._reach_only(step):
                return self._reach_expand(step)
            return self._var_expand(step) if step.var_length else self._expand(step)
        if isinstance(step, ShortestStep):
            return self._shortest(step, compiler)
        if isinstance(step, PathStep):
            return self._path_step(step)
        assert isinstance(step, FilterStep)
        pred = compiler.compile_predicate(step.expr)
        if step.group is not None:
            return self._group_filter(step.group, pred)

        def filter_step(st: _State) -> Iterator[None]:
            if pred(st.row):
                yield None

        return filter_step

    def _node_step(self, step: NodeStep, compiler: Any) -> Callable[[_State], Iterator[None]]:
        part, pos = step.part, step.pos
        node = self.parts[part].nodes[pos]
        graph, stats = self.graph, self.ctx.stats
        if step.kind == BOUND:
            var = node.variable

            def bound(st: _State) -> Iterator[None]:
                v = st.row.get(var)  # type: ignore[arg-type]
                if v is None:
                    return
                if not isinstance(v, NodeRef):
                    raise CypherTypeError(f"`{var}` is a {type_name(v)}, not a node", "VariableTypeConflict")
                if v.id in self.ctx.deleted_nodes or not graph.has_node(v.id):
                    return
                if self._node_ok(v.id, part, pos, st.row):
                    st.nodes[part][pos] = v.id
                    yield None
                    st.nodes[part][pos] = None

            return bound
        if step.kind == INDEX:
            value_fn = compiler.compile(step.value)
            prop = step.prop
            assert prop is not None
            label = node.labels[0] if node.labels else None

            many = step.many

            def seek(value: Any) -> list[int]:
                if value is None:
                    return []
                stats.index_lookups += 1
                found = graph.nodes_with_property(prop, value)
                if found is None:  # not indexable (a list, a map...): filter a scan
                    ids = graph.nodes_with_label(label) if label else list(graph.node_ids())
                    stats.nodes_scanned += len(ids)
                    return [n for n in ids if equals(graph.node_properties(n).get(prop), value) is True]
                return [n for n in found if equals(graph.node_properties(n).get(prop), value) is True]

            def candidates(st: _State) -> list[int]:
                value = value_fn(st.row)
                if not many:
                    return seek(value)
                if value is None:
                    return []
                if not isinstance(value, list):
                    raise CypherTypeError(f"IN expects a list on the right, got {type_name(value)}",
                                          "InvalidArgumentType")
                out: dict[int, None] = {}
                for v in value:
                    for n in seek(v):
                        out[n] = None
                return list(out)
        elif step.kind == LABEL:
            label = step.label
            dynamic = compiler.compile(step.dynamic) if step.dynamic is not None else None

            def candidates(st: _State) -> list[int]:
                first = label
                if dynamic is not None:  # (n:$(expr)): the first label it names; _node_ok checks all
                    names = dynamic_labels.token_names(dynamic(st.row))
                    if not names:
                        ids = list(graph.node_ids())
                        stats.nodes_scanned += len(ids)
                        return ids
                    first = names[0]
                ids = graph.nodes_with_label(first)  # type: ignore[arg-type]
                stats.index_lookups += 1
                stats.nodes_scanned += len(ids)
                return ids
        else:
            def candidates(st: _State) -> list[int]:
                ids = list(graph.node_ids())
                stats.nodes_scanned += len(ids)
                return ids

        labels, props = self.node_checks[part][pos]
        var = node.variable
        fast = (step.kind == LABEL and set(labels) <= {step.label} and not props
                and self.label_exprs[part][pos] is None and var is not None)
        if fast:
            # The label index already answered every check on this node: bind
            # without re-reading its labels (the common `MATCH (p:Person) WHERE ...`).
            assert var is not None
            name: str = var

            def label_scan(st: _State) -> Iterator[None]:
                if name in st.row:  # bound under another name in this pattern: check it
                    yield from scan(st)
                    return
                row, slots, deleted = st.row, st.nodes[part], self.deleted
                for nid in candidates(st):
                    if deleted and nid in deleted:
                        continue
                    row[name] = NodeRef(nid)
                    slots[pos] = nid
                    yield None
                slots[pos] = None
                row.pop(name, None)

        def scan(st: _State) -> Iterator[None]:
            for nid in candidates(st):
                self.tick()
                was_new = self._bind_node(st, part, pos, nid)
                if was_new is None:
                    continue
                yield None
                self._unbind_node(st, part, pos, was_new)

        return label_scan if fast else scan

    def _rel_step(self, step: RelStep) -> Callable[[_State], Iterator[None]]:
        part, i = step.part, step.rel
        rel = self.parts[part].rels[i]
        var = rel.variable
        graph, ctx = self.graph, self.ctx
        types = sorted(set(rel.types))

        def rel_scan(st: _State) -> Iterator[None]:
            if step.kind == BOUND:
                v = st.row.get(var)  # type: ignore[arg-type]
                if v is None:
                    return
                if not isinstance(v, RelRef):
                    raise CypherTypeError(f"`{var}` is a {type_name(v)}, not a relationship",
                                          "VariableTypeConflict")
                if not graph.has_rel(v.id) or (types and graph.rel_type(v.id) not in types):
                    return
                rids = [v.id]
                new_var = False
            else:
                rids = [rid for t in types for rid in graph.rels_with_type(t)]
                new_var = var is not None
            ctx.stats.rels_expanded += len(rids)
            used = st.used
            for rid in rids:
                self.tick()
                if rid in used or rid in ctx.deleted_rels or not self._rel_ok(rid, part, i, st.row):
                    continue
                u, w = graph.rel_ends(rid)
                if rel.direction == "out":
                    ends = [(u, w)]
                elif rel.direction == "in":
                    ends = [(w, u)]
                else:
                    ends = [(u, w), (w, u)] if u != w else [(u, w)]
                for left, right in ends:
                    if new_var:
                        st.row[var] = RelRef(rid)  # type: ignore[index]
                    was_left = self._bind_node(st, part, i, left)
                    was_right = self._bind_node(st, part, i + 1, right) if was_left is not None else None
                    if was_right is not None:
                        used.add(rid)
                        st.rels[part][i] = rid
                        yield None
                        st.rels[part][i] = None
                        used.discard(rid)
                        self._unbind_node(st, part, i + 1, was_right)
                    if was_left is not None:
                        self._unbind_node(st, part, i, was_left)
                    if new_var:
                        del st.row[var]  # type: ignore[arg-type]

        return rel_scan

    def _neighbours(self, nid: int, rel: ast.RelPattern, forward: bool,
                    row: Row | None = None) -> list[tuple[int, int]]:
        direction = rel.direction
        if not forward and direction != "both":
            direction = "in" if direction == "out" else "out"
        found = self.graph.adjacent_rels(nid, direction, frozenset(rel.types) if rel.types else None)
        self.ctx.stats.rels_expanded += len(found)
        if rel.label_expr is not None:  # [:!T], [:%], [:A&B], [:$(expr)]: tested per relationship
            expr = rel.label_expr
            if dynamic_labels.is_dynamic(expr):
                assert row is not None, "a dynamic type is resolved for the row"
                expr = self.resolve(expr, row)
            test, rel_type = expr.matches, self.graph.rel_type
            return [(rid, other) for rid, other in found if test((rel_type(rid),))]
        return found

    def _expand(self, step: ExpandStep) -> Callable[[_State], Iterator[None]]:
        part, i, src, dst = step.part, step.rel, step.src, step.dst
        rel = self.parts[part].rels[i]
        var = rel.variable
        forward = dst > src
        graph = self.graph
        dst_node = self.parts[part].nodes[dst]
        plain_dst = (dst_node.variable is None and not dst_node.labels and dst_node.properties is None
                     and dst_node.label_expr is None)
        rel_props = bool(self.rel_checks[part][i])

        def expand(st: _State) -> Iterator[None]:
            cur = st.nodes[part][src]
            bound_rel = st.row.get(var, _MISSING) if var is not None else _MISSING
            if bound_rel is not _MISSING:
                if bound_rel is None:
                    return
                if not isinstance(bound_rel, RelRef):
                    raise CypherTypeError(f"`{var}` is a {type_name(bound_rel)}, not a relationship",
                                          "VariableTypeConflict")
                if not graph.has_rel(bound_rel.id):
                    return
                u, v = graph.rel_ends(bound_rel.id)
                options = []
                d = rel.direction if forward or rel.direction == "both" else (
                    "in" if rel.direction == "out" else "out")
                if d in ("out", "both") and u == cur:
                    options.append((bound_rel.id, v))
                if d in ("in", "both") and v == cur and not (d == "both" and u == cur):
                    options.append((bound_rel.id, u))
                if rel.types and graph.rel_type(bound_rel.id) not in rel.types:
                    return
                if rel.label_expr is not None and cur is not None and all(
                        o[0] != bound_rel.id for o in self._neighbours(cur, rel, forward, st.row)):
                    return
                new_var = False
            else:
                options = self._neighbours(cur, rel, forward, st.row)  # type: ignore[arg-type]
                new_var = var is not None
            used = st.used
            if plain_dst and not new_var and not rel_props:
                nodes = st.nodes[part]
                rels = st.rels[part]
                for rid, other in options:
                    if rid in used:
                        continue
                    used.add(rid)
                    rels[i] = rid
                    nodes[dst] = other
                    yield None
                    nodes[dst] = None
                    rels[i] = None
                    used.discard(rid)
                return
            for rid, other in options:
                self.tick()
                if rid in used or not self._rel_ok(rid, part, i, st.row):
                    continue
                if new_var:
                    st.row[var] = RelRef(rid)  # type: ignore[index]
                was_new = self._bind_node(st, part, dst, other)
                if was_new is None:
                    if new_var:
                        del st.row[var]  # type: ignore[arg-type]
                    continue
                used.add(rid)
                st.rels[part][i] = rid
                yield None
                st.rels[part][i] = None
                used.discard(rid)
                self._unbind_node(st, part, dst, was_new)
                if new_var:
                    del st.row[var]  # type: ignore[arg-type]

        return expand

    def _var_expand(self, step: ExpandStep) -> Callable[[_State], Iterator[None]]:
        part, i, src, dst = step.part, step.rel, step.src, step.dst
        rel = self.effective[part][i]
        var = rel.variable
        forward = dst > src
        lo = 1 if rel.min_hops is None else rel.min_hops
        hi = rel.max_hops  # None: unbounded
        graph = self.graph
        # nothing reads the walk itself (no relationship or path variable): bind only the end
        # node, without copying the walk into lists for every row
        bare = var is None and self.parts[part].variable is None
        rel_checks = bool(self.rel_checks[part][i])

        def emit(st: _State, rels: list[int], nodes: list[int]) -> Iterator[None]:
            """Bind the relationship list and the end node for one walk."""
            end = nodes[-1]
            ordered_rels = rels if forward else rels[::-1]
            mids = nodes[1:-1] if forward else nodes[-2:0:-1]
            new_var = var is not None and var not in st.row
            if var is not None and not new_var:
                current = st.row[var]
                if not isinstance(current, list) or [getattr(r, "id", None) for r in current] != ordered_rels:
                    return
            if var is not None and new_var:
                st.row[var] = [RelRef(r) for r in ordered_rels]
            was_new = self._bind_node(st, part, dst, end)
            if was_new is not None:
                st.rels[part][i] = ordered_rels
                st.mids[part][i] = mids
                yield None
                st.rels[part][i] = None
                st.mids[part][i] = None
                self._unbind_node(st, part, dst, was_new)
            if new_var:
                del st.row[var]  # type: ignore[arg-type]

        def var_expand(st: _State) -> Iterator[None]:
            start = st.nodes[part][src]
            assert start is not None
            bound = st.row.get(var, _MISSING) if var is not None else _MISSING
            if bound is not _MISSING:
                yield from follow_bound(st, start, bound)
                return
            used = st.used
            rels: list[int] = []
            nodes = [start]
            if lo == 0:
                yield from emit(st, rels, nodes)
            if hi == 0:
                return
            # Depth-first with an explicit stack of neighbour iterators rather than recursion:
            # a path may be as long as the graph (a [*] along a chain of thousands of nodes).
            # stack[k] walks the neighbours of nodes[k]; len(stack) == len(rels) + 1 throughout.
            stack = [iter(self._neighbours(start, rel, forward, st.row))]
            while stack:
                hop = next(stack[-1], None)
                if hop is None:
                    stack.pop()
                    if rels:
                        used.discard(rels.pop())
                        nodes.pop()
                    continue
                rid, other = hop
                self.tick()
                if rid in used or (rel_checks and not self._rel_ok(rid, part, i, st.row)):
                    continue
                used.add(rid)
                rels.append(rid)
                nodes.append(other)
                if len(rels) >= lo:
                    if bare:
                        was_new = self._bind_node(st, part, dst, other)
                        if was_new is not None:
                            yield None
                            self._unbind_node(st, part, dst, was_new)
                    else:
                        yield from emit(st, rels, nodes)
                if hi is None or len(rels) < hi:
                    stack.append(iter(self._neighbours(other, rel, forward, st.row)))
                else:
                    used.discard(rels.pop())
                    nodes.pop()

        def follow_bound(st: _State, start: int, bound: Any) -> Iterator[None]:
            """A relationship list bound earlier (``WITH [r1, r2] AS rs MATCH ()-[rs*]->()``)."""
            if bound is None:
                return
            if not isinstance(bound, list) or not all(isinstance(r, RelRef) for r in bound):
                raise CypherTypeError(f"`{var}` must be a list of relationships", "InvalidArgumentType")
            seq = [r.id for r in bound]
            if not forward:
                seq = seq[::-1]
            if not lo <= len(seq) <= (hi if hi is not None else len(seq)):
                return
            cur, nodes = start, [start]
            for rid in seq:
                if rid in st.used or not graph.has_rel(rid) or seq.count(rid) > 1:
                    return
                if rel.types and graph.rel_type(rid) not in rel.types:
                    return
                if not self._rel_ok(rid, part, i, st.row):
                    return
                u, v = graph.rel_ends(rid)
                d = rel.direction if forward or rel.direction == "both" else (
                    "in" if rel.direction == "out" else "out")
                if d in ("out", "both") and u == cur:
                    cur = v
                elif d in ("in", "both") and v == cur:
                    cur = u
                else:
                    return
                nodes.append(cur)
            st.used.update(seq)
            yield from emit(st, seq, nodes)
            st.used.difference_update(seq)

        return var_expand

    def _group_expand(self, step: ExpandStep, compiler: Any) -> Callable[[_State], Iterator[None]]:
        """A quantified path pattern from the bound node ``src``: its pattern repeated between
        min_hops and max_hops times, each repetition starting at the node the previous one
        ended at, no relationship twice in the whole match. Depth-first with an explicit stack
        (one list of possible next repetitions per level), as the variable-length expansion is.
        From the right end (``dst < src``) the inner pattern is walked reversed, and each walk
        put back in left-to-right order before it is bound."""
        part, i, src, dst = step.part, step.rel, step.src, step.dst
        rel = self.parts[part].rels[i]
        assert rel.group is not None
        inner = rel.group.pattern
        forward = dst > src
        lo, hi = rel.min_hops or 0, rel.max_hops
        names = group_variables(rel.group)
        slots = [(v, k, False) for k, n in enumerate(inner.nodes) for v in [n.variable] if v] + \
                [(v, k, True) for k, r in enumerate(inner.rels) for v in [r.variable] if v]
        once = Repetition(self, inner if forward else _reversed(inner),
                          [compiler.compile_predicate(c) for c in step.group_where], compiler)

        def emit(st: _State, walked: list[tuple[list[int], list[int]]], start: int) -> Iterator[None]:
            end = walked[-1][1][-1] if walked else start
            row = st.row
            # the end node first: the lists are built only for a walk that ends where it must
            was_new = self._bind_node(st, part, dst, end)
            if was_new is not None:
                reps = walked if forward else [(r[0][::-1], r[1][::-1]) for r in reversed(walked)]
                for v, k, is_rel in slots:
                    row[v] = [RelRef(r[0][k]) if is_rel else NodeRef(r[1][k]) for r in reps]
                path_nodes = [n for r in reps for n in r[1][1:]]
                st.rels[part][i] = [rid for r in reps for rid in r[0]]
                st.mids[part][i] = path_nodes[:-1]
                st.reps[(part, i)] = len(reps)
                yield None
                del st.reps[(part, i)]
                st.rels[part][i] = None
                st.mids[part][i] = None
                self._unbind_node(st, part, dst, was_new)
                for v in names:
                    row.pop(v, None)

        def group_expand(st: _State) -> Iterator[None]:
            start = st.nodes[part][src]
            assert start is not None
            used = st.used
            reps: list[tuple[list[int], list[int]]] = []
            if lo == 0:
                yield from emit(st, reps, start)
            stack = [iter(once.matches(start, st))]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    stack.pop()
                    if reps:
                        used.difference_update(reps.pop()[0])
                    continue
                self.tick()
                reps.append(nxt)
                used.update(nxt[0])
                if len(reps) >= lo:
                    yield from emit(st, reps, start)
                if hi is None or len(reps) < hi:
                    stack.append(iter(once.matches(nxt[1][-1], st)))
                else:
                    used.difference_update(reps.pop()[0])

        return group_expand

    def _group_filter(self, group: tuple[int, int],
                      pred: Callable[[Row], Any]) -> Callable[[_State], Iterator[None]]:
        """A condition of a quantified path pattern that needed a variable bound after it: it
        holds for every repetition, with the group variables as that repetition's entries."""
        rel = self.parts[group[0]].rels[group[1]]
        assert rel.group is not None
        names = group_variables(rel.group)

        def group_filter(st: _State) -> Iterator[None]:
            for k in range(st.reps[group]):
                row = dict(st.row)
                for v in names:
                    row[v] = st.row[v][k]
                if not pred(row):
                    return
            yield None

        return group_filter
    def _reach_only(self, step: ExpandStep) -> bool:
        """Whether this var-length step may bind end nodes rather than paths: rows are
        deduplicated later, no variable names its relationships or its path, it allows a
        path of one hop (so that "reachable" is "reachable by a trail" too), and no later step
        binds relationships, whose uniqueness against this path would depend on which path."""
        part = self.parts[step.part]
        rel = part.rels[step.rel]
        if not self.reach or rel.variable is not None or part.variable is not None:
            return False
        if rel.min_hops is not None and rel.min_hops > 1:
            return False
        later = self.plan.steps[self.plan.steps.index(step) + 1:]
        return not any(isinstance(s, (ExpandStep, RelStep, ShortestStep)) for s in later)

    def _reach_expand(self, step: ExpandStep) -> Callable[[_State], Iterator[None]]:
        part, i, src, dst = step.part, step.rel, step.src, step.dst
        rel = self.parts[part].rels[i]
        forward = dst > src
        lo = 1 if rel.min_hops is None else rel.min_hops
        hi = rel.max_hops
        deleted = self.ctx.deleted_rels

        def reach_expand(st: _State) -> Iterator[None]:
            start = st.nodes[part][src]
            assert start is not None
            used = st.used

            def rel_ok(rid: int) -> bool:
                return rid not in used and rid not in deleted and self._rel_ok(rid, part, i, st.row)

            def neighbours(nid: int, fwd: bool) -> list[tuple[int, int]]:
                return self._neighbours(nid, rel, fwd if forward else not fwd, st.row)

            ends = reachable(start, neighbours, rel_ok, hi, rel.direction == "both", self.tick)
            if lo == 0:
                ends.insert(0, start)
            for end in ends:
                was_new = self._bind_node(st, part, dst, end)
                if was_new is None:
                    continue
                st.rels[part][i] = []
                yield None
                st.rels[part][i] = None
                self._unbind_node(st, part, dst, was_new)

        return reach_expand

    def _shortest(self, step: ShortestStep, compiler: Any) -> Callable[[_State], Iterator[None]]:
        part = step.part
        rel = self.parts[part].rels[0]
        var = rel.variable
        path_var = self.parts[part].variable
        lo = 1 if rel.min_hops is None else rel.min_hops
        hi: int | None = rel.max_hops
        if not rel.var_length:
            lo = hi = 1
        # conditions on each relationship or node (all/none over the path's relationships or
        # nodes) are checked during the search, as Neo4j does; the rest by its exhaustive fallback
        inline, whole = _split_rel_predicates(step.predicates, var if rel.var_length else None, path_var)
        rel_preds = [(n, compiler.compile(cond), want) for n, cond, want, on in inline if on == "rels"]
        node_preds = [(n, compiler.compile(cond), want) for n, cond, want, on in inline if on == "nodes"]
        preds = [compiler.compile_predicate(p) for p in whole]
        search = SELECTORS[step.selector or ("legacy all" if step.all_paths else "legacy")]

        def accepts(st: _State, rels: list[int], nodes: list[int]) -> bool:
            row = dict(st.row)
            if var is not None:
                row[var] = [RelRef(r) for r in rels] if rel.var_length else RelRef(rels[0])
            if path_var is not None:
                row[path_var] = PathValue(tuple(nodes), tuple(rels))
            return all(p(row) for p in preds)

        def shortest(st: _State) -> Iterator[None]:
            a, b = st.nodes[part][0], st.nodes[part][1]
            assert a is not None and (b is not None or step.open_end)
            used, deleted, row = st.used, self.ctx.deleted_rels, dict(st.row)

            def rel_ok(rid: int) -> bool:
                if rid in used or rid in deleted or not self._rel_ok(rid, part, 0, st.row):
                    return False
                for name, check, want in rel_preds:
                    row[name] = RelRef(rid)
                    if check(row) is not want:
                        return False
                return True

            def node_ok(nid: int) -> bool:
                for name, check, want in node_preds:
                    row[name] = NodeRef(nid)
                    if check(row) is not want:
                        return False
                return True

            def neighbours(nid: int, forward: bool) -> list[tuple[int, int]]:
                found = self._neighbours(nid, rel, forward, st.row)
                return [hop for hop in found if node_ok(hop[1])] if node_preds else found

            if node_preds and not (node_ok(a) and (b is None or node_ok(b))):
                return
            if b is None:
                assert step.selector is not None
                yield from bind_ends(st, from_one(a, neighbours, rel_ok, lo, hi, step.selector, step.count,
                                                  rel.direction == "both", self.tick))
                return
            if preds:  # the exhaustive fallback: trails by length until some pass
                found = first_accepted(trails_by_length(a, b, neighbours, rel_ok, lo, hi, self.tick),
                                        lambda t: accepts(st, *t), step.all_paths)
            else:
                found = search(a, b, neighbours, rel_ok, lo, hi, step.count, self.tick)
            yield from bind(st, found)

        def bind_ends(st: _State, found: Iterable[tuple[list[int], list[int]]]) -> Iterator[None]:
            """Bind each trail's end node (checked against the pattern), then the trail."""
            for trail in found:
                was_new = self._bind_node(st, part, 1, trail[1][-1])
                if was_new is None:
                    continue
                yield from bind(st, (trail,))
                self._unbind_node(st, part, 1, was_new)

        def bind(st: _State, found: Iterable[tuple[list[int], list[int]]]) -> Iterator[None]:
            for rels, nodes in found:
                new_var = var is not None and var not in st.row
                if var is not None and not new_var:
                    continue
                if var is not None and new_var:
                    st.row[var] = [RelRef(r) for r in rels] if rel.var_length else RelRef(rels[0])
                st.rels[part][0] = rels if rel.var_length else rels[0]
                st.mids[part][0] = nodes[1:-1]
                yield None
                st.rels[part][0] = None
                st.mids[part][0] = None
                if new_var:
                    del st.row[var]  # type: ignore[arg-type]

        return shortest

    def _path_step(self, step: PathStep) -> Callable[[_State], Iterator[None]]:
        part = step.part
        name = self.parts[part].variable
        n_rels = len(self.parts[part].rels)

        def path(st: _State) -> Iterator[None]:
            nodes = [st.nodes[part][0]]
            rels: list[int] = []
            for i in range(n_rels):
                r = st.rels[part][i]
                if isinstance(r, list):
                    if not r:  # a zero-length segment adds no node
                        continue
                    rels.extend(r)
                    nodes.extend(st.mids[part][i] or [])
                else:
                    rels.append(r)
                nodes.append(st.nodes[part][i + 1])
            st.row[name] = PathValue(tuple(nodes), tuple(rels))  # type: ignore[arg-type,index]
            yield None
            del st.row[name]  # type: ignore[arg-type]

        return path


_MISSING = object()


def _simple_quantified(rel: ast.RelPattern) -> ast.RelPattern | None:
    """``-[r:T {k: v}]->{1,3}`` as the variable-length ``-[r:T*1..3 {k: v}]->`` it matches alike
    (the same walks, ``r`` the same list), which the faster variable-length expansion runs;
    None for anything else (a group, a per-relationship WHERE)."""
    group = rel.group
    if group is None or not group.relationship or group.where is not None:
        return None
    inner = group.pattern.rels[0]
    if inner.where is not None:
        return None
    return dataclasses.replace(inner, var_length=True, min_hops=rel.min_hops or 0, max_hops=rel.max_hops)


def _reversed(p: ast.PatternPart) -> ast.PatternPart:
    """A chain pattern read from its right end: ``(a)-[r]->(b)`` as ``(b)<-[r]-(a)``."""
    flip = {"out": "in", "in": "out", "both": "both"}
    rels = tuple(dataclasses.replace(r, direction=flip[r.direction]) for r in reversed(p.rels))
    return dataclasses.replace(p, nodes=tuple(reversed(p.nodes)), rels=rels)


class Repetition:
    """One repetition of a quantified path pattern's inner pattern, from a given node."""

    def __init__(self, compiled: CompiledMatch, inner: ast.PatternPart, preds: list[Callable[[Row], Any]],
                 compiler: Any):
        self.m = compiled
        self.inner = inner
        self.preds = preds
        self.node_checks = [(n.labels, n.label_expr, compiled._props(n.properties, compiler))
                            for n in inner.nodes]
        self.rel_checks = [compiled._props(r.properties, compiler) for r in inner.rels]
        names = [n.variable for n in inner.nodes]
        # a node variable written twice inside (``((x)-->(y)-->(x))``): the same node both times
        self.same_as = [names.index(v) if v is not None and names.index(v) < k else None
                        for k, v in enumerate(names)]

    def _node_ok(self, nid: int, k: int, row: Row) -> bool:
        labels, expr, props = self.node_checks[k]
        graph = self.m.graph
        if self.m.deleted and nid in self.m.deleted:
            return False
        if labels or expr is not None:
            have = graph.labels(nid)
            if any(label not in have for label in labels) or (
                    expr is not None and not self.m.labels_match(expr, nid, row)):
                return False
        return not props or _props_ok(graph.node_properties(nid), props, row)

    def _accepts(self, st: _State, rels: list[int], nodes: list[int]) -> bool:
        if not self.preds:
            return True
        row = dict(st.row)
        for k, n in enumerate(self.inner.nodes):
            if n.variable:
                row[n.variable] = NodeRef(nodes[k])
        for k, r in enumerate(self.inner.rels):
            if r.variable:
                row[r.variable] = RelRef(rels[k])
        return all(p(row) for p in self.preds)

    def matches(self, start: int, st: _State) -> list[tuple[list[int], list[int]]]:
        """Every (relationships, nodes) of one repetition from ``start``, none of its
        relationships used already; the inner pattern is short, so plain recursion."""
        found: list[tuple[list[int], list[int]]] = []
        if not self._node_ok(start, 0, st.row):
            return found
        inner, graph, used = self.inner, self.m.graph, st.used
        deleted_rels = self.m.ctx.deleted_rels

        def walk(rels: list[int], nodes: list[int]) -> None:
            k = len(rels)
            if k == len(inner.rels):
                if self._accepts(st, rels, nodes):
                    found.append((list(rels), list(nodes)))
                return
            for rid, other in self.m._neighbours(nodes[-1], inner.rels[k], True, st.row):
                self.m.tick()
                if rid in used or rid in rels or rid in deleted_rels:
                    continue
                same = self.same_as[k + 1]
                if same is not None and nodes[same] != other:
                    continue
                checks = self.rel_checks[k]
                if checks and not _props_ok(graph.rel_properties(rid), checks, st.row):
                    continue
                if not self._node_ok(other, k + 1, st.row):
                    continue
                rels.append(rid)
                nodes.append(other)
                walk(rels, nodes)
                rels.pop()
                nodes.pop()

        walk([], [start])
        return found
def _split_rel_predicates(preds: list[ast.Expr], rels_var: str | None, path_var: str | None,
                          ) -> tuple[list[tuple[str, ast.Expr, bool, str]], list[ast.Expr]]:
    """Split a shortest path's conditions into per-relationship or per-node checks and the rest.

    ``all(x IN relationships(p) WHERE c)`` (or ``IN r`` for the relationship list) holds
    exactly when ``c`` is true for every relationship, and ``none(...)`` when it is false,
    so the search can test each relationship as it steps over it; the same for
    ``nodes(p)`` and each node. Returns ``(variable, c, wanted result, "rels" or "nodes")``
    and the conditions left for the fallback."""
    own = {v for v in (rels_var, path_var) if v}
    inline: list[tuple[str, ast.Expr, bool, str]] = []
    rest: list[ast.Expr] = []
    for pred in preds:
        on = _element_list(pred.source, rels_var, path_var) if isinstance(pred, ast.Quantifier) else None
        if (isinstance(pred, ast.Quantifier) and pred.kind in ("all", "none") and pred.where is not None
                and on is not None and not (free_variables(pred.where) - {pred.variable}) & own):
            inline.append((pred.variable, pred.where, pred.kind == "all", on))
        else:
            rest.append(pred)
    return inline, rest


def _element_list(e: ast.Expr, rels_var: str | None, path_var: str | None) -> str | None:
    """"rels" for ``relationships(p)`` or the relationship list variable, "nodes" for
    ``nodes(p)``, None for anything else."""
    if isinstance(e, ast.Variable):
        return "rels" if rels_var is not None and e.name == rels_var else None
    if (isinstance(e, ast.FunctionCall) and len(e.args) == 1 and isinstance(e.args[0], ast.Variable)
            and path_var is not None and e.args[0].name == path_var):
        return {"relationships": "rels", "nodes": "nodes"}.get(e.name.lower())
    return None


def _props_ok(actual: dict[str, Any], props: PropCheck, row: Row) -> bool:
    for key, fn in props:
        expected = fn(row)
        if key == "\0map":
            if expected is None:
                return False
            if not isinstance(expected, dict):
                raise CypherTypeError("pattern properties must be a map", "InvalidArgumentType")
            for k, v in expected.items():
                if equals(actual.get(k), v) is not True:
                    return False
            continue
        if equals(actual.get(key), expected) is not True:
            return False
    return True


class Matcher:
    """Plans and runs patterns for one query execution; caches plans per bound-variable set."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._cache: dict[Any, CompiledMatch] = {}

    def compile(self, parts: tuple[ast.PatternPart, ...], where: ast.Expr | None, bound: set[str],
                compiler: Any, reach: bool = False) -> CompiledMatch:
        """``reach``: the caller only needs the set of distinct rows (CompiledMatch.reach)."""
        graph = self.ctx.graph
        plan = plan_match(parts, where, bound, graph.label_count, graph.node_count(), graph.type_count)
        return CompiledMatch(self, plan, compiler, reach)

    def _cached(self, parts: tuple[ast.PatternPart, ...], where: ast.Expr | None, row: Row,
                compiler: Any, reach: bool = False) -> CompiledMatch:
        names = {v for p in parts for v in pattern_variables(p)}
        bound = frozenset(v for v in names if v in row)
        key = (id(parts), id(where), bound, id(compiler), reach)
        m = self._cache.get(key)
        if m is None:
            outer = {k for k in row}
            m = self.compile(parts, where, outer, compiler, reach)
            self._cache[key] = m
        return m

    def compile_exists(self, parts: tuple[ast.PatternPart, ...], where: ast.Expr | None,
                       compiler: Any, kind: str = "exists") -> Callable[[Row], Any]:
        """A pattern predicate / EXISTS {...}: true when at least one match exists;
        ``kind`` "count" counts the matches instead (COUNT {...})."""

        def exists(row: Row) -> Any:
            for p in parts:
                for node in p.nodes:
                    if node.variable and node.variable in row and row[node.variable] is None:
                        # Neo4j 5: nothing matches a null node, so the pattern does not exist (false,
                        # not null: WHERE NOT (b)-->() keeps a row whose b is null)
                        return 0 if kind == "count" else False
            m = self._cached(parts, where, row, compiler, reach=kind != "count")
            if kind == "count":
                return sum(1 for _ in m.run(row))
            return m.exists(row)

        return exists

    def compile_comprehension(self, e: ast.PatternComprehension, compiler: Any) -> Callable[[Row], Any]:
        proj = compiler.compile(e.projection)
        parts = (e.pattern,)

        def comprehension(row: Row) -> Any:
            m = self._cached(parts, e.where, row, compiler)
            return [proj(r) for r in m.run(row)]

        return comprehension
