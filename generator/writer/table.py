"""Tables: one `Table` object per Markdown table while it is rendered, and its rules.

A table's columns can only be sized when all its cells are known, so the `Table` keeps
what the cells measured (text width, widest unbreakable piece) and the pictures placed
in them, and writes the grid, the cell widths and the pictures' caps when it closes.
The rules (`TableRules`, mixed into the renderer) are the token types' entries of the
renderer's one rule table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from markdown_it.token import Token

from generator.writer import oxml
from generator.writer.numbering import list_indent
from generator.writer.oxml import W_P, W_PPR, W_T, sub, w

if TYPE_CHECKING:
    from generator.writer.render import Renderer

SPACE_AFTER_BLOCK = 160
"""Twips between a table or list and the paragraph that follows it."""
CELL_PADDING_TWIPS = 230
CELL_MARGINS_TWIPS = 216
"""Word's default left and right cell margins (108 twips each): room a picture leaves."""
LONGEST_UNBROKEN_TWIPS = 2600
"""A word wider than this (about 20 characters at body size) may break rather than
squeeze the other columns."""
MIN_TEXT_TWIPS = 400
SHORT_CELL = 12
SMALL_TABLE_ROWS = 8
"""Tables of up to this many body rows are kept on one page."""
SIGNATURE_ROW = 1191
"""At least 2 cm (1134 twips) of room to sign, plus the cell's margins."""
WRITING_ROW = 454
"""0.8 cm: room to write a place or a date by hand."""
_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


class Table:
    """The state of one table being rendered: its element, the row and cell being
    filled, and every cell's measured width, so the columns are sized at the end."""

    def __init__(self, element: etree._Element):
        self.element = element
        self.row: etree._Element | None = None
        self.cell: etree._Element | None = None
        self.in_header = False
        self.headless = False
        self.align: str | None = None
        self.column = 0
        """The 1-based column of the cell being filled."""
        self.cells: list[list[tuple[int, int]]] = []
        self.widths: list[int] = []
        """The columns' widths (twips), known once the table is finished."""
        self._length = 0
        self._word = 0
        self._pictures: list[tuple[int, etree._Element]] = []

    def open_row(self) -> etree._Element:
        self.row = sub(self.element, "tr")
        trpr = sub(self.row, "trPr")
        sub(trpr, "cantSplit")
        if self.in_header:
            sub(trpr, "tblHeader")
        self.cells.append([])
        self.column = 0
        return self.row

    def open_cell(self, tc: etree._Element, style: str) -> None:
        assert self.row is not None
        self.cell = tc
        self.row.append(tc)
        self.align = _ALIGN.get(style)
        self.column += 1

    def measure(self, width: int, unbroken: int) -> None:
        """Add a cell paragraph's width (twips) and its widest unbreakable piece."""
        self._length += width
        self._word = max(self._word, unbroken)

    def place_picture(self, drawing: etree._Element) -> None:
        """A picture in the cell being filled: capped to its column once that is sized."""
        self._pictures.append((self.column, drawing))

    def close_cell(self) -> None:
        assert self.cell is not None
        if self.cell.find(W_P) is None:
            sub(self.cell, "p")
        self.cells[-1].append((self._length, self._word))
        self._length = 0
        self._word = 0
        self.cell = None

    def drop_empty_header(self) -> None:
        """A header row of empty cells (`| | |`) is no header: a key/value table has none."""
        header = self.element[-1]
        if not "".join(header.itertext()).strip():
            self.element.remove(header)
            self.cells.pop()
            self.headless = True

    def finish(self, width: int, style: str | None, indent: int | None,
               signature_block: bool) -> None:
        """Size the columns to `width` twips; write the table's properties and grid, keep
        its rows together, give every cell its width."""
        columns = max((len(r) for r in self.cells), default=1)
        self.widths = column_widths(self.cells, columns, width)
        tbl = self.element
        grid = etree.Element(w("tblGrid"))
        for width_twips in self.widths:
            sub(grid, "gridCol", {"w": str(width_twips)})
        tbl.insert(0, grid)
        tbl.insert(0, self._properties(style, indent))
        self._hold_together(signature_block)  # before filler cells: they are not kept
        self._cell_widths(columns)
        self._cap_pictures()

    def _cap_pictures(self) -> None:
        """A picture wider than its column (less the cell's margins) shrinks to fit it,
        keeping its proportions; Word would otherwise let it spill over the next cell."""
        for column, drawing in self._pictures:
            limit = (self.widths[column - 1] - CELL_MARGINS_TWIPS) * oxml.EMU_PER_TWIP
            extent = drawing.find(f".//{{{oxml.WP_NS}}}extent")
            cx, cy = int(extent.get("cx")), int(extent.get("cy"))
            if cx > limit > 0:
                cy = int(cy * limit / cx)
                for node in (extent, drawing.find(f".//{{{oxml.A_NS}}}ext")):
                    node.set("cx", str(limit))
                    node.set("cy", str(cy))

    def _properties(self, style: str | None, indent: int | None) -> etree._Element:
        tblpr = etree.Element(w("tblPr"))
        if style:
            sub(tblpr, "tblStyle", {"val": style})
        sub(tblpr, "tblW", {"w": str(sum(self.widths)), "type": "dxa"})
        if indent is not None:
            sub(tblpr, "tblInd", {"w": str(indent), "type": "dxa"})
        if not style:
            borders = sub(tblpr, "tblBorders")
            for edge in ("top", "bottom", "insideH"):
                sub(borders, edge, {"val": "single", "sz": "4", "space": "0", "color": "A6A6A6"})
        sub(tblpr, "tblLayout", {"type": "fixed"})
        sub(tblpr, "tblLook", {
            "val": "0400" if self.headless else "04A0",  # LibreOffice reads the bits
            "firstRow": "0" if self.headless else "1",
            "lastRow": "0", "firstColumn": "0", "lastColumn": "0",
            "noHBand": "0", "noVBand": "1",
        })
        return tblpr

    def _cell_widths(self, columns: int) -> None:
        """Every cell its column's width; a short row filled up with empty cells."""
        tcws = [oxml.el("tcW", {"w": str(width), "type": "dxa"}) for width in self.widths]
        for tr in self.element.iter(w("tr")):
            cells = tr.findall(w("tc"))
            for index, tc in enumerate(cells):
                tc[0].insert(0, tcws[index].__copy__())
            for missing in range(len(cells), columns):
                tc = sub(tr, "tc")
                sub(sub(tc, "tcPr"), "tcW", {"w": str(self.widths[missing]), "type": "dxa"})
                sub(tc, "p")

    def _hold_together(self, signature_block: bool) -> None:
        """Rows kept with the next one: a small table (or a signature block) stays on one
        page; a long one keeps its header with its first row and never leaves its last row
        alone on a page. Rows themselves never split (cantSplit)."""
        rows = self.element.findall(w("tr"))
        headers = sum(1 for row in rows if row.find(f"{w('trPr')}/{w('tblHeader')}") is not None)
        if signature_block or len(rows) - headers <= SMALL_TABLE_ROWS:
            keep = rows[:-1]
        else:
            keep = rows[: headers + 1] + rows[-2:-1]
        for row in keep:
            for p in row.iter(W_P):
                oxml.keep_next(p)
        if signature_block:
            for row in rows[headers:]:
                if not any(tc.findtext(f".//{W_T}") for tc in row.findall(w("tc"))[1:]):
                    height = SIGNATURE_ROW if row is rows[-1] else WRITING_ROW
                    oxml.insert_in_order(row.find(w("trPr")), oxml.el(
                        "trHeight", {"val": str(height), "hRule": "atLeast"}), ("cantSplit",))


class TableRules:
    """The renderer's rules for table tokens (a mixin of `Renderer`)."""

    def table_open(self: Renderer, token: Token) -> None:
        self._keep_introduction()
        self.table = Table(etree.Element(w("tbl")))
        self._append_block(self.table.element)

    def table_close(self: Renderer, token: Token) -> None:
        table = self.table
        assert table is not None
        width = self.text_width
        indent = list_indent(self.lists[-1].level)[0] if self.lists else None
        if indent is not None:
            width -= indent
        table.finish(width, self.t.exact_style_id("Table", "table"), indent,
                     self.signature_block)
        self.table = None
        self.after_heading = False
        self.after_block = True

    def _keep_introduction(self: Renderer) -> None:
        """The paragraph that introduces a table or list stays on its page (keepNext)."""
        container = self.container
        if not len(container):
            return
        last = container[-1]
        listed = last.find(f"{W_PPR}/{w('numPr')}") is not None
        if last.tag == W_P and not listed and last.find(f".//{W_T}") is not None:
            oxml.keep_next(last)

    def thead_open(self: Renderer, token: Token) -> None:
        assert self.table is not None
        self.table.in_header = True

    def thead_close(self: Renderer, token: Token) -> None:
        assert self.table is not None
        self.table.in_header = False
        self.table.drop_empty_header()

    def tr_open(self: Renderer, token: Token) -> None:
        assert self.table is not None
        self.table.open_row()

    def tr_close(self: Renderer, token: Token) -> None:
        assert self.table is not None
        self.table.row = None

    def cell_open(self: Renderer, token: Token) -> None:
        assert self.table is not None
        tc = self._tc_tpl[self.table.in_header].__copy__()
        self.table.open_cell(tc, str(token.attrs.get("style", "")))
        self.pending = "cell"

    def cell_close(self: Renderer, token: Token) -> None:
        assert self.table is not None
        self.table.close_cell()
        self.pending = None

    def _measure_cell(self: Renderer, text: str) -> None:
        """Measure a cell paragraph in the brand font (bold in the header row)."""
        assert self.table is not None
        bold = self.table.in_header
        width = self.measure.width(text, bold)
        # A short cell ("9 Jul 2027", "Approved by") reads best on one line.
        unbroken = width if len(text) <= SHORT_CELL else self.measure.longest_unbreakable(
            text, bold)
        self.table.measure(width, unbroken)


def column_widths(cells: list[list[tuple[int, int]]], columns: int, total: int) -> list[int]:
    """Widths (twips) summing to ``total``, from the content measured in the brand font.

    Each cell is (text width, widest unbreakable piece), in twips. A column is never
    narrower than its widest word (up to LONGEST_UNBROKEN_TWIPS) and never wider than
    its longest text needs, so a date column is exactly as wide as its dates and the
    prose column takes the rest; prose columns share by the length of their text.
    """
    natural, weights, floors = [], [], []
    for col in range(columns):
        entries = [row[col] for row in cells if col < len(row)] or [(0, 0)]
        lengths = [length for length, _ in entries]
        word = min(max(unbroken for _, unbroken in entries), LONGEST_UNBROKEN_TWIPS)
        floors.append(max(word, MIN_TEXT_TWIPS) + CELL_PADDING_TWIPS)
        natural.append(max(max(lengths) + CELL_PADDING_TWIPS, floors[-1]))
        weights.append(max(MIN_TEXT_TWIPS, 0.5 * max(lengths) + 0.5 * sum(lengths) / len(lengths)))
    if sum(natural) <= total:  # everything fits on one line: share the spare room
        widths = [int(n * total / sum(natural)) for n in natural]
        widths[-1] += total - sum(widths)
        return widths
    if sum(floors) > total:
        floors = [f * total / sum(floors) for f in floors]
    fixed: dict[int, float] = {}
    shares: dict[int, float] = {}
    while len(fixed) < columns:
        free = [i for i in range(columns) if i not in fixed]
        rest = total - sum(fixed.values())
        weight = sum(weights[i] for i in free)
        shares = {i: rest * weights[i] / weight for i in free}
        bound = {i: floors[i] for i in free if shares[i] < floors[i]}
        bound.update({i: natural[i] for i in free if shares[i] > natural[i]})
        if not bound:
            break
        fixed.update(bound)
    widths = [int(fixed.get(i, shares.get(i, 0.0))) for i in range(columns)]
    widths[-1] += total - sum(widths)
    return widths
