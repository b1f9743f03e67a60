"""What a client checks in a progress report and the handover (issue 19), read with
python-docx as the client's Word shows it: status at a glance, decisions with the change
approved that day and the phase gate's decision first, the effort used against the
estimate, results over time, and the exit criteria tested."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx_reading import ENGLISH, EPOCH, EXAMPLE, build_loaded, built, source_date_epoch, variant
from example_project import ExampleProject

from generator.delivery.build import build_all
from generator.source.project import Project, load_assignment

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    base = tmp_path_factory.mktemp("reports")
    return {a: built(a, base / a) for a in (EXAMPLE, ENGLISH)}


def body(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every paragraph with text, no-break spaces read as spaces."""
    return [(p.style.name, p.text.replace(NBSP, " ")) for p in Document(str(path)).paragraphs
            if p.text.strip()]


def section(path: Path, heading: str) -> list[str]:
    """The paragraphs under a level-1 heading, up to the next one."""
    found: list[str] = []
    inside = False
    for style, text in body(path):
        if style == "Heading 1":
            if inside:
                break
            inside = text == heading
        elif inside:
            found.append(text)
    return found


def table(path: Path, first_header: str, second_header: str) -> list[list[str]]:
    for t in Document(str(path)).tables:
        rows = [[c.text.replace(NBSP, " ") for c in r.cells] for r in t.rows]
        if rows and rows[0][:2] == [first_header, second_header]:
            return rows
    raise AssertionError(f"no table headed {first_header} | {second_header} in {path.name}")


def headings(path: Path) -> list[str]:
    return [text for style, text in body(path) if style == "Heading 1"]


# ------------------------------------------------------------------ progress reports

def test_the_phase_gate_decision_comes_first(docs):
    report = docs[EXAMPLE]["progress-2027-04-02.docx"]
    decisions = section(report, "Beslissingen")
    assert decisions[0] == ("Beslissing van de fasepoort: Go onder voorwaarden. Voorwaarden: "
                            "Alle leidinggevenden opgeleid in terugkeergesprekken tegen "
                            "16 april.")
    assert "Jan Peeters neemt vanaf mei de weekplanning over, als voorbereiding op M4" \
        in decisions[1:]
    assert headings(report)[:2] == ["Status", "Beslissingen"]  # right under the opening


def test_decisions_include_the_change_approved_that_day(docs):
    decisions = section(docs[EXAMPLE]["progress-2027-02-19.docx"], "Beslissingen")
    assert decisions == ["Extra testweek voor de WMS-koppeling",
                         "Wijziging W1 goedgekeurd: Deadline M2 van 12 maart naar 26 maart 2027"]


def test_no_decision_taken_is_never_said_on_the_day_a_change_was_approved(tmp_path):
    def quiet(data):
        data["execution"]["progress"][0]["decisions"] = []

    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(variant(EXAMPLE, tmp_path, quiet)), tmp_path / "b",
                           only=("progress",))
    decisions = section(out["progress-2027-02-19.docx"], "Beslissingen")
    assert decisions == ["Wijziging W1 goedgekeurd: Deadline M2 van 12 maart naar 26 maart 2027"]
    assert not any("geen beslissingen" in t for t in decisions)


def test_the_effort_line_gives_days_fees_elapsed_and_projection(docs):
    (line,) = section(docs[EXAMPLE]["progress-2027-04-02.docx"], "Inzet en honorarium")
    assert line == ("47 van 93,5 geraamde dagen gewerkt (50 %). € 39.900,00 van € 98.175,00 "
                    "gefactureerd, excl. btw (41 %). 49 % van de looptijd is verstreken. "
                    "Verwacht bij afronding: 95 dagen (€ 99.750,00).")
    (english,) = section(docs[ENGLISH]["progress-2027-06-11.docx"], "Effort and fees")
    assert english == ("44 of 75 estimated days worked (59%). €50,000.00 of €93,750.00 "
                       "invoiced, excl. VAT (53%). 57% of the period has elapsed. Projected "
                       "at completion: 77 days (€96,250.00).")


def test_the_status_at_a_glance_given_or_derived(docs, tmp_path):
    moment = section(docs[EXAMPLE]["progress-2027-02-19.docx"], "Status")
    assert moment[0] == "Onder druk – Scanners een week te laat; M2 schuift twee weken op (W1)"

    def derived(data):
        del data["execution"]["progress"][0]["status"]
        del data["execution"]["progress"][0]["status_note"]

    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(variant(EXAMPLE, tmp_path, derived)), tmp_path / "b",
                           only=("progress",))
    moment = section(out["progress-2027-02-19.docx"], "Status")
    assert moment[0] == "Onder druk (afgeleid uit de mijlpalen)"  # M2 at risk


def test_results_over_time_show_each_evaluation_up_to_the_report(docs):
    head = ("Evaluatiemoment", "D1 – Leveringsfouten verlagen")
    rows = table(docs[EXAMPLE]["progress-2027-04-02.docx"], *head)
    assert [r[:2] for r in rows[1:]] == [
        ["Vertrekpunt", "4,2 %"], ["19 feb 2027", "3,1 % (t/m 31 jan 2027)"],
        ["2 apr 2027", "2,4 % (t/m 28 feb 2027)"], ["Streefwaarde nu", "≤ 1,5 %"]]
    first = table(docs[EXAMPLE]["progress-2027-02-19.docx"], *head)
    assert "2 apr 2027" not in [r[0] for r in first]  # nothing later than its date


def test_a_phase_gate_report_without_decision_is_refused_alone(example: ExampleProject):
    example.cut("      gate: go_with_conditions\n", "      milestones:\n        M2: done")
    errors: list[str] = []
    report = build_all(Project(example.root), [example.folder.name], ["progress"],
                       out_dir=example.root / "build", error=errors.append)
    (message,) = errors
    line = example.line_of("- evaluation: 2027-04-02")
    assert message.startswith(f"{example.yaml.relative_to(example.root)}:{line}:"), message
    assert "cannot build progress-2027-04-02" in message and "`gate: go`" in message
    assert [p.name for p in report.written] == ["progress-2027-02-19.docx"]


# ------------------------------------------------------------------ the handover

def test_the_handover_tests_the_exit_criteria_near_the_top(docs):
    handover = docs[EXAMPLE]["handover.docx"]
    assert headings(handover)[:2] == ["Samenvatting", "Exitcriteria"]
    rows = table(handover, "Criterium", "Oordeel")
    assert rows[1:] == [
        ["Leveringsfouten drie maanden op rij ≤ 1,5 %", "Niet gehaald",
         "In maart 1,6 %, april 1,4 %, mei 1,2 %: twee maanden op rij, niet drie"],
        ["Opvolger aangesteld en ingewerkt", "Gehaald",
         "Jan Peeters leidt de afdeling sinds 14 juni 2027"]]
    summary = section(handover, "Samenvatting")
    assert summary[-1] == ("Exitcriterium niet gehaald: Leveringsfouten drie maanden op rij "
                           "≤ 1,5 %.")
    assert not any("X1" in text for _, text in body(handover))  # ids never print


def test_the_handover_gives_effort_totals_variance_and_reason(docs):
    handover = docs[EXAMPLE]["handover.docx"]
    # the figures a CFO reads down a column: estimate, used (its share), variance
    assert table(handover, "", "Geraamd") == [
        ["", "Geraamd", "Werkelijk", "Verschil"],
        ["Dagen", "93,5", "94,5 (101 %)", "+1"],
        ["Honorarium, excl. btw", "€ 98.175,00", "€ 99.225,00 (101 %)", "+€ 1.050,00"]]
    assert section(handover, "Inzet en honorarium") == [
        "Reden van het verschil: Een extra dag voor de overdracht van het verzuimbeleid aan HR"]


def test_the_handover_reports_figures_up_to_their_last_day(docs):
    rows = table(docs[EXAMPLE]["handover.docx"], "Nr.", "Doelstelling")
    d1 = next(r for r in rows if r[0] == "D1")
    assert d1[4] == "1,3 % (t/m 31 mei 2027) – april en mei 2027"
    trend = table(docs[EXAMPLE]["handover.docx"], "Evaluatiemoment",
                  "D1 – Leveringsfouten verlagen")
    assert [r[:2] for r in trend[1:]] == [
        ["Vertrekpunt", "4,2 %"], ["19 feb 2027", "3,1 % (t/m 31 jan 2027)"],
        ["2 apr 2027", "2,4 % (t/m 28 feb 2027)"], ["25 jun 2027", "1,3 % (t/m 31 mei 2027)"],
        ["Streefwaarde nu", "≤ 1,5 %"]]


def test_the_handover_is_refused_for_a_criterion_without_verdict(example: ExampleProject):
    example.cut("    X2:\n", "  effort:  ")
    errors: list[str] = []
    report = build_all(Project(example.root), [example.folder.name], ["handover"],
                       out_dir=example.root / "build", error=errors.append)
    assert not report.written
    (message,) = errors
    assert "closing.exit_criteria.X2" in message and "not_met" in message


def test_exit_criteria_print_their_text_never_their_id(docs):
    """The proposal and handbook list the criteria as written; `{id, text}` prints the text."""
    for name in ("proposal.docx", "handbook.docx"):
        texts = [text for _, text in body(docs[EXAMPLE][name])]
        assert "Leveringsfouten drie maanden op rij ≤ 1,5 %" in texts, name
        assert "Opvolger aangesteld en ingewerkt" in texts, name
        assert not any("X1" in t or "ExitCriterion" in t for t in texts), name


# ------------------------------------------------------------------ risks as of a date

def test_progress_reports_list_the_risks_open_as_of_their_evaluation(docs):
    first, gate = (docs[EXAMPLE][f"progress-{d}.docx"] for d in ("2027-02-19", "2027-04-02"))
    before = table(first, "Risico", "Kans / impact")
    assert [r[0] for r in before[1:]] == ["Weerstand van ervaren pickers tegen scanners",
                                          "Leidinggevenden voeren de terugkeergesprekken "
                                          "niet consequent"]
    # no risk has a word since the plan: no column of dashes for it
    assert before[0] == ["Risico", "Kans / impact", "Eigenaar"]
    assert before[1][1:] == ["Gemiddeld / hoog", "Jan Peeters"]
    after = table(gate, "Risico", "Kans / impact")  # R1 closed on 2 April: no longer listed
    assert after[0][-1] == "Stand van zaken"  # R2's latest word
    assert after[1:] == [["Leidinggevenden voeren de terugkeergesprekken niet consequent",
                          "Gemiddeld / gemiddeld", "Karel Janssens",
                          "Twee van de zes leidinggevenden nog niet opgeleid"]]


def test_the_handover_lists_the_risks_that_occurred_or_remain_open(docs, tmp_path):
    rows = table(docs[EXAMPLE]["handover.docx"], "Risico", "Status")
    assert [r[:2] for r in rows[1:]] == [
        ["Leidinggevenden voeren de terugkeergesprekken niet consequent", "Open"]]

    def occurred(data):
        data["execution"]["progress"][1]["risks"]["R2"]["status"] = "occurred"
        data["execution"]["progress"][1]["risks"]["R1"]["status"] = "open"
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(variant(EXAMPLE, tmp_path, occurred)),
                           tmp_path / "b", only=("handover",))
    rows = table(out["handover.docx"], "Risico", "Status")
    assert [(r[1], r[3]) for r in rows[1:]] == [
        ("Open", "Alle pickers werken sinds 26 maart met de scanner"),  # R1's note stands
        ("Opgetreden", "Twee van de zes leidinggevenden nog niet opgeleid")]


# ------------------------------------------------------------------ charts over time

def chart_names(path: Path) -> list[str]:
    """The descriptions of the pictures in the body: one chart per numeric objective."""
    d = Document(str(path))
    return [s._inline.docPr.get("descr") for s in d.inline_shapes]


def test_a_chart_per_numeric_objective_and_none_for_the_others(docs):
    for name in ("progress-2027-02-19.docx", "progress-2027-04-02.docx", "handover.docx"):
        charts = [n for n in chart_names(docs[EXAMPLE][name]) if n.startswith("Verloop")]
        # D1 and D2 read as numbers (4,2 % -> ≤ 1,5 %); D3 (a successor in post) does not
        assert charts == ["Verloop van D1 tegenover de streefwaarde ≤ 1,5 %",
                          "Verloop van D2 tegenover de streefwaarde ≤ 5 %"], name
