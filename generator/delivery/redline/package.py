"""The two .docx packages a redline compares, and the newer one it is written into.

The redline is the newer package with its body, headers and footers replaced by
tracked-change versions. Old text quoted in a deletion may hold a picture whose
relationship lives only in the older package: `Package.import_from` copies that
picture into the newer package, so a rejected change still shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from generator.errors import GeneratorError
from generator.writer import oxml
from generator.writer.oxml import CT_NS, PR_NS, R_NS

MAIN_PART = "word/document.xml"
NUMBERING_PART = "word/numbering.xml"
_W_NUM, _W_NUMID, _W_VAL = oxml.w("num"), oxml.w("numId"), oxml.w("val")
_STORY_PART = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_REL_ATTRS = (f"{{{R_NS}}}id", f"{{{R_NS}}}embed", f"{{{R_NS}}}link")
_CORE_MODIFIED = "{http://purl.org/dc/terms/}modified"


@dataclass(frozen=True)
class Relationship:
    type: str
    target: str
    external: bool


@dataclass
class Package:
    """A .docx held as its parts, in their zip order; XML parsed on demand."""

    parts: dict[str, bytes]
    _rels: dict[str, etree._Element] = field(default_factory=dict)
    _imported: dict[tuple[str, str], str] = field(default_factory=dict)
    _touched: set[str] = field(default_factory=set)
    _numbering: etree._Element | None = None
    _nums: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, data: bytes, what: str) -> Package:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts = {info.filename: archive.read(info) for info in archive.infolist()}
        except zipfile.BadZipFile as exc:
            raise GeneratorError(f"the {what} document is not a .docx (zip) file: {exc}") from exc
        if MAIN_PART not in parts:
            raise GeneratorError(f"the {what} document has no {MAIN_PART}: not a Word document")
        return cls(parts)

    def stories(self) -> list[str]:
        """The body, header and footer parts, in package order."""
        return [name for name in self.parts if _STORY_PART.fullmatch(name)]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name])

    def rels(self, part: str) -> etree._Element:
        """The relationships part of `part` (created empty when it has none)."""
        if part not in self._rels:
            name = _rels_name(part)
            empty = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
            self._rels[part] = etree.fromstring(self.parts[name]) if name in self.parts else empty
        return self._rels[part]

    def relationship(self, part: str, rid: str) -> Relationship | None:
        for node in self.rels(part):
            if node.get("Id") == rid:
                return Relationship(node.get("Type", ""), node.get("Target", ""),
                                    node.get("TargetMode") == "External")
        return None

    def target_bytes(self, part: str, rel: Relationship) -> bytes:
        return self.parts.get(_resolve(part, rel.target), b"")

    def resolved(self, part: str, rid: str) -> str:
        """What a relationship id points at, comparable across packages (a digest for media)."""
        rel = self.relationship(part, rid)
        if rel is None:
            return "?"
        if rel.external:
            return rel.target
        return hashlib.sha1(self.target_bytes(part, rel)).hexdigest()

    def import_from(self, old: Package, old_part: str, node: etree._Element, part: str) -> None:
        """Repoint `node`'s relationship ids (from `old`) at copies in this package's `part`."""
        for element in node.iter():
            for attr in _REL_ATTRS:
                rid = element.get(attr)
                if rid is not None:
                    element.set(attr, self._import(old, old_part, rid, part))

    def _import(self, old: Package, old_part: str, rid: str, part: str) -> str:
        rel = old.relationship(old_part, rid)
        if rel is None:
            return rid
        key = (part, f"{rel.type} {old.resolved(old_part, rid)}")
        if key not in self._imported:
            target = rel.target
            if not rel.external:
                data = old.target_bytes(old_part, rel)
                extension = posixpath.splitext(rel.target)[1].lower() or ".bin"
                target = f"media/redline-{hashlib.sha1(data).hexdigest()[:12]}{extension}"
                self.parts[_resolve(part, target)] = data
                self._default_content_type(old, extension.lstrip("."))
            new_rid = f"rIdRedline{len(self._imported) + 1}"
            oxml.relationship(self.rels(part), new_rid, rel.type, target, rel.external)
            self._imported[key] = new_rid
            self._touched.add(part)
        return self._imported[key]

    def import_numbering(self, old: Package, node: etree._Element) -> None:
        """Point list paragraphs quoted from `old` at copies of their own lists here.

        Each Markdown list has its own w:num; the same number means another list in
        the other package, so a deleted list item would continue the wrong list.
        """
        for reference in node.iter(_W_NUMID):
            value = reference.get(_W_VAL, "0")
            if value != "0":
                reference.set(_W_VAL, self._import_num(old, value))

    def _import_num(self, old: Package, value: str) -> str:
        if value not in self._nums:
            self._nums[value] = value
            if NUMBERING_PART in self.parts and NUMBERING_PART in old.parts:
                source = next((n for n in old.xml(NUMBERING_PART).iter(_W_NUM)
                               if n.get(_W_NUMID) == value), None)
                if self._numbering is None:
                    self._numbering = self.xml(NUMBERING_PART)
                ids = [int(n.get(_W_NUMID, "0")) for n in self._numbering.iter(_W_NUM)]
                if source is not None:
                    self._nums[value] = str(max(ids, default=0) + 1)
                    source.set(_W_NUMID, self._nums[value])
                    self._numbering.append(source)
        return self._nums[value]

    def _default_content_type(self, old: Package, extension: str) -> None:
        types = etree.fromstring(self.parts["[Content_Types].xml"])
        defaults = types.iter(f"{{{CT_NS}}}Default")
        if any(d.get("Extension", "").lower() == extension for d in defaults):
            return
        old_types = etree.fromstring(old.parts["[Content_Types].xml"])
        for default in old_types.iter(f"{{{CT_NS}}}Default"):
            if default.get("Extension", "").lower() == extension:
                types.insert(0, default)
                self.parts["[Content_Types].xml"] = oxml.serialize(types)
                return

    def write_imports(self) -> None:
        """Store the relationship and numbering parts that imports touched."""
        if self._numbering is not None:
            self.parts[NUMBERING_PART] = oxml.serialize(self._numbering)
        for part in sorted(self._touched):
            self.parts[_rels_name(part)] = oxml.serialize(self._rels[part])

    def modified(self) -> dt.datetime | None:
        """The document's own time (core properties), the date its tracked changes carry."""
        if "docProps/core.xml" not in self.parts:
            return None
        node = self.xml("docProps/core.xml").find(_CORE_MODIFIED)
        if node is None or not node.text:
            return None
        try:
            return dt.datetime.fromisoformat(node.text.strip().replace("Z", "+00:00"))
        except ValueError:
            return None


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
