"""Pattern planning: in which order to bind the nodes and relationships of a MATCH.

For every comma-separated pattern part the planner picks an *anchor* node, the
cheapest place to start, in this order of preference:

1. a variable bound by an earlier clause or an earlier part (no lookup at all);
2. an equality on an indexed property (``key`` or ``name``), written either in
   the pattern (``(p {name: $n})``) or in WHERE (``WHERE p.name = $n``);
3. a label (the one with the fewest nodes when statistics are available);
4. a scan of all nodes.

From the anchor the pattern is expanded to the right, then to the left, one
relationship at a time. Parts are planned greedily: the next part is the one
with the cheapest anchor once the variables of the earlier parts are bound,
so a part connected to earlier ones is expanded from them instead of scanned.

WHERE is split at AND; each conjunct runs as a filter right after the step that
binds the last variable it needs, so impossible rows are dropped early.
The plan is plain data; :mod:`.matcher` executes it and ``explain`` prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import ast
from .errors import CypherUnsupportedError
from .semantics import free_variables, split_conjuncts

INDEXED = ("key", "name")

# Anchor kinds, cheapest first.
BOUND, INDEX, LABEL, SCAN = "bound", "index", "label", "scan"


@dataclass
class NodeStep:
    """Bind the node at ``part``/``pos`` from nothing (the anchor of a part)."""

    part: int
    pos: int
    kind: str  # BOUND, INDEX, LABEL or SCAN
    prop: str | None = None  # INDEX: the property
    value: ast.Expr | None = None  # INDEX: the value expression
    label: str | None = None  # LABEL: the label to scan


@dataclass
class ExpandStep:
    """Follow relationship ``rel`` of ``part`` from node ``src`` to node ``dst``."""

    part: int
    rel: int
    src: int
    dst: int
    var_length: bool


@dataclass
class ShortestStep:
    """Shortest path(s) between the already bound end nodes of a one-relationship part."""

    part: int
    all_paths: bool


@dataclass
class PathStep:
    """Build the path variable of a part once all of it is bound."""

    part: int


@dataclass
class FilterStep:
    """Evaluate a WHERE conjunct (or a pattern property check that had to wait)."""

    expr: ast.Expr


Step = NodeStep | ExpandStep | ShortestStep | PathStep | FilterStep


@dataclass
class MatchPlan:
    parts: tuple[ast.PatternPart, ...]
    steps: list[Step] = field(default_factory=list)
    new_vars: list[str] = field(default_factory=list)  # variables this MATCH binds

    def describe(self) -> list[str]:
        """One line per step, for ``explain``."""
        lines = []
        for step in self.steps:
            lines.append(_describe_step(self.parts, step))
        return lines


def pattern_variables(part: ast.PatternPart) -> list[str]:
    """Variables a pattern part mentions, in order (path variable last)."""
    out: list[str] = []
    for i, node in enumerate(part.nodes):
        if node.variable and node.variable not in out:
            out.append(node.variable)
        if i < len(part.rels):
            rel = part.rels[i]
            if rel.variable and rel.variable not in out:
                out.append(rel.variable)
    if part.variable and part.variable not in out:
        out.append(part.variable)
    return out


def plan_match(parts: tuple[ast.PatternPart, ...], where: ast.Expr | None, bound: set[str],
               label_count: Callable[[str], int] | None = None,
               node_count: int | None = None) -> MatchPlan:
    """Plan one MATCH (or MERGE, or pattern predicate) given the variables already bound."""
    plan = MatchPlan(parts)
    conjuncts = split_conjuncts(where) if where is not None else []
    known = set(bound)  # bound before this MATCH or by earlier steps
    for part in parts:
        for v in pattern_variables(part):
            if v not in known and v not in plan.new_vars:
                plan.new_vars.append(v)
    new_set = set(plan.new_vars)
    pending = [(c, free_variables(c) & new_set) for c in conjuncts]

    def flush() -> None:
        nonlocal pending
        still = []
        for c, deps in pending:
            if deps <= known:
                plan.steps.append(FilterStep(c))
            else:
                still.append((c, deps))
        pending = still

    flush()
    remaining = list(range(len(parts)))
    while remaining:
        best = None
        for pi in remaining:
            cand = _best_anchor(parts[pi], pi, known, bound, conjuncts, label_count, node_count)
            if best is None or cand[0] < best[0]:
                best = cand
        assert best is not None
        _, pi, anchor = best
        remaining.remove(pi)
        part = parts[pi]
        if part.shortest is not None:
            _plan_shortest(plan, part, pi, known, bound, conjuncts, label_count, flush)
            continue
        plan.steps.append(anchor)
        _bind_node(part, anchor.pos, known)
        flush()
        for i in range(anchor.pos, len(part.rels)):
            plan.steps.append(ExpandStep(pi, i, i, i + 1, part.rels[i].var_length))
            _bind_rel(part, i, known)
            _bind_node(part, i + 1, known)
            flush()
        for i in range(anchor.pos - 1, -1, -1):
            plan.steps.append(ExpandStep(pi, i, i + 1, i, part.rels[i].var_length))
            _bind_rel(part, i, known)
            _bind_node(part, i, known)
            flush()
        if part.variable:
            plan.steps.append(PathStep(pi))
            known.add(part.variable)
            flush()
    for c, _ in pending:  # depends on something never bound: still must be checked
        plan.steps.append(FilterStep(c))
    return plan


def _plan_shortest(plan: MatchPlan, part: ast.PatternPart, pi: int, known: set[str], bound: set[str],
                   conjuncts: list[ast.Expr], label_count, flush) -> None:
    if len(part.rels) != 1:
        raise CypherUnsupportedError("shortestPath over a pattern with more than one relationship")
    for pos in (0, 1):
        plan.steps.append(_node_anchor(part, pi, pos, known, bound, conjuncts, label_count, None)[1])
        _bind_node(part, pos, known)
        flush()
    plan.steps.append(ShortestStep(pi, part.shortest == "all"))
    _bind_rel(part, 0, known)
    flush()
    if part.variable:
        plan.steps.append(PathStep(pi))
        known.add(part.variable)
        flush()


def _bind_node(part: ast.PatternPart, pos: int, known: set[str]) -> None:
    v = part.nodes[pos].variable
    if v:
        known.add(v)


def _bind_rel(part: ast.PatternPart, i: int, known: set[str]) -> None:
    v = part.rels[i].variable
    if v:
        known.add(v)


def _best_anchor(part, pi, known, bound, conjuncts, label_count, node_count):
    best = None
    positions = range(len(part.nodes)) if part.shortest is None else (0,)
    for pos in positions:
        cand = _node_anchor(part, pi, pos, known, bound, conjuncts, label_count, node_count)
        if best is None or cand[0] < best[0]:
            best = cand
    assert best is not None
    return best[0], pi, best[1]


def _node_anchor(part, pi, pos, known, bound, conjuncts, label_count, node_count):
    """(cost, NodeStep) for starting part ``pi`` at node ``pos``."""
    node = part.nodes[pos]
    if node.variable and node.variable in known:
        return (0, NodeStep(pi, pos, BOUND))
    # equality on an indexed property, from the pattern's property map...
    if isinstance(node.properties, ast.MapLiteral):
        for key, value in node.properties.items:
            if key in INDEXED and free_variables(value) <= bound:
                return (1, NodeStep(pi, pos, INDEX, prop=key, value=value))
    # ...or from a WHERE conjunct `v.key = expr` whose expr is known up front.
    if node.variable:
        for c in conjuncts:
            found = _index_equality(c, node.variable, bound)
            if found is not None:
                return (1, NodeStep(pi, pos, INDEX, prop=found[0], value=found[1]))
    if node.labels:
        if label_count is not None:
            label = min(node.labels, key=label_count)
            return (2 + label_count(label), NodeStep(pi, pos, LABEL, label=label))
        return (2 + 1000, NodeStep(pi, pos, LABEL, label=node.labels[0]))
    return (10**12 if node_count is None else 3 + 2 * node_count, NodeStep(pi, pos, SCAN))


def _index_equality(c: ast.Expr, var: str, bound: set[str]) -> tuple[str, ast.Expr] | None:
    if not isinstance(c, ast.Binary) or c.op != "=":
        return None
    for prop_side, value_side in ((c.left, c.right), (c.right, c.left)):
        if (isinstance(prop_side, ast.Property) and isinstance(prop_side.subject, ast.Variable)
                and prop_side.subject.name == var and prop_side.key in INDEXED
                and free_variables(value_side) <= bound):
            return prop_side.key, value_side
    return None


# --- description for explain ------------------------------------------------------------


def _node_text(node: ast.NodePattern) -> str:
    labels = "".join(f":{label}" for label in node.labels)
    props = " {...}" if node.properties is not None else ""
    return f"({node.variable or ''}{labels}{props})"


def _rel_text(rel: ast.RelPattern) -> str:
    inner = (rel.variable or "") + ("" if not rel.types else ":" + "|".join(rel.types))
    if rel.var_length:
        lo = "" if rel.min_hops is None else str(rel.min_hops)
        hi = "" if rel.max_hops is None else str(rel.max_hops)
        inner += f"*{lo}..{hi}" if (lo or hi) and lo != hi else f"*{lo}"
    if rel.properties is not None:
        inner += " {...}"
    left = "<-" if rel.direction == "in" else "-"
    right = "->" if rel.direction == "out" else "-"
    return f"{left}[{inner}]{right}"


def _describe_step(parts: tuple[ast.PatternPart, ...], step: Step) -> str:
    from .unparse import unparse

    if isinstance(step, NodeStep):
        node = parts[step.part].nodes[step.pos]
        text = _node_text(node)
        if step.kind == BOUND:
            return f"Argument {text} (already bound)"
        if step.kind == INDEX:
            return f"NodeIndexSeek {text} by {step.prop} = {unparse(step.value)}"
        if step.kind == LABEL:
            return f"NodeByLabelScan {text} on :{step.label}"
        return f"AllNodesScan {text}"
    if isinstance(step, ExpandStep):
        part = parts[step.part]
        rel = part.rels[step.rel]
        src, dst = part.nodes[step.src], part.nodes[step.dst]
        kind = "VarLengthExpand" if step.var_length else "Expand"
        if step.src < step.dst:
            return f"{kind} {_node_text(src)}{_rel_text(rel)}{_node_text(dst)}"
        return f"{kind} {_node_text(dst)}{_rel_text(rel)}{_node_text(src)} (from the right)"
    if isinstance(step, ShortestStep):
        part = parts[step.part]
        name = "AllShortestPaths" if step.all_paths else "ShortestPath"
        return f"{name} {_node_text(part.nodes[0])}{_rel_text(part.rels[0])}{_node_text(part.nodes[1])}"
    if isinstance(step, PathStep):
        return f"ProjectPath {parts[step.part].variable}"
    return f"Filter {unparse(step.expr)}"
