"""Markdown blocks as a reader sees them in Word: paragraph styles, spacing, lists, code,
rules, figures, footnotes and the contents page's bookmarks."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from markdown_it.token import Token

from generator.writer.converter import Converter, DocumentMeta, MarkdownError
from generator.writer.numbering import list_indent
from generator.writer.oxml import XML_SPACE
from generator.writer.render import Renderer, RidAllocator
from generator.writer.table import SPACE_AFTER_BLOCK
from tests.writer.conftest import FIXTURES, NS, Docx, variant_template

W = f"{{{NS['w']}}}"


def convert(converter: Converter, markdown: str) -> Docx:
    return Docx(converter.convert(markdown, DocumentMeta(title="T"), base_dir=FIXTURES))


def layout(docx: Docx) -> list[tuple[str, str | None, dict[str, str]]]:
    """Each body paragraph: (text, style, the direct paragraph properties a reader sees)."""
    found = []
    for p in docx.body.findall("w:p", NS):
        ppr = p.find("w:pPr", NS)
        props: dict[str, str] = {}
        if ppr is not None:
            for name, path, attr in (("before", "w:spacing", "before"), ("ind", "w:ind", "left"),
                                     ("jc", "w:jc", "val"), ("ilvl", "w:numPr/w:ilvl", "val")):
                node = ppr.find(path, NS)
                if node is not None:
                    props[name] = node.get(W + attr)
        found.append((docx.text(p), docx.style_of(p), props))
    return found


def renderer(converter: Converter) -> Renderer:
    template = converter.template
    return Renderer(template, base_dir=FIXTURES, images={}, sect_pr=template.sect_pr,
                    rids=RidAllocator(100), first_num_id=1)


# -- paragraphs ----------------------------------------------------------------------------

def test_the_paragraph_after_a_heading_is_a_first_paragraph(converter: Converter) -> None:
    docx = convert(converter, "# One\n\nA\n\nB\n\n## Two\n\nC\n\n#### Four\n\nD\n")
    assert layout(docx) == [
        ("One", "Heading1", {}), ("A", "FirstParagraph", {}), ("B", "BodyText", {}),
        ("Two", "Heading2", {}), ("C", "FirstParagraph", {}), ("Four", "Heading4", {}),
        ("D", "FirstParagraph", {})]


def test_a_document_opens_with_a_first_paragraph(converter: Converter) -> None:
    docx = convert(converter, "Intro.\n\nMore.\n")
    assert layout(docx) == [("Intro.", "FirstParagraph", {}), ("More.", "BodyText", {})]
    settings = docx.xml("word/settings.xml")
    assert settings.find("w:updateFields", NS) is None, "no contents page to update"


@pytest.mark.parametrize("block", ["- a\n- b", "| a |\n|---|\n| 1 |", "- a\n  - b"])
def test_the_paragraph_after_a_list_or_table_keeps_its_distance(converter: Converter,
                                                                 block: str) -> None:
    docx = convert(converter, f"# H\n\n{block}\n\nAfter.\n\nNext.\n")
    after, following = layout(docx)[-2:]
    assert after == ("After.", "BodyText", {"before": str(SPACE_AFTER_BLOCK)})
    assert following == ("Next.", "BodyText", {}), "only the first paragraph after it"


def test_a_heading_after_a_list_starts_afresh(converter: Converter) -> None:
    docx = convert(converter, "- a\n\n# H\n\nText.\n")
    assert layout(docx)[-1] == ("Text.", "FirstParagraph", {})


def test_the_paragraph_after_code_is_body_text(converter: Converter) -> None:
    docx = convert(converter, "# H\n\n```\nx\n```\n\nText.\n")
    assert layout(docx)[-1] == ("Text.", "BodyText", {})


def test_a_quote_is_block_text_until_it_ends(converter: Converter) -> None:
    docx = convert(converter, "# H\n\n> quoted\n>\n> > deeper\n\nAfter.\n")
    assert layout(docx)[1:] == [("quoted", "BlockText", {}), ("deeper", "BlockText", {}),
                                ("After.", "FirstParagraph", {})]


def test_a_horizontal_rule_is_a_bordered_empty_paragraph(converter: Converter) -> None:
    docx = convert(converter, "Above.\n\n---\n\nBelow.\n")
    rule = docx.body.findall("w:p", NS)[1]
    assert docx.text(rule) == ""
    assert rule.find("w:pPr/w:pBdr/w:bottom", NS).get(W + "val") == "single"


# -- lists ---------------------------------------------------------------------------------

def test_list_items_are_numbered_and_their_further_paragraphs_indented(
        converter: Converter) -> None:
    docx = convert(converter, "1. first\n\n   more of first\n\n   - inner\n\n     more inner\n"
                              "2. second\n\n- tight\n- list\n")
    first, inner = list_indent(0)[0], list_indent(1)[0]
    assert layout(docx) == [
        ("first", "BodyText", {"ilvl": "0"}), ("more of first", "BodyText", {"ind": str(first)}),
        ("inner", "BodyText", {"ilvl": "1"}), ("more inner", "BodyText", {"ind": str(inner)}),
        ("second", "BodyText", {"ilvl": "0"}), ("tight", "Compact", {"ilvl": "0"}),
        ("list", "Compact", {"ilvl": "0"})]


def test_lists_take_the_numbering_of_their_kind_and_start(converter: Converter) -> None:
    docx = convert(converter, "3. three\n4. four\n\nText.\n\n- dot\n")
    numbering = docx.xml("word/numbering.xml")
    nums = {num.get(W + "numId"): (num.find("w:abstractNumId", NS).get(W + "val"),
                                   num.find(".//w:startOverride", NS).get(W + "val"))
            for num in numbering.findall("w:num", NS)}
    ids = [p.find("w:pPr/w:numPr/w:numId", NS) for p in docx.body.findall("w:p", NS)]
    ordered, bullet = ids[0].get(W + "val"), ids[3].get(W + "val")
    template = converter.template
    assert nums[ordered] == (str(template.ordered_abstract), "3")
    assert nums[bullet] == (str(template.bullet_abstract), "1")
    assert int(bullet) == int(ordered) + 1, "each list its own numbering"


def test_a_list_in_a_style_block_takes_the_innermost_style(converter: Converter) -> None:
    docx = convert(converter, "::::: style Title\n:::: style Subtitle\n::: style Block Text\n"
                              "- x\n\n  more\n:::\n\n- y\n::::\n:::::\n")
    assert layout(docx) == [("x", "BlockText", {"ilvl": "0"}),
                            ("more", "BlockText", {"ind": str(list_indent(0)[0])}),
                            ("y", "Subtitle", {"ilvl": "0"})]


def test_an_empty_list_item_still_shows_its_number(converter: Converter) -> None:
    docx = convert(converter, "1. a\n2.\n3. c\n")
    assert layout(docx) == [("a", "Compact", {"ilvl": "0"}), ("", "Compact", {"ilvl": "0"}),
                            ("c", "Compact", {"ilvl": "0"})]


# -- code ----------------------------------------------------------------------------------

def test_a_code_block_keeps_its_lines_and_indentation(converter: Converter) -> None:
    docx = convert(converter, "```\n\tindented\n\n  SELECT MAX  \n```\n")
    (p,) = docx.body.findall("w:p", NS)
    assert docx.style_of(p) == "SourceCode"
    (run,) = p.findall("w:r", NS)
    assert [(etree.QName(c).localname, c.get(W + "val")) for c in run.find("w:rPr", NS)] == [
        ("rStyle", "VerbatimChar")], "the code style alone: not bold, italic or struck"
    pieces = [(etree.QName(c).localname, c.text, c.get(XML_SPACE)) for c in run
              if etree.QName(c).localname != "rPr"]
    assert pieces == [("t", "    indented", "preserve"), ("br", None, None),
                      ("br", None, None), ("t", "  SELECT MAX  ", "preserve")]


def test_every_code_block_is_in_the_code_style(converter: Converter) -> None:
    docx = convert(converter, "```\none\n```\n\nText.\n\n```\ntwo\n```\n")
    styles = [r.find("w:rPr/w:rStyle", NS) for r in docx.body.iter(W + "r")]
    assert [s.get(W + "val") if s is not None else None for s in styles] == [
        "VerbatimChar", None, "VerbatimChar"]


def test_a_document_may_end_with_a_page_break(converter: Converter) -> None:
    docx = convert(converter, "Text.\n\n::: pagebreak\n:::\n")
    last = docx.body.findall("w:p", NS)[-1]
    assert last.find("w:r/w:br", NS).get(W + "type") == "page"


def test_a_document_may_end_with_an_empty_heading(converter: Converter) -> None:
    docx = convert(converter, "Text.\n\n#\n")
    assert layout(docx) == [("Text.", "FirstParagraph", {}), ("", "Heading1", {})]
    assert docx.body[-1].tag == W + "sectPr", "the document's own section"


def test_a_code_block_in_a_list_is_indented_with_it(converter: Converter) -> None:
    docx = convert(converter, "- item\n\n  ```\n  code\n  ```\n\n# H\n\n```\nx\n```\n")
    code = [row for row in layout(docx) if row[1] == "SourceCode"]
    assert code == [("code", "SourceCode", {"ind": str(list_indent(0)[0])}),
                    ("x", "SourceCode", {})]


# -- figures and footnotes -----------------------------------------------------------------

def test_a_lone_picture_is_a_centred_figure_with_its_caption(converter: Converter) -> None:
    docx = convert(converter, "# H\n\n![Costs per month](chart.png)\n\nAfter.\n")
    rows = layout(docx)
    assert rows[1] == ("", "CaptionedFigure", {"jc": "center"})
    assert rows[2:] == [("Costs per month", "ImageCaption", {}),
                        ("After.", "FirstParagraph", {})]
    two = convert(converter, "![A](chart.png)\n\n![B](chart.png)\n")
    assert [d.get("id") for d in two.body.iter(f"{{{NS['wp']}}}docPr")] == ["1", "2"]


@pytest.mark.parametrize("markdown", ["> ![Costs](chart.png)", "- ![Costs](chart.png)",
                                      "![](chart.png)"])
def test_a_picture_in_a_quote_or_list_or_without_text_has_no_caption(
        converter: Converter, markdown: str) -> None:
    docx = convert(converter, markdown + "\n")
    assert [row[1] for row in layout(docx)].count("ImageCaption") == 0
    assert docx.body.find(".//w:drawing", NS) is not None


def test_a_footnote_opens_with_its_raised_number(converter: Converter) -> None:
    docx = convert(converter, "Text.[^n]\n\n[^n]: The note.\n")
    note = docx.xml("word/footnotes.xml").find("w:footnote[@w:id='1']", NS)
    (p,) = note.findall("w:p", NS)
    assert docx.style_of(p) == "FootnoteText"
    first, space, text = p.findall("w:r", NS)
    assert first.find("w:footnoteRef", NS) is not None
    assert first.find("w:rPr/w:rStyle", NS).get(W + "val") == "FootnoteReference"
    assert first.find("w:rPr/w:vertAlign", NS).get(W + "val") == "superscript"
    assert (docx.text(space), docx.text(text)) == (" ", "The note.")
    assert space.find("w:t", NS).get(XML_SPACE) == "preserve"


def test_only_a_footnote_s_first_paragraph_has_its_number(converter: Converter) -> None:
    docx = convert(converter, "Text.[^n]\n\n[^n]: First.\n\n    Second.\n")
    note = docx.xml("word/footnotes.xml").find("w:footnote[@w:id='1']", NS)
    assert [(docx.text(p), p.find(".//w:footnoteRef", NS) is not None)
            for p in note.findall("w:p", NS)] == [(" First.", True), ("Second.", False)]


def test_a_footnote_citing_itself_is_refused_at_its_line(converter: Converter) -> None:
    with pytest.raises(MarkdownError) as info:
        convert(converter, "Text.[^a]\n\n[^a]: See[^a].\n")
    assert (info.value.line, info.value.message) == (
        3, "footnote [^a] cites itself ([^a] → [^a])")
    assert info.value.hint == ("a note may cite other notes, but never itself, and not in "
                               "long chains")


# -- the contents page ---------------------------------------------------------------------

def test_headings_to_level_three_are_bookmarked_for_the_contents(converter: Converter) -> None:
    docx = convert(converter, "::: toc Contents\n:::\n\n# One\n\n## Two\n\n### Three\n\n"
                              "#### Four\n")
    marks = {}
    for p in docx.body.findall("w:p", NS):
        start, end = p.find("w:bookmarkStart", NS), p.find("w:bookmarkEnd", NS)
        if start is not None:
            assert end.get(W + "id") == start.get(W + "id")
            assert p.index(start) < p.index(p.find("w:r", NS)) < p.index(end)
            marks[docx.text(p)] = (start.get(W + "id"), start.get(W + "name"))
    assert {k: v for k, v in marks.items() if k in ("One", "Two", "Three", "Four")} == {
        "One": ("1", "_Toc00000001"), "Two": ("2", "_Toc00000002"),
        "Three": ("3", "_Toc00000003")}
    entries = [docx.text(p) for p in docx.body.iter(W + "p")
               if (docx.style_of(p) or "").startswith("TOC") and docx.style_of(p) != "TOCHeading"]
    assert entries == ["One", "Two", "Three"]
    styles = [docx.style_of(p) for p in docx.body.iter(W + "p")
              if docx.text(p) in ("One", "Two", "Three") and docx.style_of(p).startswith("TOC")]
    assert styles == ["TOC1", "TOC2", "TOC3"]


def test_a_contents_page_without_headings_is_an_empty_field(converter: Converter) -> None:
    docx = convert(converter, "::: toc Contents\n:::\n\nText after.\n\n> quoted\n")
    rows = layout(docx)
    assert rows[0] == ("Contents", "TOCHeading", {})
    assert rows[1][:2] == ("", None), "the field alone: Word fills it in"
    assert rows[2:] == [("Text after.", "FirstParagraph", {}), ("quoted", "BlockText", {})]


def test_without_a_contents_page_headings_have_no_bookmarks(converter: Converter) -> None:
    docx = convert(converter, "::: pagebreak\n:::\n\n# One\n\n## Two\n")
    assert docx.body.find(".//w:bookmarkStart", NS) is None


# -- refusals ------------------------------------------------------------------------------

def test_a_landscape_block_never_closed_is_refused_at_its_line(converter: Converter) -> None:
    """markdown-it closes an open `:::` at the end of the text; a token stream from
    elsewhere (a plugin) may not."""
    opened = Token("container_directive_open", "div", 1, map=[2, 6], info=" landscape")
    with pytest.raises(MarkdownError) as info:
        renderer(converter).render([opened])
    assert (info.value.line, info.value.message, info.value.hint) == (
        3, "'::: landscape' is never closed", "add a line ':::'")


def test_a_block_no_rule_knows_is_refused_by_name(converter: Converter) -> None:
    with pytest.raises(MarkdownError) as info:
        renderer(converter).render([Token("html_block", "", 0, map=[1, 2])])
    assert (info.value.line, info.value.message) == (2, "unsupported Markdown construct "
                                                        "'html_block'")


@pytest.mark.parametrize(("markdown", "line"), [
    ("Intro.\n\n# See [x](javascript:1)\n", 3),
    ("::: toc Contents\n:::\n\n# See [x](javascript:1)\n", 4),
    ("Intro.\n\n| A |\n|---|\n| [x](javascript:1) |\n", 5),
])
def test_a_refused_link_in_a_heading_or_cell_names_its_line(converter: Converter,
                                                            markdown: str, line: int) -> None:
    with pytest.raises(MarkdownError) as info:
        convert(converter, markdown)
    assert info.value.line == line


def test_inline_content_outside_a_block_is_refused(converter: Converter) -> None:
    with pytest.raises(MarkdownError) as info:
        renderer(converter).render([Token("inline", "", 0, map=[4, 5], children=[])])
    assert (info.value.line, info.value.message) == (5, "inline content outside a block")


def test_a_header_row_is_shaded_when_no_table_style_says_how(converter: Converter,
                                                             tmp_path: Path) -> None:
    def rename(parts: dict[str, bytes]) -> None:
        parts["word/styles.xml"] = parts["word/styles.xml"].replace(
            b'<w:name w:val="Table"/>', b'<w:name w:val="Firm grid"/>', 1)

    markdown = "| Owner |\n|---|\n| Anna |\n"
    plain = convert(Converter(variant_template(tmp_path, rename)), markdown)
    header, row = plain.body.findall("w:tbl/w:tr", NS)
    shd = header.find("w:tc/w:tcPr/w:shd", NS)
    assert {k.removeprefix(W): v for k, v in shd.attrib.items()} == {
        "val": "clear", "color": "auto", "fill": "D9E2F3"}
    assert row.find("w:tc/w:tcPr/w:shd", NS) is None
    styled = convert(converter, markdown).body.find("w:tbl/w:tr", NS)
    fill = styled.find("w:tc/w:tcPr/w:shd", NS).get(W + "fill")
    assert fill == "1F3864", "the Table style's header shading, set on the cell"

    def unshaded(parts: dict[str, bytes]) -> None:
        parts["word/styles.xml"] = parts["word/styles.xml"].replace(
            b'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F3864"/></w:tcPr>', b"", 1)

    (tmp_path / "own").mkdir()
    own = convert(Converter(variant_template(tmp_path / "own", unshaded)), markdown)
    header = own.body.find("w:tbl/w:tr", NS)
    assert header.find("w:tc/w:tcPr/w:shd", NS) is None, "the Table style says: no shading"
