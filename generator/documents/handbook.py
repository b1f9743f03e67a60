"""Phase 3: the assignment handbook, the action plan as formally accepted and then executed."""

from __future__ import annotations

from generator.documents.kind import Gate, Kind, plan_gate
from generator.source.model import Assignment


def gate(a: Assignment) -> Gate:
    refused = plan_gate(a)
    if refused:
        return refused
    assert a.analysis is not None
    if not a.analysis.acceptance:
        return Gate(False, reason="the action plan has not been formally accepted: add "
                    "`analysis.acceptance` (version, accepted_on, accepted_by), or build a "
                    "marked draft with --draft", key="analysis.acceptance")
    return Gate.open()


KIND = Kind(
    id="handbook",
    template="handbook.md.j2",
    gate=gate,
    timeline=True,
)
