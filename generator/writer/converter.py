"""The writer's API: Markdown -> Word, real Word structure, brand template, byte-identical output.

``Converter`` loads a reference .docx once and converts many Markdown documents with it;
``convert_file`` is the one-shot convenience used by the CLI.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import gc
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from lxml import etree
from markdown_it.token import Token

from generator.errors import Diagnostic, GeneratorError, Location, SourceError, display_path
from generator.source.dialect import forbidden_character, make_parser
from generator.source.files import FileRefused, read_file
from generator.writer import brand, numbering, oxml, package
from generator.writer import parts as standard_parts
from generator.writer.brand import BUILTIN_REFERENCE, Template, TemplateError
from generator.writer.headers import fill_headers_footers
from generator.writer.oxml import PR_NS, W_NS, w
from generator.writer.package import (
    Package,
    RidAllocator,
    clean_stale_temporaries,
    resolve_target,
    write_atomic,
)
from generator.writer.render import MarkdownError, Renderer, plain_text
from generator.writer.typography import typeset

__all__ = [
    "Converter",
    "DocumentMeta",
    "MarkdownError",
    "TemplateError",
    "clean_stale_temporaries",
    "convert_file",
    "write_atomic",
]

DEFAULT_REFERENCE = BUILTIN_REFERENCE
_EMPTY: Mapping[str, str] = MappingProxyType({})
_IMAGE_CT = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself: properties, header/footer values, language."""

    title: str
    subject: str = ""
    author: str = ""
    company: str = ""
    client: str = ""
    version: str = ""
    date_text: str = ""
    timestamp: datetime.datetime | None = None
    language: str = "en-GB"
    status_label: str = ""
    confidential_label: str = ""
    keywords: str = ""
    custom_properties: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    placeholders: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """More `{name}` values for the header and footer (e.g. page_label, of_label, footer)."""


class Converter:
    """Converts Markdown to .docx with one analysed reference document (reuse it)."""

    def __init__(self, reference_doc: Path | None = None, *, template: Template | None = None):
        """With `template` (from `load_brand`), that one, already read; else the reference
        document at `reference_doc`, or ours."""
        if template is not None:
            self.reference_doc, self.template = template.path, template
        else:
            self.reference_doc = Path(reference_doc) if reference_doc else DEFAULT_REFERENCE
            self.template = brand.load(self.reference_doc)
        self.md = make_parser()
        self._styles_cache: dict[str, bytes] = {}

    # -- public --------------------------------------------------------------------------
    def convert(
        self,
        markdown: str,
        meta: DocumentMeta,
        *,
        base_dir: Path,
        images: Mapping[str, bytes] = _EMPTY,
    ) -> bytes:
        """Markdown text -> .docx bytes (deterministic for the same input and meta)."""
        refuse_forbidden_characters(markdown)
        with _no_gc():
            return self.convert_tokens(
                self.md.parse(markdown), meta, base_dir=base_dir, images=images
            )

    def convert_tokens(
        self,
        tokens: list[Token],
        meta: DocumentMeta,
        *,
        base_dir: Path,
        images: Mapping[str, bytes] = _EMPTY,
    ) -> bytes:
        """Like ``convert`` for tokens already parsed with ``self.md`` (saves a parse)."""
        t = self.template
        pkg = Package(
            {name: data for name, data in t.parts.items()
             if not name.startswith("docProps/") and name != "_rels/.rels"},
            t.document_part, copy.deepcopy(t.rels_root), copy.deepcopy(t.content_types_root),
            RidAllocator(t.rid_counter_start),
        )
        sect_pr = copy.deepcopy(t.sect_pr)
        self._headers_footers(meta, pkg, sect_pr)

        renderer = Renderer(
            t,
            base_dir=base_dir,
            images=images,
            sect_pr=sect_pr,
            rids=pkg.rids,
            first_num_id=t.first_num_id,
            language=meta.language,
        )
        result = renderer.render(tokens)

        root = copy.deepcopy(t.document_root)
        body = root.find(w("body"))
        body.extend(result.body)
        body.append(result.final_sect_pr)
        pkg.parts[t.document_part] = oxml.serialize(root)

        for rel in result.relationships:
            pkg.relate(rel.rtype, rel.target, external=rel.external, rid=rel.rid)
        pkg.parts.update(result.media)
        for ext in sorted(result.image_extensions):
            pkg.default(ext, _IMAGE_CT[ext])

        pkg.related_part(oxml.RT_NUMBERING, "word/numbering.xml", oxml.CT_NUMBERING,
                         oxml.serialize(numbering.with_lists(t.numbering_root, result.nums)))
        if result.footnotes:
            self._footnotes(result.footnotes, pkg)
        else:
            pkg.drop(oxml.RT_FOOTNOTES)
        self._settings(pkg, result.has_toc, bool(result.footnotes))
        self._theme_and_fonts(pkg)
        pkg.parts[self._styles_part()] = self._styles(meta.language)
        self._doc_props(meta, pkg)
        return pkg.zip(meta.timestamp)

    # -- parts ---------------------------------------------------------------------------
    def _styles_part(self) -> str:
        for rel in self.template.rels_root:
            if rel.get("Type") == oxml.RT_STYLES:
                return resolve_target(self.template.document_part, rel.get("Target"))
        return "word/styles.xml"

    def _styles(self, language: str) -> bytes:
        """styles.xml with the document language in docDefaults (cached per language)."""
        cached = self._styles_cache.get(language)
        if cached is None:
            root = copy.deepcopy(self.template.styles_root)
            defaults = root.find(w("docDefaults"))
            if defaults is None:
                defaults = etree.Element(w("docDefaults"))
                root.insert(0, defaults)
            rpr_default = defaults.find(w("rPrDefault"))
            if rpr_default is None:
                rpr_default = etree.Element(w("rPrDefault"))
                defaults.insert(0, rpr_default)
            rpr = rpr_default.find(w("rPr"))
            if rpr is None:
                rpr = oxml.sub(rpr_default, "rPr")
            lang = rpr.find(w("lang"))
            if lang is None:
                lang = oxml.sub(rpr, "lang")
            lang.set(w("val"), language)
            cached = self._styles_cache[language] = oxml.serialize(root)
        return cached

    def _headers_footers(self, meta: DocumentMeta, pkg: Package, sect_pr: etree._Element
                         ) -> None:
        """The header and footer values: the document's, then its own placeholders."""
        values = {
            "title": meta.title,
            "client": meta.client,
            "version": meta.version,
            "date": meta.date_text,
            "status": meta.status_label,
            "confidential": meta.confidential_label,
            "page_label": "",
            "of_label": "/",
            "footer": "",
            **meta.placeholders,
        }
        values = {key: typeset(value, meta.language) for key, value in values.items()}
        fill_headers_footers(self.template, pkg, sect_pr, values, meta.status_label)

    def _footnotes(self, notes: list[etree._Element], pkg: Package) -> None:
        """word/footnotes.xml with the separator (-1) and continuation (0) notes Word needs."""
        root = etree.fromstring(
            f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{oxml.R_NS}" '
            f'xmlns:wp="{oxml.WP_NS}" xmlns:a="{oxml.A_NS}" xmlns:pic="{oxml.PIC_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p>'
            '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>".encode()
        )
        root.extend(notes)
        pkg.related_part(oxml.RT_FOOTNOTES, "word/footnotes.xml", oxml.CT_FOOTNOTES,
                         oxml.serialize(root))

    def _theme_and_fonts(self, pkg: Package) -> None:
        """A brand template without a theme or font table still gives complete documents:
        its own parts are carried as they are; a missing one is made from its styles."""
        fonts = standard_parts.style_fonts(self.template.styles_root) or ["Calibri"]
        for rtype, partname, content_type, make in (
            (standard_parts.RT_THEME, standard_parts.THEME_PART, standard_parts.CT_THEME,
             lambda: standard_parts.theme_xml("Brand", fonts[0])),
            (standard_parts.RT_FONT_TABLE, standard_parts.FONT_TABLE_PART,
             standard_parts.CT_FONT_TABLE, lambda: standard_parts.font_table_xml(fonts)),
        ):
            if pkg.target_of(rtype) is not None or partname in pkg.parts:
                continue
            pkg.parts[partname] = make().encode()
            pkg.relate(rtype, partname.removeprefix("word/"))
            pkg.override(partname, content_type)

    def _settings(self, pkg: Package, has_toc: bool, has_notes: bool) -> None:
        settings = self.template.settings_root
        partname = pkg.target_of(oxml.RT_SETTINGS)
        if settings is None or partname is None:
            return
        root = copy.deepcopy(settings)
        if has_toc and root.find(w("updateFields")) is None:
            node = etree.Element(w("updateFields"))
            node.set(w("val"), "true")
            oxml.insert_in_order(root, node, _AFTER_UPDATE_FIELDS)
        if not has_notes:
            for node in root.findall(w("footnotePr")):
                for child in node.findall(w("footnote")):
                    node.remove(child)
        pkg.parts[partname] = oxml.serialize(root)

    def _doc_props(self, meta: DocumentMeta, pkg: Package) -> None:
        """The document properties and the package relationships (to them and the body)."""
        parts = pkg.parts
        stamp = package.resolve_timestamp(meta.timestamp)
        parts["docProps/core.xml"] = package.core_xml(
            title=meta.title,
            subject=meta.subject,
            author=meta.author,
            keywords=meta.keywords,
            timestamp=stamp,
        )
        parts["docProps/app.xml"] = package.app_xml(company=meta.company)
        pkg.override("docProps/core.xml", oxml.CT_CORE)
        pkg.override("docProps/app.xml", oxml.CT_APP)
        root = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
        oxml.relationship(root, "rId1", oxml.RT_OFFICE_DOC, self.template.document_part, False)
        oxml.relationship(root, "rId2", oxml.RT_CORE, "docProps/core.xml", False)
        oxml.relationship(root, "rId3", oxml.RT_APP, "docProps/app.xml", False)
        if meta.custom_properties:
            parts["docProps/custom.xml"] = package.custom_xml(meta.custom_properties)
            pkg.override("docProps/custom.xml", oxml.CT_CUSTOM)
            oxml.relationship(root, "rId4", oxml.RT_CUSTOM, "docProps/custom.xml", False)
        parts["_rels/.rels"] = oxml.serialize(root)


_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic GC: a big document allocates ~10^5 tokens and elements and the
    collector would rescan them repeatedly (about 20 % of the run). Nothing here makes
    reference cycles that need it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def first_heading(tokens: list[Token]) -> str | None:
    """Text of the first level-1 heading, used as the default document title."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return plain_text(tokens[index + 1])
    return None


def refuse_forbidden_characters(markdown: str) -> None:
    """A character XML forbids would make Word call the file corrupt: refuse it at its line."""
    found = forbidden_character(markdown)
    if found:
        line, code = found
        raise MarkdownError(f"control character {code} in the text", line,
                            "remove it: it was probably pasted from another program")


def convert_file(
    source: Path,
    target: Path,
    *,
    reference_doc: Path | None = None,
    title: str | None = None,
    warn: Callable[[Diagnostic], None] | None = None,
) -> None:
    """Convert one Markdown file; images relative to its folder; atomic write. `warn`
    hears the reference document's notices (styles borrowed from ours, what its
    allow-lists dropped), as `interim build` says of a firm's brand template."""
    source = Path(source)
    inputs = {"the Markdown file": source}
    if reference_doc is not None:
        inputs["the reference document"] = Path(reference_doc)
    refuse_overwriting(Path(target), inputs)
    try:
        markdown = read_file(source, what="Markdown file").decode("utf-8-sig")
    except FileRefused as refused:
        raise SourceError([Diagnostic(Location(source), refused.message, refused.hint)]
                          ) from None
    except UnicodeDecodeError as exc:
        raise SourceError([Diagnostic(Location(source), "the file is not UTF-8 text",
                                      "save it as UTF-8")]) from exc
    converter = Converter(reference_doc)
    for notice in converter.template.notices() if warn else ():
        warn(notice)
    try:
        with _no_gc():
            refuse_forbidden_characters(markdown)
            tokens = converter.md.parse(markdown)
            if title is None:
                title = first_heading(tokens) or source.stem
            data = converter.convert_tokens(tokens, DocumentMeta(title=title),
                                            base_dir=source.parent)
    except MarkdownError as exc:
        where = Location(source, exc.line)
        raise SourceError([Diagnostic(where, exc.message, exc.hint)]) from exc
    try:
        write_atomic(Path(target), data)
    except OSError as exc:
        raise GeneratorError(f"cannot write {target}: {exc.strerror or exc}") from exc


def refuse_overwriting(target: Path, inputs: Mapping[str, Path]) -> None:
    """An `-o` the user typed may never replace what the run reads: a .docx name only (so a
    slip such as `-o notes.md` or `-o assignment.yaml` cannot clobber a source), never one
    of `inputs` (what each is, by its path), and a folder to write in, said as such."""
    shown = display_path(target)
    if target.suffix.lower() != ".docx":
        raise GeneratorError(f"{shown}: the output must be a .docx file (end the name in "
                             ".docx, so that it never replaces a source)")
    for what, source in inputs.items():
        with contextlib.suppress(OSError):
            if target.exists() and target.samefile(source):
                raise GeneratorError(f"{shown} is {what}, which this run reads (write the "
                                     "document to another file)")
    for parent in target.parents:
        if parent.exists() and not parent.is_dir():
            raise GeneratorError(f"cannot write {shown}: {display_path(parent)} is a file, "
                                 "not a folder (choose another place)")


def load_brand(root: Path, brand_template: str | None, where: Location | None = None
               ) -> Template:
    """A firm's brand template (firm.yaml's `brand_template`, relative to the repository
    root) as the writer reads it, ours when it names none. `where` is the line naming it:
    a broken template is a SourceError there (naming the part), and what its allow-lists
    dropped is said there, so that validate and build say the same of it."""
    if not brand_template:
        return brand.load(BUILTIN_REFERENCE)
    try:
        template = brand.load(root / brand_template)
    except TemplateError as exc:
        if where is None:
            raise
        raise SourceError([Diagnostic(where, f"brand template {brand_template}: {exc.problem}")]
                          ) from None
    template.where = where
    return template
