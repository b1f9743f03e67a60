"""The document kinds: what each document is, when it may be built, what its template sees.

Each kind is one module in this package defining `KIND`; adding a module and
its template adds a document, nothing else. Kinds read only the validated
model, never YAML, and hand their template a plain context.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.model import Assignment


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
    timeline: bool = False
    dated: bool = False
    """One document per date (progress reports): its header and cover carry that date,
    so two reports of one assignment never look alike."""

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
