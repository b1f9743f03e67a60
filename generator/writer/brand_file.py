"""The brand template's file, read as an allow-list (see `allowed`): the parts a document
takes, each judged by the zip directory before it is unpacked, cleaned, and typed anew.

Only parts reached from the main document by a relationship in DOCUMENT_NEEDS (and the
pictures and fonts those use) are read at all; their content is then reduced to what
`allowed` names, and what went is collected in `Dropped`, to be said once per template.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.errors import GeneratorError
from generator.source.dialect import refused_scheme
from generator.source.files import FileRefused, read_file
from generator.writer import allowed, oxml
from generator.writer.allowed import Dropped
from generator.writer.package import rels_name, resolve_target


class TemplateError(GeneratorError):
    """A problem with a reference .docx; the message names the file and the part."""

    def __init__(self, path: Path, problem: str):
        self.path, self.problem = Path(path), problem
        super().__init__(f"{path}: {problem}")


MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024
"""No part a document needs (styles, theme, a header picture) comes near this."""
MAX_RATIO = 200
"""Compression ratio beyond which a part is a zip bomb, whatever its declared size."""
DOCUMENT_NEEDS = frozenset({oxml.RT_STYLES, oxml.RT_NUMBERING, oxml.RT_SETTINGS,
                            allowed.RT_THEME, allowed.RT_FONT_TABLE, oxml.RT_HEADER,
                            oxml.RT_FOOTER})
"""The parts of a brand template a document takes; all else (comments, customXml,
footnotes, webSettings, glossary, a macro project, unused media) is dropped, never copied
to a client."""
PARTS_MAY_USE = frozenset({oxml.RT_IMAGE, allowed.RT_FONT})
"""What a header, footer, theme, font table, styles or numbering part may bring along:
its pictures and fonts (and a header's http(s) and mailto links). Settings bring nothing."""
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False, remove_comments=False)


def parse_part(path: Path, parts: dict[str, bytes], name: str) -> etree._Element:
    """A part as XML: no DTD, no entities, no network (a Word part never has a DOCTYPE)."""
    try:
        root = etree.fromstring(parts[name], _SAFE_PARSER)
    except KeyError:
        raise TemplateError(path, f"the reference document has no part {name}") from None
    except etree.XMLSyntaxError as exc:
        raise TemplateError(path, f"part {name} is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise TemplateError(path, f"part {name} declares a DTD (<!DOCTYPE>), which no Word "
                            "part has; save the template again in Word")
    return root


@dataclass
class BrandFile:
    """The parts a document takes from a brand template, cleaned; their content types."""

    parts: dict[str, bytes]
    document_part: str
    content_types: etree._Element
    dropped: Dropped


def read_package(path: Path) -> BrandFile:
    """The parts of a reference .docx a document needs, cleaned by the allow-lists.

    The file comes through the guarded opener; each part is judged by the zip
    directory (declared size, compression ratio) BEFORE it is decompressed, then read
    with a bound whatever the directory claims.
    """
    try:
        data = read_file(path, max_bytes=MAX_TEMPLATE_BYTES, what="brand template")
    except FileRefused as refused:
        raise TemplateError(path, f"{refused.message} ({refused.hint})") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(path, f"not a .docx file ({exc})") from None
    with archive:
        reader = _PartReader(path, archive)
        parts = {name: reader.read(name) for name in ("[Content_Types].xml", "_rels/.rels")}
        document_part = "word/document.xml"
        for rel in parse_part(path, parts, "_rels/.rels"):
            if rel.get("Type") == oxml.RT_OFFICE_DOC:
                document_part = resolve_target("", rel.get("Target", ""))
        parts[document_part] = reader.read(document_part)
        reader.kinds[document_part] = oxml.RT_OFFICE_DOC
        for part in reader.follow(document_part, DOCUMENT_NEEDS, parts):
            if reader.kinds[part] == oxml.RT_SETTINGS:
                reader.follow(part, frozenset(), parts)
            else:
                reader.follow(part, PARTS_MAY_USE, parts, strict=True)
        in_zip_order = {name: parts[name] for name in archive.namelist() if name in parts}
    _clean(path, in_zip_order, reader.kinds, reader.dropped)
    try:
        types = allowed.content_types(parse_part(path, parts, "[Content_Types].xml"),
                                      reader.kinds, reader.dropped)
    except ValueError as exc:
        raise TemplateError(path, str(exc)) from None
    return BrandFile(in_zip_order, document_part, types, reader.dropped)


def _clean(path: Path, parts: dict[str, bytes], kinds: dict[str, str], dropped: Dropped
           ) -> None:
    """Headers, footers and settings reduced to their allow-lists; the other XML parts
    parsed, so that a malformed or DTD-bearing one is said here by its name."""
    for name, kind in kinds.items():
        if kind not in DOCUMENT_NEEDS or kind in (oxml.RT_STYLES, oxml.RT_NUMBERING):
            continue  # pictures and fonts are not XML; brand.py reads styles and numbering
        root = parse_part(path, parts, name)
        if kind in (oxml.RT_HEADER, oxml.RT_FOOTER):
            allowed.clean_header(root, name, dropped)
        elif kind == oxml.RT_SETTINGS:
            allowed.clean_settings(root, name, dropped)
        else:
            continue
        parts[name] = oxml.serialize(root)


class _PartReader:
    """Reads parts of one zip, each checked against its directory entry first; notes the
    relationship each part was reached by, and what was dropped."""

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path, self.archive, self.total = path, archive, 0
        self.kinds: dict[str, str] = {}
        self.dropped = Dropped()

    def read(self, name: str) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise TemplateError(self.path, f"the reference document has no part {name}"
                                ) from None
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (ratio > MAX_RATIO and info.file_size > 2**20):
            raise TemplateError(self.path, f"part {name} would unpack to {info.file_size:,} "
                                f"bytes from {info.compress_size:,} (at most "
                                f"{MAX_PART_BYTES // 2**20} MB per part); refused unread "
                                "(remove what makes it so large, or start from "
                                "templates/reference.docx)")
        try:
            with self.archive.open(info) as handle:
                data = handle.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise TemplateError(self.path, f"part {name} cannot be read ({exc})") from None
        self.total += len(data)
        if len(data) > MAX_PART_BYTES or self.total > MAX_TEMPLATE_BYTES:
            raise TemplateError(self.path, f"part {name} unpacks to more than its zip "
                                "directory declares, or the parts exceed "
                                f"{MAX_TEMPLATE_BYTES // 2**20} MB; refused (save the "
                                "template again in Word)")
        return data

    def follow(self, source: str, kinds: frozenset[str], parts: dict[str, bytes], *,
               strict: bool = False) -> list[str]:
        """Read the parts `source` refers to by a relationship of `kinds`; its .rels part
        is rewritten to hold only those (and, when `strict`, links of allowed schemes).

        The main document's and the settings' other relationships go (the body is not
        used; no setting that uses one passes); a header's, footer's, theme's or font
        table's would be left dangling, so `strict` refuses them.
        """
        rels = rels_name(source)
        if rels not in self.archive.NameToInfo:
            return []
        root = parse_part(self.path, {rels: self.read(rels)}, rels)
        kept = []
        for rel in list(root):
            target, kind = rel.get("Target", ""), rel.get("Type", "")
            if rel.get("TargetMode") == "External":
                why = refused_scheme(target) if kind == oxml.RT_HYPERLINK else "external"
                if strict and not why:
                    continue
                if strict:
                    raise TemplateError(self.path, f"part {source} links to {target[:60]!r}, "
                                        f"which is not allowed ({why}); remove the link in Word")
                if why:  # the body's own links go with the body, unsaid
                    self.dropped.note(f"a link ({kind.rsplit('/', 1)[-1]}) to "
                                      f"{target[:60]!r}", rels)
            elif kind in kinds:
                name = resolve_target(source, target)
                if not name:
                    raise TemplateError(self.path, f"{rels} points outside the package "
                                        f"({target!r})")
                if name not in parts:
                    parts[name] = self.read(name)
                    self.kinds[name] = kind
                    kept.append(name)
                continue
            elif strict:
                raise TemplateError(self.path, f"part {source} uses a {kind.rsplit('/', 1)[-1]} "
                                    "part, which documents do not carry; remove it from the "
                                    "template in Word")
            elif kind.rsplit("/", 1)[-1] in allowed.ACTIVE_PARTS:
                self.dropped.note(f"a {kind.rsplit('/', 1)[-1]} part", rels)
            root.remove(rel)
        parts[rels] = oxml.serialize(root)
        return kept
