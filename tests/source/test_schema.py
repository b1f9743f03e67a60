"""`interim schema` checked by the standard JSON Schema validator (jsonschema), as an editor
reads it: a valid draft 2020-12 schema, that admits every assignment under assignments/ and
refuses what the model refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker

from generator.cli import main
from generator.source.schema import assignment_schema

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted((ROOT / "assignments").glob("*/assignment.yaml"))
TIMESTAMP = "tag:yaml.org,2002:timestamp"


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's JSON view has it: `2027-01-11` stays text, numbers stay numbers."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _validator() -> Draft202012Validator:
    output = CliRunner().invoke(main, ["schema"]).output
    schema = json.loads(output)
    assert schema == assignment_schema()
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _instance(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


def test_interim_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(CliRunner().invoke(main, ["schema"]).output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_there_are_assignments_to_check() -> None:
    assert len(ASSIGNMENTS) >= 2


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda p: p.parent.name)
def test_every_assignment_is_valid_against_the_schema(path: Path) -> None:
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in _validator().iter_errors(_instance(path))]
    assert errors == []


@pytest.mark.parametrize(("key", "bad"), [
    ("id", "DL-Logistiek"), ("language", "de"), ("confidential", "ja"), ("typo_key", 1),
])
def test_the_schema_refuses_what_the_model_refuses(key: str, bad: Any) -> None:
    data = _instance(ASSIGNMENTS[0])
    assert not _validator().is_valid({**data, key: bad})


def test_the_schema_checks_dates_and_nested_records() -> None:
    data = _instance(ASSIGNMENTS[0])
    validator = _validator()
    assert not validator.is_valid({**data, "period": {**data["period"], "start": "11-01-2027"}})
    assert not validator.is_valid({**data, "period": {"start": data["period"]["start"]}})
    people = [{**data["people"][0], "organisation": "nobody"}, *data["people"][1:]]
    assert not validator.is_valid({**data, "people": people})


def test_the_schema_describes_the_handover_period_free_actions_and_amendable_paths() -> None:
    """An editor knows `handover: {start, end}` beside the earlier `handover_start`, an action
    under an objective or none, and flags an `amends` path no change may name."""
    validator = _validator()
    instance = _instance(next(p for p in ASSIGNMENTS if p.parent.name == "dl-logistiek-2027"))
    instance["intake"]["exit_plan"].pop("handover", None)
    instance["intake"]["exit_plan"]["handover"] = {"start": "2027-06-21", "end": "2027-06-25"}
    action = instance["analysis"]["actions"][0]
    action.pop("milestone")
    action["objective"] = "D1"
    change = instance["execution"]["changes"][0]
    change["amends"] = {"people.gdewit.role": "CEO", "exit_plan.successor.name": "Ilse Maes",
                        "intake.terms.day_rate": 1100}
    assert list(validator.iter_errors(instance)) == []
    amends = Draft202012Validator(assignment_schema()["$defs"]["Change"]["properties"]["amends"])
    for path in ("language", "budget.total", "id", "documents.handbook.date"):
        assert not amends.is_valid({path: 1}), path
        change["amends"] = {path: 1}
        assert not validator.is_valid(instance), path
    change["amends"] = {"period.end": "2027-07-02"}
    assert validator.is_valid(instance)
    instance["intake"]["exit_plan"]["handover"] = {"end": "2027-06-25"}  # no start
    assert not validator.is_valid(instance)


def test_a_measurement_and_a_criterion_are_text_or_their_record() -> None:
    """`D1: "3,1 %"` or `D1: {value, measured, note}`; a criterion a text or `{id, text}`."""
    data = _instance(ROOT / "assignments" / "dl-logistiek-2027" / "assignment.yaml")
    validator = _validator()
    entry = data["execution"]["progress"][0]

    def with_d1(value: Any) -> dict[str, Any]:
        progress = [{**entry, "measurements": {"D1": value}}]
        return {**data, "execution": {**data["execution"], "progress": progress}}

    assert validator.is_valid(with_d1("3,1 %"))
    assert validator.is_valid(with_d1({"value": "3,1 %", "measured": "2027-01-31"}))
    assert not validator.is_valid(with_d1({"value": "3,1 %", "measured": "31-01-2027"}))
    assert not validator.is_valid(with_d1({"measured": "2027-01-31", "note": "n"}))  # no value
    exit_plan = data["intake"]["exit_plan"]
    for criteria, valid in ((["Plain text"], True), ([{"id": "X1", "text": "T"}], True),
                            ([{"id": "X1", "txt": "T"}], False)):
        intake = {**data["intake"], "exit_plan": {**exit_plan, "criteria": criteria}}
        assert validator.is_valid({**data, "intake": intake}) is valid, criteria
