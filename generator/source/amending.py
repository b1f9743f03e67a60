"""Changes as amendments: what one agreed change (`execution.changes[]`) does to the plan.

Any fact a later fact can change is amendable: a path names it through the model's own
records (`people.gdewit.role`, `exit_plan.successor.name`, `terms.day_rate`,
`risks.2.owner`), so a key added to the model is amendable without being listed here.
What may never change is marked on its type (`Fixed`: ids, the language, facts of the
past) and refused with the reason. Each value is read by the type of the field it names,
exactly as that field is read in the source (`records.convert`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.source.model import (
    Action,
    Analysis,
    Assignment,
    Change,
    Day,
    Evaluation,
    Intake,
    Milestone,
)
from generator.source.reading import Path_
from generator.source.records import (
    Fixed,
    Issue,
    Record,
    Ref,
    Unit,
    convert,
    fields,
    replace,
)
from generator.source.references import parts, shape

SECTIONS: tuple[tuple[str, type[Record]], ...] = (("intake", Intake), ("analysis", Analysis))
"""Sections whose keys a path names without the section: `terms.day_rate`, `milestones.M2.due`."""


@dataclass(frozen=True)
class Amendment:
    """One `path: value` of a change, with the value it replaced."""

    path: str
    """As written in the change (where its problems are reported)."""
    subject: str
    """The item amended, as the client knows it: `M2`, `D1`, a person's id, the evaluation's
    date, a risk's number; else the group (`period`, `terms`, `exit_plan`)."""
    field: str
    """What of the subject changed: `due`, `role`, `successor.name`; "" when all of it."""
    old: Any
    new: Any
    form: str
    """How the values print: date, person, people, number, money, item or text."""
    group: str = ""
    """The part of the assignment: `milestones`, `people`, `terms`, `position`..."""
    annotation: Any = field(default=None, compare=False)
    """The declared type of what the path names (its references are checked by it)."""


@dataclass(frozen=True)
class Applied:
    """What one change did to the plan: the amendments, and the items it added and dropped,
    each as (id, what it is: a milestone's title, an action's description)."""

    change: Change
    amendments: tuple[Amendment, ...] = ()
    added: tuple[tuple[str, Any], ...] = ()
    dropped: tuple[tuple[str, Any], ...] = ()


_FORMS: tuple[tuple[Any, str], ...] = (
    (Ref("person"), "person"), (Day, "date"), (Unit("money"), "money"),
    (Decimal, "number"), (int, "number"))
"""What a declared type is made of -> how its values print; the first one found wins."""


def value_form(annotation: Any) -> str:
    """How an amended value of this declared type prints (`Amendment.form`).

    Read from the type, never the field's name: a new field typed `PersonId`, `Day` or
    `Money` prints as a person, a date or money without being named here. A list prints
    as people when its items name persons, as items when they are records, else as text.
    """
    held = shape(annotation)
    if typing.get_origin(held) is list:
        (item,) = typing.get_args(held)
        return {"person": "people", "item": "item"}.get(value_form(item), "text")
    if isinstance(held, type) and issubclass(held, Record):
        return "item"
    found = list(parts(annotation))
    return next((form for marker, form in _FORMS if marker in found), "text")


# --------------------------------------------------------------------------- paths

class _Refused(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class _Target:
    """What a path names: the records and lists on the way down, and the value at its end."""

    steps: list[tuple[Any, Any]]
    """(container, field name or list index), from the assignment down."""
    annotation: Any
    old: Any
    group: str
    subject: str
    field: str


def _fixed(annotation: Any) -> Fixed | None:
    return next((p for p in parts(annotation) if isinstance(p, Fixed)), None)


def _record(annotation: Any) -> type[Record] | None:
    held = shape(annotation)
    return held if isinstance(held, type) and issubclass(held, Record) else None


def _holds_fixed(annotation: Any, seen: frozenset[type] = frozenset()) -> Fixed | None:
    """A fixed field anywhere inside a value of this type: it cannot be replaced whole."""
    held = shape(annotation)
    if typing.get_origin(held) is list:
        return _holds_fixed(typing.get_args(held)[0], seen)
    record = _record(annotation)
    if record is None or record in seen:
        return None
    for f in fields(record).values():
        found = _fixed(f.annotation) or _holds_fixed(f.annotation, seen | {record})
        if found:
            return found
    return None


def item_key(item: Any, position: int) -> str:
    """How a path names an item of a list: its id, an evaluation its date, else its
    position counted from 1 (`risks.2`)."""
    for name in ("id", "date"):
        if name in fields(type(item)):
            value = getattr(item, name)
            return value.isoformat() if isinstance(value, Day) else str(value)
    return str(position + 1)


def roots() -> list[str]:
    """The keys an `amends` path may start with (the JSON Schema tells editors)."""
    records = [Assignment, *(record for _, record in SECTIONS)]
    return [f.key for record in records for f in fields(record).values()
            if not _fixed(f.annotation)]


def canonical(path: str) -> str:
    """The path from the assignment's top: `terms.day_rate` -> `intake.terms.day_rate`."""
    first = path.partition(".")[0]
    if first in {f.key for f in fields(Assignment).values()}:
        return path
    for name, record in SECTIONS:
        if first in {f.key for f in fields(record).values()}:
            return f"{name}.{path}"
    return path


def _keyed(annotation: Any) -> bool:
    """A list whose items are named by an id or a date: changed item by item, never whole."""
    held = shape(annotation)
    item = _record(typing.get_args(held)[0]) if typing.get_origin(held) is list else None
    return item is not None and bool({"id", "date"} & set(fields(item)))


def _group(path: str) -> str:
    """The part of the assignment a path names: `terms` for `intake.terms.day_rate`."""
    head, _, rest = canonical(path).partition(".")
    return rest.partition(".")[0] if head in dict(SECTIONS) else head


def _resolve(a: Assignment, path: str) -> _Target:
    """Walk the records and lists a path names; refuse what does not exist or never changes."""
    node, annotation, rest = a, Assignment, canonical(path)
    steps: list[tuple[Any, Any]] = []
    done: list[str] = []
    group, subject, mark = _group(path), "", 0
    hidden = int(rest != path)  # the section the user left out (`intake.` of `terms.`)
    while rest:
        name = ".".join(done[hidden:]) or "the assignment"
        if _record(annotation) is not None:
            key, _, rest = rest.partition(".")
            f = _field(_record(annotation), key, path, name)
            if node is None:
                raise _Refused(f"`amends` names {path!r}, but {name} is not set at this "
                               "change", f"amend `{name}` as a whole")
            steps.append((node, f.name))
            node, annotation = getattr(node, f.name), f.annotation
            done.append(key)
            mark = len(done) if key == group and not subject else mark
        elif typing.get_origin(shape(annotation)) is list:
            keys = [item_key(item, i) for i, item in enumerate(node)]
            found = [i for i, k in enumerate(keys) if rest == k or rest.startswith(k + ".")]
            if not found:
                raise _Refused(f"`amends` names {name} {rest.partition('.')[0]!r}, which the "
                               "plan does not hold at this change",
                               "known: " + (", ".join(keys) or "none"))
            index = max(found, key=lambda i: len(keys[i]))
            steps.append((node, index))
            subject, rest = keys[index], rest[len(keys[index]) + 1:]
            node, annotation = node[index], typing.get_args(shape(annotation))[0]
            done.append(subject)
            mark = len(done)
        else:
            raise _Refused(f"`amends` names {path!r}: {name} is a value, with no keys inside",
                           f"write `{name}: new value`")
    _whole(annotation, ".".join(done[hidden:]))
    return _Target(steps, annotation, node, group, subject or group, ".".join(done[mark:]))


def _field(record: type[Record], key: str, path: str, name: str) -> Any:
    """The field `key` of a record on a path, if a change may set it."""
    declared = {f.key: f for f in fields(record).values()}
    if key not in declared:
        records = [record, *(r for _, r in SECTIONS)] if record is Assignment else [record]
        amendable = [f.key for r in records for f in fields(r).values()
                     if not _fixed(f.annotation) and f.key not in dict(SECTIONS)]
        raise _Refused(f"`amends` names {path!r}: {name} has no amendable key {key!r}",
                       "keys: " + ", ".join(amendable))
    fixed = _fixed(declared[key].annotation)
    if fixed:
        raise _Refused(f"`amends` cannot change {path!r}: {fixed.why}", fixed.instead)
    return declared[key]


def _whole(annotation: Any, name: str) -> None:
    """What a path names as a whole may be replaced unless ids or past facts are inside."""
    if _keyed(annotation):
        raise _Refused(f"`amends` cannot replace {name} as a whole: its items are named "
                       "by their id or date", f"amend one item (`{name}.<id>.<key>`); "
                       "`adds` and `drops` add and remove milestones, actions and evaluations")
    fixed = _holds_fixed(annotation)
    if fixed:
        raise _Refused(f"`amends` cannot replace {name} as a whole: {fixed.why}",
                       f"amend its keys one by one (`{name}.<key>`)")


def amendable(a: Assignment) -> Iterator[tuple[str, Any]]:
    """Every value of `a` a change may set, as (path as `amends` names it, declared type):
    found in the model's records, so what the format adds is found too."""

    def walk(value: Any, annotation: Any, path: str) -> Iterator[tuple[str, Any]]:
        record = _record(annotation)
        held = shape(annotation)
        if record is not None and value is not None:
            for f in fields(record).values():
                if not _fixed(f.annotation):
                    yield from walk(getattr(value, f.name), f.annotation, f"{path}.{f.key}")
        elif typing.get_origin(held) is list and _record(typing.get_args(held)[0]):
            for i, item in enumerate(value):
                yield from walk(item, typing.get_args(held)[0], f"{path}.{item_key(item, i)}")
        else:
            yield path.lstrip("."), annotation

    for path, annotation in walk(a, Assignment, ""):
        head, _, rest = path.partition(".")
        yield (rest if head in dict(SECTIONS) else path), annotation


def _handover_spelling(a: Assignment, path: str) -> tuple[Assignment, str]:
    """`handover_start` (the earlier spelling) and `handover.start` are one fact: a change
    names it either way, whichever way the exit plan writes it."""
    plan, named = a.intake.exit_plan, canonical(path)
    if plan is None or not named.startswith("intake.exit_plan.handover"):
        return a, path
    if named == "intake.exit_plan.handover_start":
        return a, ("exit_plan.handover.start" if plan.handover else path)
    if plan.handover is None and plan.handover_start is not None:  # into the new spelling
        plan = replace(plan, handover=plan.window(), handover_start=None)
        a = replace(a, intake=replace(a.intake, exit_plan=plan))
    return a, path


def _write(steps: list[tuple[Any, Any]], value: Any) -> Any:
    """The assignment with the value at the end of `steps` replaced, every record above
    rebuilt (records are frozen; the plan before the change stays as it was)."""
    for container, where in reversed(steps):
        if isinstance(where, int):
            items = list(container)
            items[where] = value
            value = items
        else:
            value = replace(container, **{where: value})
    return value


def _date_of(evaluation: Any, field: str) -> Day | None:
    """The date an amendment gives an evaluation (its `date`, or the whole record's)."""
    return evaluation if field == "date" else getattr(evaluation, "date", None) if not field \
        else None


def _amend(a: Assignment, change: Change, path: str, raw: Any, where: Path_,
           as_typed: Mapping[Path_, str]) -> tuple[Assignment, Amendment | None, list[Issue]]:
    """One `path: value` applied; a path that does not exist or a mistyped value is an Issue."""
    here = (*where, "amends", path)
    try:
        target = _resolve(*_handover_spelling(a, path))
    except _Refused as refused:
        return a, None, [Issue(here, str(refused), refused.hint)]
    value, issues = convert(target.annotation, raw, here, as_typed)
    if issues:
        return a, None, issues
    moved, was = (_date_of(v, target.field) for v in (value, target.old))
    if target.group == "evaluations" and moved and moved != was and moved < change.date:
        return a, None, [Issue(here, f"change {change.id} of {change.date} moves the "
                               f"evaluation of {target.subject} to {moved}, before the change",
                               "a change moves a moment still to come: date it on or after "
                               f"{change.date}, or date the change earlier")]
    amendment = Amendment(path, target.subject, target.field, target.old, value,
                          value_form(target.annotation), target.group, target.annotation)
    return _write(target.steps, value), amendment, []


# --------------------------------------------------------------------------- changes

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
        a, amendment, found = _amend(a, change, str(path), raw, where, as_typed or {})
        issues += found
        amendments += [amendment] if amendment else []
    a, added, found = _add(a, change, where)
    issues += found
    a, dropped, found = _drop(a, change, where)
    issues += found
    return a, Applied(change, tuple(amendments), added, dropped), issues


def _described(item: Milestone | Action | Evaluation) -> tuple[str, Any]:
    if isinstance(item, Milestone):
        return item.id, item.title
    if isinstance(item, Action):
        return item.id, item.description
    return item.date.isoformat(), item  # the documents name it by its date and kind


def _add(a: Assignment, change: Change, where: Path_
         ) -> tuple[Assignment, tuple[tuple[str, Any], ...], list[Issue]]:
    adds = change.adds
    analysis = a.analysis
    assert analysis is not None
    issues = [Issue((*where, "adds", "evaluations", i, "date"), f"change {change.id} of "
                    f"{change.date} adds an evaluation on {e.date}, before the change",
                    f"a change adds a moment still to come: date it on or after {change.date}")
              for i, e in enumerate(adds.evaluations) if e.date < change.date]
    analysis = replace(analysis, milestones=[*analysis.milestones, *adds.milestones],
                       actions=[*analysis.actions, *adds.actions],
                       evaluations=[*analysis.evaluations, *adds.evaluations])
    added = [*adds.milestones, *adds.actions, *adds.evaluations]
    return replace(a, analysis=analysis), tuple(_described(item) for item in added), issues


def _drop(a: Assignment, change: Change, where: Path_
          ) -> tuple[Assignment, tuple[tuple[str, Any], ...], list[Issue]]:
    """The change's `drops` taken out: each id once, of an item the plan holds before it."""
    analysis = a.analysis
    assert analysis is not None
    if not change.drops:  # the plan is not walked: a change that drops nothing costs nothing
        return a, (), []
    known = {m.id: m for m in [*analysis.milestones, *analysis.actions]}
    adding = {x.id for x in [*change.adds.milestones, *change.adds.actions]}
    issues, gone = [], []
    for i, item in enumerate(change.drops):
        here = (*where, "drops", i)
        if item in gone:
            issues.append(Issue(here, f"`drops` names {item!r} twice", "name it once"))
        elif item in adding:
            issues.append(Issue(here, f"change {change.id} adds {item!r} and drops it",
                                "remove it from both `adds` and `drops`, or split the change "
                                "in two, each with its own date"))
        elif item not in known:
            issues.append(Issue(here, f"`drops` names {item!r}, which the plan does not hold "
                                "at this change", "known: " + ", ".join(sorted(known))))
        else:
            gone.append(item)
    analysis = replace(analysis, milestones=[m for m in analysis.milestones if m.id not in gone],
                       actions=[x for x in analysis.actions if x.id not in gone])
    return replace(a, analysis=analysis), tuple(_described(known[d]) for d in gone), issues
