"""The assignment's history as a client reads it: every document dated on or after the facts it
reports, the plan as amended up to a document's date, derived versions and history tables,
`--as-of`, and amendments refused at their line when they do not fit the plan.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
from babel.dates import get_month_names
from click.testing import CliRunner
from docx_reading import (
    ASSIGNMENTS,
    ENGLISH,
    EPOCH,
    EXAMPLE,
    ROOT,
    Docx,
    build_loaded,
    builder,
    built,
    source_date_epoch,
    variant,
)
from example_project import ExampleProject, assert_located, only
from make_env import make_env

from generator.cli import main
from generator.delivery.planning import named_job
from generator.source import history
from generator.source.model import (
    Amount,
    Assignment,
    Change,
    MilestoneId,
    Money,
    ObjectiveId,
    PersonId,
    Plain,
)
from generator.source.project import load_assignment
from generator.source.records import fields, non_empty

Day = datetime.date
LOCALES = {"nl": "nl_BE", "en": "en_GB"}


def printed_date(d: Docx, language: str) -> Day:
    """The document's date as its control table prints it ("19 februari 2027")."""
    nl = language == "nl"
    text = control_value(d, language, "Datum" if nl else "Date")
    day, month, year = text.split()
    months = {str(v).lower(): k for k, v in get_month_names("wide", locale=LOCALES[language])
              .items()}
    return Day(int(year), months[month.lower()], int(day))


def control_value(d: Docx, language: str, item: str) -> str:
    """A value of the document-control table, or of a memo's opening block, whose version
    row carries the date as the footer does ("1.1 · 19 februari 2027")."""
    nl = language == "nl"
    version, date = ("Versie", "Datum") if nl else ("Version", "Date")
    if not name_is_memo(d):
        return d.facts("Document")[item]
    opening = d.facts("Opdrachtgever" if nl else "Client")
    number, _, day = opening[version].partition(" · ")
    return {version: number, date: day}.get(item) or opening[item]


def name_is_memo(d: Docx) -> bool:
    return d.path.name.startswith("progress-")


def dated_facts(a: Assignment) -> list[tuple[Day, str]]:
    """Each dated fact of the sources with a text that only a report of that fact prints."""
    facts: list[tuple[Day, str]] = []
    assert a.analysis and a.execution and a.closing and a.closing.evaluation_session
    facts += [(r.date, str(r.outcome)) for r in a.analysis.reviews]
    facts += [(c.date, str(c.what)) for c in a.execution.changes]
    facts += [(p.evaluation, str(d)) for p in a.execution.progress for d in p.decisions]
    session = a.closing.evaluation_session
    facts += [(session.date, str(x)) for x in [*session.went_well, *session.to_improve]]
    return facts


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_document_is_dated_on_or_after_each_fact_it_reports(tmp_path_factory, assignment):
    a = load_assignment(ROOT / "assignments" / assignment).assignment
    docs = built(assignment, tmp_path_factory.mktemp("built"))
    facts = dated_facts(a)
    reported = 0
    for name, path in sorted(docs.items()):
        d = Docx(path)
        day = printed_date(d, a.language)
        for fact_day, text in facts:
            if text in d.text:
                reported += 1
                assert fact_day <= day, f"{name} dated {day} reports {text!r} of {fact_day}"
        if a.analysis.acceptance and name != "proposal.docx":
            assert day >= a.analysis.acceptance.accepted_on or "CONCEPT" in d.cover, name
    assert reported >= len(facts), "every fact is reported by some document"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_documents_are_dated_by_facts_not_by_source_date_epoch(tmp_path_factory, assignment):
    docs = built(assignment, tmp_path_factory.mktemp("built"))  # built with the epoch set
    a = load_assignment(ROOT / "assignments" / assignment).assignment
    epoch = Day(2027, 9, 1)
    for name, path in docs.items():
        assert printed_date(Docx(path), a.language) != epoch, name


# ------------------------------------------------------------------ the example's history

@pytest.fixture(scope="module")
def example_as_of(tmp_path_factory) -> dict[str, dict[str, Docx]]:
    """The example's handbook and action plan as of 10 and 19 February, and as they stand."""
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    out = {}
    base = tmp_path_factory.mktemp("asof")
    for label, day in (("02-10", Day(2027, 2, 10)), ("02-19", Day(2027, 2, 19)), ("now", None)):
        out[label] = {}
        for kind in ("handbook", "action-plan"):
            path = base / f"{label}-{kind}.docx"
            with source_date_epoch(EPOCH):
                path.write_bytes(builder().document(loaded, kind, as_of=day))
            out[label][kind] = Docx(path)
    return out


def milestone_due(d: Docx, milestone: str) -> str:
    return d.table("Nr.", "Mijlpaal", "Deadline", "Eigenaar", "Doelen").row(milestone)[2]


def test_handbook_as_of_10_february_is_1_1_without_w1(example_as_of):
    d = example_as_of["02-10"]["handbook"]
    assert control_value(d, "nl", "Versie") == "1.1"
    assert printed_date(d, "nl") == Day(2027, 2, 1)
    assert "Versie 1.1 · 1 februari 2027" in d.cover
    assert "W1" not in d.text and "Late levering van de scanners" not in d.text
    assert milestone_due(d, "M2") == "12 mrt 2027"
    log = d.section_after("Wijzigingsprocedure en overzicht van de wijzigingen")
    assert "Er zijn nog geen wijzigingen afgesproken." in log


def test_handbook_as_of_19_february_is_1_2_with_w1(example_as_of):
    d = example_as_of["02-19"]["handbook"]
    assert control_value(d, "nl", "Versie") == "1.2"
    assert printed_date(d, "nl") == Day(2027, 2, 19)
    assert milestone_due(d, "M2") == "26 mrt 2027"
    log = d.table("Nr.", "Datum", "Wijziging").row("W1")
    assert log[2] == "Deadline M2 van 12 maart naar 26 maart 2027"
    # the change log says what W1 did to the plan: old -> new
    assert d.table("Wijziging", "Onderdeel", "Was", "Wordt").rows[1:] == [
        ["W1", "M2 – deadline", "12 mrt 2027", "26 mrt 2027"]]
    # a person appears under the role held on the document's date: before W2, the old one
    assert "Jan Peeters (Teamleider magazijn)" in d.text
    assert "Logistiek manager" not in d.text


def test_the_handbook_as_it_stands_is_1_3_with_the_role_change_of_14_june(example_as_of):
    """W2 (14 June) changes no date of the plan but a person's role: a new version."""
    d = example_as_of["now"]["handbook"]
    assert control_value(d, "nl", "Versie") == "1.3"
    assert printed_date(d, "nl") == Day(2027, 6, 14)
    assert milestone_due(d, "M2") == "26 mrt 2027"
    assert d.table("Nr.", "Datum", "Wijziging").column("Nr.") == ["W1", "W2"]
    assert d.table("Wijziging", "Onderdeel", "Was", "Wordt").rows[1:] == [
        ["W1", "M2 – deadline", "12 mrt 2027", "26 mrt 2027"],
        ["W2", "Jan Peeters – rol", "Teamleider magazijn", "Logistiek manager"]]
    assert "Jan Peeters (Logistiek manager)" in d.text
    assert "Teamleider magazijn)" not in d.text


def test_the_action_plan_always_shows_the_baseline(example_as_of):
    for label in ("02-10", "02-19", "now"):
        d = example_as_of[label]["action-plan"]
        assert milestone_due(d, "M2") == "12 mrt 2027", label
        assert "W1" not in d.text
        assert control_value(d, "nl", "Versie") == "1.1"


def test_history_tables_in_the_control_block(example_as_of):
    handbook = example_as_of["now"]["handbook"].table("Versie", "Datum", "Omschrijving")
    assert handbook.rows[1:] == [
        ["1.1", "1 februari 2027", "Formeel aanvaard door Greet De Wit"],
        ["1.2", "19 februari 2027", "W1: Deadline M2 van 12 maart naar 26 maart 2027"],
        ["1.3", "14 juni 2027", "W2: Jan Peeters neemt de leiding van de afdeling over als "
                                "logistiek manager"]]
    plan = example_as_of["now"]["action-plan"].table("Versie", "Datum", "Omschrijving")
    assert plan.rows[1:] == [
        ["–", "29 januari 2027", "Besproken met Greet De Wit: M3 verschoven van 2027-03-26 "
                                 "naar 2027-04-16 op vraag van HR"],
        ["1.1", "1 februari 2027", "Formeel aanvaard door Greet De Wit"]]
    early = example_as_of["02-10"]["handbook"].table("Versie", "Datum", "Omschrijving")
    assert [r[0] for r in early.rows[1:]] == ["1.1"]


def test_an_action_plan_before_its_acceptance_is_the_version_submitted(tmp_path):
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    path = tmp_path / "plan.docx"
    path.write_bytes(builder().document(loaded, "action-plan", as_of=Day(2027, 1, 30)))
    d = Docx(path)
    assert printed_date(d, "nl") == Day(2027, 1, 29)  # its last review
    assert "Status: Concept" in d.cover
    assert "concept, ter aanvaarding voorgelegd aan de opdrachtgever" in d.text
    assert "Formeel aanvaard" not in d.text and "als versie 1.1" not in d.text
    rows = d.table("Versie", "Datum", "Omschrijving").rows[1:]
    assert [r[0] for r in rows] == ["–", "1.1"] and rows[-1][2] == "Ter aanvaarding voorgelegd"


def test_versions_for_the_redline(tmp_path):
    """The interface `interim redline --from 1.1` uses: versions, then a build as of one."""
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    versions = history.versions(loaded.assignment, "handbook")
    assert [(v.version, v.date) for v in versions] == [("1.1", Day(2027, 2, 1)),
                                                       ("1.2", Day(2027, 2, 19)),
                                                       ("1.3", Day(2027, 6, 14))]
    path = tmp_path / "v.docx"
    path.write_bytes(builder().document(loaded, "handbook", as_of=versions[0].date))
    assert control_value(Docx(path), "nl", "Versie") == "1.1"
    english = load_assignment(ROOT / "assignments" / ENGLISH).assignment
    assert [v.version for v in history.versions(english, "handbook")] == [
        "1.2", "1.3", "1.4", "1.5"]


def test_minor_versions_count_past_nine():
    assert history.next_minor("1.9") == "1.10"
    assert history.next_minor("2.10") == "2.11"


# ------------------------------------------------------------------ adds and drops

def actions(d: Docx, english: bool = True) -> list[str]:
    header = ("No.", "Milestone", "Action") if english else ("Nr.", "Mijlpaal", "Actie")
    return [r[0] for r in d.table(*header).rows[1:]]


def test_adds_and_drops_appear_in_the_right_documents(tmp_path_factory):
    docs = built(ENGLISH, tmp_path_factory.mktemp("built"))
    assert actions(Docx(docs["action-plan.docx"])) == ["X1", "X2", "X3"]  # the baseline
    handbook = Docx(docs["handbook.docx"])
    assert actions(handbook) == ["X1", "X2", "X4"]  # C1 dropped X3 and added X4
    amended = handbook.table("Change", "Item", "Was", "Now").rows[1:]
    assert ["C1", "X4", "–", "added: Set up the bank’s cash-management module and load the "
            "sales order book"] in amended
    assert ["C1", "X3", "Build the forecast template from bank data and the sales order book",
            "dropped"] in amended
    assert ["C2", "N3 – due date", "30 Jun 2027", "9 Jul 2027"] in amended
    loaded = load_assignment(ROOT / "assignments" / ENGLISH)
    before = tmp_path_factory.mktemp("before") / "handbook.docx"
    before.write_bytes(builder().document(loaded, "handbook", as_of=Day(2027, 4, 15)))
    assert actions(Docx(before)) == ["X1", "X2", "X3"]


def test_an_added_milestone_reaches_progress_and_handover_not_the_action_plan(tmp_path):
    def add_m5(data):
        data["execution"]["changes"][0]["adds"] = {"milestones": [{
            "id": "M5", "title": "Tweede scannerbatch besteld", "due": "2027-05-28",
            "objectives": ["D1"], "owner": "jpeeters",
            "acceptance": "Bestelling goedgekeurd door de CEO en geplaatst"}]}
        data["closing"]["milestones"]["M5"] = "done"

    folder = variant(EXAMPLE, tmp_path, add_m5)
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "b")
    status = Docx(out["progress-2027-02-19.docx"]).table("Nr.", "Mijlpaal", "Deadline")
    assert status.column("Nr.") == ["M1", "M2", "M3", "M4", "M5"]
    plan = Docx(out["action-plan.docx"]).table("Nr.", "Mijlpaal", "Deadline", "Eigenaar")
    assert plan.column("Nr.") == ["M1", "M2", "M3", "M4"]
    assert "M5" in Docx(out["handover.docx"]).text


def test_a_dropped_milestone_leaves_the_handbook(tmp_path):
    def drop_m3(data):
        data["execution"]["changes"][0]["drops"] = ["M3"]
        data["closing"]["milestones"].pop("M3")
        data["execution"]["progress"][1]["milestones"].pop("M3")  # the phase gate's report

    folder = variant(EXAMPLE, tmp_path, drop_m3)
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "b", only=("handbook",
                                                                           "action-plan"))
    handbook = Docx(out["handbook.docx"]).table("Nr.", "Mijlpaal", "Deadline", "Eigenaar")
    assert handbook.column("Nr.") == ["M1", "M2", "M4"]
    plan = Docx(out["action-plan.docx"]).table("Nr.", "Mijlpaal", "Deadline", "Eigenaar")
    assert plan.column("Nr.") == ["M1", "M2", "M3", "M4"]


# ------------------------------------------------------------------ refused at their line

AMENDS = "        milestones.M2.due: 2027-03-26"


def test_a_bad_amends_path_is_refused_at_its_line(example: ExampleProject):
    example.edit(AMENDS, "        milestones.M9.due: 2027-03-26")
    error = only(example.errors(), "M9")
    assert_located(error, example.yaml, example.line_of("milestones.M9.due"), "known: M1")
    example.edit("milestones.M9.due", "milestones.M2.colour")
    error = only(example.errors(), "colour")
    assert_located(error, example.yaml, example.line_of("milestones.M2.colour"),
                   "milestones.M2 has no amendable key 'colour'", "keys: title, due")
    example.edit("milestones.M2.colour", "budget.total")
    error = only(example.errors(), "budget.total")
    assert_located(error, example.yaml, example.line_of("budget.total"), "the assignment has "
                   "no amendable key 'budget'", "period", "terms", "milestones", "people")


def test_a_wrongly_typed_value_is_refused_at_its_line(example: ExampleProject):
    example.edit(AMENDS, "        milestones.M2.due: end of March")
    error = only(example.errors(), "expected a date")
    assert_located(error, example.yaml, example.line_of("milestones.M2.due"), "YYYY-MM-DD")
    assert error.location.column > 0  # file:line:col


def test_an_amended_due_date_outside_the_period_is_refused_at_the_change(
        example: ExampleProject):
    example.edit(AMENDS, "        milestones.M2.due: 2027-07-30")
    error = only(example.errors(), "after change W1")
    assert_located(error, example.yaml, example.line_of("- id: W1"), "milestone M2",
                   "outside the period")
    # extending the period in the same change makes the date valid
    example.edit("        milestones.M2.due: 2027-07-30",
                 "        milestones.M2.due: 2027-07-30\n        period.end: 2027-08-31")
    assert not example.report().errors


def test_a_dropped_milestone_still_referenced_is_refused(example: ExampleProject):
    example.edit(AMENDS, AMENDS + "\n      drops: [M2]")
    errors = example.errors()
    error = only(errors, "action A1 refers to unknown milestone 'M2'")
    assert_located(error, example.yaml, example.line_of("- id: W1"), "after change W1")
    # the progress entry of that date names it too: it is checked against the amended plan
    error = only(errors, "unknown milestone 'M2' in the plan as amended up to 2027-02-19")
    assert_located(error, example.yaml, example.line_of("M2: at_risk"),
                   "change W1 dropped M2 from the plan")


def test_changes_in_date_order_with_ids_that_fit_paths(example: ExampleProject):
    example.edit(AMENDS, AMENDS + """
    - id: W3
      date: 2027-02-12
      what: Vroeger
      approved_by: gdewit""")
    error = only(example.errors(), "date order")
    assert_located(error, example.yaml, example.line_of("date: 2027-02-12"))


def test_milestone_and_action_ids_are_one_namespace_without_dots(example: ExampleProject):
    example.edit("    - id: A2\n", "    - id: M1\n")
    error = only(example.errors(), "used twice")
    assert_located(error, example.yaml, example.line_of("- id: M1", 2), "rename")
    example.edit("    - id: M1\n      milestone: M2", "    - id: A.2\n      milestone: M2")
    error = only(example.errors(), "contains '.'")
    assert_located(error, example.yaml, example.line_of("- id: A.2"))


def test_pinned_dates_and_versions_are_checked(example: ExampleProject):
    example.edit('  action-plan: {version: "1.1"}',
                 '  action-plan: {version: "1.1"}\n  handbook: {version: "1.1", '
                 'date: 2027-01-20}\n  progress: {version: "1.0"}')
    errors = example.errors()
    assert_located(only(errors, "before 2027-02-01"), example.yaml,
                   example.line_of("handbook: {"), "on or after 2027-02-01")
    assert_located(only(errors, "documents.progress"), example.yaml,
                   example.line_of("progress: {"), "execution.progress")
    example.edit("date: 2027-01-20", "date: 2027-03-01")
    example.edit('\n  progress: {version: "1.0"}', "")
    error = only(example.errors(), "pins version 1.1")
    assert_located(error, example.yaml, example.line_of("handbook: {"), "write 1.2")
    example.edit('handbook: {version: "1.1"', 'handbook: {version: "1.2"')
    assert not example.report().errors


def test_a_progress_report_pinned_before_its_evaluation(example: ExampleProject):
    example.edit("    - evaluation: 2027-02-19\n", "    - evaluation: 2027-02-19\n"
                 "      date: 2027-02-18\n")
    error = only(example.errors(), "progress report is dated 2027-02-18")
    assert_located(error, example.yaml, example.line_of("date: 2027-02-18"))


def test_an_unpinned_proposal_warns_how_to_freeze_it(example: ExampleProject):
    example.edit('  proposal: {version: "1.0", date: 2026-11-27}\n', "")
    warning = only(example.warnings(), "no pinned date")
    assert "documents: {proposal: {date:" in warning.hint


# ------------------------------------------------------------------ --as-of

def test_as_of_builds_into_its_own_folder(tmp_path: Path, monkeypatch):
    variant(EXAMPLE, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = CliRunner().invoke(main, ["build", EXAMPLE, "--as-of", "2027-02-10", "--out",
                                       "build"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "build" / EXAMPLE / "as-of-2027-02-10"
    assert sorted(p.name for p in folder.iterdir()) == ["action-plan.docx", "handbook.docx",
                                                        "proposal.docx"]
    assert not list((tmp_path / "build" / EXAMPLE).glob("*.docx")), "current ones untouched"
    assert "progress skipped" in result.output and "handover skipped" in result.output
    assert control_value(Docx(folder / "handbook.docx"), "nl", "Versie") == "1.1"
    refused = CliRunner().invoke(main, ["build", EXAMPLE, "--as-of", "2027-02-10", "--doc",
                                        "handover", "--out", "build"])
    assert refused.exit_code == 1
    assert "handover" in refused.output + (refused.stderr or "")


def test_a_progress_report_shows_the_plan_as_amended_up_to_its_evaluation(tmp_path_factory):
    docs = built(ENGLISH, tmp_path_factory.mktemp("built"))

    def n3_due(name: str) -> str:
        table = Docx(docs[name]).table("No.", "Milestone", "Due", "Owner", "Status")
        return table.row("N3")[2]

    assert n3_due("progress-2027-04-16.docx") == "30 Jun 2027"  # C2 of 11 June not yet known
    assert n3_due("progress-2027-06-11.docx") == "9 Jul 2027"
    first = Docx(docs["progress-2027-04-16.docx"])
    assert "C2" not in first.text and "Late audit adjustment" not in first.text


def test_an_amended_owner_must_be_a_known_person(example: ExampleProject):
    example.edit(AMENDS, AMENDS + "\n        milestones.M2.owner: jpeters")
    error = only(example.errors(), "unknown person 'jpeters'")
    assert_located(error, example.yaml, example.line_of("milestones.M2.owner"), "jpeeters")


def test_amended_participants_must_be_known_people(example: ExampleProject):
    example.edit(AMENDS, AMENDS + "\n        evaluations.2027-06-25.participants: "
                 "[gdewit, kjansens]")
    error = only(example.errors(), "unknown person 'kjansens'")
    assert_located(error, example.yaml, example.line_of("evaluations.2027-06-25.participants"),
                   "in `evaluations.2027-06-25.participants`", "kjanssens")


def test_amended_text_keeps_what_was_typed(tmp_path):
    def retitle(data):
        data["execution"]["changes"][0]["amends"]["milestones.M2.title"] = "1.10"

    folder = variant(EXAMPLE, tmp_path, retitle)
    (folder / "assignment.yaml").write_text(
        (folder / "assignment.yaml").read_text(encoding="utf-8").replace("'1.10'", "1.10"),
        encoding="utf-8")
    loaded = load_assignment(folder)
    plan = history.amended(loaded.assignment, as_typed=loaded.as_typed)
    assert plan.analysis.milestones[1].title == "1.10"
    handbook = history.state(loaded.assignment, "handbook", undated=D(2027, 9, 1),
                             as_typed=loaded.as_typed)
    assert handbook.assignment.analysis.milestones[1].title == "1.10", "the document's plan"
    with source_date_epoch(EPOCH):
        (tmp_path / "handbook.docx").write_bytes(builder().document(loaded, "handbook"))
    built_m2 = Docx(tmp_path / "handbook.docx").table("Nr.", "Mijlpaal", "Deadline").row("M2")
    assert built_m2[1] == "1.10", "the built handbook's milestone table, as typed"


def test_a_handover_pinned_before_its_evaluation_session(example: ExampleProject):
    example.edit('  action-plan: {version: "1.1"}',
                 '  action-plan: {version: "1.1"}\n  handover: {date: 2027-06-20}')
    error = only(example.errors(), "handover is dated 2027-06-20")
    assert_located(error, example.yaml, example.line_of("handover: {date"), "2027-06-25")


def test_before_the_first_contact_nothing_existed():
    from generator.delivery.build import plan

    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    early = plan(loaded, as_of=Day(2026, 11, 1))
    assert early.jobs == []
    assert {s.kind for s in early.skipped} == {"proposal", "action-plan", "handbook",
                                               "progress", "handover"}
    (proposal,) = [s for s in early.skipped if s.kind == "proposal"]
    assert "2026-11-20" in proposal.reason
    assert [j.filename for j in plan(loaded, as_of=Day(2026, 11, 20)).jobs] == [
        "proposal.docx", "action-plan.docx"]


# ------------------------------------------------------------------ properties

def _changes_strategy():
    from hypothesis import strategies as st

    day = st.integers(1, 144).map(lambda n: Day(2027, 2, 1) + datetime.timedelta(days=n))
    due = st.integers(0, 165).map(lambda n: Day(2027, 1, 11) + datetime.timedelta(days=n))
    one = st.tuples(day, st.sampled_from(["M1", "M2", "M3", "M4"]), due)
    return st.lists(one, max_size=12)


def test_versions_and_amended_plans_follow_the_changes():
    """Random agreed changes (dates, milestone due dates): one minor version per date, the
    plan as of each version holds exactly the changes up to it, the last value wins."""
    from hypothesis import given, settings
    from test_hostile import PROFILE

    from generator.source.model import Change
    from generator.source.records import replace

    base = load_assignment(ROOT / "assignments" / EXAMPLE).assignment

    @settings(PROFILE)
    @given(_changes_strategy())
    def check(drawn):
        drawn = sorted(drawn, key=lambda c: c[0])
        changes = [Change(id=f"W{i}", date=d, what="x", approved_by="gdewit",
                          amends={f"milestones.{m}.due": due.isoformat()})
                   for i, (d, m, due) in enumerate(drawn, start=1)]
        a = replace(base, execution=replace(base.execution, changes=changes))
        versions = history.handbook_versions(a)
        dates = sorted({c.date for c in changes})
        assert [v.version for v in versions] == [f"1.{n}" for n in range(1, len(dates) + 2)]
        for v in versions:
            s = history.state(a, "handbook", undated=Day(2027, 9, 1), as_of_day=v.date)
            assert (s.version, s.date) == (v.version, v.date)
            expected = {m.id: m.due for m in base.analysis.milestones}
            expected.update({m: due for d, m, due in drawn if d <= v.date})
            assert {m.id: m.due for m in s.assignment.analysis.milestones} == expected
            assert [c.id for c in s.assignment.execution.changes] == [
                c.id for c in changes if c.date <= v.date]
        plan = history.state(a, "action-plan", undated=Day(2027, 9, 1)).assignment
        assert plan.analysis.milestones == base.analysis.milestones  # always the baseline

    check()


def test_a_change_on_or_before_the_acceptance_is_refused(example: ExampleProject):
    example.edit("      date: 2027-02-19\n      what: Deadline", "      date: 2027-02-01\n"
                 "      what: Deadline")
    error = only(example.errors(), "on or before its acceptance")
    assert_located(error, example.yaml, example.line_of("date: 2027-02-01\n      what"),
                   "version 1.1")


def test_the_handover_shows_the_proposed_target_and_the_amended_one(tmp_path_factory):
    docs = built(ENGLISH, tmp_path_factory.mktemp("built"))
    d = Docx(docs["handover.docx"])
    f2 = d.table("No.", "Objective", "Baseline", "Target").row("F2")
    assert f2[3] == ("Unqualified opinion by 30 June 2027 (amended by C2: Unqualified opinion "
                     "by 9 July 2027)")
    assert d.table("No.", "Objective", "Baseline", "Target").row("F1")[3] == "≤ 7 days"


def test_as_of_before_the_acceptance_says_the_handbook_did_not_exist_yet():
    from generator.delivery.build import plan

    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    p = plan(loaded, ["handbook"], as_of=Day(2027, 1, 31), draft=True)
    assert p.jobs == []
    (skip,) = p.skipped
    assert "did not exist yet on 2027-01-31" in skip.reason and "2027-02-01" in skip.reason


def test_versions_read_major_minor(example: ExampleProject):
    example.edit('version: "1.1"\n    accepted_on', 'version: "v1"\n    accepted_on')
    error = only(example.errors(), "does not read MAJOR.MINOR")
    assert_located(error, example.yaml, example.line_of('version: "v1"'), "1.2")


def test_amended_values_print_literally(tmp_path):
    typed = "{{ 7*7 }} | *x* # y"

    def retitle(data):
        data["execution"]["changes"][0]["amends"]["milestones.M2.title"] = typed
        data["execution"]["changes"][0]["amends"]["objectives.D1.target"] = typed

    folder = variant(EXAMPLE, tmp_path, retitle)
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "b", only=("handbook",
                                                                           "handover"))
    amended = Docx(out["handbook.docx"]).table("Wijziging", "Onderdeel", "Was", "Wordt")
    # a title is prose: *x* is emphasis (in italics), the rest prints as typed
    assert ["W1", "M2 – titel", "Scannergestuurd picken in hal A", "{{ 7*7 }} | x # y"] \
        in amended.rows
    d1 = Docx(out["handover.docx"]).table("Nr.", "Doelstelling", "Vertrekpunt").row("D1")
    assert d1[3] == f"≤ 1,5 % (aangepast door W1: {typed})"


def test_an_evaluation_moved_by_a_change(tmp_path):
    def move(data):
        data["execution"]["changes"][0]["amends"]["evaluations.2027-04-02.date"] = "2027-04-09"
        data["execution"]["progress"][1]["evaluation"] = datetime.date(2027, 4, 9)

    folder = variant(EXAMPLE, tmp_path, move)
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "b", only=("handbook",
                                                                           "action-plan"))
    calendar = Docx(out["handbook.docx"]).section_after("Evaluatiekalender")
    assert "9 april 2027" in calendar and "2 april 2027" not in calendar
    assert "2 april 2027" in Docx(out["action-plan.docx"]).section_after("Evaluatiemomenten")


def test_amended_due_dates_are_refused_exactly_outside_the_period(example: ExampleProject):
    """Property: for any due date, the amended plan is refused iff it leaves the period."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from test_hostile import PROFILE

    start, end = Day(2027, 1, 11), Day(2027, 6, 25)
    original = example.text

    @settings(PROFILE)
    @given(st.integers(-40, 200).map(lambda n: start + datetime.timedelta(days=n)))
    def check(due):
        example.write(original.replace(AMENDS, f"        milestones.M2.due: {due}"))
        errors = [d for d in example.report().errors if "after change W1" in d.message]
        assert bool(errors) == (not start <= due <= end), (due, errors)
        for error in errors:
            assert error.location.line == example.line_of("- id: W1")

    check()


def test_amended_terms_are_checked_like_the_terms(example: ExampleProject):
    """Rule 9 holds after a change too: `amends` may set the days per week and the day rate."""
    example.edit(AMENDS, AMENDS + "\n        terms.days_per_week: 7")
    error = only(example.errors(), "7 days per week is not possible")
    assert_located(error, example.yaml, example.line_of("- id: W1"), "after change W1",
                   "0.5 to 5")
    example.edit("terms.days_per_week: 7", "terms.day_rate: 0")
    error = only(example.errors(), "day rate must be more than 0")
    assert_located(error, example.yaml, example.line_of("- id: W1"), "after change W1")
    example.edit("terms.day_rate: 0", "terms.days_per_week: 5")
    assert not example.report().errors


@pytest.mark.skipif(shutil.which("make") is None, reason="make needed")
def test_make_as_of_builds_into_its_own_folder(tmp_path: Path):
    """`make handbook ASSIGNMENT=... AS_OF=...` as the README says: the handbook as it stood."""
    interim = Path(sys.executable).with_name("interim")
    env = make_env(SOURCE_DATE_EPOCH=EPOCH, INTERIM_LAYOUT="0")
    done = subprocess.run(["make", "--no-print-directory", "handbook", f"ASSIGNMENT={EXAMPLE}",
                           "AS_OF=2027-02-10", f"OUT={tmp_path}", f"INTERIM={interim}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.rglob("*.docx")) == ["handbook.docx"]
    d = Docx(tmp_path / EXAMPLE / "as-of-2027-02-10" / "handbook.docx")
    assert control_value(d, "nl", "Versie") == "1.1" and milestone_due(d, "M2") == "12 mrt 2027"


def test_an_accepted_action_plan_pinned_at_another_version_is_refused(example: ExampleProject):
    """Once accepted, the action plan is `acceptance.version`: a pin may freeze it, not rename."""
    example.edit('  action-plan: {version: "1.1"}', '  action-plan: {version: "1.0"}')
    error = only(example.errors(), "pins version 1.0")
    assert_located(error, example.yaml, example.line_of('action-plan: {version: "1.0"}'),
                   "the action-plan", "1.1")


def test_a_draft_handbook_is_dated_as_the_plan_it_submits(tmp_path):
    """Before the acceptance a `--draft` handbook presents the plan as submitted: it carries
    that plan's date (its last review), not the proposal's or the build's."""
    loaded = load_assignment(ROOT / "assignments" / "denderland-hr-2027")
    (review,) = loaded.assignment.analysis.reviews
    for kind in ("handbook", "action-plan"):
        path = tmp_path / f"{kind}.docx"
        with source_date_epoch(EPOCH):
            path.write_bytes(builder().document(loaded, kind, draft=True))
        assert printed_date(Docx(path), "nl") == review.date, kind


@pytest.mark.parametrize(("assignment", "expected"), [
    (EXAMPLE, [["W1", "Evaluatie 2 apr 2027 – datum", "2 apr 2027", "9 apr 2027"],
               ["W1", "Looptijd – einde", "25 jun 2027", "30 jun 2027"],
               ["W1", "Commerciële voorwaarden – dagtarief", "€ 1.050,00", "€ 1.100,00"],
               ["W1", "Exitplan – start overdracht", "17 mei 2027", "20 mei 2027"],
               ["W1", "Evaluatie 7 mei 2027", "–", "toegevoegd: Voortgangsevaluatie"]]),
    (ENGLISH, [["C1", "Period – end", "27 Aug 2027", "1 Sep 2027"],
               ["C1", "Commercial terms – day rate", "€1,250.00", "€1,100.00"],
               ["C1", "Exit plan – start of handover", "26 Jul 2027", "29 Jul 2027"],
               ["C1", "Review 7 May 2027", "–", "added: Progress review"]]),
])
def test_the_change_log_names_each_amended_item_as_the_client_knows_it(
        tmp_path, assignment, expected):
    """Never a source key (`period`, `terms`, `2027-04-02`) on a client page: the item in the
    document's words, a day rate as money."""
    def amend(data):
        change = data["execution"]["changes"][0]
        amends = change.setdefault("amends", {})
        if assignment == EXAMPLE:  # the phase gate of 2 April, held on 9 April
            amends["evaluations.2027-04-02.date"] = datetime.date(2027, 4, 9)
            data["execution"]["progress"][1]["evaluation"] = datetime.date(2027, 4, 9)
        amends["period.end"] = data["period"]["end"] + datetime.timedelta(days=5)
        amends["terms.day_rate"] = 1100
        plan = data["intake"]["exit_plan"]  # the example writes `handover: {start, end}`:
        start = plan["handover"]["start"] if "handover" in plan else plan["handover_start"]
        amends["exit_plan.handover_start"] = start + datetime.timedelta(days=3)  # one fact
        change.setdefault("adds", {})["evaluations"] = [{
            "date": datetime.date(2027, 5, 7), "kind": "progress",
            "participants": [data["client"]["sponsor"], data["interim_manager"]]}]

    loaded = load_assignment(variant(assignment, tmp_path, amend))
    with source_date_epoch(EPOCH):
        out = build_loaded(loaded, tmp_path / "b", only=("handbook",))
    header = ("Change", "Item", "Was", "Now") if assignment == ENGLISH else (
        "Wijziging", "Onderdeel", "Was", "Wordt")
    rows = Docx(out["handbook.docx"]).table(*header).rows[1:]
    for row in expected:
        assert row in rows, (row, rows)


def test_a_progress_entry_naming_a_milestone_added_later_says_which_change_adds_it(
        example: ExampleProject):
    example.edit("      date: 2027-02-19\n      what: Deadline", "      date: 2027-02-22\n"
                 "      what: Deadline")
    example.edit(AMENDS, AMENDS + """
      adds:
        milestones:
          - {id: M5, title: Tweede batch, due: 2027-05-28, objectives: [D1], owner: jpeeters,
             acceptance: Bestelling goedgekeurd door de CEO}""")
    example.edit("        M2: at_risk\n", "        M2: at_risk\n        M5: planned\n")
    example.edit("    M4: done\n", "    M4: done\n    M5: done\n")
    error = only(example.errors(), "unknown milestone 'M5'")
    assert_located(error, example.yaml, example.line_of("M5: planned"),
                   "change W1 adds M5 on 2027-02-22", "after this evaluation")


@pytest.mark.parametrize(("annotation", "form"), [
    (PersonId, "person"), (PersonId | None, "person"), (list[PersonId], "people"),
    (Annotated[list[PersonId], non_empty] | None, "people"), (Money, "money"),
    (Money | None, "money"), (Amount, "number"), (Amount | None, "number"),
    (int | None, "number"), (Day, "date"), (Day | None, "date"), (Plain, "text"),
    (Plain | None, "text"), (list[ObjectiveId], "text"), (MilestoneId, "text"), (bool, "text"),
])
def test_an_amended_value_prints_by_its_declared_type(annotation, form) -> None:
    """No field name in sight: what the type is made of says how its values print."""
    assert history.value_form(annotation) == form


def test_every_amendable_path_prints_by_its_field_type() -> None:
    """Each amendable value of the example, set to itself: found in the model's records (no
    list of paths), and its form is its field type's, so a person prints as a person, a list
    of them as people, the day rate and the signing limit as money."""
    from generator.source.amending import amendable

    a = load_assignment(ROOT / "assignments" / EXAMPLE).assignment
    declared = dict(amendable(a))
    for path in ("people.gdewit.role", "client.sponsor", "exit_plan.successor.name",
                 "position.mandate.decides", "objectives.D1.target", "resources.2.description",
                 "terms.vat_percent", "risks.R1.owner", "evaluations.2027-04-02.participants",
                 "period.end", "actions.A1.milestone"):
        assert path in declared, path
    for path in ("id", "language", "people.gdewit.id", "milestones.M1.id", "first_contact",
                 "period.start", "reviews.2027-01-29.outcome", "acceptance.version"):
        assert not [p for p in declared if p == path or p.startswith(path + ".")], path
    values = {path: value for path, value in _values(a, declared) if value is not None}
    change = Change(id="W9", date=Day(2027, 5, 3), what="x", approved_by="gdewit",
                    amends=values)
    _, applied, issues = history.apply_change(a, change)
    assert issues == []
    forms = {x.path: x.form for x in applied.amendments}
    assert forms == {path: history.value_form(declared[path]) for path in values}
    by_form = {form: {path.rsplit(".", 1)[-1] for path in forms if forms[path] == form}
               for form in set(forms.values())}
    assert {"owner", "sponsor", "reports_to", "committed_by"} <= by_form["person"]
    assert by_form["people"] == {"participants"}
    assert by_form["money"] == {"day_rate", "signing_limit"}
    assert {"days_per_week", "vat_percent", "payment_days"} <= by_form["number"]
    assert {"due", "date", "end", "start", "valid_until"} <= by_form["date"]
    assert {"title", "objectives", "milestone", "target", "role", "name"} <= by_form["text"]


def _values(a: Assignment, declared: dict) -> list[tuple[str, object]]:
    """The value each amendable path holds in `a`, read by walking the same path."""
    from generator.source.amending import canonical, item_key

    found = []
    for path in declared:
        node = a
        rest = canonical(path)
        while rest and node is not None:
            if isinstance(node, list):
                keys = [item_key(x, i) for i, x in enumerate(node)]
                (i,) = [i for i, k in enumerate(keys) if rest == k or rest.startswith(k + ".")]
                node, rest = node[i], rest[len(keys[i]) + 1:]
            else:
                key, _, rest = rest.partition(".")
                (f,) = [f for f in fields(type(node)).values() if f.key == key]
                node = getattr(node, f.name)
        found.append((path, node))
    return found


def test_a_draft_handbook_is_never_said_to_be_issued(tmp_path):
    """Before the client's acceptance, `--draft` builds the handbook: its history says draft,
    as its status does, in both languages (it said "Uitgegeven" beside "Concept")."""
    for assignment, said, issued in ((EXAMPLE, "Concept, nog niet aanvaard", "Uitgegeven"),
                                     (ENGLISH, "Draft, not yet accepted", "Issued")):
        def unaccepted(data: dict) -> None:
            del data["analysis"]["acceptance"]
            data.pop("execution", None)
            data.pop("closing", None)

        loaded = load_assignment(variant(assignment, tmp_path / assignment, unaccepted))
        path = tmp_path / f"{assignment}.docx"
        path.write_bytes(builder().docx(named_job(loaded, "handbook", draft=True)))
        d = Docx(path)
        heading = ("Versie", "Datum", "Omschrijving") if assignment == EXAMPLE else (
            "Version", "Date", "Description")
        rows = d.table(*heading).rows[1:]
        assert [r[2] for r in rows] == [said], rows
        assert issued not in [r[2] for r in rows]


# ------------------------------------------------------------------ the functions, day by day
# The example: first contact 2026-11-20, a review on 2027-01-29, version 1.1 accepted on
# 2027-02-01, change W1 (M2 due 12 -> 26 March) on 2027-02-19, progress reports on 2027-02-19
# and 2027-04-02, the closing session on 2027-06-25, the period 2027-01-11 to 2027-06-25.

D = Day


@pytest.fixture(scope="module")
def base() -> Assignment:
    return load_assignment(ROOT / "assignments" / EXAMPLE).assignment


def with_changes(a: Assignment, *changes: Change) -> Assignment:
    from generator.source.records import replace

    return replace(a, execution=replace(a.execution, changes=list(changes)))


def change(cid: str, day: Day, due: Day, milestone: str = "M2") -> Change:
    return Change(id=cid, date=day, what="x", approved_by="gdewit",
                  amends={f"milestones.{milestone}.due": due.isoformat()})


def edited(a: Assignment, path: str, value: object) -> Assignment:
    """`a` with the record at dotted `path` (attribute names) set to `value`."""
    from generator.source.records import replace

    head, _, rest = path.partition(".")
    if not rest:
        return replace(a, **{head: value})
    return replace(a, **{head: edited(getattr(a, head), rest, value)})


def test_a_change_counts_from_the_day_it_was_agreed(base: Assignment) -> None:
    w1 = change("W1", D(2027, 2, 19), D(2027, 3, 26))
    w2 = change("W2", D(2027, 3, 1), D(2027, 4, 1))
    a = with_changes(base, w1, w2)
    assert history.changes_up_to(a, D(2027, 2, 18)) == []
    assert history.changes_up_to(a, D(2027, 2, 19)) == [(0, w1)]
    assert history.changes_up_to(a) == [(0, w1), (1, w2)]
    assert history.changes_up_to(edited(base, "execution", None)) == []
    assert history.amendments(edited(base, "analysis", None)) == (
        edited(base, "analysis", None), [])
    amended, applied = history.amendments(a, D(2027, 2, 28))
    assert [m.due for m in amended.analysis.milestones if m.id == "M2"] == [D(2027, 3, 26)]
    assert [done.change.id for done in applied] == ["W1"]
    assert history.amended(a).analysis.milestones[1].due == D(2027, 4, 1), "the last one wins"


def test_a_trail_starts_from_the_value_first_set(base: Assignment) -> None:
    a = with_changes(base, change("W1", D(2027, 2, 19), D(2027, 3, 26)),
                     change("W2", D(2027, 3, 1), D(2027, 4, 1)))
    _, applied = history.amendments(a)
    assert history.trail(applied, "M2", "due", "now") == (
        D(2027, 3, 12), [("W1", D(2027, 3, 26)), ("W2", D(2027, 4, 1))])
    assert history.trail(applied, "M1", "due", "now") == ("now", [])
    assert history.trail(applied, "M2", "title", "now") == ("now", [])


@pytest.mark.parametrize(("day", "reviews", "accepted", "reports", "changes", "closed"), [
    (D(2027, 1, 28), 0, False, 0, 0, False),
    (D(2027, 1, 29), 1, False, 0, 0, False),
    (D(2027, 1, 31), 1, False, 0, 0, False),
    (D(2027, 2, 1), 1, True, 0, 0, False),
    (D(2027, 2, 18), 1, True, 0, 0, False),
    (D(2027, 2, 19), 1, True, 1, 1, False),   # W1 approved at the evaluation
    (D(2027, 6, 13), 1, True, 2, 1, False),
    (D(2027, 6, 14), 1, True, 2, 2, False),   # W2: Jan Peeters takes the lead
    (D(2027, 6, 24), 1, True, 2, 2, False),
    (D(2027, 6, 25), 1, True, 2, 2, True),
])
def test_as_of_a_day_knows_what_was_known_on_it(base: Assignment, day: Day, reviews: int,
                                                accepted: bool, reports: int, changes: int,
                                                closed: bool) -> None:
    known = history.as_of(base, day)
    assert len(known.analysis.reviews) == reviews
    assert (known.analysis.acceptance is not None) == accepted
    assert len(known.execution.progress) == reports
    assert len(known.execution.changes) == changes
    assert (known.closing is not None) == closed


def test_a_report_is_dated_by_its_own_date_else_its_evaluation(base: Assignment) -> None:
    first = base.execution.progress[0]
    assert history.report_date(first) == D(2027, 2, 19)
    later = edited(first, "date", D(2027, 2, 21))
    assert history.report_date(later) == D(2027, 2, 21)
    a = edited(base, "execution.progress", [later])
    assert history.as_of(a, D(2027, 2, 20)).execution.progress == []
    assert history.as_of(a, D(2027, 2, 21)).execution.progress == [later]


def test_the_closing_date_is_the_session_else_the_final_evaluation(base: Assignment) -> None:
    assert history.closing_date(base) == D(2027, 6, 25)
    evaluations = [edited(e, "date", D(2027, 6, 24)) if e.kind == "final" else e
                   for e in base.analysis.evaluations]
    a = edited(base, "analysis.evaluations", evaluations)
    assert history.closing_date(a) == D(2027, 6, 25), "the session, when there is one"
    no_session = edited(a, "closing.evaluation_session", None)
    assert history.closing_date(no_session) == D(2027, 6, 24)
    assert history.closing_date(edited(no_session, "closing", None)) == D(2027, 6, 24)
    no_final = edited(no_session, "analysis.evaluations",
                      [e for e in evaluations if e.kind != "final"])
    assert history.closing_date(no_final) is None
    assert history.closing_date(edited(no_final, "analysis", None)) is None
    # a closing known only from its final evaluation is left out before that day
    assert history.as_of(no_session, D(2027, 6, 23)).closing is None
    assert history.as_of(no_session, D(2027, 6, 24)).closing is not None
    assert history.as_of(no_final, D(2027, 6, 24)).closing is None, "nothing dates it"


def test_each_document_has_its_defining_date(base: Assignment) -> None:
    report = base.execution.progress[1]
    assert history.defining_date(base, "handbook") == D(2027, 2, 1)
    assert history.defining_date(edited(base, "analysis.acceptance", None), "handbook") is None
    assert history.defining_date(base, "progress", report) == D(2027, 4, 2)
    assert history.defining_date(base, "progress") is None
    assert history.defining_date(base, "handover") == D(2027, 6, 25)
    assert history.defining_date(base, "proposal") == D(2026, 11, 20)
    assert history.defining_date(base, "action-plan") == D(2026, 11, 20)
    assert history.defining_date(base, "timeline") is None


@pytest.mark.parametrize(("before", "after"), [("1.1", "1.2"), ("1.9", "1.10"),
                                               ("10.99", "10.100"), ("v1", "v1"),
                                               ("1.2.3", "1.2.3")])
def test_the_next_minor_version(before: str, after: str) -> None:
    assert history.next_minor(before) == after


def test_one_handbook_version_per_day_with_changes(base: Assignment) -> None:
    w1, w2 = change("W1", D(2027, 3, 1), D(2027, 3, 26)), change("W2", D(2027, 2, 19),
                                                                  D(2027, 4, 1), "M3")
    w3 = change("W3", D(2027, 3, 1), D(2027, 4, 2), "M4")
    found = history.handbook_versions(with_changes(base, w1, w2, w3))
    assert found == [history.Version("1.1", D(2027, 2, 1)),
                     history.Version("1.2", D(2027, 2, 19), (w2,)),
                     history.Version("1.3", D(2027, 3, 1), (w1, w3))]
    assert history.handbook_versions(edited(base, "analysis.acceptance", None)) == []
    assert history.handbook_versions(edited(base, "analysis", None)) == []


def test_the_version_each_document_carries(base: Assignment) -> None:
    assert history.version(base, "handbook") == "1.3"  # accepted 1.1, changes W1 and W2
    assert history.version(history.as_of(base, D(2027, 6, 13)), "handbook") == "1.2"
    assert history.version(base, "action-plan") == "1.1"
    assert history.version(base, "proposal") == "1.0"
    pinned = edited(base, "documents.proposal.version", "1.3")
    assert history.version(pinned, "proposal") == "1.3"
    assert history.version(edited(base, "documents.progress.version", "2.0"), "progress") == "1.0"
    assert history.version(base, "handover") == "1.0"
    draft = edited(edited(base, "analysis.acceptance", None), "documents.action_plan.version",
                   "0.9")
    assert history.version(draft, "action-plan") == "0.9"
    assert history.version(draft, "handbook") == "1.0"


def test_a_document_is_dated_by_the_newest_fact_it_reports(base: Assignment) -> None:
    undated = D(2027, 9, 1)
    natural = history.natural_date
    assert natural(base, "handbook", None, undated) == D(2027, 6, 14), "W2, the last change"
    assert natural(history.as_of(base, D(2027, 6, 13)), "handbook", None, undated) == \
        D(2027, 2, 19)
    assert natural(base, "action-plan", None, undated) == D(2027, 2, 1)
    reviews = [edited(base.analysis.reviews[0], "date", D(2027, 1, 20)),
               base.analysis.reviews[0]]
    submitted = edited(edited(base, "analysis.acceptance", None), "analysis.reviews", reviews)
    assert natural(submitted, "action-plan", None, undated) == D(2027, 1, 29), "the newest"
    assert natural(submitted, "handbook", None, undated) == D(2027, 1, 29), "a draft"
    unreviewed = edited(submitted, "analysis.reviews", [])
    assert natural(unreviewed, "action-plan", None, undated) == undated
    assert natural(unreviewed, "handbook", None, undated) == undated, "a draft, unreviewed"
    assert natural(base, "progress", base.execution.progress[1], undated) == D(2027, 4, 2)
    assert natural(base, "progress", None, undated) == undated
    assert natural(base, "handover", None, undated) == D(2027, 6, 25)
    unclosed = edited(edited(base, "closing", None), "period.end", D(2027, 6, 30))
    unclosed = edited(unclosed, "analysis.evaluations",
                      [e for e in base.analysis.evaluations if e.kind != "final"])
    assert natural(unclosed, "handover", None, undated) == D(2027, 6, 30), "the period's end"
    assert natural(base, "proposal", None, undated) == undated


def test_a_pinned_date_is_the_source_s_own(base: Assignment) -> None:
    report = edited(base.execution.progress[0], "date", D(2027, 2, 22))
    assert history.pinned_date(base, "progress", report) == D(2027, 2, 22)
    assert history.pinned_date(base, "progress", base.execution.progress[0]) is None
    assert history.pinned_date(base, "progress", "report.md") is None
    assert history.pinned_date(base, "proposal") == D(2026, 11, 27)
    assert history.pinned_date(base, "handbook") is None


def test_a_document_s_state_on_its_date(base: Assignment) -> None:
    undated = D(2027, 9, 1)
    handbook = history.state(base, "handbook", undated=undated)
    assert (handbook.date, handbook.version) == (D(2027, 6, 14), "1.3")
    assert [done.change.id for done in handbook.applied] == ["W1", "W2"]
    m2 = [m.due for m in handbook.assignment.analysis.milestones if m.id == "M2"]
    assert m2 == [D(2027, 3, 26)], "the plan as amended"
    earlier = history.state(base, "handbook", undated=undated, as_of_day=D(2027, 2, 10))
    assert (earlier.date, earlier.version, earlier.applied) == (D(2027, 2, 1), "1.1", ())
    later = history.state(base, "handbook", undated=undated, as_of_day=D(2027, 3, 1))
    assert (later.date, later.version) == (D(2027, 2, 19), "1.2"), "never after its facts"
    plan = history.state(base, "action-plan", undated=undated)
    assert (plan.date, plan.version, plan.applied) == (D(2027, 2, 1), "1.1", ())
    m2 = [m.due for m in plan.assignment.analysis.milestones if m.id == "M2"]
    assert m2 == [D(2027, 3, 12)], "the action plan shows the baseline"
    proposal = history.state(base, "proposal", undated=undated)
    assert (proposal.date, proposal.version) == (D(2026, 11, 27), "1.0"), "as pinned"
    assert history.state(base, "proposal", undated=undated,
                         as_of_day=D(2026, 11, 25)).date == D(2026, 11, 25)
    pinned = edited(base, "documents.handbook.date", D(2027, 2, 12))
    on_pin = history.state(pinned, "handbook", undated=undated, as_of_day=D(2027, 3, 1))
    assert (on_pin.date, on_pin.version) == (D(2027, 2, 12), "1.1")


def test_the_versions_a_redline_can_name(base: Assignment) -> None:
    assert [(v.version, v.date) for v in history.versions(base, "handbook")] == [
        ("1.1", D(2027, 2, 1)), ("1.2", D(2027, 2, 19)), ("1.3", D(2027, 6, 14))]
    for pin, count in ((D(2027, 2, 18), 1), (D(2027, 2, 19), 2)):
        pinned = edited(base, "documents.handbook.date", pin)
        assert len(history.versions(pinned, "handbook")) == count
    report = base.execution.progress[1]
    assert history.versions(base, "progress", report) == [history.Version("1.0", D(2027, 4, 2))]
    assert history.versions(base, "action-plan") == [history.Version("1.1", D(2027, 2, 1))]
    unpinned = edited(base, "documents.proposal.date", None)
    assert history.versions(unpinned, "proposal") == [history.Version("1.0", D(2027, 1, 11))]
    assert history.versions(unpinned, "proposal", undated=D(2026, 12, 1)) == [
        history.Version("1.0", D(2026, 12, 1))]


def test_the_history_table_of_each_document(base: Assignment) -> None:
    Row = history.HistoryRow
    acceptance, review = base.analysis.acceptance, base.analysis.reviews[0]
    w1, w2 = base.execution.changes
    assert history.table(base, "handbook", None, "1.3", D(2027, 6, 14)) == [
        Row("1.1", D(2027, 2, 1), "acceptance", acceptance),
        Row("1.2", D(2027, 2, 19), "change", (w1,)),
        Row("1.3", D(2027, 6, 14), "change", (w2,))]
    assert history.table(base, "action-plan", None, "1.1", D(2027, 2, 1)) == [
        Row("", D(2027, 1, 29), "review", review),
        Row("1.1", D(2027, 2, 1), "acceptance", acceptance)]
    submitted = edited(base, "analysis.acceptance", None)
    assert history.table(submitted, "action-plan", None, "1.0", D(2027, 1, 30)) == [
        Row("", D(2027, 1, 29), "review", review), Row("1.0", D(2027, 1, 30), "submitted")]
    assert history.table(submitted, "handbook", None, "1.0", D(2027, 1, 30), draft=True) == [
        Row("1.0", D(2027, 1, 30), "draft")]
    report = base.execution.progress[0]
    assert history.table(base, "progress", report, "1.0", D(2027, 2, 19)) == [
        Row("1.0", D(2027, 2, 19), "issue", report)]
    assert history.table(edited(base, "analysis", None), "action-plan", None, "1.0",
                         D(2027, 1, 5)) == [Row("1.0", D(2027, 1, 5), "issue")]


def test_added_ids_share_the_plan_s_namespace(base: Assignment) -> None:
    from generator.source.model import PlanAdditions

    milestone = edited(base.analysis.milestones[0], "id", "M9")
    action = edited(base.analysis.actions[0], "id", "A9")
    adds = Change(id="W2", date=D(2027, 3, 1), what="x", approved_by="gdewit",
                  adds=PlanAdditions(milestones=[milestone], actions=[action]))
    a = with_changes(base, base.execution.changes[0], adds)
    assert list(history.ids_together(a)) == ["M1", "M2", "M3", "M4", "A1", "A2", "M9", "A9"]
    assert list(history.ids_together(edited(a, "analysis", None))) == ["M9", "A9"]
