"""The layout pass asks LibreOffice only what it must: no memo without a contents page, no
document laid out before (the page cache), many documents shared by two LibreOffices; and
the numbers it writes are LibreOffice's own, cache or not."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import threading
import zipfile
from pathlib import Path

import pytest
from docx_reading import EXAMPLE, ROOT, Docx, w

from generator.delivery import layout_cache, layout_caps, layout_pass, office, workdirs
from generator.delivery.build import build_all
from generator.delivery.layout_cache import PageCache
from generator.delivery.pdf import Pages, PdfError
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
        self.asked: list[tuple[bool, object]] = []  # (pdf, the LibreOffice given)

    def __call__(self, batch, *, pdf, office=None):
        self.given.append([p.name for p in batch])
        self.asked.append((pdf, office))
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
    build = object()  # the build's LibreOffice, which lays them out
    layout_pass.heading_pages([memo, handbook], pdf=True, cache=PageCache(None), office=build)
    assert recorder.given[-1] == ["progress-2027-02-19.docx", "handbook.docx"]
    assert recorder.asked == [(False, None), (True, build)]


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
    assert not said[0].endswith("no PDF is made of it")
    layout_pass.heading_pages([handbook], pdf=True, cache=PageCache(None), echo=said.append)
    assert said[1].endswith("; no PDF is made of it")


# ------------------------------------------- the seam: LibreOffice answered by fakes


def anchors(docx: bytes) -> list[str]:
    """The `_Toc` bookmarks the contents page links to."""
    return re.findall(rb'w:anchor="(_Toc\w+)"', zipfile.ZipFile(io.BytesIO(docx)).read(
        "word/document.xml"))


class Cache(PageCache):
    """A page cache in memory that counts what it is asked."""

    def __init__(self, **kept: Pages) -> None:
        super().__init__(None)
        self.kept = dict(kept)
        self.asked: list[str | None] = []

    def key(self, data: bytes) -> str | None:
        return hashlib.sha256(data).hexdigest()

    def get(self, key: str | None) -> Pages | None:
        self.asked.append(key)
        return self.kept.get(key or "")

    def put(self, key: str | None, pages: Pages) -> None:
        self.kept[key or ""] = pages


def test_a_document_laid_out_before_is_written_numbered_from_the_cache(tmp_path, unnumbered):
    data = unnumbered["handbook.docx"]
    marks = [m.decode() for m in anchors(data)]
    assert len(marks) > 3
    cache = Cache()
    assert layout_pass.numbered_from_cache(data, cache) == data  # never laid out: as it is
    assert cache.asked == [cache.key(data)]
    cache.kept[cache.key(data)] = {mark: 10 + i for i, mark in enumerate(marks)}
    (tmp_path / "handbook.docx").write_bytes(layout_pass.numbered_from_cache(data, cache))
    assert contents_numbers(tmp_path / "handbook.docx") == [
        str(10 + i) for i in range(len(marks))]


def test_a_memo_is_written_as_it_is_without_asking_the_cache(unnumbered):
    memo = unnumbered["progress-2027-02-19.docx"]
    cache = Cache()
    assert layout_pass.numbered_from_cache(memo, cache) == memo
    assert cache.asked == []


def test_with_pdfs_asked_for_a_cached_document_goes_to_libreoffice_all_the_same(
        tmp_path, unnumbered, monkeypatch):
    (handbook,) = copies(unnumbered, tmp_path, "handbook.docx")
    cache = Cache(**{hashlib.sha256(handbook.read_bytes()).hexdigest(): {"_Toc1": 7}})
    recorder = Recorder()
    monkeypatch.setattr(office, "lay_out", recorder)
    assert layout_pass.heading_pages([handbook], pdf=False, cache=cache)[0] == {
        handbook.resolve(): {"_Toc1": 7}}
    assert recorder.given == []
    pages, _ = layout_pass.heading_pages([handbook], pdf=True, cache=cache)
    assert recorder.given == [["handbook.docx"]]
    assert pages == {handbook.resolve(): {"_Toc00000001": 2}}
    assert list(cache.kept.values()) == [{"_Toc00000001": 2}]  # what LibreOffice said now


def test_a_document_that_cannot_be_read_goes_to_libreoffice_uncached(tmp_path, unnumbered,
                                                                     monkeypatch):
    folder = tmp_path / "handbook.docx"  # a folder by the name: read_bytes() fails
    folder.mkdir()
    (memo,) = copies(unnumbered, tmp_path / "next", "progress-2027-02-19.docx")
    cache = Cache()
    recorder = Recorder()
    monkeypatch.setattr(office, "lay_out", recorder)
    pages, capped = layout_pass.heading_pages([folder, memo], pdf=True, cache=cache)
    assert recorder.given == [["handbook.docx", "progress-2027-02-19.docx"]]
    assert pages[folder.resolve()] == {"_Toc00000001": 2} and capped == {}
    assert list(cache.kept) == ["", cache.key(memo.read_bytes())]  # "": no key, none kept
    assert cache.asked == []


def test_without_a_cache_given_the_users_cache_keeps_the_pages(
        tmp_path, unnumbered, monkeypatch, cache_on):
    (handbook,) = copies(unnumbered, tmp_path, "handbook.docx")
    monkeypatch.setattr(office, "lay_out", Recorder())
    layout_pass.heading_pages([handbook], pdf=False)
    (entry,) = cache_on.iterdir()
    assert json.loads(entry.read_bytes())["pages"] == {"_Toc00000001": 2}


def test_libreoffice_pages_not_found_are_not_kept(tmp_path, unnumbered, monkeypatch):
    handbook, proposal = copies(unnumbered, tmp_path, "handbook.docx", "proposal.docx")
    monkeypatch.setattr(office, "lay_out", lambda batch, *, pdf, office=None: {
        handbook.resolve(): {"_Toc1": 3}})
    cache = Cache()
    pages, _ = layout_pass.heading_pages([handbook, proposal], pdf=False, cache=cache)
    assert pages == {handbook.resolve(): {"_Toc1": 3}}
    assert cache.kept == {cache.key(handbook.read_bytes()): {"_Toc1": 3}}


class FakeOffice:
    """Stands for a warm LibreOffice: counts its starts and closes."""

    def __init__(self, *, started: bool = False, fails: BaseException | None = None) -> None:
        self.started = started
        self.fails = fails
        self.starts = 0
        self.closed = 0

    def start(self) -> None:
        self.starts += 1
        if self.fails:
            raise self.fails

    def close(self) -> None:
        self.closed += 1

    def __enter__(self) -> FakeOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.mark.parametrize("name, pdf, starts", [
    ("handbook.docx", False, 1), ("progress-2027-02-19.docx", False, 0),
    ("progress-2027-02-19.docx", True, 1), ("absent.docx", False, 1)])
def test_a_written_document_starts_libreoffice_when_it_will_need_it(
        tmp_path, unnumbered, name, pdf, starts):
    docx = tmp_path / name
    if name in unnumbered:
        docx.write_bytes(unnumbered[name])
    warm = FakeOffice()
    layout_pass.landed(docx, pdf=pdf, office=warm)
    assert warm.starts == starts


def test_a_running_or_absent_libreoffice_is_not_started_again(tmp_path, unnumbered):
    (handbook,) = copies(unnumbered, tmp_path, "handbook.docx")
    running = FakeOffice(started=True)
    layout_pass.landed(handbook, pdf=True, office=running)
    assert running.starts == 0
    layout_pass.landed(handbook, pdf=True, office=None)  # the cold batch: nothing to start


@pytest.mark.parametrize("failure", [PdfError("LibreOffice did not start"), OSError(24, "x")])
def test_a_libreoffice_that_cannot_start_is_said_by_the_layout_pass_not_here(
        tmp_path, unnumbered, failure):
    (handbook,) = copies(unnumbered, tmp_path, "handbook.docx")
    warm = FakeOffice(fails=failure)
    layout_pass.landed(handbook, pdf=False, office=warm)
    assert warm.starts == 1


class Offices:
    """Stands for office.Office and office.lay_out: which LibreOffice lays out what."""

    def __init__(self, monkeypatch, *, cores: int = 2, available: bool = True,
                 opening_fails: BaseException | None = None) -> None:
        self.opened: list[FakeOffice] = []
        self.given: list[tuple[FakeOffice | None, list[str]]] = []
        self.answers: dict[int, BaseException] = {}
        self.opening_fails = opening_fails
        monkeypatch.setattr(office, "Office", self.open)
        monkeypatch.setattr(office, "lay_out", self.lay_out)
        monkeypatch.setattr(office, "available", lambda: available)
        monkeypatch.setattr(layout_pass, "available_cores", lambda: cores)

    def open(self) -> FakeOffice:
        if self.opening_fails and self.opened:
            raise self.opening_fails
        self.opened.append(FakeOffice(started=True))
        return self.opened[-1]

    def lay_out(self, batch, *, pdf, office=None):
        assert pdf is True
        self.given.append((office, [p.name for p in batch]))
        failure = self.answers.get(len(self.given))
        if failure:
            raise failure
        return {p.resolve(): {"_Toc1": int(p.stem)} for p in batch}


def numbered(tmp_path: Path, count: int) -> list[Path]:
    for i in range(count):
        (tmp_path / f"{i}.docx").write_bytes(b"")
    return [tmp_path / f"{i}.docx" for i in range(count)]


def test_seven_documents_are_laid_out_in_the_one_libreoffice(tmp_path, monkeypatch):
    fake = Offices(monkeypatch)
    build = FakeOffice(started=True)
    documents = numbered(tmp_path, layout_pass.SECOND_OFFICE_AT - 1)
    found = layout_pass._lay_out(documents, pdf=True, office=build)
    assert fake.given == [(build, [p.name for p in documents])] and fake.opened == []
    assert found == {p.resolve(): {"_Toc1": i} for i, p in enumerate(documents)}


def test_eight_documents_are_shared_by_the_builds_libreoffice_and_a_second_one(
        tmp_path, monkeypatch):
    fake = Offices(monkeypatch)
    build = FakeOffice(started=True)
    documents = numbered(tmp_path, layout_pass.SECOND_OFFICE_AT)
    found = layout_pass._lay_out(documents, pdf=True, office=build)
    (second,) = fake.opened
    assert sorted(fake.given, key=lambda g: g[1]) == [
        (build, ["0.docx", "2.docx", "4.docx", "6.docx"]),
        (second, ["1.docx", "3.docx", "5.docx", "7.docx"])]
    assert found == {p.resolve(): {"_Toc1": i} for i, p in enumerate(documents)}
    assert second.closed == 1 and build.closed == 0  # the build's goes on for its PDFs


def test_without_a_builds_libreoffice_two_are_started_and_both_ended(tmp_path, monkeypatch):
    fake = Offices(monkeypatch)
    layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=None)
    assert len(fake.opened) == 2 and [each.closed for each in fake.opened] == [1, 1]
    assert {id(office) for office, _ in fake.given} == {id(each) for each in fake.opened}


@pytest.mark.parametrize("cores, available", [(1, True), (2, False)])
def test_one_core_or_no_warm_libreoffice_lays_out_in_one(tmp_path, monkeypatch, cores,
                                                          available):
    fake = Offices(monkeypatch, cores=cores, available=available)
    layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=None)
    assert fake.opened == [] and fake.given == [(None, [f"{i}.docx" for i in range(8)])]


@pytest.mark.parametrize("failure", [PdfError("no second"), OSError(24, "Too many open files")])
def test_a_second_libreoffice_that_cannot_start_leaves_all_to_the_first(
        tmp_path, monkeypatch, failure):
    fake = Offices(monkeypatch, opening_fails=failure)
    found = layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=None)
    (first,) = fake.opened
    assert fake.given == [(first, [f"{i}.docx" for i in range(8)])] and len(found) == 8


def test_both_halves_failures_are_said_together_with_every_document_missing(
        tmp_path, monkeypatch):
    fake = Offices(monkeypatch)
    fake.answers = {1: PdfError("first half failed", [tmp_path / "0.pdf"]),
                    2: PdfError("second half failed", [tmp_path / "1.pdf"])}
    with pytest.raises(PdfError) as raised:
        layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=None)
    assert sorted(str(raised.value).split("\n")) == ["first half failed", "second half failed"]
    assert sorted(raised.value.missing) == [tmp_path / "0.pdf", tmp_path / "1.pdf"]


def test_one_half_failing_fails_the_pass_naming_its_documents(tmp_path, monkeypatch):
    fake = Offices(monkeypatch)
    fake.answers = {2: PdfError("LibreOffice failed twice", [tmp_path / "5.pdf"])}
    with pytest.raises(PdfError, match=r"^LibreOffice failed twice$") as raised:
        layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=None)
    assert raised.value.missing == [tmp_path / "5.pdf"]


def test_an_unexpected_error_in_a_half_is_raised_as_itself(tmp_path, monkeypatch):
    fake = Offices(monkeypatch)
    fake.answers = {1: PdfError("said"), 2: ValueError("a bug")}
    with pytest.raises(ValueError, match="a bug"):
        layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=None)


def test_ctrl_c_ends_both_libreoffices_at_once(tmp_path, monkeypatch):
    """The halves run in daemon threads: Ctrl-C in the waiting thread closes both
    LibreOffices (the build's too), which ends their threads' work."""
    fake = Offices(monkeypatch)
    build = FakeOffice(started=True)
    ended = threading.Event()
    daemons: list[bool] = []
    both = threading.Barrier(2, timeout=30)

    def hangs(batch, *, pdf, office=None):
        daemons.append(threading.current_thread().daemon)
        both.wait()
        if office is build:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        ended.wait(30)
        return {}

    build.close = lambda: (setattr(build, "closed", build.closed + 1), ended.set())
    monkeypatch.setattr(office, "lay_out", hangs)
    # As at a terminal: a shell without job control may have started the suite with
    # SIGINT ignored (tests/watch_session.py).
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            layout_pass._lay_out(numbered(tmp_path, 8), pdf=True, office=build)
    finally:
        signal.signal(signal.SIGINT, before)
    assert ended.is_set() and build.closed == 1
    assert fake.opened[0].closed == 2  # and again as the pass's stack ends
    assert daemons == [True, True]
