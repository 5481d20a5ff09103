"""The TCK's value notation, and a canonical text form to compare results with.

Expected cells such as ``(:A:B {k: 1})``, ``[:T {k: 'v'}]``,
``<(:A)-[:T]->(:B)>``, ``[1, 2.0, 'x']`` or ``{a: null}`` are parsed into
Python values (primitives, lists and dicts stay native; graph elements become
:class:`ExpectedNode` / :class:`ExpectedRel` / :class:`ExpectedPath`).

Comparison goes through :func:`canonical`: expected and actual values are both
rendered to one canonical string (map keys and labels sorted, integers and
floats kept distinct, floats at full precision), and rows then compare as
tuples of such strings. Nodes and relationships are compared by labels/type and
properties only, as the TCK specifies; identity is not part of the notation.
Temporal values compare by their ISO text, which is how the TCK writes them.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExpectedNode:
    labels: tuple[str, ...]
    properties: dict[str, Any]


@dataclass(frozen=True)
class ExpectedRel:
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class ExpectedPath:
    nodes: tuple[ExpectedNode, ...]
    rels: tuple[ExpectedRel, ...]
    forward: tuple[bool, ...]  # per relationship: written left-to-right (-[]->)?


class ValueSyntaxError(ValueError):
    pass


_NUMBER = re.compile(r"-?(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|`[^`]*`")


class _Reader:
    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
            self.i += 1

    def peek(self, token: str) -> bool:
        self.ws()
        return self.s.startswith(token, self.i)

    def eat(self, token: str) -> None:
        self.ws()
        if not self.s.startswith(token, self.i):
            raise ValueSyntaxError(f"expected {token!r} at {self.i} in {self.s!r}")
        self.i += len(token)

    def ident(self) -> str:
        self.ws()
        m = _IDENT.match(self.s, self.i)
        if not m:
            raise ValueSyntaxError(f"expected a name at {self.i} in {self.s!r}")
        self.i = m.end()
        name = m.group(0)
        return name[1:-1] if name.startswith("`") else name

    def value(self) -> Any:
        self.ws()
        s, i = self.s, self.i
        if i >= len(s):
            raise ValueSyntaxError(f"unexpected end of {s!r}")
        c = s[i]
        if c == "'":
            return self.string()
        if c == "[":
            if self._rel_ahead():
                return self.rel()
            return self.list()
        if c == "{":
            return self.map()
        if c == "(":
            return self.node()
        if c == "<":
            return self.path()
        for word, v in (("null", None), ("true", True), ("false", False), ("NaN", math.nan),
                        ("-Inf", -math.inf), ("Inf", math.inf)):
            if s.startswith(word, i) and not (s[i + len(word):i + len(word) + 1].isalnum()):
                self.i += len(word)
                return v
        m = _NUMBER.match(s, i)
        if m:
            self.i = m.end()
            text = m.group(0)
            if any(ch in text for ch in ".eE"):
                return float(text)
            return int(text)
        raise ValueSyntaxError(f"cannot read a value at {i} in {s!r}")

    def _rel_ahead(self) -> bool:
        j = self.i + 1
        while j < len(self.s) and self.s[j] == " ":
            j += 1
        return j < len(self.s) and self.s[j] == ":"

    def string(self) -> str:
        self.eat("'")
        out = []
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c == "\\" and self.i + 1 < len(s):
                nxt = s[self.i + 1]
                out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                self.i += 2
                continue
            if c == "'":
                self.i += 1
                return "".join(out)
            out.append(c)
            self.i += 1
        raise ValueSyntaxError(f"unterminated string in {s!r}")

    def list(self) -> list[Any]:
        self.eat("[")
        items = []
        if self.peek("]"):
            self.eat("]")
            return items
        while True:
            items.append(self.value())
            if self.peek(","):
                self.eat(",")
                continue
            self.eat("]")
            return items

    def map(self) -> dict[str, Any]:
        self.eat("{")
        out: dict[str, Any] = {}
        if self.peek("}"):
            self.eat("}")
            return out
        while True:
            key = self.ident()
            self.eat(":")
            out[key] = self.value()
            if self.peek(","):
                self.eat(",")
                continue
            self.eat("}")
            return out

    def node(self) -> ExpectedNode:
        self.eat("(")
        labels = []
        while self.peek(":"):
            self.eat(":")
            labels.append(self.ident())
        props = self.map() if self.peek("{") else {}
        self.eat(")")
        return ExpectedNode(tuple(labels), props)

    def rel(self) -> ExpectedRel:
        self.eat("[")
        self.eat(":")
        rtype = self.ident()
        props = self.map() if self.peek("{") else {}
        self.eat("]")
        return ExpectedRel(rtype, props)

    def path(self) -> ExpectedPath:
        self.eat("<")
        nodes = [self.node()]
        rels = []
        forward = []
        while not self.peek(">"):
            if self.peek("<-"):
                self.eat("<-")
                rels.append(self.rel())
                self.eat("-")
                forward.append(False)
            else:
                self.eat("-")
                rels.append(self.rel())
                self.eat("->")
                forward.append(True)
            nodes.append(self.node())
        self.eat(">")
        return ExpectedPath(tuple(nodes), tuple(rels), tuple(forward))


def parse_value(text: str) -> Any:
    """One TCK cell -> value (see module docstring)."""
    r = _Reader(text)
    v = r.value()
    r.ws()
    if r.i != len(r.s):
        raise ValueSyntaxError(f"trailing text in {text!r}")
    return v


# --- canonical form ---------------------------------------------------------------------


def _float_text(f: float) -> str:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Inf" if f > 0 else "-Inf"
    if f == 0:
        return "f0.0"  # -0.0 equals 0.0, as in the TCK's own (Java) comparison
    return "f" + repr(f)


def _string_text(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _props_text(props: Any, unordered: bool) -> str:
    if not props:
        return ""
    inner = ", ".join(f"{k}: {canonical(v, unordered)}" for k, v in sorted(dict(props).items()))
    return " {" + inner + "}"


def _temporal_text(v: Any) -> str | None:
    if isinstance(v, (_dt.date, _dt.time, _dt.datetime)):
        return _string_text(v.isoformat())
    for attr in ("iso", "iso_format"):
        fn = getattr(v, attr, None)
        if callable(fn):
            return _string_text(fn())
    return None


def canonical(v: Any, unordered_lists: bool = False) -> str:
    """One string per value such that equal TCK values give equal strings.

    Works for expected values (from :func:`parse_value`) and for actual values
    of the driver-shaped types (``relgraph.graph.values.entities`` or anything with the
    same attributes: ``labels``/``properties``, ``type``, ``nodes``/``relationships``).
    """
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float_text(v)
    if isinstance(v, str):
        return _string_text(v)
    if isinstance(v, (list, tuple)):
        items = [canonical(x, unordered_lists) for x in v]
        if unordered_lists:
            items.sort()
        return "[" + ", ".join(items) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {canonical(x, unordered_lists)}" for k, x in sorted(v.items())) + "}"
    if isinstance(v, ExpectedNode):
        return "(" + "".join(f":{label}" for label in sorted(v.labels)) + _props_text(
            v.properties, unordered_lists) + ")"
    if isinstance(v, ExpectedRel):
        return f"[:{v.type}" + _props_text(v.properties, unordered_lists) + "]"
    if isinstance(v, ExpectedPath):
        out = [canonical(v.nodes[0], unordered_lists)]
        for rel, node, fwd in zip(v.rels, v.nodes[1:], v.forward):
            r = canonical(rel, unordered_lists)
            out.append(f"-{r}->" if fwd else f"<-{r}-")
            out.append(canonical(node, unordered_lists))
        return "<" + "".join(out) + ">"
    temporal = _temporal_text(v)
    if temporal is not None:
        return temporal
    # actual graph values, duck-typed so that other targets' types work too
    if hasattr(v, "relationships") and hasattr(v, "nodes") and not hasattr(v, "labels"):
        nodes = list(v.nodes)
        out = [canonical(nodes[0], unordered_lists)]
        for i, rel in enumerate(v.relationships):
            r = canonical(rel, unordered_lists)
            start_id = _element_id(rel.start_node)
            fwd = start_id == _element_id(nodes[i])
            out.append(f"-{r}->" if fwd else f"<-{r}-")
            out.append(canonical(nodes[i + 1], unordered_lists))
        return "<" + "".join(out) + ">"
    if hasattr(v, "labels"):
        return "(" + "".join(f":{label}" for label in sorted(v.labels)) + _props_text(
            _properties(v), unordered_lists) + ")"
    if hasattr(v, "type") and hasattr(v, "start_node"):
        return f"[:{v.type}" + _props_text(_properties(v), unordered_lists) + "]"
    return f"<{type(v).__name__}: {v!r}>"


def _properties(v: Any) -> dict[str, Any]:
    props = getattr(v, "properties", None)
    if props is None:
        props = dict(v.items())
    return dict(props)


def _element_id(v: Any) -> Any:
    return getattr(v, "element_id", None) if not hasattr(v, "id") else getattr(v, "element_id", v.id)
