"""The curated-YAML loader: bad input gets file:line and what is wrong; nothing half-loaded."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from relgraph.graph.values.errors import LoadError
from relgraph.loaders import read_sources
from relgraph.loaders.curated import kind_label, normalise_date, split_sections

from .conftest import ARTICLE_TEXT

HEADER = """\
source:
  key: test-source
  title: Test
  file: article.txt
  sections: [Lead, History]
nodes:
"""

TEXT = """= Test =

Alice met Bob in Paris in 2001.

==History==
Bob moved to Rome in March 2004.
"""

GOOD_NODES = """\
  - key: alice
    label: Person
    name: Alice
    section: Lead
    quote: Alice met Bob in Paris in 2001.
    out:
      - type: MET
        to: bob
        year: 2001
  - key: bob
    label: Person
    name: Bob
    section: History
    quote: Bob moved to Rome in March 2004.
  - key: move
    label: Event
    kind: move
    name: Bob moves to Rome
    date: 2004-03
    section: History
    quote: Bob moved to Rome in March 2004.
"""


def write(tmp_path: Path, nodes: str, extra: str = "") -> Path:
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "data.yaml"
    path.write_text(HEADER + textwrap.dedent(nodes) + extra, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(LoadError) as info:
        read_sources([path])
    return info.value.problems


def test_good_file_loads_with_derived_labels_dates_and_provenance(tmp_path):
    batch = read_sources([write(tmp_path, GOOD_NODES)])
    by_key = {n.key: n for n in batch.nodes}
    assert by_key["move"].labels == ["Event", "Move"]
    assert by_key["move"].properties["year"] == 2004
    assert by_key["move"].properties["datePrecision"] == "month"
    assert by_key["alice"].properties["sourceId"] == "test-source"
    (met,) = batch.relationships
    assert met.properties["quote"] == "Alice met Bob in Paris in 2001."  # inherited
    assert met.key == "alice-met-bob"
    assert by_key["test-source"].labels == ["Source"]


def test_unknown_reference_names_line_and_suggests(tmp_path):
    path = write(tmp_path, GOOD_NODES.replace("to: bob", "to: bobb"))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:13:")
    assert "unknown node 'bobb'" in problem and "did you mean bob" in problem


def test_quote_not_in_the_article_is_refused(tmp_path):
    path = write(tmp_path, GOOD_NODES.replace("quote: Alice met Bob in Paris in 2001.",
                                              "quote: Alice met Bob in Rome in 2001."))
    (problem,) = problems(path)
    assert f"{path}:7:" in problem and "does not occur verbatim" in problem


def test_quote_in_the_wrong_section_says_where_it_is(tmp_path):
    path = write(tmp_path, GOOD_NODES.replace("section: Lead", "section: History", 1))
    (problem,) = problems(path)
    assert "in section 'History'" in problem and "it is in section 'Lead'" in problem


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("date: 2004-03", "date: 2004-13"), "month must be in 1..12"),
        (("date: 2004-03", "date: March 2004"), "is not YYYY, YYYY-MM or YYYY-MM-DD"),
        (("date: 2004-03", "date: 2004-03\n    year: 2005"), "year 2005 contradicts date 2004-03"),
        (("year: 2001", "year: two thousand"), "is not a year"),
        (("    kind: move\n", ""), "need a 'kind'"),
        (("key: bob", "key: alice"), "duplicate node key 'alice'"),
        (("key: bob", "key: Bob Smith"), "kebab-case"),
        (("label: Person\n    name: Alice", "label: person\n    name: Alice"), "PascalCase"),
        (("type: MET", "type: met"), "UPPER_SNAKE_CASE"),
        (("section: Lead", "section: Intro"), "unknown section 'Intro'"),
    ],
)
def test_bad_values_are_reported(tmp_path, change, message):
    path = write(tmp_path, GOOD_NODES.replace(*change, 1))
    found = problems(path)
    assert any(message in p and str(path) in p for p in found), found


def test_yaml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, GOOD_NODES + "  - key: [unclosed\n")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:29:") and "expected ','" in problem


def test_duplicate_mapping_key_in_yaml_is_an_error(tmp_path):
    path = write(tmp_path, GOOD_NODES.replace("    name: Bob\n", "    name: Bob\n    name: Robert\n"))
    (problem,) = problems(path)
    assert "duplicate key(s) 'name'" in problem


def test_all_problems_are_listed_at_once(tmp_path):
    broken = GOOD_NODES.replace("to: bob", "to: nobody").replace("date: 2004-03", "date: 2004-99")
    assert len(problems(write(tmp_path, broken))) == 2


def test_missing_source_text(tmp_path):
    path = write(tmp_path, GOOD_NODES)
    (tmp_path / "article.txt").unlink()
    (problem,) = problems(path)
    assert "cannot read source text" in problem


def test_the_article_sections_are_found():
    sections = split_sections(ARTICLE_TEXT.read_text(encoding="utf-8"))
    assert list(sections) == ["Lead", "History", "Economic relations",
                              "Cultural/educational relations", "Koryo-saram", "See also"]
    assert "recognize independence of Uzbekistan" in sections["Lead"]


def test_helpers():
    assert kind_label("cultural centre") == "CulturalCentre"
    assert kind_label("nuclear test") == "NuclearTest"
    assert normalise_date("2024-06-14") == ("2024-06-14", 2024, "day")
    with pytest.raises(ValueError):
        normalise_date("2024-02-30")


def test_shipped_article_copy_is_what_the_data_cites(tmp_path):
    """A user may copy the data folder elsewhere; relative source paths keep working."""
    root = Path(__file__).resolve().parents[1] / "data"
    shutil.copytree(root, tmp_path / "data")
    batch = read_sources([tmp_path / "data" / "articles" / "south-korea-uzbekistan.yaml"])
    assert len(batch.nodes) > 100
