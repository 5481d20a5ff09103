"""Scalar functions, looked up case-insensitively as in Neo4j.

Each function receives the execution context and its evaluated arguments.
Nulls propagate (a null argument gives null) unless the function says
otherwise (``coalesce``); a value of the wrong type raises a TypeError rather
than being coerced, so a mistake in a query shows up instead of a quiet null.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.runtime import (
    NodeRef,
    PathValue,
    RelRef,
    is_number,
    type_name,
)
from relgraph.graph.cypher.value_types import value_type
from relgraph.graph.values.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from relgraph.graph.values.temporal import TemporalValue

INT_MAX = 2**63 - 1
INT_MIN = -(2**63)


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int | None  # None: any number
    fn: Callable[..., Any]
    null_propagating: bool = True  # a null first argument gives null without calling fn
    deterministic: bool = True


FUNCTIONS: dict[str, Function] = {}


def register(name: str, min_args: int, max_args: int | None = -1, *, null_propagating: bool = True,
             deterministic: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: add a function under ``name`` (case-insensitive)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        FUNCTIONS[name.lower()] = Function(name, min_args, min_args if max_args == -1 else max_args,
                                           fn, null_propagating, deterministic)
        return fn

    return wrap


def lookup(name: str) -> Function | None:
    return FUNCTIONS.get(name.lower())


def _type_error(fn: str, value: Any, expected: str) -> CypherTypeError:
    return CypherTypeError(f"{fn}() expects {expected}, got {type_name(value)}", "InvalidArgumentValue")


def check_int(v: int) -> int:
    """Raise on a result outside Cypher's 64-bit integer range."""
    if v > INT_MAX or v < INT_MIN:
        raise CypherArithmeticError("integer overflow", "IntegerOverflow")
    return v


# --- formatting ---------------------------------------------------------------------


def format_float(f: float) -> str:
    """A float as Cypher (Java's Double.toString) prints it: 1.0, 1.0E20, 1.0E-4."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0:
        return "-0.0" if math.copysign(1.0, f) < 0 else "0.0"
    a = abs(f)
    if 1e-3 <= a < 1e7:
        s = repr(f)
        if "e" in s or "E" in s:  # cannot happen in this range, kept for safety
            s = f"{f:f}"
        return s if "." in s else s + ".0"
    sign, digits, exponent = Decimal(repr(f)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    exp10 = len(digits) + int(exponent) - 1
    mantissa = ds[0] + "." + (ds[1:] or "0")
    return ("-" if sign else "") + f"{mantissa}E{exp10}"


def to_string(v: Any) -> str:
    """The text form used by toString() and string concatenation."""

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, TemporalValue):
        return v.iso()
    raise _type_error("toString", v, "a string, number, boolean or temporal value")


# --- graph functions ------------------------------------------------------------------


@register("labels", 1)
def _labels(ctx: Context, v: Any) -> Any:
    if isinstance(v, NodeRef):
        return list(ctx.node_labels(v))
    raise _type_error("labels", v, "a node")


@register("type", 1)
def _type(ctx: Context, v: Any) -> Any:
    if isinstance(v, RelRef):
        return ctx.rel_type(v)
    raise _type_error("type", v, "a relationship")


@register("id", 1)
def _id(ctx: Context, v: Any) -> Any:
    if isinstance(v, (NodeRef, RelRef)):
        return v.id
    raise _type_error("id", v, "a node or relationship")


@register("elementId", 1)
def _element_id(ctx: Context, v: Any) -> Any:
    if isinstance(v, (NodeRef, RelRef)):
        return str(v.id)
    raise _type_error("elementId", v, "a node or relationship")


@register("keys", 1)
def _keys(ctx: Context, v: Any) -> Any:
    if isinstance(v, (NodeRef, RelRef)):
        return list(ctx.entity_props(v))
    if isinstance(v, dict):
        return list(v)
    raise _type_error("keys", v, "a node, relationship or map")


@register("properties", 1)
def _properties(ctx: Context, v: Any) -> Any:
    if isinstance(v, (NodeRef, RelRef)):
        return dict(ctx.entity_props(v))
    if isinstance(v, dict):
        return dict(v)
    raise _type_error("properties", v, "a node, relationship or map")


@register("startNode", 1)
def _start_node(ctx: Context, v: Any) -> Any:
    if isinstance(v, RelRef):
        return NodeRef(ctx.rel_ends(v.id)[0])
    raise _type_error("startNode", v, "a relationship")


@register("endNode", 1)
def _end_node(ctx: Context, v: Any) -> Any:
    if isinstance(v, RelRef):
        return NodeRef(ctx.rel_ends(v.id)[1])
    raise _type_error("endNode", v, "a relationship")


@register("nodes", 1)
def _nodes(ctx: Context, v: Any) -> Any:
    if isinstance(v, PathValue):
        return [NodeRef(n) for n in v.nodes]
    raise _type_error("nodes", v, "a path")


@register("relationships", 1)
def _relationships(ctx: Context, v: Any) -> Any:
    if isinstance(v, PathValue):
        return [RelRef(r) for r in v.rels]
    raise _type_error("relationships", v, "a path")


@register("rels", 1)
def _rels(ctx: Context, v: Any) -> Any:
    return _relationships(ctx, v)


@register("length", 1)
def _length(ctx: Context, v: Any) -> Any:
    if isinstance(v, PathValue):
        return len(v.rels)
    raise _type_error("length", v, "a path")


@register("valueType", 1, null_propagating=False)
def _value_type(ctx: Context, v: Any) -> Any:
    return value_type(v)


@register("exists", 1)
def _exists(ctx: Context, v: Any) -> Any:
    return v is not None


# --- list functions ---------------------------------------------------------------------


@register("size", 1)
def _size(ctx: Context, v: Any) -> Any:
    if isinstance(v, (list, str)):
        return len(v)
    raise _type_error("size", v, "a list or string")


@register("head", 1)
def _head(ctx: Context, v: Any) -> Any:
    if isinstance(v, list):
        return v[0] if v else None
    raise _type_error("head", v, "a list")


@register("last", 1)
def _last(ctx: Context, v: Any) -> Any:
    if isinstance(v, list):
        return v[-1] if v else None
    raise _type_error("last", v, "a list")


@register("tail", 1)
def _tail(ctx: Context, v: Any) -> Any:
    if isinstance(v, list):
        return v[1:]
    raise _type_error("tail", v, "a list")


@register("isEmpty", 1)
def _is_empty(ctx: Context, v: Any) -> Any:
    if isinstance(v, (list, str, dict)):
        return len(v) == 0
    raise _type_error("isEmpty", v, "a list, string or map")


@register("range", 2, 3, null_propagating=False)
def _range(ctx: Context, start: Any, end: Any, step: Any = 1) -> Any:
    for x in (start, end, step):
        if not isinstance(x, int) or isinstance(x, bool):
            raise CypherArgumentError(f"range() expects integers, got {type_name(x)}", "InvalidArgumentType")
    if step == 0:
        raise CypherArgumentError("range() step must not be zero", "NumberOutOfRange")
    values = range(start, end + (1 if step > 0 else -1), step)
    ctx.stop.reserve(len(values))
    return list(values)


@register("reverse", 1)
def _reverse(ctx: Context, v: Any) -> Any:
    if isinstance(v, (list, str)):
        return v[::-1]
    raise _type_error("reverse", v, "a list or string")


@register("coalesce", 1, None, null_propagating=False)
def _coalesce(ctx: Context, *args: Any) -> Any:
    for a in args:
        if a is not None:
            return a
    return None


@register("toIntegerList", 1)
def _to_integer_list(ctx: Context, v: Any) -> Any:
    if not isinstance(v, list):
        raise _type_error("toIntegerList", v, "a list")
    return [_to_integer_or_null(ctx, x) for x in v]


@register("toFloatList", 1)
def _to_float_list(ctx: Context, v: Any) -> Any:
    if not isinstance(v, list):
        raise _type_error("toFloatList", v, "a list")
    return [_to_float_or_null(ctx, x) for x in v]


@register("toStringList", 1)
def _to_string_list(ctx: Context, v: Any) -> Any:
    if not isinstance(v, list):
        raise _type_error("toStringList", v, "a list")
    return [_to_string_or_null(ctx, x) for x in v]


@register("toBooleanList", 1)
def _to_boolean_list(ctx: Context, v: Any) -> Any:
    if not isinstance(v, list):
        raise _type_error("toBooleanList", v, "a list")
    return [_to_boolean_or_null(ctx, x) for x in v]


# --- conversion -----------------------------------------------------------------------


def _parse_number(s: str) -> int | float | None:
    t = s.strip()
    try:
        return int(t)
    except ValueError:
        pass
    try:
        lower = t.lower()
        if lower.startswith(("0x", "-0x")):
            return int(t, 16)
        f = float(t)
        if lower in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+nan", "-nan"):
            return None
        return f
    except ValueError:
        return None


@register("toInteger", 1)
def _to_integer(ctx: Context, v: Any) -> Any:
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        return check_int(int(v))
    if isinstance(v, str):
        n = _parse_number(v)
        if n is None:
            return None
        if isinstance(n, float):
            if math.isnan(n) or math.isinf(n):
                return None
            n = int(n)
        return n if INT_MIN <= n <= INT_MAX else None
    raise _type_error("toInteger", v, "a string, number or boolean")


@register("toIntegerOrNull", 1)
def _to_integer_or_null(ctx: Context, v: Any) -> Any:
    try:
        return _to_integer(ctx, v) if v is not None else None
    except CypherTypeError:
        return None


@register("toFloat", 1)
def _to_float(ctx: Context, v: Any) -> Any:
    if isinstance(v, bool):
        raise _type_error("toFloat", v, "a string or number")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        n = _parse_number(v)
        return float(n) if n is not None else None
    raise _type_error("toFloat", v, "a string or number")


@register("toFloatOrNull", 1)
def _to_float_or_null(ctx: Context, v: Any) -> Any:
    try:
        return _to_float(ctx, v) if v is not None else None
    except CypherTypeError:
        return None


@register("toBoolean", 1)
def _to_boolean(ctx: Context, v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        t = v.strip().lower()
        return True if t == "true" else False if t == "false" else None
    if isinstance(v, int):
        return v != 0
    raise _type_error("toBoolean", v, "a string, integer or boolean")


@register("toBooleanOrNull", 1)
def _to_boolean_or_null(ctx: Context, v: Any) -> Any:
    try:
        return _to_boolean(ctx, v) if v is not None else None
    except CypherTypeError:
        return None


@register("toString", 1)
def _to_string(ctx: Context, v: Any) -> Any:
    return to_string(v)


@register("toStringOrNull", 1)
def _to_string_or_null(ctx: Context, v: Any) -> Any:
    try:
        return to_string(v) if v is not None else None
    except CypherTypeError:
        return None


# --- strings --------------------------------------------------------------------------


def _str_arg(fn: str, v: Any) -> str:
    if not isinstance(v, str):
        raise _type_error(fn, v, "a string")
    return v


def _int_arg(fn: str, v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise _type_error(fn, v, "an integer")
    return v


@register("toLower", 1)
def _to_lower(ctx: Context, v: Any) -> Any:
    return _str_arg("toLower", v).lower()


@register("toUpper", 1)
def _to_upper(ctx: Context, v: Any) -> Any:
    return _str_arg("toUpper", v).upper()


@register("lower", 1)
def _lower(ctx: Context, v: Any) -> Any:
    return _str_arg("lower", v).lower()


@register("upper", 1)
def _upper(ctx: Context, v: Any) -> Any:
    return _str_arg("upper", v).upper()


@register("trim", 1)
def _trim(ctx: Context, v: Any) -> Any:
    return _str_arg("trim", v).strip(" \t\n\r\f\v")


@register("ltrim", 1)
def _ltrim(ctx: Context, v: Any) -> Any:
    return _str_arg("ltrim", v).lstrip(" \t\n\r\f\v")


@register("rtrim", 1)
def _rtrim(ctx: Context, v: Any) -> Any:
    return _str_arg("rtrim", v).rstrip(" \t\n\r\f\v")


@register("split", 2, null_propagating=False)
def _split(ctx: Context, s: Any, delim: Any) -> Any:
    if s is None or delim is None:
        return None
    s = _str_arg("split", s)
    if isinstance(delim, list):
        parts = [s]
        for d in delim:
            parts = [p for part in parts for p in (part.split(d) if d else list(part))]
        return parts
    delim = _str_arg("split", delim)
    if delim == "":
        return list(s)
    return s.split(delim)


#: substring()'s length when the call gives none (a null length is another thing: null).
_NO_LENGTH = object()


@register("substring", 2, 3, null_propagating=False)
def _substring(ctx: Context, s: Any, start: Any, length: Any = _NO_LENGTH) -> Any:
    # Neo4j: a null start or length gives null, as a null string does
    if s is None or start is None or length is None:
        return None
    s = _str_arg("substring", s)
    start = _int_arg("substring", start)
    if start < 0:
        raise CypherArgumentError("substring() start must not be negative", "NumberOutOfRange")
    if length is _NO_LENGTH:
        return s[start:]
    length = _int_arg("substring", length)
    if length < 0:
        raise CypherArgumentError("substring() length must not be negative", "NumberOutOfRange")
    return s[start:start + length]


@register("left", 2, null_propagating=False)
def _left(ctx: Context, s: Any, n: Any) -> Any:
    if s is None or n is None:  # Neo4j: a null length gives null
        return None
    n = _int_arg("left", n)
    if n < 0:
        raise CypherArgumentError("left() length must not be negative", "NumberOutOfRange")
    return _str_arg("left", s)[:n]


@register("right", 2, null_propagating=False)
def _right(ctx: Context, s: Any, n: Any) -> Any:
    if s is None or n is None:  # Neo4j: a null length gives null
        return None
    n = _int_arg("right", n)
    if n < 0:
        raise CypherArgumentError("right() length must not be negative", "NumberOutOfRange")
    s = _str_arg("right", s)
    return s[len(s) - n:] if n else ""


@register("replace", 3, null_propagating=False)
def _replace(ctx: Context, s: Any, find: Any, repl: Any) -> Any:
    if s is None or find is None or repl is None:
        return None
    return _str_arg("replace", s).replace(_str_arg("replace", find), _str_arg("replace", repl))


@register("char_length", 1)
def _char_length(ctx: Context, v: Any) -> Any:
    return len(_str_arg("char_length", v))


@register("character_length", 1)
def _character_length(ctx: Context, v: Any) -> Any:
    return len(_str_arg("character_length", v))


# --- numbers --------------------------------------------------------------------------


def _num_arg(fn: str, v: Any) -> int | float:
    if not is_number(v):
        raise _type_error(fn, v, "a number")
    number: int | float = v
    return number


@register("abs", 1)
def _abs(ctx: Context, v: Any) -> Any:
    number = _num_arg("abs", v)
    return check_int(abs(number)) if isinstance(number, int) else abs(number)


@register("ceil", 1)
def _ceil(ctx: Context, v: Any) -> Any:
    v = _num_arg("ceil", v)
    return float(math.ceil(v)) if not (isinstance(v, float) and (math.isnan(v) or math.isinf(v))) else v


@register("floor", 1)
def _floor(ctx: Context, v: Any) -> Any:
    v = _num_arg("floor", v)
    return float(math.floor(v)) if not (isinstance(v, float) and (math.isnan(v) or math.isinf(v))) else v


_ROUNDING_MODES = ("UP", "DOWN", "CEILING", "FLOOR", "HALF_UP", "HALF_DOWN", "HALF_EVEN")


@register("round", 1, 3, null_propagating=False)
def _round(ctx: Context, v: Any, precision: Any = 0, mode: Any = None) -> Any:
    if v is None or precision is None:
        return None
    v = _num_arg("round", v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return v
    precision = _int_arg("round", precision)
    if precision < 0:
        raise CypherArgumentError("Precision argument to 'round()' cannot be negative",
                                  "InvalidArgumentValue")
    from decimal import (
        ROUND_CEILING,
        ROUND_DOWN,
        ROUND_FLOOR,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
        ROUND_HALF_UP,
        ROUND_UP,
    )
    if mode is None:
        # Java's Math.round: half rounds towards positive infinity.
        d = Decimal(repr(float(v)))
        q = Decimal(1).scaleb(-precision)
        rounded = d.quantize(q, rounding=ROUND_HALF_UP if d >= 0 else ROUND_HALF_DOWN)
        return float(rounded)
    mode = _str_arg("round", mode).upper()
    modes = {"UP": ROUND_UP, "DOWN": ROUND_DOWN, "CEILING": ROUND_CEILING, "FLOOR": ROUND_FLOOR,
             "HALF_UP": ROUND_HALF_UP, "HALF_DOWN": ROUND_HALF_DOWN, "HALF_EVEN": ROUND_HALF_EVEN}
    if mode not in modes:
        raise CypherArgumentError(f"unknown rounding mode {mode}", "InvalidArgumentValue")
    d = Decimal(repr(float(v))) if isinstance(v, float) else Decimal(v)
    out = d.quantize(Decimal(1).scaleb(-precision), rounding=modes[mode])
    return float(out)


@register("sign", 1)
def _sign(ctx: Context, v: Any) -> Any:
    v = _num_arg("sign", v)
    if isinstance(v, float) and math.isnan(v):
        return 0
    return (v > 0) - (v < 0)


def _float_fn(name: str, f: Callable[[float], float]) -> None:
    def impl(ctx: Context, v: Any) -> Any:
        v = float(_num_arg(name, v))
        try:
            return f(v)
        except (ValueError, OverflowError):
            return math.nan

    register(name, 1)(impl)


_float_fn("sqrt", lambda x: math.sqrt(x) if x >= 0 else math.nan)
_float_fn("exp", lambda x: math.exp(x) if x < 710 else math.inf)
_float_fn("log", lambda x: math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan))
_float_fn("log10", lambda x: math.log10(x) if x > 0 else (-math.inf if x == 0 else math.nan))
_float_fn("sin", math.sin)
_float_fn("cos", math.cos)
_float_fn("tan", math.tan)
_float_fn("asin", lambda x: math.asin(x) if -1 <= x <= 1 else math.nan)
_float_fn("acos", lambda x: math.acos(x) if -1 <= x <= 1 else math.nan)
_float_fn("atan", math.atan)
_float_fn("cot", lambda x: 1 / math.tan(x) if x != 0 else math.inf)
_float_fn("degrees", math.degrees)
_float_fn("radians", math.radians)
_float_fn("haversin", lambda x: (1 - math.cos(x)) / 2)
# no sinh, cosh, tanh: Neo4j 5.26 has none, and a query that runs here must run there


@register("atan2", 2)
def _atan2(ctx: Context, y: Any, x: Any) -> Any:
    if x is None:
        return None
    return math.atan2(float(_num_arg("atan2", y)), float(_num_arg("atan2", x)))


@register("isNaN", 1)
def _is_nan(ctx: Context, v: Any) -> Any:
    return isinstance(_num_arg("isNaN", v), float) and math.isnan(v)


@register("e", 0)
def _e(ctx: Context) -> Any:
    return math.e


@register("pi", 0)
def _pi(ctx: Context) -> Any:
    return math.pi


@register("rand", 0, deterministic=False)
def _rand(ctx: Context) -> Any:
    return random.random()


@register("randomUUID", 0, deterministic=False)
def _random_uuid(ctx: Context) -> Any:
    return str(uuid.uuid4())


@register("timestamp", 0, deterministic=False)
def _timestamp(ctx: Context) -> Any:
    return int(time.time() * 1000)
