"""A small chart per objective for the reports: each measurement over time against the
target band. Like the timeline it may be printed in black and white, so the kinds of
point differ by shape (baseline a hollow square, measurements dots, the final result a
diamond) and the target is a dashed line over a grey band, never colour alone. Drawn with
the timeline's fonts, colours and supersampling; equal charts give equal PNG bytes."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageDraw

from generator.documents.timeline.figure import (
    _SUPERSAMPLE,
    DPI,
    GRID_GREY,
    NAVY,
    TEXT_GREY,
    WHITE,
    _font,
    _text_width,
    format_day,
)

BAND = (0xE4, 0xE4, 0xE4)
"""The target band: a grey that stays visible, and lighter than every line, in print."""
WIDTH_PX, HEIGHT_PX = 590, 220
"""7.5 cm by 2.8 cm at the timeline's 200 dpi: two charts side by side in the text width, low
enough that a progress memo with its charts keeps to two pages."""
FONT = 17
LOWER = {"≤", "<=", "<"}
UPPER = {"≥", ">=", ">"}


@dataclass(frozen=True)
class ChartPoint:
    day: datetime.date | None
    """None for the baseline, which has no date."""
    value: Decimal
    kind: str
    """`baseline`, `measured` or `result`."""


@dataclass(frozen=True)
class Chart:
    """One objective's figures over time, as read in the document's language."""

    name: str
    """The picture's name in the document (`chart-D1.png`)."""
    objective: str
    points: tuple[ChartPoint, ...]
    comparison: str
    """`≤`, `≥`... or "" for a target without comparison (a line, no band)."""
    target: Decimal
    target_text: str


def _ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """Three to six round values covering low..high (steps of 1, 2 or 5 times a power of ten)."""
    span = high - low or abs(high) or Decimal(1)
    step = Decimal(1).scaleb(span.adjusted() - 1)
    for factor in (1, 2, 5, 10, 20, 50):
        if span / (step * factor) <= 5:
            step *= factor
            break
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


class _ChartPainter:
    """Paints at supersampled size; every coordinate in output pixels passes through `p`."""

    def __init__(self, chart: Chart, number: Callable[[Decimal], str],
                 month_names: Sequence[str], legend: dict[str, str]) -> None:
        self.chart, self.number, self.legend = chart, number, legend
        self.labels = [legend["baseline"] if pt.day is None else
                       format_day(pt.day, month_names, year=False) for pt in chart.points]
        self.image = Image.new("RGB", (WIDTH_PX * _SUPERSAMPLE, HEIGHT_PX * _SUPERSAMPLE), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        values = [pt.value for pt in chart.points] + [chart.target]
        room = (max(values) - min(values)) / 5 or Decimal(1)  # the band shows below/above
        values.append(chart.target - room if chart.comparison in LOWER else
                      chart.target + room if chart.comparison in UPPER else chart.target)
        self.ticks = _ticks(min(values), max(values))
        width = max(_text_width(number(t), FONT) for t in self.ticks)
        self.left, self.right = width + 14, WIDTH_PX - 16
        self.top, self.bottom = 52, HEIGHT_PX - 30

    def p(self, value: float) -> int:
        return round(value * _SUPERSAMPLE)

    def y(self, value: Decimal) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - float((value - low) / (high - low or 1)) * (self.bottom - self.top)

    def x(self, index: int) -> float:
        slots = max(len(self.chart.points), 1)
        return self.left + (index + 0.5) * (self.right - self.left) / slots

    def text(self, x: float, y: float, text: str, anchor: str, fill=TEXT_GREY) -> None:
        self.draw.text((self.p(x), self.p(y)), text, font=_font(FONT * _SUPERSAMPLE),
                       fill=fill, anchor=anchor)

    def line(self, points: list[tuple[float, float]], fill, width: float) -> None:
        self.draw.line([(self.p(a), self.p(b)) for a, b in points], fill=fill,
                       width=self.p(width), joint="curve")

    def dashed(self, y: float, x0: float, x1: float) -> None:
        x = x0
        while x < x1:
            self.line([(x, y), (min(x + 9, x1), y)], NAVY, 2)
            x += 14

    def marker(self, kind: str, x: float, y: float) -> None:
        r, px = 5.5, self.p
        box = [px(x - r), px(y - r), px(x + r), px(y + r)]
        if kind == "baseline":
            self.draw.rectangle(box, fill=WHITE, outline=NAVY, width=px(2))
        elif kind == "result":
            r += 1.5
            self.draw.polygon([(px(x), px(y - r)), (px(x + r), px(y)), (px(x), px(y + r)),
                               (px(x - r), px(y))], fill=NAVY)
        else:
            self.draw.ellipse(box, fill=NAVY)

    def paint(self) -> Image.Image:
        c = self.chart
        target_y = self.y(c.target)
        if c.comparison in LOWER | UPPER:  # the band of values that meet the target
            edge = self.bottom if c.comparison in LOWER else self.top
            self.draw.rectangle([self.p(self.left), self.p(min(target_y, edge)),
                                 self.p(self.right), self.p(max(target_y, edge))], fill=BAND)
        for tick in self.ticks:
            self.line([(self.left, self.y(tick)), (self.right, self.y(tick))], GRID_GREY, 1)
            self.text(self.left - 6, self.y(tick), self.number(tick), "rm")
        self.dashed(target_y, self.left, self.right)
        placed = [(self.x(i), self.y(pt.value)) for i, pt in enumerate(c.points)]
        if len(placed) > 1:
            self.line(placed, NAVY, 2.5)
        for i, ((x, y), pt) in enumerate(zip(placed, c.points, strict=True)):
            self.marker(pt.kind, x, y)
            self.text(x, y - 9, self.number(pt.value), "mb", NAVY)
            self.text(x, self.bottom + 8, self.labels[i], "mt")
        self.paint_legend()
        return self.image.reduce(_SUPERSAMPLE)

    def paint_legend(self) -> None:
        c, y = self.chart, 14
        self.text(0, y, c.objective, "lm", NAVY)
        x = _text_width(c.objective, FONT) + 16
        self.line([(x, y), (x + 22, y)], NAVY, 2.5)
        self.marker("measured", x + 11, y)
        x += 28
        self.text(x, y, self.legend["measured"], "lm")
        x += _text_width(self.legend["measured"], FONT) + 16
        if any(pt.kind == "result" for pt in c.points):
            self.marker("result", x + 6, y)
            self.text(x + 16, y, self.legend["result"], "lm")
            x += _text_width(self.legend["result"], FONT) + 32
        self.draw.rectangle([self.p(x), self.p(y - 6), self.p(x + 22), self.p(y + 6)],
                            fill=BAND if c.comparison else WHITE)
        self.dashed(y, x, x + 22)
        # Pillow's font has no ≤ or ≥: the comparison in words ("hoogstens 1,5 %")
        words = {**dict.fromkeys(LOWER, self.legend["at_most"]),
                 **dict.fromkeys(UPPER, self.legend["at_least"])}
        target = c.target_text.lstrip("≤<=≥> ")
        target = f"{words[c.comparison]} {target}" if c.comparison in words else target
        self.text(x + 28, y, f"{self.legend['target']} {target}", "lm")


def draw_chart(chart: Chart, *, number: Callable[[Decimal], str],
               month_names: Sequence[str], legend: dict[str, str]) -> bytes:
    """The chart as PNG bytes at 200 dpi; `number` prints a value in the document's
    language, `legend` holds the words `measured`, `result`, `target`, `baseline`, `at_most`
    and `at_least`."""
    buffer = io.BytesIO()
    image = _ChartPainter(chart, number, month_names, legend).paint()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=3)
    return buffer.getvalue()
