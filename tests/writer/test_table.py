"""Tables as a reader sees them in Word: column widths and what fits in a column."""

from __future__ import annotations

import io

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
