"""neo4j-admin CSV loader: typed columns, ID spaces, folders and zips; errors name file and line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.temporal import (
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
    parse_date,
)
from relgraph.loaders import read_sources

NODES = """\
key:ID,name,:LABEL,year:int,share:float,active:boolean,aliases:string[],founded:date
seoul,Seoul,City,1394,0.5,true,Hanyang;Keijo,1394-01-01
tashkent,Tashkent,City;Capital,,,false,,
"""
RELS = """\
:START_ID,:END_ID,:TYPE,since:int
seoul,tashkent,SISTER_CITY_OF,2010
seoul,tashkent,SISTER_CITY_OF,2011
"""


def folder(tmp_path: Path, nodes: str = NODES, rels: str = RELS) -> Path:
    d = tmp_path / "import"
    d.mkdir(exist_ok=True)
    (d / "nodes.csv").write_text(nodes, encoding="utf-8")
    (d / "relationships.csv").write_text(rels, encoding="utf-8")
    return d


def problems(*paths: Path) -> list[str]:
    with pytest.raises(LoadError) as info:
        read_sources(paths)
    return info.value.problems


def test_folder_with_typed_columns(tmp_path):
    batch = read_sources([folder(tmp_path)])
    seoul, tashkent = batch.nodes
    assert seoul.labels == ["City"] and tashkent.labels == ["City", "Capital"]
    assert seoul.properties == {"key": "seoul", "name": "Seoul", "year": 1394, "share": 0.5,
                                "active": True, "aliases": ["Hanyang", "Keijo"],
                                "founded": parse_date("1394-01-01")}
    assert "year" not in tashkent.properties  # empty field: no property, as in neo4j-admin
    assert tashkent.properties["active"] is False
    assert [r.key for r in batch.relationships] == ["seoul-sister_city_of-tashkent",
                                                    "seoul-sister_city_of-tashkent-2"]
    assert [r.properties["since"] for r in batch.relationships] == [2010, 2011]


def test_separate_files_in_any_order_and_a_zip(tmp_path):
    d = folder(tmp_path)
    files_batch = read_sources([d / "relationships.csv", d / "nodes.csv"])
    assert len(files_batch.nodes) == 2 and len(files_batch.relationships) == 2
    archive = tmp_path / "import.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(d / "nodes.csv", "nodes.csv")
        zf.write(d / "relationships.csv", "relationships.csv")
    zip_batch = read_sources([archive])
    assert [n.properties for n in zip_batch.nodes] == [n.properties for n in files_batch.nodes]


def test_id_spaces_keep_equal_ids_apart(tmp_path):
    d = tmp_path / "spaces"
    d.mkdir()
    (d / "people.csv").write_text(":ID(Person),name,:LABEL\n1,Moon,Person\n", encoding="utf-8")
    (d / "cities.csv").write_text(":ID(City),name,:LABEL\n1,Seoul,City\n", encoding="utf-8")
    (d / "rels.csv").write_text(":START_ID(Person),:END_ID(City),:TYPE\n1,1,LIVES_IN\n",
                                encoding="utf-8")
    batch = read_sources([d])
    (rel,) = batch.relationships
    assert (rel.start.label, rel.end.label) == ("Person", "City")


@pytest.mark.parametrize(
    ("nodes", "rels", "expected"),
    [
        (NODES.replace("1394,0.5", "13x4,0.5"), RELS,
         "nodes.csv:2: column year:int: '13x4' is not an integer"),
        (NODES.replace("true,Hanyang", "yes,Hanyang"), RELS, "nodes.csv:2: column active:boolean: 'yes'"),
        (NODES.replace("1394-01-01", "first of January"), RELS,
         "nodes.csv:2: column founded:date: 'first of January' is not a date in ISO 8601"),
        (NODES.replace("1394-01-01", "1394-13-01"), RELS,
         "nodes.csv:2: column founded:date: '1394-13-01' is not a date in ISO 8601 (invalid month 13)"),
        (NODES, RELS.replace("since:int", "at:datetime[]").replace(",2011", ",2011-02-30T10:00Z;x"),
         "relationships.csv:3: column at:datetime[]: '2011-02-30T10:00Z' is not a datetime"),
        (NODES, RELS.replace("since:int", "lasted:duration").replace(",2010", ",two days"),
         "relationships.csv:2: column lasted:duration: 'two days' is not a duration"),
        (NODES, RELS.replace("seoul,tashkent,SISTER_CITY_OF,2011", "seoul,busan,SISTER_CITY_OF,2011"),
         "relationships.csv:3: :END_ID 'busan' is not the :ID of any node"),
        (NODES + "seoul,Seoul again,City,,,,,\n", RELS, "nodes.csv:4: duplicate :ID 'seoul'"),
        (NODES.replace(",:LABEL", ",kind").replace("City;Capital", "x"), RELS, "needs a :LABEL column"),
        (NODES.replace("tashkent,Tashkent,City;Capital,,,false,,", "tashkent,Tashkent"), RELS,
         "nodes.csv:3: 2 fields, the header has 8"),
        (NODES.replace("year:int", "year:integer"), RELS, "unknown column type 'integer'"),
        (NODES, RELS.replace("SISTER_CITY_OF,2010", "sister of,2010"), "relationships.csv:2"),
        (NODES.replace("City;Capital", "city"), RELS, "nodes.csv:3: label 'city' is not PascalCase"),
        (NODES.replace("year:int", "year"), RELS,
         "nodes.csv:2: year '1394' is text, not an integer (a CSV column needs a type: year:int)"),
        (NODES, RELS.replace("since:int", "year"), "relationships.csv:2: year '2010' is text"),
    ],
)
def test_bad_rows_name_file_line_and_problem(tmp_path, nodes, rels, expected):
    found = problems(folder(tmp_path, nodes, rels))
    assert any(expected in p for p in found), found


TEMPORAL_NODES = """\
key:ID,:LABEL,founded:date,opens:localtime,closes:time,built:localdatetime,signed:datetime,\
lasted:duration,visits:date[],zoned:datetime
seoul,City,1394-10-28,09:00:00.123456789,18:30+09:00,1394-10-28T12:00,2024-06-14T09:30:15.5+05:00,\
P1Y2M3DT4H5M6.7S,1992-06;2019-04-19,2024-06-14T09:30+05:00[Asia/Tashkent]
tashkent,City,1991,,18:30,,1991-08-31T10:00,,,
"""


def test_temporal_columns_become_temporal_values(tmp_path):
    """neo4j-admin's temporal types, scalar and array, read as Cypher's functions read the text;
    a time or date-time without an offset is in UTC, as neo4j-admin's default time zone."""
    d = folder(tmp_path, TEMPORAL_NODES, ":START_ID,:END_ID,:TYPE\n")
    seoul, tashkent = (n.properties for n in read_sources([d]).nodes)
    expected = {"founded": (Date, "1394-10-28"), "opens": (LocalTime, "09:00:00.123456789"),
                "closes": (Time, "18:30+09:00"), "built": (LocalDateTime, "1394-10-28T12:00"),
                "signed": (DateTime, "2024-06-14T09:30:15.500+05:00"),
                "lasted": (Duration, "P1Y2M3DT4H5M6.7S"),
                "zoned": (DateTime, "2024-06-14T09:30+05:00[Asia/Tashkent]")}
    assert {name: (type(seoul[name]), seoul[name].iso()) for name in expected} == expected
    assert [v.iso() for v in seoul["visits"]] == ["1992-06-01", "2019-04-19"]
    assert all(type(v) is Date for v in seoul["visits"])
    assert tashkent["founded"].iso() == "1991-01-01"
    assert (tashkent["closes"].iso(), tashkent["signed"].iso()) == ("18:30Z", "1991-08-31T10:00Z")
    assert "built" not in tashkent and "visits" not in tashkent  # empty fields: no property


def test_file_that_is_neither_nodes_nor_relationships(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    (problem,) = problems(path)
    assert "neither an :ID column" in problem


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("key:ID,name,:LABEL\nx,Ülke,City\n".encode("latin-1"))
    (problem,) = problems(path)
    assert "not UTF-8" in problem


def test_unicode_and_quoted_fields_survive(tmp_path):
    d = folder(tmp_path, 'key:ID,name,:LABEL\nnavoi,"Navoiy, Oʻzbekiston",City\n',
               ":START_ID,:END_ID,:TYPE\n")
    (node,) = read_sources([d]).nodes
    assert node.properties["name"] == "Navoiy, Oʻzbekiston"
