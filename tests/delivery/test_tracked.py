"""Tracked changes as a client sees them in Word's markup view: which words, rows and
paragraphs are struck through or underlined, in what format, by whom and when."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from lxml import etree
from redline_reading import W_NS, parts, plain, resolve, stories, stories_text, w

from generator.delivery.redline import redline
from generator.delivery.redline.tracked import REWRITTEN, tokens
from generator.writer.converter import Converter, DocumentMeta
from generator.writer.oxml import WP_NS
from tests.writer.conftest import FIXTURES

FIRM = "Coverton Interim Management BV"
NBSP = "\u00a0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CONVERTER: list[Converter] = []


def docx(markdown: str) -> bytes:
    if not _CONVERTER:
        _CONVERTER.append(Converter())
    meta = DocumentMeta(title="Redline", timestamp=datetime.datetime(2027, 2, 19, 9, 30))
    return _CONVERTER[0].convert(markdown, meta, base_dir=FIXTURES)


def compare(older: str, newer: str) -> etree._Element:
    """The redline's body, after checking that it accepts to the newer and rejects to the
    older document."""
    return compare_documents(docx(older), docx(newer))


def compare_documents(old: bytes, new: bytes) -> etree._Element:
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
        elif child.tag == w("r"):  # deleted text is w:delText, any other w:t (Word's rule)
            kind, wrong = ("delText", "t") if status == "-" else ("t", "delText")
            assert child.find(w(wrong)) is None, f"a w:{wrong} in a run shown {status!r}"
            for t in child.iter(w(kind)):  # else Word drops a word's spaces around it
                assert t.text == (t.text or "").strip() or t.get(XML_SPACE) == "preserve"
            text = "".join(t.text or "" for t in child.iter(w(kind)))
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
    ids = [d.get("id") for d in body.iter(f"{{{WP_NS}}}docPr")]
    assert len(ids) == 2 and len(set(ids)) == 2, "Word needs each drawing id once"


@pytest.mark.parametrize(("older", "newer"), [("Chart soon.", "![Chart](chart.png)"),
                                              ("![Chart](chart.png)", "Chart gone.")])
def test_a_picture_in_place_of_text_is_its_own_paragraph(older: str, newer: str) -> None:
    """Text and a picture never share a changed paragraph (LibreOffice loses a deleted
    picture's paragraph on reject-all when they do)."""
    body = compare(f"Begin.\n\n{older}\n\nEnd.\n", f"Begin.\n\n{newer}\n\nEnd.\n")
    middle = body.findall(w("p"))[1:3]
    assert [{c.tag for c in p if c.tag in (w("ins"), w("del"))} for p in middle] == [
        {w("del")}, {w("ins")}]


def test_a_picture_whose_relationship_was_renumbered_is_unchanged() -> None:
    """A link added above gives the picture another relationship id: the same picture."""
    body = compare("Begin.\n\n![Chart](chart.png)\n\nEnd.\n",
                   "Begin [site](https://a.example).\n\n![Chart](chart.png)\n\nEnd.\n")
    figure = body.findall(w("p"))[1]
    assert figure.find(f".//{w('drawing')}") is not None
    assert not list(figure.iter(w("ins"), w("del")))


def test_a_long_paragraph_of_repeated_words_marks_only_the_changed_ones() -> None:
    """Over two hundred words and spaces, most of them the same: difflib's popular-element
    shortcut would strike and re-insert everything between two changes."""
    words = ["Stap"] * 120
    changed = [*words[:40], "Halt", *words[41:80], "Rust", *words[81:]]
    body = compare(f"Begin.\n\n{' '.join(words)}.\n", f"Begin.\n\n{' '.join(changed)}.\n")
    assert paragraphs(body)[1] == [("", "Stap " * 40), ("-", "Stap"), ("+", "Halt"),
                                   ("", " Stap" * 39 + " "), ("-", "Stap"), ("+", "Rust"),
                                   ("", " Stap" * 39 + ".")]


def test_a_deleted_list_keeps_its_own_numbering() -> None:
    """Deleted items point at a copy of their list in the newer document, not at the
    newer document's list of the same number."""
    body = compare("Begin.\n\n1. one\n2. two\n\nMiddle.\n\n- kept\n",
                   "Begin.\n\nMiddle.\n\n- kept\n")
    items = body.findall(w("p"))
    assert [shown(p) for p in items[1:3]] == [[("-", "one")], [("-", "two")]]
    deleted = {n.get(w("val")) for p in items[1:3] for n in p.iter(w("numId"))}
    kept = {n.get(w("val")) for n in items[4].iter(w("numId"))}
    assert len(deleted) == 1 and not deleted & kept


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


# -- formats and runs ----------------------------------------------------------------------

def runs_shown(p: etree._Element) -> list[tuple[str, str, bool]]:
    """Each run of a paragraph: its change ("+", "-", ""), its text, whether it is bold."""
    out = []
    for run in p.iter(w("r")):
        parent = run.getparent().tag
        status = {w("ins"): "+", w("del"): "-"}.get(parent, "")
        text = "".join(t.text or "" for t in run.iter(w("t"), w("delText")))
        out.append((status, text, run.find(f"{w('rPr')}/{w('b')}") is not None))
    return out


def test_a_word_that_turns_bold_is_struck_plain_and_underlined_bold() -> None:
    body = compare("Begin.\n\nDue March now.\n", "Begin.\n\nDue **March** now.\n")
    assert runs_shown(body.findall(w("p"))[1]) == [
        ("", "Due ", False), ("-", "March", False), ("+", "March", True), ("", " now.", False)]


def test_inserted_words_of_two_formats_are_two_runs() -> None:
    body = compare("Begin.\n\nPay the fee.\n", "Begin.\n\nPay **all** the fee.\n")
    assert runs_shown(body.findall(w("p"))[1]) == [
        ("", "Pay", False), ("+", " ", False), ("+", "all", True), ("", " the fee.", False)]


def test_a_line_break_keeps_its_format_and_its_link() -> None:
    """A changed word before a hard line break: the break's run stays bold, and a break
    inside a link stays inside the one link."""
    body = compare("Begin.\n\n**First  \nline** and [old  \nsite](https://a.example).\n",
                   "Begin.\n\n**Second  \nline** and [new  \nsite](https://a.example).\n")
    p = body.findall(w("p"))[1]
    breaks = [r for r in p.iter(w("r")) if r.find(w("br")) is not None]
    assert [r.find(f"{w('rPr')}/{w('b')}") is not None for r in breaks] == [True, False]
    assert [r.find(f"{w('rPr')}/{w('rStyle')}") is not None for r in breaks] == [False, True]
    links = p.findall(w("hyperlink"))
    assert len(links) == 1 and breaks[1].getparent() is links[0]
    assert shown(links[0]) == [("+", "new"), ("", "site")]


# -- links, bookmarks, footnotes -----------------------------------------------------------

def test_a_link_to_another_heading_is_a_changed_link() -> None:
    body = compare("Begin.\n\n## Costs\n\n## Fees\n\nSee [the part](#costs) now.\n",
                   "Begin.\n\n## Costs\n\n## Fees\n\nSee [the part](#fees) now.\n")
    assert paragraphs(body)[3] == [("", "See "), ("-", "the part"), ("+", "<the part>"),
                                   ("", " now.")]
    assert [link.get(w("anchor")) for link in body.iter(w("hyperlink"))] == ["fees"]


def test_a_link_to_a_renumbered_contents_bookmark_is_unchanged() -> None:
    """A heading added above renumbers the contents bookmarks (_Toc...): the same link."""
    body = compare("Begin.\n\nSee [the part](#_Toc00000001) now.\n",
                   "Begin.\n\nSee [the part](#_Toc00000002) now.\n")
    assert paragraphs(body)[1] == [("", "See "), ("", "<the part> now.")]
    assert not list(body.iter(w("ins"), w("del")))


TOC = "::: toc Contents\n:::\n\n"


def style_of(p: etree._Element) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val")) if style is not None else ""


def test_a_changed_heading_keeps_the_newer_bookmark_once() -> None:
    body = compare(f"{TOC}Begin.\n\n## Costs of March\n\nEnd.\n",
                   f"{TOC}Begin.\n\n## Costs of April\n\nEnd.\n")
    heading = next(p for p in body.findall(w("p")) if style_of(p) == "Heading2")
    assert shown(heading) == [("", "Costs of "), ("-", "March"), ("+", "April")]
    assert [etree.QName(c).localname for c in heading if c.tag != w("pPr")] == [
        "bookmarkStart", "r", "del", "ins", "bookmarkEnd"], "the words inside the bookmark"
    assert heading.find(w("bookmarkStart")).get(w("name")) == "_Toc00000001"


def test_a_deleted_heading_takes_no_bookmark_along() -> None:
    """The older heading's bookmark would share its name with a newer one."""
    body = compare(f"{TOC}Begin.\n\n## Gone\n\n## Kept\n\nEnd.\n",
                   f"{TOC}Begin.\n\n## Kept\n\nEnd.\n")
    gone = next(p for p in body.findall(w("p")) if style_of(p) == "Heading2")
    assert shown(gone) == [("-", "Gone")]
    assert gone.find(f".//{w('bookmarkStart')}") is None
    assert gone.find(f".//{w('bookmarkEnd')}") is None
    names = [b.get(w("name")) for b in body.iter(w("bookmarkStart"))]
    assert names == ["_Toc00000001"]


def test_deleted_text_leaves_its_footnote_reference_behind() -> None:
    """The note lives in the older document only: Word would find no note of that id."""
    body = compare("Begin.\n\nGone[^1] now.\n\nEnd.\n\n[^1]: The old note.\n",
                   "Begin.\n\nEnd.\n")
    assert paragraphs(body)[1] == [("-", "Gone now.")]
    assert body.find(f".//{w('footnoteReference')}") is None


def test_a_changed_paragraph_keeps_its_footnote() -> None:
    body = compare("Begin.\n\nThe fee[^1] is due in March.\n\n[^1]: A note.\n",
                   "Begin.\n\nThe fee[^1] is due in April.\n\n[^1]: A note.\n")
    p = body.findall(w("p"))[1]
    assert shown(p) == [("", "The fee is due in "), ("-", "March"), ("+", "April"), ("", ".")]
    refs = list(p.iter(w("footnoteReference")))
    assert [r.get(w("id")) for r in refs] == ["1"]
    assert refs[0].getparent().getparent() is p, "kept, not inside an insertion"


def test_a_footnote_taken_out_of_a_changed_paragraph_is_struck() -> None:
    body = compare("Begin.\n\nThe fee[^1] is due in March.\n\n[^1]: A note.\n",
                   "Begin.\n\nThe fee is due in April.\n")
    p = body.findall(w("p"))[1]
    assert shown(p) == [("", "The fee"), ("-", ""), ("", " is due in "), ("-", "March"),
                        ("+", "April"), ("", ".")]
    assert p.find(f".//{w('footnoteReference')}") is None


# -- which blocks are paired ----------------------------------------------------------------

def test_a_heading_turned_body_text_is_found_by_its_text() -> None:
    """Blocks added around it: the paragraph with the same words is the changed one (its
    format recorded), not the one in its place."""
    body = compare("Begin.\n\n## Costs and fees\n\nThe end.\n",
                   "Begin.\n\nNew words here.\n\nCosts and **fees**\n\nOther words.\n\nThe end.\n")
    assert paragraphs(body) == [
        [("", "Begin.")], [("+", "New words here.")],
        [("", "Costs and "), ("-", "fees"), ("+", "fees")], [("+", "Other words.")],
        [("", "The end.")]]
    moved = body.findall(w("p"))[2]
    assert moved.find(f"{w('pPr')}/{w('pPrChange')}/{w('pPr')}/{w('pStyle')}").get(
        w("val")) == "Heading2"


def test_changed_paragraphs_are_paired_by_their_style() -> None:
    body = compare("Begin.\n\n## Costs\n\nThe fee is due in March.\n\nEnd.\n",
                   "Begin.\n\nIntro words.\n\n## Fees\n\nThe fee is due in April.\n\nEnd.\n")
    assert paragraphs(body) == [
        [("", "Begin.")], [("+", "Intro words.")], [("-", "Costs"), ("+", "Fees")],
        [("", "The fee is due in "), ("-", "March"), ("+", "April"), ("", ".")], [("", "End.")]]


def test_paragraphs_among_replaced_tables_are_changed_in_place() -> None:
    """Tables gone, others come, headings become paragraphs between: the tables are
    deleted and inserted whole, the k-th paragraph of each side changed into the other,
    each side in its order."""
    body = compare("Begin.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n## Costs\n\n### Notes\n\nEnd.\n",
                   "Begin.\n\n| C | D |\n|---|---|\n| 3 | 4 |\n\nFees\n\n"
                   "| E | F |\n|---|---|\n| 5 | 6 |\n\nRemarks\n\nEnd.\n")
    kinds = [(etree.QName(b).localname, shown(b) if b.tag == w("p") else
              sorted({s for tr in b.iter(w("tr")) for s in ("ins", "del")
                      if tr.find(f"{w('trPr')}/{w(s)}") is not None}),
              shown(b.findall(f".//{w('p')}")[0]) if b.tag == w("tbl") else None)
             for b in body if b.tag != w("sectPr")]
    assert kinds == [("p", [("", "Begin.")], None), ("tbl", ["ins"], [("+", "C")]),
                     ("tbl", ["del"], [("-", "A")]), ("p", [("-", "Costs"), ("+", "Fees")], None),
                     ("tbl", ["ins"], [("+", "E")]),
                     ("p", [("-", "Notes"), ("+", "Remarks")], None), ("p", [("", "End.")], None)]


def test_a_changed_cell_keeps_its_properties_first() -> None:
    body = compare(f"Begin.\n\n{TABLE}| M1 | plan it |\n\nEnd.\n",
                   f"Begin.\n\n{TABLE}| M1 | plan all |\n\nEnd.\n")
    cell = body.find(w("tbl")).findall(w("tr"))[1].findall(w("tc"))[1]
    assert [etree.QName(c).localname for c in cell] == ["tcPr", "p"]
    assert shown(cell.find(w("p"))) == [("", "plan "), ("-", "it"), ("+", "all")]


def test_a_deleted_first_row_comes_after_the_table_properties() -> None:
    """The header row itself matched further down: the older rows above it are deleted,
    and stand after w:tblPr and w:tblGrid (Word refuses a table in another order)."""
    older = f"Begin.\n\n{TABLE}| x | gone |\n| Id | row |\n| a | kept |\n\nEnd.\n"
    newer = f"Begin.\n\n{TABLE}| a | kept |\n\nEnd.\n"
    table = compare(older, newer).find(w("tbl"))
    assert [etree.QName(c).localname for c in table] == ["tblPr", "tblGrid", "tr", "tr", "tr",
                                                         "tr"]


def test_long_stretches_of_like_paragraphs_are_paired_one_to_one() -> None:
    """Two hundred equal paragraphs, all restyled, one added above: each pairs with its
    equal (difflib's "popular element" shortcut would pair them by position)."""
    older = "Begin.\n\n" + "Item.\n\n" * 200
    newer = "Begin.\n\n> New.\n\n" + "> Item.\n\n" * 200
    rows = paragraphs(compare(older, newer))
    assert rows[1] == [("+", "New.")]
    assert rows[2:] == [[("", "Item.")]] * 200


def test_a_row_added_amid_a_long_table_of_one_id_is_the_only_one_marked() -> None:
    """Two hundred rows of one date, one row of another added halfway: that row is
    inserted, no other row deleted and inserted (difflib's "popular element" shortcut
    would give up matching the rows after it)."""
    rows = [f"| 1 mrt | step {i} |\n" for i in range(200)]
    older = f"Begin.\n\n{TABLE}{''.join(rows)}\nEnd.\n"
    added = "| 2 mrt | added |\n"
    newer = f"Begin.\n\n{TABLE}{''.join(rows[:100])}{added}{''.join(rows[100:])}\nEnd.\n"
    table = compare(older, newer).find(w("tbl"))
    marked = [(s, shown(tr.find(f"{w('tc')}/{w('p')}"))) for tr in table.iter(w("tr"))
              for s in ("ins", "del") if tr.find(f"{w('trPr')}/{w(s)}") is not None]
    assert marked == [("ins", [("+", f"2{NBSP}mrt")])]


# -- blocks the Markdown never makes ----------------------------------------------------------
# A brand's header or footer, made in Word, is diffed as the body is: paragraphs with no
# properties, rows with no w:trPr, cells of several paragraphs, fields, content controls.

def with_body(xml: str) -> bytes:
    """A document of the writer's whose body is `xml` (its section properties kept)."""
    files = parts(docx("Begin.\n"))
    root = etree.fromstring(files["word/document.xml"])
    body = root.find(w("body"))
    body[:-1] = list(etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>'))
    files["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def compare_xml(older: str, newer: str) -> etree._Element:
    return compare_documents(with_body(older), with_body(newer))


def p_xml(*runs: str, props: str = "") -> str:
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def r_xml(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def row_xml(*cells: str, start: str = "") -> str:
    return "<w:tr>" + start + "".join(f"<w:tc>{c}</w:tc>" for c in cells) + "</w:tr>"


def table_xml(*rows: str) -> str:
    return ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
            '<w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>' + "".join(rows)
            + "</w:tbl>")


def test_rows_with_no_properties_get_their_mark_before_their_cells() -> None:
    """Inserted rows that start with a cell, a bookmark, a content control or custom XML:
    w:trPr goes first, where Word reads it."""
    head = row_xml(p_xml(r_xml("Id")), p_xml(r_xml("What")))
    cell = p_xml(r_xml("M2"))
    rows = [row_xml(cell, cell, start='<w:bookmarkStart w:id="7" w:name="row"/>'),
            row_xml(cell, cell),
            f"<w:tr><w:sdt><w:sdtContent><w:tc>{cell}</w:tc><w:tc>{cell}</w:tc></w:sdtContent>"
            "</w:sdt></w:tr>",
            f'<w:tr><w:customXml w:element="step"><w:tc>{cell}</w:tc></w:customXml>'
            f"<w:tc>{cell}</w:tc></w:tr>"]
    table = compare_xml(p_xml(r_xml("Begin.")) + table_xml(head),
                        p_xml(r_xml("Begin.")) + table_xml(head, *rows)).find(w("tbl"))
    added = table.findall(w("tr"))[1:]
    assert [[etree.QName(c).localname for c in tr][:2] for tr in added] == [
        ["trPr", "bookmarkStart"], ["trPr", "tc"], ["trPr", "sdt"], ["trPr", "customXml"]]
    assert all(tr[0][0].tag == w("ins") for tr in added)


def test_an_inserted_row_marks_every_paragraph_but_each_cell_last_and_inner_tables() -> None:
    head = row_xml(p_xml(r_xml("Id")), p_xml(r_xml("What")))
    inner = table_xml(row_xml(p_xml(r_xml("a")), p_xml(r_xml("b"))))
    added = row_xml(p_xml(r_xml("M2")) + p_xml(r_xml("more")), inner + p_xml(r_xml("")))
    table = compare_xml(table_xml(head) + p_xml(r_xml("End.")),
                        table_xml(head, added) + p_xml(r_xml("End."))).find(w("tbl"))
    first, second = table.findall(w("tr"))[1].findall(w("tc"))
    assert [mark_of(p) for p in first.findall(w("p"))] == ["ins", None]
    assert [shown(p) for p in first.findall(w("p"))] == [[("+", "M2")], [("+", "more")]]
    nested = second.find(w("tbl")).findall(w("tr"))
    assert [tr.find(f"{w('trPr')}/{w('ins')}") is not None for tr in nested] == [True]
    assert [shown(p) for p in nested[0].iter(w("p"))] == [[("+", "a")], [("+", "b")]]


def test_a_row_whose_cells_were_merged_is_deleted_and_inserted() -> None:
    head = row_xml(p_xml(r_xml("Id")), p_xml(r_xml("What")))
    old_row = row_xml(p_xml(r_xml("M1")), p_xml(r_xml("plan")))
    new_row = ('<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
               f'{p_xml(r_xml("M1"))}</w:tc></w:tr>')
    body = compare_xml(table_xml(head, old_row) + p_xml(r_xml("End.")),
                       table_xml(head, new_row) + p_xml(r_xml("End.")))
    assert rows_shown(body) == [
        (None, [[("", "Id")], [("", "What")]]), ("del", [[("-", "M1")], [("-", "plan")]]),
        ("ins", [[("+", "M1")]])]


def test_a_paragraph_with_no_properties_records_the_format_it_had() -> None:
    centred = '<w:pPr><w:jc w:val="center"/></w:pPr>'
    body = compare_xml(p_xml(r_xml("Page one of ten"), props=centred)
                       + p_xml(r_xml("Draft one")),
                       p_xml(r_xml("Page two of ten")) + p_xml(r_xml("Draft two")))
    first, second = body.findall(w("p"))
    assert shown(first) == [("", "Page "), ("-", "one"), ("+", "two"), ("", " of ten")]
    assert [etree.QName(c).localname for c in first.find(w("pPr"))] == ["pPrChange"]
    change = first.find(f"{w('pPr')}/{w('pPrChange')}")
    assert change.find(f"{w('pPr')}/{w('jc')}").get(w("val")) == "center"
    assert second.find(w("pPr")) is None, "no format before, none now"


def test_paragraphs_with_no_style_are_paired_in_order() -> None:
    body = compare_xml(p_xml(r_xml("Draft one")) + table_xml(row_xml(p_xml(r_xml("x")))),
                       p_xml(r_xml("Draft two")) + p_xml(r_xml("Draft three")))
    assert paragraphs(body)[:2] == [[("", "Draft "), ("-", "one"), ("+", "two")],
                                    [("+", "Draft three")]]


FIELD = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
         '<w:r><w:instrText xml:space="preserve"> {} </w:instrText></w:r>'
         '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r_xml("1")
         + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_a_changed_field_code_is_struck_and_underlined() -> None:
    """Rejected, a footer shows its page number again, not the page count."""
    body = compare_xml(p_xml(r_xml("Page "), FIELD.format("PAGE"), r_xml(" of the plan.")),
                       p_xml(r_xml("Page "), FIELD.format("NUMPAGES"), r_xml(" of the plan.")))
    p = body.find(w("p"))
    changes = [(etree.QName(c).localname, "".join(c.itertext())) for c in p
               if c.tag in (w("ins"), w("del"))]
    assert changes == [("del", " PAGE "), ("ins", " NUMPAGES ")]
    assert p.find(f"{w('del')}//{w('delInstrText')}") is not None
    assert p.find(f"{w('ins')}//{w('instrText')}") is not None
    assert len([c for c in p if c.tag == w("r") and c.find(w("fldChar")) is not None]) == 3
    assert "".join(p.itertext()).endswith("1 of the plan.")


@pytest.mark.parametrize("extra", ["", "<w:r><w:t/></w:r>"], ids=["field", "empty text"])
def test_a_paragraph_found_by_its_text_has_its_field_diffed(extra: str) -> None:
    """Text keys read the words (an empty w:t none), not the field codes: the footer line
    that moved is the one whose field changed."""
    old = p_xml(r_xml("Page "), extra, FIELD.format("PAGE"))
    new = p_xml(r_xml("Intro")) + p_xml(r_xml("Page "), FIELD.format("NUMPAGES"),
                                         props='<w:pPr><w:pStyle w:val="Footer"/></w:pPr>')
    body = compare_xml(old + table_xml(row_xml(p_xml(r_xml("x")))), new)
    assert paragraphs(body)[0] == [("+", "Intro")]
    assert mark_of(body.findall(w("p"))[1]) is None


@pytest.mark.parametrize(("kind", "expected"), [
    # the same mark: words (and spaces) in common, word by word
    ("spellStart", [("-", "a"), ("+", "c"), ("", " "), ("-", "b"), ("+", "d"), ("", ".")]),
    # another mark: too little in common, the text read whole
    ("gramStart", [("-", "a b."), ("+", "c d.")]),
])
def test_a_mark_that_is_not_text_counts_as_kept_only_when_unchanged(
        kind: str, expected: list[tuple[str, str]]) -> None:
    """Word's proofing marks (w:proofErr) in a footer: compared whole, the newer kept."""
    mark = '<w:proofErr w:type="{}"/>'
    body = compare_xml(p_xml(mark.format("spellStart"), r_xml("a b.")),
                       p_xml(mark.format(kind), r_xml("c d.")))
    p = body.find(w("p"))
    assert shown(p) == expected
    assert [f.get(w("type")) for f in p.iter(w("proofErr"))] == [kind]


def test_a_link_keeps_its_symbols_and_proofing_marks_inside() -> None:
    link = ('<w:hyperlink w:anchor="top">' + r_xml("Back") + '<w:proofErr w:type="spellStart"/>'
            '<w:r><w:sym w:font="Wingdings" w:char="F0E1"/></w:r></w:hyperlink>')
    body = compare_xml(p_xml(link, r_xml(" to March.")), p_xml(link, r_xml(" to April.")))
    p = body.find(w("p"))
    links = p.findall(w("hyperlink"))
    assert len(links) == 1
    assert [etree.QName(c).localname for c in links[0]] == ["r", "proofErr", "r"]
    assert links[0][2].find(w("sym")) is not None
    assert shown(p) == [("", "<Back> to "), ("-", "March"), ("+", "April"), ("", ".")]


def test_a_content_control_block_is_shown_as_it_is_now() -> None:
    """A block the writer never makes (a brand's w:sdt) among changed blocks: kept as the
    newer document has it, the paragraphs around it compared as usual."""
    control = (f'<w:sdt><w:sdtPr><w:alias w:val="Status"/></w:sdtPr><w:sdtContent>'
               f'{p_xml(r_xml("Final"))}</w:sdtContent></w:sdt>')
    body = compare_xml(p_xml(r_xml("Begin.")), control + p_xml(r_xml("Begun.")))
    assert [etree.QName(b).localname for b in body] == ["sdt", "p", "sectPr"]
    assert body[0].find(f"{w('sdtPr')}/{w('alias')}").get(w("val")) == "Status"
    assert paragraphs(body) == [[("-", "Begin"), ("+", "Begun"), ("", ".")]]
