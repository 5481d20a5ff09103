"""What each exporter writes: structure other tools rely on, conversions, determinism, errors."""

from __future__ import annotations

import datetime
import io
import json
import os
import xml.etree.ElementTree as ET
import zipfile

import networkx as nx
import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.cypher.statements import is_schema_command, split_statements, unique_constraint
from relgraph.graph.export import EXPORT_FORMATS, export
from relgraph.graph.formats.admin_csv import admin_csv_files
from relgraph.graph.formats.cypher_script import cypher_statements, literal, merge_labels
from relgraph.graph.formats.jsonl import jsonl_lines
from relgraph.graph.selection import whole_graph
from relgraph.graph.values import temporal
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.errors import ExportError
from relgraph.graph.values.subgraph import Subgraph
from relgraph.loaders import read_sources

from .export_samples import LEADER, TEMPORAL_NODE, TEMPORALS, reversed_batch, set_temporals

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
FILE_NAMES = {"json": "g.json", "jsonl": "g.jsonl", "graphml": "g.graphml", "gexf": "g.gexf",
              "csv": "g.zip", "cypher": "g.cypher"}


@pytest.fixture
def awkward(awkward_store: NetworkxStore) -> Subgraph:
    return whole_graph(awkward_store)


def written(subgraph: Subgraph, fmt: str) -> str:
    out = io.StringIO()
    EXPORT_FORMATS[fmt].writer(subgraph, out)
    return out.getvalue()


# --- determinism ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FILE_NAMES))
def test_same_data_same_bytes_whatever_the_load_order(fmt, tmp_path, article_batch):
    """Exported twice, and from a store loaded in the opposite order (other element ids)."""
    first, second = NetworkxStore(), NetworkxStore()
    first.load(article_batch)
    second.load(reversed_batch(article_batch))
    paths = [tmp_path / f"{i}-{FILE_NAMES[fmt]}" for i in range(3)]
    export(whole_graph(first), fmt, paths[0])
    export(whole_graph(first), fmt, paths[1])
    export(whole_graph(second), fmt, paths[2])
    assert paths[0].read_bytes() == paths[1].read_bytes() == paths[2].read_bytes()


def test_reversed_load_really_changes_element_ids(article_batch):
    first, second = NetworkxStore(), NetworkxStore()
    first.load(article_batch)
    second.load(reversed_batch(article_batch))
    key_to_id = lambda store: {n["key"]: n.element_id for n in store.nodes()}  # noqa: E731
    assert key_to_id(first) != key_to_id(second)


def test_csv_folder_and_zip_hold_the_same_files(tmp_path, awkward):
    export(awkward, "csv", tmp_path / "folder")
    export(awkward, "csv", tmp_path / "g.zip")
    with zipfile.ZipFile(tmp_path / "g.zip") as archive:
        zipped = {name: archive.read(name) for name in archive.namelist()}
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert zipped == {p.name: p.read_bytes() for p in (tmp_path / "folder").iterdir()}


def test_exports_are_readable_by_others(tmp_path, awkward):
    """Temporary files are private; the finished export gets ordinary permissions."""
    export(awkward, "graphml", tmp_path / "g.graphml")
    export(awkward, "csv", tmp_path / "folder")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "g.graphml").stat().st_mode & 0o777 == 0o666 & ~umask
    assert (tmp_path / "folder").stat().st_mode & 0o777 == 0o777 & ~umask


# --- GraphML ----------------------------------------------------------------------------


def test_graphml_follows_apocs_layout(awkward):
    root = ET.fromstring(written(awkward, "graphml"))
    keys = {(k.get("for"), k.get("attr.name"), k.get("id")): k for k in root.iter(f"{GRAPHML}key")}
    assert keys[("node", "labels", "labels")].get("attr.type") == "string"
    assert keys[("edge", "label", "label")].get("attr.type") == "string"
    assert keys[("node", "year", "n.year")].get("attr.type") == "long"
    assert keys[("node", "height", "n.height")].get("attr.type") == "double"
    assert keys[("node", "active", "n.active")].get("attr.type") == "boolean"
    aliases = keys[("node", "aliases", "n.aliases")]
    assert (aliases.get("attr.type"), aliases.get("attr.list")) == ("string", "string")
    assert keys[("node", "nums", "n.nums")].get("attr.list") == "long"
    assert keys[("edge", "years", "e.years")].get("attr.list") == "long"
    # scope is text on one city and a list on another: one text key (igraph refuses two keys
    # of one name), the list's data typed by relgraph:type
    scope = keys[("node", "scope", "n.scope")]
    assert (scope.get("attr.type"), scope.get("attr.list")) == ("string", None)
    scopes = {d.text: d.get("{urn:x-relgraph:graphml}type") for d in root.iter(f"{GRAPHML}data")
              if d.get("key") == "n.scope"}
    assert scopes == {"Central Asia": None, '["East Asia","Korea"]': "string[]"}
    ids = [k.get("id") for k in root.iter(f"{GRAPHML}key")]
    assert len(ids) == len(set(ids)), "key ids must be unique (APOC's own are not)"
    names = [(k.get("for"), k.get("attr.name")) for k in root.iter(f"{GRAPHML}key")]
    assert len(names) == len(set(names)), "one key per name and domain, as igraph requires"

    leader = next(n for n in root.iter(f"{GRAPHML}node") if n.get("id") == "islam-karimov")
    assert leader.get("labels") == ":Person:Leader"
    data = {d.get("key"): d.text or "" for d in leader}
    assert data["labels"] == ":Person:Leader"
    assert json.loads(data["n.aliases"]) == LEADER["aliases"]
    assert data["n.nothing"] == "[]" and data["n.empty"] == ""
    assert data["n.multiline"] == LEADER["multiline"]  # the CR survives XML parsing
    assert data["n.huge"] == "1.5e+300" and data["n.valueUsd"] == "7700000000"
    edges = [e for e in root.iter(f"{GRAPHML}edge") if e.get("label") == "SISTER_CITY_OF"]
    assert [e.get("id") for e in edges] == ["sister-1", "sister-2", "sister-back"]


def test_networkx_reads_the_graphml(tmp_path, awkward):
    export(awkward, "graphml", tmp_path / "g.graphml")
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_edges() == 6
    assert g.nodes["islam-karimov"]["year"] == 1938
    assert g.nodes["islam-karimov"]["labels"] == ":Person:Leader"
    assert json.loads(g.nodes["islam-karimov"]["aliases"]) == LEADER["aliases"]
    assert g.number_of_edges("seoul", "tashkent") == 2  # parallel relationships of one type


def test_graphml_refuses_a_property_that_collides_with_labels(tmp_path):
    node = Node("1", ["Thing"], {"key": "a", "labels": "mine"})
    with pytest.raises(ExportError, match=r"node 'a' has a property named 'labels'.*JSON lines"):
        export(Subgraph([node]), "graphml", tmp_path / "g.graphml")
    assert not list(tmp_path.iterdir())
    a, b = Node("1", ["T"], {"key": "a"}), Node("2", ["T"], {"key": "b"})
    rel = Relationship("1", "R", a, b, {"key": "r", "label": "x"})
    with pytest.raises(ExportError, match=r"relationship \(a\)-\[:R\]->\(b\) key 'r'.*'label'"):
        export(Subgraph([a, b], [rel]), "graphml", tmp_path / "g.graphml")


def test_xml_formats_refuse_control_characters(tmp_path):
    node = Node("1", ["Thing"], {"key": "a", "name": "bell\x07"})
    for fmt in ("graphml", "gexf"):
        with pytest.raises(ExportError, match=r"control character '\\x07'.*JSON"):
            export(Subgraph([node]), fmt, tmp_path / f"g.{fmt}")
    export(Subgraph([node]), "jsonl", tmp_path / "g.jsonl")  # JSON holds it
    assert read_sources([tmp_path / "g.jsonl"]).nodes[0].properties["name"] == "bell\x07"


# --- GEXF -------------------------------------------------------------------------------


def test_gexf_conversions(awkward):
    """Labels become an attribute, lists JSON text, dates stay ISO text; types are declared."""
    root = ET.fromstring(written(awkward, "gexf"))
    assert root.get("version") == "1.3"
    classes = {a.get("class"): {x.get("id"): x for x in a} for a in root.iter(f"{GEXF}attributes")}
    nodes_attrs, edge_attrs = classes["node"], classes["edge"]
    assert nodes_attrs["labels"].get("type") == "string"
    assert nodes_attrs["aliases"].get("type") == "string"  # a list, converted to text
    assert nodes_attrs["nums"].get("type") == "string"
    assert nodes_attrs["year"].get("type") == "long" and nodes_attrs["height"].get("type") == "double"
    assert nodes_attrs["date"].get("type") == "string"
    assert {"scope.string", "scope.string-list"} <= set(nodes_attrs)
    assert edge_attrs["years"].get("type") == "string"

    leader = next(n for n in root.iter(f"{GEXF}node") if n.get("id") == "islam-karimov")
    assert leader.get("label") == LEADER["name"]
    values = {v.get("for"): v.get("value") for v in leader.iter(f"{GEXF}attvalue")}
    assert values["labels"] == ":Person:Leader"
    assert json.loads(values["aliases"]) == LEADER["aliases"]
    assert json.loads(values["nums"]) == [1, 2, 3] and json.loads(values["flags"]) == [True, False]
    assert values["nothing"] == "[]" and values["empty"] == ""
    assert values["date"] == "1991-12-08" and values["month"] == "1991-12"
    assert values["multiline"] == LEADER["multiline"]  # line breaks kept as character references
    edges = list(root.iter(f"{GEXF}edge"))
    assert len(edges) == 6
    sister = [e for e in edges if e.get("kind") == "SISTER_CITY_OF"]
    assert [(e.get("source"), e.get("target"), e.get("label")) for e in sister] == [
        ("seoul", "tashkent", "SISTER_CITY_OF"), ("seoul", "tashkent", "SISTER_CITY_OF"),
        ("tashkent", "seoul", "SISTER_CITY_OF")]


def text_format_values(text: str, fmt: str, key: str) -> dict[str, object]:
    """The properties of node ``key`` as a text format holds them (lists as JSON text in XML)."""
    if fmt == "json":
        return next(n for n in json.loads(text)["nodes"] if n["id"] == key)
    if fmt == "jsonl":
        return next(r["properties"] for r in map(json.loads, text.splitlines()) if r["id"] == key)
    root = ET.fromstring(text)
    ns = GRAPHML if fmt == "graphml" else GEXF
    node = next(n for n in root.iter(f"{ns}node") if n.get("id") == key)
    if fmt == "graphml":
        names = {k.get("id"): k.get("attr.name") for k in root.iter(f"{GRAPHML}key")}
        return {names[d.get("key")]: d.text or "" for d in node}
    return {v.get("for"): v.get("value") for v in node.iter(f"{GEXF}attvalue")}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "graphml", "gexf"])
def test_text_formats_write_temporal_values_as_iso_text(fmt, awkward_store):
    """docs/export.md: JSON, JSON lines, GraphML and GEXF write a temporal value set through
    Cypher as the ISO text Cypher prints for it (as APOC does), typed as text, lists as lists
    of that text; Python's date and datetime as their isoformat()."""
    set_temporals(awkward_store)
    values = text_format_values(written(whole_graph(awkward_store), fmt), fmt, TEMPORAL_NODE)
    for name, (_, text) in TEMPORALS.items():
        expected = text if isinstance(text, str) or fmt in ("json", "jsonl") else json.dumps(
            text, separators=(",", ":"))
        assert values[name] == expected, name
    if fmt == "graphml":
        root = ET.fromstring(written(whole_graph(awkward_store), fmt))
        types = {k.get("attr.name"): (k.get("attr.type"), k.get("attr.list")) for k in root.iter(
            f"{GRAPHML}key") if k.get("for") == "node"}
        assert types["founded"] == ("string", None) and types["visits"] == ("string", "string")

    node = Node("1", ["Event"], {"key": "e", "on": datetime.date(2024, 6, 14),
                                 "at": datetime.datetime(2024, 6, 14, 9, 30)})
    values = text_format_values(written(Subgraph([node]), fmt), fmt, "e")
    assert values["on"] == "2024-06-14" and values["at"] == "2024-06-14T09:30:00"


# --- JSON lines -------------------------------------------------------------------------


def test_jsonl_has_apocs_shape(awkward):
    records = [json.loads(line) for line in jsonl_lines(awkward)]
    kinds = [r["type"] for r in records]
    assert kinds == ["node"] * 5 + ["relationship"] * 6
    leader = next(r for r in records if r["id"] == "islam-karimov")
    assert list(leader) == ["type", "id", "labels", "properties"]
    assert leader["labels"] == ["Person", "Leader"] and leader["properties"] == dict(sorted(LEADER.items()))
    rel = next(r for r in records if r["type"] == "relationship" and r["label"] == "MADE_VISIT")
    assert list(rel) == ["type", "id", "label", "properties", "start", "end"]
    assert rel["start"] == {"id": "islam-karimov", "labels": ["Person", "Leader"]}
    assert rel["end"] == {"id": "visit-1992", "labels": ["Event", "Visit"]}
    assert rel["id"] == "made-visit"


def test_jsonl_nests_properties_so_any_name_works(tmp_path):
    node = Node("1", ["Thing"], {"key": "a", "id": 7, "labels": "x", "type": "y"})
    export(Subgraph([node]), "jsonl", tmp_path / "g.jsonl")
    assert read_sources([tmp_path / "g.jsonl"]).nodes[0].properties == {"key": "a", "id": 7, "labels": "x",
                                                                         "type": "y"}


# --- neo4j-admin CSV --------------------------------------------------------------------


def test_csv_headers_and_fields(awkward):
    files = admin_csv_files(awkward)
    assert sorted(files) == ["nodes-2.csv", "nodes.csv", "relationships.csv"]
    columns = files["nodes.csv"].split("\n", 1)[0].split(",")
    assert columns[:2] == ["key:ID", ":LABEL"]
    for expected in ("year:long", "height:double", "active:boolean", "aliases:string[]", "nums:long[]",
                     "floats:double[]", "flags:boolean[]", "nothing:string[]", "date", "name"):
        assert expected in columns
    assert "key" not in columns  # the key:ID column holds it
    # scope has two types, so one header cannot hold it: tashkent's text goes to nodes-2.csv
    assert "scope:string[]" in columns and "scope" in files["nodes-2.csv"].split("\n")[0].split(",")
    assert "\ntashkent,City," in files["nodes-2.csv"]
    leader = next(line for line in files["nodes.csv"].split("\n") if line.startswith("islam-karimov,"))
    assert ',"Karimov;Каримов;a,b;quote""d;Ислам Каримов",' in leader
    assert ',"",' in leader  # the empty string, quoted; absent values are bare empty fields
    assert files["relationships.csv"].split("\n")[0].split(",")[:4] == [":START_ID", ":END_ID", ":TYPE",
                                                                       "key"]


def test_csv_ids_are_qualified_when_keys_repeat(tmp_path):
    a, b = Node("1", ["Person"], {"key": "x"}), Node("2", ["City"], {"key": "x"})
    rel = Relationship("1", "LIVES_IN", a, b, {"key": "r"})
    files = admin_csv_files(Subgraph([a, b], [rel]))
    assert files["nodes.csv"].splitlines() == [":ID,:LABEL,key", "City:x,City,x", "Person:x,Person,x"]
    assert files["relationships.csv"].splitlines()[1] == "Person:x,City:x,LIVES_IN,r"
    export(Subgraph([a, b], [rel]), "csv", tmp_path / "out")
    batch = read_sources([tmp_path / "out"])
    assert sorted((n.labels[0], n.key) for n in batch.nodes) == [("City", "x"), ("Person", "x")]


@pytest.mark.parametrize(("value", "problem"), [(["a;b"], "contains the CSV array delimiter ';'"),
                                                ([""], "holding only an empty string")])
def test_csv_refuses_lists_it_cannot_write(tmp_path, value, problem):
    node = Node("1", ["Thing"], {"key": "a", "tags": value})
    with pytest.raises(ExportError, match=problem):
        export(Subgraph([node]), "csv", tmp_path / "out")
    assert not list(tmp_path.iterdir())


def test_csv_types_temporal_columns_as_neo4j_admin_does(awkward_store):
    """A property of one temporal type gets neo4j-admin's type (lists too), its value the ISO
    text; one that is a date here and a date-time there is two types, so two files."""
    set_temporals(awkward_store)
    files = admin_csv_files(whole_graph(awkward_store))
    header, row = files["nodes-2.csv"].splitlines()[:2]
    assert row.startswith(f"{TEMPORAL_NODE},")
    fields = dict(zip(header.split(","), row.split(",")))
    assert {name: fields[name] for name in header.split(",") if name.split(":")[0] in TEMPORALS} == {
        "founded:date": "1394-10-28", "opens:localtime": "09:00:00.123456789",
        "closes:time": "18:30:05+09:00", "built:localdatetime": "1394-10-28T12:00",
        "signed:datetime": "2024-06-14T09:30:15.500+05:00", "lasted:duration": "P1Y2M3DT4H5M6.7S",
        "visits:date[]": "1992-06-19;2019-04-19", "zoned:datetime": "2024-06-14T09:30+05:00[Asia/Tashkent]"}
    rels = files["relationships.csv"].splitlines()[0].split(",")
    assert {"founded:date", "lasted:duration", "visits:date[]", "zoned:datetime"} <= set(rels)

    a = Node("1", ["Event"], {"key": "a", "on": temporal.parse_date("2024-06-14")})
    b = Node("2", ["Event"], {"key": "b", "on": temporal.parse_datetime("2024-06-14T09:30Z")})
    c = Node("3", ["Event"], {"key": "c", "on": datetime.date(2024, 6, 15)})  # Python's: a date too
    files = admin_csv_files(Subgraph([a, b, c]))
    assert files["nodes.csv"].splitlines() == ["key:ID,:LABEL,on:date", "a,Event,2024-06-14",
                                               "c,Event,2024-06-15"]
    assert files["nodes-2.csv"].splitlines() == ["key:ID,:LABEL,on:datetime", "b,Event,2024-06-14T09:30Z"]


def test_csv_cannot_go_to_standard_output(awkward):
    with pytest.raises(ExportError, match=r"folder or a \.zip"):
        EXPORT_FORMATS["csv"].writer(awkward, io.StringIO())


# --- Cypher script ----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    ("it's", r"'it\'s'"), ("a\\b", r"'a\\b'"), ("two\nlines\r\t", r"'two\nlines\r\t'"),
    ("bell\x07", r"'bell\u0007'"), ("서울 “q”", "'서울 “q”'"), ("", "''"),
    (1.5e300, "1.5e300"), (1e-07, "1e-07"), (2.0, "2.0"), (-3, "-3"), (True, "true"),
    ([], "[]"), (["a", "b"], "['a', 'b']"), ({"key": "a", "odd name": 1}, "{key: 'a', `odd name`: 1}"),
    (temporal.parse_date("1394-10-28"), "date('1394-10-28')"),
    (temporal.parse_local_time("09:00:00.000000001"), "localtime('09:00:00.000000001')"),
    (temporal.parse_time("18:30+09:00"), "time('18:30+09:00')"),
    (temporal.parse_local_datetime("1394-10-28T12:00"), "localdatetime('1394-10-28T12:00')"),
    (temporal.parse_datetime("2024-06-14T09:30[Asia/Tashkent]"),
     "datetime('2024-06-14T09:30+05:00[Asia/Tashkent]')"),
    (temporal.parse_duration("-P1DT2H"), "duration('P-1DT-2H')"),
    ([temporal.parse_date("1992-06-19"), temporal.parse_date("2019-04-19")],
     "[date('1992-06-19'), date('2019-04-19')]"),
])
def test_cypher_literals(value, text):
    assert literal(value) == text


def test_cypher_script_writes_temporal_values_as_calls_that_make_them(awkward_store):
    """Not their text: ``SET n += row.properties`` must store a date, not a string."""
    set_temporals(awkward_store)
    merges = "\n".join(cypher_statements(whole_graph(awkward_store)))
    for name, (cypher, _) in TEMPORALS.items():
        (row,) = awkward_store.run(f"RETURN {cypher} AS value").data()
        assert f"{name}: {literal(row['value'])}" in merges
    assert "founded: date('1394-10-28')" in merges and "'1394-10-28'}" not in merges
    node = Node("1", ["Event"], {"key": "e", "on": datetime.date(2024, 6, 14),
                                 "at": datetime.datetime(2024, 6, 14, 9, 30)})
    assert "at: localdatetime('2024-06-14T09:30'), key: 'e', on: date('2024-06-14')" in "\n".join(
        cypher_statements(Subgraph([node])))


def test_cypher_script_shape(awkward):
    statements = cypher_statements(awkward)
    constraints = [s for s in statements if is_schema_command(s)]
    assert statements[:len(constraints)] == constraints, "constraints come first"
    # one label per node to merge on: its primary label (Person, not Leader; Institution, not Company)
    assert {unique_constraint(s) for s in constraints} == {
        ("City", "key"), ("Event", "key"), ("Institution", "key"), ("Person", "key")}
    merges = "\n".join(statements[len(constraints):])
    assert merges.count("MERGE (n:City {key: row.properties.key})\nSET n += row.properties") == 1
    assert "MERGE (n:Event {key: row.properties.key})\nSET n += row.properties, n:Visit" in merges
    assert "MERGE (a)-[r:SISTER_CITY_OF {key: row.properties.key}]->(b)" in merges
    assert "$" not in merges, "data is inline, not parameters"
    assert [s.text for s in split_statements(written(awkward, "cypher"))] == statements


def test_merge_labels_prefer_the_common_label():
    nodes = [Node("1", ["Institution", "Airport"], {"key": "a"}), Node("2", ["Institution"], {"key": "b"}),
             Node("3", ["Event", "Visit"], {"key": "c"}), Node("4", ["Event", "Visit"], {"key": "d"}),
             Node("5", ["Person", "Tag"], {"key": "x"}), Node("6", ["City", "Tag"], {"key": "x"}),
             Node("7", ["Tag"], {"key": "y"})]
    chosen = merge_labels(nodes)
    assert [chosen[str(i)] for i in range(1, 8)] == ["Institution", "Institution", "Event", "Event",
                                                     "Person", "City", "Tag"]


def test_cypher_script_needs_keys():
    a, b = Node("1", ["T"], {"key": "a"}), Node("2", ["T"], {"name": "no key"})
    with pytest.raises(ExportError, match=r"node '_:2' has no string 'key'.*SET n\.key"):
        cypher_statements(Subgraph([a, b]))
    rel = Relationship("9", "R", a, a, {})
    with pytest.raises(ExportError, match=r"relationship \(a\)-\[:R\]->\(a\) has no string 'key'"):
        cypher_statements(Subgraph([a], [rel]))


def test_statement_splitting_respects_strings_and_comments():
    script = ("// a comment; with a semicolon\nCREATE (:A {t: 'x;y', u: \"it's; fine\"});\n\n"
              "/* block; comment */ MATCH (`odd;name`) RETURN 1 // trailing; note\n;\n// only a comment\n")
    statements = split_statements(script)
    assert [(s.line, s.text) for s in statements] == [
        (2, "CREATE (:A {t: 'x;y', u: \"it's; fine\"})"),
        (4, "MATCH (`odd;name`) RETURN 1 // trailing; note")]
    assert "'x;y'" in statements[0].text


def test_schema_commands_are_recognised():
    assert unique_constraint("CREATE CONSTRAINT IF NOT EXISTS FOR (n:City) REQUIRE n.key IS UNIQUE") == (
        "City", "key")
    assert unique_constraint("create constraint city_key for (c:`Odd City`) require c.`k` is unique") == (
        "Odd City", "k")
    assert is_schema_command("CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)")
    assert is_schema_command("DROP CONSTRAINT city_key")
    assert not is_schema_command("CREATE (n:Constraint)")
    assert unique_constraint("CREATE INDEX FOR (n:City) ON (n.key)") is None
