"""Script headers, typed parameters and the errors users see before anything runs."""

from __future__ import annotations

import pytest

from relgraph.queries.library import (
    Parameter,
    QueryScript,
    ScriptError,
    builtin_scripts,
    find_script,
    parse_assignments,
    parse_literal,
)

SCRIPT = """\
// Title line
//
// A description that spans
// two lines.
//
// @param name: string = 'Seoul'
// @param depth: int = 2
// @param share: float = 0.5
// @param flag: boolean = false
// @param tags: list<string> = ['a', 'b']
// @param required: int
MATCH (n) RETURN n
"""

REQUIRED_SCRIPTS = {
    "visits", "person-visits", "agreements", "timeline", "honours", "offices",
    "institutions-abroad", "city", "ego-network", "shortest-connection", "schema-overview",
    "money", "counterparts", "facts-about", "events-between",
}


def test_header_is_parsed():
    script = QueryScript.parse(SCRIPT, "demo")
    assert script.title == "Title line"
    assert script.description == "A description that spans two lines."
    assert [(p.name, p.type) for p in script.parameters] == [
        ("name", "string"), ("depth", "int"), ("share", "float"), ("flag", "boolean"),
        ("tags", "list<string>"), ("required", "int")]
    assert script.parameters[4].default == ["a", "b"] and script.parameters[5].required


def test_values_are_typed_from_the_header():
    script = QueryScript.parse(SCRIPT, "demo")
    values = script.bind({"depth": "3", "flag": "TRUE", "tags": "x, y", "required": "7",
                          "share": "2"})
    assert values == {"name": "Seoul", "depth": 3, "share": 2.0, "flag": True,
                      "tags": ["x", "y"], "required": 7}
    assert script.bind({"required": "1", "tags": "['p', 'q']"})["tags"] == ["p", "q"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "missing parameter(s): required: int"),
        ({"required": "1", "colour": "red"}, "unknown parameter(s) colour; it takes: name, depth"),
        ({"required": "two"}, "--param required: 'two' is not an int"),
        ({"required": "1", "flag": "yes"}, "'yes' is not a boolean"),
        ({"required": "1", "share": "half"}, "--param share: 'half' is not a float"),
        ({"required": "1", "tags": "[1, 2]"}, "1 is not a string"),
    ],
)
def test_parameter_errors(given, message):
    with pytest.raises(ScriptError) as info:
        QueryScript.parse(SCRIPT, "demo").bind(given)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("// @param x string", "cannot read parameter line"),
        ("// @param x: colour = 1", "unknown type 'colour'"),
        ("// @param x: int = 'a'", "'a' is not an int"),
        ("// @param x: int = [", "cannot read the value"),
    ],
)
def test_bad_header_lines_name_the_line(line, message):
    with pytest.raises(ScriptError) as info:
        QueryScript.parse(f"// T\n{line}\nRETURN 1", "bad")
    assert "bad:2" in str(info.value) or "parameter x" in str(info.value)
    assert message in str(info.value)


def test_literals():
    assert parse_literal("'it\\'s'", "x") == "it's"
    assert parse_literal('["true", true, null, 1.5]', "x") == ["true", True, None, 1.5]
    assert Parameter("n", "list<int>").convert("") == []


def test_every_shipped_script_is_documented():
    scripts = builtin_scripts()
    assert REQUIRED_SCRIPTS <= set(scripts)
    for script in scripts.values():
        assert script.title and script.description, script.name
        assert all(not p.required for p in script.parameters), script.name
        assert "$" not in script.text or script.parameters, script.name
        for param in script.parameters:
            assert f"${param.name}" in script.text, f"{script.name}: ${param.name} is unused"


def test_find_by_name_path_and_suggestion(tmp_path):
    assert find_script("visits").title.startswith("Visits")
    path = tmp_path / "mine.cypher"
    path.write_text("// Mine\n// What it does\nRETURN 1", encoding="utf-8")
    assert find_script(str(path)).name == "mine"
    with pytest.raises(ScriptError, match="did you mean visits"):
        find_script("visit")


def test_assignments():
    assert parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ScriptError):
        parse_assignments(["novalue"])
