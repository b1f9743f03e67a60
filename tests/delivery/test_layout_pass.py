"""The layout pass asks LibreOffice only what it must: no memo without a contents page, no
document laid out before (the page cache), many documents shared by two LibreOffices; and
the numbers it writes are LibreOffice's own, cache or not."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from docx_reading import EXAMPLE, ROOT, Docx, w

from generator.delivery import layout_cache, layout_caps, layout_pass, office, workdirs
from generator.delivery.build import build_all
from generator.delivery.layout_cache import PageCache
from generator.source.project import Project
from generator.writer.toc import needs_numbers


def needs_office(test):
    """Runs LibreOffice (a warm one, through python3-uno); skipped where it cannot."""
    skip = pytest.mark.skipif(not office.available(),
                              reason="LibreOffice and python3-uno (Debian) are needed")
    return pytest.mark.libreoffice(skip(test))


@pytest.fixture
def cache_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page cache turned on, in a folder of the test's own; returns its entries' folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("INTERIM_LAYOUT_CACHE", "1")
    return tmp_path / "cache" / "interim-docs" / f"layout-{os.getuid()}"


@pytest.fixture(scope="module")
def unnumbered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The example's documents as written before the layout pass, by file name."""
    out = tmp_path_factory.mktemp("unnumbered")
    report = build_all(Project(ROOT), [EXAMPLE], out_dir=out, layout=False)
    assert not report.failed
    return {path.name: path.read_bytes() for path in report.written}


def copies(unnumbered: dict[str, bytes], folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(unnumbered[name])
    return [folder / name for name in names]


def contents_numbers(docx: Path) -> list[str]:
    """The page numbers the contents page shows, entry by entry."""
    found = []
    for link in Docx(docx).body.iter(w("hyperlink")):
        texts = [t.text or "" for t in link.iter(w("t"))]
        if link.get(w("anchor"), "").startswith("_Toc") and texts:
            found.append(texts[-1])
    return found


class Recorder:
    """Stands for LibreOffice: records what it is given, answers page 2 for every heading."""

    def __init__(self) -> None:
        self.given: list[list[str]] = []

    def __call__(self, batch, *, pdf, office=None):
        self.given.append([p.name for p in batch])
        return {p.resolve(): {"_Toc00000001": 2} for p in batch}


def test_a_memo_without_a_contents_page_never_reaches_libreoffice(
        tmp_path, unnumbered, monkeypatch):
    memo, handbook = copies(unnumbered, tmp_path, "progress-2027-02-19.docx", "handbook.docx")
    assert not needs_numbers(memo.read_bytes()) and needs_numbers(handbook.read_bytes())
    recorder = Recorder()
    monkeypatch.setattr(office, "lay_out", recorder)
    pages, _ = layout_pass.heading_pages([memo, handbook], pdf=False, cache=PageCache(None))
    assert recorder.given == [["handbook.docx"]]
    assert list(pages) == [handbook.resolve()]
    # With PDFs asked for, the memo goes too: its PDF needs LibreOffice anyway.
    layout_pass.heading_pages([memo, handbook], pdf=True, cache=PageCache(None))
    assert recorder.given[-1] == ["progress-2027-02-19.docx", "handbook.docx"]


def test_a_damaged_package_goes_to_libreoffice_which_names_it():
    assert needs_numbers(b"PK not a zip")


def test_an_entry_is_used_only_for_the_same_bytes_and_the_same_libreoffice(
        tmp_path, unnumbered, monkeypatch, cache_on):
    (handbook,) = copies(unnumbered, tmp_path, "handbook.docx")
    recorder = Recorder()
    monkeypatch.setattr(office, "lay_out", recorder)
    cache = PageCache.for_user()
    layout_pass.heading_pages([handbook], pdf=False, cache=cache)
    layout_pass.heading_pages([handbook], pdf=False, cache=cache)
    assert recorder.given == [["handbook.docx"]]  # the second time from the cache
    monkeypatch.setattr(layout_cache, "fingerprint", lambda: "another LibreOffice or fonts")
    layout_pass.heading_pages([handbook], pdf=False, cache=cache)
    assert len(recorder.given) == 2
    handbook.write_bytes(handbook.read_bytes() + b"\0")  # other bytes: another key
    layout_pass.heading_pages([handbook], pdf=False, cache=cache)
    assert len(recorder.given) == 3
    monkeypatch.setenv("INTERIM_LAYOUT_CACHE", "0")
    assert PageCache.for_user().folder is None


@pytest.mark.parametrize("damage", [
    b"", b"{not json", b'{"format": "interim-layout-1", "pages": {"_Toc00000001": "2"}}',
    b'{"format": "interim-layout-1", "pages": {"_Toc00000001": 0}}', b"[1, 2]",
    b'{"format": "interim-layout-0", "pages": {"_Toc00000001": 2}}', "not ours",
])
def test_a_damaged_or_foreign_entry_is_ignored_and_written_again(
        tmp_path, unnumbered, monkeypatch, cache_on, damage):
    (handbook,) = copies(unnumbered, tmp_path, "handbook.docx")
    recorder = Recorder()
    monkeypatch.setattr(office, "lay_out", recorder)
    cache = PageCache.for_user()
    layout_pass.heading_pages([handbook], pdf=False, cache=cache)
    (entry,) = cache_on.iterdir()
    if damage == "not ours":  # another may write it: it may say anything
        entry.chmod(0o666)
    else:
        entry.write_bytes(damage)
    pages, _ = layout_pass.heading_pages([handbook], pdf=False, cache=cache)
    assert len(recorder.given) == 2 and pages == {handbook.resolve(): {"_Toc00000001": 2}}
    if damage != "not ours":
        assert json.loads(entry.read_bytes())["pages"] == {"_Toc00000001": 2}


@needs_office
@pytest.mark.usefixtures("cache_on")
def test_an_unchanged_build_takes_libreoffices_numbers_without_starting_it(
        tmp_path, monkeypatch):
    first = build_all(Project(ROOT), [EXAMPLE], out_dir=tmp_path / "first", layout=True)
    numbered = {p.name: p.read_bytes() for p in first.written}
    assert contents_numbers(first.written[0]) and all(
        n.isdigit() for n in contents_numbers(first.written[0]))
    started: list[bool] = []
    real_start = office.Office.start
    monkeypatch.setattr(office.Office, "start", lambda self: started.append(True)
                        or real_start(self))
    again = build_all(Project(ROOT), [EXAMPLE], out_dir=tmp_path / "again", layout=True)
    assert started == []  # LibreOffice never started
    assert {p.name: p.read_bytes() for p in again.written} == numbered
    monkeypatch.setenv("INTERIM_LAYOUT_CACHE", "0")  # and they are what LibreOffice says now
    fresh = build_all(Project(ROOT), [EXAMPLE], out_dir=tmp_path / "fresh", layout=True)
    assert started and {p.name: p.read_bytes() for p in fresh.written} == numbered


@needs_office
def test_two_libreoffices_give_the_pages_one_gives(tmp_path, unnumbered, monkeypatch):
    names = ["proposal.docx", "action-plan.docx", "handbook.docx", "handover.docx"]
    documents = copies(unnumbered, tmp_path, *names)
    with office.Office() as one:
        single = one.lay_out(documents, pdf=False)
    opened: list[office.Office] = []
    real_init = office.Office.__init__
    monkeypatch.setattr(office.Office, "__init__", lambda self, **kw: opened.append(self)
                        or real_init(self, **kw))
    monkeypatch.setattr(layout_pass, "SECOND_OFFICE_AT", 2)
    monkeypatch.setattr(layout_pass, "available_cores", lambda: 2)
    shared, _ = layout_pass.heading_pages(documents, pdf=False, cache=PageCache(None))
    assert len(opened) == 2 and shared == single
    assert all(not each.started for each in opened)  # both ended with the pass
    # As in a build: its LibreOffice runs already when the second one starts.
    with office.Office() as build:
        assert build.lay_out(documents[:1], pdf=False) == {documents[0]: single[documents[0]]}
        shared, _ = layout_pass.heading_pages(documents, pdf=False, office=build,
                                              cache=PageCache(None))
        assert shared == single and len(opened) == 4


def test_a_second_libreoffice_leaves_the_first_ones_folder():
    first = workdirs.make("pdf")
    second = workdirs.make("pdf")  # sweeps the folders of dead commands, not ours
    try:
        assert first.is_dir() and second.is_dir()
    finally:
        shutil.rmtree(first, ignore_errors=True)
        shutil.rmtree(second, ignore_errors=True)


def test_the_caps_weigh_only_what_libreoffice_is_given(tmp_path, unnumbered, monkeypatch):
    memo, handbook = copies(unnumbered, tmp_path, "progress-2027-02-19.docx", "handbook.docx")
    monkeypatch.setattr(layout_caps, "CAPS", layout_caps.Caps(table_rows=5))  # both over it
    recorder = Recorder()
    monkeypatch.setattr(office, "lay_out", recorder)
    said: list[str] = []
    pages, capped = layout_pass.heading_pages([memo, handbook], pdf=False,
                                              cache=PageCache(None), echo=said.append)
    assert list(capped) == [handbook] and pages == {} and recorder.given == []
    assert len(said) == 1 and "handbook.docx is too large for the layout pass" in said[0]
