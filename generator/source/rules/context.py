"""What every rule sees and shares: the model, where its values stand, where to report."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Report
from generator.source.firm import NEUTRAL_FIRM, Firm
from generator.source.model import Assignment, Person
from generator.source.reading import Path_, Source
from generator.source.records import Record
from generator.source.references import Reference, references


@dataclass
class Context:
    """What each rule sees: the model, where its values stand, and where to report."""

    assignment: Assignment
    source: Source
    folder: Path
    report: Report
    style_exists: Callable[[str], object] | None = None
    """Whether the brand template has a paragraph style; None when validate has no firm."""
    firm: Firm = field(default_factory=lambda: NEUTRAL_FIRM)
    """The firm that offers the assignment: its country and standing terms."""

    def error(self, path: Path_, message: str, hint: str = "") -> None:
        self.report.error(self.source.locate(path), message, hint)

    def warning(self, path: Path_, message: str, hint: str = "") -> None:
        self.report.warning(self.source.locate(path), message, hint)

    def people(self) -> dict[str, Person]:
        return {p.id: p for p in self.assignment.people}


Rule = Callable[[Context], None]


def unique(ctx: Context, where: Path_ | str, values: Sequence[str], key: str = "id") -> None:
    path: Path_ = (where,) if isinstance(where, str) else where
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            ctx.error((*path, i, key), f"duplicate {key} {value!r}",
                      f"each {key} under {'.'.join(map(str, path))} must be unique")
        seen.add(value)


def suggest(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if guess:
        return f"did you mean {guess[0]!r}?"
    return "known: " + ", ".join(known) if known else ""


def unknown_references(value: Record | Any, where: Path_, kind: str, known: Iterable[str],
                       annotation: Any = None) -> Iterator[Reference]:
    """The references to a `kind` in `value` (written at `where`) that name none of `known`.

    Found by the types the model declares (`PersonId`, `MilestoneId`...), never by key names;
    `annotation` is the value's declared type, a record's own class when not given.
    """
    known = set(known)  # a generator would be used up by the first lookup
    return (r for r in references(value, where, annotation)
            if r.kind == kind and r.value not in known)
