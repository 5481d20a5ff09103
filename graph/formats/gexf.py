"""GEXF 1.3 for Gephi (0.9.3 and later): nodes, typed attributes and parallel, typed edges.

GEXF cannot hold everything a property graph holds, so some things are converted
on the way (docs/export.md lists them; tests/test_export_formats.py checks them):

* **Labels** become the node attribute ``labels``, written ``:A:B`` as in GraphML, so
  Gephi can filter and colour by them. The node's display ``label`` is its ``name``
  (else its id).
* **Relationship types** become the edge ``label`` and the edge ``kind``: GEXF 1.3
  keeps parallel edges apart only when their kinds differ, so two relationships of
  different types between the same nodes stay two edges. Parallel relationships of
  the *same* type are both written, but Gephi merges them on import (its "edges
  merge strategy"); use GraphML or JSON when they matter.
* **Lists** become text: the compact JSON array (``["Navoi","Navoiy"]``) in a
  ``string`` attribute. GEXF 1.3's list types have no agreed text form that
  tools read alike, while JSON text reads back exactly (``json.loads``).
* **Dates** are ISO text in relgraph (``1991-12``, ``2024-06-14``) and stay
  ``string``: GEXF's ``date`` type needs full dates, and ``1991-12`` is not one.
  Temporal values set through Cypher are written as ISO text too.
* Integers are ``long``, floats ``double``, booleans ``boolean``; a property with
  values of several types gets one attribute per type, titled alike.
* A relationship's ``key`` is the edge attribute with id ``key`` and title
  ``networkx_key``. GEXF readers name attributes by title, and networkx's reader calls
  ``add_edge(u, v, key=<edge id>, **attributes)``, so a title ``key`` made it fail;
  ``networkx_key`` is what networkx writes a multigraph key as, and it reads it back as
  the edge's key (``G.edges(keys=True)`` gives the relationship keys). Tools that go by
  attribute id (and relgraph's tests) still find ``key``.

GEXF is for looking at the graph in Gephi; relgraph does not read it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from relgraph.graph.formats.types import (
    PropertyColumn,
    by_name,
    column_for,
    labels_text,
    plain_properties,
    property_columns,
    value_text,
)
from relgraph.graph.formats.writing import describe_node, describe_rel, reserved_free, text_output
from relgraph.graph.formats.xml_text import xml_attr
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.subgraph import Subgraph

# --- writing ----------------------------------------------------------------------------------


HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
    "  <meta>\n    <creator>relgraph</creator>\n  </meta>\n"
    '  <graph defaultedgetype="directed" mode="static">\n'
)
LABELS = "labels"
#: networkx's reader passes every edge attribute to ``add_edge(u, v, key=..., **data)`` by its
#: title, so one titled ``key`` breaks it; ``networkx_key`` is the title networkx itself writes
#: the multigraph key under, and reads back as the edge key.
EDGE_KEY_TITLE = "networkx_key"


def attribute_id(column: PropertyColumn) -> str:
    """The property name; ``scope.string-list`` when a name has several types."""
    return f"{column.name}.{column.type.replace('[]', '-list')}" if column.qualified else column.name


def gexf_type(column: PropertyColumn) -> str:
    return "string" if column.is_list else column.type


def attribute_title(klass: str, column: PropertyColumn) -> str:
    """The property name, except a relationship's ``key``: titled ``networkx_key`` (see above)."""
    return EDGE_KEY_TITLE if klass == "edge" and column.name == "key" else column.name


def _attributes(klass: str, columns: list[PropertyColumn], first: str | None) -> list[str]:
    lines = [f'    <attributes class="{klass}">\n']
    if first:
        lines.append(f'      <attribute id="{first}" title="{first}" type="string"/>\n')
    for column in columns:
        aid = xml_attr(attribute_id(column), column.name)
        title = xml_attr(attribute_title(klass, column), column.name)
        lines.append(f'      <attribute id="{aid}" title="{title}" type="{gexf_type(column)}"/>\n')
    lines.append("    </attributes>\n")
    return lines


def _attvalues(values: list[tuple[str, str]], where: str) -> str:
    if not values:
        return ""
    lines = ["        <attvalues>\n"]
    for aid, text in values:
        lines.append(f'          <attvalue for="{xml_attr(aid, where)}" value="{xml_attr(text, where)}"/>\n')
    lines.append("        </attvalues>\n")
    return "".join(lines)


def _node_properties(node: Node, ids: dict[str, str]) -> dict[str, Any]:
    where = describe_node(node, ids)
    return reserved_free(where, plain_properties(node, where), (LABELS,), "GEXF")


def _rel_properties(rel: Relationship, ids: dict[str, str]) -> dict[str, Any]:
    return plain_properties(rel, describe_rel(rel, ids))


def write_gexf(subgraph: Subgraph, out: IO[str] | Path | str) -> None:
    """Write ``subgraph`` as GEXF 1.3 to a path (atomically) or a text stream.

    As GraphML: a first pass for the attribute declarations (types only), then each
    element converted again and written at once."""
    order = subgraph.canonical()
    nodes, rels, ids, rel_ids = order.nodes, order.relationships, order.ids, order.rel_ids
    node_columns = property_columns(_node_properties(node, ids) for node in nodes)
    edge_columns = property_columns(_rel_properties(rel, ids) for rel in rels)
    node_by_name, edge_by_name = by_name(node_columns), by_name(edge_columns)

    with text_output(out) as fh:
        fh.write(HEADER)
        fh.writelines(_attributes("node", node_columns, LABELS))
        fh.writelines(_attributes("edge", edge_columns, None))
        fh.write("    <nodes>\n")
        for node in nodes:
            where = describe_node(node, ids)
            props = _node_properties(node, ids)
            name = props.get("name")
            display = name if isinstance(name, str) else ids[node.element_id]
            values = [(LABELS, labels_text(node))]
            values += [(attribute_id(column_for(node_by_name, k, v)), value_text(v))
                       for k, v in props.items()]
            fh.write(f'      <node id="{xml_attr(ids[node.element_id], where)}" '
                     f'label="{xml_attr(display, where)}">\n'
                     + _attvalues(values, where) + "      </node>\n")
        fh.write("    </nodes>\n    <edges>\n")
        for rel in rels:
            where = describe_rel(rel, ids)
            rel_type = xml_attr(rel.type, where)
            values = [(attribute_id(column_for(edge_by_name, k, v)), value_text(v))
                      for k, v in _rel_properties(rel, ids).items()]
            fh.write(f'      <edge id="{xml_attr(rel_ids[rel.element_id], where)}" '
                     f'source="{xml_attr(ids[rel.start_node.element_id], where)}" '
                     f'target="{xml_attr(ids[rel.end_node.element_id], where)}" '
                     f'label="{rel_type}" kind="{rel_type}">\n'
                     + _attvalues(values, where) + "      </edge>\n")
        fh.write("    </edges>\n  </graph>\n</gexf>\n")
