"""What a brand template may bring into a client document: allow-lists, never deny-lists.

A firm's brand template is a Word file from anywhere (an old client's file, a download),
and whatever it carries is copied into every document sent to a client. So it is read
as an allow-list: only what a document needs passes, named here, and anything not named
is dropped (and said once, see `Dropped`), so that the next trick nobody listed yet is
dropped too:

- parts by content type (`PART_TYPES`): the main part is always a plain document, never a
  template (.dotx) or macro-enabled file Word refuses as .docx; a picture is a picture;
  no macro project, embedded object or data source travels along;
- the elements of headers and footers (`clean_header`): text, tables, pictures and
  shapes, never an embedded object, a control or a chunk of another file;
- field instructions (`FIELDS`): the page numbers and document properties a header shows;
  any other field (`HYPERLINK "ms-msdt:..."`, `DDEAUTO`, `INCLUDEPICTURE "\\\\host\\x"`,
  `INCLUDETEXT`, `FILENAME \\p`, ...) keeps the text it shows and loses its instruction,
  so Word never updates it;
- the elements of settings (`SETTINGS`): layout and typography, never a mail merge, an
  attached template, document variables or protection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from generator.writer import oxml
from generator.writer.oxml import CT_NS, W_NS, w
from generator.writer.parts import CT_FONT_TABLE, CT_THEME, RT_FONT_TABLE, RT_THEME

RT_FONT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "STYLEREF", "TITLE", "SUBJECT",
                    "AUTHOR", "DOCPROPERTY"})
"""The fields a header or footer may hold: page numbers, a heading's text, the document's
own properties. None reads a file, a network share or another program, or runs one."""

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
PICTURES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff",
                      "image/x-emf", "image/x-wmf", "image/svg+xml"})
FONTS = frozenset({"application/vnd.openxmlformats-officedocument.obfuscatedFont",
                   "application/x-font-ttf", "application/x-fontdata",
                   "application/vnd.ms-package.obfuscated-opentype"})
PART_TYPES: dict[str, frozenset[str]] = {
    oxml.RT_OFFICE_DOC: frozenset({oxml.CT_MAIN}),
    oxml.RT_STYLES: frozenset({_WML + "styles+xml"}),
    oxml.RT_NUMBERING: frozenset({oxml.CT_NUMBERING}),
    oxml.RT_SETTINGS: frozenset({_WML + "settings+xml"}),
    RT_THEME: frozenset({CT_THEME}),
    RT_FONT_TABLE: frozenset({CT_FONT_TABLE}),
    oxml.RT_HEADER: frozenset({oxml.CT_HEADER}),
    oxml.RT_FOOTER: frozenset({_WML + "footer+xml"}),
    oxml.RT_IMAGE: PICTURES,
    RT_FONT: FONTS,
}
"""The content types a part may have, by the relationship that reaches it. A part of
Word's own XML gets the one type it must have (the main part: a document, whatever a
.dotx or .docm said); a picture or font keeps its own, if it is one."""
ACTIVE_PARTS = frozenset({"vbaProject", "wordVbaData", "keyMapCustomizations",
                          "attachedTemplate", "oleObject", "control", "package", "aFChunk",
                          "subDocument", "mailMergeSource", "mailMergeHeaderSource",
                          "mailMergeRecipientData", "transform", "customXml"})
"""Parts dropped like every part a document does not take, and named when they are: a
macro project, embedded objects and controls, other files pulled in, data sources."""
_BY_EXTENSION = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
                 "gif": "image/gif", "bmp": "image/bmp", "tif": "image/tiff",
                 "tiff": "image/tiff", "emf": "image/x-emf", "wmf": "image/x-wmf",
                 "svg": "image/svg+xml", "odttf": "application/vnd.openxmlformats-"
                 "officedocument.obfuscatedFont", "ttf": "application/x-font-ttf"}
"""A picture or font the template forgot to declare, typed by its name as Word would."""
_DEFAULTS = frozenset({"application/vnd.openxmlformats-package.relationships+xml",
                       "application/xml"}) | PICTURES | FONTS

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_O = "urn:schemas-microsoft-com:office:office"
DRAWING_NAMESPACES = frozenset({
    oxml.A_NS, oxml.PIC_NS, oxml.WP_NS, _MC, _O, "urn:schemas-microsoft-com:vml",
    "urn:schemas-microsoft-com:office:word",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.microsoft.com/office/drawing/2010/main",
    "http://schemas.microsoft.com/office/drawing/2014/main",
    "http://schemas.microsoft.com/office/drawing/2016/SVG/main",
})
"""Pictures, shapes and text boxes (DrawingML, VML and Word's extensions of them). What
in them could reach out goes through a relationship, itself allow-listed (pictures and
fonts of the package, http(s) and mailto links); their link attributes are dropped."""

HEADER_ELEMENTS = frozenset({
    "hdr", "ftr", "p", "r", "t", "tab", "br", "cr", "ptab", "sym", "noBreakHyphen",
    "softHyphen", "lastRenderedPageBreak", "pgNum", "fldChar", "instrText", "fldSimple",
    "hyperlink", "bookmarkStart", "bookmarkEnd", "proofErr", "tbl", "tblGrid", "gridCol",
    "tr", "tc", "sdt", "sdtContent", "drawing", "pict", "txbxContent"})
"""The WordprocessingML a header or footer may hold: text, fields, links, tables, content
controls and drawings. Properties (`w:pPr`, `w:rPr`, `w:tblPr`...) pass whole."""
_UNWRAPPED = frozenset({"smartTag", "customXml", "ins", "moveTo", "dir", "bdo"})
"""Wrappers whose content stays (a smart tag's text, an insertion tracked in the template)."""
_NOT_IN_PROPERTIES = frozenset({w("dataBinding"), w("sectPr")})
"""A content control's binding to a data part, and a section inside a header."""
_LINK_ATTRIBUTES = frozenset({"href", "src", f"{{{_O}}}href", f"{{{_O}}}gfxdata"})
"""VML's links that bypass relationships, and the package a shape may hide in gfxdata."""

SETTINGS = frozenset({
    "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
    "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
    "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
    "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
    "proofState", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType",
    "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop",
    "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
    "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
    "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "updateFields", "hdrShapeDefaults", "footnotePr",
    "endnotePr", "compat", "rsids", "themeFontLang", "clrSchemeMapping",
    "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
    "readModeInkLockDown", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator"})
"""settings.xml: how the document is laid out, proofed and shown. Not passed: a mail merge
(`w:mailMerge`, its data source and query), an attached template and its styles
(`w:attachedTemplate`, `w:linkStyles`), document variables, XML schemas and transforms,
protection and forms design: none is needed by a document, each reaches outside it."""
_SETTINGS_EXTENSIONS = frozenset({
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.microsoft.com/office/word/2016/wordml/cid"})
"""Math defaults and the document ids newer Word versions stamp (`w14:docId`...)."""


@dataclass
class Dropped:
    """What a brand template carried that no document takes: said once per template."""

    found: Counter[tuple[str, str]] = field(default_factory=Counter)

    def note(self, what: str, part: str) -> None:
        self.found[(what, part)] += 1

    def summary(self) -> str:
        """`field DDEAUTO in word/header1.xml, w:mailMerge (2x) in word/settings.xml`."""
        said = []
        for (what, part), count in sorted(self.found.items(), key=lambda i: (i[0][1], i[0][0])):
            said.append(f"{what}{f' ({count}x)' if count > 1 else ''} in {part}")
        return ", ".join(said)


def field_keyword(instruction: str) -> str:
    """A field's kind, as Word reads it: the first word of the instruction, upper-cased."""
    words = instruction.split()
    return words[0].upper() if words else ""


def _shown(keyword: str) -> str:
    return "".join(ch for ch in keyword if ch.isalnum() or ch in "=-_")[:24] or "(empty)"


# -- headers and footers -------------------------------------------------------------------

def clean_header(root: etree._Element, part: str, dropped: Dropped) -> None:
    """A header or footer part reduced to the allowed elements, attributes and fields."""
    _clean_element(root, part, dropped)
    _clean_fields(root, part, dropped)


def _clean_element(parent: etree._Element, part: str, dropped: Dropped) -> None:
    for child in list(parent):
        if not isinstance(child.tag, str):  # a comment or processing instruction
            parent.remove(child)
            continue
        for name in _LINK_ATTRIBUTES.intersection(child.attrib):
            dropped.note(f"link attribute {etree.QName(name).localname}", part)
            del child.attrib[name]
        verdict = _verdict(child)
        if verdict == "properties":
            for inner in list(child.iter(*_NOT_IN_PROPERTIES)):
                dropped.note(_name(inner), part)
                inner.getparent().remove(inner)
            continue
        if verdict == "drop":
            dropped.note(_name(child), part)
            parent.remove(child)
            continue
        _clean_element(child, part, dropped)
        if verdict == "unwrap":
            for inner in list(child):
                child.addprevious(inner)
            parent.remove(child)


def _verdict(element: etree._Element) -> str:
    """keep, properties (passed whole), unwrap (its content kept) or drop."""
    qname = etree.QName(element)
    if element.tag in _NOT_IN_PROPERTIES:
        return "drop"
    if qname.namespace == W_NS:
        name = qname.localname
        if name.endswith(("Pr", "PrEx")):
            return "properties"
        if name in HEADER_ELEMENTS:  # (a fldChar's form-field macros, w:ffData, are not)
            return "keep"
        return "unwrap" if name in _UNWRAPPED else "drop"
    if qname.namespace in DRAWING_NAMESPACES and qname.localname != "OLEObject":
        return "keep"
    return "drop"


def _name(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = element.prefix or ("w" if qname.namespace == W_NS else "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


@dataclass
class _Field:
    """A complex field being read: begin, instruction, separate, result, end."""

    begin: etree._Element
    instruction: list[str] = field(default_factory=list)
    members: list[etree._Element] = field(default_factory=list)
    """Everything of its instruction part (nested fields included): never shown."""
    in_result: bool = False
    dropped: bool = False


def _clean_fields(root: etree._Element, part: str, dropped: Dropped) -> None:
    """Fields outside FIELDS keep the text they show and lose their instruction."""
    for simple in list(root.iter(w("fldSimple"))):
        keyword = field_keyword(simple.get(w("instr"), ""))
        if keyword not in FIELDS:
            dropped.note(f"field {_shown(keyword)}", part)
            for inner in list(simple):
                simple.addprevious(inner)
            simple.getparent().remove(simple)
    open_: list[_Field] = []
    emptied: set[etree._Element] = set()
    for run in list(root.iter(oxml.W_R)):
        for child in list(run):
            if child.tag != oxml.W_RPR:
                _field_event(child, open_, part, dropped, emptied)
    for unclosed in open_:  # no end: Word would read the rest as its instruction
        dropped.note(f"unclosed field {_shown(field_keyword(''.join(unclosed.instruction)))}",
                     part)
        _remove([unclosed.begin, *unclosed.members], emptied)
    for run in emptied:
        if run.getparent() is not None and all(c.tag == oxml.W_RPR for c in run):
            run.getparent().remove(run)


def _field_event(child: etree._Element, open_: list[_Field], part: str, dropped: Dropped,
                 emptied: set[etree._Element]) -> None:
    """One run child read in document order, against the fields open around it."""
    kind = child.get(w("fldCharType")) if child.tag == w("fldChar") else None
    instruction = child.tag in (w("instrText"), w("delInstrText"))
    for outer in open_:
        if not outer.in_result:
            outer.members.append(child)
    if kind == "begin":
        open_.append(_Field(child))
        return
    current = open_[-1] if open_ else None
    if instruction or kind == "separate":
        if current is None or current.in_result:  # a stray code Word would misread
            _remove([child], emptied)
            return
        if instruction:
            current.instruction.append(child.text or "")
            return
        current.members.remove(child)
        _decide(current, child, part, dropped, emptied)
        current.in_result = True
    elif kind == "end":
        if current is None:
            _remove([child], emptied)
            return
        open_.pop()
        if not current.in_result:
            current.members.remove(child)
            _decide(current, None, part, dropped, emptied)
        if current.dropped:
            _remove([child], emptied)


def _decide(current: _Field, separate: etree._Element | None, part: str, dropped: Dropped,
            emptied: set[etree._Element]) -> None:
    keyword = field_keyword("".join(current.instruction))
    if keyword in FIELDS:
        return
    dropped.note(f"field {_shown(keyword)}", part)
    current.dropped = True
    _remove([current.begin, *current.members, *([separate] if separate is not None else [])],
            emptied)


def _remove(elements: Iterable[etree._Element], emptied: set[etree._Element]) -> None:
    for element in elements:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
            if parent.tag == oxml.W_R:
                emptied.add(parent)


# -- settings and content types ------------------------------------------------------------

def clean_settings(root: etree._Element, part: str, dropped: Dropped) -> None:
    """settings.xml reduced to SETTINGS (and Word's math defaults and document ids)."""
    for child in list(root):
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace == W_NS and qname.localname in SETTINGS:
            continue
        if qname.namespace in _SETTINGS_EXTENSIONS:
            continue
        dropped.note(_name(child), part)
        root.remove(child)


def content_types(declared: etree._Element, kinds: dict[str, str], dropped: Dropped
                  ) -> etree._Element:
    """[Content_Types].xml for the parts kept (`kinds`: part -> the relationship type that
    reached it): each part's type by PART_TYPES, defaults only for pictures, fonts, XML and
    relationships. Raises ValueError naming a picture or font part that is not one."""
    root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    defaults = {}
    for node in declared:
        extension = (node.get("Extension") or "").lower()
        if node.tag == f"{{{CT_NS}}}Default" and extension:
            defaults[extension] = node.get("ContentType", "")
            if node.get("ContentType") in _DEFAULTS:
                etree.SubElement(root, node.tag, Extension=extension,
                                 ContentType=node.get("ContentType", ""))
    overrides = {(node.get("PartName") or "").lstrip("/"): node.get("ContentType", "")
                 for node in declared if node.tag == f"{{{CT_NS}}}Override"}
    for part in [*(p for p in overrides if p in kinds), *(p for p in kinds if p not in overrides)]:
        extension = part.rsplit(".", 1)[-1].lower()  # the template's order: same bytes
        said = overrides.get(part) or defaults.get(extension, "")
        chosen = _part_type(part, kinds[part], said, dropped)
        if part in overrides or said != chosen:
            etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=f"/{part}",
                             ContentType=chosen)
    return root


def _part_type(part: str, kind: str, said: str, dropped: Dropped) -> str:
    """The content type a kept part gets: its own when allowed (a picture typed by its
    name when it has none); Word's own XML the one type it must have."""
    allowed = PART_TYPES[kind]
    if said in allowed:
        return said
    by_name = _BY_EXTENSION.get(part.rsplit(".", 1)[-1].lower(), "")
    if not said and by_name in allowed:
        return by_name
    if len(allowed) > 1:
        raise ValueError(f"part {part} is of type {said or '(none)'!r}, not a picture or font "
                         "(replace it in Word)")
    if kind == oxml.RT_OFFICE_DOC:
        dropped.note(f"the main part's type {said or '(none)'} (a template or macro-enabled "
                     "file; written as a plain document)", part)
    return next(iter(allowed))
