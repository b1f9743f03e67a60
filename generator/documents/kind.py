"""What a document kind is: its gate, its instances, the context its template sees.

Kinds read only the validated model, never YAML, and hand their template a plain context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.source.firm import Firm
from generator.source.kind_ids import KindId
from generator.source.model import Assignment


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


def accepted_plan_gate(a: Assignment, unaccepted: Gate) -> Gate:
    """The gate of a document of the accepted plan (action plan, handbook): refused without
    a plan (`plan_gate`), `unaccepted` until the client accepts it, then open. One gate, so
    the documents of the plan cannot disagree on when it exists."""
    refused = plan_gate(a)
    if refused:
        return refused
    assert a.analysis is not None
    return unaccepted if not a.analysis.acceptance else Gate.open()


@dataclass(frozen=True)
class Instance:
    """One file to write: the proposal, or the progress report of one evaluation moment."""

    name: str
    subject: Any = None


def single(assignment: Assignment, kind_id: KindId) -> list[Instance]:
    return [Instance(kind_id)]


@dataclass(frozen=True)
class Kind:
    """A document kind; see the modules of this package for the five the format defines.

    Its title is the terms' entry `titles.<id>` (templates/<language>/terms.yaml), text
    beside the rest of the fixed text of a language.
    """

    id: KindId
    template: str
    gate: Callable[[Assignment], Gate]
    context: Callable[[Assignment, Instance], dict[str, Any]] = lambda a, i: {}
    offering: Callable[[Assignment, Firm], dict[str, Any]] = lambda a, firm: {}
    """What the template sees of what the firm offers on the assignment (the proposal's
    fee, VAT and standing terms): firm.yaml is an input beside the assignment."""
    instances: Callable[[Assignment, str], list[Instance]] = single
    instance_gate: Callable[[Assignment, Instance], Gate | None] = lambda a, i: None
    """A refusal of one instance alone (the report of a phase gate without its decision)."""
    timeline: bool = False
    dated: bool = False
    """One document per date (progress reports): its header and cover carry that date,
    so two reports of one assignment never look alike."""
    memo: bool = False
    """A memo: one opening block (its context's `evaluation`) instead of a cover page,
    document control and contents (a progress report, read in two pages)."""

