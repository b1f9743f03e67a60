"""Loading and analysing a reference .docx once, and per-document header/footer filling.

A firm's reference document supplies page setup, styles, numbering and header/footer.
It is read ONCE per ``Converter``: style names are resolved to ids here so the renderer
never scans styles.xml per paragraph.
"""

from __future__ import annotations

import copy
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from generator.bundled import template_root
from generator.errors import Diagnostic, GeneratorError, Level, Location
from generator.source.dialect import refused_scheme
from generator.source.files import FileRefused, read_file
from generator.writer import oxml
from generator.writer.numbering import (
    complete_numbering,
    empty_numbering_xml,
)
from generator.writer.oxml import PR_NS, W_NS, w
from generator.writer.package import rels_name, resolve_target


class TemplateError(GeneratorError):
    """A problem with a reference .docx; the message names the file and the missing part."""


BUILTIN_REFERENCE = template_root() / "reference.docx"
"""Our brand template: the definitions of the styles a firm's template lacks come from it."""
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024
"""No part a document needs (styles, theme, a header picture) comes near this."""
MAX_RATIO = 200
"""Compression ratio beyond which a part is a zip bomb, whatever its declared size."""
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOCUMENT_NEEDS = frozenset(_RT + t for t in (
    "styles", "numbering", "settings", "theme", "fontTable", "header", "footer"))
"""The parts of a brand template a document takes; all else (comments, customXml,
footnotes, webSettings, glossary, unused media) is dropped, never copied to a client."""
PARTS_MAY_USE = frozenset({_RT + "image", _RT + "font"})
"""What a header, footer, theme or font table may bring along: its pictures and fonts."""
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False, remove_comments=False)

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
    "Subtitle": ("Body Text", "Normal"),
    "Heading 1": (),
    "Heading 2": ("Heading 1",),
    "Heading 3": ("Heading 2", "Heading 1"),
    "Heading 4": ("Heading 3", "Heading 2", "Heading 1"),
    "Heading 5": ("Heading 4", "Heading 3", "Heading 2", "Heading 1"),
    "Heading 6": ("Heading 5", "Heading 4", "Heading 3", "Heading 2", "Heading 1"),
}
_PANDOC_NAMES = frozenset(name.lower() for name in PARAGRAPH_FALLBACKS)
FALLBACK_OK = frozenset({"Title", "Subtitle", "Body Text", "First Paragraph", "Compact",
                         "Block Text"})
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
                f"{self.path}: the reference document has no paragraph style {name!r}; "
                f"add it in Word (Styles pane) or use the default templates/reference.docx"
            )
        self._resolved[key] = found
        return found

    def paragraph_style_for(self, name: str) -> str | None:
        """The style `::: style NAME` places text in: the template's own, or for a few
        pandoc names their fallback; None when there is none (the writer refuses it, and
        so does validate, through this same method)."""
        if name in FALLBACK_OK:
            return self.exact_style_id(name) or self.style_id(name)
        return self.exact_style_id(name)

    def borrowed_warning(self) -> Diagnostic | None:
        """The one warning that this template lacks styles the documents use."""
        if not self.borrowed_styles:
            return None
        return Diagnostic(Location(self.path), "the brand template lacks the styles "
                          + ", ".join(self.borrowed_styles) + "; using the built-in definitions",
                          "add these styles in Word to give them the firm's look",
                          Level.WARNING)

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


def _parse(path: Path, parts: dict[str, bytes], name: str) -> etree._Element:
    """A part as XML: no DTD, no entities, no network (a Word part never has a DOCTYPE)."""
    try:
        root = etree.fromstring(parts[name], _SAFE_PARSER)
    except KeyError:
        raise TemplateError(f"{path}: the reference document has no part {name}") from None
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"{path}: part {name} is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise TemplateError(f"{path}: part {name} declares a DTD (<!DOCTYPE>), which no Word "
                            "part has; save the template again in Word")
    return root


def read_package(path: Path) -> tuple[dict[str, bytes], str]:
    """The parts of a reference .docx a document needs, and the main document's name.

    The file comes through the guarded opener; each part is judged by the zip
    directory (declared size, compression ratio) BEFORE it is decompressed, then read
    with a bound whatever the directory claims. Only parts reached from the main
    document by a relationship in DOCUMENT_NEEDS (and their pictures and fonts) are kept.
    """
    try:
        data = read_file(path, max_bytes=MAX_TEMPLATE_BYTES, what="brand template")
    except FileRefused as refused:
        raise TemplateError(f"{path}: {refused.message} ({refused.hint})") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"{path}: not a .docx file ({exc})") from None
    with archive:
        reader = _PartReader(path, archive)
        parts = {name: reader.read(name) for name in ("[Content_Types].xml", "_rels/.rels")}
        document_part = "word/document.xml"
        for rel in _parse(path, parts, "_rels/.rels"):
            if rel.get("Type") == oxml.RT_OFFICE_DOC:
                document_part = resolve_target("", rel.get("Target", ""))
        parts[document_part] = reader.read(document_part)
        for part in reader.follow(document_part, DOCUMENT_NEEDS, parts):
            reader.follow(part, PARTS_MAY_USE, parts)
        in_zip_order = {name: parts[name] for name in archive.namelist() if name in parts}
    return in_zip_order, document_part


class _PartReader:
    """Reads parts of one zip, each checked against its directory entry first."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path, self.archive, self.total = path, archive, 0

    def read(self, name: str) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise TemplateError(f"{self.path}: the reference document has no part {name}"
                                ) from None
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (ratio > MAX_RATIO and info.file_size > 2**20):
            raise TemplateError(f"{self.path}: part {name} would unpack to {info.file_size:,} "
                                f"bytes from {info.compress_size:,} (at most "
                                f"{MAX_PART_BYTES // 2**20} MB per part); refused unread "
                                "(remove what makes it so large, or start from "
                                "templates/reference.docx)")
        try:
            with self.archive.open(info) as handle:
                data = handle.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise TemplateError(f"{self.path}: part {name} cannot be read ({exc})") from None
        self.total += len(data)
        if len(data) > MAX_PART_BYTES or self.total > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"{self.path}: part {name} unpacks to more than its zip "
                                "directory declares, or the parts exceed "
                                f"{MAX_TEMPLATE_BYTES // 2**20} MB; refused (save the "
                                "template again in Word)")
        return data

    def follow(self, source: str, kinds: frozenset[str], parts: dict[str, bytes]) -> list[str]:
        """Read the parts `source` refers to by a relationship of `kinds`; its .rels part
        is rewritten to hold only those (and external links of allowed schemes).

        The main document's other relationships go (its body is not used); a header's,
        footer's, theme's or font table's would be left dangling, so they are refused.
        """
        rels = rels_name(source)
        if rels not in self.archive.NameToInfo:
            return []
        root = _parse(self.path, {rels: self.read(rels)}, rels)
        kept = []
        strict = kinds is PARTS_MAY_USE
        for rel in list(root):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                why = refused_scheme(target) if rel.get("Type") == oxml.RT_HYPERLINK else "external"
                if not why:
                    continue
                if strict:
                    raise TemplateError(f"{self.path}: part {source} links to {target[:60]!r}, "
                                        f"which is not allowed ({why}); remove the link in Word")
            elif rel.get("Type") in kinds:
                name = resolve_target(source, target)
                if not name:
                    raise TemplateError(f"{self.path}: {rels} points outside the package "
                                        f"({target!r})")
                if name not in parts:
                    parts[name] = self.read(name)
                    kept.append(name)
                continue
            elif strict:
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                raise TemplateError(f"{self.path}: part {source} uses a {kind} part, which "
                                    "documents do not carry; remove it from the template in Word")
            root.remove(rel)
        parts[rels] = oxml.serialize(root)
        return kept


def load(path: Path) -> Template:
    """Read and analyse a reference .docx (single section, styles, numbering, headers)."""
    path = Path(path)
    parts, document_part = read_package(path)
    root, sect_pr = _document(path, parts, document_part)
    rels_root, targets = _relationships(path, parts, document_part)
    by_type = {rtype: target for rtype, target in targets.values()}
    styles_root, styles, borrowed = _styles(path, parts, by_type.get(oxml.RT_STYLES))
    numbering = _numbering(path, parts, by_type.get(oxml.RT_NUMBERING))
    settings_part = by_type.get(oxml.RT_SETTINGS)
    settings_root = (
        _parse(path, parts, settings_part) if settings_part and settings_part in parts else None
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
        content_types_root=_parse(path, parts, "[Content_Types].xml"),
        headers=headers,
        rid_counter_start=_first_free_rid(rels_root),
        borrowed_styles=borrowed,
    )
    for name in REQUIRED:
        template.style_id(name)
    return template


def _document(path: Path, parts: dict[str, bytes], document_part: str
              ) -> tuple[etree._Element, etree._Element]:
    """The main document emptied of its content, and its one section's properties
    (A4 with 2.5 cm margins when it has none)."""
    root = _parse(path, parts, document_part)
    body = root.find(w("body"))
    if body is None:
        raise TemplateError(f"{path}: {document_part} has no w:body")
    inner_sections = body.findall(f".//{w('pPr')}/{w('sectPr')}")
    if inner_sections:
        raise TemplateError(
            f"{path}: the reference document has {len(inner_sections) + 1} sections; "
            "it must be a single section (remove the section breaks)"
        )
    sect_pr = body.find(w("sectPr"))
    if sect_pr is None:
        sect_pr = etree.fromstring(
            f'<w:sectPr xmlns:w="{W_NS}"><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" '
            'w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>'
        )
    for child in list(body):
        body.remove(child)
    return root, sect_pr


def _relationships(path: Path, parts: dict[str, bytes], document_part: str
                   ) -> tuple[etree._Element, dict[str | None, tuple[str | None, str]]]:
    """The main document's relationships, and its internal ones as id -> (type, part)."""
    rels_part = rels_name(document_part)
    rels_root = (
        _parse(path, parts, rels_part)
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
        raise TemplateError(f"{path}: the reference document has no styles part (styles.xml)")
    styles_root = _parse(path, parts, styles_part)
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
    root = (_parse(path, parts, numbering_part) if existed
            else etree.fromstring(empty_numbering_xml()))
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
                raise TemplateError(
                    f"{path}: section refers to header/footer {rid} which is missing"
                )
            kind = "header" if ref.tag == w("headerReference") else "footer"
            partname = targets[rid][1]
            _parse(path, parts, partname)
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
    parts, document_part = read_package(BUILTIN_REFERENCE)
    rels = _parse(BUILTIN_REFERENCE, parts, rels_name(document_part))
    name = next(resolve_target(document_part, r.get("Target", "")) for r in rels
                if r.get("Type") == oxml.RT_STYLES)
    root = _parse(BUILTIN_REFERENCE, parts, name)
    return tuple(s for s in root.findall(w("style"))
                 if s.find(w("name")) is not None and s.get(w("styleId")))
