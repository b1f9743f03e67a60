"""Tables as a reader sees them in Word: column widths and what fits in a column."""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Cm
from lxml import etree

from generator.writer import oxml
from generator.writer.converter import Converter, DocumentMeta
from generator.writer.numbering import list_indent
from generator.writer.table import (
    CELL_MARGINS_TWIPS,
    CELL_PADDING_TWIPS,
    LONGEST_UNBROKEN_TWIPS,
    MIN_TEXT_TWIPS,
    Table,
    TableRules,
    column_widths,
)
from tests.writer.conftest import FIXTURES, NS, Docx, variant_template

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


# ------------------------------------------------------------------ the table as Word reads it

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tables_of(converter: Converter, markdown: str) -> tuple[list[etree._Element], int]:
    """The document's tables (w:tbl) and its text width in twips (page less margins)."""
    body = Docx(converter.convert(markdown, DocumentMeta(title="T"),
                                  base_dir=FIXTURES)).body
    section = body.find("w:sectPr", NS)
    page, margins = section.find("w:pgSz", NS), section.find("w:pgMar", NS)
    width = (int(page.get(W + "w")) - int(margins.get(W + "left"))
             - int(margins.get(W + "right")) - int(margins.get(W + "gutter", "0")))
    return body.findall(".//w:tbl", NS), width


def grid(table: etree._Element) -> list[int]:
    return [int(c.get(W + "w")) for c in table.findall("w:tblGrid/w:gridCol", NS)]


def cell_widths(row: etree._Element) -> list[tuple[str, str]]:
    return [(tc.find("w:tcPr/w:tcW", NS).get(W + "w"), tc.find("w:tcPr/w:tcW", NS).get(W + "type"))
            for tc in row.findall("w:tc", NS)]


def look(table: etree._Element) -> dict[str, str]:
    found = table.find("w:tblPr/w:tblLook", NS)
    return {key.removeprefix(W): value for key, value in found.attrib.items()}


def keeps_with_next(row: etree._Element) -> bool:
    kept = [p.find("w:pPr/w:keepNext", NS) is not None for p in row.iter(W + "p")]
    assert len(set(kept)) == 1, "all of a row's paragraphs, or none"
    return kept[0]


THREE = "Intro.\n\n| Step | Owner | Remark |\n|---|---|---|\n| 1 | Anna | Starts |\n" \
        "| 2 | Bert | Reviews the plan with the team |\n"


def test_the_header_row_repeats_on_each_page_and_is_styled_as_the_header(
        converter: Converter) -> None:
    (table,), _ = tables_of(converter, THREE)
    rows = table.findall("w:tr", NS)
    assert [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows] == [True, False, False]
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows), "rows never split"
    assert look(table) == {"val": "04A0", "firstRow": "1", "lastRow": "0", "firstColumn": "0",
                           "lastColumn": "0", "noHBand": "0", "noVBand": "1"}
    assert table.find("w:tblPr/w:tblLayout", NS).get(W + "type") == "fixed"
    assert [c.tag.removeprefix(W) for c in table] == ["tblPr", "tblGrid", "tr", "tr", "tr"]


@pytest.mark.parametrize(("header", "headless"), [("|   |   |", True), ("| Key |   |", False)])
def test_an_empty_header_row_is_no_header(converter: Converter, header: str,
                                          headless: bool) -> None:
    """`| | |` over a key/value table: no header row, and Word shows no header styling."""
    (table,), _ = tables_of(converter, f"Intro.\n\n{header}\n|---|---|\n| Budget | 10 |\n"
                                       "| Days | 5 |\n")
    rows = table.findall("w:tr", NS)
    texts = [[Docx.text(None, tc) for tc in r.findall("w:tc", NS)] for r in rows]
    if headless:
        assert texts == [["Budget", "10"], ["Days", "5"]]
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows)
        assert (look(table)["val"], look(table)["firstRow"]) == ("0400", "0")
        assert len(grid(table)) == 2 and all(len(cell_widths(r)) == 2 for r in rows)
    else:
        assert texts[0] == ["Key", ""] and len(rows) == 3
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert (look(table)["val"], look(table)["firstRow"]) == ("04A0", "1")


def test_a_table_of_only_an_empty_header_row_is_left_out(converter: Converter) -> None:
    """`| | |` with no rows under it leaves nothing to show: no table without rows (Word
    calls such a file damaged), and the text around it reads on."""
    body = Docx(converter.convert("Intro.\n\n| | |\n|---|---|\n\nAfter.\n",
                                  DocumentMeta(title="T"), base_dir=FIXTURES)).body
    assert body.find(".//w:tbl", NS) is None
    assert [Docx.text(None, p) for p in body.iter(W + "p")][-2:] == ["Intro.", "After."]


@pytest.mark.parametrize("markdown", [THREE, DATE_CELL,
                                      "Intro.\n\n| a | b | c |\n|---|---|---|\n| x | y | z |\n"])
def test_the_columns_fill_the_text_width_to_the_twip(converter: Converter,
                                                     markdown: str) -> None:
    """The grid, the table's width and every cell's width agree, and add up to the text
    width exactly: the last column takes what rounding left (else Word and LibreOffice
    draw a ragged right edge, or a column a hair too wide)."""
    (table,), width = tables_of(converter, markdown)
    columns = grid(table)
    assert sum(columns) == width
    tblw = table.find("w:tblPr/w:tblW", NS)
    assert (tblw.get(W + "w"), tblw.get(W + "type")) == (str(width), "dxa")
    for row in table.findall("w:tr", NS):
        assert cell_widths(row) == [(str(c), "dxa") for c in columns]
        for tcpr in row.findall("w:tc/w:tcPr", NS):  # schema order: tcW before shading
            assert tcpr[0].tag == W + "tcW"
    assert table.find("w:tblPr/w:tblInd", NS) is None, "a table outside a list starts at the margin"


def test_cells_are_aligned_as_the_separator_row_says(converter: Converter) -> None:
    (table,), _ = tables_of(converter, "Intro.\n\n| a | b | c | d |\n|:--|:-:|--:|---|\n"
                                      "| 1 | 2 | 3 | 4 |\n")
    for row in table.findall("w:tr", NS):
        aligns = [None if (jc := tc.find("w:p/w:pPr/w:jc", NS)) is None else jc.get(W + "val")
                  for tc in row.findall("w:tc", NS)]
        assert aligns == ["left", "center", "right", None]


def test_a_paragraph_after_a_table_is_body_text_even_under_a_heading(
        converter: Converter) -> None:
    """After a heading the first paragraph has its own style; a table in between makes
    the paragraph after it an ordinary one."""
    body = Docx(converter.convert("# Plan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter.\n\n"
                                  "Again.\n", DocumentMeta(title="T"),
                                  base_dir=FIXTURES)).body
    styles = {Docx.text(None, p): p.find("w:pPr/w:pStyle", NS) for p in body.iter(W + "p")}
    style = {text: None if s is None else s.get(W + "val") for text, s in styles.items()}
    assert style["After."] == style["Again."]


def test_a_table_in_a_list_starts_at_the_items_text_and_fits_beside_it(
        converter: Converter) -> None:
    markdown = ("- First item\n\n  | Step | Owner |\n  |---|---|\n  | 1 | Anna |\n\n"
                "- Second item\n\n  - Nested\n\n    | Step | Owner |\n    |---|---|\n"
                "    | 2 | Bert |\n")
    tables, width = tables_of(converter, markdown)
    assert len(tables) == 2
    for table, level in zip(tables, (0, 1), strict=True):
        indent = list_indent(level)[0]
        ind = table.find("w:tblPr/w:tblInd", NS)
        assert (ind.get(W + "w"), ind.get(W + "type")) == (str(indent), "dxa")
        assert sum(grid(table)) == width - indent
        tblpr = [child.tag.removeprefix(W) for child in table.find("w:tblPr", NS)]
        assert tblpr.index("tblInd") == tblpr.index("tblW") + 1, "schema order: tblW, tblInd"


def test_without_a_table_style_the_table_gets_light_horizontal_rules(
        converter: Converter, tmp_path: Path) -> None:
    """A brand template with no table style named "Table": no tblStyle, and the table is
    still readable: thin grey lines above, below and between rows, none down the columns."""
    def rename(parts: dict[str, bytes]) -> None:
        parts["word/styles.xml"] = parts["word/styles.xml"].replace(
            b'<w:name w:val="Table"/>', b'<w:name w:val="Firm grid"/>', 1)

    template = variant_template(tmp_path, rename)
    assert b'w:val="Firm grid"' in zipfile.ZipFile(template).read("word/styles.xml")
    (table,), _ = tables_of(Converter(template), THREE)
    assert table.find("w:tblPr/w:tblStyle", NS) is None
    borders = table.find("w:tblPr/w:tblBorders", NS)
    assert [(b.tag.removeprefix(W), dict(b.attrib)) for b in borders] == [
        (edge, {W + "val": "single", W + "sz": "4", W + "space": "0", W + "color": "A6A6A6"})
        for edge in ("top", "bottom", "insideH")]
    (styled,), _ = tables_of(converter, THREE)
    assert styled.find("w:tblPr/w:tblBorders", NS) is None
    assert styled.find("w:tblPr/w:tblStyle", NS).get(W + "val") == "Table"


def test_a_short_row_gets_empty_cells_as_wide_as_their_columns() -> None:
    """Every row has as many cells as the grid has columns, each with its column's width,
    and an empty paragraph (Word refuses a cell without one)."""
    table = Table(etree.Element(W + "tbl"))
    for texts in (["Step", "Owner", "Remark"], ["1"], ["2", "Bert"]):
        table.open_row()
        for text in texts:
            table.open_cell(etree.fromstring(f'<w:tc xmlns:w="{NS["w"]}"><w:tcPr/></w:tc>'), "")
            table.measure(200 * len(text), 200 * len(text))
            table.close_cell()
    table.finish(9000, "Table", None, signature_block=False)
    assert table.cells == [[(800, 800), (1000, 1000), (1200, 1200)], [(200, 200)],
                           [(200, 200), (800, 800)]], "each cell measured on its own"
    columns = grid(table.element)
    assert columns == column_widths(table.cells, 3, 9000)
    for row in table.element.findall("w:tr", NS):
        assert cell_widths(row) == [(str(c), "dxa") for c in columns]
        assert all(tc.find("w:p", NS) is not None for tc in row.findall("w:tc", NS))


def test_a_picture_in_a_later_column_is_capped_to_that_column(converter: Converter) -> None:
    markdown = ("Intro.\n\n| Owner | Chart | Remark |\n|---|---|---|\n"
                f"| Anna | ![Chart](chart.png){{width=12cm}} | {PROSE} |\n")
    document = open_docx(converter, markdown)
    column = document.tables[0].columns[1].width
    shape = document.inline_shapes[0]
    assert shape.width <= column - Cm(0.38) and shape.width > column - Cm(0.5)


def rows_table(body_rows: int, signature: bool = False) -> etree._Element:
    rows = "".join(f"| R{i} | Text {i} |\n" for i in range(1, body_rows + 1))
    markdown = f"Intro.\n\n| Id | What |\n|---|---|\n{rows}"
    if signature:
        markdown = f"::: signatures\n\n{markdown}\n:::\n"
    return markdown


@pytest.mark.parametrize("body_rows", [1, 8])
def test_a_small_table_stays_on_one_page(converter: Converter, body_rows: int) -> None:
    (table,), _ = tables_of(converter, rows_table(body_rows))
    rows = table.findall("w:tr", NS)
    assert [keeps_with_next(r) for r in rows] == [True] * body_rows + [False]


def test_a_long_table_keeps_its_header_with_a_row_and_its_last_row_with_another(
        converter: Converter) -> None:
    (table,), _ = tables_of(converter, rows_table(9))
    kept = [keeps_with_next(r) for r in table.findall("w:tr", NS)]
    assert kept == [True, True] + [False] * 6 + [True, False]


def test_a_signature_table_stays_together_with_room_to_write_and_to_sign(
        converter: Converter) -> None:
    markdown = ("::: signatures\n\n| | Client | Firm |\n|---|---|---|\n"
                "| Name | Anna | Bert |\n| Place | | |\n| Date | | |\n| Signature | | |\n\n:::\n")
    (table,), _ = tables_of(converter, markdown)
    rows = table.findall("w:tr", NS)
    heights = [(h.get(W + "val"), h.get(W + "hRule")) if (h := r.find("w:trPr/w:trHeight", NS))
               is not None else None for r in rows]
    assert heights == [None, None, ("454", "atLeast"), ("454", "atLeast"), ("1191", "atLeast")]
    one_side = markdown.replace("| Place | | |", "| Place | Gent | |")
    (table,), _ = tables_of(converter, one_side)
    assert table.findall("w:tr", NS)[2].find("w:trPr/w:trHeight", NS) is None, \
        "a place filled in on one side needs no room to write"
    assert [keeps_with_next(r) for r in rows] == [True] * 4 + [False]
    (plain,), _ = tables_of(converter, markdown.replace("::: signatures\n\n", "")
                            .replace("\n\n:::\n", "\n"))
    assert all(r.find("w:trPr/w:trHeight", NS) is None for r in plain.findall("w:tr", NS))


@pytest.mark.parametrize(("before", "kept"), [("Intro.", True), ("- an item", False)])
def test_the_paragraph_introducing_a_table_stays_with_it(converter: Converter, before: str,
                                                         kept: bool) -> None:
    body = Docx(converter.convert(f"{before}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter.\n",
                                  DocumentMeta(title="T"), base_dir=FIXTURES)).body
    introduction = body.find("w:tbl", NS).getprevious()
    assert (introduction.find("w:pPr/w:keepNext", NS) is not None) == kept
    after = body.find("w:tbl", NS).getnext()
    assert after.find("w:pPr/w:spacing", NS).get(W + "before") == "160", "room after the table"


# ------------------------------------------------------------------ column widths, by the numbers

def test_columns_that_fit_on_one_line_share_the_spare_room_by_their_need() -> None:
    # needs: 400+230=630 (the floor), 3000+230=3230 (its text, not its word), 1000+230=1230
    cells = [[(400, 400), (3000, 500), (1000, 1000)]]
    assert column_widths(cells, 3, 5090) == [630, 3230, 1230]  # exactly fits
    assert column_widths(cells, 3, 10180) == [1260, 6460, 2460]  # twice the room, shared alike
    assert column_widths(cells, 3, 10181) == [1260, 6460, 2461]  # the remainder to the last


def test_prose_columns_share_by_their_longest_and_their_average_text() -> None:
    """Weight = half the longest cell + half the average: [10000, 2000] weighs 8000,
    [6000, 6000] weighs 6000, so 7000 twips go 4000 : 3000."""
    cells = [[(10000, 500), (6000, 500)], [(2000, 500), (6000, 500)]]
    assert column_widths(cells, 2, 7000) == [4000, 3000]


def test_a_prose_column_takes_what_the_short_columns_leave() -> None:
    cells = [[(1500, 1500), (20000, 900)], [(1500, 1500), (30000, 900)]]
    widths = column_widths(cells, 2, 9000)
    assert widths == [1730, 7270], "the date column is exactly as wide as its dates"


def test_a_long_word_may_break_rather_than_squeeze_the_rest() -> None:
    """A column is at least as wide as its widest word, but no word claims more than
    LONGEST_UNBROKEN_TWIPS; a column of nothing gets MIN_TEXT_TWIPS."""
    word = LONGEST_UNBROKEN_TWIPS
    cells = [[(20000, word + 3000), (20000, 100), (0, 0)]]
    widths = column_widths(cells, 3, 9000)
    assert widths[0] >= word + CELL_PADDING_TWIPS - 1
    assert widths[2] == MIN_TEXT_TWIPS + CELL_PADDING_TWIPS
    assert sum(widths) == 9000


def test_when_even_the_words_do_not_fit_every_column_shrinks_alike() -> None:
    cells = [[(5000, 2000), (5000, 2000), (5000, 2000)]]
    assert column_widths(cells, 3, 3000) == [1000, 1000, 1000]
    assert column_widths(cells, 3, 3001) == [1000, 1000, 1001]


def test_when_the_words_do_not_fit_each_column_keeps_its_share_of_them() -> None:
    """Floors (2830 and 730 twips) scaled to 2000 twips: 1590 and 410, although the second
    column's text would claim four fifths of the room."""
    cells = [[(5000, 2600), (20000, 500)]]
    assert column_widths(cells, 2, 2000) == [1589, 411]


@pytest.mark.parametrize(("text", "one_line"), [("9 juli 2027.", True),
                                                 ("9 juli 2027 .", False)])
def test_a_cell_of_up_to_twelve_characters_is_kept_on_one_line(text: str, one_line: bool) -> None:
    """`_measure_cell`: a short cell's whole text is its unbreakable piece."""
    measured: list[tuple[int, int]] = []

    class Measure:
        def width(self, text: str, bold: bool) -> int:
            return 100 * len(text)

        def longest_unbreakable(self, text: str, bold: bool) -> int:
            return 100 * max(len(word) for word in text.split())

    class Cell:
        measure = Measure()
        table = type("T", (), {"in_header": False, "measure":
                               lambda self, w, u: measured.append((w, u))})()

    TableRules._measure_cell(Cell(), text)  # type: ignore[arg-type]
    width, unbroken = measured[0]
    assert (unbroken == width) == one_line


def test_a_column_with_no_room_past_its_margins_leaves_a_picture_as_it_is() -> None:
    """Capping to a column of only cell margins would shrink a picture to nothing."""
    drawing = etree.fromstring(
        f'<w:drawing xmlns:w="{NS["w"]}" xmlns:wp="{NS["wp"]}" xmlns:a="{oxml.A_NS}">'
        '<wp:inline><wp:extent cx="635000" cy="317500"/><a:graphic><a:graphicData>'
        '<a:ext cx="635000" cy="317500"/></a:graphicData></a:graphic></wp:inline></w:drawing>')
    for width, capped in ((CELL_MARGINS_TWIPS, "635000"), (CELL_MARGINS_TWIPS + 1, "635")):
        table = Table(etree.Element(W + "tbl"))
        table.open_row()
        table.open_cell(etree.fromstring(f'<w:tc xmlns:w="{NS["w"]}"><w:tcPr/></w:tc>'), "")
        table.place_picture(copy.deepcopy(drawing))
        table.close_cell()
        table.finish(width, "Table", None, signature_block=False)
        placed = table._pictures[0][1]
        assert placed.find(f".//{{{NS['wp']}}}extent").get("cx") == capped
