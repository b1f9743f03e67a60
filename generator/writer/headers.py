"""Headers and footers: the template's `{name}` placeholders filled, the status shown.

Word often splits `{title}` over several runs, so a paragraph is read as pieces (the
text of each `w:t`, or another run child such as a tab, kept as it is) in stretches of
text between such children; placeholders are found in a stretch's text, and the runs
are rebuilt piece by piece with the formatting of the run each piece came from.
`{page}`/`{pages}` become PAGE and NUMPAGES fields. An empty value vanishes together
with a separator next to it ("Client · {version}" without a version reads "Client").
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree

from generator.writer import oxml
from generator.writer.brand import Template
from generator.writer.oxml import W_NS, w
from generator.writer.package import Package

PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z_]*)\}")
_SEP_BEFORE_RE = re.compile(r"\s*[—–·|/-]\s*$")
_SEP_AFTER_RE = re.compile(r"^\s*[—–·|/-]\s*")
_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}


@dataclass
class _Piece:
    """The text of one `w:t`, or one other run child, with the run it came from."""

    run: etree._Element
    text: str = ""
    element: etree._Element | None = None


@dataclass
class _Edit:
    """What a stretch of a paragraph's text becomes: deleted spans and filled values."""

    deleted: list[tuple[int, int]]
    values: dict[int, tuple[int, str, str]]  # start -> (end, name, value)


def fill_headers_footers(template: Template, pkg: Package, sect_pr: etree._Element,
                         values: Mapping[str, str], status: str) -> None:
    """Fill the template's header and footer parts into `pkg`; a status label shows on
    every page: where no header has `{status}`, it is added as the header's first line
    (and a header made for a page type the section shows but has none for)."""
    roots: dict[str, etree._Element] = {}
    status_types: set[str] = set()
    header_parts: dict[str, str] = {}
    for part in template.headers:
        root = etree.fromstring(part.xml)
        if "status" in fill_placeholders(root, values):
            status_types.add(part.ref_type)
        roots[part.partname] = root
        if part.kind == "header":
            header_parts[part.ref_type] = part.partname
    if status:
        header_style = template.exact_style_id("Header")
        for ref_type in _page_types(template, sect_pr):
            if ref_type in status_types:
                continue
            partname = header_parts.get(ref_type)
            if partname is None:
                partname = _new_header(ref_type, pkg, sect_pr)
                roots[partname] = etree.fromstring(
                    f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{oxml.R_NS}"/>'.encode())
            roots[partname].insert(0, status_paragraph(status, header_style))
    for partname, root in roots.items():
        pkg.parts[partname] = oxml.serialize(root)


def _page_types(template: Template, sect_pr: etree._Element) -> list[str]:
    """The header types the section shows: default, first page, even pages."""
    needed = ["default"]
    if sect_pr.find(w("titlePg")) is not None:
        needed.append("first")
    settings = template.settings_root
    if settings is not None and settings.find(w("evenAndOddHeaders")) is not None:
        needed.append("even")
    return needed


def _new_header(ref_type: str, pkg: Package, sect_pr: etree._Element) -> str:
    partname = pkg.new_part_name("header")
    pkg.parts[partname] = b""
    rid = pkg.relate(oxml.RT_HEADER, partname.removeprefix("word/"))
    pkg.override(partname, oxml.CT_HEADER)
    ref = etree.Element(w("headerReference"))
    ref.set(w("type"), ref_type)
    ref.set(oxml.R_ID, rid)
    sect_pr.insert(0, ref)  # header/footer references come first in sectPr
    return partname


def status_paragraph(status: str, style_id: str | None) -> etree._Element:
    """Right-aligned bold red paragraph that shows the status label in a header."""
    p = etree.Element(oxml.W_P)
    ppr = etree.SubElement(p, oxml.W_PPR)
    if style_id:
        etree.SubElement(ppr, oxml.W_PSTYLE).set(oxml.W_VAL, style_id)
    etree.SubElement(ppr, w("jc")).set(oxml.W_VAL, "right")
    rpr = etree.Element(oxml.W_RPR)
    etree.SubElement(rpr, w("b"))
    etree.SubElement(rpr, w("color")).set(oxml.W_VAL, "C00000")
    oxml.text_run(p, status, rpr)
    return p


def fill_placeholders(root: etree._Element, values: Mapping[str, str]) -> set[str]:
    """Replace the `{name}` placeholders in every paragraph of a header/footer part;
    the names found."""
    found: set[str] = set()
    for paragraph in list(root.iter(w("p"))):
        runs = [r for r in paragraph if r.tag == oxml.W_R]
        pieces = list(_pieces(runs))
        stretches = list(_stretches(pieces))
        edits = _edits(stretches, values)
        if not any(edit.values for edit in edits):
            continue
        found.update(name for edit in edits for _, name, _ in edit.values.values())
        for run in runs:
            paragraph.remove(run)
        anchor = _first_content_index(paragraph)
        for offset, run in enumerate(_rebuild(pieces, stretches, edits)):
            paragraph.insert(anchor + offset, run)
    return found


def _pieces(runs: list[etree._Element]) -> Iterator[_Piece]:
    for run in runs:
        for child in run:
            if child.tag == oxml.W_T:
                yield _Piece(run, child.text or "")
            elif child.tag != oxml.W_RPR:
                yield _Piece(run, element=child)


def _stretches(pieces: list[_Piece]) -> Iterator[list[_Piece]]:
    """The runs of text pieces between other run children (a placeholder never spans one)."""
    current: list[_Piece] = []
    for piece in pieces:
        if piece.element is not None:
            yield current
            current = []
        else:
            current.append(piece)
    yield current


def _edits(stretches: list[list[_Piece]], values: Mapping[str, str]) -> list[_Edit]:
    """Per stretch: the placeholders to fill, and the separators an empty value takes."""
    edits: list[_Edit] = []
    earlier = ""
    for stretch in stretches:
        text = "".join(piece.text for piece in stretch)
        edit = _Edit([], {})
        for match in PLACEHOLDER_RE.finditer(text):
            name = match.group(1)
            if name not in values and name not in _FIELDS:
                continue
            value = "" if name in _FIELDS else values.get(name, "")
            edit.values[match.start()] = (match.end(), name, value)
            edit.deleted.append(match.span())
            if not value and name not in _FIELDS:
                edit.deleted.extend(_separator(earlier + text, len(earlier), match))
        edits.append(edit)
        earlier += text
    return edits


def _separator(before_and_text: str, offset: int, match: re.Match[str]
               ) -> list[tuple[int, int]]:
    """The separator an empty value takes along: the one before it when text precedes
    that, else the one after it (spans in the stretch's text, which starts at `offset`)."""
    text = before_and_text[offset:]
    sep = _SEP_BEFORE_RE.search(text[: match.start()])
    if sep and before_and_text[: offset + sep.start()].strip(" "):
        return [(sep.start(), match.start())]
    after = _SEP_AFTER_RE.search(text[match.end():])
    return [(match.end(), match.end() + after.end())] if after else []


def _rebuild(pieces: list[_Piece], stretches: list[list[_Piece]], edits: list[_Edit]
             ) -> list[etree._Element]:
    """The paragraph's new runs: kept text grouped per source run, values filled in."""
    out = _RunWriter()
    stretch_of = {id(piece): index for index, s in enumerate(stretches) for piece in s}
    starts: dict[int, int] = {}
    for stretch in stretches:
        position = 0
        for piece in stretch:
            starts[id(piece)] = position
            position += len(piece.text)
    for piece in pieces:
        if piece.element is not None:
            out.element(piece.run, piece.element)
            continue
        edit = edits[stretch_of[id(piece)]]
        _write_text(out, piece, starts[id(piece)], edit)
    return out.runs


def _write_text(out: _RunWriter, piece: _Piece, start: int, edit: _Edit) -> None:
    """The kept part of one text piece, and the values of placeholders starting in it."""
    end = start + len(piece.text)
    cuts = {start, end}
    for a, b in edit.deleted:
        cuts.update(x for x in (a, b) if start < x < end)
    bounds = sorted(cuts)
    for a, b in itertools.pairwise(bounds):
        if a in edit.values:
            _, name, value = edit.values[a]
            out.value(piece.run, name, value)
        if not any(x <= a < y for x, y in edit.deleted):
            out.text(piece.run, piece.text[a - start: b - start])


class _RunWriter:
    """New runs: consecutive text of one source run shares a run and its formatting."""

    def __init__(self) -> None:
        self.runs: list[etree._Element] = []
        self._current: etree._Element | None = None
        self._owner: etree._Element | None = None

    def _new_run(self, source: etree._Element) -> etree._Element:
        run = etree.Element(oxml.W_R)
        rpr = source.find(oxml.W_RPR)
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        self.runs.append(run)
        return run

    def text(self, source: etree._Element, text: str) -> None:
        if self._current is None or self._owner is not source:
            self._current, self._owner = self._new_run(source), source
            etree.SubElement(self._current, oxml.W_T).set(oxml.XML_SPACE, "preserve")
        t = self._current[-1]
        t.text = (t.text or "") + text

    def element(self, source: etree._Element, element: etree._Element) -> None:
        self._new_run(source).append(element)
        self._current = None

    def value(self, source: etree._Element, name: str, value: str) -> None:
        """A placeholder's value in the formatting of the run its `{` came from."""
        holder = etree.Element(oxml.W_P)
        rpr = source.find(oxml.W_RPR)
        if name in _FIELDS:
            oxml.field_runs(holder, f"{_FIELDS[name]} \\* MERGEFORMAT", "1", rpr)
        elif value:
            oxml.text_run(holder, value, rpr)
        self.runs.extend(holder)
        self._current = None


def _first_content_index(paragraph: etree._Element) -> int:
    for index, child in enumerate(paragraph):
        if child.tag != oxml.W_PPR:
            return index
    return len(paragraph)
