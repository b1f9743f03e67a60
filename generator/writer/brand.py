"""Loading and analysing a reference .docx once, and per-document header/footer filling.

A firm's reference document supplies page setup, styles, numbering and header/footer.
It is read ONCE per ``Converter``, as an allow-list (`brand_file`, `allowed`): only what
a document needs comes in, and what was dropped is said once (`Template.notices`). Style
names are resolved to ids here so the renderer never scans styles.xml per paragraph.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from generator.bundled import template_root
from generator.errors import Diagnostic, Level, Location
from generator.writer import oxml
from generator.writer.allowed import FIELDS, Dropped
from generator.writer.brand_file import TemplateError, parse_part, read_package
from generator.writer.numbering import (
    complete_numbering,
    empty_numbering_xml,
)
from generator.writer.oxml import PR_NS, W_NS, w
from generator.writer.package import rels_name, resolve_target

BUILTIN_REFERENCE = template_root() / "reference.docx"
"""Our brand template: the definitions of the styles a firm's template lacks come from it."""
#: Fallback chains: when a firm's template lacks a style, use the next one. ``None`` means
#: "no pStyle", i.e. the document's default paragraph style (Normal).
PARAGRAPH_FALLBACKS: dict[str, tuple[str, ...]] = {
    "First Paragraph": ("Body Text", "Normal"),
    "Body Text": ("Normal",),
    "Compact": ("Body Text", "Normal"),
    "Block Text": ("Quote", "Body Text", "Normal"),
    "Source Code": ("Body Text", "Normal"),
    "Captioned Figure": ("Figure", "Body Text", "Normal"),
    "Image Caption": ("Caption", "Body Text", "Normal"),
    "Table Caption": ("Caption", "Body Text", "Normal"),
    "Footnote Text": ("Normal",),
    "TOC Heading": ("Title", "Body Text", "Normal"),
    "TOC 1": ("Normal",),
    "TOC 2": ("TOC 1", "Normal"),
    "TOC 3": ("TOC 2", "TOC 1", "Normal"),
    "Title": ("Heading 1",),
    "Memo Title": ("Title", "Heading 1"),
    "Subtitle": ("Body Text", "Normal"),
    "Heading 1": (),
    "Heading 2": ("Heading 1",),
    "Heading 3": ("Heading 2", "Heading 1"),
    "Heading 4": ("Heading 3", "Heading 2", "Heading 1"),
    "Heading 5": ("Heading 4", "Heading 3", "Heading 2", "Heading 1"),
    "Heading 6": ("Heading 5", "Heading 4", "Heading 3", "Heading 2", "Heading 1"),
}
_PANDOC_NAMES = frozenset(name.lower() for name in PARAGRAPH_FALLBACKS)
FALLBACK_OK = frozenset({"Title", "Memo Title", "Subtitle", "Body Text", "First Paragraph",
                         "Compact", "Block Text"})
"""Styles `::: style` may name even when the template lacks them: their fallback serves."""
#: Styles whose absence is fatal: a document without them loses its structure.
REQUIRED = ("Heading 1",)


@dataclass
class HeaderFooterPart:
    """One header or footer part of the template and the section reference to it."""

    kind: str  # "header" or "footer"
    ref_type: str  # "default", "first" or "even"
    partname: str  # e.g. "word/header1.xml"
    xml: bytes


@dataclass
class StyleInfo:
    style_id: str
    style_type: str


@dataclass
class Template:
    """The analysed reference document; immutable after ``load`` and shared by conversions."""

    path: Path
    parts: dict[str, bytes]
    document_part: str
    document_root: etree._Element  # body emptied
    sect_pr: etree._Element
    styles: dict[str, StyleInfo]  # lower-case name -> info
    styles_root: etree._Element
    numbering_root: etree._Element
    numbering_existed: bool
    ordered_abstract: int
    bullet_abstract: int
    first_num_id: int
    settings_root: etree._Element | None
    rels_root: etree._Element
    content_types_root: etree._Element
    headers: list[HeaderFooterPart] = field(default_factory=list)
    rid_counter_start: int = 1
    borrowed_styles: list[str] = field(default_factory=list)
    """Styles the documents use that this template lacks, defined as in BUILTIN_REFERENCE."""
    dropped: Dropped = field(default_factory=Dropped)
    """What the template carried that the allow-lists kept out of every document."""
    where: Location | None = None
    """Where the template is named (firm.yaml's `brand_template` line); else its file."""
    _resolved: dict[tuple[str, str], str | None] = field(default_factory=dict)

    # -- styles ---------------------------------------------------------------------------
    def style_id(self, name: str, style_type: str = "paragraph") -> str | None:
        """Style id for a name, following fallbacks; None = default style.

        Raises TemplateError (never KeyError) when a required style is missing.
        """
        key = (name, style_type)
        if key in self._resolved:
            return self._resolved[key]
        chain = (name, *PARAGRAPH_FALLBACKS.get(name, ()))
        found: str | None = None
        for candidate in chain:
            info = self.styles.get(candidate.lower())
            if info is not None and info.style_type == style_type:
                found = info.style_id
                break
        if found is None and name in REQUIRED:
            raise TemplateError(
                self.path, f"the reference document has no paragraph style {name!r}; "
                "add it in Word (Styles pane) or use the default templates/reference.docx")
        self._resolved[key] = found
        return found

    def paragraph_style_for(self, name: str) -> str | None:
        """The style `::: style NAME` places text in: the template's own, or for a few
        pandoc names their fallback; None when there is none (the writer refuses it, and
        so does validate, through this same method)."""
        if name in FALLBACK_OK:
            return self.exact_style_id(name) or self.style_id(name)
        return self.exact_style_id(name)

    def notices(self) -> list[Diagnostic]:
        """The warnings this template earns, said once per run (not per document): the
        styles it lacks (borrowed from ours), and what the allow-lists dropped from it."""
        said = []
        if self.borrowed_styles:
            said.append(Diagnostic(
                Location(self.path), "the brand template lacks the styles "
                + ", ".join(self.borrowed_styles) + "; using the built-in definitions",
                "add these styles in Word to give them the firm's look", Level.WARNING))
        if self.dropped.found:
            said.append(Diagnostic(
                self.where or Location(self.path), f"dropped from the brand template "
                f"{self.path.name}: {self.dropped.summary()}",
                "a document takes only styles, page setup, headers and footers with the fields "
                f"{', '.join(sorted(FIELDS))}; remove the rest in Word to silence this",
                Level.WARNING))
        return said

    def exact_style_id(self, name: str, style_type: str = "paragraph") -> str | None:
        info = self.styles.get(name.lower())
        if info is None or info.style_type != style_type:
            return None
        return info.style_id

    def header_row_format(self) -> tuple[str | None, bool, etree._Element | None]:
        """(colour, bold, shd) of the "Table" style's firstRow, applied directly to header
        cells because LibreOffice ignores conditional table formatting for text colour."""
        sid = self.exact_style_id("Table", "table")
        if sid is None:
            return None, True, None
        for style in self.styles_root.iter(w("style")):
            if style.get(w("styleId")) != sid:
                continue
            for cond in style.findall(w("tblStylePr")):
                if cond.get(w("type")) != "firstRow":
                    continue
                color = cond.find(f"{w('rPr')}/{w('color')}")
                shd = cond.find(f"{w('tcPr')}/{w('shd')}")
                return (
                    color.get(w("val")) if color is not None else None,
                    True,
                    copy.deepcopy(shd) if shd is not None else None,
                )
        return None, True, None

    def character_style_by_class(self) -> dict[str, str]:
        """Map span class ("status-at-risk") to character style id ("Status At Risk")."""
        return {
            name.replace(" ", "-"): info.style_id
            for name, info in self.styles.items()
            if info.style_type == "character"
        }


def load(path: Path) -> Template:
    """Read and analyse a reference .docx (single section, styles, numbering, headers)."""
    path = Path(path)
    brand_file = read_package(path)
    parts, document_part = brand_file.parts, brand_file.document_part
    root, sect_pr = _document(path, parts, document_part)
    rels_root, targets = _relationships(path, parts, document_part)
    by_type = {rtype: target for rtype, target in targets.values()}
    styles_root, styles, borrowed = _styles(path, parts, by_type.get(oxml.RT_STYLES))
    numbering = _numbering(path, parts, by_type.get(oxml.RT_NUMBERING))
    settings_part = by_type.get(oxml.RT_SETTINGS)
    settings_root = (
        parse_part(path, parts, settings_part) if settings_part and settings_part in parts else None
    )
    headers = _header_parts(path, parts, sect_pr, targets)  # a broken one is said first
    template = Template(
        path=path,
        parts=parts,
        document_part=document_part,
        document_root=root,
        sect_pr=sect_pr,
        styles=styles,
        styles_root=styles_root,
        numbering_root=numbering.root,
        numbering_existed=numbering.existed,
        ordered_abstract=numbering.ordered,
        bullet_abstract=numbering.bullet,
        first_num_id=numbering.first_num_id,
        settings_root=settings_root,
        rels_root=rels_root,
        content_types_root=brand_file.content_types,
        headers=headers,
        rid_counter_start=_first_free_rid(rels_root),
        borrowed_styles=borrowed,
        dropped=brand_file.dropped,
    )
    for name in REQUIRED:
        template.style_id(name)
    return template


def _document(path: Path, parts: dict[str, bytes], document_part: str
              ) -> tuple[etree._Element, etree._Element]:
    """The main document emptied of its content, and its one section's properties
    (A4 with 2.5 cm margins when it has none)."""
    root = parse_part(path, parts, document_part)
    body = root.find(w("body"))
    if body is None:
        raise TemplateError(path, f"{document_part} has no w:body")
    inner_sections = body.findall(f".//{w('pPr')}/{w('sectPr')}")
    if inner_sections:
        raise TemplateError(
            path, f"the reference document has {len(inner_sections) + 1} sections; "
            "it must be a single section (remove the section breaks)")
    sect_pr = body.find(w("sectPr"))
    if sect_pr is None:
        sect_pr = etree.fromstring(
            f'<w:sectPr xmlns:w="{W_NS}"><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" '
            'w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>'
        )
    for child in list(body):
        body.remove(child)
    try:
        page_measures(sect_pr)
    except ValueError as exc:
        raise TemplateError(path, f"{document_part}: {exc}") from None
    return root, sect_pr


PAGE_MEASURES = {"pgSz": ("w", "h"),
                 "pgMar": ("top", "right", "bottom", "left", "header", "footer", "gutter")}
MAX_TWIPS = 31680
"""22 inches, Word's largest page: a measure beyond it is no page setup."""
_UNITS = {"mm": 1440 / 25.4, "cm": 1440 / 2.54, "in": 1440, "pt": 20, "pc": 240, "pi": 240}
_MEASURE = re.compile(r"(-?[0-9]{1,6}(?:\.[0-9]{1,6})?)(mm|cm|in|pt|pc|pi)")


def page_measures(sect_pr: etree._Element) -> None:
    """The page size and margins made twips, which the writer computes with: a measure
    with a unit (`2.5cm`, which OOXML allows) converted, anything else (`abc`) refused
    with a ValueError naming it, so that validate says it and build never meets it."""
    for tag, attributes in PAGE_MEASURES.items():
        node = sect_pr.find(w(tag))
        for attribute in attributes if node is not None else ():
            value = node.get(w(attribute))
            if value is None:
                continue
            twips = _twips(value.strip())
            if twips is None or abs(twips) > MAX_TWIPS:
                raise ValueError(f"the page setup's w:{tag} w:{attribute}={value[:20]!r} is "
                                 "not a measure Word lays out (set the paper size and margins "
                                 "in Word's Layout tab and save the template again)")
            node.set(w(attribute), str(twips))


def _twips(value: str) -> int | None:
    if re.fullmatch(r"-?[0-9]{1,9}", value):
        return int(value)
    unit = _MEASURE.fullmatch(value)
    return round(float(unit.group(1)) * _UNITS[unit.group(2)]) if unit else None


def _relationships(path: Path, parts: dict[str, bytes], document_part: str
                   ) -> tuple[etree._Element, dict[str | None, tuple[str | None, str]]]:
    """The main document's relationships, and its internal ones as id -> (type, part)."""
    rels_part = rels_name(document_part)
    rels_root = (
        parse_part(path, parts, rels_part)
        if rels_part in parts
        else etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
    )
    targets = {
        rel.get("Id"): (rel.get("Type"), resolve_target(document_part, rel.get("Target", "")))
        for rel in rels_root
        if rel.get("TargetMode") != "External"
    }
    return rels_root, targets


def _first_free_rid(rels_root: etree._Element) -> int:
    """The number after the highest `rIdN` the template uses: ours never collide."""
    numbers = [int(m.group(1)) for rel in rels_root
               for m in [re.match(r"rId(\d+)$", rel.get("Id", ""))] if m]
    return max(numbers, default=0) + 1


def _styles(path: Path, parts: dict[str, bytes], styles_part: str | None
            ) -> tuple[etree._Element, dict[str, StyleInfo], list[str]]:
    """The styles part, its index by name, and the styles borrowed from the built-in
    reference (a brand template without them still gives complete documents)."""
    if styles_part is None or styles_part not in parts:
        raise TemplateError(path, "the reference document has no styles part (styles.xml)")
    styles_root = parse_part(path, parts, styles_part)
    styles = _style_index(styles_root)
    borrowed = [] if path.resolve() == BUILTIN_REFERENCE.resolve() else _borrow_styles(
        styles_root, styles)
    return styles_root, styles, borrowed


@dataclass
class _Numbering:
    root: etree._Element
    existed: bool
    ordered: int
    bullet: int
    first_num_id: int


def _numbering(path: Path, parts: dict[str, bytes], numbering_part: str | None) -> _Numbering:
    """The numbering part with an ordered and a bullet list definition (ours are added
    where the template has none), and the first list id free for the document's lists."""
    existed = numbering_part is not None and numbering_part in parts
    root = (parse_part(path, parts, numbering_part) if existed
            else etree.fromstring(empty_numbering_xml()))
    for element, attribute in ((w("abstractNum"), w("abstractNumId")), (w("num"), w("numId"))):
        for node in root.findall(element):
            if not re.fullmatch(r"-?[0-9]{1,9}", node.get(attribute, "0")):
                raise TemplateError(path, f"part {numbering_part}: a list definition has "
                                    f"{etree.QName(attribute).localname}="
                                    f"{node.get(attribute)[:20]!r}, which is not a number "
                                    "(save the template again in Word)")
    ordered, bullet, first_num_id = complete_numbering(root)
    return _Numbering(root, existed, ordered, bullet, first_num_id)


def _header_parts(path: Path, parts: dict[str, bytes], sect_pr: etree._Element,
                  targets: dict[str | None, tuple[str | None, str]]) -> list[HeaderFooterPart]:
    """The section's headers and footers, each parsed once here so that a malformed or
    DTD-bearing one is said by its part name, never met later as an internal error."""
    headers: list[HeaderFooterPart] = []
    for ref in sect_pr:
        if ref.tag in (w("headerReference"), w("footerReference")):
            rid = ref.get(oxml.R_ID)
            if rid not in targets or targets[rid][1] not in parts:
                raise TemplateError(path, f"section refers to header/footer {rid} which is "
                                    "missing")
            kind = "header" if ref.tag == w("headerReference") else "footer"
            partname = targets[rid][1]
            parse_part(path, parts, partname)
            headers.append(
                HeaderFooterPart(kind, ref.get(w("type"), "default"), partname, parts[partname])
            )
    return headers


def _style_index(styles_root: etree._Element) -> dict[str, StyleInfo]:
    """Lower-case style name -> id and type, the first definition of a name winning."""
    styles: dict[str, StyleInfo] = {}
    for style in styles_root.iter(w("style")):
        name_el = style.find(w("name"))
        sid = style.get(w("styleId"))
        if name_el is None or sid is None:
            continue
        styles.setdefault(
            name_el.get(w("val"), "").lower(), StyleInfo(sid, style.get(w("type"), "paragraph"))
        )
    return styles


def _borrow_styles(styles_root: etree._Element, styles: dict[str, StyleInfo]) -> list[str]:
    """Add our definitions of the styles the documents use (Cover, TOC Heading, status
    colours...) that a firm's template lacks, such as pandoc's own reference.docx; their
    names, for one warning. A style whose id the template already uses is left out, and
    so are pandoc's names, which fall back along PARAGRAPH_FALLBACKS instead."""
    ids = {info.style_id for info in styles.values()}
    borrowed = []
    for style in _builtin_styles():
        name = style.find(w("name")).get(w("val"), "")
        sid = style.get(w("styleId"))
        if name.lower() in styles or sid in ids or name.lower() in _PANDOC_NAMES:
            continue  # pandoc's names keep their fallback chains (Heading 4 -> Heading 3)
        styles_root.append(copy.deepcopy(style))
        styles[name.lower()] = StyleInfo(sid, style.get(w("type"), "paragraph"))
        ids.add(sid)
        borrowed.append(name)
    return borrowed


@functools.cache
def _builtin_styles() -> tuple[etree._Element, ...]:
    brand_file = read_package(BUILTIN_REFERENCE)
    parts, document_part = brand_file.parts, brand_file.document_part
    rels = parse_part(BUILTIN_REFERENCE, parts, rels_name(document_part))
    name = next(resolve_target(document_part, r.get("Target", "")) for r in rels
                if r.get("Type") == oxml.RT_STYLES)
    root = parse_part(BUILTIN_REFERENCE, parts, name)
    return tuple(s for s in root.findall(w("style"))
                 if s.find(w("name")) is not None and s.get(w("styleId")))
