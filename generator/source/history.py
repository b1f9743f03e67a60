"""The assignment's history: the plan as amended up to a date, what is known on a date, versions.

The accepted action plan is the baseline and is never rewritten; each agreed change
(`execution.changes[]`) amends, adds to or drops from it. A document dated D reports
only the facts known on D, and the plan as amended by the changes up to D. These are
small pure functions on the model (FORMAT.md, "Versions, dates and the assignment's
history"); the rules use them to check each change, the documents to show the plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from generator.source.amending import (  # noqa: F401 (re-exported: what a change did)
    Amendment,
    Applied,
    apply_change,
    value_form,
)
from generator.source.model import Assignment, Change, Day, Progress
from generator.source.reading import Path_
from generator.source.records import replace

VERSION = re.compile(r"(\d+)\.(\d+)")
PLAN_KINDS = frozenset({"handbook", "progress", "handover"})
"""Documents showing the plan as amended up to their date; the action plan shows the baseline."""


def changes_up_to(a: Assignment, day: Day | None = None) -> list[tuple[int, Change]]:
    """The changes agreed on or before `day` (all when None), with their place in the source."""
    if not a.execution:
        return []
    return [(i, c) for i, c in enumerate(a.execution.changes) if day is None or c.date <= day]


def amended(a: Assignment, day: Day | None = None,
            as_typed: Mapping[Path_, str] | None = None) -> Assignment:
    """The plan as amended by the changes agreed up to `day` (all when None)."""
    return amendments(a, day, as_typed)[0]


def amendments(a: Assignment, day: Day | None = None,
               as_typed: Mapping[Path_, str] | None = None
               ) -> tuple[Assignment, list[Applied]]:
    """The amended plan, and what each change up to `day` did to it (the change log)."""
    applied = []
    if a.analysis is None:
        return a, []
    for i, change in changes_up_to(a, day):
        a, done, _ = apply_change(a, change, ("execution", "changes", i), as_typed)
        applied.append(done)
    return a, applied


def trail(applied: Iterable[Applied], subject: str, field: str, current: Any
          ) -> tuple[Any, list[tuple[str, Any]]]:
    """A value as first set (before any change), then (change id, new value) per amendment."""
    steps = [(done.change.id, x) for done in applied for x in done.amendments
             if x.subject == subject and x.field == field]
    return (steps[0][1].old if steps else current), [(cid, x.new) for cid, x in steps]


# --------------------------------------------------------------------------- as of a date

def closing_date(a: Assignment) -> Day | None:
    """The handover report's defining fact: its evaluation session, else the final evaluation."""
    if a.closing and a.closing.evaluation_session:
        return a.closing.evaluation_session.date
    finals = [e.date for e in (a.analysis.evaluations if a.analysis else []) if e.kind == "final"]
    return finals[0] if finals else None


def as_of(a: Assignment, day: Day) -> Assignment:
    """The assignment as it was known on `day`: no review, acceptance, report or change later."""
    changes = {}
    if a.analysis:
        acceptance = a.analysis.acceptance
        changes["analysis"] = replace(
            a.analysis, reviews=[r for r in a.analysis.reviews if r.date <= day],
            acceptance=acceptance if acceptance and acceptance.accepted_on <= day else None)
    if a.execution:
        changes["execution"] = replace(
            a.execution, progress=[p for p in a.execution.progress if report_date(p) <= day],
            changes=[c for _, c in changes_up_to(a, day)])
    closed = closing_date(a)
    if a.closing and (closed is None or closed > day):
        changes["closing"] = None
    return replace(a, **changes)


def report_date(entry: Progress) -> Day:
    """A progress report's date: its own, else its evaluation's."""
    return entry.date or entry.evaluation


def defining_date(a: Assignment, kind: str, subject: Any = None) -> Day | None:
    """The fact a document cannot be dated before (None: it has no dated defining fact)."""
    if kind == "handbook" and a.analysis and a.analysis.acceptance:
        return a.analysis.acceptance.accepted_on
    if kind == "progress" and isinstance(subject, Progress):
        return subject.evaluation
    if kind == "handover":
        return closing_date(a)
    if kind in ("proposal", "action-plan"):  # the plan is dated as the proposal until reviewed
        return a.intake.first_contact
    return None


# --------------------------------------------------------------------------- versions

@dataclass(frozen=True)
class Version:
    """One version of a document: its number, date, and what it holds new (history table)."""

    version: str
    date: Day
    changes: tuple[Change, ...] = ()


def next_minor(version: str) -> str:
    """1.9 -> 1.10: versions are MAJOR.MINOR numbers, not decimals."""
    match = VERSION.fullmatch(version)
    if not match:
        return version
    return f"{match.group(1)}.{int(match.group(2)) + 1}"


def handbook_versions(a: Assignment) -> list[Version]:
    """The acceptance, then one minor version per date on which changes were agreed."""
    if not a.analysis or not a.analysis.acceptance:
        return []
    acceptance = a.analysis.acceptance
    found = [Version(acceptance.version, acceptance.accepted_on)]
    changes = sorted((c for _, c in changes_up_to(a)), key=lambda c: c.date)
    for day, group in groupby(changes, key=lambda c: c.date):
        found.append(Version(next_minor(found[-1].version), day, tuple(group)))
    return found


def version(a: Assignment, kind: str) -> str:
    """The version a document carries, derived from what `a` knows (see FORMAT.md)."""
    pinned = a.documents.of(kind).version if kind != "progress" else None
    if kind == "handbook" and a.analysis and a.analysis.acceptance:
        return handbook_versions(a)[-1].version
    if kind == "action-plan" and a.analysis and a.analysis.acceptance:
        return a.analysis.acceptance.version
    return pinned or "1.0"


def natural_date(a: Assignment, kind: str, subject: Any, undated: Day) -> Day:
    """A document's date from the newest fact it reports; `undated` for the proposal's."""
    analysis = a.analysis
    if kind == "handbook" and handbook_versions(a):
        return handbook_versions(a)[-1].date
    if kind == "handbook":  # a --draft before the acceptance: the plan as submitted, its date
        return natural_date(a, "action-plan", subject, undated)
    if kind == "action-plan" and analysis and analysis.acceptance:
        return analysis.acceptance.accepted_on
    if kind == "action-plan" and analysis and analysis.reviews:
        return max(r.date for r in analysis.reviews)
    if kind == "progress" and isinstance(subject, Progress):
        return report_date(subject)
    if kind == "handover":
        return closing_date(a) or a.period.end
    return undated


def pinned_date(a: Assignment, kind: str, subject: Any = None) -> Day | None:
    """The date a source pins for a document: an "as of" for it."""
    if kind == "progress":
        return subject.date if isinstance(subject, Progress) else None
    return a.documents.of(kind).date


@dataclass(frozen=True)
class State:
    """A document as it stands: what it knows, its date and its version."""

    assignment: Assignment
    """As known on the date; the plan amended up to it for the documents that show it."""
    date: Day
    version: str
    applied: tuple[Applied, ...] = ()
    """What each change up to the date did to the plan (documents showing the amended plan)."""


def state(a: Assignment, kind: str, subject: Any = None, *, undated: Day,
          as_of_day: Day | None = None, as_typed: Mapping[Path_, str] | None = None) -> State:
    """The document of `kind` as of its date, or as of `as_of_day` when that is earlier.

    `undated` is the date of a document with no dated fact (the proposal): the build's
    SOURCE_DATE_EPOCH, last commit or first contact.
    """
    pin = pinned_date(a, kind, subject)
    limit = min((d for d in (pin, as_of_day) if d is not None), default=None)
    view = as_of(a, limit) if limit is not None else a
    day = pin or natural_date(view, kind, subject, undated)
    if as_of_day is not None:
        day = min(day, as_of_day)
    view = as_of(a, day)  # a document knows what was known on its date, and nothing later
    applied: list[Applied] = []
    if kind in PLAN_KINDS:
        view, applied = amendments(view, as_typed=as_typed)
    return State(view, day, version(view, kind), tuple(applied))


def versions(a: Assignment, kind: str, subject: Any = None, *,
             undated: Day | None = None) -> list[Version]:
    """The versions of a document, oldest first: what `interim redline --from 1.1` names.

    Build one with `Builder.document(loaded, kind, as_of=v.date)`.
    """
    if kind == "handbook" and handbook_versions(a):
        pin = pinned_date(a, kind)
        return [v for v in handbook_versions(a) if pin is None or v.date <= pin]
    now = state(a, kind, subject, undated=undated or a.period.start)
    return [Version(now.version, now.date)]


@dataclass(frozen=True)
class HistoryRow:
    """One row of the document-control block's history table."""

    version: str
    date: Day
    event: str
    """acceptance, review, submitted, change, issue or draft: which words the template uses."""
    subject: Any = None


def table(a: Assignment, kind: str, subject: Any, current: str, day: Day, *,
          draft: bool = False) -> list[HistoryRow]:
    """The control block's history: the handbook's versions, the action plan's reviews and
    acceptance, else the document's one row (`current` version of `day`): issued, or for a
    marked draft (a handbook before its acceptance, `--draft`) a draft, never "issued"."""
    if kind == "handbook" and a.analysis and a.analysis.acceptance:
        versions = handbook_versions(a)
        return [HistoryRow(versions[0].version, versions[0].date, "acceptance",
                           a.analysis.acceptance),
                *(HistoryRow(v.version, v.date, "change", v.changes) for v in versions[1:])]
    if kind == "action-plan" and a.analysis:
        rows = [HistoryRow("", r.date, "review", r) for r in a.analysis.reviews]
        acceptance = a.analysis.acceptance
        if acceptance is None:
            return [*rows, HistoryRow(current, day, "submitted")]
        return [*rows, HistoryRow(acceptance.version, acceptance.accepted_on, "acceptance",
                                  acceptance)]
    return [HistoryRow(current, day, "draft" if draft else "issue", subject)]


def ids_together(a: Assignment) -> Iterable[str]:
    """Milestone and action ids of the baseline and of every addition: one namespace."""
    if a.analysis:
        yield from (m.id for m in a.analysis.milestones)
        yield from (x.id for x in a.analysis.actions)
    for _, change in changes_up_to(a):
        yield from (m.id for m in change.adds.milestones)
        yield from (x.id for x in change.adds.actions)
