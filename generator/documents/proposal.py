"""Phase 1: the proposal, scoping the client's expectations; it may always be built."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.documents.kind import Gate, Instance, Kind
from generator.source.model import Assignment, compute_fee


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    """The fee with what a reader needs to redo it: calendar days and weeks of the period.

    Weeks are shown to one decimal (166 days: 23.7 weeks), so 4 x 23.7 visibly gives
    the 95 days charged, where a reader counting whole weeks would get 96.
    """
    calendar_days = (a.period.end - a.period.start).days + 1
    weeks = (Decimal(calendar_days) / 7).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    manager = a.person(a.interim_manager)
    return {
        "fee": compute_fee(a.intake.terms, a.period),
        "calendar_days": calendar_days,
        "weeks": weeks,
        "start_form": "d MMMM" if a.period.start.year == a.period.end.year else "long",
        "profile": manager.profile,
    }


KIND = Kind(
    id="proposal",
    template="proposal.md.j2",
    gate=lambda a: Gate.open(),
    context=context,
)
