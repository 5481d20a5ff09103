"""The clause pipeline: rows (dicts of variable -> value) flow from clause to clause.

Reading clauses are lazy generators, so ``MATCH ... RETURN ... LIMIT 1`` stops
after the first match. Updating clauses first drain their input completely and
only then write: every clause sees the graph as the previous clause left it,
which is the clause-at-a-time semantics the openCypher TCK specifies (and what
Neo4j achieves with its "eager" operator). MERGE handles its rows one at a time
so that a later row sees what an earlier one created.

Deleting a node that still has relationships is checked at the end of the
query, not at the DELETE, because ``MATCH (a)-[r]-() DELETE a, r`` is legal:
the relationship goes too before the query commits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from relgraph.graph.cypher import ast, dynamic_labels
from relgraph.graph.cypher.aggregates import CountStarAgg, make_aggregator
from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.errors import (
    CypherConstraintError,
    CypherEntityNotFound,
    CypherParameterMissing,
    CypherRuntimeSemanticError,
    CypherSemanticError,
)
from relgraph.graph.cypher.expressions import Compiler, find_aggregates
from relgraph.graph.cypher.limits import Stop
from relgraph.graph.cypher.matcher import Matcher
from relgraph.graph.cypher.planner import pattern_variables
from relgraph.graph.cypher.runtime import (
    NodeRef,
    PathValue,
    RelRef,
    group_key,
    is_number,
    sort_key,
    type_name,
)
from relgraph.graph.cypher.semantics import is_updating as is_updating_query
from relgraph.graph.cypher.storage import GraphStorage
from relgraph.graph.values.errors import CypherArgumentError, CypherTypeError
from relgraph.graph.values.spatial import Point
from relgraph.graph.values.temporal import TemporalValue

Row = dict[str, Any]
#: What a clause hands on: the rows, the variables bound after it, and the columns it returns.
Step = tuple[Iterable[Row], set[str], list[str]]


def check_property_value(v: Any) -> Any:
    """Only primitives, temporals and homogeneous lists of them can be stored."""
    if v is None or isinstance(v, (bool, int, float, str, TemporalValue, Point)):
        return v
    if isinstance(v, list):
        if len({x.srid for x in v if isinstance(x, Point)}) > 1:
            raise CypherTypeError("Collections containing point values with different CRS can not be "
                                  "stored in properties.", "InvalidPropertyType")
        kinds = set()
        for x in v:
            if x is None or isinstance(x, (list, dict, NodeRef, RelRef, PathValue)):
                raise CypherTypeError(f"cannot store a list containing {type_name(x)} as a property",
                                      "InvalidPropertyType")
            kinds.add("number" if is_number(x) else type(x).__name__)
        if len(kinds) > 1:
            raise CypherTypeError("cannot store a list of mixed types as a property", "InvalidPropertyType")
        if kinds == {"number"} and any(isinstance(x, float) for x in v):
            return [float(x) for x in v]  # Neo4j stores a mixed list as an array of floats
        return list(v)
    raise CypherTypeError(f"cannot store a {type_name(v)} as a property", "InvalidPropertyType")



def distinct_rows(rows: list[Row], columns: list[str]) -> list[Row]:
    """The rows of a UNION (without ALL), first occurrence kept, compared as Cypher groups them."""
    seen: set[Any] = set()
    unique = []
    for row in rows:
        key = tuple(group_key(row.get(c)) for c in columns)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique

class Executor:
    """Runs one analysed query against a graph."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        ctx.matcher = Matcher(ctx)
        ctx.executor = self
        self.matcher: Matcher = ctx.matcher
        self.compiler = Compiler(ctx)
        self.pending_deletes: dict[int, None] = {}
        self.set_only: set[int] = set()  # ids of MATCH clauses whose rows the next clause deduplicates

    # --- queries ---------------------------------------------------------------------

    def run_query(self, query: ast.Query) -> tuple[list[str], list[Row]]:
        columns: list[str] = []
        all_rows: list[Row] = []
        for _i, part in enumerate(query.parts):
            cols, rows = self.run_single(part, [{}], set())
            all_rows.extend(rows)
            columns = cols
        if len(query.parts) > 1 and not all(query.all_flags):
            all_rows = distinct_rows(all_rows, columns)
        self.finish()
        return columns, all_rows

    def run_single(self, query: ast.SingleQuery, start: Iterable[Row],
                   bound: set[str], carry: Row | None = None) -> tuple[list[str], list[Row]]:
        columns, rows = self.run_clauses(query, start, bound, carry)
        last = query.clauses[-1]
        if isinstance(last, ast.Return) or (isinstance(last, ast.Call) and columns):
            return columns, list(rows)
        for _ in rows:  # drain: an updating query returns no rows
            pass
        return [], []

    def run_clauses(self, query: ast.SingleQuery, start: Iterable[Row], bound: set[str],
                    carry: Row | None = None, carry_groups: bool = False
                    ) -> tuple[list[str], Iterable[Row]]:
        """The rows a query part yields, lazily. ``carry``: the outer variables of a subquery
        body that every WITH and RETURN keeps (Neo4j's scoping inside EXISTS, COUNT,
        COLLECT and CALL (x) { }), since the body may still read them after projecting.
        ``carry_groups``: an aggregating WITH groups by them too (see project)."""
        rows: Iterable[Row] = start
        bound = set(bound)
        columns: list[str] = []
        if not carry:
            for clause, after in zip(query.clauses, query.clauses[1:]):
                if isinstance(clause, ast.Match) and isinstance(after, (ast.With, ast.Return)) \
                        and _multiplicity_free(after.projection):
                    self.set_only.add(id(clause))
        for clause in query.clauses:
            if carry and isinstance(clause, (ast.With, ast.Return)):
                where = clause.where if isinstance(clause, ast.With) else None
                groups = carry_groups and isinstance(clause, ast.With)
                rows, columns = self.project(clause.projection, rows, bound, where, carry, groups)
                bound = set(columns) | set(carry)
            else:
                rows, bound, columns = self.clause(clause, rows, bound)
        return columns, rows

    def finish(self) -> None:
        """End-of-query checks: nodes deleted without DETACH must have lost their relationships."""
        graph = self.ctx.graph
        for nid in list(self.pending_deletes):
            if graph.has_node(nid):
                if graph.degree(nid):
                    raise CypherConstraintError(
                        f"cannot delete node {nid}: it still has relationships (use DETACH DELETE)",
                        "DeleteConnectedNode")
                graph.delete_node(nid)
        self.pending_deletes.clear()

    def compile_exists_query(self, query: ast.Query, compiler: Compiler,
                             kind: str = "exists") -> Callable[[Row], Any]:
        """``EXISTS { MATCH ... [RETURN ...] }``: true when the subquery yields a row;
        ``COUNT { ... }`` counts its rows, ``COLLECT { ... RETURN x }`` lists x."""

        read = names_in(query)

        def part_rows(part: ast.SingleQuery, row: Row) -> tuple[list[str], Iterable[Row]]:
            outer = {k: v for k, v in row.items() if not k.startswith("\0")}
            # Neo4j groups an aggregating WITH of a body that reads outer variables by them
            return self.run_clauses(part, iter([dict(row)]), set(row), outer,
                                    carry_groups=not read.isdisjoint(outer))

        def exists(row: Row) -> bool:
            for part in query.parts:
                for _ in part_rows(part, row)[1]:
                    return True
            return False

        def collected(row: Row) -> list[Row]:
            out: list[Row] = []
            columns: list[str] = []
            for part in query.parts:
                columns, rows = part_rows(part, row)
                out.extend({c: r.get(c) for c in columns} if columns else r for r in rows)
            if len(query.parts) > 1 and not all(query.all_flags):
                out = distinct_rows(out, columns)
            return out

        if kind == "count":
            return lambda row: len(collected(row))
        if kind == "collect":
            return lambda row: [next(iter(r.values())) for r in collected(row)]
        return exists

    # --- clause dispatch -----------------------------------------------------------------

    def clause(self, c: ast.Clause, rows: Iterable[Row], bound: set[str]) -> Step:
        # one method per clause, named after its class, as the compiler does for expressions
        method: Callable[[ast.Clause, Iterable[Row], set[str]], Step]
        method = getattr(self, "clause_" + type(c).__name__)
        return method(c, rows, bound)

    def clause_Match(self, c: ast.Match, rows: Iterable[Row], bound: set[str]) -> Step:
        new_bound = bound | {v for p in c.patterns for v in pattern_variables(p)}
        return self.match(c, rows, bound), new_bound, []

    def clause_Unwind(self, c: ast.Unwind, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.unwind(c, rows), bound | {c.variable}, []

    def clause_With(self, c: ast.With, rows: Iterable[Row], bound: set[str]) -> Step:
        out, names = self.project(c.projection, rows, bound, c.where)
        return out, set(names), names

    def clause_Return(self, c: ast.Return, rows: Iterable[Row], bound: set[str]) -> Step:
        out, names = self.project(c.projection, rows, bound, None)
        return out, set(names), names

    def clause_Create(self, c: ast.Create, rows: Iterable[Row], bound: set[str]) -> Step:
        new_bound = bound | {v for p in c.patterns for v in pattern_variables(p)}
        return self.create(c, rows), new_bound, []

    def clause_Merge(self, c: ast.Merge, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.merge(c, rows, bound), bound | set(pattern_variables(c.pattern)), []

    def clause_SetClause(self, c: ast.SetClause, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.set_clause(c.items, rows), bound, []

    def clause_Remove(self, c: ast.Remove, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.remove(c, rows), bound, []

    def clause_Delete(self, c: ast.Delete, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.delete(c, rows), bound, []

    def clause_Call(self, c: ast.Call, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.call(c, rows, bound)

    def clause_Finish(self, c: ast.Finish, rows: Iterable[Row], bound: set[str]) -> Step:
        return rows, bound, []  # run_single drains the rows: the query returns none

    def clause_Foreach(self, c: ast.Foreach, rows: Iterable[Row], bound: set[str]) -> Step:
        return self.foreach(c, rows, bound), bound, []

    def clause_CallSubquery(self, c: ast.CallSubquery, rows: Iterable[Row], bound: set[str]) -> Step:
        last = c.query.parts[0].clauses[-1]
        names = [i.name for i in last.projection.items] if isinstance(last, ast.Return) else []
        return self.call_subquery(c, rows), bound | set(names), []

    def call_subquery(self, c: ast.CallSubquery, rows: Iterable[Row]) -> Iterator[Row]:
        """``CALL { ... }``: the body runs once per row, in order, seeing what earlier rows
        wrote; its rows are joined to the outer row (a body without RETURN keeps the row).

        A body that writes runs for every row before any joined row goes on, as Neo4j's
        does: a later ``MATCH`` sees all that the subquery wrote, on every row."""
        if not is_updating_query(c.query):
            return self._call_rows(c, rows)
        return iter(list(self._call_rows(c, list(rows))))

    def _call_rows(self, c: ast.CallSubquery, source: Iterable[Row]) -> Iterator[Row]:
        for row in source:
            start = dict(row) if c.import_all else {v: row[v] for v in c.imports}
            found: list[Row] = []
            columns: list[str] = []
            for part in c.query.parts:
                columns, part_rows = self.run_single(part, [dict(start)], set(start),
                                                     start if c.scoped else None)
                found.extend(part_rows)
            if len(c.query.parts) > 1 and not all(c.query.all_flags):
                found = distinct_rows(found, columns)
            if not columns:
                yield row
                continue
            if not found and c.optional:  # OPTIONAL CALL { }: the row with nulls, as OPTIONAL MATCH
                yield {**row, **dict.fromkeys(columns)}
                continue
            for r in found:
                out = dict(row)
                for col in columns:
                    out[col] = r.get(col)
                yield out

    def foreach(self, c: ast.Foreach, rows: Iterable[Row], bound: set[str]) -> Iterator[Row]:
        """Run the inner updating clauses once per list element; the rows pass through."""
        materialised = list(rows)
        source = self.compiler.compile(c.source)
        inner_bound = bound | {c.variable}
        for row in materialised:
            items = source(row)
            if items is None:
                continue
            if not isinstance(items, list):
                raise CypherTypeError(f"FOREACH expects a list, got {type_name(items)}",
                                      "InvalidArgumentType")
            for item in items:
                inner: Iterable[Row] = iter([{**row, c.variable: item}])
                b = set(inner_bound)
                for clause in c.clauses:
                    inner, b, _ = self.clause(clause, inner, b)
                for _ in inner:
                    pass
        return iter(materialised)

    # --- reading -------------------------------------------------------------------------

    def match(self, c: ast.Match, rows: Iterable[Row], bound: set[str]) -> Iterator[Row]:
        compiled = None
        for row in rows:
            if compiled is None:
                compiled = self.matcher.compile(c.patterns, c.where, bound, self.compiler,
                                                reach=id(c) in self.set_only)
            found = False
            for r in compiled.run(row):
                found = True
                yield r
            if c.optional and not found:
                out = dict(row)
                for v in compiled.plan.new_vars:
                    out[v] = None
                yield out

    def unwind(self, c: ast.Unwind, rows: Iterable[Row]) -> Iterator[Row]:
        fn = self.compiler.compile(c.expr)
        var = c.variable
        tick = self.ctx.stop.tick
        for row in rows:
            v = fn(row)
            if v is None:
                continue
            items = v if isinstance(v, list) else [v]
            for x in items:
                tick()
                out = dict(row)
                out[var] = x
                yield out

    # --- projection ----------------------------------------------------------------------

    def project(self, proj: ast.Projection, rows: Iterable[Row], bound: set[str],
                where: ast.Expr | None, carry: Row | None = None, carry_groups: bool = False
                ) -> tuple[Iterable[Row], list[str]]:
        """WITH or RETURN. ``carry`` (outer variables a subquery body keeps) joins every
        projected row; with ``carry_groups`` they are grouping keys of an aggregation, so
        no rows in means no row out, as Neo4j answers COUNT { MATCH (p)-->(q) WITH
        count(q) AS n RETURN n } for a p with no match."""
        items: list[tuple[str, ast.Expr]] = []
        if proj.star:
            for v in sorted(bound):
                if not v.startswith("\0"):
                    items.append((v, ast.Variable(v)))
        items.extend((i.name, i.expr) for i in proj.items)
        names = [n for n, _ in items]
        aggs: list[ast.Expr] = []
        for _, e in items:
            for a in find_aggregates(e):
                if a not in aggs:
                    aggs.append(a)
        for s in proj.order:
            for a in find_aggregates(s.expr):
                if a not in aggs:
                    aggs.append(a)
        if aggs:
            if carry_groups:
                rows = list(rows)
            out = self._aggregate(items, aggs, rows) if rows or not carry_groups else []
            agg_slots = {a: f"\0agg{i}" for i, a in enumerate(aggs)}
            order_compiler = self.compiler.with_replacements(
                {**agg_slots, **{e: n for n, e in items}})
            pairs: Iterable[tuple[Row, Row]] = ((r, r) for r in out)
            order_scope_merged = False
        else:
            fns = [(n, self.compiler.compile(e)) for n, e in items]

            tick = self.ctx.stop.tick

            def projected() -> Iterator[tuple[Row, Row]]:
                for row in rows:
                    tick()
                    yield row, {n: f(row) for n, f in fns}

            pairs = projected()
            order_compiler = self.compiler.with_replacements({e: n for n, e in items})
            order_scope_merged = not proj.distinct
        if carry:
            pairs = ((src, {**carry, **out}) for src, out in pairs)
        if proj.distinct:
            pairs = self._distinct(pairs, names)
        # ORDER BY and WITH ... WHERE see the projected columns and, unless the
        # projection is DISTINCT or aggregating, the variables from before it too.
        if order_scope_merged:
            scoped: Iterable[tuple[Row, Row]] = (({**src, **out}, out) for src, out in pairs)
        else:
            scoped = ((out, out) for _, out in pairs)
        if proj.order:
            keys = [(order_compiler.compile(s.expr), s.descending) for s in proj.order]
            materialised = list(scoped)
            for fn, desc in reversed(keys):
                materialised.sort(key=partial(_order_key, fn), reverse=desc)
            scoped = materialised
        skip = self._count(proj.skip, "SKIP")
        limit = self._count(proj.limit, "LIMIT")
        if skip or limit is not None:
            scoped = itertools.islice(scoped, skip, None if limit is None else skip + limit)
        if where is not None:
            pred = order_compiler.compile_predicate(where)
            scoped = (p for p in scoped if pred(p[0]))
        result: Iterable[Row] = (out for _, out in scoped)
        if aggs:
            result = ({k: v for k, v in r.items() if not k.startswith("\0")} for r in result)
        return result, names

    def _count(self, e: ast.Expr | None, what: str) -> int:
        if e is None:
            return 0 if what == "SKIP" else None  # type: ignore[return-value]
        v = self.compiler.compile(e)({})
        if not isinstance(v, int) or isinstance(v, bool):
            raise CypherSemanticError(f"{what} expects an integer, got {type_name(v)}",
                                      "InvalidArgumentType", phase="runtime")
        if v < 0:
            raise CypherSemanticError(f"{what} must not be negative, got {v}", "NegativeIntegerArgument",
                                      phase="runtime")
        return v

    def _distinct(self, pairs: Iterable[tuple[Row, Row]], names: list[str]) -> Iterator[tuple[Row, Row]]:
        seen: set[Any] = set()
        for src, out in pairs:
            key = tuple(group_key(out[n]) for n in names)
            if key not in seen:
                seen.add(key)
                yield src, out

    def _aggregate(self, items: list[tuple[str, ast.Expr]], aggs: list[ast.Expr],
                   rows: Iterable[Row]) -> list[Row]:
        """Group rows by the non-aggregate items and compute each aggregate per group."""
        key_items = [(n, e) for n, e in items if not find_aggregates(e)]
        agg_items = [(n, e) for n, e in items if find_aggregates(e)]
        key_fns = [(n, self.compiler.compile(e)) for n, e in key_items]
        arg_fns: list[list[Callable[[Row], Any]] | None] = []
        for a in aggs:
            if isinstance(a, ast.CountStar):
                arg_fns.append(None)
            else:
                assert isinstance(a, ast.FunctionCall)
                arg_fns.append([self.compiler.compile(x) for x in a.args])

        def new_accs() -> list[Any]:
            accs = []
            for a in aggs:
                if isinstance(a, ast.CountStar):
                    accs.append(CountStarAgg())
                else:
                    assert isinstance(a, ast.FunctionCall)
                    accs.append(make_aggregator(a.name, a.distinct))
            return accs

        groups: dict[Any, tuple[Row, Row, list[Any]]] = {}
        if not key_items:  # one group: skip computing keys per row
            accs: list[Any] | None = None
            for row in rows:
                self.ctx.stop.tick()
                if accs is None:
                    accs = new_accs()
                    groups[()] = (row, {}, accs)
                for acc, fns in zip(accs, arg_fns):
                    if fns is None:
                        acc.add()
                    else:
                        acc.add(*[f(row) for f in fns])
            rows = ()
        for row in rows:
            self.ctx.stop.tick()
            values = {n: f(row) for n, f in key_fns}
            key = tuple(group_key(v) for v in values.values())
            group = groups.get(key)
            if group is None:
                group = groups[key] = (row, values, new_accs())
            for acc, fns in zip(group[2], arg_fns):
                if fns is None:
                    acc.add()
                else:
                    acc.add(*[f(row) for f in fns])
        if not groups and not key_items:
            groups[()] = ({}, {}, new_accs())
        slots = {a: f"\0agg{i}" for i, a in enumerate(aggs)}
        compiler = self.compiler.with_replacements(slots)
        agg_fns = [(n, compiler.compile(e)) for n, e in agg_items]
        out_rows = []
        for rep, values, accs in groups.values():
            results = {f"\0agg{i}": acc.result() for i, acc in enumerate(accs)}
            scope = {**rep, **results}
            out: Row = {}
            for n, _ in items:
                if n in values:
                    out[n] = values[n]
            for n, f in agg_fns:
                out[n] = f(scope)
            ordered = {n: out[n] for n, _ in items}
            ordered.update(results)
            out_rows.append(ordered)
        return out_rows

    # --- writing -------------------------------------------------------------------------

    def _eval_props(self, props: ast.Expr | None, row: Row) -> dict[str, Any]:
        if props is None:
            return {}
        value = self.compiler.compile(props)(row)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise CypherTypeError(f"properties must be a map, got {type_name(value)}", "InvalidArgumentType")
        return {k: check_property_value(v) for k, v in value.items() if v is not None}

    def _create_node(self, labels: tuple[str, ...], props: dict[str, Any]) -> NodeRef:
        nid = self.ctx.graph.create_node(labels, props)
        counters = self.ctx.counters
        counters.nodes_created += 1
        counters.labels_added += len(set(labels))
        counters.properties_set += len(props)
        return NodeRef(nid)

    def _create_rel(self, start: Any, end: Any, rel_type: str, props: dict[str, Any]) -> RelRef:
        for endpoint in (start, end):
            if not isinstance(endpoint, NodeRef):
                raise CypherSemanticError(
                    f"cannot create a relationship to a {type_name(endpoint)} (the node is missing)",
                    "InvalidArgumentType", phase="runtime")
            if endpoint.id in self.ctx.deleted_nodes:

                raise CypherEntityNotFound("cannot create a relationship to a deleted node",
                                           "DeletedEntityAccess")
        rid = self.ctx.graph.create_rel(start.id, end.id, rel_type, props)
        self.ctx.counters.relationships_created += 1
        self.ctx.counters.properties_set += len(props)
        return RelRef(rid)

    def _dynamic_names(self, expr: ast.LabelExpr | None, row: Row) -> list[str]:
        return dynamic_labels.created_names(expr, lambda e: self.compiler.compile(e)(row))

    def _created_type(self, rel: ast.RelPattern, row: Row) -> str:
        """The one type CREATE or MERGE gives a relationship: written, or ``$(expr)``'s."""
        if rel.types:
            return rel.types[0]
        names = self._dynamic_names(rel.label_expr, row)
        if len(names) != 1:
            raise CypherArgumentError("Exactly one relationship type must be specified, but "
                                      f"{len(names)} were found.", "NoSingleRelationshipType")
        return names[0]

    def _create_part(self, part: ast.PatternPart, row: Row) -> None:
        """Create what a pattern part describes, binding its variables into ``row``."""
        node_ids: list[int] = []
        for node in part.nodes:
            v = node.variable
            if v is not None and v in row:
                ref = row[v]
                if not isinstance(ref, NodeRef):
                    raise CypherSemanticError(f"`{v}` is a {type_name(ref)}, not a node",
                                              "VariableTypeConflict", phase="runtime")
            else:
                labels = node.labels
                if node.label_expr is not None:  # :$(expr) (the analyzer let only conjunctions by)
                    labels = (*labels, *self._dynamic_names(node.label_expr, row))
                ref = self._create_node(tuple(dict.fromkeys(labels)), self._eval_props(node.properties, row))
                if v is not None:
                    row[v] = ref
            node_ids.append(ref.id)
        rel_ids: list[int] = []
        for i, rel in enumerate(part.rels):
            a, b = NodeRef(node_ids[i]), NodeRef(node_ids[i + 1])
            start, end = (b, a) if rel.direction == "in" else (a, b)
            rel_type = self._created_type(rel, row)
            ref = self._create_rel(start, end, rel_type, self._eval_props(rel.properties, row))
            if rel.variable is not None:
                row[rel.variable] = ref
            rel_ids.append(ref.id)
        if part.variable is not None:
            row[part.variable] = PathValue(tuple(node_ids), tuple(rel_ids))

    def create(self, c: ast.Create, rows: Iterable[Row]) -> Iterator[Row]:
        materialised = list(rows)
        out = []
        for row in materialised:
            row = dict(row)
            for part in c.patterns:
                self._create_part(part, row)
            out.append(row)
        return iter(out)

    def merge(self, c: ast.Merge, rows: Iterable[Row], bound: set[str]) -> Iterator[Row]:
        materialised = list(rows)
        part = c.pattern
        out: list[Row] = []
        compiled = None
        for row in materialised:
            for node in part.nodes:
                if node.variable and node.variable in row and row[node.variable] is None:
                    raise CypherRuntimeSemanticError(
                        f"cannot MERGE a pattern whose node `{node.variable}` is null", "MergeReadOwnWrites")
            self._check_merge_nulls(part, row)
            if compiled is None:
                compiled = self.matcher.compile((part,), None, set(row), self.compiler)
            found = list(compiled.run(row))
            if found:
                for r in found:
                    self.set_items(c.on_match, r)
                    out.append(r)
            else:
                r = dict(row)
                self._create_part(_directed(part), r)
                self.set_items(c.on_create, r)
                out.append(r)
        return iter(out)

    def _check_merge_nulls(self, part: ast.PatternPart, row: Row) -> None:
        elements: tuple[ast.NodePattern | ast.RelPattern, ...] = (*part.nodes, *part.rels)
        for elem in elements:
            if isinstance(elem.properties, ast.MapLiteral):
                for key, e in elem.properties.items:
                    if self.compiler.compile(e)(row) is None:
                        raise CypherRuntimeSemanticError(
                            f"cannot MERGE with a null value for property {key!r}", "MergeReadOwnWrites")

    def set_clause(self, items: tuple[Any, ...], rows: Iterable[Row]) -> Iterator[Row]:
        materialised = list(rows)
        for row in materialised:
            self.set_items(items, row)
        return iter(materialised)

    def set_items(self, items: tuple[Any, ...], row: Row) -> None:
        """The items in order, except that Neo4j sets a run of adjacent properties of one
        variable (``SET n.a = 1, n.b = n.a``) as one map: every value is read before any
        is written, so ``n.b`` gets the old ``n.a``."""
        graph, counters = self.ctx.graph, self.ctx.counters
        pending: list[tuple[Any, str, Any]] = []
        for i, item in enumerate(items):
            if isinstance(item, ast.SetProperty):
                pending.append(self._property_to_set(item, row))
                if _same_subject(item, items[i + 1] if i + 1 < len(items) else None):
                    continue
                for target, key, value in pending:
                    if target is not None:
                        self._set_prop(target, key, value)
                pending.clear()
            elif isinstance(item, ast.SetVariable):
                target = row.get(item.variable)
                value = self.compiler.compile(item.value)(row)
                if target is None:
                    continue
                if isinstance(value, (NodeRef, RelRef)):
                    value = dict(self.ctx.entity_props(value))
                if value is None:
                    value = {}
                if not isinstance(value, dict):
                    raise CypherTypeError(f"SET {item.variable} = expects a map, got {type_name(value)}",
                                          "InvalidArgumentType")
                current = dict(self.ctx.entity_props(self._entity(target)))
                if not item.merge:
                    for k in current:
                        if k not in value or value[k] is None:
                            self._set_prop(target, k, None)
                for k, v in value.items():
                    v = check_property_value(v)
                    if v is None and (not item.merge or k not in current):
                        continue
                    self._set_prop(target, k, v)
            elif isinstance(item, ast.SetLabels):
                target = row.get(item.variable)
                if target is None:
                    continue
                if not isinstance(target, NodeRef):
                    raise CypherTypeError(f"cannot set labels on a {type_name(target)}",
                                          "InvalidArgumentType")
                self.ctx.node_labels(target)
                for label in (*item.labels, *(n for d in item.dynamic for n in self._dynamic_names(d, row))):
                    if graph.add_label(target.id, label):
                        counters.labels_added += 1

    def _property_to_set(self, item: ast.SetProperty, row: Row) -> tuple[Any, str, Any]:
        """What ``SET x.key = value`` writes, evaluated without writing it."""
        target = self.compiler.compile(item.target.subject)(row)
        if isinstance(item.target, ast.Property):
            key = item.target.key
        else:
            key = self.compiler.compile(item.target.index)(row)
            if not isinstance(key, str):
                raise CypherTypeError("a dynamic property key must be a string",
                                      "InvalidArgumentType")
        return target, key, check_property_value(self.compiler.compile(item.value)(row))

    def _entity(self, v: Any) -> NodeRef | RelRef:
        if isinstance(v, (NodeRef, RelRef)):
            return v
        raise CypherTypeError(f"cannot set properties on a {type_name(v)}", "InvalidArgumentType")

    def _set_prop(self, target: Any, key: str, value: Any) -> None:
        target = self._entity(target)
        props = self.ctx.entity_props(target)
        if value is None and key not in props:
            return
        if isinstance(target, NodeRef):
            self.ctx.graph.set_node_property(target.id, key, value)
        else:
            self.ctx.graph.set_rel_property(target.id, key, value)
        self.ctx.counters.properties_set += 1

    def remove(self, c: ast.Remove, rows: Iterable[Row]) -> Iterator[Row]:
        materialised = list(rows)
        for row in materialised:
            for item in c.items:
                if isinstance(item, ast.RemoveLabels):
                    target = row.get(item.variable)
                    if target is None:
                        continue
                    if not isinstance(target, NodeRef):
                        raise CypherTypeError(f"cannot remove labels from a {type_name(target)}",
                                              "InvalidArgumentType")
                    self.ctx.node_labels(target)
                    dynamic = (n for d in item.dynamic for n in self._dynamic_names(d, row))
                    for label in (*item.labels, *dynamic):
                        if self.ctx.graph.remove_label(target.id, label):
                            self.ctx.counters.labels_removed += 1
                else:
                    target = self.compiler.compile(item.target.subject)(row)
                    if target is None:
                        continue
                    if isinstance(item.target, ast.Property):
                        key = item.target.key
                    else:
                        key = self.compiler.compile(item.target.index)(row)
                    self._set_prop(target, key, None)
        return iter(materialised)

    def delete(self, c: ast.Delete, rows: Iterable[Row]) -> Iterator[Row]:
        materialised = list(rows)
        fns = [self.compiler.compile(e) for e in c.exprs]
        nodes: dict[int, None] = {}
        rels: dict[int, None] = {}

        def collect(v: Any) -> None:
            if v is None:
                return
            if isinstance(v, NodeRef):
                nodes[v.id] = None
            elif isinstance(v, RelRef):
                rels[v.id] = None
            elif isinstance(v, PathValue):
                for r in v.rels:
                    rels[r] = None
                for n in v.nodes:
                    nodes[n] = None
            elif isinstance(v, list):
                for x in v:
                    collect(x)
            else:
                raise CypherTypeError(f"DELETE expects a node, relationship or path, got {type_name(v)}",
                                      "InvalidArgumentType")

        for row in materialised:
            for fn in fns:
                collect(fn(row))
        graph, ctx = self.ctx.graph, self.ctx
        if c.detach:
            for nid in nodes:
                if graph.has_node(nid):
                    for rid, _ in graph.out_rels(nid) + graph.in_rels(nid):
                        rels[rid] = None
        for rid in rels:
            if graph.has_rel(rid) and rid not in ctx.deleted_rels:
                u, v = graph.rel_ends(rid)
                ctx.deleted_rels[rid] = (graph.rel_type(rid), u, v, dict(graph.rel_properties(rid)))
                graph.delete_rel(rid)
                ctx.counters.relationships_deleted += 1
        for nid in nodes:
            if graph.has_node(nid) and nid not in ctx.deleted_nodes:
                ctx.deleted_nodes[nid] = (list(graph.labels(nid)), dict(graph.node_properties(nid)))
                ctx.counters.nodes_deleted += 1
                if graph.degree(nid):
                    self.pending_deletes[nid] = None
                else:
                    graph.delete_node(nid)
        return iter(materialised)

    # --- procedures ------------------------------------------------------------------------

    def call(self, c: ast.Call, rows: Iterable[Row], bound: set[str]) -> Step:
        proc = self.ctx.procedures[c.name]
        outputs = [name for name, _ in proc.outputs]
        pairs = [(o, o) for o in outputs] if c.yields is None else list(c.yields)
        arg_fns = [self.compiler.compile(a) for a in c.args] if c.args is not None else None
        where = self.compiler.compile_predicate(c.where) if c.where is not None else None

        if arg_fns is None:
            for name, _ in proc.inputs:
                if name not in self.ctx.params:
                    raise CypherParameterMissing(f"{c.name} takes its argument {name} from the "
                                                 f"parameter ${name}, which was not given",
                                                 "MissingParameter")

        def gen() -> Iterator[Row]:
            for row in rows:
                if arg_fns is None:
                    args = [self.ctx.params.get(name) for name, _ in proc.inputs]
                else:
                    args = [f(row) for f in arg_fns]
                args = [_coerce_argument(a, t) for a, (_, t) in zip(args, proc.inputs)]
                if not proc.outputs:  # a void procedure passes its input row through
                    proc.fn(self.ctx, args)
                    yield row
                    continue
                found = False
                for result in proc.fn(self.ctx, args):
                    out = dict(row)
                    for o, alias in pairs:
                        out[alias] = result.get(o)
                    if where is None or where(out):
                        found = True
                        yield out
                if c.optional and not found:  # OPTIONAL CALL: the row with nulls
                    yield {**row, **{alias: None for _, alias in pairs}}

        names = [alias for _, alias in pairs]
        return gen(), bound | set(names), names


def names_in(x: Any) -> set[str]:
    """Every variable name a query part mentions (read, matched or declared)."""
    out: set[str] = set()
    if isinstance(x, ast.Variable):
        out.add(x.name)
    elif isinstance(x, (ast.NodePattern, ast.RelPattern, ast.PatternPart, ast.MapProjection)) \
            and x.variable:
        out.add(x.variable)
    if isinstance(x, ast.SyntaxNode):
        for name in x.__dataclass_fields__:
            if name != "pos":
                out |= names_in(getattr(x, name))
    elif isinstance(x, (tuple, list)):
        for item in x:
            out |= names_in(item)
    return out


def _same_subject(item: ast.SetProperty, following: Any) -> bool:
    """Whether ``following`` sets a property of the same variable as ``item`` (one run)."""
    subject = item.target.subject
    return (isinstance(following, ast.SetProperty) and isinstance(subject, ast.Variable)
            and following.target.subject == subject)


def _order_key(fn: Callable[[Row], Any], pair: tuple[Row, Row]) -> tuple[Any, ...]:
    """ORDER BY's sort key of one row (scope row, output row)."""
    return sort_key(fn(pair[0]))


def _coerce_argument(value: Any, declared: str) -> Any:
    """Procedure arguments: an INTEGER passed where a FLOAT is declared is widened."""
    base = declared.rstrip("?").upper()
    if base == "FLOAT" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _multiplicity_free(proj: ast.Projection) -> bool:
    """Whether a projection's result depends only on the set of its input rows, not on how
    often each occurs: DISTINCT without aggregates, or aggregates that all ignore duplicates
    (``count(DISTINCT x)``, ``collect(DISTINCT x)``, min, max)."""
    if proj.star:
        return False
    aggs = [a for item in proj.items for a in find_aggregates(item.expr)]
    aggs += [a for item in proj.order for a in find_aggregates(item.expr)]
    if not aggs:
        return proj.distinct
    return all(isinstance(a, ast.FunctionCall) and (a.distinct or a.name.lower() in ("min", "max"))
               for a in aggs)


def _directed(part: ast.PatternPart) -> ast.PatternPart:
    """MERGE creates an undirected relationship left to right."""
    if all(r.direction != "both" for r in part.rels):
        return part
    import dataclasses

    rels = tuple(dataclasses.replace(r, direction="out") if r.direction == "both" else r for r in part.rels)
    return dataclasses.replace(part, rels=rels)


def run(graph: GraphStorage, query: ast.Query, params: dict[str, Any],
        procedures: dict[str, Any] | None = None,
        stop: Stop | None = None) -> tuple[list[str], list[list[Any]], Context]:
    """Execute an analysed query; returns columns, output rows (driver values) and the context."""
    ctx = Context(graph, params, procedures or {}, stop=stop or Stop())
    executor = Executor(ctx)
    columns, rows = executor.run_query(query)
    cache: dict[int, Any] = {}
    out = [[ctx.output(row.get(c), cache) for c in columns] for row in rows]
    return columns, out, ctx
