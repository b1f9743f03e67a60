"""Rules 8, 12 and 13 and the documents' dates and versions (source/rules/execution.py),
word for word: the level, the line, the message and the hint a user reads, so that a
changed word, a lost hint, a key moved or a boundary moved by a day fails."""

from __future__ import annotations

import pytest
from example_project import ExampleProject, said

AMENDS = "        milestones.M2.due: 2027-03-26"
DEADLINE = "      date: 2027-02-19\n      what: Deadline"
ROLE_CHANGE = "      date: 2027-06-14           # the day"
REMOVE = "or remove the date to take it from the facts"
PIN = "a pin freezes the derived version, it does not rename it"


# --------------------------------------------------------------------------- rule 8

def test_rule8_changes_and_reports_once_each(example: ExampleProject) -> None:
    example.edit(AMENDS, AMENDS + "\n    - id: W1\n      date: 2027-02-12\n      what: Vroeger\n"
                 "      approved_by: gdewit")
    example.edit("- evaluation: 2027-04-02", "- evaluation: 2027-02-19")
    assert said(example, "duplicate", "listed after") == [
        ("error", example.line_of("- id: W1", nth=2), "duplicate id 'W1'",
         "each id under execution.changes must be unique"),
        ("error", example.line_of("- evaluation: 2027-02-19", nth=2),
         "duplicate evaluation '2027-02-19'",
         "each evaluation under execution.progress must be unique"),
        ("error", example.line_of("date: 2027-02-12"),
         "change W1 (2027-02-12) is listed after W1 (2027-02-19)", "list changes in date order")]


def test_rule8_reports_without_any_agreed_evaluation(example: ExampleProject) -> None:
    example.cut("  evaluations:", "  reviews:")
    assert said(example, "no evaluation moment") == [
        ("error", example.line_of(f"- evaluation: {day}"),
         f"no evaluation moment was agreed on {day}", "agreed dates: none agreed yet")
        for day in ("2027-02-19", "2027-04-02")]


def test_rule8_a_milestone_a_change_dropped_is_named_with_that_change(
        example: ExampleProject) -> None:
    example.edit(AMENDS, AMENDS + "\n      drops: [M4]")
    example.edit("        M2: done\n        M3: on_track",
                 "        M2: done\n        M3: on_track\n        M4: on_track")
    remove = "change W1 dropped M4 from the plan: remove it here"
    assert said(example) == [
        ("error", example.line_of("M4: on_track"),
         "unknown milestone 'M4' in the plan as amended up to 2027-04-02", remove),
        ("error", example.line_of("    M4: done"), "unknown milestone 'M4'", remove)]


def test_rule8_a_milestone_a_change_adds_later_word_for_word(example: ExampleProject) -> None:
    example.edit(DEADLINE, "      date: 2027-02-22\n      what: Deadline")
    example.edit(AMENDS, AMENDS + "\n      adds:\n        milestones:\n"
                 "          - {id: M5, title: Tweede batch, due: 2027-05-28, objectives: [D1], "
                 "owner: jpeeters,\n             acceptance: Bestelling goedgekeurd door de CEO}")
    example.edit("        M2: at_risk\n", "        M2: at_risk\n        M5: planned\n")
    example.edit("    M4: done\n", "    M4: done\n    M5: done\n")
    assert said(example, "unknown milestone") == [
        ("error", example.line_of("M5: planned"),
         "unknown milestone 'M5' in the plan as amended up to 2027-02-19",
         "change W1 adds M5 on 2027-02-22, after this evaluation: report it from a later "
         "evaluation on, or date the change earlier")]


def test_rule8_the_closing_names_what_the_plan_holds(example: ExampleProject) -> None:
    example.edit("    M4: done\n  results:", "    M4: done\n    M9: done\n  results:")
    example.edit("- objective: D2", "- objective: D1")
    example.edit("- objective: D3", "- objective: D7")
    assert said(example) == [
        ("error", example.line_of("- objective: D1", nth=2), "duplicate objective 'D1'",
         "each objective under closing.results must be unique"),
        ("error", example.line_of("M9: done"), "unknown milestone 'M9'", "did you mean 'M4'?"),
        ("error", example.line_of("- objective: D7"), "result for unknown objective 'D7'",
         "did you mean 'D3'?")]


# --------------------------------------------------------------------------- rule 13

def test_rule13_word_for_word(example: ExampleProject) -> None:
    """A topic is named by its first words, up to 40 characters, never cut inside one."""
    example.cut("    M3: done\n", "    M4: done\n")
    example.cut("      due: 2027-06-25            # a transfer not done", "  leadership:")
    example.edit("topic: Opvolging van het verzuimbeleid",
                 "topic: Opvolging van het verzuimbeleid en de terugkeergesprekken")
    assert said(example) == [
        ("warning", example.line_of("  milestones:                    # final"),
         "milestone M3 has no final status; the handover report will not build",
         "set `closing.milestones.M3: done` or `not_achieved`"),
        ("error", example.line_of("- topic: Opvolging"),
         "the knowledge transfer 'Opvolging van het verzuimbeleid en de…' is not done and "
         "has no due date", "add `due: YYYY-MM-DD` (when it will be done) or set `done: true`")]


# --------------------------------------------------------------- document dates, versions

def test_documents_dated_before_their_facts_word_for_word(example: ExampleProject) -> None:
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.1"}\n'
                 '  handbook: {date: 2027-01-31}\n  handover: {date: 2027-06-24}\n'
                 '  progress: {version: "1.0"}')
    example.edit("    - evaluation: 2027-02-19\n",
                 "    - evaluation: 2027-02-19\n      date: 2027-02-18\n")
    assert said(example) == [
        ("error", example.line_of("  progress: {"),
         "`documents.progress` is not allowed: each progress report has its own date",
         "pin a report's date with `date:` in its `execution.progress` entry, or remove the key"),
        ("error", example.line_of("  handbook: {"),
         "the handbook is dated 2027-01-31, before 2027-02-01, the fact it reports",
         f"date it on or after 2027-02-01, {REMOVE}"),
        ("error", example.line_of("  handover: {"),
         "the handover is dated 2027-06-24, before 2027-06-25, the fact it reports",
         f"date it on or after 2027-06-25, {REMOVE}"),
        ("error", example.line_of("date: 2027-02-18"),
         "the progress report is dated 2027-02-18, before 2027-02-19, the fact it reports",
         f"date it on or after 2027-02-19, {REMOVE}")]


def test_documents_dated_on_the_day_of_their_facts_pass(example: ExampleProject) -> None:
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.1"}\n'
                 '  handbook: {date: 2027-02-01}\n  handover: {date: 2027-06-25}')
    example.edit("    - evaluation: 2027-02-19\n",
                 "    - evaluation: 2027-02-19\n      date: 2027-02-19\n")
    assert said(example) == []


@pytest.mark.parametrize(("cut", "needle"), [
    (('  proposal: {version: "1.0", date: 2026-11-27}\n', "  action-plan"), "documents:"),
    (("documents:", "client:"), "id: dl-logistiek-2027"),  # no `documents:` to point at
])
def test_an_unpinned_proposal_word_for_word(example: ExampleProject, cut: tuple[str, str],
                                            needle: str) -> None:
    example.cut(*cut)
    assert said(example) == [
        ("warning", example.line_of(needle), "the proposal has no pinned date: it takes "
         "SOURCE_DATE_EPOCH, else the last commit, else intake.first_contact",
         "freeze it with `documents: {proposal: {date: YYYY-MM-DD}}`")]


def test_versions_that_do_not_read_major_minor(example: ExampleProject) -> None:
    example.edit('  proposal: {version: "1.0", date: 2026-11-27}',
                 '  proposal: {version: "1", date: 2026-11-27}')
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.1"}\n'
                 '  handover: {version: "1.0.1"}')
    example.edit('    version: "1.1"\n    accepted_on', '    version: "v1.1"\n    accepted_on')
    assert said(example, "MAJOR.MINOR") == [
        ("error", example.line_of(f"version: {typed}"),
         f"version {typed.strip(chr(34))!r} does not read MAJOR.MINOR", "e.g. 1.0 or 1.2")
        for typed in ('"1"', '"1.0.1"', '"v1.1"')]


@pytest.mark.parametrize(("pinned", "derived"), [
    ('  handbook: {version: "1.2"}', "1.3"),  # as it stands: after W1 and W2
    ('  handbook: {version: "1.1", date: 2027-03-01}', "1.2"),  # as of 1 March: after W1
])
def test_a_pinned_version_its_history_contradicts(example: ExampleProject, pinned: str,
                                                  derived: str) -> None:
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.1"}\n' + pinned)
    version = pinned.split('"')[1]
    assert said(example) == [
        ("error", example.line_of("  handbook: {"),
         f"the handbook pins version {version}, but its history makes it {derived}",
         f"write {derived} or remove the version: {PIN}")]


def test_the_action_plan_pins_its_accepted_version(example: ExampleProject) -> None:
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.0"}')
    assert said(example) == [
        ("error", example.line_of("  action-plan: {"),
         "the action-plan pins version 1.0, but its history makes it 1.1",
         f"write 1.1 or remove the version: {PIN}")]


@pytest.mark.parametrize("pinned", ['  handbook: {version: "1.3"}',
                                    '  handbook: {version: "1.1", date: 2027-02-18}'])
def test_a_pinned_version_its_history_confirms_passes(example: ExampleProject,
                                                      pinned: str) -> None:
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.1"}\n' + pinned)
    assert said(example) == []


# --------------------------------------------------------------------------- rule 12

def test_rule12_ids_word_for_word(example: ExampleProject) -> None:
    example.edit("    - id: A2\n", "    - id: M1\n")
    example.edit("    - id: A1\n", "    - id: A.1\n")
    assert said(example) == [
        ("error", example.line_of("- id: A.1"), "id 'A.1' contains '.'",
         "ids are named in change paths (milestones.M2.due): use letters and digits"),
        ("error", example.line_of("- id: M1", nth=2), "milestone and action id 'M1' is used twice",
         "milestones and actions share one set of ids: rename one")]


def test_rule12_an_id_a_change_adds_again_is_used_twice(example: ExampleProject) -> None:
    example.edit(AMENDS, AMENDS + "\n      adds:\n        actions:\n          - id: A1\n"
                 "            objective: D1\n            description: Nog eens")
    assert said(example, "used twice") == [
        ("error", example.line_of("- id: A1", nth=2), "milestone and action id 'A1' is used twice",
         "milestones and actions share one set of ids: rename one")]


def test_rule12_an_id_twice_in_one_list_is_rule_6s_alone(example: ExampleProject) -> None:
    example.edit("- id: A2", "- id: A1")
    assert said(example) == [
        ("error", example.line_of("- id: A1", nth=2), "duplicate id 'A1'",
         "each id under analysis.actions must be unique")]


def test_rule12_a_change_on_the_day_of_the_acceptance_word_for_word(
        example: ExampleProject) -> None:
    example.edit(DEADLINE, "      date: 2027-02-01\n      what: Deadline")
    assert said(example) == [
        ("error", example.line_of("date: 2027-02-01\n      what"),
         "change W1 amends the plan on or before its acceptance (2027-02-01)",
         "the plan as accepted is the baseline (version 1.1): date the change after the "
         "acceptance, or fold it into the plan before it is accepted")]


def test_rule12_a_change_the_day_after_the_acceptance_passes(example: ExampleProject) -> None:
    example.edit(DEADLINE, "      date: 2027-02-02\n      what: Deadline")
    assert said(example) == []


def test_rule12_a_change_that_amends_nothing_may_precede_the_acceptance(
        example: ExampleProject) -> None:
    """Agreed and logged, but the plan as accepted is still the baseline."""
    example.edit(DEADLINE, "      date: 2027-01-29\n      what: Deadline")
    example.edit("      amends:                    # what the change does to the accepted plan\n"
                 + AMENDS + "\n", "")
    assert said(example, "acceptance") == []


def test_rule12_a_change_outside_the_period_word_for_word(example: ExampleProject) -> None:
    example.edit(ROLE_CHANGE, "      date: 2027-06-26           # the day")
    assert said(example) == [
        ("error", example.line_of("date: 2027-06-26"),
         "change W2 2027-06-26 falls outside the period 2027-01-11 – 2027-06-25",
         "move it between 2027-01-11 and 2027-06-25 or extend the period "
         "(`amends: {period.end: ...}`)")]
    example.edit("      date: 2027-06-26           # the day", ROLE_CHANGE.replace("14", "25"))
    assert said(example) == []


def test_rule12_the_plan_a_change_leaves_is_checked_word_for_word(
        example: ExampleProject) -> None:
    example.edit(AMENDS, "        milestones.M2.due: 2027-07-30\n"
                 "        milestones.M3.acceptance: Kort")
    w1 = example.line_of("- id: W1")
    assert said(example) == [
        ("warning", w1, "after change W1: the acceptance criterion of M3 is very short",
         "say in a full sentence what is checked"),
        ("error", w1, "after change W1: milestone M2 2027-07-30 falls outside the period "
         "2027-01-11 – 2027-06-25", "move it between 2027-01-11 and 2027-06-25 or extend the "
         "period")]


@pytest.mark.parametrize(("milestone", "expected"), [("M1", 1), ("M2", 0)])
def test_rule12_an_action_added_under_a_milestone_reported_done(
        example: ExampleProject, milestone: str, expected: int) -> None:
    example.edit(AMENDS, AMENDS + "\n      adds:\n        actions:\n          - id: A9\n"
                 f"            milestone: {milestone}\n            description: Evalueren")
    assert said(example) == [
        ("warning", example.line_of(f"milestone: {milestone}\n            description"),
         f"action A9 is added under milestone {milestone}, reported done before W1 (2027-02-19)",
         "keep it if so; else name an objective (`objective:`), or no milestone for a "
         "workstream of its own")][:expected]


def test_rule12_an_amended_person_word_for_word(example: ExampleProject) -> None:
    example.edit(AMENDS, AMENDS + "\n        milestones.M2.owner: jpeters")
    assert said(example) == [
        ("error", example.line_of("milestones.M2.owner"),
         "unknown person 'jpeters' in `milestones.M2.owner`", "did you mean 'jpeeters'?")]


def test_rule8_reports_without_a_plan_are_refused_not_crashed_on(
        example: ExampleProject) -> None:
    example.cut("# ---- Phase 2", "# ---- Phase 3")
    assert said(example, "evaluation moment", "milestone 'M1'") == [
        ("error", example.line_of("- evaluation: 2027-02-19"),
         "no evaluation moment was agreed on 2027-02-19", "agreed dates: none agreed yet"),
        ("error", example.line_of("M1: done                 #"),
         "unknown milestone 'M1' in the plan as amended up to 2027-02-19", ""),
        ("error", example.line_of("- evaluation: 2027-04-02"),
         "no evaluation moment was agreed on 2027-04-02", "agreed dates: none agreed yet"),
        ("error", example.line_of("    M1: done\n    M2"), "unknown milestone 'M1'", "")]


def test_rule8_an_unagreed_evaluation_is_said_at_its_date_wherever_it_is_written(
        example: ExampleProject) -> None:
    example.edit("    - evaluation: 2027-02-19\n      summary: Teamstructuur staat; scanners "
                 "geleverd met een week vertraging\n", "    - summary: Teamstructuur staat\n"
                 "      evaluation: 2027-02-20\n")
    assert said(example, "evaluation moment") == [
        ("error", example.line_of("evaluation: 2027-02-20"),
         "no evaluation moment was agreed on 2027-02-20",
         "agreed dates: 2027-02-19, 2027-04-02, 2027-06-25")]


def column_of(example: ExampleProject, needle: str, key: str) -> int:
    """1-based column of `key` in the line holding `needle`."""
    line = example.text.splitlines()[example.line_of(needle) - 1]
    return line.index(key) + 1


def test_pinned_dates_and_versions_are_said_at_their_key_in_a_flow_mapping(
        example: ExampleProject) -> None:
    """`handbook: {version: "1.2", date: 2027-01-31}`: the date or the version at fault,
    not the document's key, on a line holding both."""
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.0"}\n'
                 '  handbook: {version: "1.3", date: 2027-01-31}\n'
                 '  handover: {version: "1", date: 2027-06-30}')
    where = [(d.location.line, d.location.column) for d in example.report().errors]
    assert where == [  # in the order of the file
        (example.line_of("  action-plan: {"), column_of(example, "  action-plan: {", "version:")),
        (example.line_of("  handbook: {"), column_of(example, "  handbook: {", "date:")),
        (example.line_of("  handover: {"), column_of(example, "  handover: {", "version:")),
    ], [str(d) for d in example.report().errors]


def test_an_unpinned_proposal_without_documents_is_said_at_the_id(
        example: ExampleProject) -> None:
    """Wherever `id:` is written (here after `language:`)."""
    example.cut("documents:", "client:")
    example.edit("id: dl-logistiek-2027 ", "")
    example.edit("language: nl ", "language: nl\nid: dl-logistiek-2027 ")
    assert [(level, line) for level, line, *_ in said(example)] == [
        ("warning", example.line_of("id: dl-logistiek-2027"))]


ROLE = "        people.jpeeters.role: Logistiek manager"


def test_rule12_changes_on_one_day_are_in_order_and_each_is_compared_with_the_one_before(
        example: ExampleProject) -> None:
    example.edit(ROLE, ROLE + "\n    - id: W3\n      date: 2027-06-14\n      what: Dezelfde dag\n"
                 "      approved_by: gdewit")
    assert said(example, "listed after") == []
    example.edit("      date: 2027-06-14\n      what: Dezelfde dag",
                 "      date: 2027-03-01\n      what: Dezelfde dag")  # after W1, before W2
    assert said(example, "listed after") == [
        ("error", example.line_of("date: 2027-03-01"),
         "change W3 (2027-03-01) is listed after W2 (2027-06-14)", "list changes in date order")]


def test_rule12_an_id_used_three_times_is_said_at_the_last(example: ExampleProject) -> None:
    example.edit("    - id: A2\n", "    - id: M1\n")
    example.edit(AMENDS, AMENDS + "\n      adds:\n        actions:\n          - id: M1\n"
                 "            objective: D1\n            description: Nog eens")
    assert said(example, "is used") == [
        ("error", example.line_of("- id: M1", nth=3),
         "milestone and action id 'M1' is used 3 times",
         "milestones and actions share one set of ids: rename one")]


def test_rule12_an_id_two_changes_add_is_used_twice(example: ExampleProject) -> None:
    adds = ("\n      adds:\n        actions:\n          - id: A9\n            objective: D1\n"
            "            description: Nog eens")
    example.edit(AMENDS, AMENDS + adds)
    example.edit(ROLE, ROLE + adds)
    assert said(example, "used twice") == [
        ("error", example.line_of("- id: A9", nth=2), "milestone and action id 'A9' is used twice",
         "milestones and actions share one set of ids: rename one")]


def test_rule12_an_id_with_a_dot_is_said_at_its_id_wherever_it_is_written(
        example: ExampleProject) -> None:
    """A milestone, an action and an action a change adds, each with `id:` as its second
    key: the line named is the id's."""
    example.edit("    - id: M3\n      title: Verzuimbeleid en terugkeergesprekken ingevoerd\n",
                 "    - title: Verzuimbeleid en terugkeergesprekken ingevoerd\n      id: M.3\n")
    example.edit("    - id: A2\n      milestone: M2\n", "    - milestone: M2\n      id: A.2\n")
    example.edit(AMENDS, AMENDS + "\n      adds:\n        actions:\n          - objective: D1\n"
                 "            id: A.9\n            description: Nog eens")
    assert [(line, message) for _, line, message, _ in said(example, "contains '.'")] == [
        (example.line_of(f"id: {item}"), f"id {item!r} contains '.'")
        for item in ("A.2", "A.9", "M.3")]


@pytest.mark.parametrize("edit", [
    "      adds:\n        milestones:\n          - {id: M5, title: Tweede batch, due: "
    "2027-05-28, objectives: [D1], owner: jpeeters, acceptance: Bestelling goedgekeurd door "
    "de CEO}",
    "      adds:\n        actions:\n          - {id: A9, objective: D1, description: Nog eens}",
    "      adds:\n        evaluations:\n          - {date: 2027-05-07, kind: progress, "
    "participants: [gdewit]}",
    "      drops: [A2]",
], ids=["adds a milestone", "adds an action", "adds an evaluation", "drops an action"])
def test_rule12_any_edit_on_the_acceptance_day_is_refused(example: ExampleProject,
                                                          edit: str) -> None:
    example.edit(DEADLINE, "      date: 2027-02-01\n      what: Deadline")
    example.edit("      amends:                    # what the change does to the accepted plan\n"
                 + AMENDS + "\n", edit + "\n")
    assert [message for _, _, message, _ in said(example, "on or before its acceptance")] == [
        "change W1 amends the plan on or before its acceptance (2027-02-01)"]


def test_rule12_an_amended_amount_is_read_as_typed(example: ExampleProject) -> None:
    """`1.250` is refused as ambiguous, as in the terms, not read as 1.25."""
    example.edit(AMENDS, AMENDS + "\n        terms.day_rate: 1.250")
    assert said(example) == [
        ("error", example.line_of("terms.day_rate: 1.250"),
         "execution.changes.0.amends.terms.day_rate: 1.250 is ambiguous: 1250 with a thousands "
         "separator, or 1.25 with a decimal point",
         "write 1250: no thousands separator, a point for decimals; or 1.25 if you meant the "
         "decimals")]


def test_rule12_an_id_with_a_dot_before_any_execution(example: ExampleProject) -> None:
    example.cut("# ---- Phase 3")
    example.edit("    - id: A1\n", "    - id: A.1\n")
    assert said(example) == [
        ("error", example.line_of("- id: A.1"), "id 'A.1' contains '.'",
         "ids are named in change paths (milestones.M2.due): use letters and digits")]


def test_rule12_a_change_on_the_first_day_of_the_period_is_inside_it(
        example: ExampleProject) -> None:
    """Agreed on the first day (nothing amended: the plan is not accepted yet)."""
    example.edit(DEADLINE, "      date: 2027-01-11\n      what: Deadline")
    example.edit("      amends:                    # what the change does to the accepted plan\n"
                 + AMENDS + "\n", "")
    assert said(example, "falls outside", "acceptance") == []
