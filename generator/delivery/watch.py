"""`interim watch`: rebuild on every save and show the pages in a live preview.

The loop: build the chosen documents of one assignment, lay out only those whose bytes
changed (one warm LibreOffice for the whole session, generator.delivery.office; the
cold batch where it cannot be had), fill their contents pages, write them under
OUT/<id>/ as `interim build` does, and draw their pages (``pdftoppm``) for the preview
(generator.delivery.preview). Then wait for a save (watchfiles: the assignment's
folder, the firm's templates, the built-in templates; firm.yaml, the brand template and
the logo are looked at every half second, which also catches editors that save by
renaming a new file over the old). A build that fails says its located errors and keeps
the last good pages on screen, under the error.

Everything the session makes lives in one private folder, removed at the end, also
when the command is killed (the cold batch's watchdog removes it then).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.bundled import template_root
from generator.delivery.build import Builder, finish_layout, write_document
from generator.delivery.office import Office, available
from generator.delivery.pdf import PdfError, _watchdog, find_soffice
from generator.delivery.planning import Job, plan
from generator.delivery.preview import Page, PreviewServer, PreviewState
from generator.errors import Diagnostic, GeneratorError, display_path
from generator.source.project import FIRM_FILE, Project, load_assignment, load_firm

RESOLUTION = 72
"""Dots per inch of the page pictures: an A4 page is 595 × 842 pixels."""
LOOK_SECONDS = 0.5
"""How often the firm's single files are looked at (and a stop is noticed)."""


@dataclass
class Watcher:
    """One watch session over one assignment: what it builds and where it says things."""

    project: Project
    assignment: str
    kinds: Sequence[str] = ()
    out_dir: Path = Path("build")
    draft: bool = False
    echo: Callable[[str], None] = print
    error: Callable[[str], None] = print
    warn: Callable[[Diagnostic], None] = lambda _: None
    office: Office | None = None
    folder: Path = Path()
    state: PreviewState | None = None
    _built: dict[str, bytes] = field(default_factory=dict)
    _generation: int = 0
    _brand: Path = Path()
    _drawn: dict[str, Path] = field(default_factory=dict)
    """Page pictures drawn already, by a digest of their pixels: a save changes a page or
    two, and the others are linked, not encoded again."""

    def rebuild(self) -> None:
        """Build, lay out what changed, publish its pages; errors shown, never raised."""
        assert self.state is not None
        started = time.perf_counter()
        self._generation += 1
        here = self.folder / str(self._generation)
        here.mkdir()
        try:
            failures, changed = self._documents(here)
            shown = self._lay_out(changed, failures)
        except GeneratorError as exc:
            failures, shown = [str(exc)], {}
        self.state.publish(shown, "\n\n".join(failures))
        for message in failures:
            self.error(message)
        took = time.perf_counter() - started
        what = ", ".join(shown) if shown else "nothing changed"
        self.echo(f"{'failed' if failures else 'built'} in {took:.2f} s: {what}")
        self._forget_old()

    def _documents(self, here: Path) -> tuple[list[str], list[tuple[Job, Path, bytes]]]:
        """Each document rendered; those whose bytes changed copied into `here`."""
        firm = load_firm(self.project.root, warn=self.warn)
        builder = Builder(firm, root=self.project.root)  # anew: templates may have changed
        self._brand = builder.converter.reference_doc
        for notice in builder.converter.template.notices():
            self.warn(notice)
        folder = self.project.resolve(self.assignment)
        loaded = load_assignment(folder, firm=firm,
                                 style_exists=builder.converter.template.paragraph_style_for)
        for warning in loaded.warnings:
            self.warn(warning)
        planned = plan(loaded, self.kinds, draft=self.draft)
        failures = [f"{s.where}{s.assignment_id}: cannot build {s.kind}: {s.reason}"
                    for s in planned.skipped if self.kinds]
        for skip in planned.skipped if not self.kinds else ():
            self.echo(str(skip))
        changed: list[tuple[Job, Path, bytes]] = []
        for job in planned.jobs:
            try:
                data = builder.docx(job)
            except GeneratorError as exc:
                failures.append(f"{job.assignment.id}: {job.instance.name}: {exc}")
                continue
            if self._built.get(job.filename) != data:
                copy = here / job.filename
                copy.write_bytes(data)
                changed.append((job, copy, data))
        return failures, changed

    def _lay_out(self, changed: list[tuple[Job, Path, bytes]], failures: list[str]
                 ) -> dict[str, list[Page]]:
        """Pages and PDFs of the changed documents, as `interim build --pdf` makes them
        (build.finish_layout: its caps, its LibreOffice pass); each written out, its pages
        drawn."""
        if not changed:
            return {}
        try:
            finish_layout([copy for _, copy, _ in changed], pdf=True, layout=True,
                          echo=self.echo, brand=self._brand, warn=self.warn, office=self.office)
        except PdfError as exc:
            failures.append(f"{exc}\n(the .docx files are written, without page numbers "
                            "where the layout failed)")
        shown: dict[str, list[Page]] = {}
        for job, copy, data in changed:
            target = write_document(job, self.out_dir, copy.read_bytes())
            self.echo(f"wrote {display_path(target)}")
            if copy.with_suffix(".pdf").is_file():
                shown[job.instance.name] = draw_pages(copy.with_suffix(".pdf"), self.folder,
                                                      self._drawn)
                self._built[job.filename] = data
        return shown

    def _forget_old(self) -> None:
        """Remove the pictures no longer shown (the last generation stays for a page that is
        still loading)."""
        assert self.state is not None
        kept = {str(self._generation), str(self._generation - 1)}
        for document in self.state.snapshot()["documents"]:
            kept.update(page["src"].split("/")[2] for page in document["pages"])
        for old in self.folder.iterdir():
            if old.is_dir() and old.name not in kept:
                shutil.rmtree(old, ignore_errors=True)
        self._drawn = {pixels: png for pixels, png in self._drawn.items() if png.exists()}

    def sources(self) -> tuple[list[Path], list[Path]]:
        """Folders to watch, and single files to look at."""
        root = self.project.root
        folders = [self.project.resolve(self.assignment), template_root()]
        files = [root / FIRM_FILE]
        with contextlib.suppress(GeneratorError):
            firm = load_firm(root, warn=lambda _: None)
            if firm.templates and (root / firm.templates).is_dir():
                folders.append(root / firm.templates)
            files += [root / name for name in (firm.brand_template, firm.logo) if name]
        return folders, files


def draw_pages(pdf: Path, folder: Path, drawn: dict[str, Path] | None = None) -> list[Page]:
    """The PDF's pages as PNG pictures (next to it) with each page's text.

    pdftoppm draws raw pictures and Pillow writes them as PNG with light compression:
    pdftoppm's own PNG output compresses hard and takes most of a rebuild's time. A page
    whose pixels are those of a picture in `drawn` (digest -> PNG) gets a link to it
    instead (encoding is a tenth of a rebuild); `drawn` learns the pictures made."""
    from PIL import Image

    prefix = pdf.with_suffix("")
    drawing = subprocess.Popen(["pdftoppm", "-r", str(RESOLUTION), str(pdf), str(prefix)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reading = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                             capture_output=True, timeout=120)
    _, problem = drawing.communicate(timeout=120)
    for tool, code, said in (("pdftoppm", drawing.returncode, problem),
                             ("pdftotext", reading.returncode, reading.stderr)):
        if code:  # a GeneratorError, which the watch shows and outlives
            raise GeneratorError(f"{tool} could not read {display_path(pdf)}: "
                                 f"{said.decode(errors='replace').strip()}")
    texts = reading.stdout.decode("utf-8", "replace").split("\f")
    pages = []
    raw = sorted(pdf.parent.glob(f"{prefix.name}-*.ppm"),
                 key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    drawn = {} if drawn is None else drawn
    for i, picture in enumerate(raw):
        png = picture.with_suffix(".png")
        pixels = hashlib.sha256(picture.read_bytes()).hexdigest()
        try:
            os.link(drawn[pixels], png)
        except (KeyError, OSError):  # new, or its picture removed with an old generation
            with Image.open(picture) as image:
                image.save(png, compress_level=1)
        drawn[pixels] = png
        picture.unlink()
        pages.append(Page(str(png.relative_to(folder)), texts[i] if i < len(texts) else ""))
    return pages


def _stamps(files: list[Path]) -> list[tuple[int, int] | None]:
    found: list[tuple[int, int] | None] = []
    for path in files:
        try:
            info = path.stat()
            found.append((info.st_mtime_ns, info.st_size))
        except OSError:
            found.append(None)
    return found


def needs() -> None:
    """Refuse to start without what the preview draws pages with, naming the fix."""
    if find_soffice() is None:
        raise GeneratorError("interim watch draws the pages with LibreOffice (soffice), which "
                             "was not found: `sudo apt-get install libreoffice-writer-nogui`")
    missing = [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if missing:
        raise GeneratorError(f"interim watch draws the pages with {' and '.join(missing)}, "
                             "not found: `sudo apt-get install poppler-utils`")


def watch(watcher: Watcher, *, port: int = 0, on_ready: Callable[[str], None] = print,
          stop: threading.Event | None = None) -> None:
    """Serve the preview and rebuild on every change until Ctrl-C (or `stop` is set)."""
    needs()
    watcher.project.resolve(watcher.assignment)  # an unknown assignment stops here
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    # Not one of generator.delivery.workdirs' kinds: their sweep, run by each LibreOffice
    # (re)start, counts this process's own folders as stale. The watchdog removes it if we
    # are killed; should the watchdog be killed too, it stays in the temporary folder.
    folder = Path(tempfile.mkdtemp(prefix=f"interim-watch-{os.getpid()}-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        stack.enter_context(_watchdog(folder))  # removes it if we are killed
        watcher.folder = folder
        watcher.state = PreviewState(folder, watcher.assignment)
        if available():
            watcher.office = stack.enter_context(Office())
        else:
            watcher.echo("note: no Python with LibreOffice's uno module (Debian: "
                         "python3-uno); every rebuild starts LibreOffice anew")
        server = stack.enter_context(PreviewServer(watcher.state, port))
        on_ready(server.url)
        try:
            folders, files = watcher.sources()
            seen: list[tuple[int, int] | None] | None = None
            # The first build waits for the first pass of the loop: by then the folders are
            # watched, so a save made while it builds is seen (it was lost under load).
            for changed in changes(*folders, watch_filter=DefaultFilter(), stop_event=stop,
                                   yield_on_timeout=True, rust_timeout=int(LOOK_SECONDS * 1000),
                                   debounce=400, step=30):
                now = _stamps(files)
                if seen is None or changed or now != seen:
                    seen = now
                    watcher.rebuild()
        except KeyboardInterrupt:
            watcher.echo("stopped")
