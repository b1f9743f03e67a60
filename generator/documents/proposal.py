"""Phase 1: the proposal, scoping the client's expectations; it may always be built."""

from __future__ import annotations

from typing import Any

from generator.documents import Gate, Instance, Kind
from generator.model import Assignment, compute_fee


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    return {"fee": compute_fee(a.intake.terms, a.period)}


KIND = Kind(
    id="proposal",
    order=1,
    titles={"nl": "Opdrachtvoorstel", "en": "Assignment proposal"},
    template="proposal.md.j2",
    gate=lambda a: Gate.open(),
    context=context,
)
