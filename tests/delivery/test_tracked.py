"""Tracked changes as a client sees them in Word's markup view: which words, rows and
paragraphs are struck through or underlined, in what format, by whom and when."""

from __future__ import annotations

import datetime

import pytest
from lxml import etree
from redline_reading import plain, resolve, stories, stories_text, w

from generator.delivery.redline import redline
from generator.delivery.redline.tracked import REWRITTEN, tokens
from generator.writer.converter import Converter, DocumentMeta
from tests.writer.conftest import FIXTURES

FIRM = "Coverton Interim Management BV"
NBSP = "\u00a0"
_CONVERTER: list[Converter] = []


def docx(markdown: str) -> bytes:
    if not _CONVERTER:
        _CONVERTER.append(Converter())
    meta = DocumentMeta(title="Redline", timestamp=datetime.datetime(2027, 2, 19, 9, 30))
    return _CONVERTER[0].convert(markdown, meta, base_dir=FIXTURES)


def compare(older: str, newer: str) -> etree._Element:
    """The redline's body, after checking that it accepts to the newer and rejects to the
    older document."""
    old, new = docx(older), docx(newer)
    red = redline(old, new, author=FIRM)
    assert stories_text(resolve(red, accept=True)) == plain(new)
    assert stories_text(resolve(red, accept=False)) == plain(old)
    return stories(red)["word/document.xml"].find(w("body"))


def shown(holder: etree._Element, status: str = "") -> list[tuple[str, str]]:
    """What the markup view shows of a paragraph (or hyperlink): ("", kept text),
    ("-", struck through), ("+", underlined), neighbours of one kind joined."""
    out: list[tuple[str, str]] = []
    for child in holder:
        if child.tag in (w("ins"), w("del")):
            out += shown(child, "+" if child.tag == w("ins") else "-")
        elif child.tag == w("hyperlink"):
            out += [(s, f"<{t}>") for s, t in shown(child, status)]
        elif child.tag == w("r"):
            text = "".join(t.text or "" for t in child.iter(w("t"), w("delText")))
            if out and out[-1][0] == status and not text.startswith("<"):
                out[-1] = (status, out[-1][1] + text)
            else:
                out.append((status, text))
    return out


def paragraphs(body: etree._Element) -> list[list[tuple[str, str]]]:
    return [shown(p) for p in body.findall(w("p"))]


def mark_of(p: etree._Element) -> str | None:
    props = p.find(f"{w('pPr')}/{w('rPr')}")
    for status in ("ins", "del"):
        if props is not None and props.find(w(status)) is not None:
            return status
    return None


# -- words -------------------------------------------------------------------------------

def test_a_changed_word_is_struck_and_the_new_one_underlined_in_place() -> None:
    body = compare("Begin.\n\nThe fee is due in March.\n", "Begin.\n\nThe fee is due in April.\n")
    assert paragraphs(body)[1] == [("", "The fee is due in "), ("-", "March"), ("+", "April"),
                                   ("", ".")]
    marks = [m for m in body.iter(w("ins"), w("del"))]
    assert {(m.get(w("author")), m.get(w("date"))) for m in marks} == {
        (FIRM, "2027-02-19T09:30:00Z")}, "the firm, on the newer document's date"
    assert sorted(int(m.get(w("id"))) for m in marks) == [1, 2]


@pytest.mark.parametrize(("text", "expected"), [
    ("v1.10 on 26\u00a0mrt\u00a02027", ["v1", ".", "10", " ", "on", " ", "26\u00a0mrt\u00a02027"]),
    ("€\u00a01.050,00 or $5 at 10:30", ["€\u00a01.050,00", " ", "or", " ", "$5", " ", "at", " ",
                                         "10:30"]),
    ("50\u00a0% of 3/4 (ok)", ["50\u00a0%", " ", "of", " ", "3/4", " ", "(", "ok", ")"]),
    ("1 sept. 2027", ["1", " ", "sept", ".", " ", "2027"]),
    ("14\u00a0sept.\u00a02027", ["14\u00a0sept.\u00a02027"]),
])
def test_numbers_versions_dates_and_amounts_are_compared_whole(text: str,
                                                               expected: list[str]) -> None:
    assert tokens(text) == expected


def test_a_new_version_number_is_replaced_whole() -> None:
    body = compare("Version 1.1 of the plan.\n", "Version 1.2 of the plan.\n")
    assert paragraphs(body)[0] == [("", "Version "), ("-", "1.1"), ("+", "1.2"),
                                   ("", " of the plan.")]


@pytest.mark.parametrize(("older", "newer", "expected"), [
    # half the words (and spaces) in common: still the same sentence, word by word
    ("a b.", "c d.", [("-", "a"), ("+", "c"), ("", " "), ("-", "b"), ("+", "d"), ("", ".")]),
    # less than half: another sentence, read whole
    ("a b.", "c d!", [("-", "a b."), ("+", "c d!")]),
])
def test_a_rewritten_paragraph_is_struck_whole(older: str, newer: str,
                                               expected: list[tuple[str, str]]) -> None:
    assert REWRITTEN == 0.5
    body = compare(f"Begin.\n\n{older}\n", f"Begin.\n\n{newer}\n")
    assert paragraphs(body)[1] == expected


def test_changed_words_keep_their_own_format() -> None:
    body = compare("Begin.\n\nDue **March** now.\n", "Begin.\n\nDue **April** then.\n")
    p = body.findall(w("p"))[1]
    assert shown(p) == [("", "Due "), ("-", "March"), ("+", "April"), ("", " "),
                        ("-", "now"), ("+", "then"), ("", ".")]
    bold = {"".join(r.itertext()): r.find(f"{w('rPr')}/{w('b')}") is not None
            for r in p.iter(w("r"))}
    assert bold == {"Due ": False, "March": True, "April": True, " ": False, "now": False,
                    "then": False, ".": False}


def test_a_changed_link_target_is_a_changed_link() -> None:
    body = compare("See [the site](https://a.example) now.\n",
                   "See [the site](https://b.example) now.\n")
    assert paragraphs(body)[0] == [("", "See "), ("-", "the site"), ("+", "<the site>"),
                                   ("", " now.")], "the old words struck, no longer a link"


def test_a_paragraph_of_a_new_style_records_the_old_one() -> None:
    body = compare("Begin.\n\n## Costs\n\nEnd.\n", "Begin.\n\nCosts\n\nEnd.\n")
    p = body.findall(w("p"))[1]
    assert shown(p) == [("", "Costs")], "the text is unchanged"
    style = p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val"))
    change = p.find(f"{w('pPr')}/{w('pPrChange')}")
    old = change.find(f"{w('pPr')}/{w('pStyle')}").get(w("val"))
    assert (style, old) == ("BodyText", "Heading2")
    assert change.get(w("author")) == FIRM


# -- whole paragraphs --------------------------------------------------------------------

def test_a_deleted_paragraph_is_struck_and_loses_its_link() -> None:
    body = compare("Begin.\n\nGone, see [site](https://a.example).\n\nEnd.\n",
                   "Begin.\n\nEnd.\n")
    rows = paragraphs(body)
    assert rows == [[("", "Begin.")], [("-", "Gone, see site.")], [("", "End.")]]
    assert body.find(f".//{w('hyperlink')}") is None, "deleted text need not stay a link"


def test_an_inserted_paragraph_is_underlined() -> None:
    body = compare("Begin.\n\nEnd.\n", "Begin.\n\nNew, see [site](https://a.example).\n\nEnd.\n")
    assert paragraphs(body) == [[("", "Begin.")], [("+", "New, see "), ("+", "<site>"),
                                                   ("+", ".")], [("", "End.")]]


def test_a_changed_picture_replaces_its_paragraph() -> None:
    body = compare("Begin.\n\n![Chart](chart.png){width=4cm}\n\nEnd.\n",
                   "Begin.\n\n![Chart](chart.png){width=5cm}\n\nEnd.\n")
    figures = [p for p in body.findall(w("p")) if p.find(f".//{w('drawing')}") is not None]
    assert len(figures) == 2
    assert [r.getparent().tag for f in figures for r in f.iter(w("r"))
            if r.find(w("drawing")) is not None] == [w("del"), w("ins")]


# -- tables ------------------------------------------------------------------------------

TABLE = "| Id | What |\n|---|---|\n"


def rows_shown(body: etree._Element) -> list[tuple[str | None, list[list[tuple[str, str]]]]]:
    """Each row of the first table: its own mark, and each cell's first paragraph shown."""
    out = []
    for row in body.find(w("tbl")).findall(w("tr")):
        props = row.find(w("trPr"))
        mark = next((s for s in ("ins", "del") if props is not None
                     and props.find(w(s)) is not None), None)
        out.append((mark, [shown(tc.find(w("p"))) for tc in row.findall(w("tc"))]))
    return out


def test_rows_are_matched_by_their_id_and_changed_cell_by_cell() -> None:
    older = f"Begin.\n\n{TABLE}| M1 | plan |\n| M2 | build it |\n| M3 | gone |\n\nEnd.\n"
    newer = f"Begin.\n\n{TABLE}| M1 | plan |\n| W1 | new row |\n| M2 | build all |\n\nEnd.\n"
    assert rows_shown(compare(older, newer)) == [
        (None, [[("", "Id")], [("", "What")]]),
        (None, [[("", "M1")], [("", "plan")]]),
        ("ins", [[("+", "W1")], [("+", "new row")]]),
        (None, [[("", "M2")], [("", "build "), ("-", "it"), ("+", "all")]]),
        ("del", [[("-", "M3")], [("-", "gone")]]),
    ]


def test_a_row_mark_stands_first_in_its_properties() -> None:
    body = compare(f"Begin.\n\n{TABLE}| M1 | plan |\n\nEnd.\n",
                   f"Begin.\n\n{TABLE}| M1 | plan |\n| M2 | more |\n\nEnd.\n")
    row = body.find(w("tbl")).findall(w("tr"))[2]
    assert row[0].tag == w("trPr"), "trPr before the cells (schema order)"
    assert row[0][-1].tag == w("ins")
    cell_p = row.find(f"{w('tc')}/{w('p')}")
    assert mark_of(cell_p) is None, "a cell's last paragraph mark is the cell's own"


def test_a_table_with_another_header_is_replaced_whole() -> None:
    body = compare(f"Begin.\n\n{TABLE}| M1 | plan |\n\nEnd.\n",
                   "Begin.\n\n| Id | Who |\n|---|---|\n| M1 | plan |\n\nEnd.\n")
    tables = body.findall(w("tbl"))
    assert len(tables) == 2
    marks = [[next(s for s in ("ins", "del") if tr.find(f"{w('trPr')}/{w(s)}") is not None)
              for tr in t.findall(w("tr"))] for t in tables]
    assert sorted(marks) == [["del", "del"], ["ins", "ins"]]


def test_a_document_against_itself_has_no_marks() -> None:
    markdown = f"Begin.\n\n{TABLE}| M1 | plan |\n\n![Chart](chart.png)\n\nEnd [x](#begin).\n"
    body = compare(markdown, markdown)
    assert not list(body.iter(w("ins"), w("del"), w("pPrChange")))
