"""Syntax tree back to Cypher text, for ``explain`` output and error messages."""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.value_types import describe_type


@singledispatch
def unparse(e: Any) -> str:
    """Readable Cypher for an expression (not necessarily the text as written); one function
    per kind of syntax node, registered below."""
    return "" if e is None else type(e).__name__


@unparse.register
def _literal(e: ast.Literal) -> str:
    v = e.value
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(v)


@unparse.register
def _parameter(e: ast.Parameter) -> str:
    return f"${e.name}"


@unparse.register
def _variable(e: ast.Variable) -> str:
    return e.name


@unparse.register
def _property(e: ast.Property) -> str:
    return f"{unparse(e.subject)}.{e.key}"


@unparse.register
def _index(e: ast.Index) -> str:
    return f"{unparse(e.subject)}[{unparse(e.index)}]"


@unparse.register
def _slice(e: ast.Slice) -> str:
    return f"{unparse(e.subject)}[{unparse(e.start)}..{unparse(e.stop)}]"


@unparse.register
def _binary(e: ast.Binary) -> str:
    return f"({unparse(e.left)} {e.op} {unparse(e.right)})"


@unparse.register
def _unary(e: ast.Unary) -> str:
    return f"{e.op} {unparse(e.operand)}" if e.op == "NOT" else f"{e.op}{unparse(e.operand)}"


@unparse.register
def _is_null(e: ast.IsNull) -> str:
    return f"{unparse(e.operand)} IS {'NOT ' if e.negated else ''}NULL"


@unparse.register
def _type_predicate(e: ast.TypePredicate) -> str:
    return f"{unparse(e.operand)} IS {'NOT ' if e.negated else ''}:: {describe_type(e.type)}"


@unparse.register
def _normalized(e: ast.Normalized) -> str:
    return f"{unparse(e.operand)} IS {'NOT ' if e.negated else ''}{e.form} NORMALIZED"


@unparse.register
def _trim(e: ast.Trim) -> str:
    chars = "" if e.characters is None else unparse(e.characters) + " "
    return f"trim({e.mode} {chars}FROM {unparse(e.source)})"


@unparse.register
def _has_labels(e: ast.HasLabels) -> str:
    if e.label_expr is not None:
        return unparse(e.subject) + ":" + e.label_expr.text()
    return unparse(e.subject) + "".join(f":{label}" for label in e.labels)


@unparse.register
def _list_literal(e: ast.ListLiteral) -> str:
    return "[" + ", ".join(unparse(x) for x in e.items) + "]"


@unparse.register
def _map_literal(e: ast.MapLiteral) -> str:
    return "{" + ", ".join(f"{k}: {unparse(x)}" for k, x in e.items) + "}"


@unparse.register
def _function_call(e: ast.FunctionCall) -> str:
    inner = ", ".join(unparse(a) for a in e.args)
    return f"{e.name}({'DISTINCT ' if e.distinct else ''}{inner})"


@unparse.register
def _count_star(e: ast.CountStar) -> str:
    return "count(*)"


@unparse.register
def _case(e: ast.Case) -> str:
    parts = ["CASE"]
    if e.subject is not None:
        parts.append(unparse(e.subject))
    for c, r in e.whens:
        parts.append(f"WHEN {unparse(c)} THEN {unparse(r)}")
    if e.default is not None:
        parts.append(f"ELSE {unparse(e.default)}")
    parts.append("END")
    return " ".join(parts)


@unparse.register
def _list_comprehension(e: ast.ListComprehension) -> str:
    text = f"[{e.variable} IN {unparse(e.source)}"
    if e.where is not None:
        text += f" WHERE {unparse(e.where)}"
    if e.projection is not None:
        text += f" | {unparse(e.projection)}"
    return text + "]"


@unparse.register
def _quantifier(e: ast.Quantifier) -> str:
    where = f" WHERE {unparse(e.where)}" if e.where is not None else ""
    return f"{e.kind}({e.variable} IN {unparse(e.source)}{where})"


@unparse.register
def _reduce(e: ast.Reduce) -> str:
    return (f"reduce({e.accumulator} = {unparse(e.init)}, {e.variable} IN {unparse(e.source)} | "
            f"{unparse(e.body)})")


@unparse.register
def _pattern_predicate(e: ast.PatternPredicate) -> str:
    return unparse_pattern(e.pattern)


@unparse.register
def _pattern_comprehension(e: ast.PatternComprehension) -> str:
    where = f" WHERE {unparse(e.where)}" if e.where is not None else ""
    return f"[{unparse_pattern(e.pattern)}{where} | {unparse(e.projection)}]"


@unparse.register
def _exists(e: ast.Exists) -> str:
    head = e.kind.upper()
    if e.patterns is None:
        return f"{head} {{ ... }}"
    where = f" WHERE {unparse(e.where)}" if e.where is not None else ""
    return f"{head} {{ " + ", ".join(unparse_pattern(p) for p in e.patterns) + where + " }"


@unparse.register
def _map_projection(e: ast.MapProjection) -> str:
    items = []
    for kind, key, x in e.items:
        items.append(".*" if kind == "all" else f".{key}" if kind == "prop" else
                     key if kind == "var" else f"{key}: {unparse(x)}")
    return f"{e.variable} {{{', '.join(str(i) for i in items)}}}"


def unparse_pattern(p: ast.PatternPart) -> str:
    out = []
    for i, node in enumerate(p.nodes):
        if not _implicit(p, i):
            out.append(unparse_node(node))
        if i < len(p.rels):
            out.append(unparse_rel(p.rels[i]))
    text = "".join(out)
    if p.shortest:
        text = ("shortestPath(" if p.shortest == "shortest" else "allShortestPaths(") + text + ")"
    if p.selector:
        text = _SELECTOR_TEXT[p.selector].format(k=p.selector_count) + " " + text
    if p.variable:
        text = f"{p.variable} = {text}"
    return text


def unparse_node(node: ast.NodePattern) -> str:
    labels = "".join(f":{label}" for label in node.labels)
    if node.label_expr is not None:
        labels += ":" + node.label_expr.text()
    props = f" {unparse(node.properties)}" if node.properties is not None else ""
    where = f" WHERE {unparse(node.where)}" if node.where is not None else ""
    return f"({node.variable or ''}{labels}{props}{where})"


def unparse_rel(r: ast.RelPattern) -> str:
    """A relationship pattern, or the quantified path pattern in its place."""
    if r.group is not None:
        lo, hi = r.min_hops or 0, r.max_hops
        quantifier = "{" + (f"{lo}" if lo == hi else f"{lo},{'' if hi is None else hi}") + "}"
        inner = r.group.pattern
        if r.group.relationship:
            return unparse_rel(inner.rels[0]) + quantifier
        where = f" WHERE {unparse(r.group.where)}" if r.group.where is not None else ""
        return f"({unparse_pattern(inner)}{where}){quantifier}"
    inner_text = (r.variable or "") + ("" if not r.types else ":" + "|".join(r.types))
    if r.label_expr is not None:
        inner_text += ":" + r.label_expr.text()
    if r.var_length:
        lo_text = "" if r.min_hops is None else str(r.min_hops)
        hi_text = "" if r.max_hops is None else str(r.max_hops)
        inner_text += "*" + (lo_text if lo_text == hi_text else f"{lo_text}..{hi_text}")
    if r.properties is not None:
        inner_text += f" {unparse(r.properties)}"
    if r.where is not None:
        inner_text += f" WHERE {unparse(r.where)}"
    left, right = ("<-" if r.direction == "in" else "-"), ("->" if r.direction == "out" else "-")
    return f"{left}[{inner_text}]{right}"


def _implicit(p: ast.PatternPart, i: int) -> bool:
    """Node ``i`` is the anonymous node the parser put at the start or end of a quantified path
    pattern, or between two (``((a)-->(b))+((c)-->(d))+``): unparsed as nothing."""
    node = p.nodes[i]
    if node != ast.NodePattern(None, (), None):
        return False
    before = p.rels[i - 1].group is not None if i > 0 else None
    after = p.rels[i].group is not None if i < len(p.rels) else None
    return (before is not False and after is not False) and (before or after) is True
_SELECTOR_TEXT = {"shortest": "SHORTEST {k}", "groups": "SHORTEST {k} GROUPS",
                  "all shortest": "ALL SHORTEST", "any": "ANY {k}"}
