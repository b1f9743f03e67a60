"""What may be built of an assignment now, and what not yet: the jobs of a run."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.documents import Gate, Instance, Kind, kinds
from generator.errors import GeneratorError, display_path
from generator.source import history
from generator.source.model import Assignment
from generator.source.project import Loaded


@dataclass(frozen=True)
class Job:
    """One document to write."""

    loaded: Loaded
    kind: Kind
    instance: Instance
    draft: bool
    as_of: datetime.date | None = None
    """Build the document as it stood on this date (`--as-of`); None: as the sources stand."""

    @property
    def assignment(self) -> Assignment:
        return self.loaded.assignment

    @property
    def filename(self) -> str:
        return f"{self.instance.name}.docx"

    def folder(self, out_dir: Path) -> Path:
        """`OUT/<id>/`, or `OUT/<id>/as-of-<D>/`: a past state never overwrites the current."""
        folder = out_dir / self.assignment.id
        return folder / f"as-of-{self.as_of.isoformat()}" if self.as_of else folder


@dataclass(frozen=True)
class Skipped:
    """A document not built, and why (naming the key that is missing)."""

    assignment_id: str
    kind: str
    reason: str
    key: str = ""
    where: str = ""
    """`file:line:col: ` of the key to set, when the refusal is located."""

    def __str__(self) -> str:
        return f"{self.where}{self.assignment_id}: {self.kind} skipped: {self.reason}"


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def plan(loaded: Loaded, only: Iterable[str] = (), *, draft: bool = False,
         as_of: datetime.date | None = None) -> Plan:
    """What may be built of one assignment now, and what not yet; `only` limits the kinds.

    With `as_of`, each document as it stood on that date: what was not known then is not
    built (a handbook before its acceptance, a report before its evaluation).
    """
    wanted = list(only) or list(kinds())
    unknown = [k for k in wanted if k not in kinds()]
    if unknown:
        raise GeneratorError(f"unknown document kind {unknown[0]!r}; known: "
                             + ", ".join(kinds()))
    result = Plan()
    a = loaded.assignment if as_of is None else history.as_of(loaded.assignment, as_of)
    for kind_id in wanted:
        kind = kinds()[kind_id]
        gate = (_known_on(loaded.assignment, kind_id, as_of) if as_of else None) \
            or kind.gate(a)
        if not gate.allowed and not (draft and gate.key == "analysis.acceptance"):
            where = f"{loaded.locate(gate.path)}: " if gate.path and loaded.locate else ""
            when = f" (as of {as_of})" if as_of is not None else ""
            result.skipped.append(Skipped(a.id, kind_id, gate.reason + when, gate.key, where))
            continue
        marked = gate.draft or not gate.allowed
        for instance in kind.instances(a, kind.id):
            refused = kind.instance_gate(a, instance)
            if refused and not draft:
                where = f"{loaded.locate(refused.path)}: " if loaded.locate else ""
                result.skipped.append(Skipped(a.id, instance.name, refused.reason,
                                              refused.key, where))
            else:
                result.jobs.append(Job(loaded, kind, instance, marked or bool(refused), as_of))
    return result


def named_job(loaded: Loaded, document: str, *, draft: bool = False,
              as_of: datetime.date | None = None) -> Job:
    """The job that writes `document` (`handbook`, `progress-2027-02-19`), as of `as_of`;
    refused, saying why, when the sources do not allow it then. The one way a single
    document is picked, for a redline's versions and `Builder.document`."""
    kind = "progress" if document.startswith("progress-") else document
    planned = plan(loaded, [kind], draft=draft, as_of=as_of)
    for job in planned.jobs:
        if job.instance.name == document:
            return job
    a = loaded.assignment
    refused = [s for s in planned.skipped if s.kind in (kind, document)]
    if refused:
        raise GeneratorError(f"{a.id}: {document} cannot be built from "
                             f"{display_path(loaded.folder)}: {refused[0].reason}")
    known = ", ".join(job.instance.name for job in planned.jobs) or "none"
    when = f" as of {as_of}" if as_of else ""
    raise GeneratorError(f"{a.id} has no document {document!r}{when} "
                         f"(documents of that kind: {known})")


def _known_on(a: Assignment, kind_id: str, day: datetime.date) -> Gate | None:
    """A refusal when the document's defining fact (the acceptance of the handbook, ...) comes
    after `day`: the document did not exist yet."""
    fact = history.defining_date(a, kind_id)
    if fact is not None and fact > day:
        return Gate(False, reason=f"it did not exist yet on {day} (first fact: {fact})",
                    key="--as-of")
    return None
