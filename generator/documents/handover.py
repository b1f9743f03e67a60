"""Phase 4: the evaluation and handover report, results set against the proposal's targets."""

from __future__ import annotations

from typing import Any

from generator.documents import Gate, Instance, Kind
from generator.model import Assignment


def gate(a: Assignment) -> Gate:
    if not a.closing:
        return Gate(False, reason="the assignment has no `closing` yet", key="closing")
    have = {r.objective for r in a.closing.results}
    missing = [o.id for o in a.intake.objectives if o.id not in have]
    if missing:
        return Gate(False, reason="objectives without a result: " + ", ".join(missing),
                    key="closing.results")
    return Gate.open()


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    assert a.closing is not None
    results = {r.objective: r for r in a.closing.results}
    last: dict[str, str] = {}
    if a.execution:
        for entry in sorted(a.execution.progress, key=lambda p: p.evaluation):
            last.update(entry.milestones)
    last.update(a.closing.milestones)
    milestones = a.analysis.milestones if a.analysis else []
    return {
        "results": [(o, results[o.id]) for o in a.intake.objectives],
        "milestone_status": [(m, last.get(m.id, "planned")) for m in milestones],
    }


KIND = Kind(
    id="handover",
    order=5,
    titles={"nl": "Evaluatie- en overdrachtsrapport", "en": "Evaluation and handover report"},
    template="handover.md.j2",
    gate=gate,
    context=context,
)
