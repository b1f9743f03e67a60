"""PDF export through one headless LibreOffice run per batch."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from generator.delivery import pdf
from generator.delivery.pdf import PdfError, export_pdfs, find_soffice, lay_out
from generator.delivery.pdf_profile import write_profile

_skip_without_soffice = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice (soffice) not installed"
)


def needs_soffice(test):
    """Mark a test as running LibreOffice, and skip it where LibreOffice is missing."""
    return pytest.mark.libreoffice(_skip_without_soffice(test))


TOC_PLACEHOLDER = "Update the table of contents."
CHAPTERS = ["Chapter one", "Chapter two", "Chapter three", "Chapter four", "Chapter five"]
SECTIONS_PER_CHAPTER = 9  # 50 entries: the contents list itself runs over two pages


# ---------------------------------------------------------------- helpers


def _add_toc_field(paragraph) -> None:
    """A Word TOC complex field holding only placeholder text, as our writer emits it."""

    def fld_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run(TOC_PLACEHOLDER)
    fld_char("end")


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def make_report(path: Path) -> Path:
    """Contents list, then chapters on their own pages; chapter two runs over 3 pages."""
    document = Document()
    document.add_paragraph("Contents")
    _add_toc_field(document.add_paragraph())
    for number, chapter in enumerate(CHAPTERS, start=1):
        _page_break(document)
        document.add_heading(chapter, level=1)
        for section in range(1, SECTIONS_PER_CHAPTER + 1):
            document.add_heading(f"Section {number}.{section}", level=2)
            paragraphs = 12 if chapter == "Chapter two" else 1
            for _ in range(paragraphs):
                document.add_paragraph(f"Text of {chapter}, section {section}. " * 6)
    document.save(path)
    return path


def make_simple(path: Path, heading: str) -> Path:
    document = Document()
    document.add_heading(heading, level=1)
    document.add_paragraph("A short document without a table of contents.")
    document.save(path)
    return path


def pdf_pages(path: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


TOC_LINE = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$")


def toc_entries(pages: list[str]) -> dict[str, int]:
    return {
        m.group(1): int(m.group(2))
        for page in pages
        for m in map(TOC_LINE.match, page.splitlines())
        if m
    }


def page_of(pages: list[str], heading: str) -> int:
    """1-based page where ``heading`` stands on a line of its own (outside the contents)."""
    for number, page in enumerate(pages, start=1):
        if any(line.strip() == heading for line in page.splitlines()):
            return number
    raise AssertionError(f"{heading!r} not found in the PDF body")


@pytest.fixture
def count_starts(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every LibreOffice start (pdftotext runs are not counted)."""
    started: list[list[str]] = []
    real_popen = subprocess.Popen
    soffice = find_soffice()

    def popen(command, *args, **kwargs):
        if soffice is not None and command[0] == soffice:
            started.append(list(command))
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "Popen", popen)
    return started


@pytest.fixture
def work_dirs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record the module's temporary folders (profile, output) to check their cleanup."""
    made: list[Path] = []
    real_mkdtemp = pdf.tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(Path(real_mkdtemp(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(pdf.tempfile, "mkdtemp", mkdtemp)
    return made


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


# ---------------------------------------------------------------- with LibreOffice


@needs_soffice
def test_batch_of_three_in_one_start_with_updated_toc(
    tmp_path: Path, count_starts: list[list[str]], work_dirs: list[Path]
) -> None:
    docs = [
        make_report(tmp_path / "report.docx"),
        make_simple(tmp_path / "letter.docx", "Dear client"),
        make_simple(tmp_path / "annex.docx", "Annex A"),
    ]

    result = export_pdfs(docs)

    assert result == [d.with_suffix(".pdf") for d in docs]
    assert len(count_starts) == 1, "one LibreOffice start for the whole batch"
    assert any(arg.startswith("-env:UserInstallation=file:///") for arg in count_starts[0])
    for path in result:
        assert path.stat().st_size > 0
        assert path.read_bytes().startswith(b"%PDF-")
    assert "Dear client" in "".join(pdf_pages(result[1]))
    assert "Annex A" in "".join(pdf_pages(result[2]))

    pages = pdf_pages(result[0])
    text = "".join(pages)
    assert TOC_PLACEHOLDER not in text
    entries = toc_entries(pages)
    assert len(pages) > 2 and "Section 5.9" in entries, "contents list runs over two pages"
    for heading in [*CHAPTERS, "Section 2.9", "Section 3.1", "Section 5.9"]:
        assert heading in entries, f"{heading!r} missing from the contents list"
        assert entries[heading] == page_of(pages, heading), f"wrong page for {heading!r}"
    assert entries["Chapter three"] > entries["Chapter two"] + 1

    assert not any(d.exists() for d in work_dirs), "temporary profile removed"
    assert not list(tmp_path.glob(".*.tmp")), "no temporary PDFs left next to the sources"


@needs_soffice
def test_a_temporary_folder_holding_a_quote_still_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, work_dirs: list[Path]
) -> None:
    """A `"` in TMPDIR once ended the macro URL's argument early: no macro ran, no PDF."""
    quoted = tmp_path / 'te"mp, (x)'
    quoted.mkdir()
    monkeypatch.setenv("TMPDIR", str(quoted))
    monkeypatch.setattr(pdf.tempfile, "tempdir", None)  # read TMPDIR again
    (result,) = export_pdfs([make_simple(tmp_path / "letter.docx", "Dear client")])
    assert "Dear client" in "".join(pdf_pages(result))
    assert work_dirs and all(d.parent == quoted for d in work_dirs)


@needs_soffice
def test_without_index_update_the_placeholder_stays(tmp_path: Path) -> None:
    (result,) = export_pdfs([make_report(tmp_path / "report.docx")], update_indexes=False)
    assert TOC_PLACEHOLDER in "".join(pdf_pages(result))


@needs_soffice
def test_corrupt_docx_is_named_and_previous_pdf_kept(tmp_path: Path) -> None:
    good = make_simple(tmp_path / "good.docx", "Good heading")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(bytes(range(256)) * 40)
    previous = b"%PDF-1.4 previous good export"
    bad.with_suffix(".pdf").write_bytes(previous)

    with pytest.raises(PdfError) as caught:
        export_pdfs([good, bad])

    message = str(caught.value)
    assert "bad.docx" in message and "good.docx" not in message
    assert "1 of 2" in message
    assert caught.value.missing == [bad.resolve().with_suffix(".pdf")]
    assert bad.with_suffix(".pdf").read_bytes() == previous
    assert "Good heading" in "".join(pdf_pages(good.with_suffix(".pdf")))


@needs_soffice
def test_timeout_kills_libreoffice_and_names_the_files(
    tmp_path: Path, work_dirs: list[Path]
) -> None:
    docs = [make_simple(tmp_path / f"doc{i}.docx", f"Heading {i}") for i in range(2)]
    stale = b"%PDF-1.4 earlier export"
    docs[0].with_suffix(".pdf").write_bytes(stale)

    with pytest.raises(PdfError) as caught:
        export_pdfs(docs, timeout=0.3)

    message = str(caught.value)
    assert "timed out after 0.3 s; 2 of 2 PDF(s) not produced" in message
    assert "doc0.docx" in message and "doc1.docx" in message
    assert docs[0].with_suffix(".pdf").read_bytes() == stale
    assert not docs[1].with_suffix(".pdf").exists()
    assert not any(d.exists() for d in work_dirs)
    if Path("/proc").is_dir():
        assert processes_mentioning(str(work_dirs[0])) == [], "LibreOffice left running"


@needs_soffice
def test_a_layout_pass_that_times_out_names_documents_not_pdfs(
    tmp_path: Path, work_dirs: list[Path]
) -> None:
    """No PDF was asked for: the message must not say that PDFs were not produced."""
    docs = [make_simple(tmp_path / "doc0.docx", "Heading")]
    with pytest.raises(PdfError) as caught:
        lay_out(docs, pdf=False, timeout=0.3)
    message = str(caught.value)
    assert "timed out after 0.3 s; 1 of 1 document(s) not laid out" in message
    assert "PDF" not in message.split(":")[0]
    assert not docs[0].with_suffix(".pdf").exists()


# ---------------------------------------------------------------- without LibreOffice


def test_missing_libreoffice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"not needed")
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)

    with pytest.raises(PdfError) as caught:
        export_pdfs([doc])

    message = str(caught.value)
    assert "apt-get install libreoffice-writer-nogui" in message
    assert "brew install --cask libreoffice" in message
    assert not doc.with_suffix(".pdf").exists()


def test_find_soffice_without_it_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf, "_MACOS_SOFFICE", tmp_path / "absent")
    assert find_soffice() is None
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_soffice() == str(fake)


def test_missing_source_file(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"no such file: .*absent\.docx"):
        export_pdfs([tmp_path / "absent.docx"])


def test_empty_batch_starts_nothing(count_starts: list[list[str]]) -> None:
    assert export_pdfs([]) == []
    assert count_starts == []


def test_profile_files_are_well_formed(tmp_path: Path) -> None:
    write_profile(tmp_path)
    files = sorted((tmp_path / "user").rglob("*.x*"))
    assert {f.name for f in files} == {
        "registrymodifications.xcu",
        "script.xlc",
        "dialog.xlc",
        "script.xlb",
        "dialog.xlb",
        "Module1.xba",
    }
    for f in files:
        ET.parse(f)  # a malformed library file makes LibreOffice ignore the macro
    module = ET.parse(tmp_path / "user/basic/Standard/Module1.xba").getroot()
    assert "Sub ExportAll" in (module.text or "")


def _last_version(profile: Path) -> list[str | None]:
    """The ooSetupLastVersion values the profile's registry sets."""
    oor = "{http://openoffice.org/2001/registry}"
    root = ET.parse(profile / "user" / "registrymodifications.xcu").getroot()
    return [prop.findtext("value") for item in root
            if item.get(f"{oor}path") == "/org.openoffice.Setup/Product"
            for prop in item if prop.get(f"{oor}name") == "ooSetupLastVersion"]


@pytest.mark.parametrize("program, rc", [("program", "program"), ("MacOS", "Resources")])
def test_profile_names_the_version_of_the_libreoffice_that_uses_it(
        tmp_path: Path, program: str, rc: str) -> None:
    """Without it every start of a fresh profile runs LibreOffice's 2-s graphics self-test
    (tests/delivery/test_office.py shows the log it would write)."""
    install = tmp_path / "install"
    (install / program).mkdir(parents=True)
    (install / rc).mkdir(exist_ok=True)
    (install / program / "soffice").write_text("")
    (install / rc / "bootstraprc").write_text(
        "[Bootstrap]\nInstallMode=<installmode>\nProductKey=LibreOffice 24.8\n")
    write_profile(tmp_path / "profile", soffice=str(install / program / "soffice"))
    assert _last_version(tmp_path / "profile") == ["24.8"]


def test_profile_of_an_unknown_version_names_none(tmp_path: Path) -> None:
    (tmp_path / "program").mkdir()
    (tmp_path / "program" / "soffice").write_text("")
    (tmp_path / "program" / "bootstraprc").write_text("[Bootstrap]\nProductKey=LibreOffice\n")
    write_profile(tmp_path / "profile", soffice=str(tmp_path / "program" / "soffice"))
    assert _last_version(tmp_path / "profile") == []
    write_profile(tmp_path / "bare")
    assert _last_version(tmp_path / "bare") == []


# ---------------------------------------------------------------- reproducible PDFs

LO_TAIL = (b"/Producer<FEFF004C>\n/CreationDate(D:%sZ')>>\nendobj\nxref\n0 1\n"
           b"trailer\n<</Size 3\n/ID [ <%s>\n<%s> ]\n/DocChecksum /%s\n>>\nstartxref\n9\n%%%%EOF\n")


def _lo_pdf(when: bytes, ident: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\n" + LO_TAIL % (when, ident, ident, ident[::-1])


def test_pin_pdf_replaces_clock_and_id_keeping_every_offset() -> None:
    moment = datetime.datetime(2027, 1, 29, tzinfo=datetime.UTC)
    first = _lo_pdf(b"20261127183603", b"8984CC589EB02EAC1E65921EAA9D62DB")
    second = _lo_pdf(b"20261127190000", b"0123456789ABCDEF0123456789ABCDEF")
    pinned = pdf.pin_pdf(first, moment)
    assert pinned == pdf.pin_pdf(second, moment)
    assert len(pinned) == len(first)
    assert b"/CreationDate(D:20270129000000Z')" in pinned
    ident = re.search(rb"/ID \[ <([0-9A-F]{32})>\n<([0-9A-F]{32})> \]", pinned)
    assert ident and ident.group(1) == ident.group(2) != b"8984CC589EB02EAC1E65921EAA9D62DB"
    assert pdf.pin_pdf(pinned, moment) == pinned
    other_content = first.replace(b"1 0 obj<<>>", b"1 0 obj<<1>>")
    assert pdf.pin_pdf(other_content, moment)[-120:] != pinned[-120:], "the id follows content"


@pytest.mark.parametrize(("moment", "digits"), [
    (datetime.datetime(999, 6, 1, 12, tzinfo=datetime.UTC), b"09990601120000"),
    (datetime.datetime(2027, 1, 29, 9, 30), b"20270129093000"),  # no zone: taken as UTC
    (datetime.datetime(2027, 1, 29, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
     b"20270129093000"),
])
def test_pin_pdf_dates_keep_fourteen_digits(moment: datetime.datetime, digits: bytes) -> None:
    original = _lo_pdf(b"20261127183603", b"8" * 32)
    pinned = pdf.pin_pdf(original, moment)
    assert len(pinned) == len(original)
    assert b"/CreationDate(D:" + digits + b"Z')" in pinned


def test_pin_pdf_without_a_date_still_pins_the_id() -> None:
    pinned = pdf.pin_pdf(_lo_pdf(b"20261127183603", b"8" * 32), None)
    assert b"D:20261127183603Z'" in pinned and b"8" * 32 not in pinned


@needs_soffice
def test_same_docx_gives_the_same_pdf_dated_as_the_document(tmp_path: Path) -> None:
    import time

    from generator.writer.converter import Converter, DocumentMeta

    moment = datetime.datetime(2027, 1, 29, 9, 30, tzinfo=datetime.UTC)
    docx = tmp_path / "letter.docx"
    meta = DocumentMeta(title="Brief", timestamp=moment)
    docx.write_bytes(Converter().convert("# Brief\n\nGeachte klant,\n", meta, base_dir=tmp_path))
    (first,) = export_pdfs([docx])
    kept = first.read_bytes()
    time.sleep(1.1)  # LibreOffice's clock stamp has whole seconds
    (second,) = export_pdfs([docx])
    assert second.read_bytes() == kept
    info = subprocess.run(["pdfinfo", "-isodates", str(second)], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"CreationDate:\s+2027-01-29T09:30:00", info), info
    assert "Geachte klant" in "".join(pdf_pages(second))
