"""The data model refuses what Neo4j would refuse or what would break exports."""

from __future__ import annotations

import math

import pytest

from relgraph.graph.values import temporal
from relgraph.graph.values.errors import LoadError, ModelError
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
    default_rel_key,
)


def node(key="a", labels=("Person",), **props):
    return NodeSpec(list(labels), {"key": key, "name": key.title(), **props})


@pytest.mark.parametrize("label", ["person", "Per son", "", "1Person", "PERSON_X"])
def test_labels_must_be_pascal_case(label):
    with pytest.raises(ModelError, match="PascalCase"):
        node(labels=(label,))


@pytest.mark.parametrize("rel_type", ["locatedIn", "Located_In", "LOCATED-IN", "_X"])
def test_relationship_types_must_be_upper_snake_case(rel_type):
    with pytest.raises(ModelError, match="UPPER_SNAKE_CASE"):
        RelSpec(rel_type, NodeKey("A", "a"), NodeKey("A", "b"), {"key": "k"})


@pytest.mark.parametrize("name", ["ValueUsd", "value_usd", "value-usd", "1x"])
def test_property_names_must_be_camel_case(name):
    with pytest.raises(ModelError, match="camelCase"):
        node(**{name: 1})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "null"),
        (math.nan, "no export format"),
        (math.inf, "no export format"),
        ([[1], [2]], "nested list"),
        ([1, "a"], "mixes"),
        ({"a": 1}, "unsupported type"),
        ([temporal.parse_date("2024-06-14"), temporal.parse_local_datetime("2024-06-14T09:30")],
         "mixes date values and localdatetime values"),
        ([temporal.parse_date("2024-06-14"), "2024-06-15"], "mixes date values and strings"),
    ],
)
def test_property_values_neo4j_cannot_store_are_refused(value, message):
    with pytest.raises(ModelError, match=message):
        node(bad=value)


def test_accepted_values_are_kept_as_given():
    spec = node(year=1992, share=0.5, flag=True, names=["a", "b"], low=-(2**63), high=2**63 - 1)
    assert spec.properties["year"] == 1992 and isinstance(spec.properties["year"], int)
    assert (spec.properties["low"], spec.properties["high"]) == (-(2**63), 2**63 - 1)


def test_temporal_values_are_kept_as_neo4j_keeps_them():
    """What a typed neo4j-admin column loads as (founded:date): the engine's values, as both
    backends return them, alone or in lists of one kind."""
    founded = temporal.parse_date("1394-10-28")
    spans = [temporal.parse_duration("P1Y"), temporal.parse_duration("PT2H30M")]
    spec = node(founded=founded, spans=spans)
    assert spec.properties["founded"] is founded and spec.properties["spans"] == spans


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**70, [1, 2**64]])
def test_integers_beyond_64_bits_are_refused_as_neo4j_refuses_them(value):
    """The embedded store could keep them; Neo4j cannot, so the model refuses them for both."""
    with pytest.raises(ModelError, match=r"'big' is -?\d+, outside the 64-bit integers Neo4j stores"):
        node(big=value)


def test_a_list_mixing_integers_and_floats_becomes_floats_as_in_neo4j():
    mixed = node(mixed=[1, 2.5]).properties["mixed"]
    assert mixed == [1.0, 2.5] and all(type(x) is float for x in mixed)
    assert [type(x) for x in node(whole=[1, 2]).properties["whole"]] == [int, int]


def test_nodes_need_a_string_key():
    with pytest.raises(ModelError, match="key"):
        NodeSpec(["Person"], {"name": "x"})


def test_batch_validation_lists_every_problem_with_its_origin():
    a = node("a")
    a2 = NodeSpec(["Person"], {"key": "a"}, origin="file.csv:7")
    rel = RelSpec("KNOWS", NodeKey("Person", "a"), NodeKey("Person", "zz"), {"key": "r"},
                  origin="rels.csv:3")
    batch = GraphBatch("test", [a, a2], [rel])
    with pytest.raises(LoadError) as info:
        batch.validate()
    problems = info.value.problems
    assert any("file.csv:7" in p and "duplicate key 'a'" in p for p in problems)
    assert any("rels.csv:3" in p and "unknown end node" in p for p in problems)


def test_batch_may_refer_to_nodes_already_in_the_store():
    rel = RelSpec("KNOWS", NodeKey("Person", "a"), NodeKey("Person", "b"), {"key": "r"})
    GraphBatch("test", [node("a")], [rel]).validate(known=[NodeKey("Person", "b")])


def test_default_relationship_keys_are_readable_and_tell_parallel_edges_apart():
    a, b = NodeKey("Person", "a"), NodeKey("City", "b")
    assert default_rel_key(a.key, "LIVES_IN", b.key) == "a-lives_in-b"
    assert default_rel_key(a.key, "LIVES_IN", b.key, 2) == "a-lives_in-b-2"
