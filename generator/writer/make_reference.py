"""Writes templates/reference.docx, our built-in brand template (run to regenerate).

Written from raw WordprocessingML, with the writer's own parts, numbering and zip, so
every byte is under our control and the file is reproducible (fixed zip metadata); its
styles are `reference_styles`. tests/writer/test_make_reference.py checks that the file in the
repository is what this writes.

    python -m generator.writer.make_reference [OUT]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from generator.writer import parts
from generator.writer.brand import BUILTIN_REFERENCE
from generator.writer.numbering import abstract_num_xml
from generator.writer.package import app_xml, core_xml, zip_package
from generator.writer.reference_styles import (
    ACCENT,
    BODY_FONT,
    BRAND,
    DECL,
    MONO_FONT,
    W,
    styles_xml,
)

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

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
    args = sys.argv[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        sys.exit(f"usage: python -m generator.writer.make_reference [OUT]\n"
                 f"writes our brand template (default: {BUILTIN_REFERENCE})")
    out = Path(args[0]) if args else BUILTIN_REFERENCE
    out.write_bytes(build())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
