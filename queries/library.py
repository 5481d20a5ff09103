"""Cypher scripts with a documented header: title, description and typed parameters.

A script starts with ``//`` comment lines: the first is its title, the next
ones (up to the parameters) its description, then one line per parameter::

    // Visits between two countries, year by year
    //
    // Every visit that one country's leaders made to the other ...
    //
    // @param countryA: string = 'South Korea'
    // @param depth: int = 2
    // @param names: list<string>          (no default: required)

Types are string, int, float, boolean and list<...> of those, and ``entity`` or
``entity<Label>``: text naming an entity by its key, name or an alias, in any case,
which is resolved to the entity's name before the script runs (``moon jae-in`` is
passed as ``Moon Jae-in``; an unknown name suggests close ones, an ambiguous one lists
them; the empty string is passed as it is, for scripts where it means "any").
Values given on the command line as text are converted to the declared type, so a
script gets ``2`` and not ``'2'``; an unknown or missing parameter is an error before
anything runs.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from relgraph.graph.formats.types import UnfitText, article, parse_typed, shown
from relgraph.graph.values.errors import RelgraphError

PARAM_RE = re.compile(
    r"^@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[a-z]+(?:<[A-Za-z]+>)?)"
    r"\s*(?:=\s*(?P<default>.+?))?\s*$"
)
SCALAR_TYPES = ("string", "int", "float", "boolean")
#: What Python value each declared type takes (an int is a float too).
SCALAR_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str, "int": int, "float": (int, float), "boolean": bool}
_MISSING = object()

#: ``resolve(text, label)``: the name of the one entity ``text`` names (see ``entity`` above).
Resolver = Callable[[str, str | None], str]


class ScriptError(RelgraphError, ValueError):
    """A script, its header or a parameter value is wrong; the message says where."""


@dataclass
class Parameter:
    name: str
    type: str
    default: Any = _MISSING

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    @property
    def is_entity(self) -> bool:
        """Whether the value names an entity (type ``entity`` or ``entity<Label>``)."""
        return self.type == "entity" or (self.type.startswith("entity<") and self.type.endswith(">"))

    @property
    def entity_label(self) -> str | None:
        """The label an ``entity<Label>`` parameter's entity has."""
        return self.type[7:-1] if self.type.startswith("entity<") else None

    @property
    def placeholder(self) -> str:
        """How usage text names the value: ``int``, ``list<string>``, ``Country`` for an
        ``entity<Country>``, ``entity`` for any entity."""
        return self.entity_label or self.type

    @property
    def wanted(self) -> str:
        """What a value must be, for messages: 'an int', 'the name of a Country'."""
        if self.is_entity:
            return f"the name of {article(self.entity_label or 'entity')}"
        return article(self.type)

    def describe(self) -> str:
        default = "" if self.required else f" = {format_literal(self.default)}"
        return f"{self.name}: {self.type}{default}"

    def convert(self, text: str) -> Any:
        """A command-line value (text) as the declared type."""
        if self.type.startswith("list<"):
            item_type = self.type[5:-1]
            stripped = text.strip()
            if stripped.startswith("["):
                items = parse_literal(stripped, f"--param {self.name}")
                if not isinstance(items, list):
                    raise ScriptError(f"--param {self.name}: {text!r} is not a list")
            else:
                items = [item.strip() for item in text.split(",")] if stripped else []
            item = Parameter(self.name, item_type)
            return [item.convert(v) if isinstance(v, str) else item.check(v) for v in items]
        if self.is_entity:
            return text
        return self.check(_convert_scalar(self.name, self.type, text))

    def check(self, value: Any) -> Any:
        """Refuse a value (e.g. a default) that does not have the declared type."""
        if value is None:
            return None
        expected = str if self.is_entity else SCALAR_PYTHON_TYPES.get(self.type)
        if self.type.startswith("list<"):
            if not isinstance(value, list):
                raise ScriptError(f"parameter {self.name}: {value!r} is not a list")
            item = Parameter(self.name, self.type[5:-1])
            return [item.check(v) for v in value]
        if expected is None:
            raise ScriptError(f"parameter {self.name}: unknown type {self.type!r} "
                              f"(use {', '.join(SCALAR_TYPES)} or list<...>)")
        if (isinstance(value, bool) and self.type != "boolean") or not isinstance(value, expected):
            raise ScriptError(f"parameter {self.name}: {value!r} is not {self.wanted}")
        return float(value) if self.type == "float" and isinstance(value, (int, float)) else value


def _convert_scalar(name: str, type_name: str, text: str) -> Any:
    if type_name not in SCALAR_TYPES:
        raise ScriptError(f"parameter {name}: unknown type {type_name!r} "
                          f"(use {', '.join(SCALAR_TYPES)} or list<...>)")
    try:
        return parse_typed(text, type_name)  # as typed CSV columns read the same types
    except UnfitText as exc:
        raise ScriptError(f"--param {name}: {exc}") from None
    except ValueError:
        raise ScriptError(f"--param {name}: {text!r} is not {article(type_name)}") from None


def parse_literal(text: str, where: str) -> Any:
    """A Cypher-style literal: 'text', "text", 12, 1.5, true, false, null, [..]."""
    keywords = {"true": "True", "false": "False", "null": "None"}
    python = re.sub(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|\b(true|false|null)\b""",
                    lambda m: m.group(1) or keywords[m.group(2)], text.strip())
    try:
        return ast.literal_eval(python)
    except (ValueError, SyntaxError):
        raise ScriptError(f"{where}: cannot read the value {text!r}") from None


def format_literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(format_literal(v) for v in value) + "]"
    return str(value)


@dataclass
class QueryScript:
    name: str
    path: Path | None
    text: str
    title: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, name: str, path: Path | None = None) -> QueryScript:
        script = cls(name, path, text)
        header: list[str] = []
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped.startswith("//"):
                break
            header.append(stripped[2:].strip())
        where = str(path or name)
        description: list[str] = []
        for number, line in enumerate(header, start=1):
            if line.startswith("@param"):
                match = PARAM_RE.match(line)
                if not match:
                    raise ScriptError(f"{where}:{number}: cannot read parameter line {line!r} "
                                      "(expected '@param name: type = default')")
                param = Parameter(match["name"], match["type"])
                if match["default"] is not None:
                    param.default = param.check(parse_literal(match["default"], f"{where}:{number}"))
                elif param.type not in SCALAR_TYPES and not param.type.startswith("list<") \
                        and not param.is_entity:
                    raise ScriptError(f"{where}:{number}: unknown type {param.type!r}")
                if any(p.name == param.name for p in script.parameters):
                    raise ScriptError(f"{where}:{number}: parameter {param.name!r} declared twice")
                script.parameters.append(param)
            elif number == 1:
                script.title = line
            elif not script.parameters:
                description.append(line)
        script.description = " ".join(" ".join(description).split())
        return script

    def bind_values(self, given: Mapping[str, Any], resolve: Resolver | None = None) -> dict[str, Any]:
        """Typed parameter values from Python (the API): defaults, overridden by ``given``,
        each checked against its declared type; entities resolved with ``resolve``."""
        return self._bind(given, lambda param, value: param.check(value),
                          f"pass them as keywords: script({self.name!r}, name=value)", resolve)

    def bind(self, given: Mapping[str, str], resolve: Resolver | None = None) -> dict[str, Any]:
        """Typed parameter values from text (the command line, the explorer's form): defaults,
        overridden by ``given``, each converted to its declared type; entities resolved with
        ``resolve``."""
        return self._bind(given, lambda param, value: param.convert(value),
                          "give them with --param name=value", resolve)

    def bind_mixed(self, given: Mapping[str, Any], resolve: Resolver | None = None) -> dict[str, Any]:
        """Parameter values as a form sends them (the explorer): text is converted as on the
        command line, other JSON values are checked as from Python."""
        return self._bind(given, lambda param, value: param.convert(value) if isinstance(value, str)
                          else param.check(value), "fill them in", resolve)

    def _bind(self, given: Mapping[str, Any], convert: Callable[[Parameter, Any], Any],
              hint: str, resolve: Resolver | None) -> dict[str, Any]:
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise ScriptError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}; "
                              f"it takes: {known}")
        values: dict[str, Any] = {}
        missing = []
        for name, param in declared.items():
            if name in given:
                values[name] = convert(param, given[name])
                if resolve is not None and param.is_entity and isinstance(values[name], str) \
                        and values[name].strip():
                    values[name] = resolve(values[name], param.entity_label)
            elif param.required:
                missing.append(param.describe())
            else:
                values[name] = param.default
        if missing:
            raise ScriptError(f"{self.name}: missing parameter(s): {'; '.join(missing)} ({hint})")
        return values


def infer_value(text: str) -> Any:
    """For inline queries without a header: JSON-looking text is read as JSON, else a string."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ScriptError(f"--param value {shown(text)} nests lists or maps deeper than Python "
                          "can read") from None
    except ValueError:
        return text


def builtin_scripts() -> dict[str, QueryScript]:
    """The scripts shipped in queries/, by name (file name without .cypher)."""
    folder = resources.files("relgraph.queries")
    scripts = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            scripts[name] = QueryScript.parse(entry.read_text(encoding="utf-8"), name,
                                              Path(str(entry)))
    return scripts


def find_script(name_or_path: str) -> QueryScript:
    """A script by path, or by name among the shipped ones (with suggestions when unknown)."""
    path = Path(name_or_path)
    if path.suffix == ".cypher" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ScriptError(f"{path}: {exc.strerror}") from exc
        return QueryScript.parse(text, path.stem, path)
    scripts = builtin_scripts()
    if name_or_path in scripts:
        return scripts[name_or_path]
    import difflib

    close = difflib.get_close_matches(name_or_path, list(scripts), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'relgraph queries' lists them"
    raise ScriptError(f"no query script named {name_or_path!r}{hint}")


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """['a=1', 'b=x=y'] -> {'a': '1', 'b': 'x=y'}; a pair without '=' is an error."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ScriptError(f"--param {pair!r} is not name=value")
        values[name.strip()] = value
    return values
