"""relgraph export and load on real files: selections, formats, errors, Cypher scripts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore

from .export_samples import graph_view


@pytest.fixture
def loaded(cli):
    assert cli("load").code == 0
    return cli


def node_keys(path):
    return sorted(json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()
                  if json.loads(line)["type"] == "node")


def test_format_comes_from_the_suffix(loaded, tmp_path):
    for name, first in [("g.graphml", "<?xml"), ("g.gexf", "<?xml"), ("g.jsonl", '{"type":"node"'),
                        ("g.json", "{"), ("g.cypher", "// relgraph export")]:
        result = loaded("export", "-o", str(tmp_path / name))
        assert result.code == 0, result.err
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(first)
    assert loaded("export", "-o", str(tmp_path / "folder")).code == 0
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == [
        "nodes-2.csv", "nodes.csv", "relationships.csv"]
    assert loaded("export", "-o", str(tmp_path / "g.zip")).code == 0
    unknown = loaded("export", "-o", str(tmp_path / "g.xlsx"))
    assert unknown.code == 2 and "cannot tell the format from" in unknown.err


def test_explicit_format_and_standard_output(loaded, tmp_path):
    out = loaded("export", "--format", "jsonl", "-o", "-")
    assert out.code == 0 and len(out.out.splitlines()) == 144 + 286
    refused = loaded("export", "--format", "csv", "-o", "-")
    assert refused.code == 2 and "give -o FOLDER or -o FILE.zip" in refused.err
    odd = loaded("export", "--format", "csv", "-o", str(tmp_path / "nodes.csv"))
    assert odd.code == 2 and not (tmp_path / "nodes.csv").exists()


def test_around_an_entity(loaded, tmp_path):
    path = tmp_path / "k.jsonl"
    result = loaded("export", "--around", "Islam Karimov", "--depth", "1", "-o", str(path))
    assert result.code == 0, result.err
    assert "1-hop neighbourhood of Islam Karimov" in result.err
    keys = node_keys(path)
    assert "islam-karimov" in keys and "president-of-uzbekistan" in keys and len(keys) > 9
    only = tmp_path / "visits.jsonl"
    assert loaded("export", "--around", "karimov", "--types", "MADE_VISIT", "-o", str(only)).code == 0
    assert len(node_keys(only)) == 9  # Karimov and his eight visits


def test_unknown_entity_suggests_names_and_writes_nothing(loaded, tmp_path):
    result = loaded("export", "--around", "Karimova", "-o", str(tmp_path / "k.json"))
    assert result.code == 1
    assert "no entity is named 'Karimova'; did you mean" in result.err and "'Islam Karimov'" in result.err
    assert not list(tmp_path.glob("k.json*"))


def test_labels_and_years(loaded, tmp_path):
    people = tmp_path / "people.jsonl"
    assert loaded("export", "--labels", "Person,Office", "-o", str(people)).code == 0
    assert len(node_keys(people)) == 20
    decade = tmp_path / "decade.jsonl"
    assert loaded("export", "--years", "2010..2020", "-o", str(decade)).code == 0
    assert "visit-2019-moon-jae-in-to-uzbekistan" in node_keys(decade)
    assert "visit-1992-karimov-to-south-korea" not in node_keys(decade)


def test_empty_selections_say_so_and_write_nothing(loaded, tmp_path):
    target = tmp_path / "x.json"
    typo = loaded("export", "--labels", "Person,Ofice", "-o", str(target))
    assert typo.code == 1
    assert "no node has the label 'Ofice'; did you mean 'Office'? (nothing was written)" in typo.err
    type_typo = loaded("export", "--around", "Seoul", "--types", "SISTER_CITY", "-o", str(target))
    assert type_typo.code == 1
    assert "no relationship has the type 'SISTER_CITY'; did you mean 'SISTER_CITY_OF'?" in type_typo.err
    years = loaded("export", "--years", "1800..1810", "-o", str(target))
    assert years.code == 1 and "is empty" in years.err
    assert not target.exists()


def test_option_combinations_are_checked(loaded, tmp_path):
    both = tmp_path / "both.jsonl"  # selections combine: what both select
    assert loaded("export", "--labels", "Person,Visit", "--years", "2010", "-o", str(both)).code == 0
    assert node_keys(both) == ["islam-karimov", "visit-2010-karimov-to-south-korea"]
    stray = loaded("export", "--labels", "Person", "--depth", "2", "-o", str(tmp_path / "x.json"))
    assert stray.code == 2 and "--depth and --types go with --around" in stray.err
    connect = loaded("export", "--connect", "-o", str(tmp_path / "x.json"))
    assert connect.code == 2 and "--param and --connect go with --query or -e" in connect.err


def test_existing_output_is_kept_without_force(loaded, tmp_path):
    target = tmp_path / "g.graphml"
    target.write_text("keep me", encoding="utf-8")
    refused = loaded("export", "-o", str(target))
    assert refused.code == 1 and "already exists (use --force" in refused.err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert loaded("export", "-o", str(target), "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("<?xml")
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "old.csv").write_text("an earlier export", encoding="utf-8")
    assert loaded("export", "--format", "csv", "-o", str(folder)).code == 1
    assert (folder / "old.csv").exists()
    assert loaded("export", "--format", "csv", "-o", str(folder), "--force").code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["nodes-2.csv", "nodes.csv", "relationships.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_force_never_replaces_a_folder_of_other_things(loaded, tmp_path):
    """--force replaces a folder by deleting it: only ever a folder of CSV files."""
    folder = tmp_path / "documents"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = loaded("export", "--format", "csv", "-o", str(folder), "--force")
    assert result.code == 1 and "holds more than CSV files (sub, thesis.txt); not replacing it" in result.err
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "years of work"


def test_a_failed_write_leaves_no_partial_file(loaded, tmp_path, monkeypatch):
    """A disk that fails while the file is being finished: no file, no temporary left behind."""
    target = tmp_path / "g.graphml"

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    result = loaded("export", "-o", str(target))
    assert result.code == 1 and f"error: {target}: No space left on device" in result.err
    assert "Traceback" not in result.err
    assert not [p for p in tmp_path.iterdir() if "g.graphml" in p.name]


def test_a_failed_folder_write_leaves_the_old_folder(loaded, tmp_path, monkeypatch):
    folder = tmp_path / "csv"
    assert loaded("export", "-o", str(folder)).code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = Path.open  # how the files are written (Path.write_text opens them this way too)

    def fail_on_relationships(self, mode="r", *args, **kwargs):
        if self.name == "relationships.csv" and "w" in mode:
            raise OSError(28, "No space left on device")
        return real(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", fail_on_relationships)
    failed = loaded("export", "-o", str(folder), "--force")
    assert failed.code == 1 and "No space left on device" in failed.err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".csv")]


def test_exports_load_back_through_the_command(loaded, tmp_path, store_cli):
    for name in ("g.graphml", "g.jsonl", "g.zip"):
        assert loaded("export", "--labels", "City", "-o", str(tmp_path / name)).code == 0
    for name in ("g.graphml", "g.jsonl", "g.zip"):
        result = store_cli("load", str(tmp_path / name))
        assert result.code == 0, result.err
        assert "Graph now holds 7 nodes" in result.out


def test_apoc_json_lines_named_json_are_recognised(cli, tmp_path):
    path = tmp_path / "apoc.json"
    path.write_text('{"type":"node","id":"0","labels":["City"],"properties":{"name":"Seoul"}}\n'
                    '{"type":"node","id":"1","labels":["City"],"properties":{"name":"Tashkent"}}\n'
                    '{"type":"relationship","id":"0","label":"SISTER_CITY_OF","properties":{"year":1992},'
                    '"start":{"id":"0","labels":["City"],"properties":{"name":"Seoul"}},'
                    '"end":{"id":"1","labels":["City"]}}\n', encoding="utf-8")
    result = cli("load", str(path))
    assert result.code == 0, result.err
    assert "2 created" in result.out and "1 created" in result.out


def test_help_shows_formats_and_examples():
    from relgraph.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["export"]
    text = sub.format_help()
    for fmt in ("json", "jsonl", "graphml", "gexf", "csv", "cypher"):
        assert f"\n  {fmt} " in text
    assert "--around NAME" in text and "examples:" in text and "--years 2010..2020" in text


def test_cypher_scripts_cannot_be_mixed_with_data(cli, tmp_path):
    script = tmp_path / "s.cypher"
    script.write_text("CREATE (:Thing {key: 'a'});\n", encoding="utf-8")
    result = cli("load", str(script), "data/articles/south-korea-uzbekistan.yaml")
    assert result.code == 1 and "load Cypher scripts on their own" in result.err


def test_query_selection_with_connect(loaded, tmp_path):
    plain = tmp_path / "people.jsonl"
    assert loaded("export", "-e", "MATCH (p:Person) RETURN p", "-o", str(plain)).code == 0
    lines = plain.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12 and all('"type":"node"' in line for line in lines)
    connected = tmp_path / "connected.jsonl"
    assert loaded("export", "-e", "MATCH (p:Person) RETURN p", "--connect", "-o", str(connected)).code == 0
    assert any('"label":"SUCCEEDED"' in line for line in connected.read_text(encoding="utf-8").splitlines())
    param = tmp_path / "param.jsonl"
    result = loaded("export", "-e", "MATCH (c:City {name: $name})-[r]-(x) RETURN c, r, x",
                    "--param", "name=Seoul", "-o", str(param))
    assert result.code == 0, result.err
    assert "seoul" in node_keys(param)
    writes = loaded("export", "-e", "CREATE (n:Thing {key: 'x'}) RETURN n", "-o", str(tmp_path / "w.json"))
    assert writes.code == 1 and not (tmp_path / "w.json").exists()


def test_query_scripts_by_file_and_name(loaded, tmp_path):
    """A script file with typed parameters returns graph values; with --connect (relationships
    among the neighbours too) the export is the same as --around's."""
    script = tmp_path / "around.cypher"
    script.write_text("// Around a city\n//\n// @param city: string = 'Seoul'\n"
                      "MATCH (c:City {name: $city})-[r]-(x) RETURN c, r, x\n", encoding="utf-8")
    by_script, by_option = tmp_path / "script.jsonl", tmp_path / "option.jsonl"
    result = loaded("export", "--query", str(script), "--param", "city=Tashkent", "--connect",
                    "-o", str(by_script))
    assert result.code == 0, result.err
    assert loaded("export", "--around", "Tashkent", "-o", str(by_option)).code == 0
    assert by_script.read_bytes() == by_option.read_bytes()
    scalars = loaded("export", "--query", "schema-overview", "-o", str(tmp_path / "v.json"))
    assert scalars.code == 1 and "returned no nodes, relationships or paths" in scalars.err
    unknown = loaded("export", "--query", "visit", "-o", str(tmp_path / "v.json"))
    assert unknown.code == 2 and "did you mean" in unknown.err


def test_load_runs_an_exported_script_in_one_transaction(loaded, tmp_path, store_cli):
    """``relgraph --backend X load export.cypher`` into an empty store of each backend: the graph
    comes back whole, a second run creates nothing, a failing statement is named by file:line
    and leaves the graph exactly as it was."""
    script = tmp_path / "g.cypher"
    assert loaded("export", "-o", str(script)).code == 0
    first = store_cli("load", str(script))
    assert first.code == 0, first.err
    assert "144 created" in first.out and "286 created" in first.out
    assert "Graph now holds 144 nodes and 286 relationships" in first.out
    original = graph_view(NetworkxStore(os.environ["RELGRAPH_STORE"]))  # what `loaded` holds
    assert graph_view(store_cli.store()) == original
    again = store_cli("load", str(script))
    assert "nodes:         0 created" in again.out and "relationships: 0 created" in again.out

    broken = tmp_path / "broken.cypher"
    broken.write_text("CREATE (:Thing {key: 'new'});\nMATCH (p:Person) SET p.touched = true;\n\n"
                      "MATCH (n) RETURN n.key +;\n", encoding="utf-8")
    failed = store_cli("load", str(broken))
    assert failed.code == 1 and f"{broken}:4:" in failed.err and "nothing was loaded" in failed.err
    assert graph_view(store_cli.store()) == original  # the CREATE and the SET were rolled back
    assert "144 nodes, 286 relationships" in store_cli("stats").out


def test_a_script_that_breaks_its_constraint_leaves_nothing(store_cli, tmp_path):
    """Neo4j refuses the duplicate as it is created (line 3); the embedded store finds it once the
    statements have run and names the constraint (line 1)."""
    script = tmp_path / "dup.cypher"
    script.write_text("CREATE CONSTRAINT IF NOT EXISTS FOR (n:Thing) REQUIRE n.key IS UNIQUE;\n"
                      "CREATE (:Thing {key: 'a'});\nCREATE (:Thing {key: 'a'});\n", encoding="utf-8")
    result = store_cli("load", str(script))
    line, says = (3, "already exists") if store_cli.backend == "neo4j" else (1, "uniqueness constraint")
    assert result.code == 1 and f"{script}:{line}:" in result.err and says in result.err, result.err
    assert "0 nodes" in store_cli("stats").out


def test_load_replace_with_a_script(loaded, tmp_path, store_cli):
    script, people = tmp_path / "cities.cypher", tmp_path / "people.jsonl"
    assert loaded("export", "--labels", "City", "-o", str(script)).code == 0
    assert loaded("export", "--labels", "Person,Office", "-o", str(people)).code == 0
    assert store_cli("load", str(people)).code == 0
    result = store_cli("load", "--replace", str(script))
    assert result.code == 0, result.err
    assert "Graph now holds 7 nodes and" in result.out
    assert "7 nodes" in store_cli("stats").out


def test_html_export_is_the_offline_view(loaded, tmp_path):
    target = tmp_path / "karimov.html"
    done = loaded("export", "--around", "Islam Karimov", "-o", str(target))
    assert done.code == 0, done.err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Islam Karimov" in page
    assert "https://" not in page.split("<script", 1)[0]  # no remote stylesheet or font in the head
    assert loaded("load", str(target)).code == 1  # a view is not a source
