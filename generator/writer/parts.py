"""The theme and font table parts every document carries (Word and validators expect
both): the brand template's own when it has them, else these, built from its styles.

make_reference.py writes our brand template's parts with the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from generator.writer.oxml import W_NS, w

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
THEME_PART, FONT_TABLE_PART = "word/theme/theme1.xml", "word/fontTable.xml"
RT_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
RT_FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
CT_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"
CT_FONT_TABLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"

# name -> (panose, family, pitch) of fonts whose description we know
KNOWN_FONTS = {
    "Calibri": ("020F0502020204030204", "swiss", "variable"),
    "Cambria": ("02040503050406030204", "roman", "variable"),
    "Arial": ("020B0604020202020204", "swiss", "variable"),
    "Times New Roman": ("02020603050405020304", "roman", "variable"),
    "Courier New": ("02070309020205020404", "modern", "fixed"),
}
DEFAULT_COLOURS = (("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "44546A"), ("lt2", "E7E6E6"),
                   ("accent1", "4472C4"), ("accent2", "ED7D31"), ("accent3", "A5A5A5"),
                   ("accent4", "FFC000"), ("accent5", "5B9BD5"), ("accent6", "70AD47"),
                   ("hlink", "0563C1"), ("folHlink", "954F72"))


def font_table_xml(fonts: Iterable[str]) -> str:
    """word/fontTable.xml naming each font (with its family where we know it)."""
    entries = []
    for name in dict.fromkeys(fonts):
        known = KNOWN_FONTS.get(name)
        detail = (f'<w:panose1 w:val="{known[0]}"/><w:charset w:val="00"/>'
                  f'<w:family w:val="{known[1]}"/><w:pitch w:val="{known[2]}"/>' if known else "")
        entries.append(f'<w:font w:name="{_attr(name)}">{detail}</w:font>')
    return f'{DECL}<w:fonts xmlns:w="{W_NS}">{"".join(entries)}</w:fonts>'


def theme_xml(name: str, font: str, colours: Iterable[tuple[str, str]] = DEFAULT_COLOURS) -> str:
    """word/theme/theme1.xml: colours and the body font as an Office theme."""
    scheme = "".join(f'<a:{n}><a:srgbClr val="{v}"/></a:{n}>' for n, v in colours)
    typeface = f'<a:latin typeface="{_attr(font)}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="9525">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (
        f'{DECL}<a:theme xmlns:a="{A_NS}" name="{name}"><a:themeElements>'
        f'<a:clrScheme name="{name}">{scheme}</a:clrScheme>'
        f'<a:fontScheme name="{name}"><a:majorFont>{typeface}</a:majorFont>'
        f"<a:minorFont>{typeface}</a:minorFont></a:fontScheme>"
        f'<a:fmtScheme name="{name}"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
        f"<a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
        "</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


def style_fonts(styles: etree._Element) -> list[str]:
    """Fonts the styles name (rFonts ascii/hAnsi), in first-seen order."""
    names: dict[str, None] = {}
    for fonts in styles.iter(w("rFonts")):
        for attr in ("ascii", "hAnsi"):
            if fonts.get(w(attr)):
                names.setdefault(fonts.get(w(attr)))
    return list(names)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
