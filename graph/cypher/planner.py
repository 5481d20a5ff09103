"""Pattern planning: in which order to bind the nodes and relationships of a MATCH.

For every comma-separated pattern part the planner picks an *anchor* node, the
cheapest place to start, in this order of preference:

1. a variable bound by an earlier clause or an earlier part (no lookup at all);
2. an equality on an indexed property (``key`` or ``name``), written either in
   the pattern (``(p {name: $n})``) or in WHERE (``WHERE p.name = $n``);
3. a label (the one with the fewest nodes when statistics are available), its
   count scaled down by guessed selectivities of the node's other filters
   (``WHERE p.year = 1975`` keeps a tenth, any other filter half);
4. a scan of all nodes, scaled the same way.

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

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.errors import CypherUnsupportedError
from relgraph.graph.cypher.semantics import free_variables, split_conjuncts
from relgraph.graph.cypher.unparse import unparse, unparse_rel

INDEXED = ("key", "name")

# Anchor kinds, cheapest first.
BOUND, INDEX, LABEL, SCAN = "bound", "index", "label", "scan"
TYPE = "type"  # a relationship anchor from the type index


@dataclass
class NodeStep:
    """Bind the node at ``part``/``pos`` from nothing (the anchor of a part)."""

    part: int
    pos: int
    kind: str  # BOUND, INDEX, LABEL or SCAN
    prop: str | None = None  # INDEX: the property
    value: ast.Expr | None = None  # INDEX: the value expression
    label: str | None = None  # LABEL: the label to scan
    dynamic: ast.Expr | None = None  # LABEL: ``(n:$(expr))``, the expression naming the labels
    many: bool = False  # INDEX: value is a list of values to look up (``v.key IN list``)


@dataclass
class RelStep:
    """Bind relationship ``rel`` of ``part`` and both its end nodes from the type index
    (``kind`` TYPE) or from a relationship variable bound earlier (``kind`` BOUND)."""

    part: int
    rel: int
    kind: str


@dataclass
class ExpandStep:
    """Follow relationship ``rel`` of ``part`` from node ``src`` to node ``dst``."""

    part: int
    rel: int
    src: int
    dst: int
    var_length: bool
    # a quantified path pattern: its conditions checked per repetition as it is expanded
    group_where: list[ast.Expr] = field(default_factory=list)


@dataclass
class ShortestStep:
    """Shortest path(s) between the already bound end nodes of a one-relationship part."""

    part: int
    all_paths: bool
    # WHERE conjuncts about the path or its relationships: the search looks for the
    # shortest paths that satisfy them, as Neo4j does, rather than filtering afterwards
    predicates: list[ast.Expr] = field(default_factory=list)
    # a Neo4j 5 selector (ast.PatternPart.selector) and its k; its WHERE filters afterwards
    selector: str | None = None
    count: int = 1
    # a selector whose end node has no cheap anchor: one search from the start finds the
    # ends (each checked as it is bound) instead of one search per candidate end
    open_end: bool = False


@dataclass
class PathStep:
    """Build the path variable of a part once all of it is bound."""

    part: int


@dataclass
class FilterStep:
    """Evaluate a WHERE conjunct (or a pattern property check that had to wait).

    With ``group`` (part, rel) the conjunct is a condition of that quantified path pattern
    that needs a variable bound after it: it must hold for every repetition."""

    expr: ast.Expr
    group: tuple[int, int] | None = None


Step = NodeStep | RelStep | ExpandStep | ShortestStep | PathStep | FilterStep
#: How many nodes carry a label (or relationships a type): the storage's counts, for costs.
LabelCount = Callable[[str], int]
#: A WHERE conjunct and the new variables it waits for.
Pending = tuple[ast.Expr, set[str]]


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
            if rel.group is not None:
                out.extend(v for v in group_variables(rel.group) if v not in out)
    if part.variable and part.variable not in out:
        out.append(part.variable)
    return out


def group_variables(group: ast.QuantifiedPath) -> list[str]:
    """The group variables of a quantified path pattern, in order."""
    return [v for v in pattern_variables(group.pattern) if v is not None]


def group_predicates(group: ast.QuantifiedPath) -> list[ast.Expr]:
    """What each repetition must satisfy: the group's WHERE and its inline predicates."""
    inner = group.pattern
    found = [e.where for e in inner.elements() if e.where is not None]
    if group.where is not None:
        found.append(group.where)
    return [c for w in found for c in split_conjuncts(w)]


def _inline_predicates(parts: tuple[ast.PatternPart, ...]) -> list[ast.Expr]:
    """``(n WHERE ...)`` and ``-[r WHERE ...]->`` outside quantified path patterns: conditions
    on the whole match, like WHERE's."""
    return [c for part in parts for e in part.elements() if e.where is not None
            for c in split_conjuncts(e.where)]


def plan_match(parts: tuple[ast.PatternPart, ...], where: ast.Expr | None, bound: set[str],
               label_count: Callable[[str], int] | None = None,
               node_count: int | None = None,
               type_count: Callable[[str], int] | None = None) -> MatchPlan:
    """Plan one MATCH (or MERGE, or pattern predicate) given the variables already bound."""
    plan = MatchPlan(parts)
    conjuncts = split_conjuncts(where) if where is not None else []
    conjuncts += _inline_predicates(parts)
    known = set(bound)  # bound before this MATCH or by earlier steps
    for part in parts:
        for v in pattern_variables(part):
            if v not in known and v not in plan.new_vars:
                plan.new_vars.append(v)
    new_set = set(plan.new_vars)
    pending = [(c, free_variables(c) & new_set) for c in conjuncts]
    group_of: dict[int, tuple[int, int]] = {}  # id of a deferred group condition: its (part, rel)

    def flush() -> None:
        nonlocal pending
        still = []
        for c, deps in pending:
            if deps <= known:
                plan.steps.append(FilterStep(c, group_of.get(id(c))))
            else:
                still.append((c, deps))
        pending = still

    def expand(pi: int, i: int, src: int, dst: int) -> None:
        rel = parts[pi].rels[i]
        step = ExpandStep(pi, i, src, dst, rel.var_length)
        plan.steps.append(step)
        if rel.group is not None:
            own = set(group_variables(rel.group))
            for c in group_predicates(rel.group):
                deps = free_variables(c) & new_set
                if deps - own <= known:
                    step.group_where.append(c)
                else:  # needs a variable bound later: checked per repetition once it is
                    group_of[id(c)] = (pi, i)
                    pending.append((c, deps))
            known.update(own)

    flush()
    remaining = list(range(len(parts)))
    while remaining:
        best: tuple[float, int, NodeStep | RelStep] | None = None
        # shortest paths go last, once the parts that find their end nodes are planned
        ordinary = [pi for pi in remaining if not _selective(parts[pi])]
        for pi in ordinary or remaining:
            cand = _best_anchor(parts[pi], pi, known, bound, conjuncts, label_count, node_count)
            if not _selective(parts[pi]):
                for ri in range(len(parts[pi].rels)):
                    rc = _rel_anchor(parts[pi], pi, ri, known, type_count)
                    if rc is not None and rc[0] < cand[0]:
                        cand = (rc[0], pi, rc[1])
            if best is None or cand[0] < best[0]:
                best = cand
        assert best is not None
        _, pi, anchor = best
        remaining.remove(pi)
        part = parts[pi]
        if _selective(part):
            _plan_shortest(plan, part, pi, known, bound, conjuncts, label_count, flush, lambda: pending)
            continue
        plan.steps.append(anchor)
        if isinstance(anchor, RelStep):
            _bind_rel(part, anchor.rel, known)
            _bind_node(part, anchor.rel, known)
            _bind_node(part, anchor.rel + 1, known)
            right_from, left_from = anchor.rel + 1, anchor.rel
        else:
            _bind_node(part, anchor.pos, known)
            right_from = left_from = anchor.pos
        flush()
        for i in range(right_from, len(part.rels)):
            expand(pi, i, i, i + 1)
            _bind_rel(part, i, known)
            _bind_node(part, i + 1, known)
            flush()
        for i in range(left_from - 1, -1, -1):
            expand(pi, i, i + 1, i)
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
                   conjuncts: list[ast.Expr], label_count: LabelCount | None, flush: Callable[[], None],
                   pending: Callable[[], list[Pending]]) -> None:
    if len(part.rels) != 1:
        what = "shortestPath" if part.shortest else "a path selector"
        raise CypherUnsupportedError(f"{what} over a pattern with more than one relationship")
    open_end = False
    for pos in (0, 1):
        anchor = _node_anchor(part, pi, pos, known, bound, conjuncts, label_count, None)[1]
        if pos == 1 and part.selector is not None and anchor.kind not in (BOUND, INDEX):
            open_end = True
            break
        plan.steps.append(anchor)
        _bind_node(part, pos, known)
        flush()
    own = {v for v in (part.variable, part.rels[0].variable) if v}
    step = ShortestStep(pi, part.shortest == "all", selector=part.selector, count=part.selector_count,
                        open_end=open_end)
    for c, deps in list(pending()):
        if part.selector is None and deps & own and deps <= known | own:
            step.predicates.append(c)
            pending().remove((c, deps))
    plan.steps.append(step)
    _bind_rel(part, 0, known)
    if open_end:
        _bind_node(part, 1, known)
    flush()
    if part.variable:
        plan.steps.append(PathStep(pi))
        known.add(part.variable)
        flush()


def _selective(part: ast.PatternPart) -> bool:
    """shortestPath, allShortestPaths or a selector: searched between bound end nodes."""
    return part.shortest is not None or part.selector is not None


def _bind_node(part: ast.PatternPart, pos: int, known: set[str]) -> None:
    v = part.nodes[pos].variable
    if v:
        known.add(v)


def _bind_rel(part: ast.PatternPart, i: int, known: set[str]) -> None:
    v = part.rels[i].variable
    if v:
        known.add(v)


def _best_anchor(part: ast.PatternPart, pi: int, known: set[str], bound: set[str], conjuncts: list[ast.Expr],
                 label_count: LabelCount | None,
                 node_count: int | None) -> tuple[float, int, NodeStep | RelStep]:
    best = None
    positions = range(len(part.nodes)) if not _selective(part) else (0,)
    for pos in positions:
        cand = _node_anchor(part, pi, pos, known, bound, conjuncts, label_count, node_count)
        if best is None or cand[0] < best[0]:
            best = cand
    assert best is not None
    return best[0], pi, best[1]


def _rel_anchor(part: ast.PatternPart, pi: int, i: int, known: set[str],
                type_count: LabelCount | None) -> tuple[float, RelStep] | None:
    """(cost, RelStep) for starting part ``pi`` at relationship ``i``, or None."""
    rel = part.rels[i]
    if rel.var_length:
        return None
    if rel.variable and rel.variable in known:
        return (0.5, RelStep(pi, i, BOUND))
    if not rel.types:
        return None
    # without statistics (explain), guess a type as selective as a label
    count = sum(type_count(t) for t in set(rel.types)) if type_count is not None else 1000
    return (2 + count * (2 if rel.direction == "both" else 1), RelStep(pi, i, TYPE))


def _node_anchor(part: ast.PatternPart, pi: int, pos: int, known: set[str], bound: set[str],
                 conjuncts: list[ast.Expr], label_count: LabelCount | None,
                 node_count: int | None) -> tuple[float, NodeStep]:
    """(cost, NodeStep) for starting part ``pi`` at node ``pos``."""
    node = part.nodes[pos]
    if node.variable and node.variable in known:
        return (0, NodeStep(pi, pos, BOUND))
    # equality on an indexed property, from the pattern's property map...
    if isinstance(node.properties, ast.MapLiteral):
        for key, value in node.properties.items:
            if key in INDEXED and free_variables(value) <= known:
                return (1, NodeStep(pi, pos, INDEX, prop=key, value=value))
    # ...or from a WHERE conjunct `v.key = expr` whose expr is known up front.
    if node.variable:
        for c in conjuncts:
            found = _index_equality(c, node.variable, known)
            if found is not None:
                return (1 + found[2], NodeStep(pi, pos, INDEX, prop=found[0], value=found[1],
                                               many=found[2]))
    keep = _selectivity(node, conjuncts, known)
    dynamic = node.label_expr
    if not node.labels and dynamic is not None and dynamic.op == "dynamic" and dynamic.args[1] == "all" \
            and free_variables(dynamic.args[0]) <= known - {node.variable}:
        # the labels are known once the row is: scan the first one's index (no statistics for it)
        return (2 + 1000 * keep, NodeStep(pi, pos, LABEL, dynamic=dynamic.args[0]))
    if node.labels:
        if label_count is not None:
            label = min(node.labels, key=label_count)
            return (2 + label_count(label) * keep, NodeStep(pi, pos, LABEL, label=label))
        return (2 + 1000 * keep, NodeStep(pi, pos, LABEL, label=node.labels[0]))
    return (10**12 if node_count is None else 3 + 2 * node_count * keep, NodeStep(pi, pos, SCAN))


# Guessed share of rows a filter keeps, for properties without an index: the planner
# has no value statistics, so it uses fixed factors (as Neo4j does without them).
# They only have to rank anchors: `(p:Person) WHERE p.year = 1975` should start from
# the few matching people, not from a smaller label on the other end of the pattern.
EQUALITY_KEEPS = 0.1
OTHER_FILTER_KEEPS = 0.5


def _selectivity(node: ast.NodePattern, conjuncts: list[ast.Expr], known: set[str]) -> float:
    """How much the node's own filters (property map, WHERE conjuncts on it alone) keep."""
    keep = 1.0
    if isinstance(node.properties, ast.MapLiteral):
        keep *= EQUALITY_KEEPS ** len(node.properties.items)
    if node.variable:
        for c in conjuncts:
            deps = free_variables(c)
            if node.variable in deps and deps <= known | {node.variable}:
                is_equality = isinstance(c, ast.Binary) and c.op in ("=", "IN")
                keep *= EQUALITY_KEEPS if is_equality else OTHER_FILTER_KEEPS
    return keep


def _index_equality(c: ast.Expr, var: str, bound: set[str]) -> tuple[str, ast.Expr, bool] | None:
    """``v.key = expr`` or ``v.key IN expr`` with expr computable up front: (key, expr, many)."""
    if not isinstance(c, ast.Binary) or c.op not in ("=", "IN"):
        return None
    sides = ((c.left, c.right), (c.right, c.left)) if c.op == "=" else ((c.left, c.right),)
    for prop_side, value_side in sides:
        if (isinstance(prop_side, ast.Property) and isinstance(prop_side.subject, ast.Variable)
                and prop_side.subject.name == var and prop_side.key in INDEXED
                and free_variables(value_side) <= bound):
            return prop_side.key, value_side, c.op == "IN"
    return None


# --- description for explain ------------------------------------------------------------


def _node_text(node: ast.NodePattern) -> str:
    labels = "".join(f":{label}" for label in node.labels)
    if node.label_expr is not None:
        labels += ":" + node.label_expr.text()
    props = " {...}" if node.properties is not None else ""
    return f"({node.variable or ''}{labels}{props})"


def _rel_text(rel: ast.RelPattern) -> str:
    if rel.group is not None or rel.label_expr is not None:
        return unparse_rel(rel)
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

    if isinstance(step, NodeStep):
        node = parts[step.part].nodes[step.pos]
        text = _node_text(node)
        if step.kind == BOUND:
            return f"Argument {text} (already bound)"
        if step.kind == INDEX:
            op = "IN" if step.many else "="
            return f"NodeIndexSeek {text} by {step.prop} {op} {unparse(step.value)}"
        if step.kind == LABEL:
            on = f":$({unparse(step.dynamic)})" if step.dynamic is not None else f":{step.label}"
            return f"NodeByLabelScan {text} on {on}"
        return f"AllNodesScan {text}"
    if isinstance(step, RelStep):
        part = parts[step.part]
        rel = part.rels[step.rel]
        text = (f"{_node_text(part.nodes[step.rel])}{_rel_text(rel)}"
                f"{_node_text(part.nodes[step.rel + 1])}")
        if step.kind == BOUND:
            return f"Argument {text} (relationship already bound)"
        scan = "Undirected" if rel.direction == "both" else "Directed"
        return f"{scan}RelationshipTypeScan {text}"
    if isinstance(step, ExpandStep):
        part = parts[step.part]
        rel = part.rels[step.rel]
        src, dst = part.nodes[step.src], part.nodes[step.dst]
        kind = "VarLengthExpand" if step.var_length else "Expand"
        if rel.group is not None:
            kind = "QuantifiedExpand"
        if step.src < step.dst:
            return f"{kind} {_node_text(src)}{_rel_text(rel)}{_node_text(dst)}"
        return f"{kind} {_node_text(dst)}{_rel_text(rel)}{_node_text(src)} (from the right)"
    if isinstance(step, ShortestStep):
        part = parts[step.part]
        name = "AllShortestPaths" if step.all_paths else "ShortestPath"
        if step.selector is not None:
            name = f"PathSelector {step.selector.upper()} {step.count}"
        text = f"{name} {_node_text(part.nodes[0])}{_rel_text(part.rels[0])}{_node_text(part.nodes[1])}"
        if step.open_end:
            text += " (from the start to every end)"
        if step.predicates:
            text += " where " + " AND ".join(unparse(p) for p in step.predicates)
        return text
    if isinstance(step, PathStep):
        return f"ProjectPath {parts[step.part].variable}"
    if step.group is not None:
        return f"Filter {unparse(step.expr)} (every repetition)"
    return f"Filter {unparse(step.expr)}"
