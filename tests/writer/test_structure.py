"""The fixture exercising every construct becomes real Word structure."""

from __future__ import annotations

from tests.writer.conftest import NS, Docx

W = f"{{{NS['w']}}}"
R_ID = f"{{{NS['r']}}}id"
R_EMBED = f"{{{NS['r']}}}embed"


def test_paragraph_styles(docx: Docx) -> None:
    assert docx.style_of(docx.paragraph("Quarterly Steering Report")) == "Title"
    assert docx.style_of(docx.paragraph("Interim management")) == "Subtitle"
    assert docx.style_of(docx.paragraph("Executive summary")) in ("TOC1", "Heading1")
    headings = [p for p in docx.paragraphs() if docx.style_of(p) == "Heading1"]
    assert [docx.text(p) for p in headings] == ["Executive summary"]
    assert docx.style_of(docx.paragraph("The programme is")) == "FirstParagraph"
    assert docx.style_of(docx.paragraph("Second paragraph")) == "BodyText"
    assert docx.style_of(docx.paragraph("First action")) == "Compact"
    assert docx.style_of(docx.paragraph("A block quote")) == "BlockText"
    assert docx.style_of(docx.paragraph("Level four")) == "Heading4"
    code = docx.paragraph("def hello():")
    assert docx.style_of(code) == "SourceCode"
    assert len(code.findall(".//w:br", NS)) == 1  # line break kept
    assert "    return" in docx.text(code)


def test_inline_formatting_sets_only_true_properties(docx: Docx) -> None:
    p = docx.paragraph("The programme is")
    runs = {docx.text(r): r for r in p.findall("w:r", NS)}
    assert runs["on schedule"].find("w:rPr/w:b", NS) is not None
    assert runs["minor"].find("w:rPr/w:i", NS) is not None
    assert runs["cancelled"].find("w:rPr/w:strike", NS) is not None
    assert runs["interim build"].find("w:rPr/w:rStyle", NS).get(W + "val") == "VerbatimChar"
    assert runs["at risk"].find("w:rPr/w:rStyle", NS).get(W + "val") == "StatusAtRisk"
    assert runs["late"].find("w:rPr/w:rStyle", NS).get(W + "val") == "StatusLate"
    assert "odd" in docx.text(p)  # unknown class: plain text, no error
    assert not docx.body.xpath(".//w:b[@w:val='0' or @w:val='false']", namespaces=NS)
    assert p.findall(".//w:br", NS)  # hard break


def test_raw_html_is_literal_text(docx: Docx) -> None:
    text = docx.text(docx.paragraph("The programme is"))
    assert "<b>x</b>" in text
    assert "<script>alert(1)</script>" in text


def test_hyperlinks_are_real(docx: Docx) -> None:
    rels = docx.rels()
    links = docx.body.findall(".//w:hyperlink[@r:id]", NS)
    targets = {rels[link.get(R_ID)].get("Target") for link in links}
    assert "https://example.com/report?a=1&b=2" in targets
    assert "https://example.org" in targets
    for link in links:
        rel = rels[link.get(R_ID)]
        assert rel.get("TargetMode") == "External"
        assert link.find("w:r/w:rPr/w:rStyle", NS).get(W + "val") == "Hyperlink"


def _num(p) -> tuple[int, int]:
    return (
        int(p.find("w:pPr/w:numPr/w:numId", NS).get(W + "val")),
        int(p.find("w:pPr/w:numPr/w:ilvl", NS).get(W + "val")),
    )


def test_lists_restart_and_nest(docx: Docx) -> None:
    numbering = docx.xml("word/numbering.xml")
    starts = {
        int(num.get(W + "numId")): int(num.find(".//w:startOverride", NS).get(W + "val"))
        for num in numbering.findall("w:num", NS)
    }
    first, first_lvl = _num(docx.paragraph("First action"))
    nested, nested_lvl = _num(docx.paragraph("nested bullet"))
    deep, deep_lvl = _num(docx.paragraph("deep ordered"))
    third, third_lvl = _num(docx.paragraph("Third action"))
    restart, _ = _num(docx.paragraph("Restart one"))
    three, _ = _num(docx.paragraph("Starts at three"))
    assert (first_lvl, nested_lvl, deep_lvl, third_lvl) == (0, 1, 2, 0)
    assert third == first  # continues counting after the nested list
    assert len({first, nested, deep, restart, three}) == 5
    assert starts[first] == 1 and starts[restart] == 1 and starts[three] == 3
    # abstractNums precede every num
    tags = [child.tag for child in numbering]
    assert max(i for i, t in enumerate(tags) if t == W + "abstractNum") < tags.index(W + "num")


def test_table(docx: Docx) -> None:
    tables = docx.body.findall(".//w:tbl", NS)
    table = tables[0]
    rows = table.findall("w:tr", NS)
    assert len(rows) == 4 and all(len(r.findall("w:tc", NS)) == 3 for r in rows)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert rows[1].find("w:trPr/w:tblHeader", NS) is None
    assert table.find("w:tblPr/w:tblStyle", NS).get(W + "val") == "Table"
    assert docx.text(rows[1].findall("w:tc", NS)[0]) == "Finance | Control"
    header_run = rows[0].find(".//w:r", NS)
    assert header_run.find("w:rPr/w:b", NS) is not None
    aligns = [tc.find(".//w:jc", NS).get(W + "val") for tc in rows[1].findall("w:tc", NS)]
    assert aligns == ["left", "center", "right"]
    widths = [int(c.get(W + "w")) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) <= 11906 - 2 * 1418
    cell_p = rows[1].find(".//w:p", NS)
    assert docx.style_of(cell_p) == "Compact"


def test_footnotes(docx: Docx) -> None:
    notes = docx.xml("word/footnotes.xml")
    ids = [n.get(W + "id") for n in notes.findall("w:footnote", NS)]
    assert ids[:2] == ["-1", "0"]
    texts = [docx.text(n) for n in notes.findall("w:footnote", NS)]
    assert any("The first footnote text." in t for t in texts)
    assert any("A named footnote with emphasis." in t for t in texts)
    refs = docx.body.findall(".//w:footnoteReference", NS)
    assert len(refs) == 2
    assert {r.get(W + "id") for r in refs} <= set(ids)
    note_p = notes.find("w:footnote[@w:id='1']/w:p", NS)
    assert docx.style_of(note_p) == "FootnoteText"
    assert note_p.find(".//w:footnoteRef", NS) is not None
    types = docx.parts["[Content_Types].xml"].decode()
    assert "/word/footnotes.xml" in types
    assert any(r.get("Target") == "footnotes.xml" for r in docx.rels().values())


def test_picture(docx: Docx) -> None:
    drawing = docx.body.find(".//w:drawing", NS)
    doc_pr = drawing.find(".//wp:docPr", NS)
    assert doc_pr.get("descr") == "Timeline of the programme"
    extent = drawing.find(".//wp:extent", NS)
    assert int(extent.get("cx")) <= (11906 - 2 * 1418) * 635
    assert int(extent.get("cx")) == 400 * 914400 // 96  # natural width at 96 dpi
    figure = drawing.getparent().getparent()
    assert docx.style_of(figure) == "CaptionedFigure"
    caption = figure.getnext()
    assert docx.style_of(caption) == "ImageCaption"
    assert docx.text(caption) == "Timeline of the programme"
    assert "word/media/image1.png" in docx.parts
    blip = drawing.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    rid = blip.get(R_EMBED)
    assert docx.rels()[rid].get("Target") == "media/image1.png"


def test_toc_field_with_cached_entries(docx: Docx) -> None:
    instr = " ".join(docx.body.xpath(".//w:instrText/text()", namespaces=NS))
    assert 'TOC \\o "1-3" \\h \\z \\u' in instr
    entries = [
        docx.text(p) for p in docx.paragraphs() if (docx.style_of(p) or "").startswith("TOC")
    ]
    assert entries[:4] == ["Contents", "Executive summary", "Actions", "Table"]
    settings = docx.xml("word/settings.xml")
    assert settings.find("w:updateFields", NS).get(W + "val") == "true"


def test_header_and_footer(docx: Docx) -> None:
    header = docx.text(docx.xml("word/header1.xml"))
    assert "Steering Report — ACME Logistics" in header
    assert "CONCEPT" in header and "Confidential" in header
    assert "{" not in header
    footer_root = docx.xml("word/footer1.xml")
    footer = docx.text(footer_root)
    assert "v1.2 · 5 March 2025" in footer and "{" not in footer
    instr = [t.strip() for t in footer_root.xpath(".//w:instrText/text()", namespaces=NS)]
    assert instr[0].startswith("PAGE") and instr[1].startswith("NUMPAGES")


def test_landscape_section_and_page_break(docx: Docx) -> None:
    inner = docx.body.findall(".//w:pPr/w:sectPr", NS)
    sizes = [s.find("w:pgSz", NS) for s in inner]
    landscape = [s for s in sizes if s.get(W + "orient") == "landscape"]
    assert len(landscape) == 1
    assert int(landscape[0].get(W + "w")) > int(landscape[0].get(W + "h"))
    final = docx.body.find("w:sectPr/w:pgSz", NS)
    assert final.get(W + "orient") is None
    assert int(final.get(W + "w")) < int(final.get(W + "h"))
    assert docx.body.xpath(".//w:br[@w:type='page']", namespaces=NS)
    # the wide table lives between the two section breaks and is wider than portrait text
    wide = docx.body.findall(".//w:tbl", NS)[1]
    assert int(wide.find("w:tblPr/w:tblW", NS).get(W + "w")) > 11906 - 2 * 1418


def test_properties_and_language(docx: Docx) -> None:
    core = docx.xml("docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == "Steering Report"
    assert core.findtext("dc:creator", namespaces=NS) == "Jan Peeters"
    assert core.findtext("cp:lastModifiedBy", namespaces=NS) == "Jan Peeters"
    assert core.findtext("cp:keywords", namespaces=NS) == "steering, report"
    assert core.findtext("cp:revision", namespaces=NS) == "1"
    assert core.findtext("dcterms:created", namespaces=NS) == "1980-01-01T00:00:00Z"
    assert b"<Company>Interim BV</Company>" in docx.parts["docProps/app.xml"]
    custom = docx.parts["docProps/custom.xml"].decode()
    assert 'name="assignment"' in custom and "A-042" in custom
    assert "custom-properties" in docx.parts["_rels/.rels"].decode()
    styles = docx.xml("word/styles.xml")
    assert styles.find("w:docDefaults//w:lang", NS).get(W + "val") == "nl-BE"
    assert docx.infos[0].filename == "[Content_Types].xml"
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in docx.infos)
    assert all((info.external_attr >> 16) & 0o777 == 0o644 for info in docx.infos)


def test_opens_with_python_docx(docx: Docx) -> None:
    import io

    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx.data))
    assert document.core_properties.title == "Steering Report"
    assert len(document.tables) == 2
