"""The action plan's timeline picture: the assignment period with its milestones and evaluations.

The picture goes into a Word document that may be printed in black and white, so every kind of
marker differs by shape or line style, not only by colour. Layout (what goes where) is a pure
function, :func:`layout_timeline`, so tests can check placement without decoding pixels;
:func:`draw_timeline` only paints that layout and encodes it as a deterministic PNG.
"""

from __future__ import annotations

import datetime
import functools
import io
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

KINDS = ("milestone", "evaluation", "final", "handover")
"""Marker kinds, in the order they are drawn and listed in the legend."""

ABOVE_KINDS = frozenset({"milestone", "handover"})
"""Kinds labelled above the bar; the others are labelled below it."""

MAX_LABELLED = 40
"""More markers than this cannot be labelled legibly at print size: show counts instead."""

MAX_ROWS = 5

FEW_OF_A_KIND = 12
"""When summarising, a kind with at most this many markers keeps them individually."""
"""More label rows than this per side make the picture too tall: show counts instead."""

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


@functools.lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled FreeType font, so the picture never depends on system fonts."""
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # pragma: no cover - Pillow without FreeType
        raise RuntimeError("Pillow was built without FreeType; the timeline needs it")
    return font


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


def _validate(
    start: datetime.date,
    end: datetime.date,
    markers: Sequence[Marker],
    month_names: Sequence[str],
    width_px: int,
) -> None:
    if start > end:
        raise ValueError(f"timeline start {start} is after its end {end}")
    if len(month_names) != 12:
        raise ValueError(f"month_names needs 12 names, got {len(month_names)}")
    if width_px < 400:
        raise ValueError(f"width_px {width_px} is too narrow for a legible timeline (min 400)")
    for marker in markers:
        if marker.kind not in KINDS:
            raise ValueError(f"unknown marker kind {marker.kind!r}; expected one of {KINDS}")


@dataclass(frozen=True)
class _Item:
    """A label still to be placed in a row."""

    kind: str
    text: str
    detail: str
    x: float  # the marker; the leader line points here
    centre: float  # the label box, kept inside the picture
    width: float


@dataclass(frozen=True)
class _Spacing:
    """Clearances for label placement, in output pixels."""

    gap: float  # between two labels in a row
    leader_gap: float  # between a leader line and a label it passes
    lo: float  # leftmost x a label may reach
    hi: float  # rightmost x a label may reach


def _assign_rows(items: Sequence[_Item], sp: _Spacing) -> list[tuple[int, float]]:
    """Greedy (row, box centre) per label so that labels and leader lines do not collide.

    Items come sorted by x. A label in row r needs its box free in row r, and its leader crosses
    rows 0..r-1, so it must miss the labels there; later labels must avoid earlier leaders. Each
    row tries the box centred on its marker or hanging left or right of it like a flag; a label
    with a close right neighbour hangs left first, so close markers climb in a staircase. Leaders
    of markers on the same x may share a line. When no row below the search limit is clear, a
    label takes the first row where its box fits and its leader hides behind nearer labels.
    """
    rows: list[list[tuple[float, float, float]]] = []  # (left, right, marker x) per row
    leaders: list[list[float]] = []  # leader xs crossing each row
    result: list[tuple[int, float]] = []
    limit = MAX_ROWS + 2
    edge = sp.leader_gap  # a flag's leader this far inside its box

    def boxes_free(row: int, left: float, right: float) -> bool:
        return row >= len(rows) or all(
            right + sp.gap <= a or left - sp.gap >= b for a, b, _ in rows[row]
        )

    def box_free(row: int, left: float, right: float) -> bool:
        return boxes_free(row, left, right) and (
            row >= len(rows)
            or all(not (left - sp.leader_gap < lx < right + sp.leader_gap) for lx in leaders[row])
        )

    def leader_free(row: int, x: float) -> bool:
        return all(
            abs(own - x) < 0.5 or not (a - sp.leader_gap < x < b + sp.leader_gap)
            for lower in rows[:row]
            for a, b, own in lower
        )

    for n, item in enumerate(items):
        half, x = item.width / 2, item.x
        centred, hang_left, hang_right = x, x + edge - half, x - edge + half
        crowded = n + 1 < len(items) and items[n + 1].x - x < half + sp.gap
        preferred = (
            (hang_left, centred, hang_right) if crowded else (centred, hang_right, hang_left)
        )
        centres = [_clamp_centre(c, item.width, sp.lo, sp.hi) for c in preferred]
        choice = next(
            (
                (row, c)
                for row in range(min(len(rows) + 1, limit))
                if leader_free(row, x)
                for c in centres
                if box_free(row, c - half, c + half)
            ),
            None,
        )
        if choice is None:  # too crowded for clear leaders: any row where the box fits
            choice = next(
                (row, c)
                for row in range(len(rows) + 1)
                for c in centres
                if boxes_free(row, c - half, c + half)
            )
        row, centre = choice
        while row >= len(rows):
            rows.append([])
            leaders.append([])
        rows[row].append((centre - half, centre + half, x))
        for lower in leaders[:row]:
            lower.append(x)
        result.append(choice)
    return result


def _clamp_centre(x: float, width: float, lo: float, hi: float) -> float:
    """Keep a label inside the picture while its leader still points at the marker."""
    return min(max(x, lo + width / 2), hi - width / 2)


def _individual_items(
    markers: Sequence[Marker],
    x_of: _XScale,
    month_names: Sequence[str],
    with_year: bool,
    sizes: _Sizes,
    pad: float,
    sp: _Spacing,
) -> list[_Item]:
    order = {kind: i for i, kind in enumerate(KINDS)}
    items = []
    for m in sorted(markers, key=lambda m: (m.day, order[m.kind], m.label)):
        detail = format_day(m.day, month_names, year=with_year)
        width = max(_text_width(m.label, sizes.label_font), _text_width(detail, sizes.detail_font))
        width += 2 * pad
        x = x_of(m.day)
        centre = _clamp_centre(x, width, sp.lo, sp.hi)
        items.append(_Item(m.kind, m.label, detail, x, centre, width))
    return items


@dataclass(frozen=True)
class _XScale:
    """Maps days to x; days outside the period are clamped to its edges."""

    start: datetime.date
    end: datetime.date
    left: float
    right: float

    def __call__(self, day: datetime.date) -> float:
        day = min(max(day, self.start), self.end)
        span = (self.end - self.start).days
        if span == 0:
            return (self.left + self.right) / 2
        return self.left + (day - self.start).days / span * (self.right - self.left)


_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000, 60000, 120000)


def _month_step(months: float, plot_width: float, min_px: float) -> int:
    """Smallest calendar-friendly number of months per slot so slots are at least min_px wide."""
    for step in _STEPS:
        if months == 0 or plot_width / (months / step) >= min_px:
            return step
    return _STEPS[-1]


def _summary_items(
    markers: Sequence[Marker],
    x_of: _XScale,
    sizes: _Sizes,
    pad: float,
    sp: _Spacing,
) -> tuple[list[_Item], list[Glyph], int]:
    """Per-month (or coarser) counts per kind: one symbol and one number per bucket.

    Kinds present in a bucket sit side by side in fixed slots, so symbols never hide each other
    and counts fit on one row; buckets grow (2, 3, 6... months) until the slots fit.
    """
    order = {kind: i for i, kind in enumerate(KINDS)}
    present = sorted({order[m.kind] for m in markers})
    slot = _text_width(str(len(markers)), sizes.label_font) + 2 * pad + sp.gap
    months = _month_index(x_of.end) - _month_index(x_of.start) + 1
    min_px = max(sizes.px(110), len(present) * slot + sp.gap)
    step = _month_step(months, x_of.right - x_of.left, min_px)
    counts: dict[tuple[int, int], int] = {}  # (bucket, kind order) -> count; bounded by buckets
    for m in markers:
        day = min(max(m.day, x_of.start), x_of.end)
        key = (_month_index(day) // step, order[m.kind])
        counts[key] = counts.get(key, 0) + 1
    in_bucket: dict[int, list[int]] = {}
    for bucket, kind_order in sorted(counts):
        in_bucket.setdefault(bucket, []).append(kind_order)
    items: list[_Item] = []
    glyphs: list[Glyph] = []
    for (bucket, kind_order), count in sorted(counts.items()):
        kind = KINDS[kind_order]
        first = max(_month_start(bucket * step), x_of.start)
        after = min(_month_start((bucket + 1) * step), x_of.end)
        kinds_here = in_bucket[bucket]
        position = kinds_here.index(kind_order) - (len(kinds_here) - 1) / 2
        x = (x_of(first) + x_of(after)) / 2 + position * slot
        x = min(max(x, x_of.left), x_of.right)
        text = str(count)
        width = _text_width(text, sizes.label_font) + 2 * pad
        items.append(_Item(kind, text, "", x, _clamp_centre(x, width, sp.lo, sp.hi), width))
        glyphs.append(Glyph(kind, x))
    return items, glyphs, step


def _month_axis(
    x_of: _XScale,
    month_names: Sequence[str],
    sizes: _Sizes,
) -> tuple[tuple[float, ...], tuple[tuple[float, str], ...]]:
    """Month gridlines and names; coarser steps when months are too narrow to name."""
    first = _month_index(x_of.start)
    last = _month_index(x_of.end)
    months = last - first + 1
    widest = max(_text_width(f"{n} 0000", sizes.month_font) for n in month_names)
    plot_width = x_of.right - x_of.left
    step = _month_step(months, plot_width, widest + sizes.px(16))
    grid_step = step if plot_width / max(months, 1) < sizes.px(24) else 1
    gridlines = tuple(
        x_of(_month_start(i))
        for i in range(first - first % grid_step + grid_step, last + 1, grid_step)
    )
    labels: list[tuple[float, str]] = []
    begin = first - first % step
    for i in range(begin, last + 1, step):
        seg_start = max(_month_start(i), x_of.start)
        seg_end = min(_month_start(i + step), x_of.end)
        year = _month_start(i).year
        if step >= 12:
            text = str(year) if step == 12 else f"{year}-{_month_start(i + step - 1).year}"
        elif i % 12 == 0 or i == begin:
            text = f"{month_names[i % 12]} {year}"
        else:
            text = month_names[i % 12]
        x0, x1 = x_of(seg_start), x_of(seg_end)
        if x1 - x0 >= _text_width(text, sizes.month_font) + sizes.px(8):
            labels.append(((x0 + x1) / 2, text))
        elif x1 - x0 >= _text_width(month_names[i % 12], sizes.month_font) + sizes.px(8) and (
            step < 12
        ):
            labels.append(((x0 + x1) / 2, month_names[i % 12]))
    return gridlines, tuple(labels)


def _legend_items(
    kinds: Sequence[str],
    legend: Mapping[str, str],
    sizes: _Sizes,
    top: float,
    width: int,
    note: str,
) -> tuple[tuple[LegendItem, ...], float]:
    """Legend entries wrapped into centred rows; returns the entries and the bottom y."""
    symbol_w, gap, spacing = sizes.px(44), sizes.px(12), sizes.px(44)
    row_h = _line_height(sizes.legend_font) + sizes.px(10)
    entries = [(k, legend.get(k, k), symbol_w + gap) for k in ("period", *kinds)]
    if note:
        entries.append(("note", note, 0.0))
    widths = [lead + _text_width(text, sizes.legend_font) for _, text, lead in entries]
    usable = width - 2 * sizes.px(40)
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, w in enumerate(widths):
        if rows[-1] and used + spacing + w > usable:
            rows.append([])
            used = 0.0
        used += (spacing if rows[-1] else 0) + w
        rows[-1].append(i)
    items = []
    for r, row in enumerate(rows):
        total = sum(widths[i] for i in row) + spacing * (len(row) - 1)
        x = (width - total) / 2
        y = top + r * row_h + row_h / 2
        for i in row:
            kind, text, _ = entries[i]
            items.append(LegendItem(kind, text, x, y))
            x += widths[i] + spacing
    return tuple(items), top + len(rows) * row_h


def layout_timeline(
    start: datetime.date,
    end: datetime.date,
    markers: Sequence[Marker],
    *,
    month_names: Sequence[str],
    legend: Mapping[str, str],
    width_px: int = 1600,
) -> TimelineLayout:
    """Decide where everything goes, without painting: the testable half of the timeline."""
    _validate(start, end, markers, month_names, width_px)
    sizes = _Sizes(width_px / _BASE_WIDTH)
    margin = sizes.px(24)
    start_text = format_day(start, month_names)
    end_text = format_day(end, month_names)
    date_gap = sizes.px(32)
    plot_left = margin + _text_width(start_text, sizes.date_font) + date_gap
    plot_right = width_px - margin - _text_width(end_text, sizes.date_font) - date_gap
    x_of = _XScale(start, end, plot_left, plot_right)
    pad = sizes.px(8)
    spacing = _Spacing(gap=sizes.px(12), leader_gap=sizes.px(3), lo=margin, hi=width_px - margin)

    summarised = len(markers) > MAX_LABELLED
    months_per_count = 0
    if not summarised:
        with_year = start.year != end.year
        items = _individual_items(markers, x_of, month_names, with_year, sizes, pad, spacing)
        glyphs = [Glyph(i.kind, i.x) for i in items]
        placed = _rows_per_side(items, spacing)
        summarised = max((row for row, _ in placed), default=0) >= MAX_ROWS
    if summarised:
        # Only the crowded kinds are counted; a few evaluations or the handover keep
        # their own symbol at their true date.
        per_kind = Counter(m.kind for m in markers)
        counted = [m for m in markers if per_kind[m.kind] > FEW_OF_A_KIND]
        kept = [m for m in markers if per_kind[m.kind] <= FEW_OF_A_KIND] if counted else []
        items, glyphs, months_per_count = _summary_items(counted or markers, x_of, sizes, pad,
                                                         spacing)
        with_year = start.year != end.year
        own = _individual_items(kept, x_of, month_names, with_year, sizes, pad, spacing)
        items += own
        glyphs += [Glyph(i.kind, i.x) for i in own]
        placed = _rows_per_side(items, spacing)

    box_h = _line_height(sizes.label_font) + 2 * pad
    if any(i.detail for i in items):
        box_h += _line_height(sizes.detail_font)
    row_h = box_h + sizes.px(8)
    n_above = 1 + max(
        (row for i, (row, _) in zip(items, placed, strict=True) if i.kind in ABOVE_KINDS),
        default=-1,
    )
    n_below = 1 + max(
        (row for i, (row, _) in zip(items, placed, strict=True) if i.kind not in ABOVE_KINDS),
        default=-1,
    )

    header_top = sizes.px(16)
    header_bottom = header_top + _line_height(sizes.month_font) + sizes.px(14)
    glyph_half = sizes.px(18)
    leader_min = sizes.px(16)
    above_bottom = header_bottom + sizes.px(14) + n_above * row_h
    bar_y = above_bottom + leader_min + glyph_half
    below_top = bar_y + glyph_half + leader_min
    grid_bottom = below_top + n_below * row_h + sizes.px(4)

    labels = []
    for item, (row, centre) in zip(items, placed, strict=True):
        if item.kind in ABOVE_KINDS:
            y1 = above_bottom - row * row_h
            y0 = y1 - box_h
            side = "above"
        else:
            y0 = below_top + row * row_h
            y1 = y0 + box_h
            side = "below"
        x0 = centre - item.width / 2
        box = (x0, y0, x0 + item.width, y1)
        labels.append(PlacedLabel(item.kind, item.text, item.detail, item.x, side, row, box))

    present = [k for k in KINDS if any(g.kind == k for g in glyphs)]
    # legend["summary"] (optional) explains the numbers, e.g. "Aantal per maand"; only shown
    # when counts really are per month.
    note = legend.get("summary", "") if months_per_count == 1 else ""
    legend_items, legend_bottom = _legend_items(
        present, legend, sizes, grid_bottom + sizes.px(22), width_px, note
    )
    gridlines, month_labels = _month_axis(x_of, month_names, sizes)
    return TimelineLayout(
        width=width_px,
        height=math.ceil(legend_bottom + sizes.px(16)),
        scale=sizes.scale,
        summarised=summarised,
        months_per_count=months_per_count,
        plot_left=plot_left,
        plot_right=plot_right,
        bar_y=bar_y,
        header=(plot_left, header_top, plot_right, header_bottom),
        grid_bottom=grid_bottom,
        gridlines=gridlines,
        month_labels=month_labels,
        start_text=start_text,
        end_text=end_text,
        labels=tuple(labels),
        glyphs=tuple(glyphs),
        legend=legend_items,
    )


def _rows_per_side(items: Sequence[_Item], sp: _Spacing) -> list[tuple[int, float]]:
    """(row, box centre) for labels above and below the bar, placed independently per side."""
    placed = [(0, 0.0)] * len(items)
    for above in (True, False):
        idx = [i for i, item in enumerate(items) if (item.kind in ABOVE_KINDS) == above]
        order = sorted(idx, key=lambda i: (items[i].x, items[i].centre))
        side_items = [items[i] for i in order]
        for i, choice in zip(order, _assign_rows(side_items, sp), strict=True):
            placed[i] = choice
    return placed


class _Painter:
    """Paints a layout at supersampled size; every coordinate passes through :meth:`p`."""

    def __init__(self, layout: TimelineLayout) -> None:
        self.layout = layout
        self.sizes = _Sizes(layout.scale)
        self.image = Image.new(
            "RGB", (layout.width * _SUPERSAMPLE, layout.height * _SUPERSAMPLE), WHITE
        )
        self.draw = ImageDraw.Draw(self.image)

    def p(self, value: float) -> int:
        return round(value * _SUPERSAMPLE)

    def w(self, base: float) -> int:
        """A line width, never thinner than one output pixel."""
        return max(_SUPERSAMPLE, self.p(self.sizes.px(base)))

    def text(
        self, x: float, y: float, text: str, size: int, fill: tuple[int, int, int], anchor: str
    ) -> None:
        self.draw.text(
            (self.p(x), self.p(y)), text, font=_font(size * _SUPERSAMPLE), fill=fill, anchor=anchor
        )

    def dashed_vline(self, x: float, y0: float, y1: float, colour: tuple[int, int, int]) -> None:
        dash, space = self.sizes.px(12), self.sizes.px(8)
        y = y0
        while y < y1:
            self.draw.line(
                [(self.p(x), self.p(y)), (self.p(x), self.p(min(y + dash, y1)))],
                fill=colour,
                width=self.w(3),
            )
            y += dash + space

    def glyph(self, kind: str, x: float, y: float, factor: float = 1.0) -> None:
        """Shapes differ per kind so the picture reads in black and white."""
        px, d = self.p, self.draw
        if kind == "milestone":
            h = self.sizes.px(17) * factor
            d.polygon(
                [(px(x), px(y - h)), (px(x + h), px(y)), (px(x), px(y + h)), (px(x - h), px(y))],
                fill=NAVY,
                outline=WHITE,
                width=self.w(3 * factor),
            )
        elif kind == "evaluation":
            r = self.sizes.px(13) * factor
            d.ellipse(
                [px(x - r), px(y - r), px(x + r), px(y + r)],
                fill=WHITE,
                outline=BLUE,
                width=self.w(5 * factor),
            )
        elif kind == "final":
            r, inner = self.sizes.px(18) * factor, self.sizes.px(8) * factor
            d.ellipse(
                [px(x - r), px(y - r), px(x + r), px(y + r)],
                fill=WHITE,
                outline=NAVY,
                width=self.w(4 * factor),
            )
            d.ellipse([px(x - inner), px(y - inner), px(x + inner), px(y + inner)], fill=NAVY)
        elif kind == "period":
            h = self.sizes.px(7) * factor
            d.rounded_rectangle(
                [px(x - 2.2 * h), px(y - h), px(x + 2.2 * h), px(y + h)], radius=px(h), fill=NAVY
            )

    def paint(self) -> Image.Image:
        lay, s = self.layout, self.sizes
        px, d = self.p, self.draw
        x0, y0, x1, y1 = lay.header
        d.rectangle([px(x0), px(y0), px(x1), px(y1)], fill=HEADER_FILL)
        for x, text in lay.month_labels:
            self.text(x, (y0 + y1) / 2, text, s.month_font, TEXT_GREY, "mm")
        for x in (lay.plot_left, *lay.gridlines, lay.plot_right):
            d.line(
                [(px(x), px(y0)), (px(x), px(lay.grid_bottom))], fill=GRID_GREY, width=self.w(1.5)
            )

        glyph_half = s.px(18)
        for label in lay.labels:
            bx0, by0, bx1, by1 = label.box
            if label.kind == "handover":
                self.dashed_vline(label.anchor_x, by1, lay.grid_bottom, ORANGE)
            elif label.side == "above":
                d.line(
                    [
                        (px(label.anchor_x), px(by1)),
                        (px(label.anchor_x), px(lay.bar_y - glyph_half)),
                    ],
                    fill=TEXT_GREY,
                    width=self.w(1.5),
                )
            else:
                d.line(
                    [
                        (px(label.anchor_x), px(lay.bar_y + glyph_half)),
                        (px(label.anchor_x), px(by0)),
                    ],
                    fill=TEXT_GREY,
                    width=self.w(1.5),
                )

        bar_half = s.px(7)
        d.rounded_rectangle(
            [
                px(lay.plot_left - bar_half),
                px(lay.bar_y - bar_half),
                px(lay.plot_right + bar_half),
                px(lay.bar_y + bar_half),
            ],
            radius=px(bar_half),
            fill=NAVY,
        )
        date_gap = s.px(32)
        self.text(lay.plot_left - date_gap, lay.bar_y, lay.start_text, s.date_font, NAVY, "rm")
        self.text(lay.plot_right + date_gap, lay.bar_y, lay.end_text, s.date_font, NAVY, "lm")
        for kind in KINDS:  # fixed paint order: finals stay visible over evaluations
            for g in lay.glyphs:
                if g.kind == kind:
                    self.glyph(kind, g.x, lay.bar_y)

        pad = s.px(8)
        label_h = _line_height(s.label_font)
        for label in lay.labels:
            bx0, by0, bx1, by1 = label.box
            d.rectangle([px(bx0), px(by0), px(bx1), px(by1)], fill=WHITE)
            colour = ORANGE if label.kind == "handover" else NAVY
            cx = (bx0 + bx1) / 2
            self.text(cx, by0 + pad, label.text, s.label_font, colour, "ma")
            if label.detail:
                self.text(cx, by0 + pad + label_h, label.detail, s.detail_font, TEXT_GREY, "ma")

        for item in lay.legend:
            text_x = item.x
            if item.kind == "handover":
                self.dashed_vline(item.x + s.px(22), item.y - s.px(15), item.y + s.px(15), ORANGE)
            elif item.kind != "note":
                self.glyph(item.kind, item.x + s.px(22), item.y, 0.85)
            if item.kind != "note":
                text_x += s.px(44 + 12)
            self.text(text_x, item.y, item.text, s.legend_font, TEXT_GREY, "lm")
        # A box average of each 2x2 block is exactly the anti-aliasing wanted, and cheap.
        return self.image.reduce(_SUPERSAMPLE)


def render_png(layout: TimelineLayout) -> bytes:
    """PNG bytes of a layout; Pillow writes no timestamp, so equal layouts give equal bytes."""
    buffer = io.BytesIO()
    # Level 3 compresses flat-colour drawings almost as well as 6, at half the time.
    _Painter(layout).paint().save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=3)
    return buffer.getvalue()


def draw_timeline(
    start: datetime.date,
    end: datetime.date,
    markers: Sequence[Marker],
    *,
    month_names: Sequence[str],
    legend: Mapping[str, str],
    width_px: int = 1600,
) -> bytes:
    """The timeline picture as PNG bytes at 200 dpi, ready to embed in the Word document.

    Raises ValueError when start is after end, a kind is unknown or month_names is not 12 long.
    """
    layout = layout_timeline(
        start, end, markers, month_names=month_names, legend=legend, width_px=width_px
    )
    return render_png(layout)
