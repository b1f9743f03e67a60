"""Text widths in the brand font, for sizing table columns by their content.

The widths come from a table stored in the repository (font_metrics.py, measured from
the font file by make_metrics.py), never from the fonts of the machine that
builds: the same sources must give the same .docx everywhere. A brand font without a
table is measured with the Calibri table, which is close for any sans-serif body font.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from generator.writer.font_metrics import CHARS, WIDTHS
from generator.writer.oxml import w

_FALLBACK_FONT = "Calibri"
_UNKNOWN = 550  # 1/1000 em: a character the table lacks counts as a wide one
_BREAKS = re.compile(r"[ \t\n]+")  # where a line may break; a no-break space is not one


class _Widths(dict[str, int]):
    """Character widths in 1/1000 em; a character the table lacks counts as a wide one."""

    def __missing__(self, char: str) -> int:
        return _UNKNOWN


class TextMeasure:
    """Widths of text at one font and size, in twips."""

    def __init__(self, font: str, half_points: int):
        family = font if (font, False) in WIDTHS else _FALLBACK_FONT
        self._tables = {bold: _Widths(zip(CHARS, WIDTHS[(family, bold)], strict=True))
                        for bold in (False, True)}
        self._twips_per_unit = half_points * 10 / 1000  # 1/1000 em -> twips

    def width(self, text: str, bold: bool = False) -> int:
        """Twips the text takes on one line."""
        # map over the dict's own lookup: twice as fast as a generator of .get calls, and
        # every table cell's every word is measured.
        units = sum(map(self._tables[bold].__getitem__, text))
        return round(units * self._twips_per_unit)

    def longest_unbreakable(self, text: str, bold: bool = False) -> int:
        """Twips of the widest piece of text a line cannot break inside."""
        return max((self.width(piece, bold) for piece in _BREAKS.split(text)), default=0)


def body_font(styles: etree._Element) -> tuple[str, int]:
    """(font name, size in half-points) of the document's default run properties."""
    rpr = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    fonts = rpr.find(w("rFonts")) if rpr is not None else None
    size = rpr.find(w("sz")) if rpr is not None else None
    name = fonts.get(w("ascii")) if fonts is not None else None
    value = size.get(w("val")) if size is not None else None
    return name or _FALLBACK_FONT, int(value) if value and value.isdigit() else 22


@lru_cache(maxsize=8)
def measure_for(font: str, half_points: int) -> TextMeasure:
    """One measure per font and size for the whole run."""
    return TextMeasure(font, half_points)
