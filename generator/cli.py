"""The `interim` command: thin click commands over the Python API.

Every command turns a `GeneratorError` into its message and exit code 1; any
other exception is our bug, said as such, never a traceback for bad input.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.errors import Diagnostic, GeneratorError, SourceError, display_path
from generator.source.kind_ids import KIND_IDS
from generator.source.languages import LANGUAGES

if TYPE_CHECKING:
    from generator.source.firm import Firm

# Commands import what they need when they run: `interim convert` never pays for the
# model, and `interim validate` never for the Word engine.

F = TypeVar("F", bound=Callable[..., Any])


def _handle_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GeneratorError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader stopped reading (`interim list | head -1`)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in interim, not in your sources. Please report it with "
                       "the command you ran (set INTERIM_DEBUG=1 for the full trace).", err=True)
            if os.environ.get("INTERIM_DEBUG"):
                traceback.print_exc()
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _warn(diagnostic: Diagnostic) -> None:
    click.echo(str(diagnostic), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="interim-docs")
def main() -> None:
    """Assignment documents for interim management, from YAML and Markdown sources."""


def entry() -> None:
    """The `interim` command: the CLI, then an exit without the interpreter's teardown.

    Freeing every module and object at exit costs ~30 ms, a tenth of a whole build.
    Every file is closed by then (written atomically, see generator/writer/package.py);
    only the standard streams need flushing. Python code should call `main` instead.
    """
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
        if isinstance(done.code, str):  # sys.exit("message"), as Python itself prints it
            print(done.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None when started with the stream closed (`>&-`)
                stream.flush()
        except (OSError, ValueError):  # the reader went away (`interim list | head`)
            code = code or 1
    os._exit(code)


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--spell", is_flag=True,
              help="Also check the spelling of every text (Hunspell; unknown words are "
                   "warnings, the firm's `words:` are accepted).")
@_handle_errors
def validate(assignments: tuple[str, ...], spell: bool) -> None:
    """Check assignments (ids under ./assignments/ or folders); none = all."""
    from generator.source.project import Project, firm_location, load_assignment, load_firm
    from generator.writer.converter import load_brand

    project = Project.find()
    try:
        firm = load_firm(project.root, warn=_warn)  # its sources are checked too
        brand = load_brand(project.root, firm.brand_template,
                           firm_location(project.root, "brand_template"))
    except GeneratorError as exc:  # a located firm.yaml error, or the brand template's part
        click.echo(str(exc), err=True)
        sys.exit(1)
    for notice in brand.notices():  # once per template, not per assignment
        _warn(notice)
    broken = _firm_template_problems(project.root, firm)
    folders = project.folders(assignments)
    if not folders:
        raise GeneratorError(f"no assignments under {display_path(project.assignments_dir)}; "
                             "create one with `interim new <id>`")
    failed = 0
    renderer = functools.cache(lambda: _builder(firm, project.root))
    speller = _speller(firm) if spell else None
    unspelled = False  # a dictionary is missing: the check asked for did not run
    for folder in folders:
        try:
            loaded = load_assignment(folder, style_exists=brand.paragraph_style_for, firm=firm)
        except SourceError as exc:
            failed += 1
            click.echo(str(exc), err=True)
            continue
        for warning in loaded.warnings:
            _warn(warning)
        refused = _issued_refusals(loaded, renderer)
        if refused:
            failed += 1
            click.echo(str(SourceError(refused)), err=True)
            continue
        if speller and not speller(folder, loaded.assignment.language):
            unspelled = True
        click.echo(f"ok  {loaded.assignment.id}")
    if failed:
        click.echo(f"{failed} of {len(folders)} assignments have errors", err=True)
    if broken:
        click.echo(f"the firm's templates have {len(broken)} error(s): every document that "
                   "uses them would fail to build", err=True)
    if failed or broken or unspelled:
        sys.exit(1)


def _firm_template_problems(root: Path, firm: Firm) -> list[str]:
    """The firm's own templates compiled, each problem said: build would fail on them."""
    if not firm.templates:
        return []
    from generator.documents.templating import check_templates

    problems = check_templates(root / firm.templates, firm.language)
    for problem in problems:
        click.echo(problem, err=True)
    return problems


def _builder(firm: Any, root: Path) -> Any:
    from generator.delivery.build import Builder

    return Builder(firm, root=root)


def _issued_refusals(loaded: Any, renderer: Callable[[], Any]) -> list[Diagnostic]:
    """Issued documents rendered again (generator.delivery.issuing); an assignment that
    issued none loads nothing of the documents for it."""
    from generator.source.issued import ISSUED_FILE

    if not os.path.lexists(loaded.folder / ISSUED_FILE):
        return []
    from generator.delivery.issuing import check_issued

    return check_issued(loaded, renderer)


def _speller(firm: Any) -> Callable[[Path, str], bool]:
    """`validate --spell`: each unknown word a warning; False when the check cannot run
    (no dictionary: said once, naming the package to install). Loaded only when asked."""
    from generator.source.spelling import SpellCheck

    check = SpellCheck(firm)

    def spell(folder: Path, language: str) -> bool:
        try:
            for warning in check.check(folder, language):
                _warn(warning)
        except GeneratorError as exc:
            click.echo(str(exc), err=True)
            return False
        return language not in check.failed

    return spell


@main.command()
@click.argument("assignment_id")
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="Document language (default: the firm's).")
@_handle_errors
def new(assignment_id: str, language: str | None) -> None:
    """Scaffold assignments/ID/ with a commented assignment.yaml to fill in."""
    from generator.source.project import Project, load_firm, new_assignment

    project = Project.find()
    language = language or load_firm(project.root, warn=_warn).language
    path = new_assignment(project, assignment_id, language, datetime.date.today())
    click.echo(f"created {display_path(path)}; fill it in and run "
               f"`interim validate {assignment_id}`")


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--firm", default="Interim Management", show_default=True,
              help="The firm's name, written into firm.yaml.")
@click.option("--language", type=click.Choice(LANGUAGES), default="nl", show_default=True,
              help="Default language of the firm's assignments.")
@click.option("--git/--no-git", "use_git", default=True, show_default=True,
              help="Make it a git repository with a first commit (when git is installed).")
@_handle_errors
def init(directory: Path, firm: str, language: str, use_git: bool) -> None:
    """Create a firm's documents repository in DIRECTORY (empty or new; default: here)."""
    from generator.source.scaffold import init_repository, start_history

    made = init_repository(directory, firm, language)
    click.echo(f"created {', '.join(p.name for p in made)} in {display_path(directory)}")
    if use_git:
        click.echo(start_history(directory, firm))
    click.echo("next: `make validate` and `make all` there (README.md says more)")


@main.command(name="list")
@_handle_errors
def list_() -> None:
    """One line per assignment: id, client, period, phase reached, validity."""
    from generator.source.project import Project, load_assignment

    rows = []
    for folder in Project.find().folders(()):
        try:
            a = load_assignment(folder).assignment
        except SourceError as exc:
            errors = len(exc.diagnostics)
            rows.append((folder.name, "?", "", "",
                         f"INVALID ({errors} error{'s' if errors != 1 else ''})"))
            continue
        rows.append((a.id, a.client.name[:30], f"{a.period.start} – {a.period.end}", a.phase,
                     "valid"))
    # Each column as wide as its widest value, so that a long id never shifts the others.
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)] + [0]
    for row in rows:
        click.echo("  ".join(v.ljust(width) for v, width in zip(row, widths, strict=True)))


@main.command()
@click.option("--firm", "of_firm", is_flag=True, help="The schema of firm.yaml instead.")
@_handle_errors
def schema(of_firm: bool) -> None:
    """Print the JSON Schema of assignment.yaml (for editors' YAML support)."""
    from generator.source.schema import assignment_schema, firm_schema

    document = firm_schema() if of_firm else assignment_schema()
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--doc", "kinds_", multiple=True, metavar="KIND",
              help=f"Only this document kind (repeatable): {', '.join(KIND_IDS)}.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Output folder.")
@click.option("--draft", is_flag=True, help="Build documents whose gate is not yet passed, "
              "marked DRAFT/CONCEPT on every page.")
@click.option("--pdf", is_flag=True, help="Also export each document to PDF (LibreOffice).")
@click.option("--layout/--no-layout", default=None, help="Number the contents pages from a "
              "LibreOffice layout pass (default: when LibreOffice is installed).")
@click.option("--skip-unavailable", is_flag=True, help="With --doc: skip, rather than fail on, "
              "a document the assignment's phase does not allow yet.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes writing documents; 0: one per core (or $INTERIM_JOBS).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE",
              help="Build each document as it stood on DATE (YYYY-MM-DD), into "
                   "OUT/<id>/as-of-DATE/.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@_handle_errors
def build(assignments: tuple[str, ...], kinds_: tuple[str, ...], out_dir: Path, draft: bool,
          pdf: bool, layout: bool | None, skip_unavailable: bool, jobs: int,
          as_of: datetime.datetime | None, quiet: bool) -> None:
    """Build the documents each assignment's phase allows, into OUT/<id>/."""
    from generator.delivery.build import build_all
    from generator.source.project import Project

    project = Project.find()
    with _ProgressBar(enabled=not quiet) as bar:
        report = build_all(project, assignments, kinds_, out_dir=out_dir, draft=draft, pdf=pdf,
                           layout=layout,
                           skip_unavailable=skip_unavailable,
                           echo=(lambda _: None) if quiet else click.echo,
                           error=lambda message: click.echo(message, err=True), warn=_warn,
                           progress=bar.update, workers=jobs,
                           as_of=as_of.date() if as_of else None)
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("assignment")
@click.option("--doc", "kinds_", multiple=True, metavar="KIND",
              help=f"Only this document kind (repeatable): {', '.join(KIND_IDS)}.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Output folder.")
@click.option("--draft", is_flag=True, help="Build documents whose gate is not yet passed.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port of the preview on 127.0.0.1 (default: a free one).")
@_handle_errors
def watch(assignment: str, kinds_: tuple[str, ...], out_dir: Path, draft: bool,
          port: int) -> None:
    """Rebuild ASSIGNMENT on every save and show its pages in a live preview (Ctrl-C ends)."""
    from generator.delivery.watch import Watcher
    from generator.delivery.watch import watch as watch_
    from generator.source.project import Project

    watcher = Watcher(Project.find(), assignment, kinds_, out_dir=out_dir, draft=draft,
                      echo=click.echo, error=lambda message: click.echo(message, err=True),
                      warn=_warn)
    watch_(watcher, port=port,
           on_ready=lambda url: click.echo(f"preview on {url} (Ctrl-C ends)"))



@main.command(name="pdf")
@click.argument("assignments", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Where `interim build` wrote.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@_handle_errors
def pdf_(assignments: tuple[str, ...], out_dir: Path, quiet: bool) -> None:
    """Export the documents `interim build` wrote to PDF, without building them again."""
    from generator.delivery.build import export_built
    from generator.source.project import Project

    report = export_built(Project.find(), assignments, out_dir=out_dir,
                          echo=(lambda _: None) if quiet else click.echo,
                          error=lambda message: click.echo(message, err=True), warn=_warn)
    if report.failed:
        sys.exit(1)


class _ProgressBar:
    """A bar on stderr when a terminal watches a build of many documents."""

    MANY = 10

    def __init__(self, *, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < self.MANY:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="building", file=sys.stderr,
                                         show_pos=True)  # documents done / total
            self.bar.__enter__()
        self.bar.update(1)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command(name="redline")
@click.argument("assignment")
@click.argument("document")
@click.option("--from", "older", required=True, metavar="V",
              help="The older version: a git revision of the sources (HEAD~3, a tag; rev:X), "
                   "a history version (1.1; version:X) or `issued` (the last issued one).")
@click.option("--to", "newer", metavar="V",
              help="The newer version, named the same way (default: the working tree).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx to write (default: build/<id>/redline-<document>-<from>-<to>.docx).")
@_handle_errors
def redline_(assignment: str, document: str, older: str, newer: str | None,
             output: Path | None) -> None:
    """Write DOCUMENT (handbook, progress-2027-02-19, ...) with tracked changes since --from."""
    from generator.delivery.redline import write_redline
    from generator.source.project import Project

    project = Project.find()
    target = write_redline(project.root, assignment, document, older, newer, output, warn=_warn,
                           echo=click.echo)
    if target is None:
        click.echo(f"no change between {older} and {newer or 'the working tree'} in {document}: "
                   "nothing written")
        return
    click.echo(f"wrote {display_path(target)}")


@main.command(name="issue")
@click.argument("assignment")
@click.argument("document")
@_handle_errors
def issue_(assignment: str, document: str) -> None:
    """Record that DOCUMENT (proposal, handbook, progress-2027-02-19, ...) as it stands was
    sent to the client: from then on, validate and build refuse sources that change it."""
    from generator.delivery.build import Builder
    from generator.delivery.issuing import issue_document
    from generator.source.project import Project, load_assignment, load_firm
    from generator.source.scaffold import generator_version

    project = Project.find()
    loaded = load_assignment(project.resolve(assignment))
    for warning in loaded.warnings:
        _warn(warning)
    builder = Builder(load_firm(project.root, warn=_warn), root=project.root)
    try:
        version: str | None = generator_version()
    except GeneratorError:  # a checkout never installed: the record names no version
        version = None
    done = issue_document(loaded, document, builder, version)
    record = done.record
    if done.new:
        click.echo(f"issued {record.document} {record.version} of {record.date}: recorded in "
                   f"{display_path(done.path)} (commit it with the sources)")
    else:
        click.echo(f"{record.document} {record.version} of {record.date} was issued already; "
                   "nothing recorded")


@main.command(name="review")
@click.argument("assignment")
@click.argument("returned", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True,
              help="Write each change that lies inside one source value into that source.")
@_handle_errors
def review_(assignment: str, returned: Path, apply_: bool) -> None:
    """List the client's changes and comments in RETURNED.docx at their source lines."""
    from generator.delivery.review import review
    from generator.source.project import Project

    done = review(Project.find().root, assignment, returned, apply=apply_, warn=_warn)
    for line in done.lines():
        click.echo(line)
    for path in done.written:
        click.echo(f"changed {display_path(path)}")
    if done.report is not None:
        click.echo(f"wrote {display_path(done.report)}")


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .docx to write.")
@click.option("--reference-doc", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Brand template (.docx) to take styles, page, header and footer from.")
@click.option("--title", help="Document title (default: the first heading).")
@_handle_errors
def convert(source: Path, output: Path, reference_doc: Path | None, title: str | None) -> None:
    """Convert one Markdown file to a Word document with the brand template."""
    from generator.source.safety import forbidden_character
    from generator.writer.converter import convert_file

    found = forbidden_character(title or "")
    if found:  # it would go into the document's properties and header as typed
        raise GeneratorError(f"--title holds the control character {found[1]}, which a Word "
                             "document may not hold (remove it from the title)")
    convert_file(source, output, reference_doc=reference_doc, title=title, warn=_warn)


if __name__ == "__main__":
    main()
