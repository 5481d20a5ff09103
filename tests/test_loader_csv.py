"""neo4j-admin CSV loader: typed columns, ID spaces, folders and zips; errors name file and line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from relgraph.graph.model import LoadError
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
                                "founded": "1394-01-01"}
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
        (NODES.replace("1394-01-01", "first of January"), RELS, "nodes.csv:2: column founded:date"),
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
