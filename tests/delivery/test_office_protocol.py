"""The warm LibreOffice as generator/delivery/office.py sees it, without LibreOffice: a fake
``soffice`` (a process that waits to be killed) and a fake UNO driver that answers each
request as the test scripts it. What the user sees is pinned here: the pages and PDFs of
the documents that went well, the message naming each one that did not, one restart after
a crash, the folder gone when it ends (tests/delivery/test_office.py runs the real one)."""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import zipfile
from pathlib import Path
from typing import Any

import pytest

from generator.delivery import office, pdf
from generator.delivery.pdf import PdfError, pin_pdf
from generator.errors import display_path

CREATED = "2027-01-29T09:30:00Z"
LO_PDF = (b"%PDF-1.7\n1 0 obj<<>>endobj\n/CreationDate(D:20261127183603Z')>>\ntrailer\n"
          b"<</Size 3\n/ID [ <8984CC589EB02EAC1E65921EAA9D62DB>\n"
          b"<8984CC589EB02EAC1E65921EAA9D62DB> ]\n>>\n%%EOF\n")

DRIVER = r'''
import json, os, signal, sys, time
from pathlib import Path
from urllib.parse import unquote, urlparse

here = Path(__file__).parent
with (here / "driver.log").open("a") as log:
    log.write(json.dumps({"argv": sys.argv[1:], "tz": os.environ.get("TZ"),
                          "tmpdir": os.environ.get("TMPDIR"),
                          "tmpdir_made": os.path.isdir(os.environ.get("TMPDIR", ""))}) + "\n")
print("driver noise", file=sys.stderr, flush=True)
steps = json.loads((here / "steps.json").read_text())


def step():
    counter = here / "count"
    n = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(n + 1))
    return steps[n] if n < len(steps) else {"say": {"ok": True, "pages": {}}}


def act(s, request):
    if s.get("kill_soffice"):  # LibreOffice dies; its parent (the test) has not reaped it
        pid = int((here / "soffice.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                break
            time.sleep(0.01)
    if s.get("pdf") is not None and request and request["pdf"]:
        Path(unquote(urlparse(request["pdf"]).path)).write_bytes(bytes.fromhex(s["pdf"]))
    if s.get("close_stdin"):  # gone for office.py before it says anything
        os.close(0)
    if s.get("hang"):
        time.sleep(600)
    if s.get("exit"):
        sys.exit(0)
    said = s["say"]
    print(said if isinstance(said, str) else json.dumps(said), flush=True)


act(step(), None)
for line in sys.stdin:
    with (here / "driver.log").open("a") as log:
        log.write(line)
    act(step(), json.loads(line))
'''

SOFFICE = """#!/bin/sh
echo $$ > "{here}/soffice.pid"
umask > "{here}/soffice.umask"
echo "$TZ $TMPDIR" > "{here}/soffice.env"
echo "LibreOffice noise"; echo "LibreOffice noise" >&2
printf '%s\\n' "$@" > "{here}/soffice.args"
exec sleep 600
"""

READY: dict[str, Any] = {"say": {"ready": True}}


def ok(pages: dict[str, Any] | None = None, pdf: bytes | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"say": {"ok": True, "pages": pages or {}}}
    if pdf is not None:
        step["pdf"] = pdf.hex()
    return step


class Fake:
    """The fake LibreOffice and driver in `folder`, scripted by `steps` (one per line the
    driver writes: its "ready" first, then one answer per request, across restarts)."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        folder.mkdir(exist_ok=True)
        soffice = folder / "soffice"
        soffice.write_text(SOFFICE.format(here=folder))
        driver = folder / "python"
        driver.write_text(f"#!{os.path.realpath(os.sys.executable)}\n" + DRIVER)
        for script in (soffice, driver):
            script.chmod(0o755)
        monkeypatch.setattr(office, "find_soffice", lambda: str(soffice))
        monkeypatch.setattr(office, "uno_python", lambda: str(driver))
        self.script([READY])

    def script(self, steps: list[dict[str, Any]]) -> None:
        (self.folder / "steps.json").write_text(json.dumps(steps))

    def log(self) -> list[dict[str, Any]]:
        path = self.folder / "driver.log"
        return [json.loads(line) for line in path.read_text().splitlines()]

    def requests(self) -> list[dict[str, Any]]:
        return [entry for entry in self.log() if "source" in entry]

    def starts(self) -> list[dict[str, Any]]:
        return [entry for entry in self.log() if "argv" in entry]


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fake:
    return Fake(tmp_path / "lo", monkeypatch)


def docx(folder: Path, name: str, created: str = CREATED) -> Path:
    """A Word package whose core properties give the creation date its PDF carries."""
    path = folder / name
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("docProps/core.xml", '<cp:coreProperties xmlns:dcterms="x">'
                         f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}'
                         "</dcterms:created></cp:coreProperties>")
    return path


# ---------------------------------------------------------------- what goes well


def test_each_document_is_asked_for_once_and_its_pages_given(tmp_path: Path, fake: Fake) -> None:
    a, b = docx(tmp_path, "a.docx"), docx(tmp_path, "b.odt")
    fake.script([READY, ok({"_Toc1": 3, "_Toc2": "4"}), ok({"_Toc9": 1})])
    with office.Office() as warm:
        found = warm.lay_out([a, b, tmp_path / "." / "a.docx"], pdf=False)
    assert found == {a.resolve(): {"_Toc1": 3, "_Toc2": 4}, b.resolve(): {"_Toc9": 1}}
    assert fake.requests() == [
        {"source": a.resolve().as_uri(), "filter": "MS Word 2007 XML", "update": True,
         "pages": True, "pdf": ""},
        {"source": b.resolve().as_uri(), "filter": "writer8", "update": True,
         "pages": True, "pdf": ""}]
    assert not a.with_suffix(".pdf").exists()


def test_a_pdf_lands_next_to_its_document_dated_as_the_document(tmp_path: Path,
                                                                fake: Fake) -> None:
    a, b = docx(tmp_path, "a.docx"), docx(tmp_path, "b.DOCX", "2027-03-01T08:00:00Z")
    (tmp_path / "unknown.txt").write_text("text")
    fake.script([READY, ok({"_Toc1": 2}, LO_PDF), ok({}, LO_PDF), ok({}, LO_PDF)])
    with office.Office() as warm:
        found = warm.lay_out([a, b, tmp_path / "unknown.txt"], pdf=True,
                             update_indexes=False, pages=False)
        out = warm._process.out
    assert found[a.resolve()] == {"_Toc1": 2}
    first = datetime.datetime(2027, 1, 29, 9, 30, tzinfo=datetime.UTC)
    assert a.with_suffix(".pdf").read_bytes() == pin_pdf(LO_PDF, first)
    assert b"D:20270129093000Z'" in a.with_suffix(".pdf").read_bytes()
    assert b"D:20270301080000Z'" in b.with_suffix(".pdf").read_bytes()
    requests = fake.requests()
    assert [r["pdf"] for r in requests] == [(out / f"{i}.pdf").as_uri() for i in range(3)]
    assert [r["filter"] for r in requests] == ["MS Word 2007 XML", "MS Word 2007 XML", ""]
    assert {(r["update"], r["pages"]) for r in requests} == {(False, False)}


def test_libreoffice_runs_headless_in_a_private_folder_on_a_private_pipe(
        tmp_path: Path, fake: Fake, capfd: pytest.CaptureFixture[str]) -> None:
    (fake.folder / "bootstraprc").write_text("[Bootstrap]\nProductKey=LibreOffice 24.2\n")
    fake.script([READY, ok()])
    with office.Office() as warm:
        warm.lay_out([docx(tmp_path, "a.docx")], pdf=False)
        process = warm._process
        work = process.work
        registry = (work / "profile" / "user" / "registrymodifications.xcu").read_text()
        version = re.findall(r'ooSetupLastVersion" oor:op="fuse"><value>([^<]*)<', registry)
        assert work.is_dir() and work.name.startswith("interim-pdf-")
    args = (fake.folder / "soffice.args").read_text().splitlines()
    (start,) = fake.starts()
    name = start["argv"][2]
    assert re.fullmatch(rf"interim-{os.getpid()}-[0-9a-f]{{16}}", name)
    assert args == [f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
                    f"--accept=pipe,name={name};urp;StarOffice.ComponentContext"]
    assert start["argv"][:2] == ["-I", str(office.DRIVER)]
    assert start["tz"] == "UTC" and start["tmpdir"] == str(work / "tmp")
    assert start["tmpdir_made"]
    assert (fake.folder / "soffice.env").read_text() == f"UTC {work / 'tmp'}\n"
    assert version == ["24.2"]  # the profile knows its LibreOffice: no self-test
    assert "noise" not in "".join(capfd.readouterr())  # LibreOffice's output is not ours
    assert (fake.folder / "soffice.umask").read_text().strip() == "0077"
    assert process.sockets[0] == Path("/tmp") / f"OSL_PIPE_{os.getuid()}_{name}"
    assert not work.exists()  # gone with LibreOffice


def test_closing_removes_the_folder_and_both_pipe_sockets(tmp_path: Path, fake: Fake) -> None:
    warm = office.Office()
    process = warm._process
    for socket in process.sockets:
        socket.write_text("")
    warm.close()
    assert not process.work.exists()
    assert [s.exists() for s in process.sockets] == [False, False]
    assert process.soffice.returncode == -signal.SIGKILL
    assert process.driver.returncode is not None
    assert not warm.started
    with pytest.raises(PdfError, match=r"^LibreOffice was stopped \(the command is ending\)$"):
        warm.start()
    with pytest.raises(PdfError, match="LibreOffice was stopped"):
        warm.lay_out([docx(tmp_path, "a.docx")], pdf=False)


def test_the_single_instance_pipe_is_named_as_libreoffice_names_it() -> None:
    """desktop/source/app/officeipcthread.cxx: MD5 of the profile URL in UTF-16, each byte
    in hex without padding. The name below is the socket LibreOffice 7.4 opened for
    -env:UserInstallation=file:///tmp/mo-prof/profile (30 digits: two bytes under 0x10);
    a kill -9 leaves it behind, and the watchdog removes it."""
    assert office._single_office(Path("/tmp/mo-prof/profile")) == (
        "SingleOfficeIPC_a218198e54f5e3ebcfee836a4e0e3c")


def test_it_starts_when_asked_and_not_before(tmp_path: Path, fake: Fake) -> None:
    fake.script([READY, ok({"_Toc1": 1})])
    with office.Office(start=False) as warm:
        assert not warm.started and not (fake.folder / "driver.log").exists()
        warm.start()
        warm.start()  # once
        assert warm.started
        assert warm.lay_out([docx(tmp_path, "a.docx")], pdf=False)
    assert len(fake.starts()) == 1


# ---------------------------------------------------------------- what goes wrong


def headline(text: str) -> str:
    return text.splitlines()[0]


def test_a_document_libreoffice_cannot_open_is_named_with_a_hint(tmp_path: Path,
                                                                fake: Fake) -> None:
    a, b, c, d = (docx(tmp_path, f"{n}.docx") for n in "abcd")
    fake.script([READY, {"say": {"ok": False, "error": "LibreOffice could not open it"}},
                 ok({"_Toc1": 5}, LO_PDF), {"say": {"ok": False, "error": ""}},
                 {"say": {"ok": False, "error": "IOException: disk full"}}])
    with office.Office() as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a, b, c, d], pdf=True)
    assert str(raised.value).splitlines() == [
        "LibreOffice did not lay out 3 of 4 document(s):",
        f"  {display_path(a.resolve())}: LibreOffice could not open it "
        "(is it a valid Word document?)",
        f"  {display_path(c.resolve())}: LibreOffice reported an error",
        f"  {display_path(d.resolve())}: IOException: disk full"]
    assert raised.value.missing == [p.resolve().with_suffix(".pdf") for p in (a, c, d)]
    assert b.with_suffix(".pdf").is_file()  # the one that went well has its PDF


def test_success_without_a_pdf_is_a_failure(tmp_path: Path, fake: Fake) -> None:
    a, b = docx(tmp_path, "a.docx"), docx(tmp_path, "b.docx")
    fake.script([READY, ok({"_Toc1": 1}), ok({}, b"not a PDF")])
    with office.Office() as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a, b], pdf=True)
    assert str(raised.value).splitlines()[1:] == [
        f"  {display_path(a.resolve())}: LibreOffice reported success but wrote no PDF",
        f"  {display_path(b.resolve())}: LibreOffice reported success but wrote no PDF"]
    assert not a.with_suffix(".pdf").exists()


def test_a_pdf_that_cannot_be_written_is_named(tmp_path: Path, fake: Fake) -> None:
    a = docx(tmp_path, "a.docx")
    a.with_suffix(".pdf").mkdir()  # a folder where the PDF goes
    fake.script([READY, ok({}, LO_PDF)])
    with office.Office() as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a], pdf=True)
    assert str(raised.value).splitlines()[1] == (
        f"  {display_path(a.resolve())}: cannot write the PDF: Is a directory")


def test_an_absent_document_is_named_before_libreoffice_is_asked(tmp_path: Path,
                                                                fake: Fake) -> None:
    a = docx(tmp_path, "a.docx")
    with office.Office(start=False) as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a, tmp_path / "gone.docx", tmp_path / "lost.docx"], pdf=True)
    assert str(raised.value) == ("cannot lay out, no such file: "
                                 f"{display_path(tmp_path / 'gone.docx')}, "
                                 f"{display_path(tmp_path / 'lost.docx')}")
    assert raised.value.missing == [tmp_path / "gone.pdf", tmp_path / "lost.pdf"]
    assert not warm.started


@pytest.mark.parametrize("crash, said", [
    ({"hang": True}, "LibreOffice did not answer within 0.5 s"),
    ({"exit": True}, "LibreOffice ended"),
    ({"say": "Traceback: boom"}, "the UNO driver said b'Traceback: boom\\n'"),
    ({"say": "x" * 300}, "the UNO driver said b'" + "x" * 200 + "'"),
    ({"kill_soffice": True, "say": {"ok": False, "error": "DisposedException"}},
     f"LibreOffice ended (exit code {-signal.SIGKILL})"),
    ({"kill_soffice": True, "exit": True}, f"LibreOffice ended (exit code {-signal.SIGKILL})"),
])
def test_a_crash_restarts_libreoffice_once_and_the_documents_are_laid_out(
        tmp_path: Path, fake: Fake, crash: dict[str, Any], said: str) -> None:
    a, b = docx(tmp_path, "a.docx"), docx(tmp_path, "b.docx")
    fake.script([READY, ok({"_Toc1": 1}, LO_PDF), crash, READY, ok({"_Toc1": 2}, LO_PDF),
                 ok({"_Toc1": 3})])
    with office.Office(timeout=0.5) as warm:
        first = warm._process
        found = warm.lay_out([a, b], pdf=True)
        again = warm._process
        assert again is not first and not first.work.exists()
    assert found == {a.resolve(): {"_Toc1": 1}, b.resolve(): {"_Toc1": 2}}
    assert len(fake.starts()) == 2 and b.with_suffix(".pdf").is_file()
    retried = fake.requests()[-1]
    assert retried == {"source": b.resolve().as_uri(), "filter": "MS Word 2007 XML",
                       "update": True, "pages": True, "pdf": (again.out / "1.pdf").as_uri()}
    # A second crash in the same call is said, naming what is left and why.
    fake.script([READY, crash, READY, crash])
    (fake.folder / "count").unlink()
    with office.Office(timeout=0.5) as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a, b], pdf=True)
    assert str(raised.value).splitlines() == [
        "LibreOffice failed twice (restarted once); 2 of 2 document(s) not laid out:",
        f"  {display_path(a.resolve())}: not laid out: {said}",
        f"  {display_path(b.resolve())}: not laid out: {said}"]
    assert raised.value.missing == [a.resolve().with_suffix(".pdf"),
                                    b.resolve().with_suffix(".pdf")]


def test_crashes_in_two_documents_are_one_restart_too_many(tmp_path: Path, fake: Fake) -> None:
    a, b, c = (docx(tmp_path, f"{n}.docx") for n in "abc")
    fake.script([READY, {"exit": True}, READY, ok({"_Toc1": 1}), {"exit": True}])
    with office.Office() as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a, b, c], pdf=False)
    assert str(raised.value).splitlines()[1:] == [
        f"  {display_path(b.resolve())}: not laid out: LibreOffice ended",
        f"  {display_path(c.resolve())}: not laid out: LibreOffice ended"]
    assert headline(str(raised.value)).endswith("2 of 3 document(s) not laid out:")
    assert raised.value.missing == [b.resolve().with_suffix(".pdf"),
                                    c.resolve().with_suffix(".pdf")]


def test_a_libreoffice_that_does_not_start_says_why(tmp_path: Path, fake: Fake) -> None:
    a = docx(tmp_path, "a.docx")
    fake.script([{"say": {"ready": False, "error": "NoConnectException: refused"}},
                 {"say": {"ready": False}}])
    with office.Office() as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a], pdf=False)
    assert str(raised.value).splitlines()[1] == (
        f"  {display_path(a.resolve())}: not laid out: LibreOffice did not start: ?")
    fake.script([{"say": {"ready": False, "error": "NoConnectException: refused"}}] * 2)
    (fake.folder / "count").unlink()
    with office.Office() as warm, pytest.raises(PdfError, match="did not start: NoConnect"):
        warm.lay_out([a], pdf=False)


def test_without_libreoffice_or_uno_a_warm_one_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for soffice, python in (("/usr/bin/soffice", None), (None, "/usr/bin/python3")):
        monkeypatch.setattr(office, "find_soffice", lambda s=soffice: s)
        monkeypatch.setattr(office, "uno_python", lambda p=python: p)
        with pytest.raises(PdfError) as raised:
            office.Office()
        assert str(raised.value) == (
            "a warm LibreOffice needs LibreOffice and a Python with its uno module (Debian: "
            "`sudo apt-get install python3-uno`); " + pdf.INSTALL_HINT)
        assert not office.available()


# ---------------------------------------------------------------- who serves


def test_the_layout_pass_uses_the_builds_libreoffice_else_its_own_else_the_cold_batch(
        tmp_path: Path, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    a = docx(tmp_path, "a.docx")
    cold: list[tuple[list[Path], bool]] = []
    monkeypatch.setattr(pdf, "lay_out", lambda files, *, pdf: cold.append((files, pdf)) or {})
    monkeypatch.setattr(office, "available", lambda: True)
    fake.script([READY, ok({"_Toc1": 4}, LO_PDF), READY, ok({"_Toc1": 6}, LO_PDF)])
    with office.Office() as build:
        assert office.lay_out([a], pdf=True, office=build) == {a.resolve(): {"_Toc1": 4}}
    assert office.lay_out([a], pdf=True) == {a.resolve(): {"_Toc1": 6}}  # its own
    assert all(r["pdf"].endswith("/0.pdf") for r in fake.requests())
    assert len(fake.starts()) == 2 and not list(Path(tmp_path).glob("interim-pdf-*"))
    assert cold == []
    monkeypatch.setattr(office, "available", lambda: False)
    assert office.lay_out([a], pdf=True) == {} and cold == [([a], True)]


def test_pdfs_come_from_the_builds_libreoffice_else_from_the_cold_batch(
        tmp_path: Path, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    a = docx(tmp_path, "a.docx")
    monkeypatch.setattr(pdf, "export_pdfs", lambda files: [p.with_suffix(".cold") for p in files])
    assert office.export_pdfs([a]) == [a.with_suffix(".cold")]
    fake.script([READY, ok({"_Toc1": 4}, LO_PDF)])
    with office.Office() as build:
        assert office.export_pdfs([a], office=build) == [a.with_suffix(".pdf")]
    assert fake.requests()[0]["pages"] is False and fake.requests()[0]["update"] is True
    assert a.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")


def test_a_warm_libreoffice_is_had_only_when_wanted_and_possible(
        fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "available", lambda: True)
    assert office.start_if_available(False) is None
    later = office.start_if_available(True, now=False)
    assert later is not None and not later.started
    later.close()
    now = office.start_if_available(True)
    assert now is not None and now.started
    now.close()
    monkeypatch.setattr(office, "available", lambda: False)
    assert office.start_if_available(True) is None
    monkeypatch.setattr(office, "available", lambda: True)
    for failure in (PdfError("no"), OSError(24, "Too many open files")):
        def fails(*, start: bool, failure: Exception = failure) -> office.Office:
            raise failure
        monkeypatch.setattr(office, "Office", fails)
        assert office.start_if_available(True) is None


def test_a_start_that_fails_leaves_no_folder(tmp_path: Path, fake: Fake,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "find_soffice", lambda: str(tmp_path / "no-soffice"))
    before = set(Path(workdirs_root()).glob("interim-pdf-*"))
    with pytest.raises(FileNotFoundError):
        office.Office()
    assert set(Path(workdirs_root()).glob("interim-pdf-*")) == before


def workdirs_root() -> Path:
    import tempfile
    return Path(tempfile.gettempdir())


@pytest.fixture
def pythons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Fake interpreters: one whose `import uno` works, one where it fails."""
    office.uno_python.cache_clear()
    monkeypatch.setattr(office, "_UNO_PYTHONS", ())
    made = {}
    for name, code in (("with-uno", 0), ("without-uno", 1)):
        script = tmp_path / name
        script.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/{name}.args\nexit {code}\n")
        script.chmod(0o755)
        made[name] = script
    yield made
    office.uno_python.cache_clear()


def test_the_python_with_uno_is_the_first_that_imports_it(
        tmp_path: Path, pythons: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERIM_UNO_PYTHON", raising=False)
    monkeypatch.setattr(office, "_UNO_PYTHONS", (
        str(tmp_path / "absent"), str(pythons["without-uno"]), str(pythons["with-uno"])))
    assert office.uno_python() == str(pythons["with-uno"])
    assert (tmp_path / "with-uno.args").read_text() == "-I -c import uno\n"
    assert (tmp_path / "without-uno.args").read_text() == "-I -c import uno\n"


@pytest.mark.parametrize("named, found", [
    ("with-uno", "with-uno"), ("without-uno", None), ("", None)])
def test_interim_uno_python_names_the_one_or_none(
        tmp_path: Path, pythons: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        named: str, found: str | None) -> None:
    monkeypatch.setattr(office, "_UNO_PYTHONS", (str(pythons["with-uno"]),))
    monkeypatch.setenv("INTERIM_UNO_PYTHON", str(tmp_path / named) if named else "")
    assert office.uno_python() == (str(pythons[found]) if found else None)


def test_a_warm_libreoffice_needs_libreoffice_and_a_python_with_uno(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "uno_python", lambda: "/usr/bin/python3")
    assert office.available()


def test_a_python_that_hangs_on_import_uno_is_given_up_after_20_s(
        tmp_path: Path, pythons: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERIM_UNO_PYTHON", raising=False)
    monkeypatch.setattr(office, "_UNO_PYTHONS", ("/hangs/python3", str(pythons["with-uno"])))
    real_run = office.subprocess.run
    budgets: list[float | None] = []

    def run(command: list[str], **kwargs: Any) -> Any:
        budgets.append(kwargs.get("timeout"))
        if command[0] == "/hangs/python3":
            raise office.subprocess.TimeoutExpired(command, kwargs["timeout"])
        return real_run(command, **kwargs)

    monkeypatch.setattr(office.subprocess, "run", run)
    assert office.uno_python() == str(pythons["with-uno"])
    assert budgets == [20, 20]


def test_a_driver_gone_before_its_first_request_is_restarted(tmp_path: Path, fake: Fake) -> None:
    a = docx(tmp_path, "a.docx")
    fake.script([{"close_stdin": True, "say": {"ready": True}}] * 2)
    with office.Office() as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a], pdf=False)
    assert str(raised.value).splitlines()[1] == (
        f"  {display_path(a.resolve())}: not laid out: the UNO driver is gone (Broken pipe)")


def test_an_answer_given_before_libreoffice_ended_counts(tmp_path: Path, fake: Fake) -> None:
    a = docx(tmp_path, "a.docx")
    fake.script([READY, {"kill_soffice": True, "say": {"ok": True, "pages": {"_Toc1": 8}}}])
    with office.Office() as warm:
        assert warm.lay_out([a], pdf=False) == {a.resolve(): {"_Toc1": 8}}
    assert len(fake.starts()) == 1


def test_a_libreoffice_closed_by_another_thread_lays_out_nothing(
        tmp_path: Path, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    a = docx(tmp_path, "a.docx")
    warm = office.Office(start=False)
    monkeypatch.setattr(warm, "start", lambda: None)  # closed between start() and its use
    with pytest.raises(PdfError) as raised:
        warm.lay_out([a], pdf=False)
    assert str(raised.value).splitlines()[1] == (
        f"  {display_path(a.resolve())}: not laid out: LibreOffice was stopped")
    warm.close()


def test_a_work_folder_removed_meanwhile_does_not_fail_the_close(fake: Fake) -> None:
    import shutil
    warm = office.Office()
    work = warm._process.work
    shutil.rmtree(work)
    warm.close()
    assert not work.exists()


def test_the_pipe_name_is_had_where_openssl_refuses_md5_for_security(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = office.hashlib.md5

    def fips_md5(data: bytes = b"", *, usedforsecurity: bool = True) -> Any:
        if usedforsecurity:
            raise ValueError("[digital envelope routines] unsupported")
        return real(data, usedforsecurity=False)

    monkeypatch.setattr(office.hashlib, "md5", fips_md5)
    assert office._single_office(Path("/tmp/mo-prof/profile")) == (
        "SingleOfficeIPC_a218198e54f5e3ebcfee836a4e0e3c")


def test_a_start_interrupted_inside_popen_leaves_no_libreoffice(
        tmp_path: Path, fake: Fake, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGTERM inside Popen loses the child's handle: only the watchdog, not told
    "done", can end it, and does before the error reaches the caller."""
    real_start = office.guard.start_group
    lost: list[int] = []

    def interrupted(command: list[str], watchdog: int, **popen: Any) -> Any:
        process = real_start(command, watchdog, **popen)
        lost.append(process.pid)
        raise KeyboardInterrupt  # as the SIGTERM handler's exception would

    monkeypatch.setattr(office.guard, "start_group", interrupted)
    with pytest.raises(KeyboardInterrupt):
        office.Office()
    assert not office.guard.groups_run(lost)


def test_a_libreoffice_that_never_says_ready_is_given_up_on(tmp_path: Path, fake: Fake) -> None:
    a = docx(tmp_path, "a.docx")
    fake.script([{"hang": True}, {"hang": True}])
    with office.Office(timeout=0.5) as warm, pytest.raises(PdfError) as raised:
        warm.lay_out([a], pdf=False)
    assert str(raised.value).splitlines()[1] == (
        f"  {display_path(a.resolve())}: not laid out: LibreOffice did not answer within 0.5 s")
    assert len(fake.starts()) == 2
