"""What a client sees in each document: the .docx files of both reference assignments opened
and read for meaning (text, tables, fields, styles, properties), never compared as bytes.

Each assignment is built once per session (docx_reading.built); variants of the sources are
copied to tmp_path and built on their own.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx_reading import (
    ASSIGNMENTS,
    ENGLISH,
    EPOCH,
    EXAMPLE,
    NS,
    ROOT,
    Docx,
    build_loaded,
    built,
    raw_text,
    source_date_epoch,
    variant,
    w,
)

from generator.source.project import load_assignment, load_firm

FIRM = "Coverton Interim Management BV"

EXPECT = {
    EXAMPLE: {
        "language": "nl",
        "title": "Herstructurering van de logistieke afdeling",
        "client": "De Linde Distributie NV",
        "files": {"proposal.docx": "Opdrachtvoorstel",
                  "action-plan.docx": "Analyse en actieplan",
                  "handbook.docx": "Opdrachthandboek",
                  "progress-2027-02-19.docx": "Voortgangsrapport",
                  "progress-2027-04-02.docx": "Voortgangsrapport",
                  "handover.docx": "Evaluatie- en overdrachtsrapport"},
        # dated by the facts they report (the acceptance, the last change, the evaluation, the
        # evaluation session), never by SOURCE_DATE_EPOCH; the proposal's date is pinned
        "dates": {"proposal.docx": "27 november 2026", "action-plan.docx": "1 februari 2027",
                  "handbook.docx": "14 juni 2027", "handover.docx": "25 juni 2027",
                  "progress-2027-02-19.docx": "19 februari 2027",
                  "progress-2027-04-02.docx": "2 april 2027"},
        "versions": {"action-plan.docx": "1.1", "handbook.docx": "1.3"},
        "months": ("januari", "februari", "maart", "juni", "november", "september"),
        "other_months": ("January", "February", "March", "June", "November", "September"),
        "confidential": "Vertrouwelijk",
        "draft": "CONCEPT",
    },
    ENGLISH: {
        "language": "en",
        "title": "Interim CFO – finance function turnaround",
        "client": "Northwind Seafoods Ltd",
        "files": {"proposal.docx": "Assignment proposal",
                  "action-plan.docx": "Analysis and action plan",
                  "handbook.docx": "Assignment handbook",
                  "progress-2027-04-16.docx": "Progress report",
                  "progress-2027-06-11.docx": "Progress report",
                  "handover.docx": "Evaluation and handover report"},
        "dates": {"proposal.docx": "12 February 2027", "action-plan.docx": "26 March 2027",
                  "handbook.docx": "9 August 2027", "handover.docx": "27 August 2027",
                  "progress-2027-04-16.docx": "16 April 2027",
                  "progress-2027-06-11.docx": "11 June 2027"},
        # the handbook: 1.2 accepted, 1.3 with C1 (16 April), 1.4 with C2 (11 June)
        "versions": {"action-plan.docx": "1.2", "handbook.docx": "1.5"},
        "months": ("January", "February", "March", "June", "September"),
        "other_months": ("januari", "februari", "maart", "juni", "september"),
        "confidential": "Confidential",
        "draft": "DRAFT",
    },
}

ALL_DOCS = [(a, f) for a in ASSIGNMENTS for f in EXPECT[a]["files"]]

# A progress report carries its evaluation date on the cover, in the subtitle and header.
OCCASIONS = {
    "progress-2027-02-19.docx": ("Evaluatiemoment", "19 februari 2027"),
    "progress-2027-04-02.docx": ("Evaluatiemoment", "2 april 2027"),
    "progress-2027-04-16.docx": ("Review meeting", "16 April 2027"),
    "progress-2027-06-11.docx": ("Review meeting", "11 June 2027"),
}


def dated(text: str, name: str, *, label: bool) -> str:
    """`text` followed by the evaluation date of a progress report (as the reader sees it)."""
    if name not in OCCASIONS:
        return text
    moment, date = OCCASIONS[name]
    return f"{text} · {moment} {date}" if label else f"{text} {date}"


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    base = tmp_path_factory.mktemp("built")
    return {a: built(a, base) for a in ASSIGNMENTS}


def open_doc(docs: dict[str, dict[str, Path]], assignment: str, name: str) -> Docx:
    return Docx(docs[assignment][name])


# ------------------------------------------------------------------ every document

def test_each_assignment_builds_exactly_its_documents(docs):
    for a in ASSIGNMENTS:
        assert sorted(docs[a]) == sorted(EXPECT[a]["files"])


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_cover_page(docs, assignment, name):
    e = EXPECT[assignment]
    d = open_doc(docs, assignment, name)
    cover = d.cover
    # a progress report is a memo: its title has no cover page's space above it
    title = "MemoTitle" if name.startswith("progress-") else "Title"
    assert d.styled(title) == [e["files"][name]]
    # a memo's subtitle is the assignment: its opening block gives the evaluation's date
    assert d.styled("Subtitle") == [e["title"] if name.startswith("progress-")
                                    else dated(e["title"], name, label=True)]
    memo = name.startswith("progress-")  # its firm in the footer, confidentiality in the header
    for text in (e["client"], e["dates"][name]) if memo else (
            FIRM, e["client"], e["dates"][name], e["confidential"]):
        assert text in cover, (text, cover)
    version = e["versions"].get(name, "1.0")
    assert re.search(rf"\b{re.escape(version)}\b", cover)


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_document_control_table(docs, assignment, name):
    e = EXPECT[assignment]
    d = open_doc(docs, assignment, name)
    nl = e["language"] == "nl"
    version = e["versions"].get(name, "1.0")
    if name.startswith("progress-"):  # a memo: its title names it, the assignment stands in
        # its subtitle, the confidentiality in its header, the status only while a draft;
        # the version row carries the date, as the footer does
        values = d.facts("Opdrachtgever" if nl else "Client")
        assert values["Opdrachtgever" if nl else "Client"] == e["client"]
        assert values["Versie" if nl else "Version"] == f"{version} · {e['dates'][name]}"
        assert not {"Document", "Datum", "Date"} & set(values), values
        assert e["title"] in d.styled("Subtitle")[0]
        return
    values = d.facts("Document")
    assert values["Document"] == e["files"][name]
    assert values["Opdrachtgever" if nl else "Client"] == e["client"]
    assert values["Versie" if nl else "Version"] == version
    assert values["Datum" if nl else "Date"] == e["dates"][name]
    assert e["title"] in values["Opdracht" if nl else "Assignment"]
    assert values["Status"]
    assert values["Vertrouwelijkheid" if nl else "Confidentiality"].startswith(e["confidential"])


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_table_of_contents_when_more_than_three_sections(docs, assignment, name):
    d = open_doc(docs, assignment, name)
    has_toc = any(f.startswith("TOC") and "\\o" in f for f in d.fields(d.body))
    # a progress report with little to say has no contents page (test_content.py)
    assert has_toc == (len(d.headings1) > 3 and not name.startswith("progress-")), d.headings1
    if has_toc:  # the contents under their own heading, not run on from the control table
        contents = "Inhoud" if EXPECT[assignment]["language"] == "nl" else "Contents"
        assert d.styled("TOCHeading") == (
            ["Documentbeheer", "Versiegeschiedenis", contents] if contents == "Inhoud" else
            ["Document control", "Version history", contents])


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_header_and_footer_on_every_section(docs, assignment, name):
    e = EXPECT[assignment]
    d = open_doc(docs, assignment, name)
    assert d.sections
    for sect in d.sections:
        headers, footers = d.headers(sect), d.footers(sect)
        assert "default" in headers and "default" in footers
        parts = list(headers.values()) + list(footers.values())
        text = "\n".join(d.part_text(p) for p in parts)
        fields = [f.split()[0] for p in parts for f in d.fields(p)]
        assert e["files"][name] in text and e["client"] in text
        assert "PAGE" in fields and "NUMPAGES" in fields
        assert e["confidential"] in text


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_every_table_repeats_its_header_row(docs, assignment, name):
    """Tables with columns repeat their header; key/value tables (label | value, such as
    the document-control block) have no header row at all, not a generic one."""
    d = open_doc(docs, assignment, name)
    assert d.tables
    nl = EXPECT[assignment]["language"] == "nl"
    control = d.facts(("Opdrachtgever" if nl else "Client") if name.startswith("progress-")
                      else "Document")  # a memo's opening block, or the document control
    assert control and "Gegeven" not in control and "Item" not in control
    for table in d.tables:
        first = table.element.find(w("tr"))
        if first.find("w:trPr/w:tblHeader", NS) is None:
            assert all(len(row) == 2 for row in table.rows), table.header  # key/value
            look = table.element.find("w:tblPr/w:tblLook", NS)
            # the table style must not shade row one: LibreOffice reads the bits of w:val
            assert look.get(w("firstRow")) == "0" and int(look.get(w("val")), 16) & 0x20 == 0
            assert not any(r.find("w:trPr/w:tblHeader", NS) is not None
                           for r in table.element.findall(w("tr")))


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_properties(docs, assignment, name):
    e = EXPECT[assignment]
    d = open_doc(docs, assignment, name)
    assert d.core["title"].replace("\u00a0", " ") == dated(e["files"][name], name, label=False)
    assert d.core["subject"] == e["title"]
    assert d.core["creator"] == {EXAMPLE: "Luc Vermeulen", ENGLISH: "Hannah Clarke"}[assignment]
    assert d.company == FIRM
    assert d.custom["assignment"] == assignment
    kind = "progress" if name.startswith("progress-") else name.removesuffix(".docx")
    assert d.custom["document"] == kind
    # what `interim review` identifies a returned copy by: its name, date and content
    if kind == "progress":
        assert d.custom["document-name"] == name.removesuffix(".docx")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", d.custom["date"])
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", d.custom["content-digest"])


@pytest.mark.parametrize(("assignment", "name"), ALL_DOCS)
def test_dates_in_the_documents_language(docs, assignment, name):
    e = EXPECT[assignment]
    d = open_doc(docs, assignment, name)
    assert any(m in d.text for m in e["months"])
    dates = re.findall(r"\b\d{1,2} ([A-Za-z]+) 20\d\d\b", d.text)
    assert dates
    assert not set(dates) & set(e["other_months"]), dates


# ------------------------------------------------------------------ proposal

FEES = {
    # Belgian firm, Belgian client: the national rate
    EXAMPLE: ("Honorarium", "Geschatte inzet: 93,5 dagen. 4 dagen per week van 11 januari tot "
              "25 juni 2027: 120 werkdagen min 3 feestdagen (Paasmaandag, O. L. H. Hemelvaart, "
              "Pinkstermaandag) = 117, × 4/5 = 93,5 dagen.", {
                  "Dagtarief": "€ 1.050,00",
                  "Honorarium excl. btw (93,5 × € 1.050,00)": "€ 98.175,00",
                  "Btw 21 %": "€ 20.616,75",
                  "Totaal incl. btw": "€ 118.791,75"}),
    # Belgian firm, Irish business: reverse charge, no VAT line; 130 working days less 5
    # Irish public holidays = 125, x 3/5 = 75
    ENGLISH: ("Fee", "Estimated effort: 75 days. 3 days a week from 1 March to 27 August "
              "2027: 130 working days less 5 public holidays (Saint Patrick’s Day, Easter "
              "Monday, May Bank Holiday, June Bank Holiday, August Bank Holiday) = 125, "
              "× 3/5 = 75 days.", {
                  "Day rate": "€1,250.00",
                  "Fee excl. VAT (75 × €1,250.00)": "€93,750.00",
                  "Total": "€93,750.00"}),
}
MENTIONS = {
    EXAMPLE: None,
    ENGLISH: "VAT reverse charged, Article 196 of Directive 2006/112/EC: the client, VAT "
             "number IE9876543H, accounts for the VAT.",  # the number an invoice must show
}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_proposal_fee(docs, assignment):
    heading, computation, amounts = FEES[assignment]
    d = open_doc(docs, assignment, "proposal.docx")
    fee = d.section_after(heading)
    assert computation in fee
    assert d.facts(next(iter(amounts))) == amounts
    mention = MENTIONS[assignment]
    if mention:
        assert mention in d.paragraphs
        assert not re.search(r"VAT \d|Btw \d|incl\. (VAT|btw)", fee)


def test_a_reverse_charge_names_the_clients_vat_number_in_dutch(tmp_path):
    """The client accounts for the VAT: the number an invoice under reverse charge must show
    (Article 226 of Directive 2006/112/EC) stands in the mention, as typed."""
    def to_the_netherlands(data):
        data["client"]["country"] = "NL"
        data["client"]["vat_number"] = "NL004495445B01"

    folder = variant(EXAMPLE, tmp_path, to_the_netherlands)
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "b", only=("proposal",))
    d = Docx(out["proposal.docx"])
    assert ("Verlegging van heffing: de opdrachtgever, btw-nummer NL004495445B01, voldoet de "
            "btw (art. 21, § 2 W.Btw; art. 196 van Richtlijn 2006/112/EG).") in d.paragraphs
    assert not re.search(r"Btw \d|incl\. btw", d.text)


def test_dutch_vat_percentage_is_spelled_as_the_sources_spell_percentages(docs):
    """"Btw 21 %" as the sources write "4,2 %", never "Btw 21%" beside them; the space is
    a no-break one, so the 21 and its % stay on one line."""
    d = open_doc(docs, EXAMPLE, "proposal.docx")
    raw = [raw_text(p) for p in d.body.iter(w("p"))]
    assert "Btw 21\u00a0%" in raw
    assert "4,2 %" in d.text
    assert not re.search(r"\d%", d.text), "a percentage without its space"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_proposal_content(docs, assignment):
    d = open_doc(docs, assignment, "proposal.docx")
    nl = assignment == EXAMPLE
    text = d.text
    if nl:
        scope_in = ["Herinrichting van het orderpickproces"]
        scope_out = ["Keuze van een nieuw WMS-pakket"]
        expect = "Een gedragen plan om de leveringsfouten structureel te verlagen"
        resource = "Verbeterbudget van € 60.000"
        culture = "Familiebedrijf met korte lijnen; beslissingen worden informeel genomen"
        factor = "Zichtbare steun van de CEO tijdens de eerste maand"
        objective = ("D1", "Aandeel orders met een fout in de levering, per maand",
                     "4,2 %", "≤ 1,5 %")
        position = {"Functie": "Interim Logistiek Directeur",
                    "Rapporteert aan": "Greet De Wit (CEO)",
                    "Tekenbevoegdheid tot": "€ 25.000",
                    "Aard van de functie": "Lijnfunctie"}
        inside = ("Luc Vermeulen werkt als Interim Logistiek Directeur binnen de organisatie "
                  "van De Linde Distributie NV")
        exit_ = ("Opvolger aangesteld en ingewerkt", "Jan Peeters", "17 mei 2027")
        validity = "15 december 2026"
    else:
        scope_in = ["Redesign the month-end close and the 13-week cash forecast"]
        scope_out = ["Selection of a new ERP system"]
        expect = "Reliable monthly figures the board can act on"
        resource = "Budget of €40,000 for temporary staff and close tooling"
        culture = "Owner-led business where decisions are taken quickly on the plant floor"
        factor = "Plant managers deliver stock counts on the agreed day"
        objective = ("F3", "Deviation of the 13-week cash forecast from actual cash, per week",
                     "± 22 %", "within ± 5 %")
        position = {"Title": "Interim Chief Financial Officer",
                    "Nature of the role": "Statutory director",
                    "Reports to": "Maeve O’Brien (Managing Director)",
                    "Signing authority up to": "€50,000"}
        inside = ("As Interim Chief Financial Officer, Hannah Clarke will work inside "
                  "Northwind Seafoods Ltd’s organisation")
        exit_ = ("Audited 2026 accounts signed and filed", "Declan Gallagher", "26 July 2027")
        validity = "26 February 2027"
    for x in [*scope_in, *scope_out, expect, culture, factor]:
        assert x in d.paragraphs, x
    # objectives table: id, measure, baseline, target
    objectives = next(
        t for t in d.tables if t.rows[0][0] in ("Nr.", "No.") and len(t.header) == 6)
    row = objectives.row(objective[0])
    assert list(objective[1:]) == [row[2], row[3], row[4]]
    assert any(resource in r for t in d.tables for row in t.rows for r in row)
    # the interim manager's position
    values = d.facts(next(iter(position)))
    for key, value in position.items():
        assert values[key] == value
    # what the interim manager carries inside the organisation, stated, not lectured
    assert inside in d.section_after(d.headings1[d.headings1.index(
        "Positie van de interim manager" if nl else "Position of the interim manager")])
    assert "consultan" not in text.lower()
    # mandate lists
    assert ("Ontslagen en aanwervingen" if nl else "Hiring or dismissal of permanent staff") in text
    # exit plan
    for x in exit_:
        assert x in text, x
    assert validity in text
    # acceptance: a signature table with both parties and empty lines to sign
    sign = d.tables[-1]
    assert len(sign.rows) >= 3
    assert any(("Greet De Wit" if nl else "Maeve O’Brien") in c for c in sign.rows[1])
    # the firm signs by its signatory (firm.yaml), else by the interim manager
    firm = load_firm(ROOT).for_language("nl" if nl else "en")
    signer = (f"{firm.signatory.name} ({firm.signatory.role})" if firm.signatory
              else "Luc Vermeulen" if nl else "Hannah Clarke")
    assert any(signer in c for c in sign.rows[1])
    assert any(r[1:] == ["", ""] for r in sign.rows[1:])
    # the parties by their names: the client and the firm (firm.yaml), never "the firm"
    client = EXPECT[assignment]["client"]
    assert sign.header == (["", f"Voor {client}", f"Voor {FIRM}"] if nl
                           else ["", f"For {client}", f"For {FIRM}"])


# ------------------------------------------------------------------ action plan

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_action_plan(docs, assignment):
    nl = assignment == EXAMPLE
    d = open_doc(docs, assignment, "action-plan.docx")
    header = (["Nr.", "Mijlpaal", "Deadline", "Eigenaar", "Doelen", "Acceptatiecriterium"]
              if nl else ["No.", "Milestone", "Due", "Owner", "Objectives", "Acceptance criterion"])
    milestones = d.table(*header)
    if nl:
        # the accepted baseline: W1 moved M2 to 26 March later, in the handbook only
        assert milestones.rows[2] == ["M2", "Scannergestuurd picken in hal A", "12 mrt 2027",
                                      "Jan Peeters", "D1", "100 % van de orders in hal A "
                                      "gepickt met scanner; foutpercentage hal A ≤ 2 %"]
        assert milestones.column("Nr.") == ["M1", "M2", "M3", "M4"]
    else:
        assert milestones.row("N5") == [
            "N5", "Financial Controller leads the finance function", "9 Aug 2027",
            "Maeve O’Brien", "F1, F4",
            "Declan Gallagher presents the July accounts to the board without the interim"]
        assert milestones.column("No.") == ["N1", "N2", "N3", "N4", "N5"]
    # the timeline picture: an inline PNG
    images = d.inline_images()
    assert any(data.startswith(b"\x89PNG") and target.endswith(".png")
               for target, data in images)
    if not nl:
        assert len(images) == 3  # the firm logo, the org chart from analysis.md, the timeline
    text = d.text
    checks = (["Opleiding pickers in twee ploegen", "Weerstand van ervaren pickers tegen scanners",
               "Zelfstandig de afdeling leiden", "19 februari 2027", "Fasebeslissing",
               "M3 verschoven van 2027-03-26 naar 2027-04-16 op vraag van HR",
               "aanvaard door Greet De Wit (CEO) op 1 februari 2027 als versie 1.1"]
              if nl else
              ["Replace spreadsheet accruals with standard ERP journals",
               "Peak catch season (June–July) takes plant managers away from stock counts",
               "Own the cash forecast and explain deviations to the bank", "11 June 2027",
               "Phase gate", "Audit Committee asked for a monthly audit status note; added to N3",
               "accepted by Maeve O’Brien (Managing Director) on 26 March 2027 as version 1.2"])
    for x in checks:
        assert x in text, x
    assert d.headings1[0] in ("Samenvatting van de analyse", "Summary of the analysis")


def test_english_analysis_include_keeps_list_and_table(docs):
    d = open_doc(docs, ENGLISH, "action-plan.docx")
    steps = d.table("Step in the close", "Days now")
    assert steps.row("Intercompany matching") == ["Intercompany matching", "4", "1",
                                                  "Accounts Payable Lead"]
    numbered = [p for p in d.body.iter(w("p")) if p.find("w:pPr/w:numPr", NS) is not None]
    assert any("nobody owns the close calendar" in "".join(p.itertext()) for p in numbered)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_action_plan_without_acceptance_is_a_marked_draft(tmp_path, assignment):
    folder = variant(assignment, tmp_path, lambda d: d["analysis"].pop("acceptance"))
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "build", only=("action-plan",))
    d = Docx(out["action-plan.docx"])
    label = EXPECT[assignment]["draft"]
    for sect in d.sections:
        headers = d.headers(sect)
        assert headers
        for kind, header in headers.items():
            assert label in d.part_text(header), kind
    assert ("concept" if assignment == EXAMPLE else "draft") in d.text.lower()
    status = d.table(*d.tables[0].header[:1]).rows
    assert any(r[0] == "Status" and r[1] != ("Definitief" if assignment == EXAMPLE else "Final")
               for r in status)


# ------------------------------------------------------------------ handbook

def test_handbook_nl(docs):
    d = open_doc(docs, EXAMPLE, "handbook.docx")
    text = d.text
    assert ("Greet De Wit (CEO) heeft dit actieplan op 1 februari 2027 formeel aanvaard als "
            "versie 1.1") in text
    calendar = d.section_after("Evaluatiekalender")
    for x in ("19 februari 2027", "2 april 2027", "25 juni 2027", "Eindevaluatie"):
        assert x in calendar
    changes = d.section_after("Wijzigingsprocedure en overzicht van de wijzigingen")
    assert "schriftelijk akkoord van de opdrachtgever" in changes
    w1 = d.table("Nr.", "Datum", "Wijziging").row("W1")
    assert w1[2] == "Deadline M2 van 12 maart naar 26 maart 2027"
    assert w1[3] == "Late levering van de scanners"
    assert w1[-1] == "Greet De Wit"
    escalation = d.section_after("Rapportering en escalatie")
    assert "Greet De Wit (CEO)" in escalation
    assert "Contracten met transporteurs boven € 50.000" in escalation
    exit_ = d.section_after("Exit- en overdrachtsplan")
    assert "Jan Peeters" in exit_ and "17 mei 2027" in exit_
    assert d.headings1[-1] == "Handtekeningen"
    assert any("Greet De Wit" in c for c in d.tables[-1].rows[1])
    # and everything of the accepted action plan
    assert d.table("Nr.", "Mijlpaal").column("Nr.") == ["M1", "M2", "M3", "M4"]
    assert any(data.startswith(b"\x89PNG") for _, data in d.inline_images())


def test_handbook_en(docs):
    d = open_doc(docs, ENGLISH, "handbook.docx")
    assert ("Maeve O’Brien (Managing Director) formally accepted this action plan on "
            "26 March 2027 as version 1.2") in d.text
    c2 = d.table("No.", "Date", "Change").row("C2")
    assert c2[2] == "Due date of N3 moved from 30 June to 9 July 2027"
    assert c2[-1] == "Maeve O’Brien"
    assert "Changes to banking facilities or covenants" in d.section_after(
        "Reporting and escalation")
    assert "27 August 2027" in d.section_after("Evaluation calendar")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_handbook_draft_with_flag(tmp_path, assignment):
    folder = variant(assignment, tmp_path, lambda d: d["analysis"].pop("acceptance"))
    loaded = load_assignment(folder)
    assert build_loaded(loaded, tmp_path / "b1", only=("proposal",))  # sanity
    with source_date_epoch(EPOCH):
        out = build_loaded(loaded, tmp_path / "build", only=("handbook",), draft=True)
    d = Docx(out["handbook.docx"])
    label = EXPECT[assignment]["draft"]
    for sect in d.sections:
        assert all(label in d.part_text(h) for h in d.headers(sect).values())


# ------------------------------------------------------------------ progress

def test_progress_nl(docs):
    d = open_doc(docs, EXAMPLE, "progress-2027-02-19.docx")
    assert "19 februari 2027" in d.facts("Opdrachtgever")["Evaluatiemoment"]
    status = d.table("Nr.", "Mijlpaal", "Deadline", "Eigenaar", "Status")
    assert [r[-1] for r in status.rows[1:]] == ["Afgerond", "Onder druk", "Gepland", "Gepland"]
    assert_status_styles(d, {"Afgerond": "Done", "Onder druk": "At Risk", "Gepland": "Planned"})
    assert "Extra testweek voor de WMS-koppeling" in d.section_after("Beslissingen")
    assert "Wijziging W1 goedgekeurd: Deadline M2 van 12 maart naar 26 maart 2027" in (
        d.section_after("Beslissingen"))  # approved that day: a decision, not listed twice


def test_progress_en_one_file_per_entry(docs):
    first = open_doc(docs, ENGLISH, "progress-2027-04-16.docx")
    second = open_doc(docs, ENGLISH, "progress-2027-06-11.docx")
    assert "16 April 2027" in first.facts("Client")["Review meeting"]
    assert "11 June 2027" in second.facts("Client")["Review meeting"]
    assert "Stock differences are down to €7,800" in first.section_after("Status")
    statuses = [r[-1] for r in second.table("No.", "Milestone", "Due", "Owner", "Status").rows[1:]]
    assert statuses == ["Done", "Done", "At risk", "On track", "Planned"]
    assert_status_styles(second, {"Done": "Done", "At risk": "At Risk", "On track": "On Track",
                                  "Planned": "Planned"})
    assert "Board meeting to approve the accounts moved to 7 July" in second.section_after(
        "Decisions")
    assert "Change C2 approved" in second.section_after("Decisions")  # agreed that day
    assert "Change C1 approved" in first.section_after("Decisions")


def assert_status_styles(d: Docx, expected: dict[str, str]) -> None:
    colours = set()
    for text, status in expected.items():
        runs = [r for r in d.runs_with_text(text)
                if "".join(t.text for t in r.findall(w("t"))) == text]
        assert runs, text
        for run in runs:
            style = run.find("w:rPr/w:rStyle", NS)
            assert style is not None, text
            sid = style.get(w("val"))
            assert status.lower() in d.style_name(sid).lower(), (text, d.style_name(sid))
            colour = d.style_color(sid)
            assert colour and colour.lower() not in ("auto", "000000"), sid
            colours.add(colour)
    assert len(colours) == len(expected)  # each status its own colour


# ------------------------------------------------------------------ handover

def test_handover_nl(docs):
    d = open_doc(docs, EXAMPLE, "handover.docx")
    results = d.table("Nr.", "Doelstelling", "Vertrekpunt", "Streefwaarde")
    d2 = results.row("D2")
    assert d2[2:4] == ["9 %", "≤ 5 %"]
    assert d2[4].startswith("6,1 % (t/m 31 mei 2027)")
    assert d2[5] == "Deels behaald"
    assert_status_styles(d, {"Deels behaald": "At Risk", "Behaald": "Done"})
    milestones = d.table("Nr.", "Mijlpaal", "Deadline", "Status")
    assert milestones.column("Nr.") == ["M1", "M2", "M3", "M4"]
    # the role he holds on the handover's date: change W2 made him manager on 14 June
    assert d.table("Punt", "Volgende stap").row("Uitrol scanners in hal B")[-1] == (
        "Jan Peeters (Logistiek manager)")
    assert "Vier meeloopdagen en een werkinstructie" in d.text
    lead = d.table("Persoon", "Rol").row("Jan Peeters")
    assert lead[2] == "Klaar mits begeleiding"
    session = d.section_after("Evaluatiesessie")
    assert "Snelle stabilisatie van het team" in session
    assert "HR eerder betrekken bij het verzuimbeleid" in session
    scores = d.table("Aspect", "Score (1–5)")
    assert [r[1] for r in scores.rows[1:]] == ["4 / 5", "5 / 5", "4 / 5", "4 / 5"]
    assert "Verbeterbudget voor hal B vrijmaken in het najaar" in d.section_after("Aanbevelingen")


def test_handover_en(docs):
    d = open_doc(docs, ENGLISH, "handover.docx")
    results = d.table("No.", "Objective", "Baseline", "Target", "Result", "Status")
    assert results.row("F1")[2:] == ["19 days", "≤ 7 days",
                                     "6 days (to 31 Jul 2027) – June and July closes",
                                     "Met"]
    # signed on the date change C2 set: the amended target met (rule 19 warned while it
    # was judged partly met)
    assert results.row("F2")[3:] == ["Unqualified opinion by 30 June 2027 (amended by C2: "
                                     "Unqualified opinion by 9 July 2027)",
                                     "Unqualified opinion signed 9 July 2027 – signed on the date "
                                     "change C2 set, nine days after the original 30 June",
                                     "Met"]
    assert_status_styles(d, {"Met": "Done"})
    assert results.column("No.") == ["F1", "F2", "F3", "F4"]
    assert d.table("No.", "Milestone", "Due", "Status").row("N3")[-1] == "Done"
    open_items = d.table("Item", "Next step", "Due", "New owner")
    # the roles held on the handover's date, as change C3 of 9 August set them
    assert open_items.row("Written procedure for the stock count")[-1] == (
        "Ada Okafor (Treasury and Payables Lead)")
    assert open_items.row("Covenant certificate for Q3 to the bank")[-1] == (
        "Declan Gallagher (Head of Finance)")
    assert open_items.row("Closing meeting on the 2026 audit with the audit partner")[2] == (
        "17 Sep 2027")  # after the end: an open item, never a transfer (rule 21)
    kt = d.table("Topic", "To", "Method", "Done")
    assert kt.row("Audit file and lessons learned")[-1] == "Yes"
    assert d.table("Person", "Role").row("Ada Okafor")[2] == "Ready, with support"
    assert "Involve the plant managers earlier in stock questions" in d.section_after(
        "Evaluation meeting")
    assert d.table("Aspect", "Score (1–5)").row("Communication")[1] == "5 / 5"
    assert "Recruit a second qualified accountant before the 2027 audit" in d.text


# ------------------------------------------------------------------ dates and bytes

def _drop_dates(data):
    data.pop("documents", None)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_date_epoch_sets_the_date_and_builds_are_identical(tmp_path, assignment):
    folder = variant(assignment, tmp_path, _drop_dates)
    loaded = load_assignment(folder)
    epoch = str(int(datetime.datetime(2027, 3, 5, 9, 30, tzinfo=datetime.UTC).timestamp()))
    with source_date_epoch(epoch):
        first = build_loaded(loaded, tmp_path / "one", only=("proposal",))["proposal.docx"]
        second = build_loaded(loaded, tmp_path / "two", only=("proposal",))["proposal.docx"]
    assert first.read_bytes() == second.read_bytes()
    d = Docx(first)
    shown = "5 maart 2027" if assignment == EXAMPLE else "5 March 2027"
    assert shown in d.cover
    assert d.core["created"].startswith("2027-03-05")
    assert d.core["modified"].startswith("2027-03-05")


def test_explicit_document_date_wins_over_source_date_epoch(docs):
    # built with SOURCE_DATE_EPOCH = 1 September 2027; the proposal's date is in the source
    d = open_doc(docs, EXAMPLE, "proposal.docx")
    assert "27 november 2026" in d.cover
    assert "1 september 2027" not in d.text
    assert d.core["created"].startswith("2026-11-27")
    p = open_doc(docs, EXAMPLE, "progress-2027-02-19.docx")  # dated by its evaluation
    assert "19 februari 2027" in p.cover and p.core["created"].startswith("2027-02-19")
    assert "1 september 2027" not in p.text


def test_without_epoch_or_git_the_date_is_the_reported_date(tmp_path):
    folder = variant(ENGLISH, tmp_path, _drop_dates)  # outside git: no commit date
    with source_date_epoch(None):
        out = build_loaded(load_assignment(folder), tmp_path / "b", only=("progress",))
    assert "16 April 2027" in Docx(out["progress-2027-04-16.docx"]).cover
    assert "11 June 2027" in Docx(out["progress-2027-06-11.docx"]).cover


# ------------------------------------------------------------------ literal user text

def test_user_text_stays_literal(tmp_path):
    typed = "{{ 7*7 }} *not bold* # x | y"

    def change(data):
        data["title"] = typed
        data["intake"]["objectives"][0]["baseline"] = typed
        data["people"][2]["name"] = typed  # dgallagher

    folder = variant(ENGLISH, tmp_path, change)
    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(folder), tmp_path / "b", only=("proposal", "handover"))
    for name in out:
        d = Docx(out[name])
        assert typed in d.styled("Subtitle")
        assert "49" not in d.text.replace("2049", "")
        control = d.facts("Document")
        assert control["Assignment"] == typed  # the internal id stays in the properties
        for run in d.runs_with_text("not bold"):
            rpr = run.find(w("rPr"))
            assert rpr is None or (rpr.find(w("b")) is None and rpr.find(w("i")) is None), \
                name
        assert d.core["subject"] == typed
    proposal = Docx(out["proposal.docx"])
    objectives = proposal.table("No.", "Objective", "Measure", "Baseline")
    assert all(len(r) == 6 for r in objectives.rows)
    assert objectives.row("F1")[3] == typed
    handover = Docx(out["handover.docx"])
    assert handover.table("Person", "Role").row(typed)[1] == "Head of Finance"


# ------------------------------------------------------------------ LibreOffice

@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_every_document_converts_to_pdf(docs, tmp_path):
    sources = {}
    for a in ASSIGNMENTS:
        for name, path in docs[a].items():
            target = tmp_path / "in" / f"{a}--{name}"
            target.parent.mkdir(exist_ok=True)
            shutil.copy(path, target)
            sources[target] = EXPECT[a]["files"][name]
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *map(str, sources)], check=True, capture_output=True, timeout=180)
    for source, title in sources.items():
        pdf = tmp_path / "pdf" / (source.stem + ".pdf")
        assert pdf.is_file(), pdf.name
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                  capture_output=True, text=True).stdout
            assert title in text, pdf.name


def test_handover_milestone_status_from_closing_overrides_last_progress(tmp_path):
    def close_milestones(data):
        data["closing"]["milestones"] = {"M2": "done", "M3": "not_achieved", "M4": "done"}

    folder = variant(EXAMPLE, tmp_path, close_milestones)
    with source_date_epoch(EPOCH):
        written = build_loaded(load_assignment(folder), tmp_path / "build", only=("handover",))
    d = Docx(written["handover.docx"])
    milestones = d.table("Nr.", "Mijlpaal", "Deadline", "Status")
    statuses = {row[0]: row[-1] for row in milestones.rows[1:]}
    # M1 is final from the last progress entry (done); M2 was at risk there
    assert statuses == {"M1": "Afgerond", "M2": "Afgerond", "M3": "Niet bereikt",
                        "M4": "Afgerond"}
