"""The styles of our built-in brand template (templates/reference.docx), as data.

Fonts have metric-compatible twins on Linux (Calibri -> Carlito, Courier New ->
Liberation Mono), so Word and LibreOffice break lines alike. Style names follow pandoc's
reference.docx so pandoc users find what they know. `make_reference` writes them.
"""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

BRAND = "1F3864"  # navy
ACCENT = "2E74B5"
GREY = "595959"
BODY_FONT = "Calibri"  # Carlito on Linux
MONO_FONT = "Courier New"  # Liberation Mono on Linux
TEXT_WIDTH = 11906 - 2 * 1418  # A4 minus 2.5 cm margins, twips


def fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def style(
    kind: str,
    sid: str,
    name: str,
    *,
    based: str | None = None,
    nxt: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    default: bool = False,
    qformat: bool = True,
    link: str | None = None,
) -> str:
    head = f'<w:style w:type="{kind}" w:styleId="{sid}"' + (' w:default="1"' if default else "")
    body = f'<w:name w:val="{name}"/>'
    if based:
        body += f'<w:basedOn w:val="{based}"/>'
    if nxt:
        body += f'<w:next w:val="{nxt}"/>'
    if link:
        body += f'<w:link w:val="{link}"/>'
    body += '<w:uiPriority w:val="1"/>' if qformat else ""
    if qformat:
        body += "<w:qFormat/>"
    if ppr:
        body += f"<w:pPr>{ppr}</w:pPr>"
    if rpr:
        body += f"<w:rPr>{rpr}</w:rPr>"
    return f"{head}>{body}{extra}</w:style>"


def heading(level: int, size: int, before: int, after: int, extra_rpr: str = "") -> str:
    return style(
        "paragraph",
        f"Heading{level}",
        f"heading {level}",
        based="Normal",
        nxt="BodyText",
        ppr=(
            f'<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="{after}" '
            f'w:line="240" w:lineRule="auto"/><w:outlineLvl w:val="{level - 1}"/>'
        ),
        # extra_rpr (italics) sits between bCs and color: CT_RPr is a sequence Word enforces
        rpr=f'<w:b/><w:bCs/>{extra_rpr}<w:color w:val="{BRAND}"/>'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>',
    )


HF_TABS = (
    f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/>'
    f'<w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
)
"""Header and footer: text at the left, the centre and the right margin."""


def toc_style(level: int, indent: int) -> str:
    """A contents line: dot leader to the page number at the right margin."""
    return style(
        "paragraph",
        f"TOC{level}",
        f"toc {level}",
        based="Normal",
        nxt="Normal",
        ppr=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/>'
        f'</w:tabs><w:spacing w:before="{60 if level == 1 else 0}" w:after="40"/>'
        f'<w:ind w:left="{indent}"/>',
        rpr="<w:b/><w:bCs/>" if level == 1 else "",
    )


DEFINITIONS: tuple[str, ...] = (
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    + fonts(BODY_FONT)
    + '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-US" '
    'w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>'
    '<w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
    "</w:docDefaults>",
    style(
        "paragraph",
        "Normal",
        "Normal",
        default=True,
        ppr="<w:widowControl/>",
        rpr='<w:color w:val="262626"/>',
    ),
    style(
        "character",
        "DefaultParagraphFont",
        "Default Paragraph Font",
        default=True,
        qformat=False,
    ),
    style(
        "table",
        "TableNormal",
        "Normal Table",
        default=True,
        qformat=False,
        extra='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>",
    ),
    style("numbering", "NoList", "No List", default=True, qformat=False),
    style(
        "paragraph",
        "Title",
        "Title",
        based="Normal",
        nxt="Subtitle",
        ppr='<w:keepNext/><w:spacing w:before="2400" w:after="240" w:line="240" '
        'w:lineRule="auto"/>',
        rpr=f'<w:b/><w:bCs/><w:color w:val="{BRAND}"/><w:sz w:val="56"/><w:szCs w:val="56"/>',
    ),
    style(  # a memo's title (a progress report): the Title without a cover page's space above
        "paragraph",
        "MemoTitle",
        "Memo Title",
        based="Title",
        nxt="Subtitle",
        ppr='<w:keepNext/><w:spacing w:before="0" w:after="120"/>',
        rpr='<w:sz w:val="44"/><w:szCs w:val="44"/>',
    ),
    style(
        "paragraph",
        "Subtitle",
        "Subtitle",
        based="Normal",
        nxt="BodyText",
        ppr='<w:keepNext/><w:spacing w:after="480"/>',
        rpr=f'<w:color w:val="{GREY}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
    style(
        "paragraph",
        "Author",
        "Author",
        based="Normal",
        nxt="BodyText",
        ppr='<w:keepNext/><w:spacing w:after="60"/>',
        rpr='<w:sz w:val="24"/><w:szCs w:val="24"/>',
    ),
    style(
        "paragraph",
        "Cover",
        "Cover",
        based="Normal",
        nxt="Cover",
        ppr='<w:keepNext/><w:spacing w:after="100"/>',
        rpr='<w:sz w:val="22"/><w:szCs w:val="22"/>',
    ),
    style(
        "paragraph",
        "Date",
        "Date",
        based="Normal",
        nxt="BodyText",
        ppr='<w:keepNext/><w:spacing w:after="60"/>',
        rpr=f'<w:color w:val="{GREY}"/><w:sz w:val="24"/><w:szCs w:val="24"/>',
    ),
    heading(1, 32, 480, 160),
    heading(2, 28, 360, 120),
    heading(3, 24, 280, 80),
    heading(4, 22, 240, 60, "<w:i/><w:iCs/>"),
    heading(5, 22, 200, 40),
    heading(6, 22, 200, 40, "<w:i/><w:iCs/>"),
    style(
        "paragraph",
        "BodyText",
        "Body Text",
        based="Normal",
        ppr='<w:spacing w:before="0" w:after="140"/>',
    ),
    style("paragraph", "FirstParagraph", "First Paragraph", based="BodyText", nxt="BodyText"),
    style(
        "paragraph",
        "Compact",
        "Compact",
        based="BodyText",
        ppr='<w:spacing w:before="0" w:after="40"/>',
    ),
    style(
        "paragraph",
        "BlockText",
        "Block Text",
        based="BodyText",
        nxt="BodyText",
        ppr=f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" '
        f'w:color="{ACCENT}"/></w:pBdr><w:spacing w:before="120" w:after="120"/>'
        '<w:ind w:left="454" w:right="454"/>',
        rpr='<w:i/><w:iCs/><w:color w:val="404040"/>',
    ),
    style(
        "paragraph",
        "SourceCode",
        "Source Code",
        based="Normal",
        ppr='<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
        '<w:wordWrap w:val="off"/><w:spacing w:before="60" w:after="160" '
        'w:line="240" w:lineRule="auto"/><w:ind w:left="113" w:right="113"/>',
        rpr=fonts(MONO_FONT) + '<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    style(
        "character",
        "VerbatimChar",
        "Verbatim Char",
        based="DefaultParagraphFont",
        rpr=fonts(MONO_FONT) + '<w:sz w:val="19"/><w:szCs w:val="19"/>',
    ),
    style(
        "paragraph",
        "Caption",
        "caption",
        based="Normal",
        nxt="BodyText",
        ppr='<w:spacing w:before="60" w:after="240"/>',
        rpr=f'<w:i/><w:iCs/><w:color w:val="{GREY}"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    style(
        "paragraph",
        "ImageCaption",
        "Image Caption",
        based="Caption",
        ppr='<w:jc w:val="center"/>',
    ),
    style("paragraph", "TableCaption", "Table Caption", based="Caption", ppr="<w:keepNext/>"),
    style(
        "paragraph",
        "CaptionedFigure",
        "Captioned Figure",
        based="Normal",
        ppr='<w:keepNext/><w:spacing w:before="120" w:after="60"/><w:jc w:val="center"/>',
    ),
    style("paragraph", "Figure", "Figure", based="Normal", ppr='<w:jc w:val="center"/>'),
    style(
        "character",
        "Hyperlink",
        "Hyperlink",
        based="DefaultParagraphFont",
        rpr=f'<w:color w:val="{ACCENT}"/><w:u w:val="single"/>',
    ),
    style(
        "paragraph",
        "FootnoteText",
        "footnote text",
        based="Normal",
        ppr='<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>',
        rpr='<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    style(
        "character",
        "FootnoteReference",
        "footnote reference",
        based="DefaultParagraphFont",
        rpr='<w:vertAlign w:val="superscript"/>',
    ),
    style(
        "paragraph",
        "TOCHeading",
        "TOC Heading",
        based="Normal",
        nxt="BodyText",
        ppr='<w:keepNext/><w:spacing w:before="240" w:after="240"/><w:outlineLvl w:val="9"/>',
        rpr=f'<w:b/><w:bCs/><w:color w:val="{BRAND}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
    *(toc_style(level, indent) for level, indent in ((1, 0), (2, 220), (3, 440))),
    style(
        "paragraph",
        "Header",
        "header",
        based="Normal",
        ppr=HF_TABS + '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        rpr=f'<w:color w:val="{GREY}"/><w:sz w:val="16"/><w:szCs w:val="16"/>',
    ),
    style(
        "paragraph",
        "Footer",
        "footer",
        based="Normal",
        ppr=HF_TABS + '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
        rpr=f'<w:color w:val="{GREY}"/><w:sz w:val="16"/><w:szCs w:val="16"/>',
    ),
    style(
        "table",
        "Table",
        "Table",
        based="TableNormal",
        ppr='<w:spacing w:before="0" w:after="0"/>',
        extra=(
            "<w:tblPr><w:tblBorders>"
            f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{BRAND}"/>'
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{BRAND}"/>'
            '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
            '</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/>'
            '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/>'
            '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            '<w:tblStylePr w:type="firstRow"><w:pPr><w:keepNext/></w:pPr>'
            '<w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{BRAND}"/></w:tcPr>'
            "</w:tblStylePr>"
        ),
    ),
    style(
        "paragraph",
        "HorizontalRule",
        "Horizontal Rule",
        based="Normal",
        ppr='<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="A6A6A6"/></w:pBdr>',
    ),
)
"""The document defaults and every style but the status colours, in styles.xml's order."""

STATUS_COLOURS = (
    ("Status Planned", "7F7F7F", False),
    ("Status On Track", "2E7D32", True),
    ("Status At Risk", "C55A11", True),
    ("Status Late", "C00000", True),
    ("Status Done", "1E5631", False),
)
"""The character styles a plan item's status is printed in: name, colour, bold."""


def status_style(name: str, color: str, bold: bool) -> str:
    rpr = ("<w:b/><w:bCs/>" if bold else "") + f'<w:color w:val="{color}"/>'
    return style("character", name.replace(" ", ""), name, based="DefaultParagraphFont", rpr=rpr)


def styles_xml() -> str:
    """word/styles.xml of the built-in brand template."""
    body = "".join((*DEFINITIONS, *(status_style(*entry) for entry in STATUS_COLOURS)))
    return f'{DECL}<w:styles xmlns:w="{W}">{body}</w:styles>'
