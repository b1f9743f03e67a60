"""The layout pass's work caps: a document over one is left out of the LibreOffice run, said
once, written without page numbers; with --pdf its PDF is refused by name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx_reading import Docx, w

from generator.delivery import layout_caps
from generator.delivery.build import finish_layout
from generator.delivery.layout_caps import Caps, over_cap
from generator.delivery.pdf import PdfError, find_soffice
from generator.writer import oxml
from generator.writer.converter import Converter, DocumentMeta
from generator.writer.package import rels_name

ROOT = Path(__file__).resolve().parents[2]
BRAND = ROOT / "templates" / "reference.docx"
SMALL = "::: toc Contents\n:::\n\n# One\n\ntext\n\n# Two\n\ntext\n"
TABLE = "| a | b |\n|---|---|\n" + "".join(f"| {i} | x |\n" for i in range(6))
LARGE = SMALL + "\n## Three\n\n" + TABLE


def write(path: Path, markdown: str) -> Path:
    path.write_bytes(Converter().convert(markdown, DocumentMeta(title="T"), base_dir=path.parent))
    return path


def page_refs(path: Path) -> list[str]:
    return [t.text or "" for t in Docx(path).body.iter(w("instrText"))
            if "PAGEREF" in (t.text or "")]


@pytest.mark.parametrize(("caps", "said"), [
    (Caps(contents_headings=2), "3 headings in the contents page, more than 2"),
    (Caps(table_rows=5), "7 table rows, more than 5"),
    (Caps(paragraphs=10), "paragraphs, more than 10"),
    (Caps(fields_per_part=1), "2 fields in word/footer1.xml, more than 1"),
])
def test_each_cap_is_counted_on_the_package(tmp_path, caps, said):
    large = write(tmp_path / "large.docx", LARGE)
    assert said in (over_cap(large, caps) or "")
    assert over_cap(large, Caps()) is None  # far under the real caps


def test_a_damaged_package_is_left_to_libreoffice_to_name(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK not a zip")
    assert over_cap(bad, Caps(paragraphs=0)) is None


@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setattr(layout_caps, "CAPS", Caps(table_rows=5))
    monkeypatch.setattr("generator.delivery.fonts.missing_fonts", lambda brand: [])


def test_over_a_cap_libreoffice_never_sees_it_and_it_keeps_no_page_numbers(
        tmp_path, monkeypatch, small_caps):
    small, large = write(tmp_path / "small.docx", SMALL), write(tmp_path / "large.docx", LARGE)
    before = large.read_bytes()
    given: list[list[Path]] = []

    def lay_out(batch, *, pdf, office=None):
        given.append(list(batch))
        return {p.resolve(): {"_Toc00000001": 2, "_Toc00000002": 3} for p in batch}

    monkeypatch.setattr("generator.delivery.office.lay_out", lay_out)
    said: list[str] = []
    assert finish_layout([small, large], pdf=False, layout=True, echo=said.append,
                         brand=BRAND, warn=said.append) == []
    assert given == [[small]]
    assert len(said) == 1 and "large.docx is too large for the layout pass (7 table rows, " \
        "more than 5)" in said[0] and "without page numbers" in said[0]
    assert large.read_bytes() == before and page_refs(large) == []
    assert len(page_refs(small)) == 2


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")
def test_with_pdf_the_document_over_a_cap_is_refused_by_name_the_others_made(
        tmp_path, small_caps):
    small, large = write(tmp_path / "small.docx", SMALL), write(tmp_path / "large.docx", LARGE)
    said: list[str] = []
    with pytest.raises(PdfError) as raised:
        finish_layout([small, large], pdf=True, layout=True, echo=said.append, brand=BRAND,
                      warn=said.append)
    assert "1 PDF(s) not produced" in str(raised.value)
    assert "large.docx: 7 table rows, more than 5" in str(raised.value)
    assert raised.value.missing == [large.with_suffix(".pdf")]
    assert small.with_suffix(".pdf").is_file() and not large.with_suffix(".pdf").exists()
    assert len(page_refs(small)) == 2 and page_refs(large) == []
    assert any("no PDF is made of it" in line for line in said)


# ------------------------------------------------ the caps counted on packages made by hand

FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def package(path: Path, body: str, parts: dict[str, str] | None = None,
            rels: list[tuple[str, str | None, str]] = (), document: str = "word/document.xml",
            ) -> Path:
    """A .docx of `body` (the main part's body XML), its other `parts` ({name: inner XML of
    a header}) related to it by `rels` ((type, target, mode)), as Word would store it."""
    def related(items: list[tuple[str, str | None, str]]) -> str:
        return f'<Relationships xmlns="{oxml.PR_NS}">' + "".join(
            f'<Relationship Id="rId{i}" Type="{kind}"'
            + (f' Target="{target}"' if target is not None else "")
            + (f' TargetMode="{mode}"' if mode else "") + "/>"
            for i, (kind, target, mode) in enumerate(items)) + "</Relationships>"

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_rels/.rels", related([(oxml.RT_OFFICE_DOC, document, "")]))
        archive.writestr(document, f'<w:document xmlns:w="{oxml.W_NS}"><w:body>{body}'
                                   "</w:body></w:document>")
        archive.writestr(rels_name(document), related(list(rels)))
        for name, inner in (parts or {}).items():
            archive.writestr(name, f'<w:hdr xmlns:w="{oxml.W_NS}">{inner}</w:hdr>')
    return path


def fields(count: int) -> str:
    """`count` fields in one paragraph, simple and complex ones alternating."""
    return "<w:p>" + "".join(
        '<w:fldSimple w:instr="PAGE"/>' if i % 2 else '<w:r><w:instrText>NUMPAGES</w:instrText>'
        "</w:r>" for i in range(count)) + "</w:p>"


def headings(count: int) -> str:
    """`count` contents entries, among bookmarks of other kinds (never counted)."""
    return "<w:p>" + '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkStart/>' + "".join(
        f'<w:bookmarkStart w:id="{i}" w:name="_Toc{i:08}"/>' for i in range(count)) + "</w:p>"


@pytest.mark.parametrize(("body", "at_cap", "said"), [
    (headings, 1000, "1,001 headings in the contents page, more than 1,000"),
    (lambda n: "<w:tbl>" + "<w:tr/>" * n + "</w:tbl>", 1000, "1,001 table rows, more than 1,000"),
    (lambda n: "<w:p/>" * n, 10000, "10,001 paragraphs, more than 10,000"),
])
def test_the_documented_caps_hold_at_the_cap_and_refuse_one_more(tmp_path, body, at_cap, said):
    assert over_cap(package(tmp_path / "at.docx", body(at_cap))) is None
    assert over_cap(package(tmp_path / "over.docx", body(at_cap + 1))) == said


def test_a_header_holds_at_most_100_fields(tmp_path):
    header = [(oxml.RT_HEADER, "header1.xml", "")]
    at = package(tmp_path / "at.docx", "<w:p/>", {"word/header1.xml": fields(100)}, header)
    assert over_cap(at) is None
    over = package(tmp_path / "over.docx", "<w:p/>", {"word/header1.xml": fields(101)}, header)
    assert over_cap(over) == "101 fields in word/header1.xml, more than 100"


def test_every_cap_passed_is_said_parts_by_name_then_the_body(tmp_path):
    docx = package(
        tmp_path / "many.docx", headings(3) + "<w:tbl>" + "<w:tr/>" * 4 + "</w:tbl>",
        {"word/header2.xml": fields(3), "word/footer1.xml": fields(3),
         "word/header1.xml": fields(2)},
        [(oxml.RT_HEADER, "header2.xml", ""), (oxml.RT_FOOTER, "footer1.xml", ""),
         (oxml.RT_HEADER, "header1.xml", "")])
    assert over_cap(docx, Caps(fields_per_part=2, contents_headings=2, table_rows=3,
                               paragraphs=0)) == \
        "3 fields in word/footer1.xml, more than 2; 3 fields in word/header2.xml, more than 2; " \
        "3 headings in the contents page, more than 2; 4 table rows, more than 3; " \
        "1 paragraphs, more than 0"


def test_only_the_headers_and_footers_of_the_main_part_are_counted(tmp_path):
    docx = package(
        tmp_path / "other.docx", "<w:p/>",
        {"word/notes.xml": fields(5), "word/header9.xml": fields(5),
         "word/footer1.xml": fields(2)},
        [(FOOTNOTES, "notes.xml", ""), (oxml.RT_HEADER, "header9.xml", "External"),
         (oxml.RT_HEADER, "missing.xml", ""), (oxml.RT_HEADER, None, ""),
         (oxml.RT_FOOTER, "footer1.xml", "Internal")],
        document="word/main.xml")
    assert over_cap(docx, Caps(fields_per_part=1)) == \
        "2 fields in word/footer1.xml, more than 1"
    assert over_cap(docx, Caps(fields_per_part=2)) is None


def test_a_main_part_without_relationships_has_its_body_counted(tmp_path):
    docx = package(tmp_path / "bare.docx", "<w:p/><w:p/>")
    with zipfile.ZipFile(docx, "a") as archive:
        archive.writestr("word/other.xml", "<x/>")
    names = zipfile.ZipFile(docx).namelist()
    bare = tmp_path / "bare2.docx"
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(bare, "w") as archive:
        for name in names:
            if name != "word/_rels/document.xml.rels":
                archive.writestr(name, source.read(name))
    assert over_cap(bare, Caps(paragraphs=1)) == "2 paragraphs, more than 1"


@pytest.mark.parametrize("damage", ["no package relationships", "broken relationships",
                                    "broken header", "broken body", "no file"])
def test_a_package_that_cannot_be_read_is_left_to_libreoffice(tmp_path, damage):
    header = {"word/header1.xml": fields(5)}
    rels = [(oxml.RT_HEADER, "header1.xml", "")]
    docx = package(tmp_path / "whole.docx", "<w:p/>" * 5, header, rels)
    with zipfile.ZipFile(docx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if damage == "no package relationships":
        del parts["_rels/.rels"]
    elif damage == "broken relationships":
        parts["word/_rels/document.xml.rels"] = b"<Relationships"
    elif damage == "broken header":
        parts["word/header1.xml"] = b"<w:hdr"
    elif damage == "broken body":
        parts["word/document.xml"] = b"<w:document><w:body><w:p/>"
    damaged = tmp_path / "damaged.docx"
    if damage != "no file":
        with zipfile.ZipFile(damaged, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    assert over_cap(damaged, Caps(fields_per_part=0, paragraphs=0)) is None


@pytest.mark.parametrize(("pdf", "ending"), [(False, ""), (True, "; no PDF is made of it")])
def test_split_lays_out_the_others_in_order_and_names_each_capped_once(
        tmp_path, monkeypatch, pdf, ending):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(layout_caps, "CAPS", Caps(paragraphs=2))
    one, big, two = (package(tmp_path / f"{name}.docx", "<w:p/>" * n)
                     for name, n in (("one", 2), ("big", 3), ("two", 1)))
    said: list[str] = []
    batch, capped = layout_caps.split([one, big, two], pdf=pdf, echo=said.append)
    assert batch == [one, two]
    assert capped == {big: "3 paragraphs, more than 2"}
    assert said == [
        "note: big.docx is too large for the layout pass (3 paragraphs, more than 2): its "
        "contents page lists its headings without page numbers, which Word fills in when the "
        "reader agrees to update fields on opening" + ending]


def test_the_refusal_names_each_pdf_not_made_with_its_cap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert layout_caps.refusal({tmp_path / "a.docx": "3 paragraphs, more than 2",
                                tmp_path / "b.docx": "4 table rows, more than 1"}) == (
        "2 PDF(s) not produced: too large for LibreOffice to lay out in seconds (the .docx is "
        "written; split the document, or build it without --pdf and make its PDF in Word):\n"
        "  a.docx: 3 paragraphs, more than 2\n  b.docx: 4 table rows, more than 1")
