"""Phase 3: one progress report per evaluation moment held (`execution.progress`)."""

from __future__ import annotations

from typing import Any

from generator.documents import Gate, Instance, Kind
from generator.model import Assignment, Progress


def gate(a: Assignment) -> Gate:
    if not a.execution or not a.execution.progress:
        return Gate(False, reason="no evaluation moment has been held yet",
                    key="execution.progress")
    return Gate.open()


def instances(a: Assignment, kind_id: str) -> list[Instance]:
    assert a.execution is not None
    return [Instance(f"{kind_id}-{p.evaluation.isoformat()}", p) for p in a.execution.progress]


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    entry: Progress = instance.subject
    assert a.analysis is not None and a.execution is not None
    evaluation = next(e for e in a.analysis.evaluations if e.date == entry.evaluation)
    changes = [c for c in a.execution.changes if c.date == entry.evaluation]
    statuses = [(m, entry.milestones.get(m.id, "planned")) for m in a.analysis.milestones]
    return {"entry": entry, "evaluation": evaluation, "changes": changes, "statuses": statuses}


KIND = Kind(
    id="progress",
    order=4,
    titles={"nl": "Voortgangsrapport", "en": "Progress report"},
    template="progress.md.j2",
    gate=gate,
    instances=instances,
    context=context,
    reported_date=lambda a, i: i.subject.evaluation,
    dated=True,
)
