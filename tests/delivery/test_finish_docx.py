"""Finished like a deliverable, as the .docx says it (no LibreOffice needed): complete
parts, an empty cover header and footer, the firm's footer in the document's language,
signature blocks with room to sign, tables that hold together, no-break spaces, column
widths from the brand font, the contents page's numbers, the font check.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx_reading import (
    ASSIGNMENTS,
    ENGLISH,
    EXAMPLE,
    ROOT,
    Docx,
    built,
    paragraph_text,
    raw_text,
    w,
)
from example_project import copy_example

from generator.delivery import fonts
from generator.delivery.build import NO_LAYOUT_NOTE, build_all, finish_layout
from generator.errors import SourceError
from generator.source.project import Project, load_firm
from generator.writer.converter import Converter, DocumentMeta
from generator.writer.measure import measure_for
from generator.writer.render import column_widths, keep_spaces
from generator.writer.toc import fill_pages

SIGNED = ("proposal.docx", "handbook.docx", "handover.docx")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    base = tmp_path_factory.mktemp("built")
    return {a: built(a, base) for a in ASSIGNMENTS}


def every(docs):
    return [(a, name, path) for a in docs for name, path in docs[a].items()]


def test_every_document_carries_theme_and_font_table(docs):
    for _, name, path in every(docs):
        d = Docx(path)
        kinds = {kind for kind, _ in d.rels.values()}
        assert {"theme", "fontTable"} <= kinds, name
        assert "word/theme/theme1.xml" in d.parts and "word/fontTable.xml" in d.parts


def test_openxml_audit_reports_nothing(docs):
    from openxml_audit import FileFormat, OpenXmlValidator

    validator = OpenXmlValidator(file_format=FileFormat.OFFICE_2019)
    for _, name, path in every(docs):
        result = validator.validate(path)
        assert result.is_valid, (name, [str(e) for e in result.errors])


def test_cover_page_has_empty_first_page_header_and_footer(docs):
    for _, name, path in every(docs):
        d = Docx(path)
        sect = d.sections[0]
        assert sect.find(w("titlePg")) is not None, name
        first = [d.headers(sect)["first"], d.footers(sect)["first"]]
        assert all(Docx.part_text(part).strip() == "" for part in first), name


def test_footer_in_the_documents_language(docs):
    for assignment, name, path in every(docs):
        d = Docx(path)
        footer = Docx.part_text(d.footers(d.sections[0])["default"])
        if assignment == ENGLISH:
            assert "VAT BE0987.654.394" in footer and "BTW" not in footer, name
        else:
            assert "BTW BE0987.654.394" in footer and "VAT" not in footer, name


@pytest.mark.parametrize(("assignment", "name", "shown"), [
    (EXAMPLE, "progress-2027-02-19.docx", "Voortgangsrapport 19 februari 2027"),
    (ENGLISH, "progress-2027-04-16.docx", "Progress report 16 April 2027"),
    (ENGLISH, "progress-2027-06-11.docx", "Progress report 11 June 2027"),
])
def test_progress_report_header_carries_its_date(docs, assignment, name, shown):
    """Two reports of one assignment never look alike: each header names its own date."""
    d = Docx(docs[assignment][name])
    header = Docx.part_text(d.headers(d.sections[0])["default"]).replace("\u00a0", " ")
    assert shown in header


def signature_rows(d: Docx):
    table = [t for t in d.body.iter(w("tbl"))][-1]
    return table.findall(w("tr"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("name", SIGNED)
def test_signature_block_has_room_and_stays_together(docs, assignment, name):
    rows = signature_rows(Docx(docs[assignment][name]))
    labels = [paragraph_text(tr.find(f"{w('tc')}/{w('p')}")) for tr in rows]
    assert labels[-3:] == (["Plaats", "Datum", "Handtekening"] if assignment == EXAMPLE
                           else ["Place", "Date", "Signature"])
    height = rows[-1].find(f"{w('trPr')}/{w('trHeight')}")
    assert height is not None and int(height.get(w("val"))) >= 1134  # 2 cm
    assert height.get(w("hRule")) == "atLeast"
    for tr in rows:
        assert tr.find(f"{w('trPr')}/{w('cantSplit')}") is not None
    for tr in rows[:-1]:  # every row keeps with the next: one page
        assert all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in tr.iter(w("p")))


def test_firm_without_signatory_signs_by_the_interim_manager(tmp_path):
    copy_example(tmp_path)
    firm = (ROOT / "firm.yaml").read_text(encoding="utf-8")
    firm = re.sub(r"^signatory:.*?\n(?=\S)", "", firm, flags=re.M | re.S)  # with its lines
    assert "signatory" not in firm and "Katrien" not in firm
    shutil.copytree(ROOT / "templates", tmp_path / "templates")  # brand template and logo
    (tmp_path / "firm.yaml").write_text(firm, encoding="utf-8")
    report = build_all(Project(tmp_path), [], ["proposal"], out_dir=tmp_path / "out")
    assert not report.failed, report.failed
    rows = signature_rows(Docx(tmp_path / "out" / EXAMPLE / "proposal.docx"))
    names = [paragraph_text(p) for p in rows[1].iter(w("p"))]
    assert names == ["Naam", "Greet De Wit (CEO)", "Luc Vermeulen (Interim manager)"]


@pytest.mark.parametrize(("footer", "message"), [
    ("{de: Text}", "unknown language de (use nl, en, fr)"),
    ("12", "expected a text, or one text per language"),
    ("{nl: ''}", "expected a text, or one text per language"),
])
def test_bad_footer_is_named_at_its_line(tmp_path, footer, message):
    (tmp_path / "firm.yaml").write_text(f"name: Firm\nfooter: {footer}\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_firm(tmp_path)
    assert f"firm.yaml:2:1: footer: {message}" in str(caught.value)


def test_footer_per_language_or_one_for_all(tmp_path):
    (tmp_path / "firm.yaml").write_text("name: F\nfooter: {nl: BTW 1, en: VAT 1, fr: TVA 1}\n",
                                        encoding="utf-8")
    firm = load_firm(tmp_path)
    assert [firm.footer_for(lang) for lang in ("nl", "en", "fr")] == ["BTW 1", "VAT 1", "TVA 1"]
    (tmp_path / "firm.yaml").write_text("name: F\nfooter: One line\n", encoding="utf-8")
    assert load_firm(tmp_path).footer_for("en") == "One line"


# ------------------------------------------------------------------ tables and spaces

def test_small_tables_kept_together_long_ones_keep_their_ends(tmp_path):
    rows = lambda n: "\n".join(f"| r{i} | text {i} |" for i in range(n))  # noqa: E731
    markdown = f"Intro to a small table:\n\n| a | b |\n|---|---|\n{rows(8)}\n\n" \
               f"Intro to a long table:\n\n| a | b |\n|---|---|\n{rows(20)}\n"
    d = Docx(write(tmp_path, markdown))
    small, long = d.body.findall(w("tbl"))

    def kept(tr):
        return all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in tr.iter(w("p")))

    assert [kept(tr) for tr in small.findall(w("tr"))] == [True] * 8 + [False]
    flags = [kept(tr) for tr in long.findall(w("tr"))]
    assert flags[:2] == [True, True] and flags[-2:] == [True, False]  # header + first; last 2
    assert not any(flags[2:-2])
    intros = [p for p in d.body.findall(w("p")) if paragraph_text(p).startswith("Intro")]
    assert all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in intros)
    assert all(tr.find(f"{w('trPr')}/{w('cantSplit')}") is not None for tr in d.body.iter(w("tr")))


def write(tmp_path: Path, markdown: str) -> Path:
    target = tmp_path / "doc.docx"
    target.write_bytes(Converter().convert(markdown, DocumentMeta(title="T"), base_dir=tmp_path))
    return target


@pytest.mark.parametrize(("typed", "kept"), [
    ("≤ 2 %", "≤\u00a02\u00a0%"),
    ("within ± 5 % of € 400", "within ±\u00a05\u00a0% of €\u00a0400"),
    ("12 FTE and 3 maanden", "12\u00a0FTE and 3\u00a0maanden"),
    ("in 2027 we met 3 managers", "in 2027 we met 3 managers"),
    ("5 m² and 5 minutes", "5\u00a0m² and 5 minutes"),
    # dates typed in text: "29 januari / 2027" never split over two lines
    ("van 11 tot 29 januari 2027 en", "van 11 tot 29\u00a0januari\u00a02027 en"),
    ("from 30 June to 9 July 2027", "from 30\u00a0June to 9\u00a0July\u00a02027"),
    ("in May 2027, 12 mrt", "in May\u00a02027, 12\u00a0mrt"),
    ("3 Junebugs, 1.5 mei, 2027 June", "3 Junebugs, 1.5 mei, 2027 June"),
])
def test_no_break_spaces_in_quantities(typed, kept):
    assert keep_spaces(typed, dates=True) == kept


def test_typed_dates_kept_in_running_text_not_in_narrow_table_cells(tmp_path):
    """A date in a table cell may wrap before its year: an unbreakable "1 september 2027"
    would widen its column and squeeze a neighbour's long word ("verpleegkundige|n")
    instead; its day stays with its month ("le 14 / juin 2027" read as two dates)."""
    d = Docx(write(tmp_path, "Tot 29 januari 2027 en 12 %.\n\n| a | b |\n|---|---|\n"
                             "| vanaf 1 september 2027 | 12 % |\n"))
    texts = [raw_text(p) for p in d.body.iter(w("p"))]
    assert "Tot 29\u00a0januari\u00a02027 en 12\u00a0%." in texts
    assert "vanaf 1\u00a0september 2027" in texts and "12\u00a0%" in texts


def test_no_break_spaces_reach_the_document(docs):
    d = Docx(docs[EXAMPLE]["handover.docx"])
    raw = [raw_text(p) for p in d.body.iter(w("p"))]
    assert "≤\u00a01,5\u00a0%" in raw
    control = [raw_text(p) for p in d.body.iter(w("p"))]
    assert any("25\u00a0juni\u00a02027" in text for text in control)  # generator's dates
    analysis = [raw_text(p) for p in Docx(docs[EXAMPLE]["handbook.docx"]).body.iter(w("p"))]
    assert any("29\u00a0januari\u00a02027" in text for text in analysis)  # typed in analyse.md


def test_every_date_cell_keeps_its_date_on_one_line(docs):
    """Dates the generator formats into tables (version history, change log, the plan as
    amended, milestones): no ordinary space that a narrow column could break at."""
    date = re.compile(r"\d{1,2}\s\w{3,9}\.?\s\d{4}")
    seen = 0
    for _, name, path in every(docs):
        for tc in Docx(path).body.iter(w("tc")):
            text = "".join(raw_text(p) for p in tc.iter(w("p")))
            if date.fullmatch(text):
                seen += 1
                assert " " not in text, (name, text)
    assert seen > 50  # the history tables of every document are among them


def test_column_widths_from_the_brand_fonts_metrics():
    m = measure_for("Calibri", 22)
    date = "14\u00a0juni\u00a02027"
    prose = "Jan Peeters leidt de afdeling twee weken zelfstandig, interim manager als coach " * 2
    cells = [[(m.width("Deadline", True), m.width("Deadline", True)),
              (m.width("Criterium", True), m.width("Criterium", True))]]
    cells += [[(m.width(date), m.width(date)), (m.width(prose), m.longest_unbreakable(prose))]]
    widths = column_widths(cells, 2, 9000)
    assert sum(widths) == 9000
    # the date column is as wide as its date (one line), the prose column takes the rest
    assert m.width(date) < widths[0] - 200 < m.width(date) + 200
    assert widths[1] > 3 * widths[0]
    # a wide letter takes more room than a narrow one: metrics, not character counts
    assert m.width("WWWW") > 2 * m.width("iiii")


def test_a_documents_table_is_sized_by_its_content(tmp_path, docs):
    """The writer uses the measured widths: a date column as wide as its date, the prose
    column the rest (equal shares would give 4-line rows beside a roomy date column)."""
    prose = "Jan Peeters leidt de afdeling twee weken zelfstandig, met de interim manager als coach"
    d = Docx(write(tmp_path, f"| Deadline | Criterium |\n|---|---|\n| 14 juni 2027 | {prose} |\n"))
    narrow, wide = [int(c.get(w("w"))) for c in d.body.iter(w("gridCol"))]
    m = measure_for("Calibri", 22)
    assert narrow < m.width("14\u00a0juni\u00a02027") + 400 and wide > 3 * narrow
    # in the handbook too: the milestones' acceptance criteria get the room, not their dates
    milestones = next(t for t in Docx(docs[EXAMPLE]["handbook.docx"]).body.iter(w("tbl"))
                      if "Acceptatiecriterium" in raw_text(t.find(w("tr"))))
    widths = [int(c.get(w("w"))) for c in milestones.iter(w("gridCol"))]
    number, milestone, due, _owner, _goals, criterion = widths
    assert criterion == max(widths) and due < milestone and number < due, widths


def test_a_page_break_paragraph_is_one_point_high(tmp_path):
    """`::: pagebreak` (after the cover, after the contents): an empty line of body height
    does not fit under a full page, falls onto the next one and breaks there (a blank page
    in the northwind handbook). One point high, it fits; the layout after it is unchanged."""
    d = Docx(write(tmp_path, "Cover\n\n::: pagebreak\n:::\n\n# Next\n"))
    (p,) = [p for p in d.body.findall(w("p")) if p.find(f"{w('r')}/{w('br')}") is not None]
    spacing = p.find(f"{w('pPr')}/{w('spacing')}")
    assert {k.split("}")[1]: v for k, v in spacing.attrib.items()} == {
        "before": "0", "after": "0", "line": "20", "lineRule": "exact"}
    assert p.find(f"{w('pPr')}/{w('rPr')}/{w('sz')}").get(w("val")) == "2"
    assert p.find(f"{w('r')}/{w('rPr')}/{w('sz')}").get(w("val")) == "2"
    assert paragraph_text(p) == "" and p.find(f".//{w('br')}").get(w("type")) == "page"


# ------------------------------------------------------------------ contents page

def test_fill_pages_numbers_the_contents_and_drops_update_fields(tmp_path):
    markdown = "::: toc Contents\n:::\n\n# One\n\ntext\n\n## Two\n\ntext\n\n# Three\n"
    data = write(tmp_path, markdown).read_bytes()
    assert b"updateFields" in zip_part(data, "word/settings.xml")
    filled = fill_pages(data, {"_Toc00000001": 3, "_Toc00000002": 3, "_Toc00000003": 5})
    assert filled == fill_pages(data, {"_Toc00000001": 3, "_Toc00000002": 3,
                                       "_Toc00000003": 5})  # reproducible
    d = Docx(save(tmp_path / "filled.docx", filled))
    texts = [paragraph_text(p) for p in d.body.iter(w("p")) if p.find(w("hyperlink")) is not None]
    assert texts == ["One3", "Two3", "Three5"]
    instr = [t.text for t in d.body.iter(w("instrText"))]
    assert " PAGEREF _Toc00000003 \\h " in instr
    assert b"updateFields" not in d.parts["word/settings.xml"]
    # a bookmark without a known page: the document is left as it was
    assert fill_pages(data, {"_Toc00000001": 3}) == data


def zip_part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_without_libreoffice_the_build_says_so_once(monkeypatch, tmp_path):
    monkeypatch.delenv("INTERIM_LAYOUT", raising=False)
    monkeypatch.setattr("generator.delivery.pdf.find_soffice", lambda: None)
    said: list[str] = []
    docx = write(tmp_path, "# A\n")
    before = docx.read_bytes()
    assert finish_layout([docx, docx], pdf=False, layout=None, echo=said.append,
                         brand=ROOT / "templates" / "reference.docx", warn=said.append) == []
    assert said == [NO_LAYOUT_NOTE]
    assert docx.read_bytes() == before


def test_font_check_names_the_font_and_its_package(monkeypatch):
    monkeypatch.setattr(fonts, "resolved_family", lambda name: "DejaVu Sans")
    missing = fonts.missing_fonts(ROOT / "templates" / "reference.docx")
    assert [m.name for m in missing] == ["Calibri", "Courier New"]
    assert "fonts-crosextra-carlito" in str(missing[0]) and "'Calibri'" in str(missing[0])
    assert "fonts-liberation2" in str(missing[1])
    monkeypatch.setattr(fonts, "resolved_family",
                        lambda name: {"Calibri": "Carlito"}.get(name, "Liberation Mono"))
    assert fonts.missing_fonts(ROOT / "templates" / "reference.docx") == []


def test_font_check_warns_when_the_pdf_is_asked_for(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "resolved_family", lambda name: "DejaVu Sans")
    monkeypatch.setattr("generator.delivery.pdf.find_soffice", lambda: None)
    warned: list = []
    docx = write(tmp_path, "# A\n")
    with pytest.raises(Exception, match="LibreOffice"):
        finish_layout([docx], pdf=True, layout=None, echo=lambda _: None,
                      brand=ROOT / "templates" / "reference.docx", warn=warned.append)
    assert any("Calibri" in str(d) and "fonts-crosextra-carlito" in str(d) for d in warned)


def test_brand_template_without_theme_or_font_table_still_gives_complete_documents(tmp_path):
    """A firm's reference .docx lacking both parts: the documents get them from its styles."""
    from openxml_audit import FileFormat, OpenXmlValidator

    with zipfile.ZipFile(ROOT / "templates" / "reference.docx") as archive:
        kept = {i.filename: archive.read(i) for i in archive.infolist()
                if i.filename not in ("word/theme/theme1.xml", "word/fontTable.xml")}
    for name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
        kept[name] = b"".join(line for line in kept[name].replace(b"/>", b"/>\n").splitlines(
            keepends=True) if b"theme" not in line and b"fontTable" not in line)
    brand = tmp_path / "brand.docx"
    with zipfile.ZipFile(brand, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    assert b"fontTable" not in zip_part(brand.read_bytes(), "word/_rels/document.xml.rels")
    target = tmp_path / "out.docx"
    target.write_bytes(Converter(brand).convert("# A\n\ntext\n", DocumentMeta(title="T"),
                                                base_dir=tmp_path))
    d = Docx(target)
    assert {"theme", "fontTable"} <= {kind for kind, _ in d.rels.values()}
    assert b'w:name="Calibri"' in d.parts["word/fontTable.xml"]
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019).validate(target)
    assert result.is_valid, [str(e) for e in result.errors]


def test_cli_layout_choice_reaches_the_build(example, monkeypatch):
    """`--no-layout` keeps today's contents page; without LibreOffice the build says so once."""
    from click.testing import CliRunner

    from generator.cli import main

    monkeypatch.delenv("INTERIM_LAYOUT", raising=False)
    monkeypatch.setattr("generator.delivery.pdf.find_soffice", lambda: None)
    result = CliRunner().invoke(main, ["build", "--doc", "handbook", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert result.output.count("LibreOffice (soffice) was not found") == 1
    quiet = CliRunner().invoke(main, ["build", "--doc", "handbook", "--out", "out",
                                      "--no-layout"])
    assert quiet.exit_code == 0 and "not found" not in quiet.output
    d = Docx(Path("out") / EXAMPLE / "handbook.docx")
    assert b"updateFields" in d.parts["word/settings.xml"]  # Word fills the numbers in
