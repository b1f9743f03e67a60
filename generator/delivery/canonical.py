"""A document's canonical text, what an issued record's digest covers, and where a change
in it comes from.

The text is what the client reads, not how it is laid out: the body's paragraphs (cover,
headings, list items) and its tables, one row a line with the cells joined by " | ", then
the footnotes; every run of white space (tabs, line breaks, no-break spaces) one space,
a no-break hyphen a hyphen, invisible characters (soft hyphens, zero-width spaces)
dropped, empty paragraphs skipped. Left out, because the generator or the firm makes
them and not the assignment's facts: the contents page's entries (its headings are in
the text anyway; its page numbers come from LibreOffice), headers and footers (the
firm's footer and page numbers; the version and date are on the cover), pictures, field
codes, styles and document properties; the firm's own details (firm.yaml) stand as their
keys. So a generator that changes only layout, fonts,
numbering or the zip does not change an issued document's text; one that changes words
does, and the refusal says which paragraph.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

from generator.documents.typography import typographic, typographic_markdown
from generator.errors import Location
from generator.source.reading import IncludedText, Path_, Source
from generator.writer.oxml import w
from generator.writer.toc import main_parts

_W_P, _W_TBL, _W_TR, _W_TC, _W_T = w("p"), w("tbl"), w("tr"), w("tc"), w("t")
_W_FLD, _W_INSTR, _W_SECT = w("fldChar"), w("instrText"), w("sectPr")
_SPACES = {w("tab"), w("br"), w("cr")}
_W_NBH, _W_TYPE, _W_FLD_TYPE = w("noBreakHyphen"), w("type"), w("fldCharType")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_WHITE = re.compile(r"\s+")
FOOTNOTES = "word/footnotes.xml"
_NONE: Mapping[str, str] = {}


def canonical_text(docx: bytes, firm: Mapping[str, str] = _NONE) -> list[str]:
    """The text a client reads in a .docx, one paragraph or table row a line (see above).

    `firm` maps a key of firm.yaml (`firm.address`) to the text it prints: each stands as
    `{firm.address}`, so a firm that moves does not change the documents it issued; the
    firm's details are the firm's, not the assignment's facts.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()
                 if name.endswith((".xml", ".rels"))}
    document, _ = main_parts(parts)
    body = etree.fromstring(parts[document]).find(w("body"))
    lines = _lines(body) if body is not None else []
    if FOOTNOTES in parts:
        for note in etree.fromstring(parts[FOOTNOTES]).findall(w("footnote")):
            if note.get(_W_TYPE) in (None, "normal"):  # not the separators Word needs
                lines += _lines(note)
    for key, value in sorted(firm.items(), key=lambda item: -len(item[1])):
        lines = [line.replace(value, f"{{{key}}}") for line in lines]
    return lines


def digest(lines: list[str]) -> str:
    """What an issued record keeps of the canonical text."""
    return "sha256:" + hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()


def normal(text: str) -> str:
    """Text as the canonical text holds it: one space for any white space, NFC."""
    return _WHITE.sub(" ", unicodedata.normalize("NFC", text).translate(_INVISIBLE)).strip()


def _lines(container: etree._Element) -> list[str]:
    lines: list[str] = []
    depth = 0  # inside the contents field: > 0 (its nested fields count too)
    for block in container:
        if block.tag == _W_P:
            text, depth = _paragraph(block, depth)
            lines += [text] if text else []
        elif block.tag == _W_TBL:
            for row in block.findall(_W_TR):
                cells = [" ".join(filter(None, (_paragraph(p, 0)[0] for p in cell.iter(_W_P))))
                         for cell in row.findall(_W_TC)]
                lines += [" | ".join(cells)] if any(cells) else []
        elif block.tag != _W_SECT:  # a content control or other wrapper: what it holds
            lines += _lines(block)
    return lines


def _paragraph(p: etree._Element, depth: int) -> tuple[str, int]:
    """A paragraph's text, and whether the contents field is still open after it."""
    pieces = []
    for node in p.iter(_W_T, _W_FLD, _W_INSTR, _W_NBH, *_SPACES):
        if node.tag == _W_FLD and depth:
            kind = node.get(_W_FLD_TYPE)
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
        elif node.tag == _W_INSTR and not depth and (node.text or "").split()[:1] == ["TOC"]:
            depth = 1
        elif depth or node.tag in (_W_FLD, _W_INSTR):
            continue
        elif node.tag == _W_T:
            pieces.append(node.text or "")
        else:
            pieces.append("-" if node.tag == _W_NBH else " ")
    return normal("".join(pieces)), depth


# --------------------------------------------------------------------------- differences

@dataclass(frozen=True)
class Difference:
    """The first paragraph (or table row) that differs: its number, as issued, as now."""

    number: int
    before: str
    after: str

    def changed(self) -> tuple[int, int]:
        """Where `after` differs from `before`: (start, end), widened to whole words."""
        opcodes = [op for op in difflib.SequenceMatcher(None, self.before, self.after,
                                                        autojunk=False).get_opcodes()
                   if op[0] != "equal"]
        if not opcodes:
            return 0, len(self.after)
        start, end = opcodes[0][3], opcodes[-1][4]
        while start > 0 and not self.after[start - 1].isspace():
            start -= 1
        while end < len(self.after) and not self.after[end].isspace():
            end += 1
        return start, end


def first_difference(before: list[str], after: list[str]) -> Difference:
    """The first line where two canonical texts part ("" where one side has none)."""
    for number, (old, new) in enumerate(zip(before, after, strict=False), start=1):
        if old != new:
            return Difference(number, old, new)
    number = min(len(before), len(after)) + 1
    return Difference(number, _at(before, number), _at(after, number))


def _at(lines: list[str], number: int) -> str:
    return lines[number - 1] if number <= len(lines) else ""


def excerpt(text: str, start: int, width: int = 150) -> str:
    """A long paragraph shown around `start`, where it changes."""
    if len(text) <= width:
        return text
    left = max(0, min(start - width // 3, len(text) - width))
    right = left + width
    if left:  # whole words at both ends
        left = text.find(" ", left, start) + 1 or left
    if right < len(text):
        right = text.rfind(" ", start, right) if text.rfind(" ", start, right) > start else right
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


# --------------------------------------------------------------------------- source keys

@dataclass(frozen=True)
class SourceKey:
    """A value of the sources whose text stands where a paragraph changed."""

    path: Path_
    location: Location
    whole: bool
    """The value stands whole in the paragraph (a target, a title), not the paragraph in it."""


def source_keys(source: Source, difference: Difference, date_forms: Any) -> list[SourceKey]:
    """The values whose printed text stands where `difference.after` changed: values found
    whole in the paragraph across the change first (a target, a title), then long texts
    holding the changed words (a summary, an included file), each at its line.
    `date_forms(day)` gives how the documents print a date."""
    after = difference.after
    if not after:
        return []
    start, end = difference.changed()
    changed = after[start:end].strip()
    found: list[SourceKey] = []
    for path, value in source.walk():
        for form in _printed(value, source.as_typed.get(path), date_forms):
            if len(form) >= 2 and _across(after, form, start, max(end, start + 1)):
                found.append(SourceKey(path, source.locate(path), True))
                break
            if len(changed) >= 4 and len(form) > len(after) // 2 and changed in form:
                found.append(SourceKey(path, _inside(value, changed, source.locate(path)),
                                       False))
                break
    return sorted(found, key=lambda key: not key.whole)


def _across(text: str, form: str, start: int, end: int) -> bool:
    """`form` stands in `text` somewhere over [start, end)."""
    at = text.find(form)
    while at >= 0:
        if at < end and at + len(form) > start:
            return True
        at = text.find(form, at + 1)
    return False


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _printed(value: Any, typed: str | None, date_forms: Any) -> Iterator[str]:
    """The ways a source value can read in a document."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, datetime.date):
        yield from (normal(form) for form in date_forms(value))
    if isinstance(value, int | float | Decimal | datetime.date):
        yield from filter(None, (typed, str(value)))
        return
    text = normal(str(value))
    yield text
    typeset = normal(typographic_markdown(text))  # "O'Brien" prints as "O’Brien"
    if typeset != text:
        yield typeset
    plain = normal(re.sub(r"[*_`]", "", _LINK.sub(r"\1", text)))  # inline Markdown as it reads
    if plain != text:
        yield plain
        if typographic(plain) != plain:
            yield typographic(plain)


def _inside(value: Any, changed: str, where: Location) -> Location:
    """An included file's line holding the changed words; else the value's own place."""
    if not isinstance(value, IncludedText):
        return where
    for number, line in enumerate(value.splitlines(), start=1):
        if max(changed.split(), key=len) in line:
            return Location(value.source, number)
    return Location(value.source)


def dotted(path: Path_) -> str:
    """`intake.objectives[0].target`: a key path as the sources nest it."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path
                   ).lstrip(".")
