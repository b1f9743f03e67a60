"""The document kinds: what each document is, when it may be built, what its template sees.

Each kind is one module in this package defining `KIND`; adding a module and
its template adds a document, nothing else. Kinds read only the validated
model, never YAML, and hand their template a plain context.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from generator.model import Assignment, Milestone, Objective
from generator.records import Record, fields


@dataclass(frozen=True)
class Gate:
    """Whether a document may be built now: allowed, allowed as a draft, or refused."""

    allowed: bool
    draft: bool = False
    reason: str = ""
    key: str = ""
    path: tuple[str | int, ...] = ()
    """The key's place in the source, when the refusal is located (`closing.milestones.M3`)."""

    @classmethod
    def open(cls) -> Gate:
        return cls(True)


def plan_gate(a: Assignment) -> Gate | None:
    """The refusal every document of the action plan shares: no milestones, no plan."""
    if not a.analysis or not a.analysis.milestones:
        return Gate(False, reason="the analysis has no milestones yet",
                    key="analysis.milestones")
    return None


@dataclass(frozen=True)
class PlanShown:
    """The milestones and objectives a report sets its statuses and results against."""

    milestones: list[Milestone]
    objectives: list[Objective]


def plan_as_of(a: Assignment, day: datetime.date) -> PlanShown:
    """The plan as agreed changes left it on `day`: the one place progress and handover
    reports take milestones and targets from (the history engineer's amended plan,
    generator/history.py, replaces this body when merged).

    Here: the accepted plan, with the milestones that changes up to `day` add, drop
    or amend (`milestones.<id>.<field>`, `objectives.<id>.<field>`).
    """
    milestones = list(a.analysis.milestones) if a.analysis else []
    objectives = list(a.intake.objectives)
    changes = [c for c in a.execution.changes if c.date <= day] if a.execution else []
    for change in changes:
        milestones = [m for m in milestones + change.adds.milestones if m.id not in change.drops]
        for path, value in change.amends.items():
            kind, _, rest = str(path).partition(".")
            item_id, _, field = rest.rpartition(".")
            if kind == "milestones":
                milestones = [_amended(m, field, value) if m.id == item_id else m
                              for m in milestones]
            elif kind == "objectives":
                objectives = [_amended(o, field, value) if o.id == item_id else o
                              for o in objectives]
    return PlanShown(milestones, objectives)


R = TypeVar("R", bound=Record)


def _amended(record: R, field: str, value: Any) -> R:
    """A copy of `record` with one field changed; a value the field cannot hold keeps it."""
    if field not in fields(type(record)):
        return record
    values = {name: getattr(record, name) for name in fields(type(record))}
    try:
        return type(record)(**{**values, field: value})
    except (ValueError, TypeError):
        return record


@dataclass(frozen=True)
class Instance:
    """One file to write: the proposal, or the progress report of one evaluation moment."""

    name: str
    subject: Any = None


def single(assignment: Assignment, kind_id: str) -> list[Instance]:
    return [Instance(kind_id)]


@dataclass(frozen=True)
class Kind:
    """A document kind; see the modules of this package for the five the format defines."""

    id: str
    order: int
    titles: Mapping[str, str]
    template: str
    gate: Callable[[Assignment], Gate]
    context: Callable[[Assignment, Instance], dict[str, Any]] = lambda a, i: {}
    instances: Callable[[Assignment, str], list[Instance]] = single
    reported_date: Callable[[Assignment, Instance], Any] = lambda a, i: None
    """The newest date the document reports on: the last fallback for its printed date."""
    timeline: bool = False

    def title(self, language: str) -> str:
        return self.titles[language]


@cache
def kinds() -> dict[str, Kind]:
    """Every kind in this package, in the order of the assignment's phases."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        kind = getattr(importlib.import_module(f"{__name__}.{module.name}"), "KIND", None)
        if isinstance(kind, Kind):
            found.append(kind)
    return {k.id: k for k in sorted(found, key=lambda k: k.order)}
