"""Typed references: the model's types say which values name a person, objective or milestone,
and the rules find them by type, so a new reference-typed field is checked unchanged."""

from __future__ import annotations

from typing import Literal

from example_project import ExampleProject, assert_located, only

from generator.errors import Report
from generator.source.loading import validate
from generator.source.model import (
    Assignment,
    Closing,
    MilestoneId,
    MilestoneKey,
    ObjectiveId,
    PersonId,
    Plain,
)
from generator.source.reading import load_yaml
from generator.source.records import Record, build
from generator.source.references import Reference, reference_keys, references
from generator.source.rules import PERSON_KEYS, check_rules
from generator.source.rules.context import Context
from generator.source.rules.execution import rule_execution_and_closing
from generator.source.rules.people import rule_person_references


class Task(Record):
    name: Plain
    milestone: MilestoneId
    serves: list[ObjectiveId] = []  # noqa: RUF012 (a record's default, copied per record)


class Board(Record):
    lead: PersonId
    helpers: list[PersonId] = []  # noqa: RUF012 (a record's default, copied per record)
    backup: PersonId | None = None
    status: dict[MilestoneKey, Literal["done", "late"]] = {}  # noqa: RUF012 (a record's default, copied per record)
    note: Plain | None = None
    tasks: list[Task] = []  # noqa: RUF012 (a record's default, copied per record)


def test_references_are_found_by_type_with_their_paths() -> None:
    board, issues = build(Board, {
        "lead": "ann", "helpers": ["bob", "cy"], "status": {"M1": "done"}, "note": "ann",
        "tasks": [{"name": "bob", "milestone": "M2", "serves": ["D1", "D2"]}]})
    assert not issues and board is not None
    assert list(references(board, ("top",))) == [
        Reference(("top", "lead"), "person", "ann"),
        Reference(("top", "helpers", 0), "person", "bob"),
        Reference(("top", "helpers", 1), "person", "cy"),
        Reference(("top", "status", "M1"), "milestone", "M1"),
        Reference(("top", "tasks", 0, "milestone"), "milestone", "M2"),
        Reference(("top", "tasks", 0, "serves", 0), "objective", "D1"),
        Reference(("top", "tasks", 0, "serves", 1), "objective", "D2"),
    ]  # `backup` is absent, `note` and `name` are plain text, not references


def test_reference_types_read_and_check_as_plain_text() -> None:
    _, issues = build(Board, {"lead": "", "status": {"": "done"}})
    assert [i.message for i in issues] == ["lead is empty"]  # a key may be empty, as before
    board, _ = build(Board, {"lead": 7, "tasks": [{"name": "x", "milestone": 2027}]})
    assert board is not None and [r.value for r in references(board)] == ["7", "2027"]


def test_reference_keys_are_read_from_the_model() -> None:
    assert reference_keys(Assignment, "person") == PERSON_KEYS
    assert {"sponsor", "owner", "with", "new_owner"} <= PERSON_KEYS
    assert reference_keys(Assignment, "milestone") == {"milestone", "milestones"}
    assert reference_keys(Assignment, "objective") == {"objectives", "objective",
                                                       "measurements"}
    assert reference_keys(Board, "person") == {"lead", "helpers", "backup"}


# --------------------------------------------------------------------------- new fields

class AuditedClosing(Closing):
    follow_up: list[MilestoneId] = []  # noqa: RUF012 (a record's default, copied per record)


class Audited(Assignment):
    """The model with two fields it does not have: the rules are not told of them."""

    auditor: PersonId | None = None
    closing: AuditedClosing | None = None


def _check(example: ExampleProject, rule: object) -> Report:
    report = Report()
    source = load_yaml(example.yaml, report, include_root=example.folder)
    assert source is not None
    model = validate(source, Audited, report)
    assert model is not None and not report.errors, report.errors
    rule(Context(model, source, example.folder.resolve(), report))  # type: ignore[operator]
    return report


def test_new_person_field_is_checked_without_touching_the_rules(
        example: ExampleProject) -> None:
    example.edit("interim_manager: lvermeulen", "auditor: gdewitt\ninterim_manager: lvermeulen")
    error = only(_check(example, rule_person_references).errors, "unknown person")
    assert_located(error, example.yaml, example.line_of("auditor: gdewitt"),
                   "unknown person 'gdewitt' in `auditor`", "did you mean 'gdewit'?")
    example.edit("auditor: gdewitt", "auditor: gdewit")
    assert not _check(example, rule_person_references).errors


def test_new_milestone_field_is_checked_without_touching_the_rules(
        example: ExampleProject) -> None:
    example.edit("  results:\n", "  follow_up: [M2, M7]\n  results:\n")
    error = only(_check(example, rule_execution_and_closing).errors, "unknown milestone")
    assert_located(error, example.yaml, example.line_of("follow_up: [M2, M7]"),
                   "unknown milestone 'M7'")
    example.edit("[M2, M7]", "[M2, M3]")
    assert not _check(example, rule_execution_and_closing).errors


def test_the_example_passes_every_rule_on_the_extended_model(example: ExampleProject) -> None:
    assert not _check(example, lambda ctx: check_rules(
        ctx.assignment, ctx.source, ctx.folder, ctx.report)).errors
