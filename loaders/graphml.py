"""Reader for GraphML as ``relgraph export --format graphml`` and APOC write it.

Labels come from the ``labels`` attribute of ``<node>`` (``:A:B``), as APOC reads
them, or else from the data key with id ``labels``; a relationship's type from the
``label`` attribute of ``<edge>``, or else the data key with id ``label``. Other data
keys become properties named by their ``attr.name`` and typed by ``attr.type``
(boolean, int, long, float, double, string); a key with ``attr.list`` holds a JSON
array, which is how APOC writes lists. Keys' ``<default>`` values apply to elements
without that data. Data for an undeclared key (APOC writes such data for a property
whose values have several types) is read as text named by the key id, as APOC's own
importer reads it. The node id becomes the key when the node has no ``key``
property; a relationship without one gets a derived key, as in every loader.

The file is parsed with SAX so that every problem names its line.
"""

from __future__ import annotations

import json
import xml.sax
import xml.sax.handler
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.loaders.builder import BatchBuilder
from relgraph.loaders.typed_text import parse_typed

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
INT_TYPES = {"int", "long"}
FLOAT_TYPES = {"float", "double"}
LIST_ITEM_TYPES = {"boolean": bool, "int": int, "long": int, "float": float, "double": float,
                   "string": str}


@dataclass
class Key:
    id: str
    domain: str  # node, edge, graph, all
    name: str
    type: str
    list_type: str | None
    default: str | None = None
    line: int = 0


@dataclass
class Element:
    kind: str  # node or edge
    line: int
    attrs: dict[str, str]
    data: dict[str, str] = field(default_factory=dict)  # key id -> text


class _Handler(xml.sax.handler.ContentHandler):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.locator: Any = None
        self.keys: dict[tuple[str, str], Key] = {}  # (domain, id) -> key
        self.elements: list[Element] = []
        self.problems: list[str] = []
        self._current: Element | None = None
        self._data_key: str | None = None
        self._default_key: Key | None = None
        self._text: list[str] = []
        self._depth_graph = 0
        self.saw_graphml = False

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def where(self) -> str:
        line = self.locator.getLineNumber() if self.locator else 0
        return f"{self.path}:{line}"

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def startElementNS(self, name: tuple[str | None, str], qname: Any, attrs: Any) -> None:
        ns, local = name
        if ns not in (GRAPHML_NS, None, ""):
            return  # yEd and others add elements of their own namespaces; ignore them
        plain = {k[1]: v for k, v in attrs.items() if k[0] in (None, "")}
        if local == "graphml":
            self.saw_graphml = True
        elif local == "key":
            self._start_key(plain)
        elif local == "default" and self._default_key is not None:
            self._text = []
        elif local == "graph":
            self._depth_graph += 1
            if self._depth_graph > 1:
                self.problems.append(f"{self.where()}: nested graphs are not supported")
        elif local in ("node", "edge"):
            if self._current is not None:
                self.problems.append(f"{self.where()}: <{local}> inside <{self._current.kind}> "
                                     "(nested graphs) is not supported")
                return
            self._current = Element(local, self.line(), plain)
        elif local == "data" and self._current is not None:
            self._data_key = plain.get("key")
            self._text = []
            if self._data_key is None:
                self.problems.append(f"{self.where()}: <data> without a key attribute")
        elif local in ("hyperedge", "port"):
            self.problems.append(f"{self.where()}: <{local}> is not supported (relgraph reads "
                                 "nodes and directed edges)")

    def _start_key(self, attrs: dict[str, str]) -> None:
        kid = attrs.get("id")
        if not kid:
            self.problems.append(f"{self.where()}: <key> without an id")
            return
        domain = attrs.get("for", "all")
        key = Key(kid, domain, attrs.get("attr.name", kid), attrs.get("attr.type", "string"),
                  attrs.get("attr.list"), line=self.line())
        if key.type not in INT_TYPES | FLOAT_TYPES | {"boolean", "string"}:
            self.problems.append(f"{self.where()}: key {kid!r} has unknown attr.type {key.type!r}")
            return
        if key.list_type is not None and key.list_type not in LIST_ITEM_TYPES:
            self.problems.append(f"{self.where()}: key {kid!r} has unknown attr.list {key.list_type!r}")
            return
        self.keys[(domain, kid)] = key
        self._default_key = key

    def endElementNS(self, name: tuple[str | None, str], qname: Any) -> None:
        ns, local = name
        if ns not in (GRAPHML_NS, None, ""):
            return
        if local == "key":
            self._default_key = None
        elif local == "default" and self._default_key is not None:
            self._default_key.default = "".join(self._text)
        elif local == "data" and self._current is not None and self._data_key is not None:
            self._current.data[self._data_key] = "".join(self._text)
            self._data_key = None
        elif local in ("node", "edge") and self._current is not None and self._current.kind == local:
            self.elements.append(self._current)
            self._current = None
        elif local == "graph":
            self._depth_graph -= 1

    def characters(self, content: str) -> None:
        self._text.append(content)


def convert(text: str, key: Key) -> Any:
    """A data value as the key's type; ValueError says what does not fit."""
    if key.list_type is not None:
        try:
            items = json.loads(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a JSON list (key {key.id!r} has attr.list)") from None
        if not isinstance(items, list):
            raise ValueError(f"{text!r} is not a JSON list (key {key.id!r} has attr.list)")
        expected = LIST_ITEM_TYPES[key.list_type]
        for item in items:
            ok = isinstance(item, expected) and not (expected is not bool and isinstance(item, bool))
            if expected is float and isinstance(item, int) and not isinstance(item, bool):
                ok = True  # [1, 2.5]: JSON keeps the integer, which the model allows in a number list
            if not ok:
                article = "an" if key.list_type[:1] in ("a", "e", "i", "o", "u") else "a"
                raise ValueError(f"list item {item!r} is not {article} {key.list_type}")
        return items
    return parse_typed(text, key.type)


def _labels(text: str) -> list[str]:
    return [label for label in text.split(":") if label]


def read_graphml(path: Path | str) -> GraphBatch:
    """Read a GraphML file into a batch; LoadError lists every problem with its line."""
    path = Path(path)
    handler = _Handler(path)
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setContentHandler(handler)
    try:
        parser.parse(str(path))
    except xml.sax.SAXParseException as exc:
        raise LoadError([f"{path}:{exc.getLineNumber()}:{exc.getColumnNumber()}: "
                         f"not well-formed XML: {exc.getMessage()}"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc
    if not handler.saw_graphml:
        raise LoadError([f"{path}: not GraphML (no <graphml> element)"])
    build = BatchBuilder(str(path), list(handler.problems))
    problems = build.problems

    def key_for(domain: str, kid: str) -> Key | None:
        return handler.keys.get((domain, kid)) or handler.keys.get(("all", kid))

    def properties(element: Element, where: str, skip: str) -> dict[str, Any] | None:
        props: dict[str, Any] = {}
        texts: dict[str, tuple[Key, str]] = {}
        for key in handler.keys.values():
            if key.domain in (element.kind, "all") and key.default is not None and key.id != skip:
                texts[key.name] = (key, key.default)
        for kid, text in element.data.items():
            if kid == skip:
                continue
            key = key_for(element.kind, kid)
            if key is None:
                # APOC does not declare a key for a property whose values have several types
                # (text on one node, a list on another) but writes the data all the same; its
                # importer then reads the key id as the name and the text as a string. So do we.
                key = Key(kid, element.kind, kid, "string", None)
            texts[key.name] = (key, text)
        for prop, (key, text) in texts.items():
            try:
                props[prop] = convert(text, key)
            except ValueError as exc:
                problems.append(f"{where}: property {prop!r}: {exc}")
                return None
        return props

    for element in (e for e in handler.elements if e.kind == "node"):
        where = f"{path}:{element.line}"
        node_id = element.attrs.get("id")
        if not node_id:
            problems.append(f"{where}: <node> without an id")
            continue
        label_text = element.attrs.get("labels", element.data.get("labels", ""))
        labels = _labels(label_text)
        if not labels:
            problems.append(f"{where}: node {node_id!r} has no labels (a 'labels' attribute or data "
                            "key like ':Person'); relgraph needs at least one")
            continue
        props = properties(element, where, "labels")
        if props is not None:
            build.add_node(node_id, labels, props, where)

    for element in (e for e in handler.elements if e.kind == "edge"):
        where = f"{path}:{element.line}"
        rel_type = element.attrs.get("label", element.data.get("label", ""))
        if not rel_type:
            problems.append(f"{where}: edge has no type (a 'label' attribute or data key)")
            continue
        start, end = (build.endpoint(element.attrs.get(side),
                                     f"{where}: {side} {element.attrs.get(side)!r} is not the id of any node")
                      for side in ("source", "target"))
        props = properties(element, where, "label")
        if props is not None:
            build.add_relationship(rel_type, start, end, props, where)
    return build.finish()
