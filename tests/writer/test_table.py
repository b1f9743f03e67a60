"""Tables as a reader sees them in Word: column widths and what fits in a column."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from generator.writer.converter import Converter, DocumentMeta
from tests.writer.conftest import FIXTURES

PROSE = "A long remark that needs most of the room on the line, " * 4


def open_docx(converter: Converter, markdown: str) -> docx.document.Document:
    data = converter.convert(markdown, DocumentMeta(title="T"), base_dir=FIXTURES)
    return docx.Document(io.BytesIO(data))


@pytest.mark.parametrize("width", ["{width=12cm}", ""])
def test_a_picture_wider_than_its_column_is_capped_to_it(converter: Converter,
                                                         width: str) -> None:
    markdown = ("Intro.\n\n| Chart | Owner | Remark |\n|---|---|---|\n"
                f"| ![Chart](chart.png){width} | Anna | {PROSE} |\n")
    document = open_docx(converter, markdown)
    column = document.tables[0].columns[0].width
    shape = document.inline_shapes[0]
    assert column < Cm(6), "the prose column takes most of the line"
    assert shape.width <= column - Cm(0.38), "the picture stays inside its column"
    assert shape.width > column - Cm(0.5), "capped to the column, not shrunk further"
    assert abs(shape.height * 2 - shape.width) <= 2, "it keeps its proportions (400x200)"


def test_a_picture_narrower_than_its_column_keeps_its_size(converter: Converter) -> None:
    markdown = ("Intro.\n\n| Chart | Remark |\n|---|---|\n"
                "| ![Chart](chart.png){width=1cm} | Short |\n")
    document = open_docx(converter, markdown)
    assert document.tables[0].columns[0].width > Cm(2)
    assert document.inline_shapes[0].width == Cm(1)


DATE_CELL = ("Intro.\n\n| Nr. | Goal | Target | Result |\n|---|---|---|---|\n"
             f"| D3 | {PROSE} | Successor leads from 2027-06-14 | "
             "Jan leads the department since 2027-06-14 |\n")


def test_an_iso_date_is_joined_by_non_breaking_hyphens(converter: Converter) -> None:
    document = open_docx(converter, DATE_CELL)
    cell = document.tables[0].rows[1].cells[3]
    assert cell.text == "Jan leads the department since 2027-06-14", "reads as typed"
    run = cell.paragraphs[0].runs[0]._r
    hyphens = run.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                          "noBreakHyphen")
    assert len(hyphens) == 2, "Word's non-breaking hyphen joins year, month and day"
    prose = open_docx(converter, "A range: 2027-2028, a code A-12-34, a date 2027-06-14x.\n")
    assert not prose.paragraphs[0].runs[0]._r.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}noBreakHyphen")


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_never_splits_a_date_in_a_narrow_column(converter: Converter,
                                                            tmp_path: Path) -> None:
    source = tmp_path / "dates.docx"
    source.write_bytes(converter.convert(DATE_CELL, DocumentMeta(title="T"), base_dir=FIXTURES))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    lines = subprocess.run(["pdftotext", str(tmp_path / "dates.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert not [line for line in lines if re.search(r"\b2027-(\d\d-?)?$", line.rstrip())]
    assert sum("2027-06-14" in line for line in lines) == 2, "both dates whole, each on a line"
