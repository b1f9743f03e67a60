"""The sources as they stood when a returned file was made, and what became of each value.

A client may send version 1.1 back weeks later, when the sources have moved on: a typo
corrected in place, lines added above a value, a value amended by a dated change. The
file is mapped against its version rendered from the sources *as sent*, found by the
content digest in its properties: today's sources first, then the commit its properties
name (`source-commit`), then the last commits touching the assignment (`MAX_REVISIONS`),
each rendered as of the version's date with today's generator (as `interim redline
--from <rev>` renders one, `redline.versions.extracted`) until one gives that digest.

Each value an item lies in is then found again in today's sources (`Since`): the same
file, the same key path, the same text. Unchanged, the item is placed at its line of today
and applies there; changed since (or amended by a dated change after the version's date),
it is reported with what it reads now and left open. When no revision renders the file's
digest (uncommitted sources, another generator), today's rendering stands in, said so,
and an item in a paragraph that reads otherwise today is left open: the client's typing
and a change of the sources can then not be told apart.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.delivery.build import Builder
from generator.delivery.planning import Job, named_job, plan
from generator.delivery.properties import content_digest
from generator.delivery.redline.versions import Version, extracted
from generator.delivery.review.returned import Block, Returned, read_returned
from generator.delivery.review.sources import Candidate, SourceIndex, Unit
from generator.delivery.stamps import document_stamp
from generator.errors import Diagnostic, GeneratorError
from generator.source import git, history
from generator.source.amending import canonical
from generator.source.project import FIRM_FILE, Loaded, Project, load_assignment

MAX_REVISIONS = 30
"""Commits of the assignment tried, newest first, for the sources a file was made from."""
_POSITION = re.compile(r"\.(\d+)(?=\.|$)")


@dataclass
class Rendering:
    job: Job
    blocks: list[Block]
    digest: str


@dataclass
class AsSent:
    """The version the file was made from, rendered from the sources as sent."""

    rendering: Rendering
    index: SourceIndex
    """The source map of the sources as sent (today's, or a revision's extracted copy)."""
    said: str
    since: Since
    verified: bool = True
    """False: no sources render the file's digest; today's rendering stands in."""


@dataclass
class Since:
    """Each value of the sources as sent, found again in today's sources, or why not."""

    sent: SourceIndex
    today: SourceIndex
    amended: dict[str, str] = field(default_factory=dict)
    """Key path -> the dated change after the version that amends it."""

    def __post_init__(self) -> None:
        self.now: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        self.units: dict[tuple[str, str], Unit] = {}
        for c in self.today.candidates if self.sent is not self.today else ():
            self.now[self._key(self.today, c.unit)].append(c)
            self.units.setdefault(self._key(self.today, c.unit), c.unit)

    @staticmethod
    def _key(index: SourceIndex, unit: Unit) -> tuple[str, str]:
        """A value by its file (in the assignment folder; firm.yaml as it is) and key path."""
        if unit.file.is_relative_to(index.folder):
            return unit.file.relative_to(index.folder).as_posix(), unit.key
        return str(unit.file), unit.key

    def candidate(self, c: Candidate) -> tuple[Candidate | None, str]:
        """`c` as it stands in today's sources (None: changed since), and why it cannot be
        written there ("" when it can)."""
        now = c if self.sent is self.today else self._same(c)
        amended = self.amended.get(c.unit.key)
        if now is not None:
            return now, (f"{amended} amends this value after the version the client read: "
                         "change it by hand" if amended else "")
        unit = self.unit(c)
        if unit is None:
            return None, ("the value is no longer in the sources (its key is gone): "
                          "change them by hand")
        was = _short(c.unit.value[c.vstart:c.vend])
        if unit.style == "markdown":  # one paragraph of a file: the file's start says nothing
            return None, (f"the included text changed since the file was made (it read "
                          f"“{was}”): change it by hand")
        return None, (f"the source value changed since the file was made (it read “{was}”, "
                      f"now “{_short(unit.value)}”): change it by hand")

    def _same(self, c: Candidate) -> Candidate | None:
        """Today's candidate of the same file and key printing the same text, if one."""
        text = c.unit.value[c.vstart:c.vend]
        same = [n for n in self.now.get(self._key(self.sent, c.unit), ())
                if n.printed == c.printed and n.unit.value[n.vstart:n.vend] == text]
        return same[0] if len({(n.unit, n.vstart) for n in same}) == 1 else None

    def file(self, unit: Unit) -> Path:
        """Where a file of the sources as sent stands today."""
        if unit.file.is_relative_to(self.sent.folder):
            return self.today.folder / unit.file.relative_to(self.sent.folder)
        return unit.file

    def unit(self, c: Candidate) -> Unit | None:
        """Today's value at the key of `c` (whatever it reads now)."""
        return self.units.get(self._key(self.sent, c.unit))


@contextlib.contextmanager
def as_sent(returned: Returned, loaded: Loaded, builder: Builder,
            warn: Callable[[Diagnostic], None] | None = None) -> Iterator[AsSent]:
    """The version `returned` was made from, rendered from the sources as sent (see above)."""
    props = returned.properties
    firm_file = Project.holding(loaded.folder).root / FIRM_FILE
    today = SourceIndex(loaded.folder, loaded.assignment.language, firm_file)
    if not props.get("assignment"):
        rendering, said = _closest(returned, loaded, builder)
        yield AsSent(rendering, today, said, Since(today, today))
        return
    if props["assignment"] != loaded.assignment.id:
        raise GeneratorError(f"the file was made for assignment {props['assignment']!r}, "
                             f"not {loaded.assignment.id!r}: name that assignment")
    document = props.get("document-name") or props.get("document", "")
    version, digest = props.get("version", ""), props.get("content-digest", "")
    said = (f"{document} version {version or '?'} of {props.get('date', '?')}, "
            "identified by its document properties")
    job, unknown = _version_job(loaded, document, version)
    rendering = _render(job, builder) if job else None
    if rendering and (not digest or rendering.digest == digest):
        yield AsSent(rendering, today, said, Since(today, today, _amended(loaded, job)))
        return
    for commit in _revisions(loaded.folder, props.get("source-commit", "")):
        with contextlib.ExitStack() as stack:
            try:  # a revision that cannot be extracted or read today is not this one
                copy = stack.enter_context(extracted(loaded.folder, Version("rev", commit,
                                                                            commit), warn=warn))
                found = _rendered_at(copy, document, version, digest, builder)
            except GeneratorError:
                found = None
            if found is None:
                continue
            sent = SourceIndex(copy, found.job.assignment.language, firm_file)
            since = Since(sent, today, _amended(loaded, job) if job else {})
            yield AsSent(found, sent, f"{said}; mapped against the sources as sent (commit "
                         f"{commit[:12]}): the sources have changed since", since)
            return
    if rendering is None:
        raise GeneratorError(unknown)
    yield AsSent(rendering, today, said + "; the sources have changed since it was made and "
                 "no commit renders it as sent: what reads otherwise today is left open",
                 Since(today, today, _amended(loaded, job)), verified=False)


def _version_job(loaded: Loaded, document: str, version: str) -> tuple[Job | None, str]:
    """The job rendering `version` of `document` from `loaded` (a history version as of its
    date), or None and why the sources do not know that version."""
    job = named_job(loaded, document)
    if not version or document_stamp(job).version == version:
        return job, ""
    known = history.versions(job.assignment, job.kind.id, job.instance.subject)
    dates = [v.date for v in known if v.version == version]
    if not dates:
        return None, (f"the file is {document} version {version}, which the sources no "
                      "longer know (versions: " + ", ".join(v.version for v in known) + ")")
    return named_job(loaded, document, as_of=dates[-1]), ""


def _rendered_at(copy: Path, document: str, version: str, digest: str,
                 builder: Builder) -> Rendering | None:
    """The version rendered from a revision's copy, when its text is the file's (digest)."""
    loaded = load_assignment(copy, firm=builder.firm)
    job, _ = _version_job(loaded, document, version)
    if job is None or content_digest(builder.markdown(job, pictures=False)[0]) != digest:
        return None
    return _render(job, builder)


def _revisions(folder: Path, named: str) -> list[str]:
    """The commits to try: the one the file names (made from committed sources), then the
    last ones touching the assignment; none outside git."""
    try:
        found = git.repository(Project.holding(folder).root)
        relative = found.path_of(folder) if found else None
        if found is None or relative is None:
            return []
        commits = found.commits(relative, MAX_REVISIONS)
    except (git.GitMissing, GeneratorError):
        return []
    first = [named] if named and "+" not in named and found.commit(named) else []
    return list(dict.fromkeys(first + commits))


def _amended(loaded: Loaded, job: Job) -> dict[str, str]:
    """Values amended by a dated change after the version's date, by key path: what the
    client read there is no longer the plan (`execution.changes[].amends`)."""
    day = document_stamp(job).date
    a = loaded.assignment
    out: dict[str, str] = {}
    for change in a.execution.changes if a.execution else ():
        if change.date > day:
            for path in change.amends:
                key = _POSITION.sub(lambda m: f"[{int(m[1]) - 1}]", canonical(path))
                out.setdefault(key, f"change {change.id} of {change.date}")
    return out


def _closest(returned: Returned, loaded: Loaded, builder: Builder) -> tuple[Rendering, str]:
    """Without properties: of every document and version, the one whose text is closest."""
    sent = [b.text for b in returned.blocks]
    best: tuple[float, Rendering, str] | None = None
    for job in plan(loaded).jobs:
        versions = history.versions(job.assignment, job.kind.id, job.instance.subject)
        for version in versions:
            dated = named_job(loaded, job.instance.name, as_of=version.date)
            rendering = _render(dated, builder)
            ratio = difflib.SequenceMatcher(None, sent, [b.text for b in rendering.blocks],
                                            autojunk=False).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, rendering, f"{job.instance.name} version {version.version}")
    if best is None:
        raise GeneratorError(f"{loaded.assignment.id} has no document to compare the file with")
    ratio, rendering, name = best
    return rendering, (f"{name}: the file carries no document properties; this is the "
                       f"version whose text is closest ({ratio:.0%} alike)")


def _render(job: Job, builder: Builder) -> Rendering:
    """The document's text as the client got it (pictures stand in: no text is in them)."""
    text, meta, images = builder.markdown(job, pictures=False)
    docx = builder.converter.convert(text, meta, base_dir=job.loaded.folder, images=images)
    return Rendering(job, read_returned(docx, job.instance.name).blocks, content_digest(text))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"

