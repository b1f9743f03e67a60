"""The action plan's timeline picture: the assignment period with its milestones and evaluations.

The picture goes into a Word document that may be printed in black and white, so every kind of
marker differs by shape or line style, not only by colour. Layout (what goes where) is a pure
function, :func:`layout_timeline`, so tests can check placement without decoding pixels;
:func:`draw_timeline` only paints that layout and encodes it as a deterministic PNG.
"""

from __future__ import annotations

from generator.documents.timeline.figure import (
    MAX_LABELLED,
    Glyph,
    LegendItem,
    Marker,
    PlacedLabel,
    TimelineLayout,
    format_day,
)
from generator.documents.timeline.layout import layout_timeline
from generator.documents.timeline.paint import draw_timeline, render_png

__all__ = ["MAX_LABELLED", "Glyph", "LegendItem", "Marker", "PlacedLabel", "TimelineLayout",
           "draw_timeline", "format_day", "layout_timeline", "render_png"]
