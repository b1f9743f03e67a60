"""Timeline picture: valid, deterministic PNGs whose labels never overlap, even when crowded."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from PIL import Image, ImageDraw

from generator.documents.timeline import (
    MAX_LABELLED,
    Marker,
    PlacedLabel,
    draw_timeline,
    layout_timeline,
)

D = dt.date
MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
LEGEND_NL = {
    "milestone": "Mijlpaal",
    "evaluation": "Evaluatiemoment",
    "final": "Eindevaluatie",
    "handover": "Start overdracht",
    "period": "Looptijd",
    "summary": "Aantal per maand",
}
START, END = D(2027, 1, 11), D(2027, 6, 25)
EXAMPLE = [
    Marker(D(2027, 2, 5), "M1", "milestone"),
    Marker(D(2027, 3, 26), "M2", "milestone"),
    Marker(D(2027, 4, 16), "M3", "milestone"),
    Marker(D(2027, 6, 14), "M4", "milestone"),
    Marker(D(2027, 2, 19), "Evaluatie", "evaluation"),
    Marker(D(2027, 4, 2), "Evaluatie", "evaluation"),
    Marker(D(2027, 6, 25), "Eindevaluatie", "final"),
    Marker(D(2027, 5, 17), "Start overdracht", "handover"),
]


def draw(markers, start=START, end=END, **kwargs) -> bytes:
    return draw_timeline(start, end, markers, month_names=MONTHS_NL, legend=LEGEND_NL, **kwargs)


def layout(markers, start=START, end=END, **kwargs):
    return layout_timeline(start, end, markers, month_names=MONTHS_NL, legend=LEGEND_NL, **kwargs)


def overlaps(a: PlacedLabel, b: PlacedLabel) -> bool:
    ax0, ay0, ax1, ay1 = a.box
    bx0, by0, bx1, by1 = b.box
    return ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


def assert_no_overlap(labels) -> None:
    for a, b in itertools.combinations(labels, 2):
        assert not overlaps(a, b), (a, b)


def test_png_is_valid_with_print_dpi() -> None:
    image = Image.open(io.BytesIO(draw(EXAMPLE)))
    image.load()
    assert image.format == "PNG"
    assert image.width == 1600
    assert 250 < image.height < 900
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.01)


def test_width_is_honoured() -> None:
    assert Image.open(io.BytesIO(draw(EXAMPLE, width_px=900))).width == 900


def test_same_input_gives_identical_bytes_without_timestamps() -> None:
    png = draw(EXAMPLE)
    assert png == draw(EXAMPLE)
    assert png == draw(list(reversed(EXAMPLE)))  # marker order does not matter
    assert b"tIME" not in png and b"tEXt" not in png


def test_start_after_end_raises() -> None:
    with pytest.raises(ValueError, match="after"):
        draw(EXAMPLE, start=END, end=START)


def test_bad_month_names_and_kind_raise() -> None:
    with pytest.raises(ValueError, match="12"):
        draw_timeline(START, END, EXAMPLE, month_names=MONTHS_NL[:11], legend=LEGEND_NL)
    with pytest.raises(ValueError, match="kind"):
        draw([Marker(START, "X", "party")])


def test_markers_outside_period_are_clamped() -> None:
    markers = [
        Marker(D(2020, 1, 1), "Vroeg", "milestone"),
        Marker(D(2030, 1, 1), "Laat", "evaluation"),
        Marker(D(2030, 1, 1), "Overdracht", "handover"),
    ]
    lay = layout(markers)
    xs = sorted(g.x for g in lay.glyphs)
    assert xs == [
        pytest.approx(lay.plot_left),
        pytest.approx(lay.plot_right),
        pytest.approx(lay.plot_right),
    ]
    assert all(lab.box[0] >= 0 and lab.box[2] <= lay.width for lab in lay.labels)
    Image.open(io.BytesIO(draw(markers))).load()


def test_single_day_period_and_no_markers() -> None:
    """A one-day period still shows its date and the bar; a marker on it sits mid-bar."""
    empty = layout([], start=START, end=START)
    assert (empty.start_text, empty.end_text) == ("11 jan 2027", "11 jan 2027")
    assert empty.labels == () and empty.glyphs == ()
    assert [item.text for item in empty.legend] == [LEGEND_NL["period"]]
    one = layout([Marker(START, "M1", "milestone")], start=START, end=START)
    assert [(g.kind, g.x) for g in one.glyphs] == [
        ("milestone", (one.plot_left + one.plot_right) / 2)]
    assert [(lab.text, lab.detail, lab.side) for lab in one.labels] == [("M1", "11 jan", "above")]
    assert [item.text for item in one.legend] == [LEGEND_NL["period"], LEGEND_NL["milestone"]]
    for lay, markers in ((empty, []), (one, [Marker(START, "M1", "milestone")])):
        picture = Image.open(io.BytesIO(draw(markers, start=START, end=START)))
        picture.load()
        assert picture.size == (lay.width, lay.height)


def test_example_labels_individually_and_without_overlap() -> None:
    lay = layout(EXAMPLE)
    assert not lay.summarised
    assert sorted(lab.text for lab in lay.labels) == sorted(m.label for m in EXAMPLE)
    assert {lab.side for lab in lay.labels if lab.kind in ("milestone", "handover")} == {"above"}
    assert {lab.side for lab in lay.labels if lab.kind in ("evaluation", "final")} == {"below"}
    assert_no_overlap(lay.labels)


def test_close_milestones_are_staggered_without_overlap() -> None:
    markers = [
        Marker(D(2027, 3, 1) + dt.timedelta(days=i), f"M{i + 1}", "milestone") for i in range(6)
    ]
    markers += [
        Marker(D(2027, 3, 2), "Evaluatie", "evaluation"),
        Marker(D(2027, 3, 2), "Review", "evaluation"),  # same day, same side
        Marker(D(2027, 3, 3), "Overdracht", "handover"),
    ]
    lay = layout(markers)
    assert not lay.summarised
    assert len(lay.labels) == len(markers)
    assert max(lab.row for lab in lay.labels) >= 1  # staggered on several rows
    assert_no_overlap(lay.labels)
    for lab in lay.labels:  # every label stays inside the picture
        assert 0 <= lab.box[0] < lab.box[2] <= lay.width
        assert 0 <= lab.box[1] < lab.box[3] <= lay.height


def test_label_leaders_stay_under_their_box() -> None:
    for lab in layout(EXAMPLE).labels:
        assert lab.box[0] <= lab.anchor_x <= lab.box[2]


def test_height_grows_with_label_rows() -> None:
    close = [
        Marker(D(2027, 3, 1) + dt.timedelta(days=i), f"Mijlpaal {i}", "milestone") for i in range(4)
    ]
    assert layout(close).height > layout(EXAMPLE[:1]).height


def test_many_markers_are_summarised_per_month() -> None:
    """2,000 markers give one count per month, not 2,000 labels (not timed: a wall-clock
    bound fails on a loaded machine, and the labels counted below are the work saved)."""
    markers = [
        Marker(START + dt.timedelta(days=i % 166), f"M{i}", "milestone") for i in range(2000)
    ]
    Image.open(io.BytesIO(draw(markers))).load()
    lay = layout(markers)
    assert lay.summarised and lay.months_per_count == 1
    assert not any(lab.text.startswith("M") for lab in lay.labels)  # no individual labels
    assert len(lay.glyphs) == 6  # one diamond per month, jan..jun
    assert sum(int(lab.text) for lab in lay.labels) == 2000
    assert_no_overlap(lay.labels)
    assert any(item.text == LEGEND_NL["summary"] for item in lay.legend)


def test_summary_threshold() -> None:
    def spread(n: int) -> list[Marker]:
        return [Marker(START + dt.timedelta(days=i * 4), f"M{i}", "milestone") for i in range(n)]

    assert layout(spread(MAX_LABELLED + 1)).summarised
    assert not layout(spread(3)).summarised


def test_mixed_kinds_summary_keeps_symbols_apart_over_long_periods() -> None:
    kinds = ("milestone", "evaluation", "final", "handover")
    start, end = D(2020, 1, 1), D(2029, 12, 31)
    markers = [Marker(start + dt.timedelta(days=i), "x", kinds[i % 4]) for i in range(0, 3650, 3)]
    lay = layout(markers, start=start, end=end)
    assert lay.summarised and lay.months_per_count > 1
    assert not any(item.text == LEGEND_NL["summary"] for item in lay.legend)  # not per month
    assert sum(int(lab.text) for lab in lay.labels) == len(markers)
    assert_no_overlap(lay.labels)
    assert len({round(g.x) for g in lay.glyphs}) == len(lay.glyphs)  # no symbol hides another
    Image.open(io.BytesIO(draw(markers, start=start, end=end))).load()


def test_summary_counts_the_crowded_kind_and_keeps_the_few_at_their_dates() -> None:
    start, end = dt.date(2027, 1, 11), dt.date(2027, 6, 25)
    milestones = [Marker(start + dt.timedelta(days=i % 160), f"M{i}", "milestone")
                  for i in range(2000)]
    evaluations = [Marker(dt.date(2027, 2, 19), "Evaluatie", "evaluation"),
                   Marker(dt.date(2027, 6, 25), "Evaluatie", "final"),
                   Marker(dt.date(2027, 5, 17), "Overdracht", "handover")]
    layout = layout_timeline(start, end, milestones + evaluations, month_names=MONTHS_NL,
                             legend={**LEGEND_NL, "summary": "Aantal per maand"}, width_px=1250)
    assert layout.summarised and layout.months_per_count == 1
    counts = [int(label.text) for label in layout.labels if label.kind == "milestone"]
    assert sum(counts) == 2000 and len(counts) == 6
    own = {label.kind: label for label in layout.labels if label.kind != "milestone"}
    assert own["evaluation"].text == "Evaluatie" and own["handover"].text == "Overdracht"


@pytest.mark.parametrize("language", ["nl", "en", "fr"])
def test_the_font_draws_every_letter_of_each_languages_labels(language: str) -> None:
    """The legend, month and marker labels of each language are drawn, never as the empty
    box a font shows for a letter it lacks ("f□vr.", "□valuation": Pillow's own font has
    ASCII only)."""
    from generator.documents.templating import load_wording
    from generator.documents.timeline.figure import _font

    wording = load_wording(language)
    t = wording.terms.timeline
    texts = [*t.legend._data.values(), t.evaluation, t.handover, *wording.fmt.month_names()]
    font = _font(40)

    def drawn(letter: str) -> bytes:
        image = Image.new("L", (60, 60))
        ImageDraw.Draw(image).text((5, 5), letter, font=font, fill=255)
        return image.tobytes()

    missing = drawn("\ue000")  # a private-use character: no font has it
    for letter in sorted(set("".join(texts)) - {" "}):
        assert drawn(letter) != missing, (language, letter)
