"""The warm LibreOffice (UNO): same pages as the cold batch, restarted once after a crash,
reported after a second failure, gone with its folder when closed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from docx_reading import EXAMPLE, ROOT

from generator.bundled import template_root
from generator.delivery import guard, office, pdf
from generator.delivery.build import build_all, finish_layout
from generator.delivery.pdf import PdfError
from generator.source.project import Project

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(not office.available(),
                       reason="LibreOffice and python3-uno (Debian) are needed"),
]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("warm")
    report = build_all(Project(ROOT), [EXAMPLE], ["handbook", "proposal"], out_dir=out,
                       layout=False)
    assert not report.failed
    return report.written


def test_gives_the_pages_the_cold_batch_gives(documents: list[Path]) -> None:
    with office.Office() as warm:
        pages = warm.lay_out(documents, pdf=False)
    cold = pdf.lay_out(documents, pdf=False)
    assert pages == cold
    handbook = pages[documents[0].resolve()]
    assert len(handbook) > 5 and min(handbook.values()) >= 2  # after the cover page


def test_a_crashed_libreoffice_is_restarted_once(documents: list[Path]) -> None:
    with office.Office() as warm:
        first = warm.lay_out(documents[:1], pdf=False)
        os.killpg(warm._process.soffice.pid, signal.SIGKILL)  # a crash, as seen from here
        assert warm.lay_out(documents[:1], pdf=False) == first


def test_a_libreoffice_that_fails_twice_is_reported(documents: list[Path]) -> None:
    with office.Office(timeout=0.001) as hung, pytest.raises(PdfError) as failed:
        hung.lay_out(documents, pdf=False)
    message = str(failed.value)
    assert "LibreOffice failed twice (restarted once)" in message
    assert "2 of 2 document(s) not laid out" in message
    assert "did not answer within" in message
    assert failed.value.missing == [d.with_suffix(".pdf") for d in documents]


def test_the_build_writes_the_documents_without_page_numbers_and_says_so(
        documents: list[Path]) -> None:
    said: list[str] = []
    before = [d.read_bytes() for d in documents]
    with office.Office(timeout=0.001) as hung:
        finish_layout(documents, pdf=False, layout=True, echo=said.append,
                      brand=template_root() / "reference.docx", warn=lambda _: None,
                      office=hung)
    assert any("layout pass failed, contents pages keep no page numbers" in s for s in said)
    assert [d.read_bytes() for d in documents] == before  # written, unnumbered, intact


def test_closing_ends_libreoffice_and_removes_its_folder(documents: list[Path]) -> None:
    warm = office.Office()
    warm.lay_out(documents[:1], pdf=False)
    process = warm._process
    assert process is not None and process.work.is_dir()
    groups = [process.soffice.pid, process.driver.pid]
    warm.close()
    assert not process.work.exists()
    assert not any(socket.exists() for socket in process.sockets)
    assert not guard.groups_run(groups)


def test_libreoffice_starts_without_its_graphics_self_test(documents: list[Path]) -> None:
    """A throw-away profile that names no last version counts as "upgraded", and
    LibreOffice then spends about 2 s on its graphics self-test at every start, writing
    GraphicsRenderTests.log into the profile: ours names the installed version."""
    with office.Office() as warm:
        warm.lay_out(documents[:1], pdf=False)
        process = warm._process
        assert process is not None
        user = process.work / "profile" / "user"
        assert (user / "registrymodifications.xcu").is_file()
        assert not (user / "GraphicsRenderTests.log").exists()
