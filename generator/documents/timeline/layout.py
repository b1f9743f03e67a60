"""Where everything goes, without painting: the testable half of the timeline."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.documents.timeline.figure import (
    _BASE_WIDTH,
    ABOVE_KINDS,
    FEW_OF_A_KIND,
    KINDS,
    MAX_LABELLED,
    MAX_ROWS,
    Glyph,
    LegendItem,
    Marker,
    PlacedLabel,
    TimelineLayout,
    _line_height,
    _month_index,
    _month_start,
    _Sizes,
    _text_width,
    format_day,
)
from generator.documents.timeline.rows import _clamp_centre, _Item, _rows_per_side, _Spacing


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
    spacing = _Spacing(gap=sizes.px(12), leader_gap=sizes.px(3), lo=margin, hi=width_px - margin)
    found = _labelled(markers, x_of, month_names, start.year != end.year, sizes, spacing)
    heights = _Heights.of(sizes, found)

    present = [k for k in KINDS if any(g.kind == k for g in found.glyphs)]
    # legend["summary"] (optional) explains the numbers, e.g. "Aantal per maand"; only shown
    # when counts really are per month.
    note = legend.get("summary", "") if found.months_per_count == 1 else ""
    legend_items, legend_bottom = _legend_items(
        present, legend, sizes, heights.grid_bottom + sizes.px(22), width_px, note
    )
    gridlines, month_labels = _month_axis(x_of, month_names, sizes)
    return TimelineLayout(
        width=width_px,
        height=math.ceil(legend_bottom + sizes.px(16)),
        scale=sizes.scale,
        summarised=found.summarised,
        months_per_count=found.months_per_count,
        plot_left=plot_left,
        plot_right=plot_right,
        bar_y=heights.bar_y,
        header=(plot_left, heights.header_top, plot_right, heights.header_bottom),
        grid_bottom=heights.grid_bottom,
        gridlines=gridlines,
        month_labels=month_labels,
        start_text=start_text,
        end_text=end_text,
        labels=heights.labels(found),
        glyphs=tuple(found.glyphs),
        legend=legend_items,
    )


@dataclass(frozen=True)
class _Labelled:
    """The labels to show, each with its (row, box centre), and the glyphs on the bar."""

    items: list[_Item]
    placed: list[tuple[int, float]]
    glyphs: list[Glyph]
    summarised: bool
    months_per_count: int


def _labelled(markers: Sequence[Marker], x_of: _XScale, month_names: Sequence[str],
              with_year: bool, sizes: _Sizes, spacing: _Spacing) -> _Labelled:
    """One label per marker while they fit in MAX_ROWS rows, else counts per period."""
    pad = sizes.px(8)
    if len(markers) <= MAX_LABELLED:
        items = _individual_items(markers, x_of, month_names, with_year, sizes, pad, spacing)
        placed = _rows_per_side(items, spacing)
        if max((row for row, _ in placed), default=0) < MAX_ROWS:
            return _Labelled(items, placed, [Glyph(i.kind, i.x) for i in items], False, 0)
    # Only the crowded kinds are counted; a few evaluations or the handover keep
    # their own symbol at their true date.
    per_kind = Counter(m.kind for m in markers)
    counted = [m for m in markers if per_kind[m.kind] > FEW_OF_A_KIND]
    kept = [m for m in markers if per_kind[m.kind] <= FEW_OF_A_KIND] if counted else []
    items, glyphs, months_per_count = _summary_items(counted or markers, x_of, sizes, pad,
                                                     spacing)
    own = _individual_items(kept, x_of, month_names, with_year, sizes, pad, spacing)
    items += own
    glyphs += [Glyph(i.kind, i.x) for i in own]
    return _Labelled(items, _rows_per_side(items, spacing), glyphs, True, months_per_count)


@dataclass(frozen=True)
class _Heights:
    """The picture from top to bottom: header, label rows above, the bar, rows below."""

    box_h: float
    row_h: float
    header_top: float
    header_bottom: float
    above_bottom: float
    bar_y: float
    below_top: float
    grid_bottom: float

    @classmethod
    def of(cls, sizes: _Sizes, found: _Labelled) -> _Heights:
        box_h = _line_height(sizes.label_font) + 2 * sizes.px(8)
        if any(i.detail for i in found.items):
            box_h += _line_height(sizes.detail_font)
        row_h = box_h + sizes.px(8)
        pairs = list(zip(found.items, found.placed, strict=True))
        n_above = 1 + max((row for i, (row, _) in pairs if i.kind in ABOVE_KINDS), default=-1)
        n_below = 1 + max((row for i, (row, _) in pairs if i.kind not in ABOVE_KINDS),
                          default=-1)
        header_top = sizes.px(16)
        header_bottom = header_top + _line_height(sizes.month_font) + sizes.px(14)
        glyph_half = sizes.px(18)
        leader_min = sizes.px(16)
        above_bottom = header_bottom + sizes.px(14) + n_above * row_h
        bar_y = above_bottom + leader_min + glyph_half
        below_top = bar_y + glyph_half + leader_min
        grid_bottom = below_top + n_below * row_h + sizes.px(4)
        return cls(box_h, row_h, header_top, header_bottom, above_bottom, bar_y, below_top,
                   grid_bottom)

    def labels(self, found: _Labelled) -> tuple[PlacedLabel, ...]:
        """Each label's box in its row, above the bar or below it."""
        labels = []
        for item, (row, centre) in zip(found.items, found.placed, strict=True):
            if item.kind in ABOVE_KINDS:
                y1 = self.above_bottom - row * self.row_h
                y0, side = y1 - self.box_h, "above"
            else:
                y0 = self.below_top + row * self.row_h
                y1, side = y0 + self.box_h, "below"
            x0 = centre - item.width / 2
            box = (x0, y0, x0 + item.width, y1)
            labels.append(PlacedLabel(item.kind, item.text, item.detail, item.x, side, row, box))
        return tuple(labels)
