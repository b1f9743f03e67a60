"""Small OOXML layer for what python-docx 1.2 cannot write.

The renderer builds WordprocessingML with lxml directly (python-docx's object layer is
about four times slower than pandoc on big documents). Everything here is a plain
function returning an element, so the rules in ``render.py`` stay one-liners.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"

NSMAP = {"w": W_NS, "r": R_NS, "wp": WP_NS, "a": A_NS, "pic": PIC_NS}

RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
RT_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
RT_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
RT_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"

EMU_PER_TWIP = 635


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag (``w("p")`` -> ``{ns}p``)."""
    return f"{{{W_NS}}}{tag}"


# Pre-computed names: the renderer creates hundreds of thousands of these.
W_P, W_R, W_T, W_PPR, W_RPR = w("p"), w("r"), w("t"), w("pPr"), w("rPr")
W_PSTYLE, W_RSTYLE, W_VAL = w("pStyle"), w("rStyle"), w("val")
W_BR, W_TAB, W_TYPE = w("br"), w("tab"), w("type")
XML_SPACE = f"{{{XML_NS}}}space"
R_ID = f"{{{R_NS}}}id"

_SUB = etree.SubElement


def el(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    """Build ``w:tag`` with ``w:``-prefixed attributes (plain keys) and children."""
    node = etree.Element(w(tag), nsmap=None)
    if attrs:
        for key, value in attrs.items():
            node.set(key if key.startswith("{") else w(key), value)
    for child in children:
        node.append(child)
    return node


def sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None) -> etree._Element:
    """``el`` appended to ``parent``."""
    node = _SUB(parent, w(tag))
    if attrs:
        for key, value in attrs.items():
            node.set(key if key.startswith("{") else w(key), value)
    return node


def text_run(parent: etree._Element, text: str, rpr: etree._Element | None) -> etree._Element:
    """Append ``<w:r>[rPr]<w:t>text</w:t></w:r>``; rPr is a shared template, copied."""
    run = _SUB(parent, W_R)
    if rpr is not None:
        run.append(_copy(rpr))
    t = _SUB(run, W_T)
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(XML_SPACE, "preserve")
    return run


def _copy(node: etree._Element) -> etree._Element:
    return node.__copy__()


def run_props(
    style_id: str | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    superscript: bool = False,
    color: str | None = None,
) -> etree._Element | None:
    """A ``w:rPr`` holding only the properties that are true (None when empty)."""
    rpr = etree.Element(W_RPR)
    if style_id:
        _SUB(rpr, W_RSTYLE).set(W_VAL, style_id)
    if bold:
        _SUB(rpr, w("b"))
        _SUB(rpr, w("bCs"))
    if italic:
        _SUB(rpr, w("i"))
        _SUB(rpr, w("iCs"))
    if strike:
        _SUB(rpr, w("strike"))
    if color:
        _SUB(rpr, w("color")).set(W_VAL, color)
    if superscript:
        _SUB(rpr, w("vertAlign")).set(W_VAL, "superscript")
    return rpr if len(rpr) else None


def field_runs(
    parent: etree._Element, instr: str, result: str, rpr: etree._Element | None = None
) -> None:
    """Append a complex field (begin, instrText, separate, cached result, end)."""
    for kind, payload in (("begin", None), ("instr", instr), ("separate", None)):
        run = _SUB(parent, W_R)
        if rpr is not None:
            run.append(_copy(rpr))
        if kind == "instr":
            it = _SUB(run, w("instrText"))
            it.text = f" {payload} "
            it.set(XML_SPACE, "preserve")
        else:
            _SUB(run, w("fldChar")).set(w("fldCharType"), kind)
    if result:
        text_run(parent, result, rpr)
    end = _SUB(parent, W_R)
    if rpr is not None:
        end.append(_copy(rpr))
    _SUB(end, w("fldChar")).set(w("fldCharType"), "end")


def fld_char(parent: etree._Element, kind: str) -> None:
    """Append a lone ``w:fldChar`` run (for fields that span paragraphs, like the TOC)."""
    _SUB(_SUB(parent, W_R), w("fldChar")).set(w("fldCharType"), kind)


def instr_run(parent: etree._Element, instr: str) -> None:
    it = _SUB(_SUB(parent, W_R), w("instrText"))
    it.text = f" {instr} "
    it.set(XML_SPACE, "preserve")


def page_break_paragraph() -> etree._Element:
    """A paragraph holding only a page break (what Word itself writes for Ctrl+Enter), one
    point high: a full-height empty line would not fit under a page filled to its last
    line, fall onto the next page and break there, leaving that page blank."""
    p = etree.Element(W_P)
    ppr = _SUB(p, W_PPR)
    sub(ppr, "spacing", {"before": "0", "after": "0", "line": "20", "lineRule": "exact"})
    sub(_SUB(ppr, W_RPR), "sz", {"val": "2"})
    run = _SUB(p, W_R)
    sub(_SUB(run, W_RPR), "sz", {"val": "2"})
    _SUB(run, W_BR).set(W_TYPE, "page")
    return p


def bottom_border_paragraph() -> etree._Element:
    """A horizontal rule: an empty paragraph with a thin bottom border."""
    p = etree.Element(W_P)
    ppr = _SUB(p, W_PPR)
    bdr = sub(ppr, "pBdr")
    sub(bdr, "bottom", {"val": "single", "sz": "6", "space": "1", "color": "A6A6A6"})
    sub(ppr, "spacing", {"before": "120", "after": "120"})
    return p


def landscape_sectpr(portrait: etree._Element) -> etree._Element:
    """Copy of a portrait ``w:sectPr`` turned landscape: orient set AND w/h swapped."""
    sect = _copy(portrait)
    pgsz = sect.find(w("pgSz"))
    if pgsz is None:
        pgsz = sub(sect, "pgSz", {"w": "11906", "h": "16838"})
    width, height = pgsz.get(w("w"), "11906"), pgsz.get(w("h"), "16838")
    if int(width) < int(height):
        pgsz.set(w("w"), height)
        pgsz.set(w("h"), width)
    pgsz.set(w("orient"), "landscape")
    _next_page(sect)
    return sect


def portrait_sectpr(portrait: etree._Element) -> etree._Element:
    sect = _copy(portrait)
    _next_page(sect)
    return sect


def _next_page(sect: etree._Element) -> None:
    kind = sect.find(w("type"))
    if kind is not None:
        sect.remove(kind)


def text_width_twips(sect: etree._Element) -> int:
    """Usable text width of a section (page width minus margins)."""
    pgsz = sect.find(w("pgSz"))
    mar = sect.find(w("pgMar"))
    width = int(pgsz.get(w("w"), "11906")) if pgsz is not None else 11906
    left = int(mar.get(w("left"), "1417")) if mar is not None else 1417
    right = int(mar.get(w("right"), "1417")) if mar is not None else 1417
    gutter = int(mar.get(w("gutter"), "0")) if mar is not None else 0
    return max(width - left - right - gutter, 1440)


def inline_picture(
    rid: str, pic_id: int, name: str, descr: str, cx: int, cy: int
) -> etree._Element:
    """``w:drawing`` with a ``wp:inline`` picture; alt text in ``wp:docPr/@descr``."""
    xml = (
        f'<w:drawing xmlns:w="{W_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" '
        f'xmlns:pic="{PIC_NS}" xmlns:r="{R_NS}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{pic_id}" name="Picture {pic_id}"/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="{PIC_NS}"><pic:pic>'
        f'<pic:nvPicPr><pic:cNvPr id="{pic_id}" name=""/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/>'
        f"<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        f"</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
    drawing = etree.fromstring(xml)
    doc_pr = drawing.find(f".//{{{WP_NS}}}docPr")
    if descr:
        doc_pr.set("descr", descr)
    cnv = drawing.find(f".//{{{PIC_NS}}}cNvPr")
    cnv.set("name", name)
    return drawing


def relationship(rels: etree._Element, rid: str, rtype: str, target: str, external: bool) -> None:
    node = etree.SubElement(rels, f"{{{PR_NS}}}Relationship")
    node.set("Id", rid)
    node.set("Type", rtype)
    node.set("Target", target)
    if external:
        node.set("TargetMode", "External")


def serialize(root: etree._Element) -> bytes:
    """The XML declaration Word writes, UTF-8, standalone."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def insert_in_order(parent: etree._Element, child: etree._Element, after: Iterable[str]) -> None:
    """Insert ``child`` before the first existing sibling whose tag is in ``after``.

    Word rejects schema-order violations in settings.xml and friends; ``after`` lists the
    local names that must come after ``child``.
    """
    later = {w(name) for name in after}
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


def keep_next(paragraph: etree._Element) -> None:
    """Keep a paragraph on the page of the next one (``w:keepNext``, after ``w:pStyle``)."""
    ppr = paragraph.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        paragraph.insert(0, ppr)
    if ppr.find(w("keepNext")) is not None:
        return
    at = 1 if len(ppr) and ppr[0].tag == W_PSTYLE else 0
    ppr.insert(at, etree.Element(w("keepNext")))
