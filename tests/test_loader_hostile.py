"""Hostile and broken input: every reader refuses it with a LoadError naming file and line (or
record), and never with a traceback, a silent loss, or by spending the machine's memory or files.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.formats import reading, write_admin_csv, write_graphml, write_jsonl, write_nodelink_json
from relgraph.graph.formats.types import parse_typed
from relgraph.graph.selection import whole_graph
from relgraph.graph.values.errors import LoadError
from relgraph.graph.values.model import GraphBatch, NodeSpec
from relgraph.loaders import read_sources

from .export_samples import awkward_batch, graph_view
from .test_loader_curated import GOOD_NODES, HEADER, TEXT, write

GRAPHML = ('<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
           '<key id="n" for="node" attr.name="name" attr.type="{type}"/>\n'
           '<graph>\n<node id="a" labels=":P"><data key="n">{value}</data></node>\n</graph></graphml>\n')
SURROGATE = "lone surrogate"
NODE = '"type":"node","id":"a","labels":["P"]'


def problems(path: Path) -> list[str]:
    with pytest.raises(LoadError) as info:
        read_sources([path])
    assert str(info.value).encode("utf-8")  # printable: no raw surrogate reaches the message
    return info.value.problems


def only_problem(path: Path, name: str, *expected: str) -> str:
    """The one problem of ``path``; it names ``name`` (file:line or file: record) and says ``expected``."""
    (problem,) = problems(path)
    assert problem.startswith(str(path.parent / name)), problem
    assert all(e in problem for e in expected), problem
    return problem


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


# --- 1. lone surrogates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "where"), [
    ("g.json", '{"nodes":[{"id":"x\\ud800y","labels":["P"]}]}', "g.json: nodes[0]: the value of 'id'"),
    ("g.json", '{"nodes":[{"id":"a","labels":["P"],"tags":["ok","\\udc00"]}]}', "g.json: nodes[0]"),
    ("g.json", '{"nodes":[{"id":"a","labels":["P"],"n\\ud800":1}]}', "g.json: nodes[0]: the name"),
    ("g.json", '{"nodes":[{"id":"a","labels":["P"]}],"links":[{"source":"a","target":"a",'
               '"type":"T","note":"\\ud83d"}]}', "g.json: links[0]"),
    ("g.jsonl", '{' + NODE + ',"properties":{"n":"\\ud800"}}\n', "g.jsonl:1: the value of 'n'"),
    ("g.jsonl", '{' + NODE + '}\n{"type":"node","id":"b","labels":["P\\udfff"]}\n', "g.jsonl:2:"),
])
def test_lone_surrogates_are_refused_at_the_door(tmp_path, name, text, where):
    only_problem(written(tmp_path, name, text), where, SURROGATE)


def test_lone_surrogates_in_curated_yaml_name_the_line(tmp_path):
    path = write(tmp_path, GOOD_NODES.replace("name: Bob\n", 'name: "B\\ud800b"\n', 1)
                 .replace("    label: Event\n", '    label: Event\n    "n\\udc00": 1\n', 1))
    found = problems(path)
    assert [p.split(": ", 1)[0] for p in found] == [f"{path}:16", f"{path}:21"], found
    assert all(SURROGATE in p for p in found)


def test_surrogates_cannot_enter_through_csv_or_graphml(tmp_path):
    """Neither format can carry one: UTF-8 has no encoding for it, XML no reference to it."""
    csv = tmp_path / "nodes.csv"
    csv.write_bytes(b"key:ID,:LABEL,n\na,P,x\xed\xa0\x80y\n")  # U+D800 encoded as if it were a character
    assert "not UTF-8 text" in only_problem(csv, "nodes.csv")
    graphml = written(tmp_path, "g.graphml", GRAPHML.format(doctype="", type="string", value="x&#xD800;y"))
    assert "reference to invalid character number" in only_problem(graphml, "g.graphml:5")


def test_parse_typed_refuses_lone_surrogates_for_every_type():
    for type_name in ("string", "int", "date"):
        with pytest.raises(ValueError, match=SURROGATE):
            parse_typed("x\udcffy", type_name)


def test_command_line_parameters_refuse_lone_surrogates(cli):
    result = cli("query", "ego-network", "-p", "depth=1\udcff")
    assert result.code == 2 and SURROGATE in result.err, result


def test_the_model_refuses_lone_surrogates_in_values_and_trailing_newlines_in_names():
    for labels, props in ((["P"], {"key": "a\ud800"}), (["P"], {"key": "a", "l": ["\udc00"]}),
                          (["Person\n"], {"key": "a"}), (["P"], {"key": "a", "name\n": 1})):
        with pytest.raises(ValueError):
            NodeSpec(labels, props)


# --- 2. round trips that broke -----------------------------------------------------------------


def test_json_lines_round_trip_text_with_unicode_line_separators(tmp_path):
    note = "one\u2028two\u2029three\x85four\rfive\x0bsix"
    batch = GraphBatch("t", [NodeSpec(["P"], {"key": "a", "note": note}), NodeSpec(["P"], {"key": "b"})])
    store = NetworkxStore()
    store.load(batch)
    path = tmp_path / "g.jsonl"
    write_jsonl(whole_graph(store), path)
    again = NetworkxStore()
    again.load(read_sources([path]))
    assert graph_view(again) == graph_view(store)
    bad = written(tmp_path, "bad.jsonl", path.read_text(encoding="utf-8") + '{"type":"node"}\n')
    assert only_problem(bad, "bad.jsonl:3")  # the line numbers count "\n" only


def test_unterminated_csv_quote_names_the_line_it_opened_on(tmp_path):
    path = written(tmp_path, "nodes.csv", 'key:ID,:LABEL,note\na,P,ok\nb,P,"multi\nline\nc,P,x\n')
    only_problem(path, "nodes.csv:3", "never closed")


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("g.json", '{"nodes":[{"id":"a","labels":["P"],"n":1,"n":2}]}',
     "g.json: nodes[0]: the name 'n' occurs twice"),
    ("g.json", '{"nodes":[{"id":"a","labels":["P"]}],"nodes":[]}', "g.json: the name 'nodes' occurs twice"),
    ("g.jsonl", '{' + NODE + ',"properties":{"n":1,"n":2}}\n', "g.jsonl:1: the name 'n' occurs twice"),
    ("g.jsonl", '{' + NODE + ',"id":"b"}\n', "g.jsonl:1: the name 'id' occurs twice"),
])
def test_duplicate_json_names_are_refused(tmp_path, name, text, expected):
    only_problem(written(tmp_path, name, text), expected.split(": ")[0].split(":")[0], expected)


@pytest.mark.parametrize(("header", "expected"), [
    ("key:ID,:LABEL,name,name", "2 columns for the property 'name'"),
    ("key:ID,:LABEL,year:int,year", "2 columns for the property 'year'"),
    ("key:ID,:LABEL,key", "2 columns for the property 'key'"),
    (":ID,:LABEL,other:ID", "2 :ID columns"),
])
def test_repeated_csv_columns_are_refused(tmp_path, header, expected):
    row = ",".join(["a", "P", "1", "2"][:header.count(",") + 1])
    path = written(tmp_path, "nodes.csv", f"{header}\n{row}\n")
    only_problem(path, "nodes.csv:1", expected)


@pytest.mark.parametrize(("text", "expected"), [
    ('{"nodes":[{"id":null,"labels":["P"]}]}', "nodes[0]: a node's 'id' is null"),
    ('{"nodes":[{"id":"a","labels":[null]}]}', "nodes[0] (id 'a'): a node needs a non-empty 'labels' list"),
    ('{"nodes":[{"id":"a","labels":["P"]}],"links":[{"source":"a","target":"a","type":null}]}',
     "links[0]: a link's 'type' must be a string, not null"),
    ('{"nodes":[{"id":"a","labels":["P"]}],"links":[{"source":"a","target":"a","type":"T","key":null}]}',
     "links[0]: property 'key' is null"),
])
def test_nulls_in_identity_positions_are_refused(tmp_path, text, expected):
    only_problem(written(tmp_path, "g.json", text), "g.json", expected)


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE graphml [<!ENTITY foo "bar">]>\n',
    '<!DOCTYPE graphml [<!ENTITY foo SYSTEM "file:///etc/hostname">]>\n',
    '<!DOCTYPE graphml SYSTEM "http://example.invalid/graphml.dtd">\n',
    '<!DOCTYPE graphml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n',
])
def test_graphml_entities_are_refused_not_emptied(tmp_path, doctype):
    path = written(tmp_path, "g.graphml", GRAPHML.format(doctype=doctype, type="string", value="x&foo;&d;y"))
    only_problem(path, "g.graphml:2", "DOCTYPE")


def test_undefined_graphml_entity_stays_an_error(tmp_path):
    path = written(tmp_path, "g.graphml", GRAPHML.format(doctype="", type="string", value="x&foo;y"))
    only_problem(path, "g.graphml:5", "undefined entity")


# --- 3. tracebacks that become messages ----------------------------------------------------------


DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "1" * 5000


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("g.json", DEEP, ("g.json", "nested deeper")),
    ("g.json", '{"nodes":[{"id":"a","labels":["P"],"n":' + "[" * 200 + "]" * 200 + "}]}",
     ("g.json: nodes[0]", "nested deeper than 64 levels")),
    ("g.jsonl", '{' + NODE + '}\n{' + NODE + ',"properties":{"n":' + DEEP + '}}\n',
     ("g.jsonl:2", "nested deeper")),
    ("g.json", '{"nodes":[{"id":"a","labels":["P"],"n":' + HUGE + '}]}', ("g.json", "5,000 digits")),
    ("g.jsonl", '{' + NODE + ',"properties":{"n":-' + HUGE + '}}\n', ("g.jsonl:1", "5,000 digits")),
    ("nodes.csv", "key:ID,:LABEL,n:long\na,P," + HUGE + "\n", ("nodes.csv:2", "outside the 64-bit integers")),
    ("g.graphml", GRAPHML.format(doctype="", type="long", value=HUGE), ("g.graphml:5", "outside the 64-bit")),
    ("g.graphml", GRAPHML.format(doctype="", type='string" attr.list="long', value=DEEP[:4000]),
     ("g.graphml:5", "nested deeper")),
])
def test_deep_nesting_and_huge_integers_are_messages(tmp_path, name, text, expected):
    only_problem(written(tmp_path, name, text), *expected)


@pytest.mark.parametrize(("change", "expected"), [
    (("x: 1", "x: " + "[" * 100_000), "nested deeper than 64 levels"),
    (("x: 1", "x: " + HUGE), "5,000 digits is outside the 64-bit integers"),
])
def test_curated_yaml_deep_nesting_and_huge_integers(tmp_path, change, expected):
    path = write(tmp_path, GOOD_NODES + "  - key: extra\n    label: Person\n    name: X\n    x: 1\n")
    path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:") and expected in problem, problem


@pytest.mark.parametrize(("change", "expected"), [
    (("sections: [Lead, History]", "sections: 5"), "'sections' must be a list of section headings"),
    (("sections: [Lead, History]", "sections: [[Lead]]"), "'sections' must be a list"),
    (("file: article.txt", "file: [article.txt]"), "'file' must be a non-empty string"),
    (("title: Test", "title: {a: b}"), "'title' must be a non-empty string"),
    (("key: test-source", "key: 5"), "'key' must be a non-empty string"),
    (("title: Test", "title: Test\n  origin: [x]"), "'origin' must be a string"),
    (("  name: Bob\n", "  name: Bob\n  kind: [x]\n"), "'kind' must be a non-empty string"),
    (("  name: Bob\n", "  name: Bob\n  date: [2001]\n"), "date must be text"),
])
def test_wrong_types_in_curated_yaml_are_messages(tmp_path, change, expected):
    path = write(tmp_path, GOOD_NODES)
    path.write_text(path.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:") and expected in problem, problem


def test_deeply_nested_command_line_parameter_is_a_message(cli):
    result = cli("query", "-e", "RETURN $x AS x", "-p", "x=" + DEEP)
    assert result.code == 2 and "nests lists or maps deeper" in result.err, result


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_encrypted_zip_member_is_a_message(tmp_path):
    path = zip_of(tmp_path / "g.zip", {"nodes.csv": b"key:ID,:LABEL\na,P\n"})
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        at = data.index(signature)
        data[at + flag_at] |= 0x1
    path.write_bytes(bytes(data))
    only_problem(path, "g.zip/nodes.csv", "encrypted")


def test_corrupt_zip_members_are_messages(tmp_path):
    good = zip_of(tmp_path / "good.zip", {"nodes.csv": b"key:ID,:LABEL,n\n" + b"a,P,x\n" * 50}).read_bytes()
    rng, crashes = random.Random(14), []
    start = good.index(b"nodes.csv") + len(b"nodes.csv")  # the compressed data follows the name
    for _ in range(200):
        data = bytearray(good)
        data[rng.randrange(start, start + 40)] ^= 1 << rng.randrange(8)
        path = tmp_path / "g.zip"
        path.write_bytes(bytes(data))
        try:
            read_sources([path])
        except LoadError:
            pass
        except Exception as exc:  # any other exception is a finding
            crashes.append(f"{type(exc).__name__}: {exc}")
    assert not crashes, sorted(set(crashes))


# --- 4. limits -----------------------------------------------------------------------------------


def test_zip_bomb_member_is_refused_before_it_is_read_whole(tmp_path):
    path = zip_of(tmp_path / "g.zip", {"nodes.csv": b"key:ID,:LABEL,n\na,P," + b"x" * (50 << 20) + b"\n"})
    assert path.stat().st_size < 200_000
    only_problem(path, "g.zip/nodes.csv", f"expands more than {reading.MAX_RATIO} times")


def test_archive_total_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ARCHIVE_BYTES", 1000)
    row = bytes(range(32, 127)) + b"\n"  # text that hardly compresses: the ratio is no help here
    path = zip_of(tmp_path / "g.zip", {"a.csv": b"key:ID,:LABEL,n\n", "b.csv": b"a,P," + row * 12})
    only_problem(path, "g.zip/b.csv", "expands to more than 1,000 bytes")


@pytest.mark.parametrize("name", ["/dev/zero", "../outside.txt", "sub/../../outside.txt", "link.txt",
                                  "folder"])
def test_curated_source_file_stays_in_its_folder(tmp_path, name):
    (tmp_path / "outside.txt").write_text(TEXT, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "folder").mkdir()
    (data / "link.txt").symlink_to(tmp_path / "outside.txt")
    path = write(data, GOOD_NODES)
    path.write_text(path.read_text(encoding="utf-8").replace("file: article.txt", f"file: {name}"),
                    encoding="utf-8")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:2: source file {name!r}"), problem


def test_curated_source_file_may_be_in_the_sources_folder_beside(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "text.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "articles").mkdir()
    path = write(tmp_path / "articles", GOOD_NODES)
    text = path.read_text(encoding="utf-8").replace("file: article.txt", "file: ../sources/text.txt")
    path.write_text(text, encoding="utf-8")
    os.remove(tmp_path / "articles" / "article.txt")
    assert read_sources([path]).nodes[0].properties["file"] == "text.txt"


def test_a_duplicate_among_60000_yaml_keys_is_found(tmp_path):
    """The check was quadratic (50 s for this mapping); bench it by hand, not here."""
    keys = "".join(f"    k{i}: {i}\n" for i in range(60_000))
    path = write(tmp_path, GOOD_NODES + "  - key: many\n    label: Person\n    name: Many\n"
                 + keys + "    k59999: again\n")
    (problem,) = problems(path)
    line = len(HEADER.splitlines()) + len(GOOD_NODES.splitlines()) + 1  # where the mapping starts
    assert problem == f"{path}:{line}: duplicate key(s) 'k59999' in one mapping", problem


# --- fuzz ----------------------------------------------------------------------------------------


def hostile_variants(data: bytes, rng: random.Random) -> list[bytes]:
    """Truncated at every 7th byte, bytes flipped, re-encoded as UTF-16 and Latin-1."""
    cuts = [data[:i] for i in range(0, len(data), 7)]
    flips = []
    for _ in range(150):
        flipped = bytearray(data)
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        flips.append(bytes(flipped))
    text = data.decode("utf-8", "replace")
    return [*cuts, *flips, text.encode("utf-16"), text.encode("latin-1", "replace")]


def sample_files(tmp_path: Path) -> dict[str, bytes]:
    store = NetworkxStore()
    store.load(awkward_batch())
    subgraph = whole_graph(store)
    files = {}
    for name, writer in (("g.json", write_nodelink_json), ("g.jsonl", write_jsonl),
                         ("g.graphml", write_graphml), ("g.zip", write_admin_csv)):
        writer(subgraph, tmp_path / name)
        files[name] = (tmp_path / name).read_bytes()
    with zipfile.ZipFile(io.BytesIO(files["g.zip"])) as archive:
        files["nodes.csv"] = archive.read("nodes.csv")
    files["data.yaml"] = (HEADER + GOOD_NODES).encode("utf-8")
    return files


def test_no_broken_file_gives_anything_but_a_load_error(tmp_path):
    rng, crashes = random.Random(14), []
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    for name, data in sample_files(tmp_path).items():
        path = tmp_path / f"case{Path(name).suffix}"
        for variant in hostile_variants(data, rng):
            path.write_bytes(variant)
            try:
                read_sources([path])
            except LoadError as exc:
                str(exc).encode("utf-8")
            except Exception as exc:  # any other exception is a finding
                crashes.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
    assert not crashes, sorted(set(crashes))
