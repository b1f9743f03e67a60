"""Rules 3-7 and 9 over each plan the changes leave, checked for what each change touches:
every problem an amended plan has is still said, once, at the line of the change that
brings it; the same set as running the rules over the whole plan after every change."""

from __future__ import annotations

import pytest
from example_project import ExampleProject, assert_located, only

from generator.errors import Report
from generator.source.amending import apply_change
from generator.source.loading import validate
from generator.source.model import Assignment
from generator.source.reading import load_yaml
from generator.source.rules.amended import problems
from generator.source.rules.context import Context

W1_END = "        milestones.M2.due: 2027-03-26\n"


def change(cid: str, day: str, body: str) -> str:
    return (f"    - id: {cid}\n      date: 2027-03-{day}\n      what: Wijziging {cid}\n"
            f"      approved_by: gdewit\n" + body)


def action(aid: str, milestone: str, start: str, due: str) -> str:
    return (f"          - id: {aid}\n            milestone: {milestone}\n"
            f"            description: Actie {aid}\n            owner: jpeeters\n"
            f"            start: {start}\n            due: {due}\n")


BREAKING = "".join([
    change("C1", "01", "      adds:\n        actions:\n"
           + action("X1", "M9", "2027-03-01", "2027-02-20")),
    change("C2", "02", "      adds:\n        milestones:\n          - id: M5\n"
           "            title: Nieuw\n            due: 2027-08-02\n"
           "            objectives: [D9]\n            owner: gdewit\n"
           "            acceptance: Kort\n"),
    change("C3", "03", "      drops: [M2]\n"),
    change("C4", "04", "      amends:\n        terms.day_rate: 0\n"),
    change("C5", "05", "      adds:\n        evaluations:\n          - date: 2027-05-03\n"
           "            kind: final\n"),
    change("C6", "08", "      amends:\n        position.reports_to: lvermeulen\n"),
    change("C7", "09", "      amends:\n        period.end: 2027-06-01\n"),
    change("C8", "10", "      adds:\n        actions:\n"
           + action("X1", "M3", "2027-03-10", "2027-03-20")),
    change("C9", "11", "      amends:\n        milestones.M3.objectives: [D9]\n"),
    change("C10", "12", "      amends:\n        people.lvermeulen.organisation: client\n"),
])
"""Changes that each break one of rules 3-7 and 9 through the plan they leave."""


def with_changes(example: ExampleProject, changes: str) -> None:
    example.edit(W1_END, W1_END + changes)


def after_changes(example: ExampleProject) -> set[tuple[int, str, bool]]:
    """What validate says after changes: (line, message, is an error)."""
    report = example.report()
    return {(d.location.line, d.message, error) for error, found in
            ((True, report.errors), (False, report.warnings)) for d in found
            if d.message.startswith("after change ")}


def whole_plan_after_every_change(example: ExampleProject) -> set[tuple[int, str, bool]]:
    """The reference: every rule over the whole plan after every change (quadratic)."""
    report = Report()
    source = load_yaml(example.yaml, report, include_root=example.folder)
    assert source is not None
    model = validate(source, Assignment, report)
    assert model is not None and model.execution is not None
    ctx = Context(model, source, example.folder.resolve(), Report())
    seen, plan, said = {p[:2] for p in problems(ctx, model)}, model, set()
    for i, c in enumerate(model.execution.changes):
        plan, _, _ = apply_change(plan, c, ("execution", "changes", i), source.as_typed)
        found = {p[:2] for p in problems(ctx, plan)} - seen  # a changed hint: the same one
        line = source.locate(("execution", "changes", i)).line
        said |= {(line, f"after change {c.id}: {message}", error) for error, message in found}
        seen |= found
    return said


def test_every_rule_broken_through_a_change_is_said_at_that_change(example: ExampleProject):
    with_changes(example, BREAKING)
    errors = example.errors()
    for cid, text in [
        ("C1", "action X1 refers to unknown milestone 'M9'"),
        ("C1", "action X1 is due before it starts"),  # rule 4
        ("C2", "milestone M5 serves unknown objective 'D9'"),  # rule 6
        ("C2", "milestone M5 2027-08-02 falls outside the period"),  # rule 4
        ("C3", "objective D1 is served by no milestone"),  # rule 6, by a drop
        ("C3", "action A1 refers to unknown milestone 'M2'"),  # the actions under it
        ("C4", "the day rate must be more than 0"),  # rule 9
        ("C5", "2 final evaluations; exactly one is needed"),  # rule 7
        ("C6", "the interim manager cannot report to himself"),  # rule 3
        ("C7", "milestone M4 2027-06-14 falls outside the period"),  # rule 4, by the period
        ("C7", "handover ends 2027-06-14, outside 2027-05-17 – 2027-06-01"),  # rule 5
        ("C8", "duplicate id 'X1'"),  # rule 6
        ("C9", "milestone M3 serves unknown objective 'D9'"),
        ("C10", "the interim manager 'lvermeulen' has organisation 'client'"),  # rule 3
    ]:
        error = only(errors, f"after change {cid}: {text}")
        assert_located(error, example.yaml, example.line_of(f"- id: {cid}\n"))


@pytest.mark.parametrize("changes", [
    BREAKING,
    # the benchmark's cycle: amend, add, drop what was added
    "".join(change(f"B{i}", f"{10 + i // 3:02d}",
                   ["      amends:\n        milestones.M4.due: 2027-05-20\n",
                    "      adds:\n        actions:\n" + action(f"Y{i}", "M4", "2027-03-20",
                                                              "2027-03-30"),
                    f"      drops: [Y{i - 1}]\n"][i % 3]) for i in range(12)),
    # problems that come and go: a period shortened, lengthened, shortened again
    "".join(change(f"P{i}", f"{10 + i:02d}", f"      amends:\n        period.end: {end}\n")
            for i, end in enumerate(["2027-06-01", "2027-06-25", "2027-06-01", "2027-05-01"])),
])
def test_the_same_problems_as_the_rules_over_the_whole_plan_after_every_change(
        example: ExampleProject, changes: str):
    with_changes(example, changes)
    said = after_changes(example)
    assert said == whole_plan_after_every_change(example)
    assert said or changes is not BREAKING
