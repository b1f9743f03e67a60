"""The layout pass's work caps: a document over one is left out of the LibreOffice run, said
once, written without page numbers; with --pdf its PDF is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx_reading import Docx, w

from generator.delivery import layout_caps
from generator.delivery.build import finish_layout
from generator.delivery.layout_caps import Caps, over_cap
from generator.delivery.pdf import PdfError, find_soffice
from generator.writer.converter import Converter, DocumentMeta

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
