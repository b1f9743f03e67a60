"""The two sides of a redline: naming a version of a document, and rendering it.

A version is a git revision of the sources (`HEAD~3`, a tag; `rev:X`), a
history version of the same sources (`1.1`; `version:X`), or the working tree.
Both sides are rendered with the current generator, templates and firm.yaml, so
a redline shows changes of content, never of tooling: a git revision's
assignment folder is extracted into a temporary copy of the repository layout
and built there with today's `Builder`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.delivery.build import Builder
from generator.delivery.planning import Job, named_job
from generator.errors import GeneratorError, display_path
from generator.source import history
from generator.source.model import Firm
from generator.source.project import load_assignment

HISTORY_VERSION = re.compile(r"\d+\.\d+")
WORKING_TREE = "worktree"
_GIT_TIMEOUT = 60


@dataclass(frozen=True)
class Version:
    """One side of a redline as the user named it."""

    source: str  # "rev", "version" or "worktree"
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
    commit = _commit(text, folder)
    if HISTORY_VERSION.fullmatch(text):
        if commit:
            raise GeneratorError(f"{text!r} is both a history version and a git revision "
                                 f"({commit[:12]}); write version:{text} or rev:{text}")
        return Version("version", text)
    if commit:
        return Version("rev", text, commit)
    raise GeneratorError(f"{text!r} names neither a history version (MAJOR.MINOR, such as 1.1) "
                         f"nor a git revision of {display_path(folder)} (a commit, a tag, HEAD~1)")


def render_version(version: Version, folder: Path, document: str, builder: Builder) -> bytes:
    """The .docx of `document` of the assignment in `folder`, as it stood at `version`."""
    if version.source == "version":
        return render_history_version(folder, document, version.name, builder=builder)
    if version.source == "rev":
        return render_revision(folder, document, version, builder)
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


def render_revision(folder: Path, document: str, version: Version, builder: Builder) -> bytes:
    """Extract the assignment folder at a git revision and render it with today's generator."""
    root = _git(["rev-parse", "--show-toplevel"], folder).strip()
    relative = folder.resolve().relative_to(Path(root).resolve())
    with tempfile.TemporaryDirectory(prefix="interim-redline-") as temp:
        archive = _git_bytes(["archive", "--format=tar", version.commit, "--", str(relative)],
                             Path(root), what=f"{display_path(folder)} at {version.name}")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(temp, filter="data")
        copy = Path(temp) / relative
        when = _git(["log", "-1", "--format=%ct", version.commit, "--", str(relative)], folder)
        with _source_date_epoch(when.strip()):
            return render_document(copy, document, builder)


def render_document(folder: Path, document: str, builder: Builder) -> bytes:
    """The .docx of one document (`handbook`, `progress-2027-02-19`) of an assignment folder."""
    return builder.docx(document_job(folder, document, builder.firm))


def document_job(folder: Path, document: str, firm: Firm | None = None) -> Job:
    """The job that writes `document` of the assignment in `folder`, as the sources stand,
    offered by `firm` (by default the firm of the project holding `folder`)."""
    return named_job(load_assignment(folder, firm=firm), document)


def _commit(name: str, folder: Path) -> str:
    """The commit `name` resolves to in the repository holding `folder`, else ""."""
    if not name or name.startswith("-"):
        return ""
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                     f"{name}^{{commit}}"], folder).strip()
    except GeneratorError:
        return ""


def _git(args: list[str], cwd: Path) -> str:
    return _git_bytes(args, cwd, what=display_path(cwd)).decode("utf-8", "replace")


def _git_bytes(args: list[str], cwd: Path, *, what: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True,
                              timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GeneratorError(f"git could not read {what}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GeneratorError(f"git could not read {what}: "
                             f"{message[-1] if message else 'exit ' + str(done.returncode)}")
    return done.stdout


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
