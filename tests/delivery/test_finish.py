"""The documents as LibreOffice lays them out, page by page: contents page numbers, tables
that hold together, room to sign, no broken words, footers in the document's language.

Every assignment of this repository, and the example as it stood on an earlier date
(`--as-of`: an older handbook, its own contents page), is built ONCE per session with the
layout pass and PDFs (one LibreOffice run per build, as `interim build --pdf` does); the
finished .docx files are then exported again WITHOUT updating their indexes, so the pages
checked are those of the .docx exactly as the client receives it. Each page is read with
`pdftotext -bbox-layout` (words and lines with their positions) and matched, in document
order, with the .docx's paragraphs and rows.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx_reading import (
    ENGLISH,
    EPOCH,
    EXAMPLE,
    ROOT,
    Docx,
    paragraph_text,
    source_date_epoch,
    w,
)
from lxml import etree
from PIL import Image

from generator.delivery.build import build_all, plan
from generator.delivery.pdf import export_pdfs
from generator.source.project import Project, load_assignment

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                       reason="LibreOffice and poppler-utils are needed"),
]

MARGIN_PT = 65  # header and footer live in the top and bottom 65 pt of a page
TWO_CM_PT = 72 / 2.54 * 2
SMALL_TABLE = 8
XHTML = "{http://www.w3.org/1999/xhtml}"
REPOSITORY = tuple(Project(ROOT).assignment_ids())  # every assignment, not only two
AS_OF = datetime.date(2027, 2, 10)  # the example's handbook before its first amendment
AS_OF_FOLDER = f"{EXAMPLE}/as-of-{AS_OF.isoformat()}"


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    left: float
    bottom: float
    right: float
    text: str


@dataclass
class Rendered:
    docx: Path
    pdf: Path
    layout_pdf: Path  # the PDF the build's own layout pass exported
    lines: list[Line]  # every line of every page, in reading order
    height: float

    def body(self) -> list[Line]:
        return [ln for ln in self.lines if MARGIN_PT < ln.top < self.height - MARGIN_PT]


def read_lines(pdf: Path) -> tuple[list[Line], float]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(xml)
    lines, height = [], 0.0
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        height = float(page.get("height"))
        found = [segment for ln in page.iter(f"{XHTML}line") for segment in cells(ln, number)]
        lines += sorted(found, key=lambda ln: (round(ln.top), ln.left))
    return lines, height


CELL_GAP_PT = 6  # wider than a space, narrower than two cells' margins


def cells(line: etree._Element, page: int) -> list[Line]:
    """A line of pdftotext split where words are a cell's margins apart: pdftotext joins
    the text of neighbouring table cells that share a baseline."""
    segments: list[list[etree._Element]] = []
    for word in line.iter(f"{XHTML}word"):
        gap = float(word.get("xMin")) - float(segments[-1][-1].get("xMax")) if segments else 0
        if segments and gap <= CELL_GAP_PT:
            segments[-1].append(word)
        else:
            segments.append([word])
    return [Line(page, min(float(wd.get("yMin")) for wd in seg), float(seg[0].get("xMin")),
                 max(float(wd.get("yMax")) for wd in seg), float(seg[-1].get("xMax")),
                 " ".join(wd.text or "" for wd in seg)) for seg in segments]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Rendered]]:
    out = tmp_path_factory.mktemp("finished")
    written: list[Path] = []
    with source_date_epoch(EPOCH):
        for names, as_of in ((list(REPOSITORY), None), ([EXAMPLE], AS_OF)):
            report = build_all(Project(ROOT), names, out_dir=out, pdf=True, layout=True,
                               as_of=as_of)
            assert not report.failed, report.failed
            written += report.written
    final = tmp_path_factory.mktemp("as-received")
    copies = []
    for path in written:
        copy = final / path.relative_to(out)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    export_pdfs(copies, update_indexes=False)  # the .docx as is: its own contents page
    result: dict[str, dict[str, Rendered]] = {}
    for copy, path in zip(copies, written, strict=True):
        lines, height = read_lines(copy.with_suffix(".pdf"))
        result.setdefault(path.parent.relative_to(out).as_posix(), {})[path.name] = Rendered(
            path, copy.with_suffix(".pdf"), path.with_suffix(".pdf"), lines, height)
    built = sorted((folder, name) for folder, docs in result.items() for name in docs)
    assert built == sorted(all_documents()), "the tests' list is the build's"
    return result


@functools.cache
def all_documents() -> list[tuple[str, str]]:
    """(folder, file) of every document the repository's assignments allow, and of the
    example as of AS_OF: what `interim build` writes, so no document escapes the checks."""
    found: list[tuple[str, str]] = []
    for folder, as_of in [*((a, None) for a in REPOSITORY), (AS_OF_FOLDER, AS_OF)]:
        loaded = load_assignment(ROOT / "assignments" / folder.split("/")[0])
        found += [(folder, job.filename) for job in plan(loaded, as_of=as_of).jobs]
    assert len({a for a, _ in found}) == len(REPOSITORY) + 1 and len(found) > 12, found
    return found


# ------------------------------------------------------------ the .docx in document order

@dataclass
class Element:
    kind: str  # "p", "heading", "toc", "row"
    text: str
    table: int = -1
    header: bool = False
    signature: bool = False
    level: int = 0
    page: int = 0
    line: Line | None = None


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u00a0", " ").split())


def elements(d: Docx) -> list[Element]:
    """Top-level paragraphs with text and table rows, in document order."""
    found: list[Element] = []
    for number, node in enumerate(d.body):
        if node.tag == w("p"):
            text = norm(visible_text(node))
            style = node.find(f"{w('pPr')}/{w('pStyle')}")
            sid = style.get(w("val")) if style is not None else ""
            if text:
                kind = ("heading" if sid.startswith("Heading") else
                        "toc" if re.fullmatch(r"TOC\d", sid) else "p")
                level = int(sid[-1]) if kind == "heading" and sid[-1].isdigit() else 0
                found.append(Element(kind, text, level=level))
        elif node.tag == w("tbl"):
            for tr in node.findall(w("tr")):
                cells = [norm(" ".join(paragraph_text(p) for p in tc.iter(w("p"))))
                         for tc in tr.findall(w("tc"))]
                first = next((c for c in cells if re.search(r"\w", c)), "")  # not "–"
                header = tr.find(f"{w('trPr')}/{w('tblHeader')}") is not None
                signature = tr.find(f"{w('trPr')}/{w('trHeight')}") is not None
                found.append(Element("row", first, number, header, signature))
    return found


def visible_text(p: etree._Element) -> str:
    """A paragraph's text with its tabs as spaces (a contents entry: "Heading<TAB>3")."""
    shown = {w("tab"): " ", w("noBreakHyphen"): "-"}
    return "".join(shown.get(node.tag, node.text or "")
                   for node in p.iter(w("t"), w("tab"), w("noBreakHyphen")))


def locate(doc: Rendered) -> list[Element]:
    """Each element's page: the first line, after the previous element's, starting with it."""
    found = elements(Docx(doc.docx))
    lines = doc.body()
    words = [tokens(line.text) for line in lines]
    cursor = 0
    for element in found:
        key = tokens(element.text)[:6]
        for index in range(cursor, len(lines)):
            n = min(len(key), len(words[index]))
            if n and words[index][:n] == key[:n]:
                element.page, element.line = lines[index].page, lines[index]
                cursor = index + 1
                break
    return found


def tables(located: list[Element]) -> dict[int, list[Element]]:
    grouped: dict[int, list[Element]] = {}
    for element in located:
        if element.kind == "row":
            grouped.setdefault(element.table, []).append(element)
    return grouped


@pytest.fixture(scope="session")
def located(rendered) -> dict[tuple[str, str], list[Element]]:
    return {(a, name): locate(doc) for a, docs in rendered.items() for name, doc in docs.items()}


# ------------------------------------------------------------------------------- tests

@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_every_paragraph_and_row_is_found_on_a_page(located, assignment, name):
    missing = [e.text for e in located[assignment, name] if not e.page]
    assert not missing, missing


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_contents_page_numbers_are_the_pages_of_the_headings(rendered, located, assignment,
                                                             name):
    doc = rendered[assignment][name]
    d = Docx(doc.docx)
    entries = [(norm(paragraph_text(p)), p) for p in d.body.iter(w("p"))
               if (s := p.find(f"{w('pPr')}/{w('pStyle')}")) is not None
               and re.fullmatch(r"TOC\d", s.get(w("val")))]
    if not entries:
        pytest.skip("no contents page (three sections or fewer)")
    assert b"updateFields" not in d.parts["word/settings.xml"]  # no question on opening
    level_3 = [e for e in located[assignment, name] if e.kind == "heading" and e.level <= 3]
    layout_text = subprocess.run(["pdftotext", "-layout", str(doc.layout_pdf), "-"],
                                 capture_output=True, text=True, check=True).stdout
    for (text, p), heading in zip(entries, level_3, strict=True):
        instr = "".join(t.text for t in p.iter(w("instrText")))
        assert re.search(r"PAGEREF _Toc\d+ \\h", instr), instr
        number = int(re.search(r"(\d+)$", text).group(1))
        assert text.startswith(heading.text), (text, heading.text)
        assert number == heading.page, (heading.text, number, heading.page)
        # the build's PDF shows the same number on its contents page
        assert re.search(rf"{re.escape(heading.text)}\s*\.*\s*{number}\b", norm(layout_text)), \
            heading.text


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_no_page_is_blank(rendered, assignment, name):
    """A page with only its header and footer (a break paragraph pushed over a full page)."""
    doc = rendered[assignment][name]
    pages = {ln.page for ln in doc.lines}
    blank = sorted(pages - {ln.page for ln in doc.body()})
    assert not blank, f"pages with nothing but header and footer: {blank}"


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_tables_hold_together(located, assignment, name):
    for rows in tables(located[assignment, name]).values():
        body = [r for r in rows if not r.header]
        pages = [r.page for r in body]
        if len(body) <= SMALL_TABLE:
            assert len({r.page for r in rows}) == 1, [(r.text, r.page) for r in rows]
            continue
        last = pages[-1]
        assert pages.count(last) >= 2, f"a lone row starts page {last}: {body[-1].text}"
        assert rows[0].page == body[0].page  # a header row never ends a page alone


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_no_heading_or_introduction_ends_a_page(located, assignment, name):
    found = [e for e in located[assignment, name] if e.page]
    for element, after in itertools.pairwise(found):
        introduces = element.kind == "p" and after.kind == "row" and after.table >= 0
        if element.kind == "heading" or introduces:
            assert element.page == after.page, (element.text, element.page, after.text)


@pytest.mark.parametrize(("assignment", "name"), [
    (a, f) for a, f in all_documents() if f.split(".")[0] in ("proposal", "handbook", "handover")])
def test_signature_block_on_one_page_with_room_to_sign(rendered, located, assignment, name,
                                                       tmp_path):
    doc = rendered[assignment][name]
    rows = [r for rows in tables(located[assignment, name]).values()
            if any(r.signature for r in rows) for r in rows]
    assert rows, "no signature block"
    assert len({r.page for r in rows}) == 1, [(r.text, r.page) for r in rows]
    label = rows[-1].line
    assert label is not None
    top, bottom = row_borders(doc.pdf, label, tmp_path)
    assert bottom - top >= TWO_CM_PT - 0.5, (top, bottom)


def row_borders(pdf: Path, label: Line, tmp_path: Path) -> tuple[float, float]:
    """The horizontal rules above and below a table row's label, in points (72 dpi)."""
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", "-f", str(label.page), "-l",
                    str(label.page), "-singlefile", str(pdf), str(prefix)], check=True)
    with Image.open(prefix.with_suffix(".png")) as image:
        pixels = image.convert("L").load()
        width = image.width
        x0, x1 = int(label.left), int(width - label.left)

        def rule(y: int) -> bool:
            dark = sum(1 for x in range(x0, x1) if pixels[x, y] < 235)
            return dark > 0.6 * (x1 - x0)

        top = next(y for y in range(int(label.top) - 1, 0, -1) if rule(y))
        bottom = next(y for y in range(int(label.bottom) + 1, image.height) if rule(y))
    return float(top), float(bottom)


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_no_word_is_broken(rendered, assignment, name):
    """Every word on the pages is a word of the document: none cut in two ("Streefwaar|de")."""
    doc = rendered[assignment][name]
    d = Docx(doc.docx)
    words: set[str] = set()
    for part, data in d.parts.items():
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", part):
            root = etree.fromstring(data)
            words |= set(tokens(" ".join(t.text or "" for t in root.iter(w("t")))))
    strange = [(ln.page, token, ln.text) for ln in doc.lines for token in tokens(ln.text)
               if token not in words and not token.isdigit()]
    assert not strange, strange


def tokens(text: str) -> list[str]:
    return [t.casefold() for t in re.findall(r"\w+", unicodedata.normalize("NFKC", text))]


DUTCH = {"btw", "pagina", "van", "versie", "vertrouwelijk", "opgesteld"}


@pytest.mark.parametrize("name", [f for a, f in all_documents() if a == ENGLISH])
def test_english_header_and_footer_hold_no_dutch(rendered, name):
    doc = rendered[ENGLISH][name]
    margins = [ln for ln in doc.lines if not MARGIN_PT < ln.top < doc.height - MARGIN_PT]
    assert any("VAT" in ln.text for ln in margins)
    dutch = [ln.text for ln in margins if DUTCH & set(tokens(ln.text))]
    assert not dutch, dutch


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_cover_page_has_no_running_header_or_footer(rendered, assignment, name):
    doc = rendered[assignment][name]
    cover_margins = [ln.text for ln in doc.lines if ln.page == 1
                     and not MARGIN_PT < ln.top < doc.height - MARGIN_PT]
    # a draft is marked on every page, the cover included; nothing else is in its margins
    draft = {mark for mark in ("CONCEPT", "DRAFT")
             if any(mark in ln.text.split() for ln in doc.lines if ln.page == 2)}
    assert [text for text in cover_margins if text not in draft] == []
    assert any(ln.page == 2 and ln.top > doc.height - MARGIN_PT for ln in doc.lines)


@pytest.mark.parametrize(("assignment", "name"), all_documents())
def test_openxml_audit_after_the_layout_pass(rendered, assignment, name):
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019).validate(
        rendered[assignment][name].docx)
    assert result.is_valid, [str(e) for e in result.errors]


def test_layout_pass_is_reproducible(rendered, tmp_path):
    """Same sources, same LibreOffice: the numbered .docx files are byte-identical."""
    with source_date_epoch(EPOCH):
        report = build_all(Project(ROOT), list(REPOSITORY), out_dir=tmp_path, layout=True)
    assert not report.failed
    again = {(p.parent.name, p.name): p.read_bytes() for p in report.written}
    first = {(a, name): doc.docx.read_bytes() for a, docs in rendered.items()
             for name, doc in docs.items() if a in REPOSITORY}
    assert again == first
    assert all(b"PAGEREF" in Docx(doc.docx).parts["word/document.xml"]
               for docs in rendered.values() for doc in docs.values()
               if b"_Toc" in Docx(doc.docx).parts["word/document.xml"])
