"""Expression evaluation: the syntax tree compiled once into Python closures.

Each expression becomes a function ``row -> value`` built when the query is
prepared, so evaluating it per row does no dispatch on node types. Semantics
follow Cypher rather than Python:

* three-valued logic: ``null AND false`` is false, ``null AND true`` is null;
* integers are 64-bit: ``+ - * / %`` on two integers stay integers, division
  truncates towards zero, and overflow raises instead of silently growing;
* ``^`` always gives a float; ``/`` by integer zero raises, by float zero gives
  Infinity/NaN as in Java;
* a value of the wrong type raises a TypeError instead of being coerced.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.aggregates import is_aggregate
from relgraph.graph.cypher.context import Context, PatternCompiler
from relgraph.graph.cypher.errors import CypherSemanticError
from relgraph.graph.cypher.functions import check_int, lookup, to_string
from relgraph.graph.cypher.runtime import (
    NodeRef,
    RelRef,
    compare,
    equals,
    is_number,
    type_name,
)
from relgraph.graph.cypher.temporal_functions import temporal_function
from relgraph.graph.cypher.text_functions import is_normalized, trim_characters
from relgraph.graph.cypher.value_types import is_of_type
from relgraph.graph.values.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from relgraph.graph.values.spatial import Point
from relgraph.graph.values.temporal import Duration, TemporalValue

Fn = Callable[[dict[str, Any]], Any]


def _invalid(op: str, *values: Any) -> CypherTypeError:
    types = ", ".join(type_name(v) for v in values)
    return CypherTypeError(f"cannot apply {op} to {types}", "InvalidArgumentType")


# --- operators ------------------------------------------------------------------------


def op_add(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        r = a + b
        return check_int(r) if isinstance(r, int) else r
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    if isinstance(a, list):
        return a + b if isinstance(b, list) else [*a, b]
    if isinstance(b, list):
        return [a, *b]
    if isinstance(a, str) and (is_number(b) or isinstance(b, (bool, TemporalValue))):
        return a + to_string(b)
    if isinstance(b, str) and (is_number(a) or isinstance(a, (bool, TemporalValue))):
        return to_string(a) + b
    if isinstance(a, TemporalValue) and isinstance(b, Duration):
        return a.plus(b)
    if isinstance(a, Duration) and isinstance(b, TemporalValue):
        return b.plus(a)
    raise _invalid("+", a, b)


def op_concat(a: Any, b: Any) -> Any:
    """``||``: strings with strings, lists with lists (Neo4j 5); null if either is null."""
    if a is None or b is None:
        return None
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    raise _invalid("||", a, b)


def op_sub(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        r = a - b
        return check_int(r) if isinstance(r, int) else r
    if isinstance(a, TemporalValue) and isinstance(b, Duration):
        return a.plus(b.negate())
    raise _invalid("-", a, b)


def op_mul(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        r = a * b
        return check_int(r) if isinstance(r, int) else r
    if isinstance(a, Duration) and is_number(b):
        return a.multiply(b)
    if is_number(a) and isinstance(b, Duration):
        return b.multiply(a)
    raise _invalid("*", a, b)


def op_div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            if b == 0:
                raise CypherArithmeticError("/ by zero", "DivisionByZero")
            q = abs(a) // abs(b)
            if q == 2**63 and (a >= 0) == (b >= 0):
                return a  # Java's long division wraps Long.MIN_VALUE / -1 to itself, silently
            return check_int(q if (a >= 0) == (b >= 0) else -q)
        if b == 0:
            if a == 0 or (isinstance(a, float) and math.isnan(a)):
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    if isinstance(a, Duration) and is_number(b):
        return a.divide(b)
    raise _invalid("/", a, b)


def op_mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            if b == 0:
                raise CypherArithmeticError("/ by zero", "DivisionByZero")
            r = abs(a) % abs(b)
            return r if a >= 0 else -r
        if b == 0:
            return math.nan
        return math.fmod(a, b)
    raise _invalid("%", a, b)


def op_pow(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        try:
            return math.pow(a, b)
        except OverflowError:
            return math.inf
        except ValueError:
            if a == 0 and b < 0:  # Java's Math.pow: 0 ^ -1 is Infinity (-0.0 ^ -1 -Infinity)
                odd = float(b).is_integer() and int(b) % 2 == 1
                return math.copysign(math.inf, float(a)) if odd else math.inf
            return math.nan
    raise _invalid("^", a, b)


def op_neg(a: Any) -> Any:
    if a is None:
        return None
    if is_number(a):
        return check_int(-a) if isinstance(a, int) else -a
    raise _invalid("unary -", a)  # Neo4j does not negate a duration either


def _check_bool(op: str, v: Any) -> Any:
    if v is None or isinstance(v, bool):
        return v
    raise CypherTypeError(f"{op} expects boolean operands, got {type_name(v)}", "InvalidArgumentType")


def op_and(a: Any, b: Any) -> Any:
    _check_bool("AND", a)
    _check_bool("AND", b)
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def op_or(a: Any, b: Any) -> Any:
    _check_bool("OR", a)
    _check_bool("OR", b)
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def op_xor(a: Any, b: Any) -> Any:
    _check_bool("XOR", a)
    _check_bool("XOR", b)
    if a is None or b is None:
        return None
    return a != b


def op_not(a: Any) -> Any:
    _check_bool("NOT", a)
    return None if a is None else not a


def op_in(a: Any, b: Any) -> Any:
    if b is None:
        return None
    if not isinstance(b, list):
        raise CypherTypeError(f"IN expects a list on the right, got {type_name(b)}", "InvalidArgumentType")
    unknown = False
    for x in b:
        r = equals(a, x)
        if r is True:
            return True
        if r is None:
            unknown = True
    return None if unknown else False


def op_eq(a: Any, b: Any) -> Any:
    return equals(a, b)


def op_ne(a: Any, b: Any) -> Any:
    r = equals(a, b)
    return None if r is None else not r


def _cmp(test: Callable[[int], bool]) -> Callable[[Any, Any], Any]:
    def f(a: Any, b: Any) -> Any:
        c = compare(a, b)
        if c is None:
            return None
        if c == 2:
            return False
        return test(c)

    return f


op_lt = _cmp(lambda c: c < 0)
op_gt = _cmp(lambda c: c > 0)
op_le = _cmp(lambda c: c <= 0)
op_ge = _cmp(lambda c: c >= 0)


def _string_pred(test: Callable[[str, str], bool]) -> Callable[[Any, Any], Any]:
    def f(a: Any, b: Any) -> Any:
        if isinstance(a, str) and isinstance(b, str):
            return test(a, b)
        return None

    return f


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def op_regex(a: Any, b: Any) -> Any:
    if isinstance(a, str) and b is not None and not isinstance(b, str):
        raise CypherTypeError(f"=~ expects a string pattern, got {type_name(b)}", "InvalidArgumentType")
    if not isinstance(a, str) or not isinstance(b, str):
        return None
    pattern = _REGEX_CACHE.get(b)
    if pattern is None:
        try:
            pattern = re.compile(_java_regex(b), re.DOTALL if b.startswith("(?s)") else 0)
        except re.error as exc:
            raise CypherArgumentError(f"invalid regular expression {b!r}: {exc}",
                                      "InvalidArgumentValue") from None
        if len(_REGEX_CACHE) > 512:  # patterns can come from data: keep the cache bounded
            _REGEX_CACHE.clear()
        _REGEX_CACHE[b] = pattern
    return pattern.fullmatch(a) is not None


def _java_regex(p: str) -> str:
    """Java and Python regex syntax differ in a few escapes; translate the common ones."""
    return p.replace("\\p{Alpha}", "[A-Za-z]").replace("\\p{Digit}", "[0-9]")


BINARY_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": op_add, "||": op_concat, "-": op_sub, "*": op_mul, "/": op_div, "%": op_mod, "^": op_pow,
    "=": op_eq, "<>": op_ne, "<": op_lt, ">": op_gt, "<=": op_le, ">=": op_ge,
    "IN": op_in, "=~": op_regex,
    "STARTS WITH": _string_pred(str.startswith),
    "ENDS WITH": _string_pred(str.endswith),
    "CONTAINS": _string_pred(lambda a, b: b in a),
    "XOR": op_xor,
}


def property_of(ctx: Context, v: Any, key: str) -> Any:
    """``v.key`` for nodes, relationships, maps and temporal values."""
    if v is None:
        return None
    if isinstance(v, NodeRef):
        return ctx.node_props(v).get(key)
    if isinstance(v, RelRef):
        return ctx.rel_props(v).get(key)
    if isinstance(v, dict):
        return v.get(key)
    if isinstance(v, (TemporalValue, Point)):
        return v.component(key)
    raise CypherTypeError(f"cannot read property {key!r} of {type_name(v)}", "InvalidArgumentType")


def index_of(ctx: Context, v: Any, i: Any) -> Any:
    """``v[i]``: list element, map value or node/relationship property."""
    if v is None or i is None:
        return None
    if isinstance(v, list):
        if not isinstance(i, int) or isinstance(i, bool):
            raise CypherTypeError(f"list index must be an integer, got {type_name(i)}",
                                  "ListElementAccessByNonInteger")
        if -len(v) <= i < len(v):
            return v[i]
        return None
    if isinstance(v, (dict, NodeRef, RelRef)):
        if not isinstance(i, str):
            raise CypherTypeError(f"map key must be a string, got {type_name(i)}",
                                  "MapElementAccessByNonString")
        return property_of(ctx, v, i)
    raise CypherTypeError(f"cannot index into {type_name(v)}", "InvalidArgumentType")


def slice_of(v: Any, start: Any, stop: Any, has_start: bool, has_stop: bool) -> Any:
    if v is None or (has_start and start is None) or (has_stop and stop is None):
        return None
    if not isinstance(v, list):
        raise CypherTypeError(f"cannot slice {type_name(v)}", "InvalidArgumentType")
    for bound in (start, stop):
        if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)):
            raise CypherTypeError("list slice bounds must be integers", "InvalidArgumentType")
    return v[start:stop]


# --- the compiler ---------------------------------------------------------------------


class Compiler:
    """Compiles expressions for one query execution (parameters are known)."""

    def __init__(self, ctx: Context, replacements: dict[ast.Expr, str] | None = None):
        self.ctx = ctx
        # Sub-expressions already computed into the row under a hidden column:
        # aggregates after grouping, projected expressions seen again in ORDER BY.
        self.replacements = replacements or {}

    def with_replacements(self, replacements: dict[ast.Expr, str]) -> Compiler:
        return Compiler(self.ctx, {**self.replacements, **replacements})

    def compile(self, e: ast.Expr) -> Fn:
        if self.replacements:
            key = self.replacements.get(e)
            if key is not None:
                return lambda row: row[key]
        method: Callable[[ast.Expr], Fn] = getattr(self, "c_" + type(e).__name__)
        return method(e)

    def compile_predicate(self, e: ast.Expr | None) -> Callable[[dict[str, Any]], bool]:
        """A WHERE condition: only ``true`` keeps the row (null and false drop it)."""
        if e is None:
            return lambda row: True
        f = self.compile(e)

        def pred(row: dict[str, Any]) -> bool:
            v = f(row)
            if v is True:
                return True
            if v is None or v is False:
                return False
            raise CypherTypeError(f"WHERE expects a boolean, got {type_name(v)}", "InvalidArgumentType")

        return pred

    # literals and names

    def c_Literal(self, e: ast.Literal) -> Fn:
        v = e.value
        return lambda row: v

    def c_Parameter(self, e: ast.Parameter) -> Fn:
        v = self.ctx.params[e.name]
        return lambda row: v

    def c_Variable(self, e: ast.Variable) -> Fn:
        name = e.name

        def f(row: dict[str, Any]) -> Any:
            try:
                return row[name]
            except KeyError:
                raise CypherSemanticError(f"variable `{name}` is not defined", "UndefinedVariable") from None

        return f

    def c_ListLiteral(self, e: ast.ListLiteral) -> Fn:
        items = [self.compile(x) for x in e.items]
        return lambda row: [f(row) for f in items]

    def c_MapLiteral(self, e: ast.MapLiteral) -> Fn:
        items = [(k, self.compile(x)) for k, x in e.items]
        return lambda row: {k: f(row) for k, f in items}

    # access

    def c_Property(self, e: ast.Property) -> Fn:
        subject = self.compile(e.subject)
        key = e.key
        ctx = self.ctx

        def f(row: dict[str, Any]) -> Any:
            return property_of(ctx, subject(row), key)

        return f

    def c_Index(self, e: ast.Index) -> Fn:
        subject = self.compile(e.subject)
        index = self.compile(e.index)
        ctx = self.ctx
        return lambda row: index_of(ctx, subject(row), index(row))

    def c_Slice(self, e: ast.Slice) -> Fn:
        subject = self.compile(e.subject)
        start = self.compile(e.start) if e.start is not None else (lambda row: None)
        stop = self.compile(e.stop) if e.stop is not None else (lambda row: None)
        hs, ht = e.start is not None, e.stop is not None
        return lambda row: slice_of(subject(row), start(row), stop(row), hs, ht)

    def c_HasLabels(self, e: ast.HasLabels) -> Fn:
        subject = self.compile(e.subject)
        labels = e.labels
        label_expr = e.label_expr
        ctx = self.ctx

        def f(row: dict[str, Any]) -> Any:
            v = subject(row)
            if v is None:
                return None
            if isinstance(v, NodeRef):
                have = ctx.node_labels(v)
                if label_expr is not None:
                    return label_expr.matches(have)
                return all(label in have for label in labels)
            if isinstance(v, RelRef):  # r:T tests the relationship type, as in Neo4j 5
                rtype = ctx.rel_type(v)
                if label_expr is not None:
                    return label_expr.matches((rtype,))
                return all(label == rtype for label in labels)
            raise CypherTypeError(f"label predicate on {type_name(v)}", "InvalidArgumentType")

        return f

    # operators

    def c_Binary(self, e: ast.Binary) -> Fn:
        left = self.compile(e.left)
        right = self.compile(e.right)
        # AND and OR short-circuit (like Neo4j), so `x <> 0 AND 10 / x > 1` is safe.
        if e.op == "AND":
            def f_and(row: dict[str, Any]) -> Any:
                a = _check_bool("AND", left(row))
                if a is False:
                    return False
                return op_and(a, right(row))

            return f_and
        if e.op == "OR":
            def f_or(row: dict[str, Any]) -> Any:
                a = _check_bool("OR", left(row))
                if a is True:
                    return True
                return op_or(a, right(row))

            return f_or
        op = BINARY_OPS[e.op]
        return lambda row: op(left(row), right(row))

    def c_Unary(self, e: ast.Unary) -> Fn:
        operand = self.compile(e.operand)
        if e.op == "NOT":
            return lambda row: op_not(operand(row))
        if e.op == "-":
            return lambda row: op_neg(operand(row))

        def plus(row: dict[str, Any]) -> Any:
            v = operand(row)
            if v is None or is_number(v) or isinstance(v, Duration):
                return v
            raise _invalid("unary +", v)

        return plus

    def c_IsNull(self, e: ast.IsNull) -> Fn:
        operand = self.compile(e.operand)
        if e.negated:
            return lambda row: operand(row) is not None
        return lambda row: operand(row) is None

    def c_TypePredicate(self, e: ast.TypePredicate) -> Fn:
        operand = self.compile(e.operand)
        t, negated = e.type, e.negated
        return lambda row: is_of_type(operand(row), t) is not negated

    def c_Normalized(self, e: ast.Normalized) -> Fn:
        operand = self.compile(e.operand)
        form, negated = e.form, e.negated

        def f(row: dict[str, Any]) -> Any:
            result = is_normalized(operand(row), form)
            return None if result is None else result is not negated

        return f

    def c_Trim(self, e: ast.Trim) -> Fn:
        source = self.compile(e.source)
        chars = self.compile(e.characters) if e.characters is not None else None
        mode = e.mode

        def f(row: dict[str, Any]) -> Any:
            return trim_characters(source(row), None if chars is None else chars(row), mode,
                                   given=chars is not None)

        return f

    # conditionals and comprehensions

    def c_Case(self, e: ast.Case) -> Fn:
        whens = [(self.compile(c), self.compile(r)) for c, r in e.whens]
        default = self.compile(e.default) if e.default is not None else (lambda row: None)
        if e.subject is not None:
            subject = self.compile(e.subject)

            def simple(row: dict[str, Any]) -> Any:
                v = subject(row)
                for cond, result in whens:
                    if equals(v, cond(row)) is True:
                        return result(row)
                return default(row)

            return simple

        def generic(row: dict[str, Any]) -> Any:
            for cond, result in whens:
                if cond(row) is True:
                    return result(row)
            return default(row)

        return generic

    def _list_source(self, source: Fn, what: str) -> Callable[[dict[str, Any]], list[Any] | None]:
        def f(row: dict[str, Any]) -> list[Any] | None:
            v = source(row)
            if v is None or isinstance(v, list):
                return v
            raise CypherTypeError(f"{what} expects a list, got {type_name(v)}", "InvalidArgumentType")

        return f

    def c_ListComprehension(self, e: ast.ListComprehension) -> Fn:
        source = self._list_source(self.compile(e.source), "list comprehension")
        where = self.compile_predicate(e.where) if e.where is not None else None
        proj = self.compile(e.projection) if e.projection is not None else None
        var = e.variable
        tick = self.ctx.stop.tick

        def f(row: dict[str, Any]) -> Any:
            items = source(row)
            if items is None:
                return None
            out = []
            inner = dict(row)
            for x in items:
                tick()
                inner[var] = x
                if where is not None and not where(inner):
                    continue
                out.append(proj(inner) if proj is not None else x)
            return out

        return f

    def c_Quantifier(self, e: ast.Quantifier) -> Fn:
        source = self._list_source(self.compile(e.source), e.kind + "()")
        cond = self.compile(e.where) if e.where is not None else (lambda row: True)
        var = e.variable
        kind = e.kind
        tick = self.ctx.stop.tick

        def f(row: dict[str, Any]) -> Any:
            items = source(row)
            if items is None:
                return None
            inner = dict(row)
            trues = nulls = 0
            for x in items:
                tick()
                inner[var] = x
                r = cond(inner)
                if r is True:
                    trues += 1
                    if kind == "any":
                        return True
                    if kind == "none":
                        return False
                    if kind == "single" and trues > 1:
                        return False
                elif r is None:
                    nulls += 1
                elif r is False:
                    if kind == "all":
                        return False
                else:
                    raise CypherTypeError(f"{kind}() predicate must be a boolean", "InvalidArgumentType")
            if kind == "all":
                return None if nulls else True
            if kind == "any":
                return None if nulls else False
            if kind == "none":
                return None if nulls else True
            # single
            if nulls:
                return None
            return trues == 1

        return f

    def c_Reduce(self, e: ast.Reduce) -> Fn:
        init = self.compile(e.init)
        source = self._list_source(self.compile(e.source), "reduce()")
        body = self.compile(e.body)
        acc, var = e.accumulator, e.variable
        tick = self.ctx.stop.tick

        def f(row: dict[str, Any]) -> Any:
            items = source(row)
            if items is None:
                return None
            inner = dict(row)
            inner[acc] = init(row)
            for x in items:
                tick()
                inner[var] = x
                inner[acc] = body(inner)
            return inner[acc]

        return f

    def c_MapProjection(self, e: ast.MapProjection) -> Fn:
        var = e.variable
        ctx = self.ctx
        items: list[tuple[str, str | None, Fn | None]] = []
        for kind, key, x in e.items:
            items.append((kind, key, self.compile(x) if x is not None else None))

        def f(row: dict[str, Any]) -> Any:
            subject = row.get(var)
            if subject is None:
                return None
            if isinstance(subject, (NodeRef, RelRef)):
                props = ctx.entity_props(subject)
            elif isinstance(subject, dict):
                props = subject
            else:
                raise CypherTypeError(f"map projection on {type_name(subject)}", "InvalidArgumentType")
            out: dict[str, Any] = {}
            for kind, key, fn in items:
                if kind == "all":
                    out.update(props)
                elif kind == "prop":
                    assert key is not None
                    out[key] = props.get(key)
                else:
                    assert key is not None and fn is not None
                    out[key] = fn(row)
            return out

        return f

    # patterns as expressions (delegated to the matcher)

    def c_PatternPredicate(self, e: ast.PatternPredicate) -> Fn:
        return self._matcher().compile_exists((e.pattern,), None, self)

    def c_Exists(self, e: ast.Exists) -> Fn:
        if e.query is not None:
            assert self.ctx.executor is not None
            return self.ctx.executor.compile_exists_query(e.query, self, e.kind)
        assert e.patterns is not None
        return self._matcher().compile_exists(e.patterns, e.where, self, e.kind)

    def c_PatternComprehension(self, e: ast.PatternComprehension) -> Fn:
        return self._matcher().compile_comprehension(e, self)

    def _matcher(self) -> PatternCompiler:
        assert self.ctx.matcher is not None, "the executor sets the matcher before compiling"
        return self.ctx.matcher

    # functions

    def c_CountStar(self, e: ast.CountStar) -> Fn:
        raise CypherSemanticError("count(*) is only allowed in RETURN and WITH", "InvalidAggregation")

    def c_FunctionCall(self, e: ast.FunctionCall) -> Fn:
        if is_aggregate(e.name):
            raise CypherSemanticError(f"aggregate {e.name}() is only allowed in RETURN and WITH",
                                      "InvalidAggregation")
        fn = lookup(e.name)
        if fn is None:

            temporal = temporal_function(e.name)
            if temporal is None:
                raise CypherSemanticError(f"unknown function {e.name}()", "UnknownFunction")
            impl: Callable[..., Any] = temporal
            null_propagating = False
        else:
            impl = fn.fn
            null_propagating = fn.null_propagating
        args = [self.compile(a) for a in e.args]
        ctx = self.ctx
        if e.name.lower() == "exists" and e.args and isinstance(e.args[0], ast.PatternPredicate):
            return args[0]
        if null_propagating:
            def call(row: dict[str, Any]) -> Any:
                values = [a(row) for a in args]
                if any(v is None for v in values):
                    return None
                return impl(ctx, *values)

            return call
        return lambda row: impl(ctx, *[a(row) for a in args])


def contains_aggregate(e: Any) -> bool:
    """Does this expression contain an aggregate call (outside nested subqueries)?"""
    return bool(find_aggregates(e))


def find_aggregates(e: Any) -> list[ast.Expr]:
    """Aggregate calls in an expression, outermost first (nested ones are not searched)."""
    found: list[ast.Expr] = []

    def walk(x: Any) -> None:
        if isinstance(x, ast.CountStar):
            found.append(x)
            return
        if isinstance(x, ast.FunctionCall) and is_aggregate(x.name):
            found.append(x)
            return
        if isinstance(x, (ast.Exists, ast.PatternComprehension, ast.PatternPredicate)):
            return
        for child in children(x):
            walk(child)

    walk(e)
    return found


def children(x: Any) -> list[Any]:
    """The direct sub-expressions of an expression node."""
    out: list[Any] = []
    if not isinstance(x, ast.SyntaxNode):
        return out
    for name in x.__dataclass_fields__:
        if name == "pos":
            continue
        v = getattr(x, name)
        if isinstance(v, ast.Expr):
            out.append(v)
        elif isinstance(v, tuple):
            for item in v:
                if isinstance(item, ast.Expr):
                    out.append(item)
                elif isinstance(item, tuple):
                    out.extend(i for i in item if isinstance(i, ast.Expr))
    return out
