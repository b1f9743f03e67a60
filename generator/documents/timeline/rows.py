"""Label rows: each label a row and a place where neither it nor its leader line collides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.documents.timeline.figure import ABOVE_KINDS, MAX_ROWS


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
    taken = _Rows(sp)
    result: list[tuple[int, float]] = []
    edge = sp.leader_gap  # a flag's leader this far inside its box
    for n, item in enumerate(items):
        half, x = item.width / 2, item.x
        centred, hang_left, hang_right = x, x + edge - half, x - edge + half
        crowded = n + 1 < len(items) and items[n + 1].x - x < half + sp.gap
        preferred = (
            (hang_left, centred, hang_right) if crowded else (centred, hang_right, hang_left)
        )
        centres = [_clamp_centre(c, item.width, sp.lo, sp.hi) for c in preferred]
        row, centre = taken.choose(x, half, centres)
        taken.take(row, centre, half, x)
        result.append((row, centre))
    return result


class _Rows:
    """The label boxes of each row and the leader lines crossing it, as labels are placed."""

    def __init__(self, sp: _Spacing) -> None:
        self.sp = sp
        self.rows: list[list[tuple[float, float, float]]] = []  # (left, right, marker x)
        self.leaders: list[list[float]] = []  # leader xs crossing each row

    def boxes_free(self, row: int, left: float, right: float) -> bool:
        return row >= len(self.rows) or all(
            right + self.sp.gap <= a or left - self.sp.gap >= b for a, b, _ in self.rows[row]
        )

    def box_free(self, row: int, left: float, right: float) -> bool:
        gap = self.sp.leader_gap
        return self.boxes_free(row, left, right) and (
            row >= len(self.rows)
            or all(not (left - gap < lx < right + gap) for lx in self.leaders[row])
        )

    def leader_free(self, row: int, x: float) -> bool:
        return all(
            abs(own - x) < 0.5 or not (a - self.sp.leader_gap < x < b + self.sp.leader_gap)
            for lower in self.rows[:row]
            for a, b, own in lower
        )

    def choose(self, x: float, half: float, centres: Sequence[float]) -> tuple[int, float]:
        """The lowest row (below the search limit) clear for box and leader, else the
        first row where the box fits: the leader then hides behind nearer labels."""
        limit = MAX_ROWS + 2
        clear = (
            (row, c)
            for row in range(min(len(self.rows) + 1, limit))
            if self.leader_free(row, x)
            for c in centres
            if self.box_free(row, c - half, c + half)
        )
        return next(clear, None) or next(
            (row, c)
            for row in range(len(self.rows) + 1)
            for c in centres
            if self.boxes_free(row, c - half, c + half)
        )

    def take(self, row: int, centre: float, half: float, x: float) -> None:
        while row >= len(self.rows):
            self.rows.append([])
            self.leaders.append([])
        self.rows[row].append((centre - half, centre + half, x))
        for lower in self.leaders[:row]:
            lower.append(x)


def _clamp_centre(x: float, width: float, lo: float, hi: float) -> float:
    """Keep a label inside the picture while its leader still points at the marker."""
    return min(max(x, lo + width / 2), hi - width / 2)


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
