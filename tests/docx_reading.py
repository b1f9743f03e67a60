"""Shared by the document tests: build the reference assignments once, and read .docx files
the way a client sees them (text, tables, headers, fields, styles), not as bytes.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import os
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from generator.delivery.build import Builder, plan
from generator.source.project import Loaded, load_assignment, load_firm

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "dl-logistiek-2027"
ENGLISH = "northwind-finance-2027"
ASSIGNMENTS = (EXAMPLE, ENGLISH)
ANALYSIS = "denderland-hr-2027"
"""The third assignment: milestones and a draft action plan, no acceptance, no execution."""

# Every session build uses this SOURCE_DATE_EPOCH: 1 September 2027, 00:00 UTC.
EPOCH_DATE = datetime.date(2027, 9, 1)
EPOCH = str(int(datetime.datetime(2027, 9, 1, tzinfo=datetime.UTC).timestamp()))

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W_NS,
    "r": R_NS,
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cup": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


@contextlib.contextmanager
def source_date_epoch(value: str | None) -> Iterator[None]:
    """Set (or unset, with None) SOURCE_DATE_EPOCH for the duration of a block."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


_BUILDER: list[Builder] = []


def builder() -> Builder:
    """One Builder (brand template and templates parsed once) for the whole session."""
    if not _BUILDER:
        _BUILDER.append(Builder(load_firm(ROOT), root=ROOT))
    return _BUILDER[0]


def build_loaded(loaded: Loaded, out_dir: Path, *, only: tuple[str, ...] = (),
                 draft: bool = False) -> dict[str, Path]:
    """Build what plan() allows through the Python API; {file name: path}."""
    written = {}
    for job in plan(loaded, only, draft=draft).jobs:
        path = builder().write(job, out_dir)
        written[path.name] = path
    return written


_BUILT: dict[str, dict[str, Path]] = {}


def built(assignment_id: str, base: Path) -> dict[str, Path]:
    """Every document of a reference assignment, built once per session (module-level cache)."""
    if assignment_id not in _BUILT:
        with source_date_epoch(EPOCH):
            _BUILT[assignment_id] = build_loaded(load_assignment(ROOT / "assignments" /
                                                                 assignment_id), base)
    return _BUILT[assignment_id]


def built_all(base: Path) -> dict[str, dict[str, Path]]:
    """Every document of the three reference assignments: {assignment: {file name: path}}."""
    return {a: built(a, base / a) for a in (EXAMPLE, ENGLISH, ANALYSIS)}


FIXTURES = ROOT / "tests" / "fixtures"
"""Assignments kept for the tests only (the French one), each a folder with its sources."""


def fixture_project(base: Path, assignment_id: str) -> Path:
    """A documents repository at `base` with the firm's firm.yaml, brand template and logo
    and a copy of the fixture assignment; returns the assignment's folder."""
    folder = base / "assignments" / assignment_id
    shutil.copytree(FIXTURES / assignment_id, folder)
    shutil.copy(ROOT / "firm.yaml", base / "firm.yaml")
    (base / "templates").mkdir()
    for name in ("reference.docx", "coverton-logo.png"):
        shutil.copy(ROOT / "templates" / name, base / "templates" / name)
    return folder


# ---------------------------------------------------------------------------- variants

def load_source(assignment_id: str) -> dict[str, Any]:
    with (ROOT / "assignments" / assignment_id / "assignment.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def variant(assignment_id: str, base: Path, change: Any = None) -> Path:
    """A copy of a reference assignment under base/assignments/<id>/, its source changed.

    `change(data)` edits the parsed YAML in place. The copy lies outside the git checkout,
    so no commit date applies. Returns the assignment folder.
    """
    folder = base / "assignments" / assignment_id
    shutil.copytree(ROOT / "assignments" / assignment_id, folder)
    data = copy.deepcopy(load_source(assignment_id))
    if change is not None:
        change(data)
    (folder / "assignment.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copy(ROOT / "firm.yaml", base / "firm.yaml")
    (base / "templates").mkdir(exist_ok=True)  # the firm's brand template and logo
    for name in ("reference.docx", "coverton-logo.png"):
        shutil.copy(ROOT / "templates" / name, base / "templates" / name)
    return folder


# ---------------------------------------------------------------------------- reading

@dataclass
class Table:
    element: etree._Element

    @cached_property
    def rows(self) -> list[list[str]]:
        return [[cell_text(tc) for tc in tr.findall(w("tc"))]
                for tr in self.element.findall(w("tr"))]

    @property
    def header(self) -> list[str]:
        return self.rows[0]

    def column(self, name: str) -> list[str]:
        index = self.header.index(name)
        return [row[index] for row in self.rows[1:]]

    def row(self, first: str) -> list[str]:
        """The first body row whose first cell is `first`."""
        return next(r for r in self.rows[1:] if r and r[0] == first)


def paragraph_text(p: etree._Element) -> str:
    """The text as a reader sees it: a no-break space reads as a space."""
    return raw_text(p).replace("\u00a0", " ")


def raw_text(p: etree._Element) -> str:
    """The text as stored, no-break spaces included; Word's non-breaking hyphen (a date's,
    `w:noBreakHyphen`) reads as the hyphen it shows, as in Word and python-docx."""
    return "".join("-" if t.tag == w("noBreakHyphen") else t.text or ""
                   for t in p.iter(w("t"), w("noBreakHyphen")))


def cell_text(tc: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in tc.findall(w("p")))


class Docx:
    """A .docx opened for reading: parts parsed on demand."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}

    def xml(self, part: str) -> etree._Element:
        return etree.fromstring(self.parts[part])

    @cached_property
    def document(self) -> etree._Element:
        return self.xml("word/document.xml")

    @cached_property
    def body(self) -> etree._Element:
        return self.document.find(w("body"))

    @cached_property
    def rels(self) -> dict[str, tuple[str, str]]:
        root = self.xml("word/_rels/document.xml.rels")
        return {r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], r.get("Target"))
                for r in root.findall("rel:Relationship", NS)}

    @cached_property
    def paragraphs(self) -> list[str]:
        return [paragraph_text(p) for p in self.body.iter(w("p"))]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @cached_property
    def tables(self) -> list[Table]:
        return [Table(t) for t in self.body.iter(w("tbl"))]

    def table(self, *header: str) -> Table:
        """The first table whose header row starts with these cells."""
        for t in self.tables:
            if t.header[: len(header)] == list(header):
                return t
        raise AssertionError(f"no table with header {header!r} in {self.path.name}; have "
                             + "; ".join(" | ".join(t.header) for t in self.tables))

    def facts(self, first: str) -> dict[str, str]:
        """A key/value table (no generic header row), found by its first label."""
        for t in self.tables:
            if t.rows and t.rows[0][0] == first and all(len(r) == 2 for r in t.rows):
                return {r[0]: r[1] for r in t.rows}
        raise AssertionError(f"no key/value table starting with {first!r} in {self.path.name}")

    def styled(self, style_id: str) -> list[str]:
        return [paragraph_text(p) for p in self.body.iter(w("p"))
                if (s := p.find("w:pPr/w:pStyle", NS)) is not None and s.get(w("val")) == style_id]

    @cached_property
    def headings1(self) -> list[str]:
        return self.styled(self.style_id("heading 1"))

    def section_after(self, heading: str) -> str:
        """Text of the body from an H1/H2 heading to the next heading of level 1."""
        h1 = self.style_id("heading 1")
        out: list[str] = []
        on = False
        for p in self.body.iter(w("p")):
            style = p.find("w:pPr/w:pStyle", NS)
            sid = style.get(w("val")) if style is not None else ""
            text = paragraph_text(p)
            if on and sid == h1:
                break
            if on:
                out.append(text)
            if sid.startswith("Heading") and text == heading:
                on = True
        assert on, f"no heading {heading!r} in {self.path.name}"
        return "\n".join(out)

    # -- cover ------------------------------------------------------------------------
    @cached_property
    def cover(self) -> str:
        """Body text before the first page break: the cover page."""
        out = []
        for p in self.body.iter(w("p")):
            if any(br.get(w("type")) == "page" for br in p.iter(w("br"))):
                break
            out.append(paragraph_text(p))
        return "\n".join(out)

    # -- styles ---------------------------------------------------------------------
    @cached_property
    def styles(self) -> dict[str, etree._Element]:
        root = self.xml("word/styles.xml")
        return {s.get(w("styleId")): s for s in root.findall(w("style"))}

    def style_name(self, style_id: str) -> str:
        name = self.styles[style_id].find(w("name"))
        return name.get(w("val"))

    def style_id(self, name: str) -> str:
        for sid, s in self.styles.items():
            if s.find(w("name")).get(w("val")).lower() == name.lower():
                return sid
        raise KeyError(name)

    def style_color(self, style_id: str) -> str | None:
        """The colour a character style gives, following basedOn."""
        while style_id:
            style = self.styles[style_id]
            color = style.find("w:rPr/w:color", NS)
            if color is not None:
                return color.get(w("val"))
            based = style.find(w("basedOn"))
            style_id = based.get(w("val")) if based is not None else ""
        return None

    def runs_with_text(self, text: str) -> list[etree._Element]:
        return [r for r in self.body.iter(w("r"))
                if text in "".join(t.text or "" for t in r.findall(w("t")))]

    # -- sections, headers and footers ---------------------------------------------
    @cached_property
    def sections(self) -> list[etree._Element]:
        return list(self.body.iter(w("sectPr")))

    def _parts_of(self, sect: etree._Element, kind: str) -> dict[str, etree._Element]:
        found = {}
        for ref in sect.findall(w(f"{kind}Reference")):
            target = self.rels[ref.get(f"{{{R_NS}}}id")][1]
            found[ref.get(w("type"))] = self.xml("word/" + target.lstrip("/").removeprefix("word/"))
        return found

    def headers(self, sect: etree._Element) -> dict[str, etree._Element]:
        return self._parts_of(sect, "header")

    def footers(self, sect: etree._Element) -> dict[str, etree._Element]:
        return self._parts_of(sect, "footer")

    @staticmethod
    def part_text(root: etree._Element) -> str:
        return "\n".join(paragraph_text(p) for p in root.iter(w("p")))

    @staticmethod
    def fields(root: etree._Element) -> list[str]:
        """Field instructions (complex and simple fields), whitespace-normalised."""
        out: list[str] = []
        current: list[str] | None = None
        for el in root.iter(w("fldChar"), w("instrText"), w("fldSimple")):
            if el.tag == w("fldSimple"):
                out.append(" ".join(el.get(w("instr")).split()))
            elif el.tag == w("instrText"):
                if current is not None:
                    current.append(el.text or "")
            elif el.get(w("fldCharType")) == "begin":
                current = []
            elif el.get(w("fldCharType")) == "separate" and current is not None:
                out.append(" ".join("".join(current).split()))
                current = None
        return out

    # -- properties -------------------------------------------------------------------
    @cached_property
    def core(self) -> dict[str, str]:
        root = self.xml("docProps/core.xml")
        return {etree.QName(el).localname: el.text or "" for el in root}

    @cached_property
    def company(self) -> str:
        node = self.xml("docProps/app.xml").find("ep:Company", NS)
        return node.text if node is not None else ""

    @cached_property
    def custom(self) -> dict[str, str]:
        if "docProps/custom.xml" not in self.parts:
            return {}
        root = self.xml("docProps/custom.xml")
        return {p.get("name"): "".join(p.itertext()) for p in root}

    # -- pictures ----------------------------------------------------------------------
    def inline_images(self) -> list[tuple[str, bytes]]:
        """(target, bytes) of every inline picture in the body."""
        out = []
        for drawing in self.body.iter(w("drawing")):
            for blip in drawing.iter(f"{{{NS['a']}}}blip"):
                kind, target = self.rels[blip.get(f"{{{R_NS}}}embed")]
                assert kind == "image"
                out.append((target, self.parts["word/" + target]))
        return out
