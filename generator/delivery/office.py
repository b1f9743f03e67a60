"""A warm LibreOffice: one process lays out every document of a build or a watch session.

The cold batch (generator/delivery/pdf.py) starts LibreOffice for each run with a
Basic macro; that start (and Writer's first load) costs about a second each time.
Here one LibreOffice is started, listening on a named pipe (a socket only this user
may open: no network port), and driven through its UNO interface document by document,
so that
`interim watch` pays the start once per session and `interim build` starts it while
the documents are still being written.

Why Debian's ``python3-uno`` and a driver process, not unoserver: the ``uno`` module
is part of LibreOffice and importable only by the Python LibreOffice was built for
(Debian's ``/usr/bin/python3``), never by the project's virtual environment; unoserver
from PyPI needs that very module too and adds a server and an XML-RPC port to it. So
:mod:`generator.delivery.uno_driver` runs under that Python as a child process, and
this module talks to it over its standard input and output, one JSON line each way.
Without such a Python (or LibreOffice), :func:`lay_out` and :func:`export_pdfs` fall
back to the cold batch.

What it guarantees:

- The profile and LibreOffice's temporary files live in a private work folder of
  generator.delivery.workdirs (``interim-pdf-<pid>-...``, as the cold batch's), so its
  stale-folder cleanup covers ours too.
- LibreOffice and the driver run in their own process groups, registered with the
  cold batch's watchdog (pdf.py), which kills both groups and removes the folder and
  the pipe's socket when this process ends without closing them: on Ctrl-C, SIGTERM,
  an exception and also kill -9.
- A LibreOffice that crashes or hangs (no answer within ``timeout`` seconds for one
  document) is killed and restarted once per call; a second failure raises
  :class:`~generator.delivery.pdf.PdfError` naming the documents left, and the
  build writes them without page numbers and says so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import select
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from generator.delivery import guard, workdirs
from generator.delivery import pdf as cold
from generator.delivery.pdf import (
    _IMPORT_FILTERS,
    Pages,
    PdfError,
    _install,
    _is_whole_pdf,
    _targets,
    _watchdog,
    document_date,
    find_soffice,
    pin_pdf,
)
from generator.delivery.pdf_profile import write_profile
from generator.errors import display_path

DRIVER = Path(__file__).with_name("uno_driver.py")
_UNO_PYTHONS = ("/usr/bin/python3",
                "/Applications/LibreOffice.app/Contents/Resources/python")
_SOCKET_FOLDER = Path("/tmp")
"""Where LibreOffice puts a named pipe's socket (OSL_PIPE_<uid>_<name>), whatever TMPDIR says."""
DOCUMENT_TIMEOUT = 120.0
"""Seconds one document (its start included for the first) may take before LibreOffice
counts as hung."""


@functools.cache
def uno_python() -> str | None:
    """An interpreter that can import LibreOffice's ``uno`` module, or None.

    ``INTERIM_UNO_PYTHON`` names one (empty: none, the cold batch is used)."""
    named = os.environ.get("INTERIM_UNO_PYTHON")
    candidates = [named] if named is not None else list(_UNO_PYTHONS)
    for python in filter(None, candidates):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            if subprocess.run([python, "-I", "-c", "import uno"], capture_output=True,
                              timeout=20).returncode == 0:
                return python
    return None


def available() -> bool:
    """Whether a warm LibreOffice can be had here (LibreOffice and a Python with uno)."""
    return find_soffice() is not None and uno_python() is not None


class _Crashed(Exception):
    """LibreOffice or the driver died or stopped answering."""


class _Process:
    """One LibreOffice and its driver, in a private folder, guarded by a watchdog."""

    def __init__(self, soffice: str, python: str):
        self.work = workdirs.make("pdf")  # after removing the folders of killed commands
        self.out = self.work / "out"
        self.started = False
        self._gone_by = 0.0  # the deadline close() sets for ending LibreOffice and the driver
        self._stack = contextlib.ExitStack()
        try:
            self._start(soffice, python)
        except BaseException as failed:
            self.close(failed)
            raise

    def _start(self, soffice: str, python: str) -> None:
        profile = self.work / "profile"
        write_profile(profile, soffice=soffice)
        self.out.mkdir()
        (self.work / "tmp").mkdir()
        name = f"interim-{os.getpid()}-{secrets.token_hex(8)}"
        self.sockets = [_SOCKET_FOLDER / f"OSL_PIPE_{os.getuid()}_{name}",
                        _SOCKET_FOLDER / f"OSL_PIPE_{os.getuid()}_{_single_office(profile)}"]
        watchdog = self._stack.enter_context(_watchdog(self.work, *self.sockets))
        self._stack.callback(self._remove_files)
        env = {**os.environ, "TZ": "UTC", "TMPDIR": str(self.work / "tmp")}
        self.soffice = guard.start_group(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
             "--nologo", "--nodefault", "--norestore", "--nolockcheck",
             f"--accept=pipe,name={name};urp;StarOffice.ComponentContext"], watchdog,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, umask=0o077)  # the pipe's socket: only this user may connect to it
        self._stack.callback(self._end, self.soffice)
        self.driver: subprocess.Popen[bytes] = guard.start_group(
            [python, "-I", str(DRIVER), name], watchdog, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._stack.callback(self._end, self.driver)

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The driver's answer to one request; _Crashed when none comes within `timeout`."""
        if not self.started:
            ready = self._answer(timeout)
            if not ready.get("ready"):
                raise _Crashed(f"LibreOffice did not start: {ready.get('error', '?')}")
            self.started = True
        assert self.driver.stdin is not None
        try:
            self.driver.stdin.write(json.dumps(request).encode() + b"\n")
            self.driver.stdin.flush()
        except OSError as error:
            raise _Crashed(f"the UNO driver is gone ({error.strerror or error})") from error
        answer = self._answer(timeout)
        if not answer.get("ok") and self.soffice.poll() is not None:
            raise _Crashed(f"LibreOffice ended (exit code {self.soffice.returncode})")
        return answer

    def _answer(self, timeout: float) -> dict[str, Any]:
        stream: IO[bytes] | None = self.driver.stdout
        assert stream is not None
        ready, _, _ = select.select([stream], [], [], timeout)
        if not ready:
            raise _Crashed(f"LibreOffice did not answer within {timeout:g} s")
        line = stream.readline()
        if not line:
            code = self.soffice.poll()
            raise _Crashed("LibreOffice ended" + (f" (exit code {code})" if code else ""))
        try:
            answer: dict[str, Any] = json.loads(line)
        except ValueError as error:
            raise _Crashed(f"the UNO driver said {line[:200]!r}") from error
        return answer

    def close(self, failed: BaseException | None = None) -> None:
        """Stop LibreOffice and the driver, remove the folder; the watchdog stands down,
        unless the start `failed`: a SIGTERM inside Popen leaves a LibreOffice whose handle
        we never got, which only the watchdog (told its group by the child) can end."""
        self._gone_by = time.monotonic() + guard.GONE_WITHIN  # one allowance for both
        if failed is None:
            self._stack.close()
        else:
            self._stack.__exit__(type(failed), failed, failed.__traceback__)

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        """Kill the process's whole group and wait until none of it runs (by the deadline
        close() set), so that nothing writes into the folder after it is removed."""
        guard.end_process(process, self._gone_by)

    def _remove_files(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        for socket in self.sockets:
            socket.unlink(missing_ok=True)


def _single_office(profile: Path) -> str:
    """The name of the pipe LibreOffice opens to stay a single instance per profile: MD5 of
    the profile's URL in UTF-16, each byte in hex without padding (LibreOffice's
    desktop/source/app/officeipcthread.cxx). A kill -9 leaves its socket behind."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    return "SingleOfficeIPC_" + "".join(f"{byte:x}" for byte in digest)


class Office:
    """One warm LibreOffice for a whole build or watch session; a context manager.

    It starts in the background at construction (or at :meth:`start`, with
    ``start=False``: a build starts it once a document needs it), so a build can write its
    documents meanwhile; the first document waits for it.
    """

    def __init__(self, *, timeout: float = DOCUMENT_TIMEOUT, start: bool = True):
        soffice, python = find_soffice(), uno_python()
        if soffice is None or python is None:
            raise PdfError("a warm LibreOffice needs LibreOffice and a Python with its uno "
                           "module (Debian: `sudo apt-get install python3-uno`); "
                           + cold.INSTALL_HINT)
        self._soffice, self._python = soffice, python
        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(workdirs.term_as_exit())
        self._process: _Process | None = None
        self._closed = False
        if start:
            try:
                self.start()
            except BaseException:
                self._stack.close()
                raise

    def start(self) -> None:
        """Start LibreOffice in the background, unless it runs already."""
        if self._closed:
            raise PdfError("LibreOffice was stopped (the command is ending)")
        if self._process is None:
            self._process = _Process(self._soffice, self._python)

    @property
    def started(self) -> bool:
        return self._process is not None

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End LibreOffice (waiting until it is gone) and remove its folder; a document
        asked for later (by another thread) is refused, not laid out in a new one."""
        self._closed = True
        if self._process is not None:
            self._process.close()
            self._process = None
        self._stack.close()

    def lay_out(self, docx_files: Sequence[Path], *, pdf: bool,
                update_indexes: bool = True, pages: bool = True) -> dict[Path, Pages]:
        """As pdf.lay_out, in this LibreOffice: the heading pages of each document (when
        `pages`), and its PDF next to it (when `pdf`). Failures raise PdfError, naming each
        document; the ones that went well have their PDF and pages all the same."""
        sources = list(dict.fromkeys(Path(p).resolve() for p in docx_files))
        absent = [p for p in sources if not p.is_file()]
        if absent:
            names = ", ".join(display_path(p) for p in absent)
            raise PdfError(f"cannot lay out, no such file: {names}", _targets(absent))
        found: dict[Path, Pages] = {}
        failures: dict[Path, str] = {}
        restarted = False
        for index, src in enumerate(sources):
            try:
                why = self._one(index, src, found, pdf=pdf, update=update_indexes, pages=pages)
            except _Crashed as crash:
                if restarted:
                    failures.update({s: f"not laid out: {crash}" for s in sources[index:]})
                    raise PdfError(_headline(failures, len(sources), crashed=True),
                                   _targets(list(failures))) from None
                restarted = True
                self.restart()
                try:
                    why = self._one(index, src, found, pdf=pdf, update=update_indexes,
                                    pages=pages)
                except _Crashed as again:
                    failures.update({s: f"not laid out: {again}" for s in sources[index:]})
                    raise PdfError(_headline(failures, len(sources), crashed=True),
                                   _targets(list(failures))) from None
            if why:
                failures[src] = why
        if failures:
            raise PdfError(_headline(failures, len(sources), crashed=False),
                           _targets(list(failures)))
        return found

    def restart(self) -> None:
        """A new LibreOffice in a new folder, the old one killed and removed."""
        if self._process is not None:
            self._process.close()
        self._process = None
        self.start()

    def _one(self, index: int, src: Path, found: dict[Path, Pages], *, pdf: bool,
             update: bool, pages: bool) -> str:
        """One document through the driver; its failure's reason, or "" when it went well."""
        self.start()
        process = self._process
        if process is None:  # closed meanwhile by another thread
            raise _Crashed("LibreOffice was stopped")
        out = process.out / f"{index}.pdf"
        out.unlink(missing_ok=True)
        answer = process.ask({
            "source": src.as_uri(), "filter": _IMPORT_FILTERS.get(src.suffix.lower(), ""),
            "update": update, "pages": pages, "pdf": out.as_uri() if pdf else "",
        }, self.timeout)
        if not answer.get("ok"):
            error = str(answer.get("error") or "LibreOffice reported an error")
            return error + (" (is it a valid Word document?)" if "open" in error else "")
        found[src] = {str(k): int(v) for k, v in dict(answer.get("pages") or {}).items()}
        if not pdf:
            return ""
        if not _is_whole_pdf(out):
            return "LibreOffice reported success but wrote no PDF"
        try:
            _install(pin_pdf(out.read_bytes(), document_date(src)), src.with_suffix(".pdf"))
        except OSError as error:
            return f"cannot write the PDF: {error.strerror or error}"
        return ""


def _headline(failures: dict[Path, str], total: int, *, crashed: bool) -> str:
    count = f"{len(failures)} of {total} document(s)"
    head = (f"LibreOffice failed twice (restarted once); {count} not laid out" if crashed
            else f"LibreOffice did not lay out {count}")
    return head + ":\n" + "\n".join(f"  {display_path(s)}: {why}" for s, why in failures.items())


def lay_out(docx_files: Sequence[Path], *, pdf: bool, office: Office | None = None
            ) -> dict[Path, Pages]:
    """The layout pass in `office` (or a warm LibreOffice of its own), else the cold batch."""
    if office is not None:
        return office.lay_out(docx_files, pdf=pdf)
    if not available():
        return cold.lay_out(docx_files, pdf=pdf)
    with Office() as own:
        return own.lay_out(docx_files, pdf=pdf)


def export_pdfs(docx_files: Sequence[Path], *, office: Office | None = None) -> list[Path]:
    """PDFs of `docx_files` (indexes updated) in `office`, else as pdf.export_pdfs does."""
    if office is None:
        return cold.export_pdfs(docx_files)
    office.lay_out(docx_files, pdf=True, pages=False)
    return _targets(docx_files)


def start_if_available(wanted: bool, *, now: bool = True) -> Office | None:
    """A warm LibreOffice starting now (or at its :meth:`Office.start`, when not `now`),
    when `wanted` and possible; None otherwise (the cold batch then serves), also when it
    cannot even start."""
    if not wanted or not available():
        return None
    try:
        return Office(start=now)
    except (PdfError, OSError):
        return None
