"""A firm's documents repository: where assignments and the firm live, and loading them whole.

Every command and every document builder loads an assignment through `load_assignment`,
never through YAML: it runs `loading.load` (the one way from a file to the model) with
the format's rules (`rules.check_rules`) handed in.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.bundled import SCAFFOLD_DIR
from generator.errors import (
    Diagnostic,
    GeneratorError,
    Location,
    Report,
    SourceError,
    display_path,
)
from generator.source.dialect import MarkdownError, picture_header
from generator.source.files import MAX_BRAND_BYTES, MAX_TEMPLATE_BYTES, FileRefused, read_inside
from generator.source.firm import NEUTRAL_FIRM, Firm
from generator.source.loading import load
from generator.source.model import Assignment
from generator.source.reading import Path_, Source, load_yaml
from generator.source.rules import check_rules
from generator.source.safety import resolve_inside

ASSIGNMENT_FILE = "assignment.yaml"
FIRM_FILE = "firm.yaml"


def _present(path: Path) -> bool:
    """The file is there, whatever it is: a link that loops or points nowhere is there too,
    and reading it through the guarded opener says what is wrong, at the file."""
    return os.path.lexists(path)


@dataclass
class Project:
    """The repository root: `assignments/`, `firm.yaml`, `templates/`."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder upwards holding `assignments/` or `firm.yaml`, else `start`."""
        start = (start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / "assignments").is_dir() or _present(folder / FIRM_FILE):
                return cls(folder)
        return cls(start)

    @classmethod
    def holding(cls, folder: Path) -> Project:
        """The documents repository an assignment folder belongs to, found from the folder
        above it: nothing inside an assignment folder (a `.git`, a `firm.yaml` unpacked from
        a client's archive) decides which repository git is asked about."""
        return cls.find(Path(os.path.abspath(folder)).parent)

    @property
    def assignments_dir(self) -> Path:
        return self.root / "assignments"

    def assignment_ids(self) -> list[str]:
        if not self.assignments_dir.is_dir():
            return []
        return sorted(p.name for p in self.assignments_dir.iterdir()
                      if _present(p / ASSIGNMENT_FILE))

    def resolve(self, name: str) -> Path:
        """An assignment id under `assignments/`, or a folder path as typed."""
        candidate = Path(name)
        if _present(candidate / ASSIGNMENT_FILE):
            return candidate
        by_id = self.assignments_dir / name
        if _present(by_id / ASSIGNMENT_FILE):
            return by_id
        known = ", ".join(self.assignment_ids()) or "none yet"
        raise SourceError([Diagnostic(Location(by_id / ASSIGNMENT_FILE),
                                      f"no assignment {name!r}",
                                      f"known assignments: {known}; create one with "
                                      f"`interim new {name}`")])

    def folders(self, names: list[str] | tuple[str, ...]) -> list[Path]:
        """The folders of the named assignments; all of them when none are named."""
        if names:
            return [self.resolve(n) for n in names]
        return [self.assignments_dir / i for i in self.assignment_ids()]


@dataclass
class Loaded:
    """A validated assignment and the warnings it raised."""

    assignment: Assignment
    folder: Path
    warnings: list[Diagnostic] = field(default_factory=list)
    locate: Callable[[Path_], Location] | None = None
    """Where a key stands in the source, for refusals that name a key to set."""
    as_typed: Mapping[Path_, str] = field(default_factory=dict)
    """The source text of typed scalars: a change's `amends` values print as typed."""


def load_assignment(folder: Path, *,
                    style_exists: Callable[[str], object] | None = None,
                    firm: Firm | None = None) -> Loaded:
    """Read, check and model one assignment folder; raises SourceError with every problem.

    With `style_exists` (the brand template's, handed in by delivery, which reads it),
    `::: style` names are checked against the brand template too. `firm` offers the
    assignment (VAT, standing terms); by default the firm of the project holding `folder`.
    """
    report = Report()
    if firm is None:
        firm = load_firm(Project.holding(folder).root, warn=lambda _: None)
    offering = firm
    assignment, source = load(
        folder / ASSIGNMENT_FILE, Assignment, report, include_root=folder,
        rules=lambda a, s, found: check_rules(a, s, folder.resolve(), found, style_exists,
                                              offering))
    if _present(folder / ".git"):
        report.warning(Location(folder / ".git"), "a git repository inside the assignment "
                       "folder is ignored: git is asked only about the documents repository",
                       f"remove {display_path(folder / '.git')} (an unpacked archive may "
                       "bring one) and commit the assignment in the documents repository")
    return Loaded(assignment, folder, report.warnings, source.locate, source.as_typed)


def load_firm(root: Path, *, warn: Callable[[Diagnostic], None] | None = None) -> Firm:
    """`firm.yaml` at the root; a neutral built-in firm (with a warning) when it is missing."""
    path = root / FIRM_FILE
    if not _present(path):
        message = Diagnostic(Location(path), "no firm.yaml; using a neutral built-in firm",
                             "copy firm.yaml from the project and fill in your firm")
        (warn or (lambda d: print(f"warning: {d}", file=sys.stderr)))(message)
        return NEUTRAL_FIRM
    firm, _ = load(path, Firm, Report(),
                   rules=lambda f, s, found: _check_firm_paths(f, s, root, found))
    return firm


def firm_location(root: Path, key: str) -> Location:
    """Where firm.yaml sets `key`: what is found later in the file a key names (the brand
    template, read by the writer) is said at that line, as firm.yaml's own errors are."""
    source = load_yaml(root / FIRM_FILE, Report())
    return source.locate((key,)) if source else Location(root / FIRM_FILE)


def _check_firm_paths(firm: Firm, source: Source, root: Path, report: Report) -> None:
    """The brand template, templates folder and logo: inside the repository, readable, sound.

    Files are read through the guarded opener, the logo checked as the writer will, so
    that a build never meets a broken one without firm.yaml's line.
    """
    for key in ("brand_template", "templates", "logo"):
        value = getattr(firm, key)
        if value is None:
            continue
        where = source.locate((key,))
        if key == "templates":
            resolved = resolve_inside(root, value)
            if resolved is None:
                report.error(where, f"{key} {value!r} leaves the repository",
                             "keep it inside the documents repository, relative to firm.yaml")
            elif not resolved.is_dir():
                report.error(where, f"{key}: no folder {value!r}", "check the path")
            else:
                _check_template_files(resolved, value, where, report)
            continue
        try:
            _, data = read_inside(root, value, max_bytes=MAX_BRAND_BYTES, what=key,
                                  folder="the repository")
        except FileRefused as refused:
            if refused.missing:
                report.error(where, f"{key}: no file {value!r}", "check the path")
            else:
                report.error(where, refused.message, refused.hint)
            continue
        if key == "logo":
            _check_logo(value, data, where, report)
        elif not data.startswith(b"PK\x03\x04"):  # a .docx is a zip; its parts: the writer
            report.error(where, f"brand_template {value!r} is not a Word document (.docx)",
                         "save the brand template from Word as .docx and name that file")


def _check_template_files(folder: Path, value: str, where: Location, report: Report) -> None:
    """Each file of the firm's templates folder as the build will read it (a link out of
    the folder, a pipe, a loop or a huge file is said here, at firm.yaml's line)."""
    for parent, _, files in os.walk(folder):  # symlinked folders are not entered
        for name in sorted(files):
            relative = (Path(parent) / name).relative_to(folder).as_posix()
            try:
                read_inside(folder, relative, max_bytes=MAX_TEMPLATE_BYTES, what="template",
                            folder="the templates folder")
            except FileRefused as refused:
                report.error(where, f"templates {value!r}: {refused.message}", refused.hint)


def _check_logo(value: str, data: bytes, where: Location, report: Report) -> None:
    if Path(value).suffix.lower() not in (".png", ".jpg", ".jpeg"):
        report.error(where, f"logo {value!r} is not a PNG or JPEG picture", "save the logo as PNG")
        return
    try:
        picture_header(data, value, 0)
    except MarkdownError as exc:
        report.error(where, f"logo: {exc.message}", exc.hint)


MAX_ID_LENGTH = 64
"""An id names a folder and, with a document and versions, a redline's file name: short
enough for every file system (255 bytes a name)."""


def new_assignment(project: Project, assignment_id: str, language: str,
                   today: datetime.date) -> Path:
    """Create `assignments/<id>/assignment.yaml` from the commented scaffold."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", assignment_id) \
            or len(assignment_id) > MAX_ID_LENGTH:
        raise GeneratorError(f"{assignment_id!r} is not a valid id: use lowercase letters, "
                             f"digits and '-', at most {MAX_ID_LENGTH} characters, "
                             "e.g. acme-finance-2027")
    folder = project.assignments_dir / assignment_id
    if os.path.lexists(folder):  # a dangling link too: mkdir would fail on it
        raise GeneratorError(f"{display_path(folder)} already exists; choose another id")
    start = today + datetime.timedelta(days=14)
    end = start + datetime.timedelta(days=180)
    values = {
        "__ID__": assignment_id,
        "__TODAY__": today.isoformat(),
        "__START__": start.isoformat(),
        "__END__": end.isoformat(),
        "__HANDOVER__": (end - datetime.timedelta(days=28)).isoformat(),
        "__VALID__": (today + datetime.timedelta(days=30)).isoformat(),
    }
    text = (SCAFFOLD_DIR / f"assignment.{language}.yaml").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key, value)
    try:
        folder.mkdir(parents=True)
        try:
            (folder / ASSIGNMENT_FILE).write_text(text, encoding="utf-8")
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)  # no half-made assignment left
            raise
    except OSError as exc:  # assignments/ is a file, read-only, the disk is full...
        raise GeneratorError(f"cannot create {display_path(folder / ASSIGNMENT_FILE)}: "
                             f"{exc.strerror or exc} (check that "
                             f"{display_path(project.assignments_dir)} is a writable folder)"
                             ) from exc
    return folder / ASSIGNMENT_FILE
