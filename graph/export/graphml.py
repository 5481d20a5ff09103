"""GraphML that APOC's ``apoc.import.graphml(file, {readLabels: true})``, Gephi, yEd and
networkx read, and that ``relgraph load`` reads back (loaders/graphml.py).

Layout, following what APOC 5.26 itself writes with ``useTypes: true`` (checked
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
  networkx mix them up); a name with values of several types (``scope`` is text on
  one node and a list on another) gets one key per type, ``n.scope.string`` and
  ``n.scope.string-list``, all with ``attr.name="scope"``, which APOC maps by name.
* Node ids are the export ids (keys); edge ids are relationship keys, so a change
  to one node or relationship changes only its own lines.

A node property called ``labels`` or a relationship property called ``label``
would collide with the above and is refused with a clear error.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from relgraph.graph.export.atomic import text_output
from relgraph.graph.export.common import (
    PropertyColumn,
    by_name,
    column_for,
    describe_node,
    describe_rel,
    json_text,
    plain_properties,
    property_columns,
    scalar_text,
    xml_attr,
    xml_text,
)
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.subgraph import Subgraph, sorted_labels

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
LABELS_KEY = "labels"  # APOC skips the node data key with exactly this id when reading labels
TYPE_KEY = "label"  # and the edge data key with this id


def key_id(prefix: str, column: PropertyColumn) -> str:
    """``n.year``; ``n.scope.string-list`` when ``scope`` has several types (ids are XML NMTOKENs)."""
    base = f"{prefix}.{column.name}"
    return f"{base}.{column.type.replace('[]', '-list')}" if column.qualified else base


def key_element(kid: str, domain: str, column: PropertyColumn) -> str:
    if column.is_list:
        typing = f'attr.type="string" attr.list="{column.item_type}"'
    else:
        typing = f'attr.type="{column.type}"'
    name = xml_attr(column.name, f"property name {column.name!r}")
    return f'  <key id="{xml_attr(kid, name)}" for="{domain}" attr.name="{name}" {typing}/>\n'


def data_element(kid: str, value: Any, where: str) -> str:
    """One ``<data>`` line: lists as compact JSON, scalars as text."""
    text = json_text(value) if isinstance(value, list) else scalar_text(value)
    return f'      <data key="{xml_attr(kid, where)}">{xml_text(text, where)}</data>\n'


def write_graphml(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write ``subgraph`` as GraphML to a path (atomically) or a text stream."""
    nodes, rels, ids = subgraph.ordered()
    rel_ids = subgraph.relationship_ids(rels, ids)
    node_props = []
    for node in nodes:
        props = plain_properties(node, describe_node(node, ids))
        if LABELS_KEY in props:
            raise ExportError(f"{describe_node(node, ids)} has a property named 'labels', which GraphML "
                              "uses for the node labels; export it as JSON lines (--format jsonl) instead")
        node_props.append(props)
    rel_props = []
    for rel in rels:
        props = plain_properties(rel, describe_rel(rel, ids))
        if TYPE_KEY in props:
            raise ExportError(f"{describe_rel(rel, ids)} has a property named 'label', which GraphML "
                              "uses for the relationship type; export it as JSON lines instead")
        rel_props.append(props)
    node_columns = property_columns(node_props)
    edge_columns = property_columns(rel_props)

    parts = [HEADER, f'  <key id="{LABELS_KEY}" for="node" attr.name="labels" attr.type="string"/>\n']
    parts += [key_element(key_id("n", c), "node", c) for c in node_columns]
    parts.append(f'  <key id="{TYPE_KEY}" for="edge" attr.name="label" attr.type="string"/>\n')
    parts += [key_element(key_id("e", c), "edge", c) for c in edge_columns]
    parts.append('  <graph id="G" edgedefault="directed">\n')

    node_by_name = by_name(node_columns)
    for node, props in zip(nodes, node_props):
        where = describe_node(node, ids)
        labels = "".join(f":{label}" for label in sorted_labels(node))
        node_id = xml_attr(ids[node.element_id], where)
        parts.append(f'    <node id="{node_id}" labels="{xml_attr(labels, where)}">\n')
        parts.append(f'      <data key="{LABELS_KEY}">{xml_text(labels, where)}</data>\n')
        for name, value in props.items():
            kid = key_id("n", column_for(node_by_name, name, value))
            parts.append(data_element(kid, value, f"{where}: property {name!r}"))
        parts.append("    </node>\n")

    edge_by_name = by_name(edge_columns)
    for rel, props in zip(rels, rel_props):
        where = describe_rel(rel, ids)
        source = xml_attr(ids[rel.start_node.element_id], where)
        target = xml_attr(ids[rel.end_node.element_id], where)
        edge_id = xml_attr(rel_ids[rel.element_id], where)
        parts.append(f'    <edge id="{edge_id}" source="{source}" target="{target}" '
                     f'label="{xml_attr(rel.type, where)}">\n')
        parts.append(f'      <data key="{TYPE_KEY}">{xml_text(rel.type, where)}</data>\n')
        for name, value in props.items():
            kid = key_id("e", column_for(edge_by_name, name, value))
            parts.append(data_element(kid, value, f"{where}: property {name!r}"))
        parts.append("    </edge>\n")
    parts.append("  </graph>\n</graphml>\n")
    # Everything is built before the first byte is written: a problem found late
    # (an unwritable value) must not leave half a document on standard output.
    with text_output(out) as fh:
        fh.write("".join(parts))
