"""Functions Neo4j 5 added to Cypher: ``nullIf``, ``btrim``, ``normalize``, ``valueType``,
and the trimming of given characters that ``trim(... FROM s)``, ``ltrim`` and ``rtrim`` share.

They register in the same table as the older functions (:mod:`.functions`); the package
imports this module so that the table is complete whichever stage looks first.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.functions import register
from relgraph.graph.cypher.runtime import equals, type_name
from relgraph.graph.cypher.value_types import value_type_name
from relgraph.graph.values.errors import CypherArgumentError, CypherTypeError

#: What Neo4j's trim functions remove when no characters are given: Unicode white space
#: (its Character.isWhitespace), which leaves the no-break spaces alone.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()
                     and chr(c) not in "\u00a0\u2007\u202f\u0085")


def _string(fn: str, v: Any) -> str:
    if not isinstance(v, str):
        raise CypherTypeError(f"{fn}() expects a string, got {type_name(v)}", "InvalidArgumentValue")
    return v


def trim_characters(source: Any, characters: Any, mode: str, fn: str = "trim", given: bool = False) -> Any:
    """``source`` without the leading (LEADING), trailing (TRAILING) or both (BOTH) runs of
    any of ``characters`` (white space when none are ``given``); null when either is null."""
    if source is None or (given and characters is None):
        return None
    text = _string(fn, source)
    if not given:
        chars = WHITESPACE
    else:
        chars = _string(fn, characters)
        if fn == "trim" and len(chars) != 1:
            raise CypherArgumentError("The argument `trimCharacterString` in the `trim()` function "
                                      "must be of length 1.", "InvalidArgumentValue")
    if mode != "TRAILING":
        text = text.lstrip(chars)
    if mode != "LEADING":
        # Neo4j 5.26 never trims the first character from the end when characters are
        # given (rtrim('aaa', 'a') is 'a', btrim('aaa', 'a') is ''): the reference is kept.
        text = text[:1] + text[1:].rstrip(chars) if given else text.rstrip(chars)
    return text


def _trim_with(fn: str, mode: str, source: Any, characters: tuple[Any, ...]) -> Any:
    """btrim/ltrim/rtrim(s[, characters]): a null given for the characters gives null."""
    return trim_characters(source, characters[0] if characters else None, mode, fn, bool(characters))


@register("trim", 1)
def _trim(ctx: Context, source: Any) -> Any:
    return trim_characters(source, None, "BOTH")


@register("btrim", 1, 2, null_propagating=False)
def _btrim(ctx: Context, source: Any, *characters: Any) -> Any:
    return _trim_with("btrim", "BOTH", source, characters)


@register("ltrim", 1, 2, null_propagating=False)
def _ltrim(ctx: Context, source: Any, *characters: Any) -> Any:
    return _trim_with("ltrim", "LEADING", source, characters)


@register("rtrim", 1, 2, null_propagating=False)
def _rtrim(ctx: Context, source: Any, *characters: Any) -> Any:
    return _trim_with("rtrim", "TRAILING", source, characters)


@register("nullIf", 2, null_propagating=False)
def _null_if(ctx: Context, a: Any, b: Any) -> Any:
    return None if equals(a, b) is True else a


_FORMS = ("NFC", "NFD", "NFKC", "NFKD")


def _form(v: Any) -> Any:
    if v not in _FORMS:
        raise CypherArgumentError("Invalid normal form, expected NFC, NFD, NFKC, NFKD",
                                  "InvalidArgumentValue")
    return v


@register("normalize", 1, 2, null_propagating=False)
def _normalize(ctx: Context, v: Any, form: Any = "NFC") -> Any:
    if v is None:
        return None
    return unicodedata.normalize(_form(form), _string("normalize", v))


def is_normalized(v: Any, form: str) -> bool | None:
    """``v IS [form] NORMALIZED``: null for null and for anything but a string, as in Neo4j."""
    if not isinstance(v, str):
        return None
    return unicodedata.is_normalized(_form(form), v)


@register("valueType", 1, null_propagating=False)
def _value_type(ctx: Context, v: Any) -> Any:
    return value_type_name(v)


@register("file", 0)
def _file(ctx: Context) -> Any:
    """The file LOAD CSV reads: null outside LOAD CSV (which the engine does not run)."""
    return None


@register("linenumber", 0)
def _linenumber(ctx: Context) -> Any:
    """The line LOAD CSV reads: null outside LOAD CSV (which the engine does not run)."""
    return None
