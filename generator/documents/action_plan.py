"""Phase 2: the analysis and action plan, a draft until the client formally accepts it."""

from __future__ import annotations

from generator.documents.kind import Gate, Kind, accepted_plan_gate
from generator.source.model import Assignment


def gate(a: Assignment) -> Gate:
    """Before the client accepts it, the plan is built as a marked draft."""
    return accepted_plan_gate(a, Gate(True, draft=True, reason="not yet accepted by the client",
                                      key="analysis.acceptance"))


KIND = Kind(
    id="action-plan",
    template="action-plan.md.j2",
    gate=gate,
    timeline=True,
)
