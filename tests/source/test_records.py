"""Typed records: conversion, every problem reported by its path, defaults, JSON Schema."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import pytest
from example_project import ExampleProject, assert_located

from generator.errors import Report
from generator.source.firm import Firm
from generator.source.model import Assignment
from generator.source.reading import ProseMapping, load_yaml
from generator.source.records import (
    Check,
    Invalid,
    Issue,
    Key,
    Problem,
    Record,
    between,
    build,
    fields,
    json_schema,
    matching,
    non_empty,
)
from generator.source.references import walk


def _upper(value: str) -> str:
    if value != value.upper():
        raise Problem("must be in capitals", "write it in capitals")
    return value


class Leaf(Record):
    """A leaf."""

    name: Annotated[str, non_empty]
    code: Annotated[str, Check(_upper)] | None = None


class Tree(Record):
    """A tree of leaves."""

    title: str
    kind: Literal["oak", "elm"] = "oak"
    leaves: Annotated[list[Leaf], non_empty]
    scores: dict[str, Annotated[int, between(1, 5)]] = {}
    planted: datetime.date | None = None
    height: Decimal | None = None
    evergreen: bool = False
    in_: Annotated[list[str], Key("in")] = []
    slug: Annotated[str, matching(r"[a-z]+", "slug", "lowercase letters")] = "x"


def issues_of(data: Any) -> list[Issue]:
    _, issues = build(Tree, data)
    return issues


def only(data: Any) -> Issue:
    issues = issues_of(data)
    assert len(issues) == 1, issues
    return issues[0]


GOOD = {"title": "T", "leaves": [{"name": "a"}]}


def test_builds_with_defaults_and_aliases() -> None:
    tree, issues = build(Tree, {**GOOD, "in": ["x"], "planted": "2027-01-11", "height": 3})
    assert issues == [] and tree is not None
    assert tree.kind == "oak" and tree.scores == {} and tree.in_ == ["x"]
    assert tree.planted == datetime.date(2027, 1, 11)
    assert tree.height == Decimal(3) and isinstance(tree.height, Decimal)
    assert tree.leaves == [Leaf(name="a")]


def test_text_takes_numbers_dates_and_prose_as_typed() -> None:
    prose = ProseMapping({"Aanwerving (wel": "mee)"})
    prose.raw = "Aanwerving (wel: mee)"
    tree, issues = build(Tree, {**GOOD, "title": datetime.date(2027, 6, 14),
                                "leaves": [{"name": 9}, {"name": prose}]})
    assert issues == []
    assert tree.title == "2027-06-14"
    assert [leaf.name for leaf in tree.leaves] == ["9", "Aanwerving (wel: mee)"]


class Moving(Record):
    name: str
    MOVED: ClassVar[dict[str, tuple[str, str]]] = {"naam": ("`naam` is now `name`",
                                                           "rename it")}


def test_a_moved_key_is_named_with_its_fix() -> None:
    """A record's MOVED keys (of earlier versions of the format) say where they went."""
    record, issues = build(Moving, {"name": "x", "naam": "y"})
    assert record is not None and record.name == "x"
    assert [(i.path, i.message, i.hint) for i in issues] == [
        (("naam",), "`naam` is now `name`", "rename it")]
    assert "MOVED" not in fields(Moving) and "naam" not in json_schema(Moving)["properties"]


def test_unknown_key_suggests_the_nearest() -> None:
    issue = only({**GOOD, "titel": "x"})
    assert issue.path == ("titel",)
    assert issue.message == "unknown key 'titel'"
    assert issue.hint == "did you mean 'title'?"


def test_unknown_key_without_a_near_one_lists_the_allowed() -> None:
    issue = only({**GOOD, "zzzzzz": 1})
    assert issue.hint.startswith("allowed here: ") and "evergreen" in issue.hint


def test_unknown_key_is_dropped_and_the_record_still_built() -> None:
    tree, issues = build(Tree, {**GOOD, "colour": "green"})
    assert tree is not None and len(issues) == 1


def test_missing_key_names_its_parent() -> None:
    issue = only({"title": "T", "leaves": [{"code": "A"}]})
    assert issue.path == ("leaves", 0, "name")
    assert issue.message == "missing key 'name'"
    assert issue.hint == "add `name:` under leaves.0"
    assert only({"leaves": [{"name": "a"}]}).hint == "add `title:` under the top level"


def test_every_problem_in_one_pass() -> None:
    issues = issues_of({"title": ["a"], "kind": "ash", "leaves": [{"name": ""}, {"name": "b",
                        "code": "b"}], "scores": {"x": 9}, "planted": "14-06-2027",
                        "height": "tall", "evergreen": "yes", "slug": "A-1", "extra": 1})
    found = {issue.path: issue for issue in issues}
    assert set(found) == {("extra",), ("title",), ("kind",), ("leaves", 0, "name"),
                          ("leaves", 1, "code"), ("scores", "x"), ("planted",), ("height",),
                          ("evergreen",), ("slug",)}
    assert found[("title",)].message == "title: expected text, got a list"
    assert found[("kind",)].message == "kind: 'ash' is not allowed"
    assert found[("kind",)].hint == "use one of 'oak' or 'elm'"
    assert found[("leaves", 0, "name")].message == "leaves.0.name is empty"
    assert found[("leaves", 1, "code")].message == "leaves.1.code: must be in capitals"
    assert found[("scores", "x")].hint == "give a number from 1 to 5"
    _, money = build(Tree, {**GOOD, "scores": {"x": 0}})
    assert money[0].message == "scores.x: 0 is out of range"
    assert "YYYY-MM-DD" in found[("planted",)].hint
    assert found[("height",)].message == "height: expected a number, got 'tall'"
    assert found[("evergreen",)].hint == "write true or false"
    assert found[("slug",)].message == "slug: 'A-1' is not a valid slug"


def test_failed_record_gives_none() -> None:
    tree, issues = build(Tree, {"title": "T", "leaves": []})
    assert tree is None
    assert [i.message for i in issues] == ["leaves is empty"]


@pytest.mark.parametrize(("value", "said"), [
    ("x", "expected `key: value` lines, got 'x'"),
    (["x"], "expected `key: value` lines, got a list"),
    (None, "has no value"),
])
def test_wrong_shapes(value: object, said: str) -> None:
    _, issues = build(Tree, {"title": "T", "leaves": [value]})
    assert said in issues[0].message


def test_empty_list_or_mapping_is_the_default() -> None:
    tree, issues = build(Tree, {**GOOD, "scores": None, "in": None, "planted": None})
    assert issues == [] and tree.scores == {} and tree.in_ == [] and tree.planted is None


@pytest.mark.parametrize("key", ["evergreen", "kind", "slug"])
def test_empty_value_where_the_default_is_a_value_is_an_error(key: str) -> None:
    """`confidential:` left empty must not quietly become `false`."""
    issue = only({**GOOD, key: None})
    assert issue.message == f"{key} has no value"
    assert issue.hint == "write a value after the colon"


def test_text_fields_take_typed_scalars_as_written() -> None:
    data = {**GOOD, "title": 1.1, "leaves": [{"name": True}, {"name": 750}]}
    typed = {("title",): "1.10", ("leaves", 0, "name"): "yes", ("leaves", 1, "name"): "12:30"}
    tree, issues = build(Tree, data, typed)
    assert issues == []
    assert tree.title == "1.10"
    assert [leaf.name for leaf in tree.leaves] == ["yes", "12:30"]
    tree, _ = build(Tree, {**GOOD, "height": 1.1}, {("height",): "1.10"})
    assert tree.height == Decimal("1.1"), "numbers stay numbers"


def test_invalid_survives_pickling() -> None:
    import pickle

    with pytest.raises(Invalid) as info:
        Tree(title="T", leaves=[])
    again = pickle.loads(pickle.dumps(info.value))
    assert again.issues == info.value.issues and str(again) == str(info.value)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), "1e30", True])
def test_numbers_finite_and_bounded(value: object) -> None:
    class Money(Record):
        amount: Annotated[Decimal, between(Decimal("-1e12"), Decimal("1e12"))]

    _, issues = build(Money, {"amount": value})
    assert len(issues) == 1 and issues[0].path == ("amount",)


def test_whole_numbers() -> None:
    class Count(Record):
        n: int

    assert build(Count, {"n": "30"})[0].n == 30
    assert build(Count, {"n": 30.0})[0].n == 30
    for bad in (30.5, True, "thirty"):
        assert build(Count, {"n": bad})[1][0].hint == "write a whole number"


def test_records_are_frozen_and_defaults_not_shared() -> None:
    first, second = (Tree(title="T", leaves=[Leaf(name=n)]) for n in "ab")
    with pytest.raises(AttributeError):
        first.title = "U"  # type: ignore[misc]
    assert first.in_ is not second.in_ and first.scores is not second.scores


def test_constructor_raises_every_issue() -> None:
    with pytest.raises(Invalid) as info:
        Tree(title="T", leaves=[], kind="ash")
    assert {i.path for i in info.value.issues} == {("kind",), ("leaves",)}
    with pytest.raises(TypeError, match="no field 'colour'"):
        Tree(title="T", leaves=[], colour="green")


def test_walk_yields_source_paths() -> None:
    tree = Tree(title="T", leaves=[Leaf(name="a")], in_=["x"])
    leaves = dict(walk(tree))
    assert leaves[("leaves", 0, "name")] == "a"
    assert leaves[("in", 0)] == "x"


# --------------------------------------------------------------------------- JSON Schema

def test_schema_of_a_record() -> None:
    schema = json_schema(Tree)
    assert schema["required"] == ["title", "leaves"]
    assert schema["additionalProperties"] is False
    assert schema["description"] == "A tree of leaves."
    props = schema["properties"]
    assert props["kind"] == {"enum": ["oak", "elm"]}
    assert props["leaves"] == {"type": "array", "items": {"$ref": "#/$defs/Leaf"},
                               "minItems": 1}
    scores = props["scores"]["anyOf"][0]  # `scores:` with nothing after it is allowed
    assert props["scores"]["anyOf"][1] == {"type": "null"}
    assert scores["additionalProperties"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert props["evergreen"] == {"type": "boolean"}, "an empty value there is an error"
    assert props["planted"] == {"anyOf": [{"type": "string", "format": "date"},
                                          {"type": "null"}]}
    assert schema["$defs"]["Leaf"]["properties"]["name"]["minLength"] == 1
    assert "in" in props and "in_" not in props
    assert props["slug"]["pattern"] == "^(?:[a-z]+)$"
    assert props["title"]["anyOf"][0] == {"type": ["string", "number", "boolean"]}
    assert schema["$defs"]["Leaf"]["required"] == ["name"]


JSON_TYPES = {"string": (str, datetime.date), "number": (int, float), "integer": (int,),
              "boolean": (bool,), "array": (list,), "object": (dict,), "null": (type(None),)}


def _conforms(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str) -> None:
    """A small JSON Schema check: enough to prove the schema admits what the model admits.

    Dates count as strings, as YAML 1.2 (what editors use) reads them.
    """
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        failures = []
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        for branch in schema["anyOf"]:
            try:
                _conforms(value, {**rest, **branch}, root, path)
                break
            except AssertionError as failure:
                failures.append(str(failure))
        else:
            raise AssertionError(" / ".join(failures))
        return
    if "enum" in schema:
        assert value in schema["enum"], path
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds:
        allowed = tuple(t for k in kinds for t in JSON_TYPES[k])
        assert isinstance(value, allowed), f"{path}: {value!r} is not {kinds}"
        assert not isinstance(value, bool) or "boolean" in kinds, path
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), path
    if "maxProperties" in schema:
        assert len(value) <= schema["maxProperties"], path
    if "object" in kinds and "properties" in schema:
        assert set(schema.get("required", ())) <= set(value), path
        for key, item in value.items():
            assert key in schema["properties"], f"{path}.{key} not in the schema"
            _conforms(item, schema["properties"][key], root, f"{path}.{key}")
    elif "object" in kinds and "additionalProperties" in schema:
        for key, item in value.items():
            _conforms(item, schema["additionalProperties"], root, f"{path}.{key}")
    elif "array" in kinds:
        for index, item in enumerate(value):
            _conforms(item, schema["items"], root, f"{path}.{index}")


@pytest.mark.parametrize("assignment", ["dl-logistiek-2027", "northwind-finance-2027"])
def test_the_examples_conform_to_the_schema(assignment: str) -> None:
    schema = json_schema(Assignment)
    folder = Path(__file__).resolve().parents[2] / "assignments" / assignment
    source = load_yaml(folder / "assignment.yaml", Report(), include_root=folder)
    assert source is not None
    _conforms(source.data, schema, schema, "")


def test_the_schema_describes_every_record() -> None:
    schema = json_schema(Assignment)
    assert schema["properties"]["documents"] == {"anyOf": [{"$ref": "#/$defs/Documents"},
                                                           {"type": "null"}]}
    assert "action-plan" in schema["$defs"]["Documents"]["properties"]
    assert schema["properties"]["language"] == {"enum": ["nl", "en", "fr"]}


def test_the_schema_refuses_what_the_model_refuses(example: ExampleProject) -> None:
    schema = json_schema(Assignment)
    source = load_yaml(example.yaml, Report(), include_root=example.folder)
    assert source is not None
    for key, bad in (("id", "DL-Logistiek"), ("language", "de"), ("confidential", "ja")):
        with pytest.raises(AssertionError):
            _conforms({**source.data, key: bad}, schema, schema, "")


def test_firm_paths_must_be_relative() -> None:
    _, issues = build(Firm, {"name": "F", "logo": "/etc/logo.png"})
    assert [i.message for i in issues] == ["logo: give a path relative to firm.yaml"]


def test_a_marker_on_a_type_is_no_step_and_has_no_schema() -> None:
    """`Unit("money")` says what a number counts: described as the number it marks, read
    from its text as typed (a count without the unit is read as YAML reads it)."""
    from generator.source.model import Amount, Money, Terms
    from generator.source.records import Unit, convert, kind_of

    assert Unit("money") in Money.__metadata__
    assert convert(Money, "1250.50") == (Decimal("1250.50"), [])
    assert convert(Money, "2000000000000")[1][0].message.endswith("out of range")
    assert convert(Money, 1.25, ("rate",), {("rate",): "1.250"})[1][0].message \
        == "rate: 1.250 is ambiguous: 1250 with a thousands separator, or 1.25 with a " \
        "decimal point"  # read from its text as typed, which YAML read as 1.25
    assert convert(Amount, 1.25, ("rate",), {("rate",): "1.250"}) == (Decimal("1.25"), [])
    assert kind_of(Money).schema(Money, {}) == kind_of(Amount).schema(Amount, {})
    assert json_schema(Terms)["properties"]["day_rate"] == {
        "type": ["number", "string"], "minimum": -1e12, "maximum": 1e12}


# --------------------------------------------------------------------------- identifiers

def test_an_id_is_the_same_id_in_either_unicode_spelling(example: ExampleProject) -> None:
    """NFD (e + combining accent, as some keyboards and file systems write it) and NFC
    (one letter é) are one id: the reader makes every text NFC."""
    composed, decomposed = "gd\u00e9wit", "gde\u0301wit"
    text = example.text.replace("- id: gdewit", f"- id: {composed}")
    example.write(re.sub(r"\bgdewit\b", decomposed, text))
    a = example.load().assignment
    assert a.client.sponsor == composed and a.person(composed).name == "Greet De Wit"


@pytest.mark.parametrize(("old", "new", "code"), [
    ("- id: gdewit", '- id: "gdewit\\u202e"', "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("sponsor: gdewit", '"sponsor": "gd\\u200bewit"', "U+200B ZERO WIDTH SPACE"),
    ("- id: M1\n", '- id: "M\\u00ad1"\n', "U+00AD SOFT HYPHEN"),
    ("    M1: done", '    "M1\\u2066": done', "U+2066 LEFT-TO-RIGHT ISOLATE"),
])
def test_an_id_with_an_invisible_character_is_refused_at_its_line(
        example: ExampleProject, old: str, new: str, code: str) -> None:
    example.edit(old, new)
    (error,) = example.errors()  # no "unknown person" after it
    assert_located(error, example.yaml, example.line_of(new.strip().split("\n")[0]),
                   f"holds an invisible character, {code}", "retype the id")
