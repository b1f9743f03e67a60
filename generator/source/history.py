"""The assignment's history: the plan as amended up to a date, what is known on a date, versions.

The accepted action plan is the baseline and is never rewritten; each agreed change
(`execution.changes[]`) amends, adds to or drops from it. A document dated D reports
only the facts known on D, and the plan as amended by the changes up to D. These are
small pure functions on the model (FORMAT.md, "Versions, dates and the assignment's
history"); the rules use them to check each change, the documents to show the plan.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from generator.source.model import (
    Action,
    Assignment,
    Change,
    Day,
    Evaluation,
    ExitPlan,
    Milestone,
    Objective,
    Period,
    Progress,
    Terms,
)
from generator.source.reading import Path_
from generator.source.records import Issue, Record, Ref, Unit, convert, fields, replace
from generator.source.references import parts, shape

VERSION = re.compile(r"(\d+)\.(\d+)")
PLAN_KINDS = frozenset({"handbook", "progress", "handover"})
"""Documents showing the plan as amended up to their date; the action plan shows the baseline."""


# --------------------------------------------------------------------------- amendments

@dataclass(frozen=True)
class Amendment:
    """One `path: value` of a change, with the value it replaced."""

    path: str
    subject: str
    """The item amended, as the client knows it: `M2`, `D1`, the evaluation's date, `period`."""
    field: str
    old: Any
    new: Any
    form: str
    """How the values print: date, person, people, number, money or text."""


@dataclass(frozen=True)
class Applied:
    """What one change did to the plan: the amendments, and the items it added and dropped,
    each as (id, what it is: a milestone's title, an action's description)."""

    change: Change
    amendments: tuple[Amendment, ...] = ()
    added: tuple[tuple[str, Any], ...] = ()
    dropped: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class _Collection:
    """A list of the plan an amendment may name by id: where it lives and which fields."""

    record: type[Record]
    allowed: tuple[str, ...]
    get: Callable[[Assignment], list[Any]]
    put: Callable[[Assignment, list[Any]], Assignment]
    key: Callable[[Any], str]


def _analysis_list(name: str) -> tuple[Callable[[Assignment], list[Any]],
                                       Callable[[Assignment, list[Any]], Assignment]]:
    def get(a: Assignment) -> list[Any]:
        return list(getattr(a.analysis, name)) if a.analysis else []

    def put(a: Assignment, items: list[Any]) -> Assignment:
        assert a.analysis is not None
        return replace(a, analysis=replace(a.analysis, **{name: items}))

    return get, put


def _put_objectives(a: Assignment, items: list[Any]) -> Assignment:
    return replace(a, intake=replace(a.intake, objectives=items))


def _editable(record: type[Record]) -> tuple[str, ...]:
    return tuple(f.key for f in fields(record).values() if f.name != "id")


COLLECTIONS: dict[str, _Collection] = {
    "milestones": _Collection(Milestone, _editable(Milestone), *_analysis_list("milestones"),
                              key=lambda m: m.id),
    "actions": _Collection(Action, _editable(Action), *_analysis_list("actions"),
                           key=lambda x: x.id),
    "objectives": _Collection(Objective, ("target", "due", "measure"),
                              lambda a: list(a.intake.objectives), _put_objectives,
                              key=lambda o: o.id),
    "evaluations": _Collection(Evaluation, ("date", "participants"),
                               *_analysis_list("evaluations"), key=lambda e: e.date.isoformat()),
}


def _set_period_end(a: Assignment, value: Any) -> Assignment:
    return replace(a, period=replace(a.period, end=value))


def _set_handover_start(a: Assignment, value: Any) -> Assignment:
    plan = a.intake.exit_plan or ExitPlan()
    return replace(a, intake=replace(a.intake, exit_plan=replace(plan, handover_start=value)))


def _set_term(name: str) -> Callable[[Assignment, Any], Assignment]:
    def put(a: Assignment, value: Any) -> Assignment:
        return replace(a, intake=replace(a.intake, terms=replace(a.intake.terms, **{name: value})))

    return put


SINGLE: dict[str, tuple[type[Record], Callable[[Assignment], Any],
                        Callable[[Assignment, Any], Assignment]]] = {
    "period.end": (Period, lambda a: a.period.end, _set_period_end),
    "exit_plan.handover_start": (
        ExitPlan, lambda a: a.intake.exit_plan and a.intake.exit_plan.handover_start,
        _set_handover_start),
    **{f"terms.{name}": (Terms, lambda a, n=name: getattr(a.intake.terms, n), _set_term(name))
       for name in ("day_rate", "days_per_week", "estimated_days")},
}
"""Amendable values that are not items of a list: path -> (record, read, write)."""

AMENDABLE_HINT = ("paths: milestones.<id>.<field>, actions.<id>.<field>, "
                  "objectives.<id>.target|due|measure, evaluations.<date>.date|participants, "
                  + ", ".join(SINGLE))
_FORMS: tuple[tuple[Any, str], ...] = (
    (Ref("person"), "person"), (Day, "date"), (Unit("money"), "money"),
    (Decimal, "number"), (int, "number"))
"""What a declared type is made of -> how its values print; the first one found wins."""


def value_form(annotation: Any) -> str:
    """How an amended value of this declared type prints (`Amendment.form`).

    Read from the type, never the field's name: a new field typed `PersonId`, `Day` or
    `Money` prints as a person, a date or money without being named here. A list prints
    as people when its items name persons, else as text (objective ids).
    """
    held = shape(annotation)
    if typing.get_origin(held) is list:
        (item,) = typing.get_args(held)
        return "people" if value_form(item) == "person" else "text"
    found = list(parts(annotation))
    return next((form for marker, form in _FORMS if marker in found), "text")


def _annotation(record: type[Record], key: str) -> Any:
    return next(f for f in fields(record).values() if f.key == key).annotation


def _amend(a: Assignment, path: str, raw: Any, where: Path_,
           as_typed: Mapping[Path_, str]) -> tuple[Assignment, Amendment | None, list[Issue]]:
    """One `path: value` applied; a path that does not exist or a mistyped value is an Issue."""
    here = (*where, "amends", path)
    if path in SINGLE:
        record, read, write = SINGLE[path]
        name = path.rsplit(".", 1)[1]
        annotation = _annotation(record, name)
        value, issues = convert(annotation, raw, here, as_typed)
        if issues:
            return a, None, issues
        subject = path.split(".", 1)[0]
        amendment = Amendment(path, subject, name, read(a), value, value_form(annotation))
        return write(a, value), amendment, []
    collection_name, _, rest = path.partition(".")
    item_id, _, name = rest.rpartition(".")
    collection = COLLECTIONS.get(collection_name)
    if collection is None or not item_id:
        return a, None, [Issue(here, f"`amends` cannot name {path!r}", AMENDABLE_HINT)]
    items = collection.get(a)
    index = next((i for i, item in enumerate(items) if collection.key(item) == item_id), None)
    if index is None:
        known = ", ".join(collection.key(item) for item in items) or "none"
        return a, None, [Issue(here, f"`amends` names {collection_name} {item_id!r}, which "
                               "the plan does not hold at this change", f"known: {known}")]
    if name not in collection.allowed:
        return a, None, [Issue(here, f"`amends` cannot change {collection_name} field "
                               f"{name!r}", "fields: " + ", ".join(collection.allowed))]
    annotation = _annotation(collection.record, name)
    value, issues = convert(annotation, raw, here, as_typed)
    if issues:
        return a, None, issues
    old = getattr(items[index], _attribute(collection.record, name))
    items[index] = replace(items[index], **{_attribute(collection.record, name): value})
    amendment = Amendment(path, item_id, name, old, value, value_form(annotation))
    return collection.put(a, items), amendment, []


def _attribute(record: type[Record], key: str) -> str:
    return next(f.name for f in fields(record).values() if f.key == key)


def apply_change(a: Assignment, change: Change, where: Path_ = (),
                 as_typed: Mapping[Path_, str] | None = None
                 ) -> tuple[Assignment, Applied, list[Issue]]:
    """The plan after one change, what it did, and what could not be applied.

    `where` is the change's place in the source (`execution.changes.<i>`): problems are
    reported there, and `as_typed` (the source's) lets text values print as typed.
    Parts that cannot be applied are left out; the rest is applied.
    """
    issues: list[Issue] = []
    amendments = []
    if a.analysis is None:
        return a, Applied(change), [Issue(where, f"change {change.id} amends a plan that "
                                          "does not exist yet", "add `analysis:` first")]
    for path, raw in change.amends.items():
        a, amendment, found = _amend(a, str(path), raw, where, as_typed or {})
        issues += found
        amendments += [amendment] if amendment else []
    a, added = _add(a, change)
    a, dropped, found = _drop(a, change, where)
    issues += found
    return a, Applied(change, tuple(amendments), added, dropped), issues


def _described(item: Milestone | Action | Evaluation) -> tuple[str, Any]:
    if isinstance(item, Milestone):
        return item.id, item.title
    if isinstance(item, Action):
        return item.id, item.description
    return item.date.isoformat(), item  # the documents name it by its date and kind


def _add(a: Assignment, change: Change) -> tuple[Assignment, tuple[tuple[str, Any], ...]]:
    adds = change.adds
    analysis = a.analysis
    assert analysis is not None
    analysis = replace(analysis, milestones=[*analysis.milestones, *adds.milestones],
                       actions=[*analysis.actions, *adds.actions],
                       evaluations=[*analysis.evaluations, *adds.evaluations])
    added = [*adds.milestones, *adds.actions, *adds.evaluations]
    return replace(a, analysis=analysis), tuple(_described(item) for item in added)


def _drop(a: Assignment, change: Change, where: Path_
          ) -> tuple[Assignment, tuple[tuple[str, Any], ...], list[Issue]]:
    analysis = a.analysis
    assert analysis is not None
    known = {m.id: m for m in [*analysis.milestones, *analysis.actions]}
    issues = [Issue((*where, "drops", i), f"`drops` names {item!r}, which the plan does not "
                    "hold at this change", "known: " + ", ".join(sorted(known)))
              for i, item in enumerate(change.drops) if item not in known]
    gone = set(change.drops)
    analysis = replace(analysis, milestones=[m for m in analysis.milestones if m.id not in gone],
                       actions=[x for x in analysis.actions if x.id not in gone])
    dropped = tuple(_described(known[d]) for d in change.drops if d in known)
    return replace(a, analysis=analysis), dropped, issues


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
