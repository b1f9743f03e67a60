"""Any fact can change, on a date: `amends` names every path a later fact can change, each
value read by its declared type; ids, the language and the past are refused with the reason;
every document prints each fact as of its own date (the proposal as proposed, the handover
as amended). The amendment edge cases of issue 24 are located errors.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import docx
import pytest
from docx_reading import EPOCH, EXAMPLE, build_loaded, source_date_epoch, variant
from example_project import ExampleProject, assert_located, only

from generator.source.project import load_assignment

Day = datetime.date
W1 = "        milestones.M2.due: 2027-03-26"
"""The amendment of the example's first change, W1 (2027-02-19)."""


def texts(path: Path) -> list[str]:
    """Every paragraph and table cell of a .docx, as python-docx reads it (Word's text)."""
    d = docx.Document(str(path))
    found = [p.text for p in d.paragraphs]
    for table in d.tables:
        found += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return [t.replace("\xa0", " ") for t in found]  # no-break spaces read as spaces


def said(path: Path, needle: str) -> list[str]:
    return [t for t in texts(path) if needle in t]


# ------------------------------------------------------------------ as of each document's date

def _june_change(data: dict) -> None:
    """W3 of 1 June: the successor became known, the CEO's role, the mandate and a target
    changed, and the handover is the five days it really was."""
    data["execution"]["changes"].insert(1, {  # in date order: before W2 of 14 June
        "id": "W3", "date": Day(2027, 6, 1), "what": "Opvolger bekend; mandaat verruimd",
        "approved_by": "gdewit",
        "amends": {
            "exit_plan.successor": {"name": "Ilse Maes", "role": "Logistiek manager",
                                    "status": "known"},
            "people.gdewit.role": "CEO en voorzitter",
            "position.mandate.signing_limit": 50000,
            "objectives.D1.target": "≤ 1,2 %",
            "exit_plan.handover": {"start": Day(2027, 6, 21), "end": Day(2027, 6, 25)},
        }})


@pytest.fixture(scope="module")
def june(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("june")
    loaded = load_assignment(variant(EXAMPLE, base, _june_change))
    assert [w.message for w in loaded.warnings if "handover" in w.message] == [
        "after change W3: handover starts 2027-06-21, 4 days before the period ends "
        "2027-06-25: less than the 14 advised"]
    with source_date_epoch(EPOCH):
        return build_loaded(loaded, base / "b")


def test_the_proposal_prints_what_was_known_on_its_date(june):
    proposal = june["proposal.docx"]
    assert said(proposal, "Opvolger:") == [
        "Opvolger: Jan Peeters (interne kandidaat).\nOverdracht: van 17 mei 2027 tot en "
        "met 14 juni 2027."]
    assert said(proposal, "Rapporteert aan") == ["Rapporteert aan | Greet De Wit (CEO)"]
    assert said(proposal, "Tekenbevoegdheid") == ["Tekenbevoegdheid tot | € 25.000"]
    assert [t for t in said(proposal, "D1 |")] == [
        "D1 | Leveringsfouten verlagen | Aandeel orders met een fout in de levering, per maand"
        " | 4,2 % | ≤ 1,5 % | 31 mei 2027"]
    assert not said(proposal, "Ilse Maes") and not said(proposal, "voorzitter")


def test_the_handover_prints_the_facts_as_amended(june):
    handover = june["handover.docx"]
    assert said(handover, "Opvolger:") == [
        "Opvolger: Ilse Maes, Logistiek manager (aangeduid).\nOverdracht: van 21 juni 2027 "
        "tot en met 25 juni 2027."]
    (d1,) = said(handover, "D1 |")
    assert "≤ 1,5 % (aangepast door W3: ≤ 1,2 %)" in d1


def test_the_handbook_prints_the_amended_facts_and_logs_each_change(june):
    handbook = june["handbook.docx"]
    assert said(handbook, "Rapporteert aan") == [
        "Rapporteert aan | Greet De Wit (CEO en voorzitter)"]
    assert said(handbook, "Tekenbevoegdheid") == ["Tekenbevoegdheid tot | € 50.000"]
    assert "Opvolger: Ilse Maes, Logistiek manager (aangeduid)." in said(handbook, "Opvolger:")[0]
    log = [t for t in texts(handbook) if t.startswith("W3 |")]
    assert "W3 | Greet De Wit – rol | CEO | CEO en voorzitter" in log
    assert "W3 | Positie van de interim manager – tekenbevoegdheid | € 25.000,00 | € 50.000,00" \
        in log
    assert "W3 | Exitplan – opvolger | Jan Peeters | Ilse Maes" in log
    assert "W3 | D1 – streefwaarde | ≤ 1,5 % | ≤ 1,2 %" in log


def test_the_action_plan_and_an_earlier_progress_report_stay_as_they_were(june):
    assert said(june["action-plan.docx"], "Rapporteert aan") == []  # no position in it
    assert not said(june["action-plan.docx"], "Ilse Maes")
    assert not said(june["progress-2027-02-19.docx"], "voorzitter")
    assert not said(june["progress-2027-02-19.docx"], "≤ 1,2 %")


# ------------------------------------------------------------------ what never changes

@pytest.mark.parametrize(("path", "value", "why"), [
    ("people.gdewit.id", "gdw", "an id names its item in every document"),
    ("milestones.M2.id", "M20", "an id never changes: drop the item and add it anew"),
    ("language", "en", "every document of the assignment is written in it"),
    ("intake.first_contact", "2027-01-01", "it records what happened on its own date"),
    ("period.start", "2027-01-04", "a change cannot rewrite the past"),
    ("acceptance.version", "2.0", "it records what happened on its own date"),
    ("reviews.2027-01-29.outcome", "x", "it records what happened on its own date"),
    ("people.gdewit", "{id: gdewit, name: G, organisation: client}",
     "amend its keys one by one (`people.gdewit.<key>`)"),
    ("milestones", "[]", "its items are named by their id or date"),
    ("evaluations", "[]", "its items are named by their id or date"),
    ("period", "{start: 2027-01-11, end: 2027-07-01}", "cannot replace period as a whole"),
])
def test_ids_the_language_and_the_past_are_refused_with_the_reason(
        example: ExampleProject, path: str, value: str, why: str):
    example.edit(W1, f"        {path}: {value}")
    error = only(example.errors(), f"{path!r}" if "whole" not in why and "items" not in why
                 and "one by one" not in why else f"{path} as a whole")
    assert_located(error, example.yaml, example.line_of(f"        {path}: "), why)


def test_values_are_read_by_their_declared_type_at_their_line(example: ExampleProject):
    example.edit(W1, "        people.gdewit.organisation: partner\n"
                 "        position.mandate.signing_limit: vijftig\n"
                 "        exit_plan.successor.status: maybe\n"
                 "        risks.R1.likelihood: huge\n"
                 "        resources.3.description: x")
    errors = example.errors()
    for line, text in (("people.gdewit.organisation", "'partner' is not allowed"),
                       ("position.mandate.signing_limit", "expected a number"),
                       ("exit_plan.successor.status", "'maybe' is not allowed"),
                       ("risks.R1.likelihood", "'huge' is not allowed"),
                       ("resources.3.description", "known: 1, 2")):
        assert_located(only(errors, text), example.yaml, example.line_of(line), text)


def test_an_amended_fact_is_checked_by_the_rules_it_falls_under(example: ExampleProject):
    """Rule 3 on an amended plan: the interim manager cannot come to report to himself."""
    example.edit(W1, "        position.reports_to: lvermeulen")
    error = only(example.errors(), "after change W1: the interim manager cannot report")
    assert_located(error, example.yaml, example.line_of("- id: W1"))
    example.edit("position.reports_to: lvermeulen", "client.sponsor: nobody")
    error = only(example.errors(), "unknown person 'nobody'")
    assert_located(error, example.yaml, example.line_of("client.sponsor: nobody"))


def test_the_earlier_handover_start_and_the_new_period_are_one_fact(example: ExampleProject):
    """`exit_plan.handover_start` amends `handover.start` of an exit plan written the new way,
    and `exit_plan.handover.end` an exit plan written the earlier way."""
    example.edit(W1, "        exit_plan.handover_start: 2027-05-24")
    plan = _final_plan(example)
    assert (plan.handover.start, plan.handover.end) == (Day(2027, 5, 24), Day(2027, 6, 14))
    example.edit("    handover:                    # the handover period (a short one is fine)\n"
                 "      start: 2027-05-17\n      end: 2027-06-14\n",
                 "    handover_start: 2027-05-17\n")
    example.edit("exit_plan.handover_start: 2027-05-24", "exit_plan.handover.end: 2027-06-04")
    plan = _final_plan(example)
    assert (plan.handover_start, plan.window().start, plan.window().end) == (
        None, Day(2027, 5, 17), Day(2027, 6, 4))


def _final_plan(example: ExampleProject):
    from generator.source import history

    return history.amended(example.load().assignment).intake.exit_plan


# ------------------------------------------------------------------ issue 24's edge cases

def test_an_id_dropped_twice_is_refused_at_the_second(example: ExampleProject):
    example.edit(W1, W1 + "\n      drops: [A1, A1]")
    error = only(example.errors(), "`drops` names 'A1' twice")
    assert_located(error, example.yaml, example.line_of("drops: [A1, A1]"), "name it once")
    assert error.location.column > example.text.splitlines()[
        example.line_of("drops: [A1, A1]") - 1].index("A1") + 1  # the second A1


def test_an_id_added_and_dropped_by_one_change_is_refused(example: ExampleProject):
    example.edit(W1, W1 + "\n      adds:\n        actions:\n          - {id: A3, milestone: M3, "
                 "description: Verzuimcijfers delen}\n      drops: [A3]")
    error = only(example.errors(), "adds 'A3' and drops it")
    assert_located(error, example.yaml, example.line_of("drops: [A3]"),
                   "remove it from both `adds` and `drops`")


def test_the_final_evaluation_moved_before_the_change_is_refused(example: ExampleProject):
    example.edit(W1, "        evaluations.2027-06-25.date: 2027-02-12")
    error = only(example.errors(), "moves the evaluation of 2027-06-25 to 2027-02-12")
    assert_located(error, example.yaml, example.line_of("evaluations.2027-06-25.date"),
                   "date it on or after 2027-02-19")
    example.edit("evaluations.2027-06-25.date: 2027-02-12",
                 "evaluations.2027-06-25: {date: 2027-02-12, kind: final}")
    only(example.errors(), "moves the evaluation of 2027-06-25 to 2027-02-12")
    example.edit("evaluations.2027-06-25: {date: 2027-02-12, kind: final}",
                 "evaluations.2027-06-25.date: 2027-06-30")
    assert not example.report().errors


def test_an_evaluation_added_before_its_change_is_refused(example: ExampleProject):
    example.edit(W1, W1 + "\n      adds:\n        evaluations:\n          - {date: 2027-02-15, "
                 "kind: progress}")
    error = only(example.errors(), "adds an evaluation on 2027-02-15, before the change")
    assert_located(error, example.yaml, example.line_of("{date: 2027-02-15"))


def test_a_change_extending_the_period_after_its_end_is_inside_it(example: ExampleProject):
    """An extension agreed three days after the end it extends: how it goes, accepted."""
    role = "        people.jpeeters.role: Logistiek manager"  # the example's last change, W2
    example.edit("    - id: W2\n      date: 2027-06-14", "    - id: W2\n      date: 2027-06-28")
    error = only(example.errors(), "change W2 2027-06-28 falls outside the period")
    assert_located(error, example.yaml, example.line_of("date: 2027-06-28"), "extend the period")
    example.edit(role, role + "\n        period.end: 2027-07-30")
    assert not example.report().errors
