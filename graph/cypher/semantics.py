"""Semantic analysis: scoping and static type checks, before anything runs.

The analyser walks the clauses with the set of variables in scope and what
kind of value each holds (node, relationship, path, or a literal's type when
it is known statically). It rejects, with the TCK's detail codes:

* variables used before being bound (UndefinedVariable), bound twice
  (VariableAlreadyBound), or used as two kinds of thing (VariableTypeConflict);
* aggregates where they cannot be (InvalidAggregation, NestedAggregation) and
  projections that mix aggregates with non-grouped values
  (AmbiguousAggregationExpression);
* malformed writes (CREATE without a single relationship type, undirected or
  variable-length CREATE, DELETE of a label...);
* operands whose static type cannot work (``1 AND true``, ``x IN 123``,
  ``labels(path)``), which Neo4j reports before running.

Doing this up front is what lets a read-only refusal or a semantic error leave
the graph untouched: nothing executes until the whole query has been checked.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from relgraph.graph.cypher import ast, dynamic_labels
from relgraph.graph.cypher.aggregates import AGGREGATES, is_aggregate
from relgraph.graph.cypher.errors import (
    CypherProcedureError,
    CypherSemanticError,
    CypherSyntaxError,
    CypherUnsupportedError,
)
from relgraph.graph.cypher.expressions import children, contains_aggregate
from relgraph.graph.cypher.functions import FUNCTIONS, lookup
from relgraph.graph.cypher.temporal_functions import temporal_function, temporal_function_names
from relgraph.graph.values.errors import CypherTypeError

ANY, NODE, REL, PATH = "any", "node", "rel", "path"
INT, FLOAT, STRING, BOOL, NULL, MAP, LIST = "int", "float", "string", "bool", "null", "map", "list"
TEMPORAL, DURATION = "temporal", "duration"  # a date, time..., or a duration, as functions return
_ENTITY = {NODE, REL, PATH}


def _err(message: str, code: str) -> CypherSemanticError:
    return CypherSemanticError(message, code)


# --- helpers shared with the planner --------------------------------------------------


def split_conjuncts(e: ast.Expr) -> list[ast.Expr]:
    """``a AND b AND c`` -> [a, b, c]."""
    if isinstance(e, ast.Binary) and e.op == "AND":
        return split_conjuncts(e.left) + split_conjuncts(e.right)
    return [e]


def free_variables(e: Any, outside_aggregates: bool = False) -> set[str]:
    """Variables an expression reads from its row (comprehension variables excluded).

    With ``outside_aggregates`` the arguments of aggregate calls are not counted.
    """
    out: set[str] = set()
    _free(e, out, frozenset(), outside_aggregates)
    return out


def _free(e: Any, out: set[str], local: frozenset[str], skip_aggs: bool = False) -> None:
    if e is None:
        return
    if skip_aggs and (isinstance(e, ast.CountStar) or
                      (isinstance(e, ast.FunctionCall) and is_aggregate(e.name))):
        return
    if isinstance(e, ast.Variable):
        if e.name not in local:
            out.add(e.name)
        return
    if isinstance(e, (ast.ListComprehension, ast.Quantifier)):
        _free(e.source, out, local, skip_aggs)
        inner = local | {e.variable}
        _free(e.where, out, inner, skip_aggs)
        if isinstance(e, ast.ListComprehension):
            _free(e.projection, out, inner, skip_aggs)
        return
    if isinstance(e, ast.Reduce):
        _free(e.init, out, local, skip_aggs)
        _free(e.source, out, local, skip_aggs)
        _free(e.body, out, local | {e.accumulator, e.variable}, skip_aggs)
        return
    if isinstance(e, ast.MapProjection):
        if e.variable not in local:
            out.add(e.variable)
        for _, _, x in e.items:
            _free(x, out, local, skip_aggs)
        return
    if isinstance(e, (ast.PatternPredicate, ast.PatternComprehension, ast.Exists)):
        parts: tuple[ast.PatternPart, ...] = ()
        if isinstance(e, (ast.PatternPredicate, ast.PatternComprehension)):
            parts = (e.pattern,)
        elif e.patterns is not None:
            parts = e.patterns
        for p in parts:
            _free_pattern(p, out, local, skip_aggs)
        if isinstance(e, ast.PatternComprehension):
            _free(e.where, out, local, skip_aggs)
            _free(e.projection, out, local, skip_aggs)
        elif isinstance(e, ast.Exists):
            _free(e.where, out, local, skip_aggs)
            if e.query is not None:
                for part in e.query.parts:
                    for clause in part.clauses:
                        _free_clause(clause, out, local)
        return

    for child in children(e):
        _free(child, out, local, skip_aggs)


def _free_pattern(p: ast.PatternPart, out: set[str], local: frozenset[str], skip_aggs: bool) -> None:
    """The variables a pattern in an expression mentions, with its inline predicates and the
    insides of its quantified path patterns."""
    for e in p.elements():
        if e.variable and e.variable not in local:
            out.add(e.variable)
        _free(e.properties, out, local, skip_aggs)
        _free(e.where, out, local, skip_aggs)
        group = e.group if isinstance(e, ast.RelPattern) else None
        if group is not None:
            _free_pattern(group.pattern, out, local, skip_aggs)
            _free(group.where, out, local, skip_aggs)


def _free_clause(clause: ast.Clause, out: set[str], local: frozenset[str]) -> None:
    """Approximate: every variable mentioned by a subquery clause (for scheduling only)."""

    def walk(x: Any) -> None:
        if isinstance(x, ast.Expr):
            _free(x, out, local)
            return
        if isinstance(x, ast.PatternPart):
            _free(ast.PatternPredicate(x), out, local)
            return
        if isinstance(x, ast.SyntaxNode):
            for name in x.__dataclass_fields__:
                if name != "pos":
                    walk(getattr(x, name))
        elif isinstance(x, tuple):
            for item in x:
                walk(item)

    walk(clause)


def is_updating(query: ast.Query) -> ast.Clause | None:
    """The first updating clause of a query (the read-only check), or None."""
    for part in query.parts:
        for clause in part.clauses:
            if isinstance(clause, ast.UPDATING_CLAUSES):
                return clause
            found = _updating_in(clause)
            if found is not None:
                return found
    return None


def _updating_in(x: Any) -> ast.Clause | None:
    if isinstance(x, ast.UPDATING_CLAUSES):
        return x
    if isinstance(x, ast.Exists) and x.query is not None:
        return is_updating(x.query)
    if isinstance(x, ast.SyntaxNode):
        for name in x.__dataclass_fields__:
            if name != "pos":
                found = _updating_in(getattr(x, name))
                if found is not None:
                    return found
    elif isinstance(x, tuple):
        for item in x:
            found = _updating_in(item)
            if found is not None:
                return found
    return None


# --- the analyser ---------------------------------------------------------------------


Scope = dict[str, str]


class Analyzer:
    """Checks one query. ``procedures`` maps names to their signatures (for CALL)."""

    def __init__(self, query_text: str, procedures: dict[str, Any] | None = None):
        self.text = query_text
        self.procedures = procedures or {}
        # Inside EXISTS/COUNT/COLLECT { } and CALL (x) { }, Neo4j keeps the outer (or
        # imported) variables visible after every WITH and refuses to redeclare them;
        # ``fixed`` holds them while such a body is checked, and ``fixed_what`` says which.
        self.fixed: Scope = {}
        self.fixed_what = ""

    def _subquery(self, part: ast.SingleQuery, scope: Scope, fixed: Scope, what: str,
                  in_subquery: bool = False) -> list[str]:
        """Check one part of a subquery body with ``fixed`` as its unshadowable variables."""
        saved = self.fixed, self.fixed_what
        self.fixed = {v: t for v, t in fixed.items() if not v.startswith("\0")}
        self.fixed_what = what
        try:
            return self.check_single(part, scope, top_level=False, in_subquery=in_subquery)
        finally:
            self.fixed, self.fixed_what = saved

    def _check_shadowing(self, name: str, expr: ast.Expr | None) -> None:
        """A new variable named like a fixed one (``WITH 1 AS p``) is refused, as in Neo4j;
        ``WITH p`` (or ``p AS p``) merely carries it on."""
        if name not in self.fixed or (isinstance(expr, ast.Variable) and expr.name == name):
            return
        raise _err(f"the variable `{name}` is shadowing {self.fixed_what} and needs to be renamed",
                   "VariableAlreadyBound")

    def check(self, query: ast.Query) -> list[str]:
        """Validate the query; returns the result column names."""
        columns: list[str] | None = None
        if len(set(query.all_flags)) > 1:
            raise _err("cannot mix UNION and UNION ALL", "InvalidClauseComposition")
        for part in query.parts:
            cols = self.check_single(part, {}, top_level=True)
            if len(query.parts) > 1 and columns is not None and cols != columns:
                raise _err("all parts of a UNION must return the same columns",
                           "DifferentColumnsInUnion")
            columns = cols
        return columns or []

    def check_single(self, query: ast.SingleQuery, scope: Scope, top_level: bool,
                     in_subquery: bool = False) -> list[str]:
        clauses = query.clauses
        columns: list[str] = []
        scope = dict(scope)
        for i, clause in enumerate(clauses):
            if isinstance(clause, (ast.Return, ast.Finish)) and i < len(clauses) - 1:
                word = "RETURN" if isinstance(clause, ast.Return) else "FINISH"
                raise CypherSyntaxError(f"{word} must be the last clause", self.text,
                                        clauses[i + 1].pos, code="UnexpectedSyntax")
            if in_subquery and isinstance(clause, ast.UPDATING_CLAUSES):
                raise _err("an EXISTS, COUNT or COLLECT subquery cannot update the graph",
                           "InvalidClauseComposition")
            scope, columns = self.check_clause(clause, scope, standalone=len(clauses) == 1)
        last = clauses[-1]
        unit_subquery = isinstance(last, ast.CallSubquery) and not any(
            isinstance(part.clauses[-1], ast.Return) for part in last.query.parts)
        if top_level and not unit_subquery and \
                not isinstance(last, (ast.Return, *ast.UPDATING_CLAUSES, ast.Call, ast.Finish)):
            name = type(last).__name__.upper().replace("CLAUSE", "")
            raise _err(f"a query cannot end with {name} (add RETURN)", "InvalidClauseComposition")
        if isinstance(last, ast.Call) and not isinstance(last, ast.Return):
            return columns
        return columns if isinstance(last, ast.Return) else []

    # --- clauses ---------------------------------------------------------------------

    def check_clause(self, c: ast.Clause, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        # one method per clause, named after its class
        method: Callable[[ast.Clause, Scope, bool], tuple[Scope, list[str]]]
        method = getattr(self, "clause_" + type(c).__name__)
        return method(c, scope, standalone)

    def clause_Match(self, c: ast.Match, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        new = self.check_patterns(c.patterns, scope, "match")
        if c.where is not None:
            self.expr(c.where, new, where=True, expect_bool=True)
        return new, []

    def clause_Unwind(self, c: ast.Unwind, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        t = self.expr(c.expr, scope)
        self._check_shadowing(c.variable, None)
        if c.variable in scope:
            raise _err(f"variable `{c.variable}` is already bound", "VariableAlreadyBound")
        new = dict(scope)
        new[c.variable] = _element_type(t)
        return new, []

    def clause_With(self, c: ast.With, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        new, cols = self.check_projection(c.projection, scope, is_with=True)
        if c.where is not None:
            if _narrowing(c.projection):
                # only projected columns, or expressions equal to projected ones
                _check_pattern_positions(c.where, True)
                if _has_aggregate(c.where):
                    raise _err("aggregation is not allowed in WHERE", "InvalidAggregation")
                self._check_order_expr(c.where, [i.expr for i in c.projection.items], set(new),
                                       scope, False)
            else:
                self.expr(c.where, {**scope, **new}, where=True, expect_bool=True)
        return new, cols

    def clause_Return(self, c: ast.Return, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        new, cols = self.check_projection(c.projection, scope, is_with=False)
        return new, cols

    def clause_Create(self, c: ast.Create, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        return self.check_patterns(c.patterns, scope, "create"), []

    def clause_Merge(self, c: ast.Merge, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        new = self.check_patterns((c.pattern,), scope, "merge")
        for item in (*c.on_create, *c.on_match):
            self.check_set_item(item, new)
        return new, []

    def clause_SetClause(self, c: ast.SetClause, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        for item in c.items:
            self.check_set_item(item, scope)
        return scope, []

    def clause_Remove(self, c: ast.Remove, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        for item in c.items:
            if isinstance(item, ast.RemoveLabels):
                self.var(item.variable, scope, item.pos)
                for d in item.dynamic:
                    self._check_dynamic(d, scope, "remove", "labels")
            else:
                self.expr(item.target, scope)
        return scope, []

    def clause_Delete(self, c: ast.Delete, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        for e in c.exprs:
            if isinstance(e, ast.HasLabels):
                raise _err("DELETE removes nodes and relationships; use REMOVE for labels",
                           "InvalidDelete")
            t = self.expr(e, scope)
            if t in (INT, FLOAT, STRING, BOOL, MAP) or (t.startswith("list<") and \
                    t[5:-1] in (INT, FLOAT, STRING, BOOL, MAP)):
                raise _err(f"DELETE expects a node, relationship or path, got {t}", "InvalidArgumentType")
        return scope, []

    def clause_Call(self, c: ast.Call, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        return self.check_call(c, scope, standalone)

    def clause_CallSubquery(self, c: ast.CallSubquery, scope: Scope, standalone: bool
                           ) -> tuple[Scope, list[str]]:
        inner = dict(scope) if c.import_all else {v: self.var(v, scope, c.pos) for v in c.imports}
        columns: list[str] | None = None
        for part in c.query.parts:
            last = part.clauses[-1]
            if isinstance(last, ast.Return) and last.projection.star:
                raise CypherUnsupportedError("RETURN * inside CALL { }")
            if c.scoped:
                cols = self._subquery(part, inner, inner, "an imported variable with the same name")
            else:
                _check_importing_with(part.clauses[0], scope)
                cols = self._subquery(part, inner, {}, "")
            if columns is not None and cols != columns:
                raise _err("all parts of a UNION must return the same columns",
                           "DifferentColumnsInUnion")
            columns = cols
        new = dict(scope)
        for col in columns or []:
            if col in scope:
                raise _err(f"variable `{col}` is already bound", "VariableAlreadyBound")
            new[col] = ANY
        return new, []

    def clause_Finish(self, c: ast.Finish, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        return scope, []

    def clause_Foreach(self, c: ast.Foreach, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        t = self.expr(c.source, scope)
        if t in (INT, FLOAT, STRING, BOOL, MAP, NODE, REL, PATH):
            raise _err(f"FOREACH expects a list, got {t}", "InvalidArgumentType")
        if c.variable in scope:
            raise _err(f"variable `{c.variable}` is already bound", "VariableAlreadyBound")
        inner = {**scope, c.variable: _element_type(t)}
        for clause in c.clauses:
            inner, _ = self.check_clause(clause, inner, standalone=False)
        return scope, []  # variables made inside FOREACH do not leak out

    def check_call(self, c: ast.Call, scope: Scope, standalone: bool) -> tuple[Scope, list[str]]:
        proc = self.procedures.get(c.name)
        if proc is None:
            raise CypherProcedureError(f"there is no procedure {c.name}", "ProcedureNotFound")
        if c.args is None:
            if not standalone:
                raise _err(f"{c.name} needs explicit arguments inside a larger query",
                           "InvalidArgumentPassingMode")
        else:
            if len(c.args) != len(proc.inputs):
                raise _err(f"{c.name} takes {len(proc.inputs)} arguments, got {len(c.args)}",
                           "InvalidNumberOfArguments")
            for arg, (_, typ) in zip(c.args, proc.inputs):
                t = self.expr(arg, scope)
                if not _type_accepts(typ, t):
                    raise _err(f"{c.name}: argument of type {t} where {typ} is expected",
                               "InvalidArgumentType")
        outputs = [name for name, _ in proc.outputs]
        if c.yield_star and not standalone:
            raise _err("YIELD * is only allowed in a standalone CALL", "UnexpectedSyntax")
        new = dict(scope)
        cols: list[str] = []
        if c.yields is None:
            if not standalone and outputs:
                raise _err(f"CALL {c.name} inside a larger query needs YIELD", "UndefinedVariable")
            cols = outputs
            return new, cols
        seen: set[str] = set()
        for out, alias in c.yields:
            if out not in outputs:
                raise _err(f"{c.name} has no output {out}", "UndefinedVariable")
            if alias in scope or alias in seen:
                raise _err(f"variable `{alias}` is already bound", "VariableAlreadyBound")
            seen.add(alias)
            new[alias] = ANY
            cols.append(alias)
        if c.where is not None:
            self.expr(c.where, new, where=True, expect_bool=True)
        return new, cols

    def check_set_item(self, item: Any, scope: Scope) -> None:
        if isinstance(item, ast.SetProperty):
            self.expr(item.target.subject, scope)
            if isinstance(item.target, ast.Index):
                self.expr(item.target.index, scope)
            self.expr(item.value, scope)
        elif isinstance(item, ast.SetVariable):
            self.var(item.variable, scope, item.pos)
            self.expr(item.value, scope)
        elif isinstance(item, ast.SetLabels):
            self.var(item.variable, scope, item.pos)
            for d in item.dynamic:
                self._check_dynamic(d, scope, "set", "labels")

    def check_patterns(self, parts: tuple[ast.PatternPart, ...], scope: Scope, mode: str) -> Scope:
        """MATCH, CREATE and MERGE patterns; returns the scope after the clause."""
        new = dict(scope)
        rels_here: set[str] = set()
        groups = self._check_groups(parts, scope, mode)
        for part in parts:
            elements: tuple[ast.NodePattern | ast.RelPattern, ...] = (*part.nodes, *part.rels)
            element_vars = {e.variable for e in elements if e.variable}
            if part.variable is not None and (part.variable in new or part.variable in element_vars):
                raise _err(f"variable `{part.variable}` is already bound", "VariableAlreadyBound")
            if mode == "create" and part.shortest:
                raise _err("CREATE cannot use shortestPath", "UnexpectedSyntax")
            if mode != "match" and part.selector is not None:
                raise _err(f"{mode.upper()} cannot use a path selector", "UnexpectedSyntax")
            if part.selector is not None and part.selector_count < 1:
                raise _err("The path count needs to be greater than 0.", "InvalidArgumentValue")
            if part.selector is not None and len(parts) > 1:
                raise _err("Multiple path patterns cannot be used in the same clause in combination "
                           "with a selective path selector.", "UnexpectedSyntax")
            if part.shortest and part.rels and part.rels[0].min_hops not in (None, 0, 1):
                raise _err(f"{'shortestPath' if part.shortest == 'shortest' else 'allShortestPaths'}(...) "
                           "does not support a minimal length different from 0 or 1",
                           "InvalidRelationshipPattern")
            for node in part.nodes:
                own = {node.variable: NODE} if node.variable and mode == "match" else {}
                self._check_dynamic(node.label_expr, {**scope, **own}, mode, "labels")
                if node.label_expr is not None and mode in ("create", "merge") and \
                        not _conjunctive(node.label_expr):
                    raise self._at(f"Label expressions in patterns are not allowed in a {mode.upper()} "
                                   "clause, but only in a MATCH clause and in expressions",
                                   "InvalidLabelExpression", node.pos)
                _no_predicate(node, "Node", mode, self)
                if isinstance(node.properties, ast.Parameter) and mode != "create":
                    raise _err("a parameter cannot be used as a property map in MATCH or MERGE",
                               "InvalidParameterUse")
                if node.properties is not None:
                    self.expr(node.properties, new)
                v = node.variable
                if v is None:
                    continue
                if v in new:
                    t = new[v]
                    if t not in (NODE, ANY, NULL):
                        raise _err(f"variable `{v}` is a {t}, not a node", "VariableTypeConflict")
                    if mode in ("create", "merge") and (
                            node.labels or node.properties is not None or len(part.nodes) == 1):
                        raise _err(f"variable `{v}` is already bound", "VariableAlreadyBound")
                else:
                    new[v] = NODE
            for rel in part.rels:
                if rel.group is not None:
                    continue  # its variables: _check_groups
                _no_predicate(rel, "Relationship", mode, self)
                self._check_dynamic(rel.label_expr, scope, mode, "types")
                single = rel.label_expr is not None and rel.label_expr.op == "dynamic"
                if rel.label_expr is not None and mode in ("create", "merge") and not single:
                    raise self._at(f"Relationship type expressions in patterns are not allowed in a "
                                   f"{mode.upper()} clause, but only in a MATCH clause",
                                   "InvalidRelTypeExpression", rel.pos)
                if isinstance(rel.properties, ast.Parameter) and mode != "create":
                    raise _err("a parameter cannot be used as a property map in MATCH or MERGE",
                               "InvalidParameterUse")
                if rel.properties is not None:
                    self.expr(rel.properties, new)
                if mode in ("create", "merge") and rel.variable is not None and rel.variable in new:
                    t = new[rel.variable]
                    if t in (REL, ANY):
                        raise _err(f"variable `{rel.variable}` is already bound", "VariableAlreadyBound")
                    raise _err(f"variable `{rel.variable}` is a {t}, not a relationship",
                               "VariableTypeConflict")
                if mode in ("create", "merge"):
                    if len(rel.types) != 1 and not single:
                        raise _err(f"{mode.upper()} needs exactly one relationship type",
                                   "NoSingleRelationshipType")
                    if rel.var_length:
                        raise _err(f"{mode.upper()} cannot create a variable-length relationship",
                                   "CreatingVarLength")
                    if mode == "create" and rel.direction == "both":
                        raise _err("CREATE needs a directed relationship", "RequiresDirectedRelationship")
                v = rel.variable
                if v is None:
                    continue
                if v in rels_here:
                    raise _err(f"relationship `{v}` is used twice in one pattern",
                               "RelationshipUniquenessViolation")
                rels_here.add(v)
                if v in new:
                    t = new[v]
                    if mode in ("create", "merge"):
                        if t in (REL, ANY):
                            raise _err(f"variable `{v}` is already bound", "VariableAlreadyBound")
                        raise _err(f"variable `{v}` is a {t}, not a relationship", "VariableTypeConflict")
                    if rel.var_length:
                        if t not in (ANY, LIST) and not t.startswith("list"):
                            raise _err(f"variable `{v}` is a {t}, not a list of relationships",
                                       "VariableTypeConflict")
                    elif t not in (REL, ANY, NULL):
                        raise _err(f"variable `{v}` is a {t}, not a relationship", "VariableTypeConflict")
                else:
                    new[v] = "list<rel>" if rel.var_length else REL
            if part.variable is not None:
                new[part.variable] = PATH
        self._check_inline_predicates(parts, new, groups)
        new.update(groups)
        return new

    def _check_dynamic(self, expr: ast.LabelExpr | None, scope: Scope, mode: str, what: str) -> None:
        """The expressions of dynamic labels or types (``:$(expr)``) read the clause's incoming
        variables; CREATE and MERGE take no ``$any``."""
        for d in dynamic_labels.parts(expr):
            if mode in ("create", "merge") and d.args[1] == "any":
                raise self._at(f"Dynamic {what} using `$any()` are not allowed in CREATE or MERGE.",
                               "UnexpectedSyntax", d.pos)
            t = self.expr(d.args[0], scope)
            dynamic_labels.check_literal(d, self.text)
            if t in _NOT_NAMES:  # known before it runs (``UNWIND [1] AS x MATCH (n:$(x))``), as Neo4j knows
                raise self._at(f"Type mismatch: expected String or List<String> but was {_NOT_NAMES[t]}",
                               "InvalidArgumentType", d.args[0].pos)

    def _check_groups(self, parts: tuple[ast.PatternPart, ...], scope: Scope, mode: str) -> Scope:
        """The group variables of the quantified path patterns in ``parts``, typed as the lists
        they are after the match, checked against Neo4j 5's rules for them."""
        groups: Scope = {}
        owner: dict[str, int] = {}  # the quantified path pattern each group variable belongs to
        outside = {v for part in parts for e in part.elements()
                   if not (isinstance(e, ast.RelPattern) and e.group is not None) for v in [e.variable] if v}
        for part in parts:
            for rel in part.rels:
                if rel.group is None:
                    continue
                if mode in ("create", "merge"):
                    raise self._at(f"Quantified path patterns cannot be used in a {mode.upper()} clause, "
                                   "but only in a MATCH clause.", "UnexpectedSyntax", rel.pos)
                if part.shortest:
                    raise self._at("shortestPath(...) contains quantified pattern. This is currently "
                                   "not supported.", "UnexpectedSyntax", part.pos)
                inner = rel.group.pattern
                if len(inner.rels) == 0:
                    raise self._at("A quantified path pattern needs to have at least one relationship.",
                                   "UnexpectedSyntax", rel.pos)
                for e in inner.elements():
                    self._check_dynamic(e.label_expr, scope, mode, "labels")
                    v = e.variable
                    if isinstance(e, ast.RelPattern) and e.var_length:
                        raise self._at("Variable length relationships cannot be part of a quantified "
                                       "path pattern.", "UnexpectedSyntax", e.pos)
                    if v is None:
                        continue
                    if v in scope:
                        raise self._at(f"The variable `{v}` is already defined in a previous clause, it "
                                       "cannot be referenced as a node or as a relationship variable "
                                       "inside of a quantified path pattern.", "VariableAlreadyBound", e.pos)
                    if v in outside:
                        raise self._at(f"The variable `{v}` occurs both inside and outside a quantified "
                                       "path pattern and needs to be renamed.", "VariableAlreadyBound", e.pos)
                    kind = "list<rel>" if isinstance(e, ast.RelPattern) else "list<node>"
                    if groups.get(v, kind) != kind:
                        raise _err(f"variable `{v}` is used as a node and as a relationship",
                                   "VariableTypeConflict")
                    if owner.setdefault(v, id(rel)) != id(rel):
                        raise self._at(f"The variable `{v}` occurs in multiple quantified path patterns "
                                       "and needs to be renamed.", "VariableAlreadyBound", e.pos)
                    groups[v] = kind
        return groups

    def _check_inline_predicates(self, parts: tuple[ast.PatternPart, ...], scope: Scope,
                                 groups: Scope) -> None:
        """The WHERE inside node and relationship patterns and quantified path patterns: with every
        variable of the match in scope, a group variable as the one node or relationship of a
        repetition."""
        paths = {part.variable for part in parts if part.variable}
        scope = {**scope, **groups}
        for part in parts:
            for e in part.elements():
                if e.where is not None:
                    self.expr(e.where, scope, where=True, expect_bool=True)
                group = e.group if isinstance(e, ast.RelPattern) else None
                if group is None:
                    continue
                inner = group.pattern
                # this group's variables are one repetition's; another group's are its lists
                inside = {**scope, **{v: NODE for n in inner.nodes for v in [n.variable] if v},
                          **{v: REL for r in inner.rels for v in [r.variable] if v}}
                read = {v for x in (group.where, *(y.where for y in inner.elements()))
                        for v in free_variables(x)}
                if read & paths:
                    raise self._at("From within a quantified path pattern, one may only reference variables, "
                                   "that are already bound in a previous `MATCH` clause.", "UnexpectedSyntax",
                                   e.pos)
                for x in inner.elements():
                    if x.properties is not None:
                        self.expr(x.properties, inside)
                    if x.where is not None:
                        self.expr(x.where, inside, where=True, expect_bool=True)
                if group.where is not None:
                    self.expr(group.where, inside, where=True, expect_bool=True)

    def check_projection(self, proj: ast.Projection, scope: Scope, is_with: bool) -> tuple[Scope, list[str]]:
        items = list(proj.items)
        if proj.star and not is_with and not scope and not items:
            raise _err("RETURN * has no variables in scope", "NoVariablesInScope")
        names: list[str] = []
        new: Scope = {}
        if proj.star:
            for v in scope:
                if not v.startswith("\0"):
                    names.append(v)
                    new[v] = scope[v]
        grouping: list[ast.Expr] = []
        aggregating = False
        item_types: list[str] = []
        for item in items:
            t = self.expr(item.expr, scope, agg_allowed=True)
            item_types.append(t)
            if _has_aggregate(item.expr):
                aggregating = True
            else:
                grouping.append(item.expr)
        for item, t in zip(items, item_types):
            if item.name in names:
                raise _err(f"column name `{item.name}` is used twice", "ColumnNameConflict")
            self._check_shadowing(item.name, item.expr)
            names.append(item.name)
            new[item.name] = t
        for v, t in self.fixed.items():
            new.setdefault(v, t)
        if aggregating:
            keys = list(grouping)
            key_vars = {e.name for e in keys if isinstance(e, ast.Variable)}
            if proj.star:
                key_vars |= set(scope)
            for item in items:
                if _has_aggregate(item.expr):
                    self._check_ambiguous(item.expr, keys, key_vars)
        # ORDER BY sees the projected columns, plus (when neither DISTINCT nor
        # aggregating) the variables from before the projection.
        if proj.order:
            order_scope = dict(new) if proj.distinct or aggregating else {**scope, **new}
            projected_exprs = [i.expr for i in items]
            for s in proj.order:
                if proj.distinct or aggregating:
                    _check_pattern_positions(s.expr, False)
                    self._check_order_expr(s.expr, projected_exprs, set(new), scope, aggregating)
                else:
                    if _has_aggregate(s.expr):
                        raise _err("aggregation in ORDER BY needs an aggregating projection",
                                   "InvalidAggregation")
                    self.expr(s.expr, order_scope)
        for item in items:
            if is_with and item.alias is None and \
                    not isinstance(item.expr, (ast.Variable, ast.MapProjection)):  # n {.a} is n
                raise _err("expression in WITH must be aliased (use AS)", "NoExpressionAlias")
        for e in (proj.skip, proj.limit):
            if e is None:
                continue
            if free_variables(e):
                raise _err("SKIP and LIMIT must be constant expressions", "NonConstantExpression")
            self.expr(e, {})
            if isinstance(e, ast.Literal):
                if isinstance(e.value, float):
                    raise _err("SKIP and LIMIT expect an integer", "InvalidArgumentType")
                if isinstance(e.value, int) and not isinstance(e.value, bool) and e.value < 0:
                    raise _err("SKIP and LIMIT must not be negative", "NegativeIntegerArgument")
        return new, names

    def _check_ambiguous(self, e: ast.Expr, keys: list[ast.Expr], key_vars: set[str]) -> None:
        if e in keys and _simple_key(e):
            return
        if isinstance(e, ast.CountStar) or (isinstance(e, ast.FunctionCall) and is_aggregate(e.name)):
            return
        if isinstance(e, ast.Variable):
            if e.name not in key_vars:
                raise _err(f"`{e.name}` is neither aggregated nor a grouping key",
                           "AmbiguousAggregationExpression")
            return
        if isinstance(e, (ast.ListComprehension, ast.Quantifier, ast.Reduce, ast.MapProjection,
                          ast.PatternComprehension, ast.PatternPredicate, ast.Exists)):
            for v in free_variables(e, outside_aggregates=True):
                if v not in key_vars:
                    raise _err(f"`{v}` is neither aggregated nor a grouping key",
                               "AmbiguousAggregationExpression")
            return

        for child in children(e):
            self._check_ambiguous(child, keys, key_vars)

    def _check_order_expr(self, e: ast.Expr, projected: list[ast.Expr], names: set[str],
                          old_scope: Scope, aggregating: bool, in_agg_expr: bool | None = None) -> None:
        if in_agg_expr is None:
            in_agg_expr = _has_aggregate(e)
        if e in projected:
            if in_agg_expr and not _simple_key(e) and not _has_aggregate(e):
                raise _err("only variables and properties that are grouping keys can be combined "
                           "with an aggregate", "AmbiguousAggregationExpression")
            return
        if isinstance(e, ast.Variable):
            if e.name in names:
                return
            if e.name in old_scope:
                raise self._at(f"`{e.name}` is not projected, so ORDER BY cannot use it",
                               "UndefinedVariable", e.pos)
            self.var(e.name, {n: ANY for n in names}, e.pos)
        if isinstance(e, ast.CountStar) or (isinstance(e, ast.FunctionCall) and is_aggregate(e.name)):
            if not aggregating:
                raise _err("aggregation in ORDER BY after DISTINCT", "InvalidAggregation")
            self.expr(e, {n: ANY for n in names}, agg_allowed=True)
            return

        if isinstance(e, ast.PatternPredicate):
            # where a pattern may stand is checked by the caller: WITH DISTINCT p WHERE (p)-->()
            # is a predicate on the projected p, as in Neo4j
            self._expr(e, {n: ANY for n in names}, False, False)
            return
        if isinstance(e, (ast.ListComprehension, ast.Quantifier, ast.Reduce, ast.MapProjection,
                          ast.PatternComprehension, ast.Exists)):
            scope = {n: ANY for n in names}
            self.expr(e, scope)
            return
        for child in children(e):
            self._check_order_expr(child, projected, names, old_scope, aggregating, in_agg_expr)

    # --- expressions -------------------------------------------------------------------

    def _at(self, message: str, code: str, pos: int) -> CypherSemanticError:
        """An error that points at ``pos`` in the query (nothing to point at when pos is -1)."""
        return CypherSemanticError(message, code, query=self.text, offset=pos if pos >= 0 else None)

    def var(self, name: str, scope: Scope, pos: int = -1) -> str:
        """The type of a variable in scope; an undefined one names the closest one in scope."""
        if name not in scope:
            close = _closest(name, [v for v in scope if not v.startswith("\0")])
            hint = f"; did you mean `{close}`?" if close else ""
            raise self._at(f"variable `{name}` is not defined{hint}", "UndefinedVariable", pos)
        return scope[name]

    def expr(self, e: ast.Expr, scope: Scope, *, where: bool = False, agg_allowed: bool = False,
             expect_bool: bool = False, in_agg: bool = False) -> str:
        _check_pattern_positions(e, where)
        t = self._expr(e, scope, agg_allowed, in_agg)
        if expect_bool and t not in (BOOL, ANY, NULL):
            raise _err(f"WHERE expects a boolean, got {t}", "InvalidArgumentType")
        return t

    def _expr(self, e: ast.Expr, scope: Scope, agg: bool, in_agg: bool) -> str:
        # one method per kind of expression, named after its class
        method: Callable[[ast.Expr, Scope, bool, bool], str] = getattr(self, "expr_" + type(e).__name__)
        return method(e, scope, agg, in_agg)

    def expr_Literal(self, e: ast.Literal, scope: Scope, agg: bool, in_agg: bool) -> str:
        return _literal_type(e.value)

    def expr_Parameter(self, e: ast.Parameter, scope: Scope, agg: bool, in_agg: bool) -> str:
        return ANY

    def expr_Variable(self, e: ast.Variable, scope: Scope, agg: bool, in_agg: bool) -> str:
        return self.var(e.name, scope, e.pos)

    def expr_Property(self, e: ast.Property, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        t = rec(e.subject, scope, agg, in_agg)
        if t == PATH:
            raise _err(f"cannot read property {e.key!r} of a path", "InvalidArgumentType")
        if t in (INT, FLOAT, STRING, BOOL) or t.startswith(LIST):
            raise CypherTypeError(f"cannot read property {e.key!r} of a {t}", "InvalidArgumentType",
                                  phase="compile time")
        return ANY

    def expr_Index(self, e: ast.Index, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        t = rec(e.subject, scope, agg, in_agg)
        it = rec(e.index, scope, agg, in_agg)
        if (t.startswith(LIST) and it in (STRING, FLOAT, BOOL, MAP)) or \
                (t == MAP and it in (INT, FLOAT, BOOL)):
            raise CypherTypeError(f"cannot index a {t} with a {it}", "InvalidArgumentType",
                                  phase="compile time")
        if t in (INT, FLOAT, BOOL) and it != NULL:
            raise CypherTypeError(f"cannot index a {t}", "InvalidArgumentType", phase="compile time")
        return _element_type(t) if t.startswith(LIST) else ANY

    def expr_Slice(self, e: ast.Slice, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        t = rec(e.subject, scope, agg, in_agg)
        for b in (e.start, e.stop):
            if b is not None:
                rec(b, scope, agg, in_agg)
        return t if t.startswith(LIST) else ANY

    def expr_Binary(self, e: ast.Binary, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        lt = rec(e.left, scope, agg, in_agg)
        rt = rec(e.right, scope, agg, in_agg)
        return self._binary_type(e.op, lt, rt)

    def expr_Unary(self, e: ast.Unary, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        t = rec(e.operand, scope, agg, in_agg)
        if e.op == "NOT":
            if t not in (BOOL, ANY, NULL):
                raise _err(f"NOT expects a boolean, got {t}", "InvalidArgumentType")
            return BOOL
        if t in (STRING, BOOL, MAP, NODE, REL, PATH, TEMPORAL, DURATION) or t.startswith(LIST):
            raise _err(f"unary {e.op} on a {t}", "InvalidArgumentType")
        return t

    def expr_IsNull(self, e: ast.IsNull, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        rec(e.operand, scope, agg, in_agg)
        return BOOL

    def expr_TypePredicate(self, e: ast.TypePredicate, scope: Scope, agg: bool, in_agg: bool) -> str:
        self._expr(e.operand, scope, agg, in_agg)
        return BOOL

    def expr_Normalized(self, e: ast.Normalized, scope: Scope, agg: bool, in_agg: bool) -> str:
        self._expr(e.operand, scope, agg, in_agg)
        return BOOL

    def expr_Trim(self, e: ast.Trim, scope: Scope, agg: bool, in_agg: bool) -> str:
        for x in (e.characters, e.source):
            known = (INT, FLOAT, BOOL, MAP, NODE, REL, PATH)
            if x is not None and self._expr(x, scope, agg, in_agg) in known:
                raise _err("trim() expects strings", "InvalidArgumentType")
        return STRING

    def expr_HasLabels(self, e: ast.HasLabels, scope: Scope, agg: bool, in_agg: bool) -> str:
        if dynamic_labels.is_dynamic(e.label_expr):
            raise self._at("Dynamic Label and Types are only allowed in MATCH, CREATE, MERGE, SET and "
                           "REMOVE clauses.", "UnexpectedSyntax", e.pos)
        rec = self._expr
        t = rec(e.subject, scope, agg, in_agg)
        if t not in (NODE, ANY, NULL, REL):
            raise _err(f"label predicate on a {t}", "InvalidArgumentType")
        return BOOL

    def expr_ListLiteral(self, e: ast.ListLiteral, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        types = {rec(x, scope, agg, in_agg) for x in e.items}
        types.discard(NULL)
        if len(types) == 1:
            (only,) = types
            return f"list<{only}>" if not only.startswith(LIST) else LIST
        return LIST

    def expr_MapLiteral(self, e: ast.MapLiteral, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        for _, x in e.items:
            rec(x, scope, agg, in_agg)
        return MAP

    def expr_CountStar(self, e: ast.CountStar, scope: Scope, agg: bool, in_agg: bool) -> str:
        if not agg:
            raise _err("count(*) is not allowed here", "InvalidAggregation")
        if in_agg:
            raise _err("aggregations cannot be nested", "NestedAggregation")
        return INT

    def expr_FunctionCall(self, e: ast.FunctionCall, scope: Scope, agg: bool, in_agg: bool) -> str:
        return self._function(e, scope, agg, in_agg)

    def expr_Case(self, e: ast.Case, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        if e.subject is not None:
            rec(e.subject, scope, agg, in_agg)
        results = set()
        for c, r in e.whens:
            rec(c, scope, agg, in_agg)
            results.add(rec(r, scope, agg, in_agg))
        if e.default is not None:
            results.add(rec(e.default, scope, agg, in_agg))
        return results.pop() if len(results) == 1 else ANY

    def expr_ListComprehension(self, e: ast.ListComprehension | ast.Quantifier, scope: Scope, agg: bool,
                               in_agg: bool) -> str:
        rec = self._expr
        st = rec(e.source, scope, agg, in_agg)
        if st in (INT, FLOAT, STRING, BOOL, MAP, NODE, REL, PATH):
            raise _err(f"expected a list, got {st}", "InvalidArgumentType")
        inner = dict(scope)
        inner[e.variable] = _element_type(st)
        if e.where is not None:
            wt = rec(e.where, inner, False, in_agg)
            if wt not in (BOOL, ANY, NULL):
                raise _err(f"predicate must be a boolean, got {wt}", "InvalidArgumentType")
        if isinstance(e, ast.ListComprehension):
            if e.projection is not None:
                pt = rec(e.projection, inner, False, in_agg)
                return f"list<{pt}>" if pt != ANY and not pt.startswith(LIST) else LIST
            return st if st.startswith(LIST) else LIST
        return BOOL

    expr_Quantifier = expr_ListComprehension

    def expr_Reduce(self, e: ast.Reduce, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        rec(e.init, scope, agg, in_agg)
        st = rec(e.source, scope, agg, in_agg)
        inner = dict(scope)
        inner[e.accumulator] = ANY
        inner[e.variable] = _element_type(st)
        rec(e.body, inner, False, in_agg)
        return ANY

    def expr_MapProjection(self, e: ast.MapProjection, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        t = self.var(e.variable, scope, e.pos)
        if t in (INT, FLOAT, STRING, BOOL, PATH) or t.startswith(LIST):
            raise CypherTypeError(f"map projection of a {t}", "InvalidArgumentType", phase="compile time")
        for _, _, x in e.items:
            if x is not None:
                rec(x, scope, agg, in_agg)
        return MAP

    def expr_PatternPredicate(self, e: ast.PatternPredicate, scope: Scope, agg: bool, in_agg: bool) -> str:
        self._pattern_expr((e.pattern,), scope, allow_new=False)
        return BOOL

    def expr_PatternComprehension(self, e: ast.PatternComprehension, scope: Scope, agg: bool, in_agg: bool
                                 ) -> str:
        rec = self._expr
        inner = self._pattern_expr((e.pattern,), scope, allow_new=True)
        if e.where is not None:
            rec(e.where, inner, False, in_agg)
        rec(e.projection, inner, False, in_agg)
        return LIST

    def expr_Exists(self, e: ast.Exists, scope: Scope, agg: bool, in_agg: bool) -> str:
        rec = self._expr
        result = {"exists": BOOL, "count": INT, "collect": LIST}[e.kind]
        if e.query is not None:
            for part in e.query.parts:
                cols = self._subquery(part, scope, scope, "a variable with the same name from "
                                      "the outer scope", in_subquery=True)
                if e.kind == "collect" and (len(cols) != 1 or not isinstance(part.clauses[-1],
                                                                               ast.Return)):
                    raise _err("COLLECT { } must end with a RETURN of exactly one column",
                               "InvalidClauseComposition")
            return result
        assert e.patterns is not None
        inner = self._pattern_expr(e.patterns, scope, allow_new=True)
        if e.where is not None:
            rec(e.where, inner, False, in_agg)
        return result

    def _pattern_expr(self, parts: tuple[ast.PatternPart, ...], scope: Scope, allow_new: bool) -> Scope:
        inner = dict(scope)
        groups = self._check_groups(parts, scope, "match")
        for part in parts:
            for node in part.nodes:
                if node.variable:
                    if node.variable not in inner:
                        if not allow_new:
                            raise self._at(f"variable `{node.variable}` is not defined (a pattern "
                                           "predicate cannot introduce variables)", "UndefinedVariable",
                                           node.pos)
                        inner[node.variable] = NODE
                    elif inner[node.variable] not in (NODE, ANY):
                        raise _err(f"variable `{node.variable}` is a {inner[node.variable]}, not a node",
                                   "VariableTypeConflict")
                if node.properties is not None:
                    self._expr(node.properties, inner, False, False)
                self._check_dynamic(node.label_expr, scope, "match", "labels")
            for rel in part.rels:
                if rel.group is not None:
                    continue
                if rel.variable and rel.variable not in inner:
                    if not allow_new:
                        raise self._at(f"variable `{rel.variable}` is not defined (a pattern "
                                       "predicate cannot introduce variables)", "UndefinedVariable", rel.pos)
                    inner[rel.variable] = REL
                if rel.properties is not None:
                    self._expr(rel.properties, inner, False, False)
                self._check_dynamic(rel.label_expr, scope, "match", "types")
            if part.variable and part.variable not in inner:
                inner[part.variable] = PATH
        self._check_inline_predicates(parts, inner, groups)
        inner.update(groups)
        return inner

    def _function(self, e: ast.FunctionCall, scope: Scope, agg: bool, in_agg: bool) -> str:
        name = e.name.lower()
        if is_aggregate(name):
            if not agg:
                raise _err(f"aggregate {e.name}() is not allowed here", "InvalidAggregation")
            if in_agg:
                raise _err("aggregations cannot be nested", "NestedAggregation")
            want = 2 if name in ("percentilecont", "percentiledisc") else 1
            if len(e.args) != want:
                raise _err(f"{e.name}() takes {want} argument(s)", "InvalidNumberOfArguments")
            types = [self._expr(a, scope, agg, True) for a in e.args]
            if any(_nondeterministic(a) for a in e.args):
                raise _err(f"{e.name}() of a non-deterministic expression", "NonConstantExpression")
            if name == "count":
                return INT
            if name == "collect":
                return LIST
            if name in ("min", "max"):
                return types[0]
            if name == "sum":
                return types[0] if types[0] in (INT, FLOAT) else ANY
            return FLOAT if name != "percentiledisc" else ANY
        fn = lookup(name)
        if fn is None:
            if name in ("graph.byname", "graph.byelementid"):
                raise CypherUnsupportedError(f"{e.name}() (it names a graph for USE)")
            if temporal_function(name) is None:
                close = _closest_function(e.name)
                hint = f"; did you mean {close}()?" if close else ""
                raise self._at(f"unknown function {e.name}(){hint}", "UnknownFunction", e.pos)
            for a in e.args:
                self._expr(a, scope, agg, in_agg)
            return _RESULT_TYPES.get(name, ANY)
        if len(e.args) < fn.min_args or (fn.max_args is not None and len(e.args) > fn.max_args):
            raise _err(f"wrong number of arguments to {e.name}()", "InvalidNumberOfArguments")
        if e.distinct:
            raise _err(f"DISTINCT is only allowed in aggregate functions, not {e.name}()",
                       "InvalidAggregation")
        types = [self._expr(a, scope, agg, in_agg) for a in e.args]
        if name == "exists" and e.args and isinstance(e.args[0], (ast.Property, ast.Index)):
            # Neo4j 5 dropped exists() on a property, and the TCK does not use it
            raise _err("The property existence syntax `... exists(variable.property)` is no longer "
                       "supported. Please use `variable.property IS NOT NULL` instead.",
                       "InvalidArgumentType")
        if name == "exists" and e.args and not isinstance(e.args[0], ast.PatternPredicate):
            raise _err("exists() expects a pattern", "InvalidArgumentType")
        allowed = _ARG_TYPES.get(name)
        if allowed is not None and types and types[0] not in allowed and types[0] not in (ANY, NULL) \
                and not (types[0].startswith(LIST) and LIST in allowed):
            raise _err(f"{e.name}() cannot take a {types[0]}", "InvalidArgumentType")
        return _RESULT_TYPES.get(name, ANY)

    def _binary_type(self, op: str, lt: str, rt: str) -> str:
        if op in ("AND", "OR", "XOR"):
            for t in (lt, rt):
                if t not in (BOOL, ANY, NULL):
                    raise _err(f"{op} expects booleans, got {t}", "InvalidArgumentType")
            return BOOL
        if op == "IN":
            if rt in (INT, FLOAT, STRING, BOOL, MAP, NODE, REL, PATH):
                raise _err(f"IN expects a list, got {rt}", "InvalidArgumentType")
            return BOOL
        if op == "=~" and any(t not in (STRING, ANY, NULL) for t in (lt, rt)):
            raise _err(f"type mismatch: =~ takes strings, not {lt} and {rt}", "InvalidArgumentType")
        if op in ("=", "<>", "<", ">", "<=", ">=", "=~", "STARTS WITH", "ENDS WITH", "CONTAINS"):
            return BOOL
        if op == "||":
            return _concatenation_type(lt, rt)
        # arithmetic
        if op == "+" and STRING in (lt, rt) and {lt, rt} & {TEMPORAL, DURATION}:  # 'x' + date()
            raise _err(f"type mismatch: cannot apply + to a {lt} and a {rt} value",
                       "InvalidArgumentType")
        if op in ("-", "*", "/", "%", "^") and NULL in (lt, rt):
            # null - 's' is null at run time, but Neo4j refuses the other operand's type first
            other = rt if lt == NULL else lt
            right = lt == NULL  # the typed operand is the right one
            if other in (STRING, BOOL, MAP, NODE, REL, PATH) or other.startswith(LIST) or (
                    other == TEMPORAL and (op != "-" or right)) or (
                    other == DURATION and (op in ("%", "^") or (op == "/" and right))):
                raise _err(f"type mismatch: cannot apply {op} to {lt} and {rt}", "InvalidArgumentType")
        known = {INT, FLOAT, STRING, BOOL, MAP, NODE, REL, PATH}
        if (lt in known and rt in known) or (lt.startswith(LIST) and rt in known) or \
                (rt.startswith(LIST) and lt in known):
            numeric = {INT, FLOAT}
            if op == "+":
                ok = (lt in numeric and rt in numeric) or (lt == STRING and rt in (STRING, INT, FLOAT)) or \
                    (rt == STRING and lt in (INT, FLOAT)) or lt.startswith(LIST) or rt.startswith(LIST)
            else:
                ok = lt in numeric and rt in numeric
            if not ok:
                raise _err(f"cannot apply {op} to {lt} and {rt}", "InvalidArgumentType")
        if lt == INT and rt == INT and op != "^":
            return INT
        if lt in (INT, FLOAT) and rt in (INT, FLOAT):
            return FLOAT
        if op == "+" and (lt == STRING or rt == STRING) and ANY not in (lt, rt):
            return STRING
        if op == "+" and lt.startswith(LIST) and rt.startswith(LIST):
            return LIST
        return ANY


def _concatenation_type(lt: str, rt: str) -> str:
    """``a || b``: two strings or two lists; anything else is refused before running, with
    Neo4j's message (the first operand known to be neither, or the one that breaks the pair)."""
    kinds = [STRING if t == STRING else LIST if t.startswith(LIST) else t for t in (lt, rt)]
    known = [k for k in kinds if k not in (ANY, NULL)]
    if not known:
        return ANY
    first = known[0]
    expected = {STRING: "String", LIST: "List<T>"}.get(first)
    for k in known:
        if expected is None or k != first:
            wanted = expected or "String or List<T>"
            raise _err(f"Type mismatch: expected {wanted} but was {_TYPE_NAMES.get(k, k)}",
                       "InvalidArgumentType")
    return first


#: The engine's static types as Neo4j's messages name them.
_TYPE_NAMES = {INT: "Integer", FLOAT: "Float", STRING: "String", BOOL: "Boolean", MAP: "Map", NODE: "Node",
               REL: "Relationship", PATH: "Path", LIST: "List<T>"}


_ARG_TYPES = {
    "btrim": {STRING},
    "ltrim": {STRING},
    "rtrim": {STRING},
    "normalize": {STRING},
    "point": {MAP, NODE, REL},
    "vector.similarity.cosine": {LIST},
    "vector.similarity.euclidean": {LIST},
    "labels": {NODE},
    "type": {REL},
    "startnode": {REL},
    "endnode": {REL},
    "nodes": {PATH},
    "relationships": {PATH},
    "length": {PATH},
    "size": {LIST, STRING},
    "keys": {NODE, REL, MAP},
    "properties": {NODE, REL, MAP},
    "head": {LIST},
    "last": {LIST},
    "tail": {LIST},
    "tointeger": {INT, FLOAT, STRING, BOOL},
    "tofloat": {INT, FLOAT, STRING},
    "toboolean": {BOOL, STRING, INT},
}

_RESULT_TYPES = {
    "labels": "list<string>", "type": STRING, "id": INT, "size": INT, "length": INT,
    "tostring": STRING, "tointeger": INT, "tofloat": FLOAT, "toboolean": BOOL,
    "nodes": "list<node>", "relationships": "list<rel>", "startnode": NODE, "endnode": NODE,
    "keys": "list<string>", "properties": MAP, "range": "list<int>", "split": "list<string>",
    "tolower": STRING, "toupper": STRING, "trim": STRING, "substring": STRING, "replace": STRING,
    "abs": ANY, "sqrt": FLOAT, "rand": FLOAT, "exists": BOOL,
}
for _kind in ("date", "time", "localtime", "localdatetime", "datetime"):
    for _suffix in ("", ".truncate", ".transaction", ".statement", ".realtime"):
        _RESULT_TYPES[_kind + _suffix] = TEMPORAL
for _name in ("duration", "duration.between", "duration.inmonths", "duration.indays",
              "duration.inseconds"):
    _RESULT_TYPES[_name] = DURATION
_RESULT_TYPES["datetime.fromepoch"] = _RESULT_TYPES["datetime.fromepochmillis"] = TEMPORAL


def _closest(name: str, known: list[str]) -> str | None:
    """The name in ``known`` that ``name`` most probably misspells (case aside), or None."""
    by_folded = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None


def _closest_function(name: str) -> str | None:
    """The function ``name`` most probably misspells: ``toUpperr`` -> ``toUpper``."""
    known = [f.name for f in FUNCTIONS.values()] + sorted(AGGREGATES) + temporal_function_names()
    return _closest(name, known)


def _literal_type(v: Any) -> str:
    if v is None:
        return NULL
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, int):
        return INT
    if isinstance(v, float):
        return FLOAT
    if isinstance(v, str):
        return STRING
    return ANY


def _no_predicate(e: ast.NodePattern | ast.RelPattern, what: str, mode: str, checker: Any) -> None:
    """CREATE and MERGE take no inline WHERE, as Neo4j says."""
    if e.where is not None and mode in ("create", "merge"):
        raise checker._at(f"{what} pattern predicates are not allowed in a {mode.upper()} clause, but only "
                          "in a MATCH clause or inside a pattern comprehension", "UnexpectedSyntax",
                          e.where.pos)


#: Static types that can never name a label or type, with Neo4j's names for them.
_NOT_NAMES = {INT: "Integer", FLOAT: "Float", BOOL: "Boolean", MAP: "Map", NODE: "Node", REL: "Relationship",
              PATH: "Path"}


def _conjunctive(e: ast.LabelExpr) -> bool:
    """Labels CREATE and MERGE can write: ``:A&$(expr)``, all of them required."""
    if e.op == "and":
        return all(_conjunctive(a) for a in e.args)
    return e.op == "label" or (e.op == "dynamic" and e.args[1] == "all")


def _element_type(t: str) -> str:
    if t.startswith("list<") and t.endswith(">"):
        return t[5:-1]
    return ANY


def _type_accepts(declared: str, t: str) -> bool:
    """Does a procedure argument declared like ``INTEGER?`` accept a value of static type t?"""
    d = declared.rstrip("?").upper()
    if t in (ANY, NULL) or d == "ANY":
        return True
    mapping = {"INTEGER": {INT}, "FLOAT": {FLOAT, INT}, "NUMBER": {INT, FLOAT}, "STRING": {STRING},
               "BOOLEAN": {BOOL}, "MAP": {MAP}, "NODE": {NODE}, "RELATIONSHIP": {REL}, "PATH": {PATH}}
    if d.startswith("LIST"):
        return t.startswith(LIST)
    return t in mapping.get(d, {t})


def _has_aggregate(e: ast.Expr) -> bool:

    return contains_aggregate(e)


def _simple_key(e: ast.Expr) -> bool:
    """Grouping keys that may appear next to an aggregate: ``v`` or ``v.prop``."""
    return isinstance(e, ast.Variable) or (
        isinstance(e, ast.Property) and isinstance(e.subject, ast.Variable))


def _nondeterministic(e: Any) -> bool:

    if isinstance(e, ast.FunctionCall):
        fn = lookup(e.name)
        if fn is not None and not fn.deterministic:
            return True
    return any(_nondeterministic(c) for c in children(e))


def _check_importing_with(first: ast.Clause, outer: Scope) -> None:
    """A WITH that opens ``CALL { }`` and reads outer variables imports them, and Neo4j
    then takes plain references only; the engine would say the variable is undefined."""
    if not isinstance(first, ast.With):
        return
    proj = first.projection
    read = free_variables(first.where).union(*(free_variables(i.expr) for i in proj.items))
    if not read & set(outer):
        return
    what = ("Aliasing or expressions are not supported"
            if any(not (isinstance(i.expr, ast.Variable) and i.name == i.expr.name) for i in proj.items)
            else "WHERE is not allowed" if first.where is not None
            else "ORDER BY is not allowed" if proj.order
            else "DISTINCT is not allowed" if proj.distinct
            else "SKIP is not allowed" if proj.skip is not None
            else "LIMIT is not allowed" if proj.limit is not None
            else "")
    if what:
        raise _err("importing WITH should consist only of simple references to outside "
                   f"variables. {what}.", "InvalidClauseComposition")


def _check_pattern_positions(e: Any, boolean_context: bool) -> None:
    """A bare pattern like ``(a)-->(b)`` is only a predicate: it may stand where a boolean
    is expected (WHERE, AND/OR/XOR/NOT operands, exists(), CASE WHEN, comprehension
    WHERE), not as a value, as in Neo4j 5."""

    if isinstance(e, ast.PatternPredicate):
        if not boolean_context:
            raise _err("a pattern can only be used as a predicate here (use EXISTS { ... } or "
                       "a pattern comprehension)", "UnexpectedSyntax")
        return
    if isinstance(e, ast.Binary) and e.op in ("AND", "OR", "XOR"):
        _check_pattern_positions(e.left, True)
        _check_pattern_positions(e.right, True)
        return
    if isinstance(e, ast.Unary) and e.op == "NOT":
        _check_pattern_positions(e.operand, True)
        return
    if isinstance(e, ast.FunctionCall) and e.name.lower() == "exists":
        for a in e.args:
            _check_pattern_positions(a, True)
        return
    if isinstance(e, ast.Case) and e.subject is None:
        for c, r in e.whens:
            _check_pattern_positions(c, True)
            _check_pattern_positions(r, False)
        if e.default is not None:
            _check_pattern_positions(e.default, False)
        return
    if isinstance(e, (ast.ListComprehension, ast.Quantifier)):
        _check_pattern_positions(e.source, False)
        if e.where is not None:
            _check_pattern_positions(e.where, True)
        if isinstance(e, ast.ListComprehension) and e.projection is not None:
            _check_pattern_positions(e.projection, False)
        return
    if isinstance(e, (ast.PatternComprehension, ast.Exists)):
        where = e.where
        if where is not None:
            _check_pattern_positions(where, True)
        if isinstance(e, ast.PatternComprehension):
            _check_pattern_positions(e.projection, False)
        return
    for child in children(e):
        _check_pattern_positions(child, False)


def _narrowing(proj: ast.Projection) -> bool:
    """DISTINCT or aggregating projections hide the variables they do not project."""
    return proj.distinct or any(_has_aggregate(i.expr) for i in proj.items) or \
        any(_has_aggregate(o.expr) for o in proj.order)
