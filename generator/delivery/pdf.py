"""Export a batch of .docx files to PDF with one headless LibreOffice run.

Why it is built this way:

- One LibreOffice start per batch: a cold start costs about a second, a warm
  document a fraction of that.
- A throw-away profile per run (``-env:UserInstallation``): runs that share a
  profile (``make -j``, a user's open LibreOffice) silently lose files.
- ``--convert-to pdf`` leaves a table of contents as the placeholder text Word
  wrote; a Basic macro in that profile (see :mod:`generator.delivery.pdf_profile`) updates
  every index before exporting, so the PDF's contents list has real page numbers.
- The layout pass (:func:`lay_out`) uses the same run: the macro also writes the page
  of each heading's ``_Toc`` bookmark, which the build writes into the contents page
  (generator.writer.toc); with ``--pdf`` the PDFs come from that one run too.
- LibreOffice writes into a temporary folder; each PDF that came out whole is
  moved into place with ``os.replace``, so a failed run never leaves a
  half-written PDF, and the previous good PDF stays until a new one replaces it.
- LibreOffice stamps each PDF with the wall clock and an id made from it;
  :func:`pin_pdf` replaces both, byte for byte, with the Word document's own date
  and a digest of the content, so the same .docx gives the same PDF.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO
from zipfile import BadZipFile, ZipFile

from generator.delivery import guard, workdirs
from generator.delivery.pdf_profile import macro_call, write_profile
from generator.errors import GeneratorError, display_path

INSTALL_HINT = (
    "install LibreOffice: `sudo apt-get install libreoffice-writer-nogui` on Debian/Ubuntu, "
    "`brew install --cask libreoffice` on macOS"
)

# Import filters by suffix. Forcing the filter matters: left to detect the type,
# LibreOffice opens a corrupt .docx as plain text and "exports" its bytes.
_IMPORT_FILTERS = {
    ".docx": "MS Word 2007 XML",
    ".docm": "MS Word 2007 XML VBA",
    ".dotx": "MS Word 2007 XML Template",
    ".odt": "writer8",
}

_MACOS_SOFFICE = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
_LOG_TAIL = 600  # characters of LibreOffice's own output quoted in an error


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once: os.umask can only be read by setting it


class PdfError(GeneratorError):
    """LibreOffice is missing, or did not produce some of the PDFs.

    ``missing`` lists the PDFs that were not (re)written; any earlier version of
    them is left untouched.
    """

    def __init__(self, message: str, missing: Sequence[Path] = ()):
        super().__init__(message)
        self.missing = list(missing)


def find_soffice() -> str | None:
    """The LibreOffice executable to run, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if _MACOS_SOFFICE.is_file() and os.access(_MACOS_SOFFICE, os.X_OK):
        return str(_MACOS_SOFFICE)
    return None


Pages = dict[str, int]
"""Page of each `_Toc` bookmark (heading) of a document, as LibreOffice lays it out."""


def export_pdfs(
    docx_files: Sequence[Path], *, timeout: float = 180.0, update_indexes: bool = True
) -> list[Path]:
    """Write ``X.pdf`` next to each ``X.docx`` and return the PDF paths, in input order.

    One LibreOffice process handles the whole batch within ``timeout`` seconds.
    With ``update_indexes`` the tables of contents (and other indexes) are rebuilt
    before export. PDFs that were exported are put in place even when others
    failed; the failures raise :class:`PdfError` naming each source file.
    """
    return _batch(docx_files, timeout=timeout, update_indexes=update_indexes, pdf=True)


def lay_out(
    docx_files: Sequence[Path], *, pdf: bool, timeout: float = 180.0
) -> dict[Path, Pages]:
    """The layout pass: the page of each heading of each document, in one LibreOffice run.

    With ``pdf`` the same run exports the PDFs too (indexes updated, so the PDF's
    contents page shows the very numbers returned here). Failures raise
    :class:`PdfError` as :func:`export_pdfs` does.
    """
    pages: dict[Path, Pages] = {}
    _batch(docx_files, timeout=timeout, update_indexes=True, pdf=pdf, pages=pages)
    return pages


def _batch(
    docx_files: Sequence[Path], *, timeout: float, update_indexes: bool, pdf: bool,
    pages: dict[Path, Pages] | None = None,
) -> list[Path]:
    """One LibreOffice run over the batch: PDFs and/or heading pages (into ``pages``)."""
    sources = [Path(p) for p in docx_files]
    if not sources:
        return []
    absent = [p for p in sources if not p.is_file()]
    if absent:
        names = ", ".join(display_path(p) for p in absent)
        raise PdfError(f"cannot export to PDF, no such file: {names}", _targets(absent))
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(
            "LibreOffice (soffice) is needed to export PDFs but was not found on PATH; "
            + INSTALL_HINT,
            _targets(sources),
        )

    # The same file listed twice is exported once.
    unique = list(dict.fromkeys(p.resolve() for p in sources))
    work = workdirs.make("pdf")  # after removing the folders of killed builds
    try:
        failures, timed_out = _run_batch(soffice, unique, work, timeout, update_indexes,
                                         pdf=pdf, pages=pages)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        # Without PDFs asked for, this was the layout pass: no PDF was missed.
        count = f"{len(failures)} of {len(unique)} " + ("PDF(s)" if pdf else "document(s)")
        headline = (
            f"LibreOffice timed out after {timeout:g} s; {count} not "
            + ("produced" if pdf else "laid out")
            if timed_out
            else f"LibreOffice did not {'produce' if pdf else 'lay out'} {count}"
        )
        lines = [f"  {display_path(src)}: {why}" for src, why in failures.items()]
        raise PdfError(headline + ":\n" + "\n".join(lines), _targets(list(failures)))
    return _targets(sources)


def _targets(sources: Sequence[Path]) -> list[Path]:
    return [p.with_suffix(".pdf") for p in sources]


def _run_batch(
    soffice: str, sources: list[Path], work: Path, timeout: float, update_indexes: bool,
    *, pdf: bool = True, pages: dict[Path, Pages] | None = None,
) -> tuple[dict[Path, str], bool]:
    """Convert in ``work`` and move the good PDFs into place; read the heading pages.

    Returns {source: why it failed} and whether the run hit the timeout.
    """
    profile, out = work / "profile", work / "out"
    out.mkdir()
    (work / "tmp").mkdir()
    write_profile(profile, soffice=soffice)
    jobs = _write_jobs(work / "jobs.txt", sources, out, update_indexes=update_indexes, pdf=pdf,
                       pages=pages is not None)
    macro, macro_env = macro_call(jobs)
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        macro,
    ]
    log = work / "soffice.log"
    with log.open("wb") as log_file:
        exit_code, timed_out = _run(command, log_file, timeout, work, macro_env)

    status = _read_status(jobs.with_name(jobs.name + ".status"))
    failures: dict[Path, str] = {}
    for i, src in enumerate(sources):
        result = status.get(str(i))
        exported = out / f"{i}.pdf"
        if result == "ok" and pages is not None:
            pages[src] = _read_pages(out / f"{i}.pages")
        if result == "ok" and not pdf:
            continue
        if result == "ok" and _is_whole_pdf(exported):
            try:
                _install(pin_pdf(exported.read_bytes(), document_date(src)),
                         src.with_suffix(".pdf"))
            except OSError as error:
                failures[src] = f"cannot write the PDF: {error.strerror or error}"
        elif result == "ok":
            failures[src] = "LibreOffice reported success but wrote no PDF"
        elif result is not None:
            failures[src] = result + _hint_for(result)
        elif timed_out:
            failures[src] = f"not exported within the {timeout:g} s timeout"
        else:
            tail = log.read_text(encoding="utf-8", errors="replace").strip()[-_LOG_TAIL:]
            fatal = status.get("fatal")
            failures[src] = (
                f"LibreOffice stopped before exporting it (exit code {exit_code})"
                + (f"; macro error: {fatal}" if fatal else "")
                + (f"; output: {tail}" if tail else "")
            )
    return failures, timed_out


def _write_jobs(jobs: Path, sources: list[Path], out: Path, *, update_indexes: bool, pdf: bool,
                pages: bool) -> Path:
    """The macro's jobs file (see generator.delivery.pdf_profile): one line per document."""
    flag = "1" if update_indexes else "0"
    # URLs are percent-encoded ASCII, so no tab or newline can break a line.
    jobs.write_text(
        "".join(
            f"{i}\t{flag}\t{_IMPORT_FILTERS.get(src.suffix.lower(), '')}\t"
            f"{src.as_uri()}\t{(out / f'{i}.pdf').as_uri() if pdf else ''}"
            f"{chr(9) + (out / f'{i}.pages').as_uri() if pages else ''}\n"
            for i, src in enumerate(sources)
        ),
        encoding="ascii",
        newline="\n",
    )
    return jobs


def _run(command: list[str], log_file: BinaryIO, timeout: float, work: Path,
         extra_env: dict[str, str]) -> tuple[int | None, bool]:
    """Run LibreOffice in its own process group, killing the whole group on timeout,
    on an exception or SIGTERM, and (through a watchdog started first) when this process
    itself is killed."""
    with workdirs.term_as_exit(), _watchdog(work) as watchdog_fd:
        process = guard.start_group(
            command, watchdog_fd,
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
            # Dates as D:...Z', the form pin_pdf rewrites; LibreOffice's own temporary
            # files inside the work folder, so that they go with it.
            env={**os.environ, **extra_env, "TZ": "UTC", "TMPDIR": str(work / "tmp")},
        )
        try:
            return process.wait(timeout=timeout), False
        except subprocess.TimeoutExpired:
            guard.end_process(process, time.monotonic() + guard.GONE_WITHIN)
            return None, True
        except BaseException:  # Ctrl-C, SIGTERM: leave no LibreOffice behind
            guard.end_process(process, time.monotonic() + guard.GONE_WITHIN)
            raise


@contextlib.contextmanager
def _watchdog(work: Path, *also: Path) -> Iterator[int]:
    """A small process that outlives this one, waiting on a pipe only we (and, until it
    execs, LibreOffice's launcher) write to; yields the pipe's writing end. The launcher
    writes its process group there before it starts; unless we end normally and say
    "done", the watchdog kills that group and removes the work folder with its profile,
    also when we were killed (even by SIGKILL) or stopped in the middle of starting it.
    Files in `also` (a warm LibreOffice's pipe socket, generator.delivery.office) go too."""
    read_end, write_end = os.pipe()
    try:
        watchdog = subprocess.Popen(  # generator.delivery.guard.watch, run as a script
            [sys.executable, "-I", "-S", guard.__file__, str(work), *map(str, also)],
            stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # not in LibreOffice's group, nor killed with ours
        )
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    ended = False
    try:
        yield write_end
        ended = True
    finally:
        if ended:
            with contextlib.suppress(OSError):
                os.write(write_end, b"done\n")
        os.close(write_end)
        watchdog.wait()


def _read_status(path: Path) -> dict[str, str]:
    """Parse the macro's status file: job id -> "ok" or the error message."""
    if not path.exists():
        return {}
    status: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, rest = line.partition("\t")
        if rest.startswith("error\t"):
            rest = rest.removeprefix("error\t").strip() or "LibreOffice reported an error"
        status[key] = rest
    return status


def _read_pages(path: Path) -> Pages:
    """The macro's "bookmark<TAB>page" lines; nothing when it wrote none."""
    found: Pages = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            name, _, page = line.partition("\t")
            if page.strip().isdigit():
                found[name] = int(page)
    return found


def _hint_for(error: str) -> str:
    if "could not open" in error:
        return " (is it a valid Word document?)"
    return ""


def _is_whole_pdf(pdf: Path) -> bool:
    try:
        with pdf.open("rb") as f:
            return f.read(5) == b"%PDF-"
    except OSError:
        return False


def _install(data: bytes, target: Path) -> None:
    """Write ``data`` at ``target`` atomically: a reader sees the old PDF or the new one."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as dst:
            dst.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide the PDF from others
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")
_PDF_DATE = re.compile(rb"/CreationDate\(D:(\d{14})Z'\)")
_PDF_ID = re.compile(rb"/ID \[ <([0-9A-F]{32})>\s*<([0-9A-F]{32})> \]")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")


def document_date(docx: Path) -> datetime.datetime | None:
    """The Word document's creation time (core properties), which the PDF should carry."""
    try:
        with ZipFile(docx) as package:
            found = _CREATED.search(package.read("docProps/core.xml"))
        if found:
            moment = datetime.datetime.fromisoformat(found.group(1).decode().replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    except (OSError, KeyError, BadZipFile, ValueError):
        pass
    return None


def pin_pdf(data: bytes, moment: datetime.datetime | None) -> bytes:
    """The PDF with its creation date set to ``moment`` and its id made from its content.

    Every replacement keeps the byte length, so the PDF's cross-reference offsets hold.
    """
    pinned = bytearray(data)
    if moment is not None:
        utc = moment.astimezone(datetime.UTC) if moment.tzinfo else moment
        stamp = f"{utc.year:04d}{utc:%m%d%H%M%S}".encode()  # 14 digits: the length holds
        for found in _PDF_DATE.finditer(data):
            pinned[found.start(1):found.end(1)] = stamp
    spans = [m.span(g) for rx in (_PDF_ID, _PDF_CHECKSUM) for m in rx.finditer(data)
             for g in range(1, rx.groups + 1)]
    for start, end in spans:
        pinned[start:end] = b"0" * (end - start)
    digest = hashlib.md5(pinned, usedforsecurity=False).hexdigest().upper().encode()
    for start, end in spans:
        pinned[start:end] = digest
    return bytes(pinned)
