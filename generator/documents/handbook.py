"""Phase 3: the assignment handbook, the action plan as formally accepted and then executed."""

from __future__ import annotations

from generator.documents.kind import Gate, Kind, accepted_plan_gate
from generator.source.model import Assignment


def gate(a: Assignment) -> Gate:
    """No handbook before the acceptance: it is the plan as accepted (--draft builds one)."""
    return accepted_plan_gate(a, Gate(
        False, reason="the action plan has not been formally accepted: add "
        "`analysis.acceptance` (version, accepted_on, accepted_by), or build a marked draft "
        "with --draft", key="analysis.acceptance"))


KIND = Kind(
    id="handbook",
    template="handbook.md.j2",
    gate=gate,
    timeline=True,
)
