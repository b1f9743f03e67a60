"""Inline Markdown as a reader sees it in Word: runs, their formatting, links and breaks."""

from __future__ import annotations

import pytest
from lxml import etree
from markdown_it.token import Token

from generator.writer.converter import Converter, DocumentMeta, MarkdownError
from generator.writer.inline import unbroken_dates
from generator.writer.oxml import XML_SPACE
from generator.writer.render import Renderer, RidAllocator
from tests.writer.conftest import FIXTURES, NS, Docx

NNBSP, NBSP = "\u202f", "\u00a0"


def convert(converter: Converter, markdown: str, language: str = "en-GB") -> Docx:
    meta = DocumentMeta(title="T", language=language)
    return Docx(converter.convert(markdown, meta, base_dir=FIXTURES))


def runs(docx: Docx, paragraph: etree._Element) -> list[tuple[str, dict[str, str | None]]]:
    """Each text run of `paragraph`: (its text as Word shows it, its direct formatting)."""
    found = []
    for run in paragraph.xpath(".//w:r[w:t]", namespaces=NS):
        rpr = run.find("w:rPr", NS)
        props = {} if rpr is None else {
            etree.QName(p).localname: p.get(f"{{{NS['w']}}}val") for p in rpr}
        found.append((docx.text(run), props))
    return found


def body_paragraph(docx: Docx, index: int = 0) -> etree._Element:
    return docx.body.findall("w:p", NS)[index]


# -- dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "pieces"), [
    ("no date here", ["no date here"]),
    ("2027-06-14", ["2027", "06", "14"]),
    ("from 2027-06-14 to 2027-07-01.", ["from 2027", "06", "14 to 2027", "07", "01."]),
    ("a range 2027-2028 and a code A-12-34", ["a range 2027-2028 and a code A-12-34"]),
])
def test_an_iso_date_is_cut_at_its_two_hyphens(text: str, pieces: list[str]) -> None:
    assert unbroken_dates(text) == pieces


@pytest.mark.parametrize("markdown", ["From 2027-06-14 on.", "From **2027-06-14** on."])
def test_a_date_reads_as_typed_joined_by_non_breaking_hyphens(converter: Converter,
                                                                markdown: str) -> None:
    docx = convert(converter, markdown)
    paragraph = body_paragraph(docx)
    assert docx.text(paragraph) == "From 2027-06-14 on."
    assert len(paragraph.findall(".//w:noBreakHyphen", NS)) == 2
    texts = [t.text for t in paragraph.iterfind(".//w:t", NS)]
    assert "".join(texts) == "From 20270614 on.", "the hyphens are Word's, not typed"


# -- runs and their formatting -----------------------------------------------------------

def test_plain_text_is_one_run_without_formatting(converter: Converter) -> None:
    docx = convert(converter, "Plain words\non two lines.")
    assert runs(docx, body_paragraph(docx)) == [("Plain words on two lines.", {})]


def test_text_then_one_other_piece_keeps_both(converter: Converter) -> None:
    docx = convert(converter, "Run `interim build`")
    assert runs(docx, body_paragraph(docx)) == [
        ("Run ", {}), ("interim build", {"rStyle": "VerbatimChar"})]


def test_nested_emphasis_ends_where_it_is_closed(converter: Converter) -> None:
    docx = convert(converter, "**a *b* ~~c~~ d** e *f* ~~g~~ h")
    bold, italic, strike = {"b": None, "bCs": None}, {"i": None, "iCs": None}, {"strike": None}
    assert runs(docx, body_paragraph(docx)) == [
        ("a ", bold), ("b", bold | italic), (" ", bold), ("c", bold | strike),
        (" d", bold), (" e ", {}), ("f", italic), (" ", {}), ("g", strike), (" h", {})]


@pytest.mark.parametrize(("markdown", "props"), [
    ("**a __b__ c** d", {"b": None, "bCs": None}),
    ("*a _b_ c* d", {"i": None, "iCs": None}),
    ("~~a ~~b~~ c~~ d", {"strike": None}),
])
def test_emphasis_inside_the_same_emphasis_ends_with_the_outer(converter: Converter,
                                                               markdown: str,
                                                               props: dict[str, None]) -> None:
    docx = convert(converter, markdown)
    assert runs(docx, body_paragraph(docx)) == [("a b c", props), (" d", {})]


def test_a_run_keeps_the_spaces_at_its_ends_only(converter: Converter) -> None:
    docx = convert(converter, "head **bold** tail and a b")
    space = {t.text: t.get(XML_SPACE) for t in body_paragraph(docx).iterfind(".//w:t", NS)}
    assert space == {"head ": "preserve", "bold": None, " tail and a b": "preserve"}
    docx = convert(converter, "*x* middle y *z*")
    space = {t.text: t.get(XML_SPACE) for t in body_paragraph(docx).iterfind(".//w:t", NS)}
    assert space == {"x": None, " middle y ": "preserve", "z": None}


def test_code_links_and_classes_take_their_character_styles(converter: Converter) -> None:
    docx = convert(converter, "Run `interim build` for [at risk]{.status-at-risk} and "
                              "[odd]{.no-such-class} [site](https://example.com).")
    assert runs(docx, body_paragraph(docx)) == [
        ("Run ", {}), ("interim build", {"rStyle": "VerbatimChar"}), (" for ", {}),
        ("at risk", {"rStyle": "StatusAtRisk"}), (" and odd ", {}),
        ("site", {"rStyle": "Hyperlink"}), (".", {})]


def test_a_header_cell_is_bold_in_the_header_colour(converter: Converter) -> None:
    docx = convert(converter, "| Owner | *Due* date |\n|---|---|\n| Anna | May |\n")
    header, row = docx.body.findall("w:tbl/w:tr", NS)[:2]
    head = {"b": None, "bCs": None, "color": "FFFFFF"}
    assert runs(docx, header) == [("Owner", head), ("Due", head | {"i": None, "iCs": None}),
                                  (" date", head)]
    assert runs(docx, row) == [("Anna", {}), ("May", {})]


def test_a_hard_break_carries_the_formatting_of_its_text(converter: Converter) -> None:
    docx = convert(converter, "**first\\\nsecond**")
    paragraph = body_paragraph(docx)
    assert [docx.text(r) for r in paragraph.findall("w:r", NS)] == ["first", "", "second"]
    brk = paragraph.findall("w:r", NS)[1]
    assert brk.find("w:br", NS) is not None
    assert brk.find("w:rPr/w:b", NS) is not None, "the break's line is as high as its text's"


# -- typography --------------------------------------------------------------------------

def test_french_spacing_follows_the_text_before_a_piece(converter: Converter) -> None:
    docx = convert(converter, "**Statut**: en cours\n\n? Une question", language="fr-BE")
    assert docx.text(body_paragraph(docx, 0)) == f"Statut{NNBSP}: en cours"
    assert docx.text(body_paragraph(docx, 1)) == "? Une question", "nothing before it"
    english = convert(converter, "**Status**: ongoing")
    assert docx.text(body_paragraph(english)) == "Status: ongoing"


def test_a_date_in_prose_is_held_together_in_a_table_only_its_day_and_month(
        converter: Converter) -> None:
    docx = convert(converter, "Starts 14 June 2027.\n\n| When |\n|---|\n| 14 June 2027 |\n")
    assert docx.text(body_paragraph(docx)) == f"Starts 14{NBSP}June{NBSP}2027."
    cell = docx.body.findall("w:tbl/w:tr", NS)[1]
    assert docx.text(cell) == f"14{NBSP}June 2027", "a narrow column may break before the year"


# -- links -------------------------------------------------------------------------------

def test_links_are_real_hyperlinks_one_relationship_per_address(converter: Converter) -> None:
    docx = convert(converter, "[one](https://example.com/a) [two](https://example.com/a) "
                              "[three](#summary)")
    links = body_paragraph(docx).findall("w:hyperlink", NS)
    rid = f"{{{NS['r']}}}id"
    assert [docx.text(link) for link in links] == ["one", "two", "three"]
    assert [link.get(f"{{{NS['w']}}}history") for link in links] == ["1", "1", "1"]
    assert links[0].get(rid) == links[1].get(rid) is not None
    assert links[2].get(f"{{{NS['w']}}}anchor") == "summary" and links[2].get(rid) is None
    targets = [rel for rel in docx.rels().values() if rel.get("Target") == "https://example.com/a"]
    assert len(targets) == 1 and targets[0].get("Id") == links[0].get(rid)
    assert targets[0].get("TargetMode") == "External"
    assert targets[0].get("Type").endswith("/hyperlink")


def test_a_refused_link_is_quoted_shortened_with_the_hint(converter: Converter) -> None:
    href = "javascript:" + "x" * 70
    with pytest.raises(MarkdownError) as info:
        convert(converter, f"Intro.\n\nSee [it]({href}).")
    error = info.value
    assert error.line == 3
    assert error.message == (f"link to '{href[:60]}' is not allowed "
                             "(refused scheme: javascript)")
    assert "mailto" in error.hint and str(error).endswith(f"({error.hint})")


@pytest.mark.parametrize(("markdown", "line"), [
    ("# H\n\nfirst line\\\nsecond [x](javascript:void(0))\n", 4),
    ("# H\n\nfirst\\\nsecond\\\nthird [x](javascript:void(0))\n", 5),
])
def test_a_hard_break_counts_a_line(converter: Converter, markdown: str, line: int) -> None:
    with pytest.raises(MarkdownError) as info:
        convert(converter, markdown)
    assert info.value.line == line


def test_an_unknown_inline_token_is_refused_at_its_line(converter: Converter) -> None:
    template = converter.template
    renderer = Renderer(template, base_dir=FIXTURES, images={}, sect_pr=template.sect_pr,
                        rids=RidAllocator(100), first_num_id=1)
    inline = Token("inline", "", 0, map=[6, 8], children=[
        Token("text", "", 0, content="a"), Token("softbreak", "br", 0),
        Token("math_inline", "", 0, content="x")])
    tokens = [Token("paragraph_open", "p", 1, map=[6, 8]), inline,
              Token("paragraph_close", "p", -1)]
    with pytest.raises(MarkdownError) as info:
        renderer.render(tokens)
    assert info.value.line == 8, "the line of the token, after the soft break"
    assert info.value.message == "unsupported inline Markdown construct 'math_inline'"
