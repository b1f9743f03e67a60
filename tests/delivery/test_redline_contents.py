"""The redline's contents page carries the newer version's page numbers.

The real handbook 1.1 -> 1.2 adds a section ("Aanpassingen van het plan"), so its
contents page gains an entry. Filled with the newer version's pages: accepting every
change gives the newer document's contents page with its numbers; rejecting every change
leaves no stray number of the inserted entry; Word is no longer asked to update fields.
In LibreOffice, the redline as a reader opens it shows those numbers, and accepting all
gives the text of the handbook 1.2 as `interim build` lays it out.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx_reading import EPOCH, ROOT, source_date_epoch
from libreoffice_review import edit_in_libreoffice
from redline_reading import paragraph_text, plain, resolve, stories, stories_text, w

from generator.delivery.build import Builder
from generator.delivery.pdf import find_soffice
from generator.delivery.redline import redline, write_redline
from generator.delivery.redline.contents import numbered
from generator.source.project import load_assignment, load_firm
from generator.writer.toc import fill_pages

BODY = "word/document.xml"
NEW_SECTION = "Aanpassingen van het plan"


def as_of(day: datetime.date) -> bytes:
    with source_date_epoch(EPOCH):
        return Builder(load_firm(ROOT), root=ROOT).document(
            load_assignment(ROOT / "assignments" / "dl-logistiek-2027"), "handbook", as_of=day)


def pages_of(docx: bytes) -> dict[str, int]:
    """A page for every heading bookmark, as a layout pass would report (3, 4, 5, ...)."""
    body = stories(docx)[BODY]
    names = [b.get(w("name")) for b in body.iter(w("bookmarkStart"))
             if b.get(w("name"), "").startswith("_Toc")]
    return {name: n + 3 for n, name in enumerate(names)}


def heading_mark(docx: bytes, heading: str) -> str:
    """The `_Toc` bookmark on the heading that reads `heading`."""
    for p in stories(docx)[BODY].iter(w("p")):
        marks = [b.get(w("name")) for b in p.iter(w("bookmarkStart"))]
        if paragraph_text(p) == heading and marks and marks[0].startswith("_Toc"):
            return marks[0]
    raise AssertionError(f"no heading {heading!r}")


def contents(root: object) -> list[str]:
    """The contents page's entries: paragraphs holding a link to a heading."""
    return [paragraph_text(p) for p in root.iter(w("p"))  # type: ignore[attr-defined]
            if any(h.get(w("anchor"), "").startswith("_Toc") for h in p.iter(w("hyperlink")))
            or p.find(f"{w('pPr')}/{w('pStyle')}[@{w('val')}='TOC1']") is not None]


def test_the_contents_page_carries_the_newer_page_numbers() -> None:
    older, newer = as_of(datetime.date(2027, 2, 1)), as_of(datetime.date(2027, 2, 19))
    pages = pages_of(newer)
    red = numbered(redline(older, newer, author="Coverton"), pages)
    accepted = stories_text(resolve(red, accept=True))
    assert accepted == plain(fill_pages(newer, pages))  # the newer document, numbers and all
    entries = contents(resolve(red, accept=True)[BODY])
    assert f"{NEW_SECTION}{pages[heading_mark(newer, NEW_SECTION)]}" in entries, entries
    assert all(re.search(r"\D\d+$", e) for e in entries), entries  # a page number each
    rejected = contents(resolve(red, accept=False)[BODY])
    # the older entries, each with its number: the inserted one left nothing behind
    assert [re.sub(r"\d+$", "", e) for e in rejected] == contents(stories(older)[BODY])
    with zipfile.ZipFile(io.BytesIO(red)) as z:
        assert b"updateFields" not in z.read("word/settings.xml")
        body = z.read(BODY)
    ids = re.findall(rb'<w:(?:ins|del|pPrChange)\b[^>]*w:id="(\d+)"', body)
    assert len(ids) == len(set(ids))  # every revision its own id


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_newer_page_numbers(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTERIM_LAYOUT", "1")
    shutil.copytree(ROOT / "assignments" / "dl-logistiek-2027",
                    tmp_path / "assignments" / "dl-logistiek-2027")
    shutil.copy(ROOT / "firm.yaml", tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    notes: list[str] = []
    target = write_redline(tmp_path, "dl-logistiek-2027", "handbook", "1.1", None,
                           tmp_path / "redline.docx", echo=notes.append)
    assert target is not None and notes == []
    # the newer document as `interim build` writes it, laid out, as LibreOffice reads it
    from generator.delivery.build import build_all
    from generator.source.project import Project

    build_all(Project(tmp_path), ["dl-logistiek-2027"], ["handbook"], out_dir=tmp_path / "b",
              layout=True, echo=lambda _: None)
    built = tmp_path / "b" / "dl-logistiek-2027" / "handbook.docx"
    edit_in_libreoffice(target, tmp_path / "accepted.txt", [("A",)])
    edit_in_libreoffice(built, tmp_path / "built.txt", [])
    edit_in_libreoffice(target, tmp_path / "shown.txt", [])
    accepted = (tmp_path / "accepted.txt").read_text(encoding="utf-8-sig")
    assert accepted == (tmp_path / "built.txt").read_text(encoding="utf-8-sig")
    shown = (tmp_path / "shown.txt").read_text(encoding="utf-8-sig").splitlines()
    numbered_entries = [line for line in shown if re.search(r"\S\t\d+$", line)]
    assert any(line.startswith(NEW_SECTION) for line in numbered_entries), shown[:40]
    assert len(numbered_entries) >= 10, shown[:40]


def test_a_work_folder_in_use_survives_the_sweep_of_a_second_one() -> None:
    """The redline's layout pass makes LibreOffice's work folder while the newer document
    waits in the redline's own: the sweep of stale folders leaves a folder in use alone."""
    from generator.delivery import workdirs

    with workdirs.work_folder("redline") as first:
        (first / "newer.docx").write_bytes(b"x")
        second = workdirs.make("pdf")
        try:
            assert (first / "newer.docx").is_file()
        finally:
            shutil.rmtree(second)
    assert not first.exists()
