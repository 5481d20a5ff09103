"""The readers of exported formats: what they accept from other tools, and how they report bad input.

Every problem names the file and the line (or record), all problems are listed at
once, and nothing is loaded.
"""

from __future__ import annotations

import pytest

from relgraph.graph.formats.admin_csv import parse_csv
from relgraph.graph.formats.cypher_script import read_cypher_scripts
from relgraph.graph.values.errors import LoadError
from relgraph.loaders import read_sources

GRAPHML_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')


def problems_of(path) -> list[str]:
    with pytest.raises(LoadError) as info:
        read_sources([path])
    return info.value.problems


# --- GraphML ----------------------------------------------------------------------------


def test_graphml_from_other_tools(tmp_path):
    """Keys for all domains, defaults, undeclared keys (APOC), labels only as a data key, extra
    namespaces (yEd), and ints or floats given for a double list."""
    path = tmp_path / "g.graphml"
    path.write_text(GRAPHML_HEAD + """
<key id="labels" for="node" attr.name="labels"/>
<key id="d1" for="all" attr.name="weight" attr.type="double"><default>1.5</default></key>
<key id="d2" for="node" attr.name="sizes" attr.type="string" attr.list="double"/>
<key id="label" for="edge" attr.name="label"/>
<graph edgedefault="directed" xmlns:y="http://www.yworks.com/xml/graphml">
  <node id="a"><data key="labels">:Person:Leader</data><data key="d2">[1, 2.5]</data>
    <y:ShapeNode/></node>
  <node id="b"><data key="labels">:City</data><data key="d1">3</data><data key="mystery">x</data></node>
  <edge source="a" target="b"><data key="label">VISITED</data></edge>
  <edge source="a" target="b"><data key="label">VISITED</data></edge>
</graph></graphml>
""", encoding="utf-8")
    batch = read_sources([path])
    a, b = batch.nodes
    assert a.labels == ["Person", "Leader"] and a.properties == {"key": "a", "weight": 1.5, "sizes": [1, 2.5]}
    assert b.properties == {"key": "b", "weight": 3.0, "mystery": "x"}
    assert [r.key for r in batch.relationships] == ["a-visited-b", "a-visited-b-2"]  # parallel, derived keys
    assert all(r.properties["weight"] == 1.5 for r in batch.relationships)


@pytest.mark.parametrize(("body", "expected"), [
    ('<graph><node id="a" labels=":P"></graph>', "g.graphml:3:"),  # not well-formed, with line:column
    ('<key id="y" for="node" attr.name="year" attr.type="long"/><graph>\n<node id="a" labels=":P">'
     '<data key="y">nineteen</data></node></graph>', "g.graphml:4: property 'year': 'nineteen' is not an "
                                                     "integer"),
    ('<graph>\n\n<node id="a"/></graph>', "g.graphml:5: node 'a' has no labels"),
    ('<graph><node id="a" labels=":P"/>\n<edge source="a" target="z" label="T"/></graph>',
     "g.graphml:4: target 'z' is not the id of any node"),
    ('<graph><node id="a" labels=":P"/>\n<edge source="a" target="a"/></graph>',
     "g.graphml:4: edge has no type"),
    ('<key id="l" for="node" attr.name="tags" attr.type="string" attr.list="string"/><graph>'
     '<node id="a" labels=":P"><data key="l">not json</data></node></graph>', "is not a JSON list"),
    ('<key id="l" for="node" attr.name="tags" attr.type="string" attr.list="long"/><graph>'
     '<node id="a" labels=":P"><data key="l">["x"]</data></node></graph>', "list item 'x' is not a long"),
    ('<key id="l" for="node" attr.name="tags" attr.type="string" attr.list="int"/><graph>'
     '<node id="a" labels=":P"><data key="l">["x"]</data></node></graph>', "list item 'x' is not an int"),
    ('<graph><node id="a" labels=":bad label"/></graph>', "label 'bad label' is not PascalCase"),
    ('<graph><node id="a" labels=":P"/><node id="a" labels=":P"/></graph>', "duplicate node id 'a'"),
    ('<graph><hyperedge/></graph>', "<hyperedge> is not supported"),
])
def test_bad_graphml(tmp_path, body, expected):
    path = tmp_path / "g.graphml"
    path.write_text(GRAPHML_HEAD + body + "\n</graphml>\n", encoding="utf-8")
    found = problems_of(path)
    assert any(expected in p for p in found), found


def test_not_graphml_at_all(tmp_path):
    path = tmp_path / "g.graphml"
    path.write_text("<gexf/>", encoding="utf-8")
    assert problems_of(path) == [f"{path}: not GraphML (no <graphml> element)"]


# --- JSON lines -------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "expected"), [
    (['{"type":"node","id":"a","labels":["P"]}', '{"type":"node"'], "g.jsonl:2:15: invalid JSON"),
    (['{"type":"node","id":"a","labels":[]}'], "g.jsonl:1: node 'a' needs a non-empty \"labels\" list"),
    (['{"type":"node","id":"a","labels":["P"]}', "", '{"type":"relationship","label":"T",'
      '"start":{"id":"a"},"end":{"id":"b"}}'], "g.jsonl:3: end 'b' is not the id of any node"),
    (['{"type":"edge"}'], "g.jsonl:1: expected an object with \"type\": \"node\" or \"relationship\""),
    (['{"type":"node","id":"a","labels":["P"],"properties":{"x":null}}'], "g.jsonl:1: property 'x' is null"),
    (['{"type":"node","id":"a","labels":["P"],"properties":{"x":[1,"a"]}}'], "mixes numbers and strings"),
])
def test_bad_json_lines(tmp_path, lines, expected):
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems_of(path)
    assert any(expected in p for p in found), found


def test_json_lines_take_ids_as_keys_and_derive_relationship_keys(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"type":"relationship","id":5,"label":"T","start":{"id":1},"end":{"id":2}}\n'
                    '{"type":"node","id":1,"labels":["P"]}\n{"type":"node","id":2,"labels":["P"]}\n',
                    encoding="utf-8")
    batch = read_sources([path])
    assert [n.key for n in batch.nodes] == ["1", "2"]
    assert batch.relationships[0].key == "1-t-2"


# --- CSV --------------------------------------------------------------------------------


def test_csv_parser_tells_quoted_empty_from_absent():
    rows = list(parse_csv('a,"",,"x,y","say ""hi""",end\r\n\n2,"multi\nline",\n'))
    assert rows == [(1, ["a", "", None, "x,y", 'say "hi"', "end"]), (3, ["2", "multi\nline", None])]


def test_csv_quoted_empty_is_an_empty_string_or_list(tmp_path):
    (tmp_path / "nodes.csv").write_text('key:ID,:LABEL,note,tags:string[],year:int\n'
                                        'a,P,"","",""\nb,P,,,\n', encoding="utf-8")
    a, b = read_sources([tmp_path / "nodes.csv"]).nodes
    assert a.properties == {"key": "a", "note": "", "tags": []}  # an empty int is still absent
    assert b.properties == {"key": "b"}


# --- Cypher scripts ---------------------------------------------------------------------


def test_unterminated_strings_in_scripts_name_the_line(tmp_path):
    path = tmp_path / "s.cypher"
    path.write_text("CREATE (:A);\n// it's a comment\nCREATE (:B {name: 'open});\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        read_cypher_scripts([path])
    assert info.value.problems == [f"{path}: line 3: unterminated string starting here"]


def test_empty_scripts_are_refused(tmp_path):
    path = tmp_path / "s.cypher"
    path.write_text("// nothing but a comment\n;\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no statements"):
        read_cypher_scripts([path])


def test_scripts_cannot_be_read_as_data(tmp_path):
    path = tmp_path / "s.cypher"
    path.write_text("CREATE (:A);\n", encoding="utf-8")
    assert "a Cypher script is run, not read" in problems_of(path)[0]
