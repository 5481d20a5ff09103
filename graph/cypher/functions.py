"""Scalar functions, looked up case-insensitively as in Neo4j.

Each function receives the execution context and its evaluated arguments.
Nulls propagate (a null argument gives null) unless the function says
otherwise (``coalesce``); a value of the wrong type raises a TypeError rather
than being coerced, so a mistake in a query shows up instead of a quiet null.
"""

from __future__ import annotations

import decimal
import math
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any

from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.runtime import (
    NodeRef,
    PathValue,
    RelRef,
    is_number,
    type_name,
)
from relgraph.graph.values.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from relgraph.graph.values.spatial import Point, java_double
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
        raise CypherArithmeticError("long overflow", "IntegerOverflow")  # Neo4j's words
    return v


# --- formatting ---------------------------------------------------------------------


def format_float(f: float) -> str:
    """A float as Cypher (Java's Double.toString) prints it: 1.0, 1.0E20, 1.0E-4."""
    return java_double(f)


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
        return v.text()
    if isinstance(v, Point):
        return str(v)
    raise _type_error("toString", v, "a string, number, boolean, temporal value or point")


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


# Neo4j parses text as Java does. toInteger: Long.parseLong (a sign and decimal digits,
# any script's, nothing else), else new BigDecimal(text), truncated. toFloat:
# Double.parseDouble (ASCII digits, surrounding control characters and spaces ignored,
# NaN, Infinity, hexadecimal with a p exponent, an f/d suffix). No underscores anywhere.
_JAVA_LONG = re.compile(r"[+-]?\d+")
_JAVA_BIG_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_JAVA_DOUBLE = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?", re.ASCII)
_JAVA_HEX_DOUBLE = re.compile(r"0[xX]([0-9a-fA-F]+\.?|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?",
                              re.ASCII)


def _parse_java_long(s: str) -> int | None:
    """``toInteger(text)``: None when it is no number; too large fails, as in Neo4j."""
    if _JAVA_LONG.fullmatch(s):
        n = int(s)
        if INT_MIN <= n <= INT_MAX:
            return n
    if not _JAVA_BIG_DECIMAL.fullmatch(s):
        return None
    d = Decimal(s)
    if not INT_MIN <= d <= INT_MAX:
        raise CypherTypeError(f"integer, {s}, is too large", "InvalidArgumentValue")
    return int(d)


def _parse_java_double(s: str) -> float | None:
    """``toFloat(text)``: Java's ``Double.parseDouble``, None where it would fail."""
    t = s.strip("".join(map(chr, range(33))))
    sign = -1.0 if t.startswith("-") else 1.0
    body = t[1:] if t[:1] in ("+", "-") else t
    if body in ("NaN", "Infinity"):
        return sign * float(body.lower()[:3])
    if _JAVA_DOUBLE.fullmatch(body):
        return sign * float(body.rstrip("fFdD"))
    if _JAVA_HEX_DOUBLE.fullmatch(body):
        return sign * float.fromhex(body.rstrip("fFdD"))
    return None


def _java_long_of(f: float) -> int:
    """Java's ``(long) f``, which Neo4j's ``toInteger`` is: NaN is 0, the rest clamped."""
    if math.isnan(f):
        return 0
    if math.isinf(f):
        return INT_MAX if f > 0 else INT_MIN
    return max(INT_MIN, min(INT_MAX, int(f)))


@register("toInteger", 1)
def _to_integer(ctx: Context, v: Any) -> Any:
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return _java_long_of(v)
    if isinstance(v, str):
        return _parse_java_long(v)
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
        return _parse_java_double(v)
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


# trim, ltrim and rtrim (which take the characters to trim too) are in text_functions.py.


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
    if isinstance(number, int) and number == INT_MIN:
        return number  # Java's Math.abs, which Neo4j's abs() is, leaves the smallest long as it is
    return abs(number)


@register("ceil", 1)
def _ceil(ctx: Context, v: Any) -> Any:
    v = _num_arg("ceil", v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return v
    return math.copysign(float(math.ceil(v)), v)  # Java's Math.ceil(-0.5) is -0.0


@register("floor", 1)
def _floor(ctx: Context, v: Any) -> Any:
    v = _num_arg("floor", v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return v
    return math.copysign(float(math.floor(v)), v)  # Java's Math.floor(-0.0) is -0.0


_ROUNDING_MODES = ("CEILING", "FLOOR", "UP", "DOWN", "HALF_EVEN", "HALF_UP", "HALF_DOWN",
                   "UNNECESSARY")
_ABSENT = object()


def _java_math_round(v: float) -> float:
    """Java's ``Math.round``, which Neo4j's ``round(x)`` uses: halves towards positive
    infinity, clamped to the 64-bit integers, returned as a float (so never -0.0)."""
    below = math.floor(v)
    rounded = below + 1 if v - below >= 0.5 else below
    return float(max(-(2**63), min(2**63 - 1, int(rounded))))


@register("round", 1, 3, null_propagating=False)
def _round(ctx: Context, v: Any, precision: Any = 0, mode: Any = _ABSENT) -> Any:
    """Neo4j's ``round``: without a mode and a precision of 0, Java's ``Math.round``;
    otherwise Java's ``BigDecimal.valueOf(x).setScale(precision, mode)`` (HALF_UP by
    default: away from zero, on the shortest decimal form of the float)."""
    if v is None or precision is None or mode is None:
        return None
    v = _num_arg("round", v)
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return v
    if isinstance(precision, float):
        precision = int(precision)  # Neo4j takes a float precision, truncated
    precision = _int_arg("round", precision)
    if precision < 0:
        raise CypherArgumentError("Precision argument to 'round()' cannot be negative",
                                  "NumberOutOfRange")
    if mode is _ABSENT and precision == 0:
        return _java_math_round(float(v))
    name = "HALF_UP" if mode is _ABSENT else _str_arg("round", mode)
    if name not in _ROUNDING_MODES:
        raise CypherArgumentError("Unknown rounding mode. Valid values are: "
                                  + ", ".join(_ROUNDING_MODES) + ".", "InvalidArgumentValue")
    d = Decimal(repr(float(v)))  # BigDecimal.valueOf(double): the shortest decimal form
    if precision > 400:  # beyond the digits of any float: nothing to round
        return float(d) + 0.0
    with localcontext() as context:
        context.prec = 1000
        out = d.quantize(Decimal(1).scaleb(-precision),
                         rounding=ROUND_DOWN if name == "UNNECESSARY" else getattr(decimal, "ROUND_" + name))
    if name == "UNNECESSARY" and out != d:
        raise CypherArithmeticError(f"rounding necessary: {v} has more than {precision} decimals",
                                    "RoundingNecessary")
    return float(out) + 0.0  # a BigDecimal has no negative zero


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
