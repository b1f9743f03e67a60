"""`interim watch`: rebuilds on every save, survives a broken source, leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import watchfiles
from docx_reading import Docx
from example_project import EXAMPLE_ID, ExampleProject
from watch_session import REBUILD, WatchSession, leftovers, needs_watch

from generator.bundled import template_root
from generator.delivery import layout_caps
from generator.delivery import watch as watch_module
from generator.delivery.layout_caps import Caps
from generator.delivery.pdf import PdfError
from generator.delivery.preview import Page, PreviewState
from generator.delivery.watch import Watcher, watch
from generator.errors import GeneratorError
from generator.source.project import Project

ROOT = Path(__file__).resolve().parents[2]

GONE = 30.0
"""Seconds the watchdog may take to clear up after a kill -9 (a loaded machine)."""


@needs_watch
def test_rebuilds_on_save_and_survives_a_broken_source(example: ExampleProject) -> None:
    session = WatchSession(example.root, "dl-logistiek-2027", "--doc", "handbook")
    try:
        session.wait_for(lambda: "Leveringsfouten" in session.text("handbook"), REBUILD,
                         "handbook pages")
        assert (example.root / "build" / "dl-logistiek-2027" / "handbook.docx").is_file()

        example.edit("statement: Leveringsfouten verlagen", "statement: Leveringsfouten halveren")
        session.wait_for(lambda: "halveren" in session.text("handbook"), REBUILD, "the new text")

        line = example.line_of("  objectives:")
        example.edit("  objectives:\n", "  objectives: [\n")
        error = session.wait_for(lambda: session.state()["error"], REBUILD, "the error")
        assert f"assignment.yaml:{line + 1}:" in error or f"assignment.yaml:{line}:" in error
        assert "halveren" in session.text("handbook")  # the last good pages stay
        assert session.process.poll() is None  # and it keeps watching

        example.edit("  objectives: [\n", "  objectives:\n")
        example.edit("Leveringsfouten halveren", "Leveringsfouten uitbannen")
        session.wait_for(lambda: "uitbannen" in session.text("handbook")
                         and not session.state()["error"], REBUILD, "the repaired build")
        assert session.stop(signal.SIGINT) == 0
        assert "stopped" in "".join(session.out)
    finally:
        session.close()


@needs_watch
def test_ctrl_c_leaves_no_libreoffice_and_no_temporary_folder(example: ExampleProject) -> None:
    session = WatchSession(example.root, "dl-logistiek-2027", "--doc", "proposal")
    try:
        session.wait_for(lambda: session.text("proposal"), REBUILD, "proposal pages")
        pid = session.process.pid
        assert leftovers(pid), "the session's LibreOffice and folders should be found running"
        assert session.stop(signal.SIGINT) == 0
        assert leftovers(pid) == []
    finally:
        session.close()


@needs_watch
def test_kill_9_leaves_no_libreoffice_and_no_temporary_folder(example: ExampleProject) -> None:
    session = WatchSession(example.root, "dl-logistiek-2027", "--doc", "proposal")
    try:
        session.wait_for(lambda: session.text("proposal"), REBUILD, "proposal pages")
        pid = session.process.pid
        assert leftovers(pid)
        session.process.kill()  # SIGKILL: nothing of ours runs after it; the watchdogs do
        session.process.wait()
        deadline = time.monotonic() + GONE
        while leftovers(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert leftovers(pid) == []
    finally:
        session.close()


@needs_watch
def test_a_rebuild_keeps_the_layout_caps_of_build(example: ExampleProject, tmp_path,
                                                   monkeypatch) -> None:
    """The watch lays out through build's own pass: a document over a cap is written without
    page numbers and without pages to show, said by name; the others are laid out."""
    monkeypatch.setattr(layout_caps, "CAPS", Caps(table_rows=50))  # the handbook 1.3 has 58
    session = tmp_path / "session"
    session.mkdir()
    said: list[str] = []
    errors: list[str] = []
    watcher = Watcher(Project(example.root), "dl-logistiek-2027", ["proposal", "handbook"],
                      out_dir=example.root / "build", echo=said.append, error=errors.append,
                      folder=session, state=PreviewState(session, "dl-logistiek-2027"))
    watcher.rebuild()
    assert len(errors) == 1 and "1 PDF(s) not produced" in errors[0]
    assert "handbook.docx: 58 table rows, more than 50" in errors[0]
    assert any("handbook.docx is too large for the layout pass" in line for line in said)
    assert [d["name"] for d in watcher.state.snapshot()["documents"]] == ["proposal"]
    built = example.root / "build" / "dl-logistiek-2027"
    assert b"PAGEREF" in Docx(built / "proposal.docx").parts["word/document.xml"]
    assert b"PAGEREF" not in Docx(built / "handbook.docx").parts["word/document.xml"]


def test_a_save_made_during_the_first_build_is_rebuilt(example: ExampleProject,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The folders are watched before the first build starts: a save while it runs (a
    slow first build on a loaded machine) gives a second build, never a lost change."""
    monkeypatch.setattr(watch_module, "needs", lambda: None)
    monkeypatch.setattr(watch_module, "available", lambda: False)
    stop = threading.Event()
    builds: list[str] = []

    def rebuild(self: Watcher) -> None:
        builds.append(example.text)
        if len(builds) == 1:  # the user saves while the first build runs
            example.edit("statement: Leveringsfouten verlagen",
                         "statement: Leveringsfouten halveren")
            time.sleep(1)  # the build goes on after the save
        else:
            stop.set()

    monkeypatch.setattr(Watcher, "rebuild", rebuild)
    watcher = Watcher(Project(example.root), "dl-logistiek-2027", echo=lambda _: None)
    thread = threading.Thread(target=watch, args=(watcher,),
                              kwargs={"on_ready": lambda _: None, "stop": stop}, daemon=True)
    thread.start()
    thread.join(REBUILD)
    assert not thread.is_alive(), f"{len(builds)} build(s): the save during the first was lost"
    assert "halveren" in builds[1]


# ------------------------------------------- the rebuild on its own, LibreOffice stood in for

def pdf_of(texts: list[str]) -> bytes:
    """A PDF of A4 pages, each showing its text in Helvetica (poppler draws and reads it)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in texts:
        stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010} 00000 n \n" for offset in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


OFFICE = object()
"""The session's warm LibreOffice, as the watch hands it to the layout pass."""


class Layout:
    """Stands for build.finish_layout (a PDF next to each document but those `failing`, then
    the PdfError naming them) and for draw_pages (one picture per PDF, in its folder)."""

    def __init__(self) -> None:
        self.given: list[list[str]] = []
        self.failing: set[str] = set()
        self.known: list[list[str]] = []
        self.brands: list[Path] = []

    def finish(self, paths, *, pdf, layout, echo, brand, warn, office):
        assert pdf and layout and office is OFFICE
        self.given.append([p.name for p in paths])
        self.brands.append(brand)
        echo("note: the layout pass ran")
        warn("a font")
        for path in paths:
            if path.name not in self.failing:
                path.with_suffix(".pdf").write_bytes(pdf_of([path.stem]))
        if self.failing & {p.name for p in paths}:
            raise PdfError("1 PDF(s) not produced: LibreOffice failed")

    def draw(self, pdf: Path, folder: Path, drawn: dict[str, Path]) -> list[Page]:
        self.known.append(sorted(drawn))
        picture = pdf.with_name(f"{pdf.stem}-1.png")
        picture.write_bytes(b"\x89PNG")
        drawn[str(picture.relative_to(folder))] = picture
        return [Page(str(picture.relative_to(folder)), pdf.stem)]


@pytest.fixture
def layout(monkeypatch: pytest.MonkeyPatch) -> Layout:
    stand_in = Layout()
    monkeypatch.setattr(watch_module, "finish_layout", stand_in.finish)
    monkeypatch.setattr(watch_module, "draw_pages", stand_in.draw)
    return stand_in


@dataclass
class Session:
    watcher: Watcher
    said: list[str]
    errors: list[str]
    warned: list[object]

    @property
    def shown(self) -> dict[str, list[str]]:
        assert self.watcher.state is not None
        return {d["name"]: [p["src"] for p in d["pages"]]
                for d in self.watcher.state.snapshot()["documents"]}

    @property
    def error(self) -> str:
        assert self.watcher.state is not None
        return self.watcher.state.snapshot()["error"]

    def generations(self) -> list[str]:
        return sorted(p.name for p in self.watcher.folder.iterdir())


def session_of(example: ExampleProject, tmp_path: Path, kinds=("proposal", "handbook"),
               assignment: str = EXAMPLE_ID) -> Session:
    folder = tmp_path / "session"
    folder.mkdir(parents=True)
    said: list[str] = []
    errors: list[str] = []
    warned: list[object] = []
    watcher = Watcher(Project(example.root), assignment, list(kinds),
                      out_dir=example.root / "build", echo=said.append, error=errors.append,
                      warn=warned.append, office=OFFICE, folder=folder,  # type: ignore[arg-type]
                      state=PreviewState(folder, assignment))
    return Session(watcher, said, errors, warned)


BUILT = re.compile(r"^built in \d+\.\d\d s: (.+)$")
FAILED = re.compile(r"^failed in \d+\.\d\d s: (.+)$")


def test_a_rebuild_lays_out_and_shows_only_the_documents_whose_bytes_changed(
        example, tmp_path, layout):
    s = session_of(example, tmp_path)
    s.watcher.rebuild()
    assert layout.given == [["proposal.docx", "handbook.docx"]]
    assert s.shown == {"proposal": ["/pages/1/proposal-1.png"],
                       "handbook": ["/pages/1/handbook-1.png"]}
    assert s.said[:2] == ["note: the layout pass ran", f"wrote build/{EXAMPLE_ID}/proposal.docx"]
    assert s.said[2] == f"wrote build/{EXAMPLE_ID}/handbook.docx"
    assert BUILT.match(s.said[-1]).group(1) == "proposal, handbook"
    assert s.errors == [] and s.error == "" and "a font" in s.warned
    assert layout.brands == [template_root() / "reference.docx"]
    built = example.root / "build" / EXAMPLE_ID / "handbook.docx"
    assert built.read_bytes() == (s.watcher.folder / "1" / "handbook.docx").read_bytes()

    s.watcher.rebuild()  # nothing saved: nothing laid out, the pages stay
    assert len(layout.given) == 1
    assert BUILT.match(s.said[-1]).group(1) == "nothing changed"
    assert s.watcher.state.snapshot()["version"] == 2 and len(s.shown) == 2

    (example.folder / "analyse.md").write_text("# Analyse\n\nAnders.\n", encoding="utf-8")
    s.watcher.rebuild()
    assert layout.given[-1] == ["handbook.docx"]
    assert s.shown == {"proposal": ["/pages/1/proposal-1.png"],
                       "handbook": ["/pages/3/handbook-1.png"]}
    assert BUILT.match(s.said[-1]).group(1) == "handbook"


def test_a_broken_source_is_said_located_and_the_last_pages_stay(example, tmp_path, layout):
    s = session_of(example, tmp_path)
    s.watcher.rebuild()
    line = example.line_of("  objectives:")
    example.edit("  objectives:\n", "  objectives: [\n")
    s.watcher.rebuild()
    assert len(s.errors) == 1 and s.error == s.errors[0]
    assert f"assignment.yaml:{line + 1}:" in s.errors[0] or \
        f"assignment.yaml:{line}:" in s.errors[0]
    assert FAILED.match(s.said[-1]).group(1) == "nothing changed"
    assert len(s.shown) == 2 and len(layout.given) == 1
    example.edit("  objectives: [\n", "  objectives:\n")
    s.watcher.rebuild()  # repaired as it was: the error goes, nothing to lay out again
    assert s.error == "" and len(s.errors) == 1 and len(layout.given) == 1
    assert BUILT.match(s.said[-1]).group(1) == "nothing changed"


def test_a_layout_that_fails_keeps_the_docx_and_tries_again_next_time(
        example, tmp_path, layout):
    s = session_of(example, tmp_path)
    layout.failing = {"handbook.docx"}
    s.watcher.rebuild()
    assert s.errors == ["1 PDF(s) not produced: LibreOffice failed\n(the .docx files are "
                        "written, without page numbers where the layout failed)"]
    assert s.error == s.errors[0]
    assert s.shown == {"proposal": ["/pages/1/proposal-1.png"]}
    assert (example.root / "build" / EXAMPLE_ID / "handbook.docx").is_file()
    assert FAILED.match(s.said[-1]).group(1) == "proposal"
    layout.failing = set()
    s.watcher.rebuild()  # the same bytes, but never shown: laid out again
    assert layout.given[-1] == ["handbook.docx"] and s.error == ""
    assert BUILT.match(s.said[-1]).group(1) == "handbook"


def test_a_document_that_cannot_be_rendered_is_named_the_others_shown(
        example, tmp_path, layout, monkeypatch):
    real = watch_module.Builder.docx

    def docx(self, job):
        if job.instance.name == "handbook":
            raise GeneratorError("handbook.md.j2:3: unknown variable")
        return real(self, job)

    monkeypatch.setattr(watch_module.Builder, "docx", docx)
    s = session_of(example, tmp_path)
    s.watcher.rebuild()
    assert s.errors == [f"{EXAMPLE_ID}: handbook: handbook.md.j2:3: unknown variable"]
    assert list(s.shown) == ["proposal"] and layout.given == [["proposal.docx"]]


def test_documents_asked_for_that_cannot_be_built_are_errors_others_are_notes(
        tmp_path, layout):
    folder = tmp_path / "project" / "assignments" / "denderland-hr-2027"
    shutil.copytree(ROOT / "assignments" / "denderland-hr-2027", folder)
    project = ExampleProject(tmp_path / "project", folder)
    asked = session_of(project, tmp_path / "asked", ["proposal", "handbook"],
                       "denderland-hr-2027")
    asked.watcher.rebuild()
    assert asked.errors == [
        "denderland-hr-2027: cannot build handbook: the action plan has not been formally "
        "accepted: add `analysis.acceptance` (version, accepted_on, accepted_by), or build a "
        "marked draft with --draft"]
    assert list(asked.shown) == ["proposal"]
    two = session_of(project, tmp_path / "two", ["handbook", "handover"], "denderland-hr-2027")
    two.watcher.rebuild()
    assert len(two.errors) == 2 and two.error == "\n\n".join(two.errors)
    assert "cannot build handover: the assignment has no `closing` yet" in two.errors[1]
    assert FAILED.match(two.said[-1]).group(1) == "nothing changed"
    draft = session_of(project, tmp_path / "draft", ["handbook"], "denderland-hr-2027")
    draft.watcher.draft = True
    draft.watcher.rebuild()  # a marked draft of what is not accepted yet
    assert draft.errors == [] and list(draft.shown) == ["handbook"]
    every = session_of(project, tmp_path / "every", (), "denderland-hr-2027")
    every.watcher.rebuild()
    assert every.errors == [] and list(every.shown) == ["proposal", "action-plan"]
    assert "denderland-hr-2027: handover skipped: the assignment has no `closing` yet" \
        in every.said


def test_pictures_no_longer_shown_are_removed_the_last_generation_kept(
        example, tmp_path, layout):
    s = session_of(example, tmp_path)
    for _ in range(4):
        s.watcher.rebuild()
    assert s.generations() == ["1", "3", "4"]  # 1 still shown; 3 may still be loading
    (example.folder / "analyse.md").write_text("# Analyse\n\nAnders.\n", encoding="utf-8")
    s.watcher.rebuild()
    assert s.generations() == ["1", "4", "5"]
    layout.failing = {"proposal.docx"}
    example.edit("Leveringsfouten verlagen", "Leveringsfouten halveren")
    s.watcher.rebuild()
    s.watcher.rebuild()
    assert s.shown == {"proposal": ["/pages/1/proposal-1.png"],
                       "handbook": ["/pages/6/handbook-1.png"]}
    assert s.generations() == ["1", "6", "7"]
    layout.failing = set()
    (example.folder / "analyse.md").write_text("# Analyse\n\nNog anders.\n", encoding="utf-8")
    s.watcher.rebuild()
    # The pictures drawn before that are still there are known, so equal pages are linked.
    assert layout.known[-1] == ["1/handbook-1.png", "1/proposal-1.png", "6/handbook-1.png",
                                "8/proposal-1.png"]


def test_the_sources_are_the_assignment_the_templates_and_the_firms_files(example):
    watcher = Watcher(Project(example.root), EXAMPLE_ID)
    assert watcher.sources() == ([example.folder, template_root()], [example.root / "firm.yaml"])
    shutil.copy(ROOT / "firm.yaml", example.root / "firm.yaml")
    shutil.copytree(ROOT / "templates", example.root / "templates")
    folders, files = watcher.sources()
    assert folders == [example.folder, template_root()]  # the firm has no templates of its own
    assert files == [example.root / "firm.yaml", example.root / "templates/reference.docx",
                     example.root / "templates/coverton-logo.png"]
    (example.root / "own-templates").mkdir()
    with (example.root / "firm.yaml").open("a", encoding="utf-8") as firm:
        firm.write("templates: own-templates\n")
    assert watcher.sources()[0] == [example.folder, template_root(),
                                    example.root / "own-templates"]
    (example.root / "firm.yaml").write_text("name: [\n", encoding="utf-8")
    assert watcher.sources() == ([example.folder, template_root()],
                                 [example.root / "firm.yaml"])


@pytest.mark.parametrize(("soffice", "missing", "said"), [
    (None, (), "interim watch draws the pages with LibreOffice (soffice), which was not "
               "found: `sudo apt-get install libreoffice-writer-nogui`"),
    ("/usr/bin/soffice", ("pdftoppm",), "interim watch draws the pages with pdftoppm, not "
                                        "found: `sudo apt-get install poppler-utils`"),
    ("/usr/bin/soffice", ("pdftotext",), "interim watch draws the pages with pdftotext, not "
                                         "found: `sudo apt-get install poppler-utils`"),
    ("/usr/bin/soffice", ("pdftoppm", "pdftotext"),
     "interim watch draws the pages with pdftoppm and pdftotext, not found: "
     "`sudo apt-get install poppler-utils`"),
])
def test_the_watch_refuses_to_start_without_what_draws_the_pages(
        monkeypatch, soffice, missing, said):
    monkeypatch.setattr(watch_module, "find_soffice", lambda: soffice)
    monkeypatch.setattr(watch_module.shutil, "which",
                        lambda tool: None if tool in missing else f"/usr/bin/{tool}")
    with pytest.raises(GeneratorError) as raised:
        watch_module.needs()
    assert str(raised.value) == said


def test_the_watch_starts_with_all_it_needs(monkeypatch):
    monkeypatch.setattr(watch_module, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(watch_module.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    watch_module.needs()


def test_a_firm_file_is_looked_at_by_date_and_size(tmp_path):
    there = tmp_path / "firm.yaml"
    there.write_text("name: x\n")
    os.utime(there, ns=(5, 7))
    assert watch_module._stamps([there, tmp_path / "logo.png"]) == [(7, 8), None]


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None
                                   or shutil.which("pdftotext") is None,
                                   reason="poppler-utils not installed")


@needs_poppler
def test_pages_are_drawn_at_72_dpi_in_order_each_with_its_text(tmp_path):
    from PIL import Image

    folder = tmp_path / "session"
    (folder / "2").mkdir(parents=True)
    pdf = folder / "2" / "handbook.pdf"
    texts = ["Een", "Twee", "Twee", ""] + [f"Blad {n}" for n in range(5, 12)]
    pdf.write_bytes(pdf_of(texts))
    drawn: dict[str, Path] = {}
    pages = watch_module.draw_pages(pdf, folder, drawn)
    assert [p.picture for p in pages] == [f"2/handbook-{n:02}.png" for n in range(1, 12)]
    assert [p.text.strip() for p in pages] == texts
    with Image.open(folder / pages[0].picture) as picture:
        assert picture.size == (595, 842) and picture.format == "PNG"
    assert sorted(p.name for p in (folder / "2").iterdir()) == sorted(
        ["handbook.pdf", *(p.picture.split("/")[1] for p in pages)])  # no .ppm left
    assert len(drawn) == 10  # the two pages "Twee" are one picture
    assert os.path.samefile(folder / pages[1].picture, folder / pages[2].picture)
    assert not os.path.samefile(folder / pages[0].picture, folder / pages[1].picture)


@needs_poppler
def test_a_page_drawn_before_is_linked_unless_its_picture_is_gone(tmp_path):
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    (tmp_path / "1" / "memo.pdf").write_bytes(pdf_of(["Een", "Twee"]))
    (tmp_path / "2" / "memo.pdf").write_bytes(pdf_of(["Een", "Drie"]))
    drawn: dict[str, Path] = {}
    first = watch_module.draw_pages(tmp_path / "1" / "memo.pdf", tmp_path, drawn)
    (tmp_path / first[1].picture).unlink()  # the older generation's picture removed
    (tmp_path / "1" / "memo.pdf").rename(tmp_path / "1" / "again.pdf")
    (tmp_path / "1" / "again.pdf").write_bytes(pdf_of(["Twee"]))
    again = watch_module.draw_pages(tmp_path / "1" / "again.pdf", tmp_path, drawn)
    assert (tmp_path / again[0].picture).read_bytes()[:4] == b"\x89PNG"
    second = watch_module.draw_pages(tmp_path / "2" / "memo.pdf", tmp_path)
    assert [p.text.strip() for p in second] == ["Een", "Drie"]
    assert os.stat(tmp_path / second[0].picture).st_nlink == 1  # no memory given: drawn anew
    assert os.path.samefile(tmp_path / "1" / "memo-1.png", tmp_path / first[0].picture)


@needs_poppler
def test_a_pdf_poppler_cannot_read_is_named(tmp_path):
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\nnot a PDF after all\n")
    with pytest.raises(GeneratorError, match=r"could not (draw|read) .*broken\.pdf: \S"):
        watch_module.draw_pages(pdf, tmp_path)


class Loop:
    """Stands for watchfiles.watch, the session's watchdog and its warm LibreOffice: hands
    the loop the given rounds of changes (a set of changed files, empty on a timeout)."""

    def __init__(self, rounds: list[object]) -> None:
        self.rounds = rounds
        self.asked: dict[str, object] = {}
        self.guarded: list[Path] = []
        self.offices: list[str] = []

    def changes(self, *folders, **options):
        self.asked = {"folders": list(folders), **options}
        for change in self.rounds:
            if callable(change):
                change = change()
            yield change

    @contextlib.contextmanager
    def watchdog(self, folder: Path):
        self.guarded.append(folder)
        yield 7

    def office(self):
        loop = self

        class Office:
            def __enter__(self):
                loop.offices.append("started")
                return OFFICE

            def __exit__(self, *exc):
                loop.offices.append("ended")

        return Office()


def watch_with(example, monkeypatch, rounds, *, warm: bool = True):
    import watchfiles

    loop = Loop(rounds)
    monkeypatch.setattr(watchfiles, "watch", loop.changes)
    monkeypatch.setattr(watch_module, "needs", lambda: None)
    monkeypatch.setattr(watch_module, "_watchdog", loop.watchdog)
    monkeypatch.setattr(watch_module, "available", lambda: warm)
    monkeypatch.setattr(watch_module, "Office", loop.office)
    built: list[tuple[Path, object]] = []
    monkeypatch.setattr(Watcher, "rebuild", lambda self: built.append((self.folder,
                                                                        self.office)))
    said: list[str] = []
    ready: list[str] = []
    watcher = Watcher(Project(example.root), EXAMPLE_ID, echo=said.append)
    stop = threading.Event()
    watch(watcher, port=0, on_ready=ready.append, stop=stop)
    return loop, built, said, ready, watcher, stop


def test_the_loop_rebuilds_first_then_on_each_change_or_firm_file_touched(
        example, monkeypatch):
    firm = example.root / "firm.yaml"
    firm.write_text("name: x\n")

    def touch_firm():
        os.utime(firm, ns=(1, 1))
        return set()

    loop, built, said, ready, watcher, stop = watch_with(
        example, monkeypatch, [set(), set(), {("modified", "a.yaml")}, set(), touch_firm, set()])
    assert len(built) == 3  # the first pass, the saved file, the firm file's new date
    folder = built[0][0]
    assert folder.name.startswith(f"interim-watch-{os.getpid()}-")
    assert loop.guarded == [folder] and not folder.exists()  # removed at the end
    assert all(office is OFFICE for _, office in built) and loop.offices == ["started", "ended"]
    assert len(ready) == 1 and re.fullmatch(r"http://127\.0\.0\.1:\d+/", ready[0])
    options = dict(loop.asked)
    assert options.pop("folders") == [example.folder, template_root()]
    assert isinstance(options.pop("watch_filter"), watchfiles.DefaultFilter)
    assert options == {"stop_event": stop, "yield_on_timeout": True, "rust_timeout": 500,
                       "debounce": 400, "step": 30}
    assert said == []
    assert watcher.state is not None and watcher.state.title == EXAMPLE_ID


def test_without_a_warm_libreoffice_the_loop_says_so_and_goes_on(example, monkeypatch):
    loop, built, said, *_ = watch_with(example, monkeypatch, [set()], warm=False)
    assert said == ["note: no Python with LibreOffice's uno module (Debian: python3-uno); "
                    "every rebuild starts LibreOffice anew"]
    assert loop.offices == [] and built[0][1] is None


def test_ctrl_c_stops_the_loop_and_removes_the_session(example, monkeypatch):
    def ctrl_c():
        raise KeyboardInterrupt

    loop, built, said, *_ = watch_with(example, monkeypatch, [set(), ctrl_c])
    assert said == ["stopped"] and len(built) == 1 and not built[0][0].exists()
    assert loop.offices == ["started", "ended"]


def test_an_unknown_assignment_stops_before_anything_starts(example, monkeypatch):
    started: list[str] = []
    monkeypatch.setattr(watch_module, "needs", lambda: started.append("needs"))
    monkeypatch.setattr(watch_module, "_watchdog", lambda folder: started.append("watchdog"))
    watcher = Watcher(Project(example.root), "no-such-assignment")
    with pytest.raises(GeneratorError, match="no assignment 'no-such-assignment'"):
        watch(watcher, on_ready=started.append)
    assert started == ["needs"]


def test_the_warnings_of_the_firm_its_brand_and_the_assignment_are_said(
        example, tmp_path, layout):
    from docx import Document

    shutil.copytree(ROOT / "templates", example.root / "templates")
    Document().save(str(example.root / "plain.docx"))
    firm = (ROOT / "firm.yaml").read_text(encoding="utf-8")
    (example.root / "firm.yaml").write_text(
        firm.replace("brand_template: templates/reference.docx", "brand_template: plain.docx"),
        encoding="utf-8")
    example.edit("day_rate: 1050", "day_rate: 50")
    s = session_of(example, tmp_path, ["proposal"])
    s.watcher.rebuild()
    said = [d.message for d in s.warned if not isinstance(d, str)]
    assert any("the brand template lacks the styles" in m for m in said)
    assert any("day rate" in m or "day_rate" in m for m in said), said
    assert layout.brands == [example.root / "plain.docx"]
