"""Phase 2: the analysis and action plan, a draft until the client formally accepts it."""

from __future__ import annotations

from generator.documents.kind import Gate, Kind, plan_gate
from generator.source.model import Assignment


def gate(a: Assignment) -> Gate:
    refused = plan_gate(a)
    if refused:
        return refused
    assert a.analysis is not None
    if not a.analysis.acceptance:
        return Gate(True, draft=True, reason="not yet accepted by the client",
                    key="analysis.acceptance")
    return Gate.open()


KIND = Kind(
    id="action-plan",
    template="action-plan.md.j2",
    gate=gate,
    timeline=True,
)
