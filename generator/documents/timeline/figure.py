"""What a timeline is made of: markers, placed labels, glyphs, the legend, sizes and fonts."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import ImageFont

from generator.bundled import template_root

KINDS = ("milestone", "evaluation", "final", "handover")
"""Marker kinds, in the order they are drawn and listed in the legend."""


ABOVE_KINDS = frozenset({"milestone", "handover"})
"""Kinds labelled above the bar; the others are labelled below it."""


MAX_LABELLED = 40
"""More markers than this cannot be labelled legibly at print size: show counts instead."""


MAX_ROWS = 5


FEW_OF_A_KIND = 12
"""When summarising, a kind with at most this many markers keeps them individually."""


DPI = 200
"""At 200 dpi the default 1600 px picture prints crisply at about 16-20 cm."""


_SUPERSAMPLE = 2  # Painted at twice the size and scaled down: Pillow draws shapes without AA.


_BASE_WIDTH = 1600  # All sizes below are in pixels of a picture this wide.


NAVY = (0x1F, 0x38, 0x64)


BLUE = (0x2E, 0x75, 0xB6)


ORANGE = (0xC5, 0x5A, 0x11)


TEXT_GREY = (0x59, 0x59, 0x59)


GRID_GREY = (0xD9, 0xD9, 0xD9)


HEADER_FILL = (0xF2, 0xF2, 0xF2)


WHITE = (0xFF, 0xFF, 0xFF)


@dataclass(frozen=True)
class Marker:
    """One dated moment of the assignment."""

    day: datetime.date
    label: str  # short, e.g. "M1" or "Evaluatie"
    kind: str  # "milestone" | "evaluation" | "final" | "handover"


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in output pixels


@dataclass(frozen=True)
class PlacedLabel:
    """A label with its final box, so callers and tests can check for overlap."""

    kind: str
    text: str
    detail: str  # second, smaller line (the date); empty for counts
    anchor_x: float  # x of the marker the label belongs to
    side: str  # "above" | "below"
    row: int  # 0 is the row nearest the bar
    box: Box


@dataclass(frozen=True)
class Glyph:
    """A marker symbol on the bar (one per marker, or one per bucket when summarised)."""

    kind: str
    x: float


@dataclass(frozen=True)
class LegendItem:
    """One legend entry; ``kind`` "period" is the bar, "note" has no symbol."""

    kind: str
    text: str
    x: float  # left edge of the symbol
    y: float  # vertical centre


@dataclass(frozen=True)
class TimelineLayout:
    """Everything :func:`draw_timeline` paints, in output pixels."""

    width: int
    height: int
    scale: float
    summarised: bool  # counts per period instead of individual labels
    months_per_count: int  # months per counted bucket when summarised, else 0
    plot_left: float
    plot_right: float
    bar_y: float
    header: Box
    grid_bottom: float
    gridlines: tuple[float, ...]
    month_labels: tuple[tuple[float, str], ...]  # (centre x, text)
    start_text: str
    end_text: str
    labels: tuple[PlacedLabel, ...]
    glyphs: tuple[Glyph, ...]
    legend: tuple[LegendItem, ...]


@dataclass(frozen=True)
class _Sizes:
    """Pixel sizes for one picture width; fonts are sized in whole pixels."""

    scale: float

    def px(self, base: float) -> float:
        return base * self.scale

    def font(self, base: int) -> int:
        return max(8, round(base * self.scale))

    @property
    def label_font(self) -> int:
        return self.font(30)

    @property
    def detail_font(self) -> int:
        return self.font(24)

    @property
    def month_font(self) -> int:
        return self.font(24)

    @property
    def date_font(self) -> int:
        return self.font(28)

    @property
    def legend_font(self) -> int:
        return self.font(26)


FONT_FILE = template_root() / "fonts" / "Carlito-Regular.ttf"
"""The font shipped with the generator (SIL OFL 1.1, templates/fonts/), so the picture never
depends on system fonts: Carlito, the body font's metric twin, has every Latin letter a
French or Dutch label needs ("févr.", "Évaluation", "België"); Pillow's own font has ASCII only."""


@functools.lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), size)


def _text_width(text: str, size: int) -> float:
    """Width in output pixels, measured at the painted (supersampled) size for exactness."""
    return _font(size * _SUPERSAMPLE).getlength(text) / _SUPERSAMPLE


def _line_height(size: int) -> float:
    ascent, descent = _font(size * _SUPERSAMPLE).getmetrics()
    return (ascent + descent) / _SUPERSAMPLE


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> datetime.date:
    """First day of a month index; clamped so ranges ending in year 9999 do not overflow."""
    year, month0 = divmod(index, 12)
    if year > datetime.MAXYEAR:
        return datetime.date.max
    return datetime.date(max(year, datetime.MINYEAR), month0 + 1, 1)


def format_day(day: datetime.date, month_names: Sequence[str], *, year: bool = True) -> str:
    """Dates like "11 jan 2027", in the document language through the caller's month names."""
    text = f"{day.day} {month_names[day.month - 1]}"
    return f"{text} {day.year}" if year else text
