"""`interim watch`: rebuilds on every save, survives a broken source, leaves nothing behind."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from docx_reading import Docx
from example_project import ExampleProject
from watch_session import REBUILD, WatchSession, leftovers, needs_watch

from generator.delivery import layout_caps
from generator.delivery import watch as watch_module
from generator.delivery.layout_caps import Caps
from generator.delivery.preview import PreviewState
from generator.delivery.watch import Watcher, watch
from generator.source.project import Project

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
