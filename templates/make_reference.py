"""Generate templates/reference.docx, the brand reference document (run to regenerate).

Written from raw WordprocessingML so every byte is under our control and the file is
reproducible (fixed zip metadata). Fonts have metric-compatible twins on Linux (Calibri ->
Carlito, Courier New -> Liberation Mono), so Word and LibreOffice break lines alike.
Style names follow pandoc's reference.docx so pandoc users find what they know.

    python templates/make_reference.py [OUT]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.writer import parts
from generator.writer.package import app_xml, core_xml, zip_package
from generator.writer.template import abstract_num_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
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


def styles_xml() -> str:
    s = [
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
    ]
    for level, indent in ((1, 0), (2, 220), (3, 440)):
        bold = "<w:b/><w:bCs/>" if level == 1 else ""
        s.append(
            style(
                "paragraph",
                f"TOC{level}",
                f"toc {level}",
                based="Normal",
                nxt="Normal",
                ppr=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/>'
                f'</w:tabs><w:spacing w:before="{60 if level == 1 else 0}" w:after="40"/>'
                f'<w:ind w:left="{indent}"/>',
                rpr=bold,
            )
        )
    hf_tabs = (
        f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/>'
        f'<w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
    )
    s += [
        style(
            "paragraph",
            "Header",
            "header",
            based="Normal",
            ppr=hf_tabs + '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
            rpr=f'<w:color w:val="{GREY}"/><w:sz w:val="16"/><w:szCs w:val="16"/>',
        ),
        style(
            "paragraph",
            "Footer",
            "footer",
            based="Normal",
            ppr=hf_tabs + '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
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
    ]
    for name, color, bold in (
        ("Status Planned", "7F7F7F", False),
        ("Status On Track", "2E7D32", True),
        ("Status At Risk", "C55A11", True),
        ("Status Late", "C00000", True),
        ("Status Done", "1E5631", False),
    ):
        sid = name.replace(" ", "")
        rpr = ("<w:b/><w:bCs/>" if bold else "") + f'<w:color w:val="{color}"/>'
        s.append(style("character", sid, name, based="DefaultParagraphFont", rpr=rpr))
    return f'{DECL}<w:styles xmlns:w="{W}">{"".join(s)}</w:styles>'


def numbering_xml() -> str:
    body = abstract_num_xml(0, True) + abstract_num_xml(1, False)
    body = body.replace(f' xmlns:w="{W}"', "")
    return f'{DECL}<w:numbering xmlns:w="{W}">{body}</w:numbering>'


def header_xml() -> str:
    border = f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="{BRAND}"/></w:pBdr>'
    return (
        f'{DECL}<w:hdr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Header"/>'
        f"{border}</w:pPr>"
        '<w:r><w:t xml:space="preserve">{title} — {client}</w:t></w:r>'
        "<w:r><w:tab/></w:r><w:r><w:tab/></w:r>"
        '<w:r><w:rPr><w:b/><w:bCs/><w:color w:val="C00000"/></w:rPr><w:t>{status}</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> · {confidential}</w:t></w:r>'
        "</w:p></w:hdr>"
    )


def footer_xml() -> str:
    border = '<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="BFBFBF"/></w:pBdr>'
    return (
        f'{DECL}<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/>'
        f"{border}</w:pPr>"
        '<w:r><w:t xml:space="preserve">{version} · {date}</w:t></w:r>'
        "<w:r><w:tab/></w:r><w:r><w:tab/></w:r>"
        '<w:r><w:t xml:space="preserve">{page_label} {page} {of_label} {pages}</w:t></w:r>'
        "</w:p>"
        '<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>'
        '<w:r><w:rPr><w:color w:val="7F7F7F"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>'
        "<w:t>{footer}</w:t></w:r></w:p></w:ftr>"
    )


def empty_header_footer_xml(kind: str) -> str:
    """The cover page's header or footer: empty, so the cover carries no running text."""
    root = "w:hdr" if kind == "header" else "w:ftr"
    style = "Header" if kind == "header" else "Footer"
    return (
        f'{DECL}<{root} xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="{style}"/>'
        f"</w:pPr></w:p></{root}>"
    )


def font_table_xml() -> str:
    return parts.font_table_xml((BODY_FONT, MONO_FONT))


def theme_xml() -> str:
    """The brand colours and font as an Office theme."""
    return parts.theme_xml("Coverton", BODY_FONT, (
        ("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", BRAND), ("lt2", "E7E6E6"),
        ("accent1", ACCENT), ("accent2", "C55A11"), ("accent3", "A5A5A5"),
        ("accent4", "BF9000"), ("accent5", BRAND), ("accent6", "548235"),
        ("hlink", "0563C1"), ("folHlink", "954F72")))


def document_xml() -> str:
    return (
        f'{DECL}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
        '<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t>Reference document for '
        "interim-docs: change the styles, header and footer; the body is replaced."
        "</w:t></w:r></w:p>"
        '<w:sectPr><w:headerReference w:type="default" r:id="rId4"/>'
        '<w:footerReference w:type="default" r:id="rId5"/>'
        '<w:headerReference w:type="first" r:id="rId8"/>'
        '<w:footerReference w:type="first" r:id="rId9"/>'
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" '
        'w:footer="709" w:gutter="0"/><w:cols w:space="708"/><w:titlePg/></w:sectPr>'
        "</w:body></w:document>"
    )


def settings_xml() -> str:
    return (
        f'{DECL}<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/>'
        '<w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        "</w:settings>"
    )


def content_types_xml() -> str:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    return (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/>'
        f'<Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/>'
        f'<Override PartName="/word/numbering.xml" ContentType="{main}.numbering+xml"/>'
        f'<Override PartName="/word/settings.xml" ContentType="{main}.settings+xml"/>'
        f'<Override PartName="/word/header1.xml" ContentType="{main}.header+xml"/>'
        f'<Override PartName="/word/footer1.xml" ContentType="{main}.footer+xml"/>'
        f'<Override PartName="/word/header2.xml" ContentType="{main}.header+xml"/>'
        f'<Override PartName="/word/footer2.xml" ContentType="{main}.footer+xml"/>'
        f'<Override PartName="/word/fontTable.xml" ContentType="{main}.fontTable+xml"/>'
        '<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
    )


def document_rels_xml() -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = [
        ("rId1", "styles", "styles.xml"),
        ("rId2", "numbering", "numbering.xml"),
        ("rId3", "settings", "settings.xml"),
        ("rId4", "header", "header1.xml"),
        ("rId5", "footer", "footer1.xml"),
        ("rId6", "fontTable", "fontTable.xml"),
        ("rId7", "theme", "theme/theme1.xml"),
        ("rId8", "header", "header2.xml"),
        ("rId9", "footer", "footer2.xml"),
    ]
    items = "".join(
        f'<Relationship Id="{rid}" Type="{base}/{kind}" Target="{target}"/>'
        for rid, kind, target in rels
    )
    return (
        f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{items}</Relationships>'
    )


def package_rels_xml() -> str:
    return (
        f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
    )


def build() -> bytes:
    stamp = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    parts = {
        "[Content_Types].xml": content_types_xml().encode(),
        "_rels/.rels": package_rels_xml().encode(),
        "word/document.xml": document_xml().encode(),
        "word/_rels/document.xml.rels": document_rels_xml().encode(),
        "word/styles.xml": styles_xml().encode(),
        "word/numbering.xml": numbering_xml().encode(),
        "word/settings.xml": settings_xml().encode(),
        "word/header1.xml": header_xml().encode(),
        "word/footer1.xml": footer_xml().encode(),
        "word/header2.xml": empty_header_footer_xml("header").encode(),
        "word/footer2.xml": empty_header_footer_xml("footer").encode(),
        "word/fontTable.xml": font_table_xml().encode(),
        "word/theme/theme1.xml": theme_xml().encode(),
        "docProps/core.xml": core_xml(
            title="Reference document", subject="", author="", keywords="", timestamp=stamp
        ),
        "docProps/app.xml": app_xml(company=""),
    }
    return zip_package(parts, stamp)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("reference.docx")
    out.write_bytes(build())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
