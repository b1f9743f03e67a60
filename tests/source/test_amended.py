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


def said_after_changes(example: ExampleProject) -> dict[str, tuple[int, str]]:
    """{message: (line, hint)} of what validate says after changes."""
    report = example.report()
    return {d.message: (d.location.line, d.hint) for d in [*report.errors, *report.warnings]
            if d.message.startswith("after change ")}


M5 = ("      adds:\n        milestones:\n          - id: M5\n            title: Nieuw\n"
      "            due: 2027-08-02\n            objectives: [D9]\n            owner: gdewit\n"
      "            acceptance: Kort\n")


def test_a_change_to_a_plan_that_does_not_exist_is_said_once(example: ExampleProject):
    """Without an analysis there is no plan to amend: each change says so at its line, and
    nothing it adds (a milestone outside the period serving an unknown objective, an
    evaluation after the end) is checked as if it were part of a plan."""
    with_changes(example, change("C1", "01", M5 + "        evaluations:\n"
                                 "          - date: 2027-08-03\n            kind: progress\n"))
    example.cut("analysis:\n  summary", "execution:\n")
    errors = example.errors()
    error = only(errors, "change C1 amends a plan that does not exist yet")
    assert_located(error, example.yaml, example.line_of("- id: C1\n"), "add `analysis:` first")
    assert said_after_changes(example) == {}


def test_nothing_is_said_inside_a_period_that_ends_before_it_starts(example: ExampleProject):
    """A period ending before it starts is said once, at period.end; a change's new items
    are not said to fall outside it (there is no inside), as for the baseline's."""
    example.edit("  end: 2027-06-25\n", "  end: 2027-01-01\n")
    sound = M5.replace("[D9]", "[D1]").replace("Kort", "Een volledige zin die iets zegt")
    with_changes(example, change("C1", "01", sound))
    error = only(example.errors(), "period ends (2027-01-01) no later than it starts")
    assert_located(error, example.yaml, example.line_of("  end: 2027-01-01"))
    assert said_after_changes(example) == {}


def test_dates_a_change_moves_or_adds_are_checked_against_the_period(example: ExampleProject):
    """An added evaluation, an amended milestone deadline and an amended action due date
    outside the period: each said, once, at the change that brings it, naming the item."""
    with_changes(example, "".join([
        change("C1", "01", "      adds:\n        evaluations:\n          - date: 2027-07-02\n"
               "            kind: progress\n            participants: [gdewit]\n"),
        change("C2", "02", "      amends:\n        milestones.M3.due: 2027-07-05\n"
               "        actions.A1.due: 2027-07-06\n")]))
    outside = "falls outside the period 2027-01-11 – 2027-06-25"
    hint = "move it between 2027-01-11 and 2027-06-25 or extend the period"
    c1, c2 = example.line_of("- id: C1\n"), example.line_of("- id: C2\n")
    assert said_after_changes(example) == {
        f"after change C1: evaluation 2027-07-02 {outside}": (c1, hint),
        f"after change C2: milestone M3 2027-07-05 {outside}": (c2, hint),
        f"after change C2: action A1 due 2027-07-06 {outside}": (c2, hint)}


def test_an_id_a_change_adds_twice_names_its_list(example: ExampleProject):
    """A change adding a milestone and an action under ids the plan already has: each
    duplicate is said with the list it must be unique in."""
    with_changes(example, change("C1", "01", "      adds:\n        milestones:\n"
                                 "          - id: M1\n            title: Nieuwe mijlpaal\n"
                                 "            due: 2027-05-02\n            objectives: [D1]\n"
                                 "            owner: gdewit\n"
                                 "            acceptance: Een volledige zin die iets zegt\n"
                                 "        actions:\n" + action("A1", "M3", "2027-03-10",
                                                               "2027-03-20")))
    line = example.line_of("- id: C1\n")
    said = said_after_changes(example)
    assert said["after change C1: duplicate id 'M1'"] == (
        line, "each id under analysis.milestones must be unique")
    assert said["after change C1: duplicate id 'A1'"] == (
        line, "each id under analysis.actions must be unique")


def test_actions_moved_off_a_milestone_are_not_orphaned_when_it_goes(example: ExampleProject):
    """A1 and A2 moved under M3, then M2 dropped: only what the drop leaves unserved is
    said, not the actions that were under M2 before they moved."""
    with_changes(example, "".join([
        change("C1", "01", "      amends:\n        actions.A1.milestone: M3\n"
               "        actions.A2.milestone: M3\n"),
        change("C2", "02", "      drops: [M2]\n")]))
    said = said_after_changes(example)
    assert set(said) == {"after change C2: objective D1 is served by no milestone"}
    assert said["after change C2: objective D1 is served by no milestone"][0] == \
        example.line_of("- id: C2\n")


def test_an_objective_served_by_an_action_alone_is_unserved_when_it_goes(
        example: ExampleProject):
    """D1 served by action X1 only (M2 now serves D2): dropping X1 leaves D1 unserved, said
    at that drop."""
    with_changes(example, "".join([
        change("C1", "01", "      adds:\n        actions:\n          - id: X1\n"
               "            objective: D1\n            description: Actie X1\n"
               "            owner: jpeeters\n            start: 2027-03-01\n"
               "            due: 2027-03-20\n"),
        change("C2", "02", "      amends:\n        milestones.M2.objectives: [D2]\n"),
        change("C3", "03", "      drops: [X1]\n")]))
    assert said_after_changes(example) == {
        "after change C3: objective D1 is served by no milestone": (
            example.line_of("- id: C3\n"), "list D1 under `objectives:` of a milestone, or "
            "name it as an action's `objective:`")}
