"""Syntax tree back to Cypher text, for ``explain`` output and error messages."""

from __future__ import annotations

from typing import Any

from relgraph.graph.cypher import ast


def unparse(e: Any) -> str:
    """Readable Cypher for an expression (not necessarily the text as written)."""
    if e is None:
        return ""
    if isinstance(e, ast.Literal):
        v = e.value
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return repr(v)
    if isinstance(e, ast.Parameter):
        return f"${e.name}"
    if isinstance(e, ast.Variable):
        return e.name
    if isinstance(e, ast.Property):
        return f"{unparse(e.subject)}.{e.key}"
    if isinstance(e, ast.Index):
        return f"{unparse(e.subject)}[{unparse(e.index)}]"
    if isinstance(e, ast.Slice):
        return f"{unparse(e.subject)}[{unparse(e.start)}..{unparse(e.stop)}]"
    if isinstance(e, ast.Binary):
        return f"({unparse(e.left)} {e.op} {unparse(e.right)})"
    if isinstance(e, ast.Unary):
        return f"{e.op} {unparse(e.operand)}" if e.op == "NOT" else f"{e.op}{unparse(e.operand)}"
    if isinstance(e, ast.IsNull):
        return f"{unparse(e.operand)} IS {'NOT ' if e.negated else ''}NULL"
    if isinstance(e, ast.HasLabels):
        if e.label_expr is not None:
            return unparse(e.subject) + ":" + e.label_expr.text()
        return unparse(e.subject) + "".join(f":{label}" for label in e.labels)
    if isinstance(e, ast.ListLiteral):
        return "[" + ", ".join(unparse(x) for x in e.items) + "]"
    if isinstance(e, ast.MapLiteral):
        return "{" + ", ".join(f"{k}: {unparse(x)}" for k, x in e.items) + "}"
    if isinstance(e, ast.FunctionCall):
        inner = ", ".join(unparse(a) for a in e.args)
        return f"{e.name}({'DISTINCT ' if e.distinct else ''}{inner})"
    if isinstance(e, ast.CountStar):
        return "count(*)"
    if isinstance(e, ast.Case):
        parts = ["CASE"]
        if e.subject is not None:
            parts.append(unparse(e.subject))
        for c, r in e.whens:
            parts.append(f"WHEN {unparse(c)} THEN {unparse(r)}")
        if e.default is not None:
            parts.append(f"ELSE {unparse(e.default)}")
        parts.append("END")
        return " ".join(parts)
    if isinstance(e, ast.ListComprehension):
        text = f"[{e.variable} IN {unparse(e.source)}"
        if e.where is not None:
            text += f" WHERE {unparse(e.where)}"
        if e.projection is not None:
            text += f" | {unparse(e.projection)}"
        return text + "]"
    if isinstance(e, ast.Quantifier):
        where = f" WHERE {unparse(e.where)}" if e.where is not None else ""
        return f"{e.kind}({e.variable} IN {unparse(e.source)}{where})"
    if isinstance(e, ast.Reduce):
        return (f"reduce({e.accumulator} = {unparse(e.init)}, {e.variable} IN {unparse(e.source)} | "
                f"{unparse(e.body)})")
    if isinstance(e, ast.PatternPredicate):
        return unparse_pattern(e.pattern)
    if isinstance(e, ast.PatternComprehension):
        where = f" WHERE {unparse(e.where)}" if e.where is not None else ""
        return f"[{unparse_pattern(e.pattern)}{where} | {unparse(e.projection)}]"
    if isinstance(e, ast.Exists):
        head = e.kind.upper()
        if e.patterns is None:
            return f"{head} {{ ... }}"
        where = f" WHERE {unparse(e.where)}" if e.where is not None else ""
        return f"{head} {{ " + ", ".join(unparse_pattern(p) for p in e.patterns) + where + " }"
    if isinstance(e, ast.MapProjection):
        items = []
        for kind, key, x in e.items:
            items.append(".*" if kind == "all" else f".{key}" if kind == "prop" else
                         key if kind == "var" else f"{key}: {unparse(x)}")
        return f"{e.variable} {{{', '.join(str(i) for i in items)}}}"
    return type(e).__name__


def unparse_pattern(p: ast.PatternPart) -> str:
    out = []
    for i, node in enumerate(p.nodes):
        labels = "".join(f":{label}" for label in node.labels)
        if node.label_expr is not None:
            labels += ":" + node.label_expr.text()
        props = f" {unparse(node.properties)}" if node.properties is not None else ""
        out.append(f"({node.variable or ''}{labels}{props})")
        if i < len(p.rels):
            r = p.rels[i]
            inner = (r.variable or "") + ("" if not r.types else ":" + "|".join(r.types))
            if r.var_length:
                lo = "" if r.min_hops is None else str(r.min_hops)
                hi = "" if r.max_hops is None else str(r.max_hops)
                inner += "*" + (lo if lo == hi else f"{lo}..{hi}")
            if r.properties is not None:
                inner += f" {unparse(r.properties)}"
            out.append(("<-" if r.direction == "in" else "-") + f"[{inner}]" +
                       ("->" if r.direction == "out" else "-"))
    text = "".join(out)
    if p.shortest:
        text = ("shortestPath(" if p.shortest == "shortest" else "allShortestPaths(") + text + ")"
    if p.variable:
        text = f"{p.variable} = {text}"
    return text
