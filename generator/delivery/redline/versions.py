"""The two sides of a redline: naming a version of a document, and rendering it.

A version is a git revision of the sources (`HEAD~3`, a tag; `rev:X`), a
history version of the same sources (`1.1`; `version:X`), the last issued version
(`issued`, generator.delivery.issuing), or the working tree.
Both sides are rendered with the current generator, templates and firm.yaml, so
a redline shows changes of content, never of tooling: a git revision's
assignment folder is extracted into a temporary copy of the repository layout
and built there with today's `Builder`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from generator.delivery import workdirs
from generator.delivery.build import Builder
from generator.delivery.issuing import ISSUED, render_issued
from generator.delivery.planning import Job, named_job
from generator.errors import (
    Diagnostic,
    GeneratorError,
    Level,
    Location,
    SourceError,
    display_path,
)
from generator.source import git, history
from generator.source.dialect import MAX_PICTURE_BYTES
from generator.source.firm import Firm
from generator.source.project import Project, load_assignment

HISTORY_VERSION = re.compile(r"\d+\.\d+")
WORKING_TREE = "worktree"
MAX_REVISION_FILE = MAX_PICTURE_BYTES
"""The largest file any document can use (a picture): a larger one is left out unread."""
MAX_REVISION_BYTES = 200 * 2**20
"""What a redline extracts of one revision at most (the working tree's own folder is read
file by file under the same caps)."""


@dataclass(frozen=True)
class Version:
    """One side of a redline as the user named it."""

    source: str  # "rev", "version", "issued" or "worktree"
    name: str
    commit: str = ""

    @property
    def identity(self) -> tuple[str, str]:
        """What the side renders: a commit, a history version or the working tree, however
        it was written (`HEAD` and the commit's hash are one side)."""
        return self.source, self.commit or self.name.removeprefix("version:")

    @property
    def label(self) -> str:
        """The name as it can stand in a file name (`HEAD~1`, `1.1`, `rev-v1.0`)."""
        return re.sub(r"[^A-Za-z0-9._~-]+", "-", self.name).strip("-") or self.source


def parse_version(text: str | None, folder: Path) -> Version:
    """What `--from` / `--to` names; a name that is a history version and a revision is refused."""
    if text is None:
        return Version(WORKING_TREE, WORKING_TREE)
    if text == ISSUED:  # the last issued version; a tag of that name is rev:issued
        return Version(ISSUED, ISSUED)
    if text.startswith("rev:"):
        name = text.removeprefix("rev:")
        commit = _commit(name, folder)
        if not commit:
            raise GeneratorError(f"{name!r} is not a git revision of {display_path(folder)} "
                                 "(try a commit, a tag or HEAD~1)")
        return Version("rev", text, commit)
    if text.startswith("version:"):
        name = text.removeprefix("version:")
        if not HISTORY_VERSION.fullmatch(name):
            raise GeneratorError(f"{name!r} is not a history version: versions read "
                                 "MAJOR.MINOR, such as 1.1")
        return Version("version", name)
    commit = _commit(text, folder, needed=not HISTORY_VERSION.fullmatch(text))
    if HISTORY_VERSION.fullmatch(text):
        if commit:
            raise GeneratorError(f"{text!r} is both a history version and a git revision "
                                 f"({commit[:12]}); write version:{text} or rev:{text}")
        return Version("version", text)
    if commit:
        return Version("rev", text, commit)
    raise GeneratorError(f"{text!r} names neither a history version (MAJOR.MINOR, such as 1.1) "
                         f"nor a git revision of {display_path(folder)} (a commit, a tag, HEAD~1)")


def render_version(version: Version, folder: Path, document: str, builder: Builder, *,
                   warn: Callable[[Diagnostic], None] | None = None) -> bytes:
    """The .docx of `document` of the assignment in `folder`, as it stood at `version`."""
    if version.source == "version":
        return render_history_version(folder, document, version.name, builder=builder)
    if version.source == "rev":
        return render_revision(folder, document, version, builder, warn=warn)
    if version.source == ISSUED:
        return render_issued(load_assignment(folder), document, builder)
    return render_document(folder, document, builder)


def render_history_version(folder: Path, document: str, version: str, *,
                           builder: Builder) -> bytes:
    """The .docx of history version `version` (e.g. "1.1") of `document` of one assignment:
    the document as of that version's date (generator.source.history.versions)."""
    job = document_job(folder, document, builder.firm)
    known = history.versions(job.assignment, job.kind.id, job.instance.subject)
    dates = [v.date for v in known if v.version == version]
    if not dates:
        have = ", ".join(f"{v.version} ({v.date})" for v in known) or "none"
        raise GeneratorError(f"{job.assignment.id}: {document} has no version {version!r} "
                             f"(its versions: {have})")
    return builder.document(job.loaded, job.kind.id, as_of=dates[-1], name=document)


def render_revision(folder: Path, document: str, version: Version, builder: Builder, *,
                    warn: Callable[[Diagnostic], None] | None = None) -> bytes:
    """Extract the assignment folder at a git revision and render it with today's generator."""
    with extracted(folder, version, warn=warn) as copy:
        try:
            return render_document(copy, document, builder)
        except SourceError as exc:  # said at the repository's files, not the vanished copy
            raise SourceError([_in_revision(d, copy, folder, version.name)
                               for d in exc.diagnostics]) from None


@contextlib.contextmanager
def extracted(folder: Path, version: Version, *,
              warn: Callable[[Diagnostic], None] | None = None) -> Iterator[Path]:
    """The assignment folder as it stood at a git revision, in a work folder removed when
    the block ends; meanwhile the revision's own commit time is
    the build's date source (unless SOURCE_DATE_EPOCH is set), as the working tree is
    dated by its last commit."""
    found, relative = _repository(folder, version.name)
    with workdirs.work_folder("redline") as temp:
        extract(found, version, relative, temp, warn or (lambda _: None))
        _, when = found.last_commit(relative, version.commit)
        with _source_date_epoch(str(when) if when else ""):
            yield temp / relative


def _in_revision(diagnostic: Diagnostic, copy: Path, folder: Path, name: str) -> Diagnostic:
    """A diagnostic about a file of the extracted copy, located at that file's path in the
    assignment folder and marked with the revision whose content it is about."""
    where = diagnostic.location
    try:
        inside = where.file.resolve().relative_to(copy.resolve())
    except (ValueError, OSError, RuntimeError):
        return diagnostic
    return replace(diagnostic, location=replace(where, file=folder / inside),
                   message=f"at {name}: {diagnostic.message}")


def extract(found: git.Repository, version: Version, relative: str, target: Path,
            warn: Callable[[Diagnostic], None]) -> None:
    """The files under `relative` at `version` written below `target`, without tar (whose
    safe `filter=` older Pythons lack). Sizes are judged from the tree before anything is
    read; a symlink is written as a symlink, never followed (reading it later goes through
    the guarded opener, which refuses a link out of the assignment folder)."""
    where = f"{relative} at {version.name}"
    entries = []
    for entry in found.tree(version.commit, relative):
        if entry.size > MAX_REVISION_FILE:
            warn(Diagnostic(Location(found.top / entry.path),
                            f"left out of revision {version.name}, unread: "
                            f"{entry.size / 2**20:.0f} MB, more than any document can use "
                            f"({MAX_REVISION_FILE // 2**20} MB)", level=Level.WARNING))
        elif ".git" not in (part.lower() for part in entry.path.split("/")):
            entries.append(entry)
    total = sum(e.size for e in entries)
    if total > MAX_REVISION_BYTES:
        raise GeneratorError(f"{where} holds {total / 2**20:.0f} MB of files, more than the "
                             f"{MAX_REVISION_BYTES // 2**20} MB a redline extracts; name a "
                             "revision without the large files")
    base = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for entry, data in found.blobs(entries):
            try:
                _place(base, entry, data)
            except (OSError, ValueError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise GeneratorError(f"cannot extract {entry.path[:120]!r} of {version.name}: "
                                     f"{why}") from exc
    finally:
        os.close(base)


def _place(base: int, entry: git.Entry, data: bytes) -> None:
    """Write one file below the folder open as `base`, one name at a time, following no link:
    a name that is empty, '.' or '..' is refused, each folder opened with O_NOFOLLOW."""
    names = entry.path.split("/")
    if any(name in ("", ".", "..") for name in names):
        raise ValueError("a name git would never check out")
    folder = os.dup(base)
    try:
        for name in names[:-1]:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=folder)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        if entry.link:
            os.symlink(os.fsdecode(data), names[-1], dir_fd=folder)
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        with open(os.open(names[-1], flags, 0o600, dir_fd=folder), "wb") as file:
            file.write(data)
    finally:
        os.close(folder)


def render_document(folder: Path, document: str, builder: Builder) -> bytes:
    """The .docx of one document (`handbook`, `progress-2027-02-19`) of an assignment folder."""
    return builder.docx(document_job(folder, document, builder.firm))


def document_job(folder: Path, document: str, firm: Firm | None = None) -> Job:
    """The job that writes `document` of the assignment in `folder`, as the sources stand,
    offered by `firm` (by default the firm of the project holding `folder`)."""
    return named_job(load_assignment(folder, firm=firm), document)


def _repository(folder: Path, name: str) -> tuple[git.Repository, str]:
    """The documents repository holding `folder` and the folder's path in it, or why not."""
    root = Project.holding(folder).root
    try:
        found = git.repository(root)
    except git.GitMissing as exc:
        raise GeneratorError(f"{name!r} names a git revision, but {exc}; or name a history "
                             "version (MAJOR.MINOR, such as 1.1)") from exc
    relative = found.path_of(folder) if found else None
    if found is None or relative is None:
        raise GeneratorError(f"{name!r} cannot be a git revision: {display_path(root)} is not "
                             "in a git repository (`git init` there, or name a history "
                             "version such as 1.1)")
    return found, relative


def _commit(name: str, folder: Path, *, needed: bool = True) -> str:
    """The commit `name` resolves to in the documents repository holding `folder`, else "".
    Where git is needed to say (`needed`), a missing git or repository is said as such."""
    if not name or name.startswith("-"):
        return ""
    try:
        found, _ = _repository(folder, name)
    except GeneratorError:
        if needed:
            raise
        return ""
    return found.commit(name)


@contextlib.contextmanager
def _source_date_epoch(value: str) -> Iterator[None]:
    """The revision's own commit time as the build's date source, unless the user set one.

    The working tree is dated by the last commit touching the assignment; the
    extracted copy lies outside git, so its side gets the same rule explicitly.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip() or not value.isdigit():
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = value
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
