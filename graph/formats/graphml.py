"""GraphML: written so that APOC's ``apoc.import.graphml(file, {readLabels: true})``,
Gephi, yEd and networkx read it, and read back from relgraph's files and APOC's.

Writing follows what APOC 5.26 itself writes with ``useTypes: true`` (checked
against a real Neo4j 5.26 + APOC 5.26 in tests/test_export_apoc.py):

* A node's labels are the ``labels`` attribute of ``<node>`` *and* a ``labels`` data
  key, both ``:A:B``: APOC reads the attribute (and skips the data key whose id is
  ``labels``); Gephi and networkx only see data keys.
* A relationship's type is the ``label`` attribute of ``<edge>`` and a ``label`` data
  key: APOC reads the attribute, Gephi shows the key as the edge label.
* Every property key is typed (``attr.type`` long, double, boolean or string). A list
  is written as APOC writes it: ``attr.type="string"`` plus ``attr.list`` naming the
  item type, and the value as compact JSON (``["Navoi","Navoiy"]``). APOC turns that
  back into a typed list; tools that ignore ``attr.list`` see readable text.
* Key ids are ``n.<name>`` for node and ``e.<name>`` for edge properties (APOC uses
  the bare name for both, which makes the ids of node and edge keys collide and
  networkx mix them up). Each ``attr.name`` is declared once per domain: igraph refuses
  a file with two node (or two edge) keys of one name, and APOC reads node data only
  through ``for="node"`` keys, so one key per name is the only layout both read.
* A name with values of several types (``scope`` is text on one node and a list on
  another) therefore gets one ``string`` key, and every value is written as text
  (lists as compact JSON). Other tools read those values as text, which is what
  APOC's own export gives them too; each value that is not text carries its type in a
  ``relgraph:type`` attribute (``relgraph:type="string[]"``, namespace
  ``urn:x-relgraph:graphml``), which other readers ignore and relgraph reads back
  exactly.
* Node ids are the export ids (keys); edge ids are relationship keys, so a change
  to one node or relationship changes only its own lines.

A node property called ``labels`` or a relationship property called ``label``
would collide with the above and is refused with a clear error.

Reading takes labels from the ``labels`` attribute of ``<node>`` (``:A:B``), as APOC
reads them, or else from the data key with id ``labels``; a relationship's type from
the ``label`` attribute of ``<edge>``, or else the data key with id ``label``. Other
data keys become properties named by their ``attr.name`` and typed by ``attr.type``
(boolean, int, long, float, double, string); a key with ``attr.list`` holds a JSON
array, which is how APOC writes lists. Keys' ``<default>`` values apply to elements
without that data. Data for an undeclared key (APOC writes such data for a property
whose values have several types) is read as text named by the key id, as APOC's own
importer reads it. The node id becomes the key when the node has no ``key``
property; a relationship without one gets a derived key, as in every reader. The
file is parsed with SAX so that every problem names its line.
"""

from __future__ import annotations

import xml.sax
import xml.sax.handler
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from relgraph.graph.formats.reading import BatchBuilder, JsonError, parse_json, value_problems
from relgraph.graph.formats.types import (
    LIST_ITEM_TYPES,
    PropertyColumn,
    article,
    by_name,
    column_for,
    labels_text,
    parse_typed,
    plain_properties,
    property_columns,
    shown,
    value_text,
)
from relgraph.graph.formats.writing import describe_node, describe_rel, reserved_free, text_output
from relgraph.graph.formats.xml_text import xml_attr, xml_text
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch
from relgraph.graph.values.subgraph import Subgraph

# --- writing ----------------------------------------------------------------------------------


HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd" '
    'xmlns:relgraph="urn:x-relgraph:graphml">\n'
)
#: The namespace of the type hint on data of a property with values of several types.
RELGRAPH_NS = "urn:x-relgraph:graphml"
LABELS_KEY = "labels"  # APOC skips the node data key with exactly this id when reading labels
TYPE_KEY = "label"  # and the edge data key with this id


def key_id(prefix: str, name: str) -> str:
    """``n.year``, ``e.years``: unique in the document (ids are XML NMTOKENs)."""
    return f"{prefix}.{name}"


def key_element(kid: str, domain: str, columns: list[PropertyColumn]) -> str:
    """The one key of a property name: typed when its values have one type, else ``string``."""
    column = columns[0]
    if len(columns) > 1:
        typing = 'attr.type="string"'
    elif column.is_list:
        typing = f'attr.type="string" attr.list="{column.item_type}"'
    else:
        typing = f'attr.type="{column.type}"'
    name = xml_attr(column.name, f"property name {column.name!r}")
    return f'  <key id="{xml_attr(kid, name)}" for="{domain}" attr.name="{name}" {typing}/>\n'


def data_element(kid: str, value: Any, where: str, hint: str | None = None) -> str:
    """One ``<data>`` line: lists as compact JSON, scalars as text; ``hint`` is the value's type
    when its key is the text key of a property with several types."""
    typed = f' relgraph:type="{hint}"' if hint else ""
    return (f'      <data key="{xml_attr(kid, where)}"{typed}>'
            f'{xml_text(value_text(value), where)}</data>\n')


def _data_lines(prefix: str, columns: dict[str, list[PropertyColumn]], props: dict[str, Any],
                where: str) -> str:
    lines = []
    for name, value in props.items():
        hint = None
        if len(columns[name]) > 1:
            column_type = column_for(columns, name, value).type
            hint = None if column_type == "string" else column_type
        lines.append(data_element(key_id(prefix, name), value, f"{where}: property {name!r}", hint))
    return "".join(lines)


def _node_properties(node: Node, ids: dict[str, str]) -> dict[str, Any]:
    where = describe_node(node, ids)
    return reserved_free(where, plain_properties(node, where), (LABELS_KEY,), "GraphML")


def _rel_properties(rel: Relationship, ids: dict[str, str]) -> dict[str, Any]:
    where = describe_rel(rel, ids)
    return reserved_free(where, plain_properties(rel, where), (TYPE_KEY,), "GraphML")


def write_graphml(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write ``subgraph`` as GraphML to a path (atomically) or a text stream.

    The keys come before the first node, so a first pass gathers only the types of the
    properties; the second converts each element again and writes it at once, so memory
    holds one element's text at a time, not the document.
    """
    order = subgraph.canonical()
    nodes, rels, ids, rel_ids = order.nodes, order.relationships, order.ids, order.rel_ids
    node_by_name = by_name(property_columns(_node_properties(node, ids) for node in nodes))
    edge_by_name = by_name(property_columns(_rel_properties(rel, ids) for rel in rels))

    with text_output(out) as fh:
        fh.write(HEADER)
        fh.write(f'  <key id="{LABELS_KEY}" for="node" attr.name="labels" attr.type="string"/>\n')
        fh.writelines(key_element(key_id("n", name), "node", cs) for name, cs in node_by_name.items())
        fh.write(f'  <key id="{TYPE_KEY}" for="edge" attr.name="label" attr.type="string"/>\n')
        fh.writelines(key_element(key_id("e", name), "edge", cs) for name, cs in edge_by_name.items())
        fh.write('  <graph id="G" edgedefault="directed">\n')
        for node in nodes:
            where = describe_node(node, ids)
            labels = labels_text(node)
            node_id = xml_attr(ids[node.element_id], where)
            fh.write(f'    <node id="{node_id}" labels="{xml_attr(labels, where)}">\n'
                     f'      <data key="{LABELS_KEY}">{xml_text(labels, where)}</data>\n'
                     + _data_lines("n", node_by_name, _node_properties(node, ids), where)
                     + "    </node>\n")
        for rel in rels:
            where = describe_rel(rel, ids)
            source = xml_attr(ids[rel.start_node.element_id], where)
            target = xml_attr(ids[rel.end_node.element_id], where)
            edge_id = xml_attr(rel_ids[rel.element_id], where)
            fh.write(f'    <edge id="{edge_id}" source="{source}" target="{target}" '
                     f'label="{xml_attr(rel.type, where)}">\n'
                     f'      <data key="{TYPE_KEY}">{xml_text(rel.type, where)}</data>\n'
                     + _data_lines("e", edge_by_name, _rel_properties(rel, ids), where)
                     + "    </edge>\n")
        fh.write("  </graph>\n</graphml>\n")


# --- reading ----------------------------------------------------------------------------------


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
#: GraphML's own ``attr.type`` names (also those of ``attr.list``), a part of the type table.
GRAPHML_TYPES = frozenset({"boolean", "int", "long", "float", "double", "string"})


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
    hints: dict[str, str] = field(default_factory=dict)  # key id -> relgraph:type of its data


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
            elif (RELGRAPH_NS, "type") in attrs:
                self._current.hints[self._data_key] = attrs[(RELGRAPH_NS, "type")]
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
        if key.type not in GRAPHML_TYPES:
            self.problems.append(f"{self.where()}: key {kid!r} has unknown attr.type {key.type!r}")
            return
        if key.list_type is not None and key.list_type not in GRAPHML_TYPES:
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


class _Refused(Exception):
    """The document has something relgraph does not read at all; stops the parser at once."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _NoDoctype(xml.sax.handler.LexicalHandler):
    """Refuses a DOCTYPE before its declarations are read. GraphML needs no DTD; a DTD's
    entities are what turns a small file into gigabytes ("billion laughs"), reads other files
    (external entities), or leaves text silently empty (an entity the parser skips)."""

    def __init__(self, handler: _Handler):
        super().__init__()
        self.handler = handler

    def startDTD(self, name: str, public_id: str | None, system_id: str | None) -> None:
        raise _Refused(self.handler.line(), "a DOCTYPE (DTD) is not read in GraphML: relgraph "
                                            "expands no entities; remove the declaration")


def convert(text: str, key: Key) -> Any:
    """A data value as the key's type; ValueError says what does not fit."""
    if key.list_type is not None:
        try:
            items = parse_json(text)
        except JsonError as exc:
            raise ValueError(f"{shown(text)} is not a JSON list (key {key.id!r} has attr.list): "
                             f"{exc.message}") from None
        if not isinstance(items, list):
            raise ValueError(f"{shown(text)} is not a JSON list (key {key.id!r} has attr.list)")
        problems = value_problems(items)
        if problems:
            raise ValueError(problems[0])
        expected = LIST_ITEM_TYPES[key.list_type]
        for item in items:
            ok = isinstance(item, expected) and not (expected is not bool and isinstance(item, bool))
            if expected is float and isinstance(item, int) and not isinstance(item, bool):
                ok = True  # [1, 2.5]: JSON keeps the integer, which the model allows in a number list
            if not ok:
                raise ValueError(f"list item {item!r} is not {article(key.list_type)}")
        return items
    return parse_typed(text, key.type)


def hinted(key: Key, hint: str) -> Key:
    """The key as the ``relgraph:type`` of one value says (``long``, ``string[]``)."""
    item = hint.removesuffix("[]")
    if item not in GRAPHML_TYPES:
        raise ValueError(f"unknown relgraph:type {hint!r}")
    return Key(key.id, key.domain, key.name, "string" if hint.endswith("[]") else item,
               item if hint.endswith("[]") else None)


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
    parser.setProperty(xml.sax.handler.property_lexical_handler, _NoDoctype(handler))
    try:
        parser.parse(str(path))
    except xml.sax.SAXParseException as exc:
        raise LoadError([f"{path}:{exc.getLineNumber()}:{exc.getColumnNumber()}: "
                         f"not well-formed XML: {exc.getMessage()}"]) from exc
    except _Refused as exc:
        raise LoadError([f"{path}:{exc.line}: {exc.message}"]) from exc
    except OSError as exc:
        raise LoadError([f"{path}: {exc.strerror}"]) from exc
    if not handler.saw_graphml:
        raise LoadError([f"{path}: not GraphML (no <graphml> element)"])
    build = BatchBuilder(str(path), list(handler.problems))
    problems = build.problems

    def key_for(domain: str, kid: str) -> Key | None:
        return handler.keys.get((domain, kid)) or handler.keys.get(("all", kid))

    # the keys' defaults for each kind of element, found once (not once per element)
    defaults = {kind: {key.name: (key, key.default) for key in handler.keys.values()
                       if key.domain in (kind, "all") and key.default is not None}
                for kind in ("node", "edge")}

    def properties(element: Element, where: str, skip: str) -> dict[str, Any] | None:
        props: dict[str, Any] = {}
        texts: dict[str, tuple[Key, str, str | None]] = {
            name: (key, text, None) for name, (key, text) in defaults[element.kind].items() if key.id != skip}
        for kid, text in element.data.items():
            if kid == skip:
                continue
            # APOC does not declare a key for a property whose values have several types
            # (text on one node, a list on another) but writes the data all the same; its
            # importer then reads the key id as the name and the text as a string. So do we.
            declared = key_for(element.kind, kid) or Key(kid, element.kind, kid, "string", None)
            texts[declared.name] = (declared, text, element.hints.get(kid))
        for prop, (key, text, hint) in texts.items():
            try:
                props[prop] = convert(text, key if hint is None else hinted(key, hint))
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
