"""Building documents: validated model -> Markdown per document -> .docx, written atomically.

One `Builder` serves a whole run: templates (per language) and the brand
template are parsed once and reused for every document of every assignment.
Dates printed on documents never come from the wall clock, so the same
sources give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.documents import Instance, Kind, kinds
from generator.errors import Diagnostic, GeneratorError, SourceError, display_path
from generator.model import Assignment, Firm
from generator.parallel import WorkerDied, available_cores, run
from generator.project import Loaded, Project, load_assignment, load_brand, load_firm
from generator.sources import MAX_BRAND_BYTES, read_inside
from generator.templating import Md, escape, make_environment, preload, render
from generator.timeline import Marker, draw_timeline
from generator.writer import Converter, DocumentMeta, clean_stale_temporaries, write_atomic
from generator.writer.template import Template

LANGUAGE_TAGS = {"nl": "nl-BE", "en": "en-GB"}
TIMELINE_WIDTH_PX = 1250
"""At the picture's 200 dpi this is the A4 text width: printed at its natural size."""


@dataclass(frozen=True)
class Job:
    """One document to write."""

    loaded: Loaded
    kind: Kind
    instance: Instance
    draft: bool

    @property
    def assignment(self) -> Assignment:
        return self.loaded.assignment

    @property
    def filename(self) -> str:
        return f"{self.instance.name}.docx"


@dataclass(frozen=True)
class Skipped:
    """A document not built, and why (naming the key that is missing)."""

    assignment_id: str
    kind: str
    reason: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.kind} skipped: {self.reason}"


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def plan(loaded: Loaded, only: Iterable[str] = (), *, draft: bool = False) -> Plan:
    """What may be built of one assignment now, and what not yet; `only` limits the kinds."""
    wanted = list(only) or list(kinds())
    unknown = [k for k in wanted if k not in kinds()]
    if unknown:
        raise GeneratorError(f"unknown document kind {unknown[0]!r}; known: "
                             + ", ".join(kinds()))
    result = Plan()
    a = loaded.assignment
    for kind_id in wanted:
        kind = kinds()[kind_id]
        gate = kind.gate(a)
        if not gate.allowed and not (draft and gate.key == "analysis.acceptance"):
            result.skipped.append(Skipped(a.id, kind_id, gate.reason, gate.key))
            continue
        marked = gate.draft or not gate.allowed
        result.jobs += [Job(loaded, kind, instance, marked)
                        for instance in kind.instances(a, kind.id)]
    return result


class Builder:
    """Renders and writes documents; holds what is costly to set up, for a whole run."""

    def __init__(self, firm: Firm, *, root: Path, reference_doc: Path | None = None):
        self.firm = firm
        self.root = root
        brand = reference_doc or (root / firm.brand_template if firm.brand_template else None)
        self.converter = Converter(brand)
        self.firm_templates = root / firm.templates if firm.templates else None
        self.logo: dict[str, bytes] = {}
        if firm.logo:
            _, data = read_inside(root, firm.logo, max_bytes=MAX_BRAND_BYTES, what="logo",
                                  folder="the repository")  # checked by load_firm
            self.logo = {f"firm-logo{Path(firm.logo).suffix.lower()}": data}
        self._environments: dict[str, Any] = {}
        self._timelines: dict[str, bytes] = {}

    def environment(self, language: str) -> Any:
        if language not in self._environments:
            self._environments[language] = make_environment(language, self.firm_templates)
        return self._environments[language]

    def markdown(self, job: Job) -> tuple[str, DocumentMeta, dict[str, bytes]]:
        """The document as Markdown, with its metadata and generated pictures."""
        a = job.assignment
        env = self.environment(a.language)
        terms = env.globals["t"]
        fmt = env.globals["fmt"]
        stamp = document_stamp(job)
        doc = {
            "title": job.kind.title(a.language),
            "kind": job.kind.id,
            "version": stamp.version,
            "date": stamp.date,
            "date_text": fmt.date(stamp.date),
            "draft": job.draft,
        }
        name = _people_formatter(a, with_role=False)
        context = {
            "a": a, "firm": self.firm, "doc": doc, "logo": next(iter(self.logo), None),
            "who": _people_formatter(a, with_role=True),
            "name": name,
            "names": lambda ids: Md(", ".join(name(i) for i in ids)),
            **job.kind.context(a, job.instance),
        }
        body = render(env, job.kind.template, context)
        markdown = render(env, "document.md.j2", {**context, "body": Md(body),
                                                   "toc": count_sections(body) > 3})
        images = dict(self.logo)
        if job.kind.timeline:
            images["timeline.png"] = self.timeline(a, terms, fmt)
        meta = DocumentMeta(
            title=doc["title"],
            subject=a.title,
            author=a.person(a.interim_manager).name,
            company=self.firm.name,
            client=a.client.name,
            version=stamp.version,
            date_text=doc["date_text"],
            timestamp=stamp.timestamp,
            language=LANGUAGE_TAGS[a.language],
            status_label=str(terms.draft) if job.draft else "",
            confidential_label=str(terms.confidential) if a.confidential else "",
            keywords=f"{a.id}, {job.kind.id}",
            placeholders={"page_label": str(terms.page_label), "of_label": str(terms.of_label),
                          "footer": self.firm.footer or ""},
            custom_properties={
                "assignment": a.id,
                "document": job.kind.id,
                "version": stamp.version,
                **({"source-commit": stamp.commit} if stamp.commit else {}),
            },
        )
        return markdown, meta, images

    def timeline(self, a: Assignment, terms: Any, fmt: Any) -> bytes:
        """The action plan's picture, drawn once per assignment (the handbook shows it too)."""
        if a.id not in self._timelines:
            self._timelines[a.id] = self._draw_timeline(a, terms, fmt)
        return self._timelines[a.id]

    def _draw_timeline(self, a: Assignment, terms: Any, fmt: Any) -> bytes:
        assert a.analysis is not None
        markers = [Marker(m.due, m.id, "milestone") for m in a.analysis.milestones]
        markers += [Marker(e.date, terms.timeline.evaluation,
                           "final" if e.kind == "final" else "evaluation")
                    for e in a.analysis.evaluations]
        plan_ = a.intake.exit_plan
        if plan_ and plan_.handover_start:
            markers.append(Marker(plan_.handover_start, terms.timeline.handover, "handover"))
        legend = {k: str(v) for k, v in terms.timeline.legend.items()}
        return draw_timeline(a.period.start, a.period.end, markers,
                             month_names=fmt.month_names(), legend=legend,
                             width_px=TIMELINE_WIDTH_PX)

    def docx(self, job: Job) -> bytes:
        markdown, meta, images = self.markdown(job)
        return self.converter.convert(markdown, meta, base_dir=job.loaded.folder, images=images)

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
                    env = self.environment(language)
                    git_stamp(job.loaded.folder)
                    if job.kind.timeline:
                        self.timeline(job.assignment, env.globals["t"], env.globals["fmt"])

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
        folder = out_dir / job.assignment.id
        target = folder / job.filename
        try:
            folder.mkdir(parents=True, exist_ok=True)
            clean_stale_temporaries(folder)
            write_atomic(target, data)
        except OSError as exc:
            raise GeneratorError(f"cannot write {display_path(target)}: "
                                 f"{exc.strerror or exc}") from exc
        return target


@dataclass(frozen=True)
class Stamp:
    version: str
    date: datetime.date
    timestamp: datetime.datetime
    commit: str


def document_stamp(job: Job) -> Stamp:
    """Version and date printed on a document: from the sources, never the build's clock.

    Date: `documents.<kind>.date`, else SOURCE_DATE_EPOCH, else the last commit touching
    the assignment, else the newest date the document reports on.
    """
    a = job.assignment
    settings = a.documents.of(job.kind.id)
    version = settings.version or (
        a.analysis.acceptance.version
        if job.kind.id == "handbook" and a.analysis and a.analysis.acceptance else "1.0")
    commit, commit_time = git_stamp(job.loaded.folder)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment: datetime.datetime | None = None
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    elif commit_time:
        moment = datetime.datetime.fromtimestamp(commit_time, datetime.UTC)
    day = settings.date or (moment.date() if moment else None) \
        or job.kind.reported_date(a, job.instance) or a.period.start
    if moment is None or settings.date:
        moment = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
    return Stamp(version, day, moment, commit)


@functools.cache
def git_stamp(folder: Path) -> tuple[str, int]:
    """The last commit touching `folder` and its time; empty outside a git checkout.

    "+changes" marks a folder with uncommitted changes. Both questions go to git at
    once: two processes side by side cost the time of one.
    """
    questions = (["git", "log", "-1", "--format=%H %ct", "--", "."],
                 ["git", "status", "--porcelain", "--", "."])
    try:
        running = [subprocess.Popen(q, cwd=folder, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True) for q in questions]
    except OSError:  # no git on this machine
        return "", 0
    answers = []
    for process in running:
        try:
            answers.append(process.communicate(timeout=10)[0])
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            answers.append("")
    log, dirty = answers[0].split(), answers[1]
    if len(log) != 2 or not log[1].isdigit():
        return "", 0
    return log[0] + ("+changes" if dirty.strip() else ""), int(log[1])


def _people_formatter(a: Assignment, *, with_role: bool) -> Callable[[str | None], Md]:
    """`who(id)` / `name(id)` for templates: a person as printed, "–" for nobody."""

    def show(person_id: str | None) -> Md:
        if not person_id:
            return Md("–")
        person = a.person(person_id)
        text = escape(person.name)
        if with_role and person.role:
            text += " (" + escape(person.role) + ")"
        return Md(text)

    return show


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def count_sections(markdown: str) -> int:
    """Top-level headings (`# `) outside code blocks: the document's sections."""
    sections, fence = 0, ""
    for line in markdown.splitlines():
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif line.startswith("# ") or line == "#":
            sections += 1
    return sections


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
              skip_unavailable: bool = False,
              echo: Callable[[str], None] = lambda _: None,
              error: Callable[[str], None] = lambda _: None,
              progress: Callable[[int, int], None] = lambda done, total: None,
              warn: Callable[[Diagnostic], None] = lambda _: None,
              workers: int = 0) -> BuildReport:
    """Build every allowed document of the named assignments (all when none are named).

    A document asked for by `only` that its phase does not allow is a failure (unless
    `skip_unavailable`); without `only`, documents not yet allowed are skipped with the
    reason. One failure does not stop the others; nothing is written for a failed document.
    Documents are written by `workers` processes (0: one per core; generator.parallel).
    `echo` says what was done (a quiet run drops it), `error` what failed (always said).
    """
    report = BuildReport()
    only = list(only)

    def fail(message: str) -> None:
        report.failed.append(message)
        error(message)

    jobs: list[Job] = []
    brand = _brand_if_sound(project)
    for folder in project.folders(list(names)):
        try:
            loaded = load_assignment(folder, brand=brand)
        except SourceError as exc:
            fail(str(exc))
            continue
        for warning in loaded.warnings:
            warn(warning)
        planned = plan(loaded, only, draft=draft)
        jobs += planned.jobs
        for skip in planned.skipped:
            if only and not skip_unavailable:
                fail(f"{skip.assignment_id}: cannot build {skip.kind}: {skip.reason}"
                     + (f" (missing: {skip.key})" if skip.key else ""))
            else:
                report.skipped.append(skip)
                echo(str(skip))
    if not jobs:
        return report
    builder = Builder(load_firm(project.root, warn=warn), root=project.root)
    borrowed = builder.converter.template.borrowed_warning()
    if borrowed:
        warn(borrowed)
    workers = workers or available_cores()
    # Few assignments for the workers: they share each assignment's documents, so what
    # those share is made here, once. Many: each assignment stays with one worker.
    builder.prepare(jobs, per_assignment=len({j.assignment.id for j in jobs}) >= 2 * workers)
    attempts = run(jobs, functools.partial(builder.attempt, out_dir=out_dir), workers,
                   group=lambda job: job.assignment.id)
    for finished, (job, outcome) in enumerate(zip(jobs, attempts, strict=True), start=1):
        progress(finished, len(jobs))
        if isinstance(outcome, WorkerDied):
            fail(f"{job.assignment.id}: {job.instance.name}: {outcome.reason}")
        elif isinstance(outcome, Failure):
            fail(outcome.message)
        else:
            report.written.append(outcome)
            echo(f"wrote {display_path(outcome)} ({_size(outcome)})"
                 f"{'  [draft]' if job.draft else ''}")
    if pdf and report.written:
        from generator.pdf import export_pdfs

        for path in export_pdfs(report.written):
            echo(f"wrote {display_path(path)} ({_size(path)})")
    return report


def _brand_if_sound(project: Project) -> Template | None:
    """The brand template, so that `::: style` names fail at their source line; None when
    the firm or its template is broken (the builder then says so, once)."""
    try:
        return load_brand(project.root, load_firm(project.root, warn=lambda _: None))
    except GeneratorError:
        return None


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} kB" if size >= 1024 else f"{size} B"
