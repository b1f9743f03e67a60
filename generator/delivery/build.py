"""Building documents: validated model -> Markdown per document -> .docx, written atomically.

One `Builder` serves a whole run: templates (per language) and the brand
template are parsed once and reused for every document of every assignment.
Dates printed on documents never come from the wall clock, so the same
sources give the same bytes.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.delivery.issuing import check_issued
from generator.delivery.parallel import WorkerDied, available_cores, run
from generator.delivery.planning import Job, Skipped, named_job, plan
from generator.delivery.properties import document_meta
from generator.delivery.stamps import document_stamp, git_stamp
from generator.documents.printing import count_sections, template_helpers
from generator.documents.sandbox import Budget
from generator.documents.templating import (
    Md,
    Wording,
    load_wording,
    make_environment,
    preload,
    render,
)
from generator.documents.timeline import Marker, draw_timeline
from generator.documents.timeline.chart import draw_chart
from generator.errors import (
    Diagnostic,
    GeneratorError,
    Level,
    Location,
    SourceError,
    display_path,
)
from generator.source import history
from generator.source.files import MAX_BRAND_BYTES, read_inside
from generator.source.firm import Firm
from generator.source.model import Assignment
from generator.source.project import (
    Loaded,
    Project,
    firm_location,
    load_assignment,
    load_firm,
)
from generator.writer.brand import Template
from generator.writer.converter import (
    Converter,
    DocumentMeta,
    clean_stale_temporaries,
    load_brand,
    write_atomic,
)
from generator.writer.package import source_date_epoch

if TYPE_CHECKING:
    from generator.delivery.office import Office

TIMELINE_WIDTH_PX = 1250
"""At the picture's 200 dpi this is the A4 text width: printed at its natural size."""
ONE_PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")
"""What stands for the timeline where only a document's text is read (an issued version
checked again): drawing it is most of a document's rendering time."""


class Builder:
    """Renders and writes documents; holds what is costly to set up, for a whole run."""

    def __init__(self, firm: Firm, *, root: Path, reference_doc: Path | None = None):
        self.firm = firm
        self.root = root
        self.converter = Converter(reference_doc) if reference_doc else Converter(
            template=load_brand(root, firm.brand_template, firm_location(root, "brand_template")))
        self.firm_templates = root / firm.templates if firm.templates else None
        self.logo: dict[str, bytes] = {}
        if firm.logo:
            _, data = read_inside(root, firm.logo, max_bytes=MAX_BRAND_BYTES, what="logo",
                                  folder="the repository")  # checked by load_firm
            self.logo = {f"firm-logo{Path(firm.logo).suffix.lower()}": data}
        self._environments: dict[str, Any] = {}
        self._wordings: dict[str, Wording] = {}
        self._timelines: dict[str, bytes] = {}
        self.numbered: Callable[[bytes], bytes] | None = None
        """Numbers a written document's contents page when its pages are known already
        (generator.delivery.layout_pass.numbered_from_cache), set for a layout pass."""

    def wording(self, language: str) -> Wording:
        """The terms and formatting of a language, loaded once per run."""
        if language not in self._wordings:
            self._wordings[language] = load_wording(language, self.firm_templates)
        return self._wordings[language]

    def environment(self, language: str) -> Any:
        if language not in self._environments:
            self._environments[language] = make_environment(
                language, self.firm_templates, self.wording(language))
        return self._environments[language]

    def markdown(self, job: Job, *, pictures: bool = True
                 ) -> tuple[str, DocumentMeta, dict[str, bytes]]:
        """The document as Markdown, with its metadata and generated pictures (`pictures`
        False: a one-pixel stand-in for the timeline, for a reader of the text alone)."""
        stamp = document_stamp(job)
        a = stamp.known
        env = self.environment(a.language)
        wording = self.wording(a.language)
        terms, fmt = wording.terms, wording.fmt
        occasion = ""  # the moment a dated kind reports on (a progress report's evaluation)
        if job.kind.dated:
            occasion = fmt.date(history.defining_date(a, job.kind.id, job.instance.subject))
        doc = {
            "title": wording.title(job.kind.id),
            "occasion": occasion,
            "kind": job.kind.id,
            "memo": job.kind.memo,
            "version": stamp.version,
            "date": stamp.date,
            "date_text": fmt.date(stamp.date),
            "draft": job.draft or _submitted(job, a),
            "history": history.table(a, job.kind.id, job.instance.subject, stamp.version,
                                     stamp.date, draft=job.draft),
        }
        firm = self.firm.for_language(a.language)  # its name as this language writes it
        context = {
            "a": a, "firm": firm, "doc": doc, "logo": next(iter(self.logo), None),
            "applied": stamp.applied, **template_helpers(a, wording),
            "trail": functools.partial(history.trail, stamp.applied),
            **job.kind.context(a, job.instance), **job.kind.offering(a, self.firm),
        }
        budget = Budget()  # one operation budget for the document's two renderings
        body = render(env, job.kind.template, context, budget)
        markdown = render(env, "document.md.j2", {**context, "body": Md(body),
                                                   "toc": count_sections(body) > 3}, budget)
        images = self._pictures(job, a, wording, context.get("charts", ()), pictures)
        return markdown, document_meta(job, stamp, doc, markdown, terms, firm), images

    def _pictures(self, job: Job, a: Assignment, wording: Wording, charts: Any,
                  pictures: bool) -> dict[str, bytes]:
        """The logo, the timeline and the results charts (one-pixel stand-ins when the text
        alone is read)."""
        images = dict(self.logo)
        if job.kind.timeline:
            images["timeline.png"] = self.timeline(a, wording) if pictures else ONE_PIXEL_PNG
        fmt = wording.fmt
        legend = {k: str(v) for k, v in wording.terms.progress.chart.items()}
        for chart in charts:  # results over time, per numeric objective
            images[chart.name] = draw_chart(chart, number=fmt.number, legend=legend,
                                            month_names=fmt.month_names()) \
                if pictures else ONE_PIXEL_PNG
        return images

    def timeline(self, a: Assignment, wording: Wording) -> bytes:
        """The plan's picture, drawn once per plan: the action plan shows the baseline, the
        handbook the plan as amended; documents showing the same plan share one drawing."""
        assert a.analysis is not None
        terms = wording.terms
        markers = [Marker(m.due, m.id, "milestone") for m in a.analysis.milestones]
        markers += [Marker(e.date, terms.timeline.evaluation,
                           "final" if e.kind == "final" else "evaluation")
                    for e in a.analysis.evaluations]
        handover = a.intake.exit_plan.window() if a.intake.exit_plan else None
        if handover:
            markers.append(Marker(handover.start, terms.timeline.handover, "handover"))
        key = repr((a.id, a.language, a.period, markers))
        if key not in self._timelines:
            legend = {k: str(v) for k, v in terms.timeline.legend.items()}
            self._timelines[key] = draw_timeline(
                a.period.start, a.period.end, markers, month_names=wording.fmt.month_names(),
                legend=legend, width_px=TIMELINE_WIDTH_PX)
        return self._timelines[key]

    def docx(self, job: Job, *, pictures: bool = True) -> bytes:
        markdown, meta, images = self.markdown(job, pictures=pictures)
        return self.converter.convert(markdown, meta, base_dir=job.loaded.folder, images=images)

    def document(self, loaded: Loaded, kind: str, *, as_of: datetime.date | None = None,
                 name: str | None = None, draft: bool = False) -> bytes:
        """One document of one assignment as it stood on `as_of` (None: as the sources stand).

        `name` picks a progress report (`progress-2027-02-19`); with `history.versions`
        this renders any version of a document: `as_of=version.date`.
        """
        return self.docx(named_job(loaded, name or kind, draft=draft, as_of=as_of))

    def prepare(self, jobs: Iterable[Job], *, per_assignment: bool) -> None:
        """Set up what documents share before workers fork, so it is done once.

        Templates always; unless each assignment stays with one worker, also each
        assignment's commit and timeline picture, which its documents share.
        """
        for job in jobs:
            # Whatever fails here fails again, with its own message, in the documents that
            # need it, and only there: one broken terms.yaml must not stop other languages.
            with contextlib.suppress(Exception):
                language = job.assignment.language
                if language not in self._environments:
                    preload(self.environment(language))
                if not per_assignment:
                    git_stamp(job.loaded.folder)
                    if job.kind.timeline:
                        self.timeline(document_stamp(job).known, self.wording(language))

    def attempt(self, job: Job, out_dir: Path) -> Path | Failure:
        """Write one document; a failure is returned, not raised, so a worker can send it."""
        where = f"{job.assignment.id}: {job.instance.name}"
        try:
            return self.write(job, out_dir)
        except GeneratorError as exc:
            return Failure(f"{where}: {exc}")
        except Exception as exc:  # a bug must not cost the other documents
            return Failure(f"{where}: internal error: {type(exc).__name__}: {exc} "
                           "(a bug in interim; please report it)")

    def write(self, job: Job, out_dir: Path) -> Path:
        """Write one document atomically under `out_dir/<id>/`; a failure keeps the old file."""
        data = self.docx(job)
        return write_document(job, out_dir, self.numbered(data) if self.numbered else data)


def write_document(job: Job, out_dir: Path, data: bytes) -> Path:
    """Write a document's bytes atomically under `out_dir/<id>/`; a failure keeps the old file."""
    folder = job.folder(out_dir)
    target = folder / job.filename
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(folder)
        write_atomic(target, data)
    except OSError as exc:
        raise GeneratorError(f"cannot write {display_path(target)}: "
                             f"{exc.strerror or exc}") from exc
    return target


def _submitted(job: Job, known: Assignment) -> bool:
    """An action plan dated before its acceptance is the version submitted for acceptance."""
    return job.kind.id == "action-plan" and not (known.analysis and known.analysis.acceptance)


@dataclass(frozen=True)
class Failure:
    """A document that could not be written, and the full message saying why."""

    message: str


@dataclass
class BuildReport:
    """What a run wrote, skipped (not yet allowed) and failed on, each failure a full message."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def build_all(project: Project, names: Iterable[str], only: Iterable[str] = (), *,
              out_dir: Path, draft: bool = False, pdf: bool = False,
              layout: bool | None = None,
              skip_unavailable: bool = False,
              echo: Callable[[str], None] = lambda _: None,
              error: Callable[[str], None] = lambda _: None,
              progress: Callable[[int, int], None] = lambda done, total: None,
              warn: Callable[[Diagnostic], None] = lambda _: None,
              workers: int = 0, as_of: datetime.date | None = None) -> BuildReport:
    """Build every allowed document of the named assignments (all when none are named).

    A document asked for by `only` that its phase does not allow is a failure (unless
    `skip_unavailable`); without `only`, documents not yet allowed are skipped with the
    reason. One failure does not stop the others; nothing is written for a failed document.
    Documents are written by `workers` processes (0: one per core; generator.delivery.parallel).
    With `as_of`, each document as it stood on that date, under `OUT/<id>/as-of-<D>/`.
    `layout` (None: if LibreOffice is installed): number contents pages (finish_layout).
    `echo` says what was done (a quiet run drops it), `error` what failed (always said).
    """
    source_date_epoch()  # a malformed one stops the run here, once, not per document
    workers = workers or available_cores()  # and so does a malformed INTERIM_JOBS
    firm = load_firm(project.root, warn=warn)
    run_ = _Run(BuildReport(), echo, error, warn, progress,
                functools.cache(lambda: Builder(firm, root=project.root)))
    jobs = _planned_jobs(project, names, list(only), run_, draft=draft, as_of=as_of,
                         skip_unavailable=skip_unavailable, firm=firm)
    if not jobs:
        return run_.report
    builder = run_.builder()
    for notice in builder.converter.template.notices():  # once per run, not per document
        warn(notice)
    # One warm LibreOffice for the whole run, started as soon as a written document needs it.
    from generator.delivery.office import start_if_available

    with contextlib.ExitStack() as stack:
        office = start_if_available(bool(pdf or layout_wanted(layout)), now=False)
        if office is not None:
            from generator.delivery import layout_pass
            from generator.delivery.layout_cache import PageCache

            stack.enter_context(office)
            run_.landed = functools.partial(layout_pass.landed, pdf=pdf, office=office)
            if not pdf and layout_wanted(layout):
                builder.numbered = functools.partial(layout_pass.numbered_from_cache,
                                                     cache=PageCache.for_user())
        _write_jobs(builder, jobs, out_dir, workers, run_)
        if run_.report.written:
            for path in finish_layout(run_.report.written, pdf=pdf, layout=layout, echo=echo,
                                      brand=builder.converter.reference_doc, warn=warn,
                                      office=office):
                echo(f"wrote {display_path(path)} ({_size(path)})")
    return run_.report


def export_built(project: Project, names: Iterable[str], *, out_dir: Path,
                 echo: Callable[[str], None] = lambda _: None,
                 error: Callable[[str], None] = lambda _: None,
                 warn: Callable[[Diagnostic], None] = lambda _: None) -> BuildReport:
    """`interim pdf`: the PDF of each document `build_all` wrote under `out_dir`, exported
    from that .docx (none is rendered or written again; `make pdf` after `make all`).
    A document the assignment's phase allows but that was not built is a failure."""
    firm = load_firm(project.root, warn=warn)
    run_ = _Run(BuildReport(), echo, error, warn, lambda done, total: None,
                functools.cache(lambda: Builder(firm, root=project.root)))
    jobs = _planned_jobs(project, names, [], run_, draft=False, as_of=None,
                         skip_unavailable=True, firm=firm)
    built = []
    for job in jobs:
        path = job.folder(out_dir) / job.filename
        if path.is_file():
            built.append(path)
        else:
            run_.fail(f"{job.assignment.id}: {display_path(path)} is not built: run "
                      f"`interim build {job.assignment.id} --out {display_path(out_dir)}` first")
    if built:
        for path in finish_layout(built, pdf=True, layout=False, echo=echo, warn=warn,
                                  brand=run_.builder().converter.reference_doc):
            run_.report.written.append(path)
            echo(f"wrote {display_path(path)} ({_size(path)})")
    return run_.report


@dataclass
class _Run:
    """One `build_all`: its report and whom it tells what it does."""

    report: BuildReport
    echo: Callable[[str], None]
    error: Callable[[str], None]
    warn: Callable[[Diagnostic], None]
    progress: Callable[[int, int], None]
    builder: Callable[[], Builder]
    """The run's one Builder, made when first needed."""
    landed: Callable[[Path], None] = lambda _: None
    """Told of each document written (the layout pass starts LibreOffice if it needs it)."""

    def fail(self, message: str) -> None:
        self.report.failed.append(message)
        self.error(message)


def _planned_jobs(project: Project, names: Iterable[str], only: list[str], run_: _Run, *,
                  draft: bool, as_of: datetime.date | None, skip_unavailable: bool,
                  firm: Firm) -> list[Job]:
    """Each named assignment loaded and planned; what cannot be built is said so."""
    jobs: list[Job] = []
    brand = _brand_if_sound(project)
    for folder in project.folders(list(names)):
        try:
            loaded = load_assignment(
                folder, style_exists=brand.paragraph_style_for if brand else None, firm=firm)
        except SourceError as exc:
            run_.fail(str(exc))
            continue
        for warning in loaded.warnings:
            run_.warn(warning)
        refused = check_issued(loaded, run_.builder)  # an issued document never changes
        if refused:
            run_.fail(str(SourceError(refused)))
            continue
        planned = plan(loaded, only, draft=draft, as_of=as_of)
        jobs += planned.jobs
        for skip in planned.skipped:
            if only and not skip_unavailable:
                run_.fail(f"{skip.where}{skip.assignment_id}: cannot build {skip.kind}: "
                          f"{skip.reason}" + (f" (missing: {skip.key})" if skip.key else ""))
            else:
                run_.report.skipped.append(skip)
                run_.echo(str(skip))
    return jobs


def _write_jobs(builder: Builder, jobs: list[Job], out_dir: Path, workers: int,
                run_: _Run) -> None:
    """Every job written by `workers` processes; results reported in the jobs' order."""
    # Few assignments for the workers: they share each assignment's documents, so what
    # those share is made here, once. Many: each assignment stays with one worker.
    builder.prepare(jobs, per_assignment=len({j.assignment.id for j in jobs}) >= 2 * workers)
    attempts = run(jobs, functools.partial(builder.attempt, out_dir=out_dir), workers,
                   group=lambda job: job.assignment.id)
    for finished, (job, outcome) in enumerate(zip(jobs, attempts, strict=True), start=1):
        run_.progress(finished, len(jobs))
        if isinstance(outcome, WorkerDied):
            run_.fail(f"{job.assignment.id}: {job.instance.name}: {outcome.reason}")
        elif isinstance(outcome, Failure):
            run_.fail(outcome.message)
        else:
            run_.report.written.append(outcome)
            run_.landed(outcome)
            run_.echo(f"wrote {display_path(outcome)} ({_size(outcome)})"
                      f"{'  [draft]' if job.draft else ''}")

NO_LAYOUT_NOTE = ("note: LibreOffice (soffice) was not found, so the contents pages list "
                  "their headings without page numbers; Word fills them in when the reader "
                  "agrees to update fields on opening")


def layout_wanted(layout: bool | None) -> bool | None:
    """Whether to run the layout pass: asked for, else when LibreOffice is installed (and
    INTERIM_LAYOUT is not 0). None: wanted but LibreOffice is missing."""
    if layout is not None:
        return layout
    if os.environ.get("INTERIM_LAYOUT", "").strip() == "0":
        return False
    from generator.delivery.pdf import find_soffice  # not imported when the answer is known

    return True if find_soffice() else None


def finish_layout(written: list[Path], *, pdf: bool, layout: bool | None,
                  echo: Callable[[str], None], brand: Path,
                  warn: Callable[[Diagnostic], None], office: Office | None = None) -> list[Path]:
    """The layout pass (generator.delivery.office.lay_out): page numbers into each contents
    page, and the PDFs in the same LibreOffice (`office`, a warm one, else the cold batch).
    Returns the PDFs written."""
    from generator.delivery.fonts import missing_fonts
    from generator.writer.toc import fill_pages

    wanted = layout_wanted(layout)
    if pdf or wanted:
        for font in missing_fonts(brand):
            warn(Diagnostic(Location(brand), str(font), level=Level.WARNING))
    if not wanted:
        if wanted is None:
            echo(NO_LAYOUT_NOTE)
        if not pdf:
            return []
    # Only now: LibreOffice's module costs 25 ms of imports a --no-layout build skips.
    from generator.delivery import layout_caps
    from generator.delivery.layout_pass import heading_pages
    from generator.delivery.office import export_pdfs
    from generator.delivery.pdf import PdfError

    if not wanted:
        written, capped = layout_caps.split(written, pdf=pdf, echo=echo)  # before LibreOffice
        pdfs = export_pdfs(written, office=office)
    else:
        try:
            pages, capped = heading_pages(written, pdf=pdf, office=office, echo=echo)
        except PdfError as exc:
            if pdf:
                raise
            echo(f"note: the layout pass failed, contents pages keep no page numbers: {exc}")
            return []
        for path in written:
            found = pages.get(path.resolve())
            if found:
                data = path.read_bytes()
                filled = fill_pages(data, found)
                if filled != data:
                    write_atomic(path, filled)
        pdfs = [path.with_suffix(".pdf") for path in written if path not in capped] if pdf \
            else []
    if pdf and capped:
        raise PdfError(layout_caps.refusal(capped), [p.with_suffix(".pdf") for p in capped])
    return pdfs


def _brand_if_sound(project: Project) -> Template | None:
    """The brand template, so that `::: style` names fail at their source line; None when
    the firm or its template is broken (the builder then says so, once)."""
    try:
        return load_brand(project.root,
                          load_firm(project.root, warn=lambda _: None).brand_template)
    except GeneratorError:
        return None


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} kB" if size >= 1024 else f"{size} B"
