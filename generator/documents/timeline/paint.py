"""Painting a layout and encoding it as a deterministic PNG."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import ParamSpec

from PIL import Image, ImageDraw

from generator.documents.timeline.figure import (
    _SUPERSAMPLE,
    BLUE,
    DPI,
    GRID_GREY,
    HEADER_FILL,
    KINDS,
    NAVY,
    ORANGE,
    TEXT_GREY,
    WHITE,
    TimelineLayout,
    _font,
    _line_height,
    _Sizes,
)
from generator.documents.timeline.layout import layout_timeline

P = ParamSpec("P")


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
        """Back to front: header and grid, leaders, the bar and its glyphs, labels, legend."""
        self.paint_grid()
        self.paint_leaders()
        self.paint_bar()
        self.paint_labels()
        self.paint_legend()
        # A box average of each 2x2 block is exactly the anti-aliasing wanted, and cheap.
        return self.image.reduce(_SUPERSAMPLE)

    def paint_grid(self) -> None:
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

    def paint_leaders(self) -> None:
        """A line from each label to the bar; the handover's dashed, down to the grid's foot."""
        lay, px = self.layout, self.p
        glyph_half = self.sizes.px(18)
        for label in lay.labels:
            _, by0, _, by1 = label.box
            if label.kind == "handover":
                self.dashed_vline(label.anchor_x, by1, lay.grid_bottom, ORANGE)
                continue
            top, bottom = ((by1, lay.bar_y - glyph_half) if label.side == "above"
                           else (lay.bar_y + glyph_half, by0))
            self.draw.line([(px(label.anchor_x), px(top)), (px(label.anchor_x), px(bottom))],
                           fill=TEXT_GREY, width=self.w(1.5))

    def paint_bar(self) -> None:
        lay, s = self.layout, self.sizes
        px = self.p
        bar_half = s.px(7)
        self.draw.rounded_rectangle(
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

    def paint_labels(self) -> None:
        s, px = self.sizes, self.p
        pad = s.px(8)
        label_h = _line_height(s.label_font)
        for label in self.layout.labels:
            bx0, by0, bx1, by1 = label.box
            self.draw.rectangle([px(bx0), px(by0), px(bx1), px(by1)], fill=WHITE)
            colour = ORANGE if label.kind == "handover" else NAVY
            cx = (bx0 + bx1) / 2
            self.text(cx, by0 + pad, label.text, s.label_font, colour, "ma")
            if label.detail:
                self.text(cx, by0 + pad + label_h, label.detail, s.detail_font, TEXT_GREY, "ma")

    def paint_legend(self) -> None:
        s = self.sizes
        for item in self.layout.legend:
            text_x = item.x
            if item.kind == "handover":
                self.dashed_vline(item.x + s.px(22), item.y - s.px(15), item.y + s.px(15), ORANGE)
            elif item.kind != "note":
                self.glyph(item.kind, item.x + s.px(22), item.y, 0.85)
            if item.kind != "note":
                text_x += s.px(44 + 12)
            self.text(text_x, item.y, item.text, s.legend_font, TEXT_GREY, "lm")


def render_png(layout: TimelineLayout) -> bytes:
    """PNG bytes of a layout; Pillow writes no timestamp, so equal layouts give equal bytes."""
    buffer = io.BytesIO()
    # Level 3 compresses flat-colour drawings almost as well as 6, at half the time.
    _Painter(layout).paint().save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=3)
    return buffer.getvalue()


def _painted(layout: Callable[P, TimelineLayout]) -> Callable[P, bytes]:
    """A layout function turned into one giving its PNG: one signature for both."""

    def draw(*args: P.args, **kwargs: P.kwargs) -> bytes:
        return render_png(layout(*args, **kwargs))

    return draw


draw_timeline = _painted(layout_timeline)
"""The timeline picture as PNG bytes at 200 dpi, ready to embed in the Word document; takes
what `layout_timeline` takes. Raises ValueError when start is after end, a kind is unknown
or month_names is not 12 long."""
