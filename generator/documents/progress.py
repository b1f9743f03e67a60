"""Phase 3: one progress report per evaluation moment held (`execution.progress`)."""

from __future__ import annotations

from typing import Any

from generator.documents.kind import Gate, Instance, Kind
from generator.source import history
from generator.source.history import last_status
from generator.source.model import Assignment, Progress

SHORT_REPORT_ROWS = 20
"""Up to this many milestones, measurements, decisions, changes and next steps together,
a progress report fits on a few pages and a contents page would only stand in the way."""


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
    evaluations = sorted(a.analysis.evaluations, key=lambda e: e.date)
    evaluation = next(e for e in evaluations if e.date == entry.evaluation)
    upcoming = [e for e in evaluations if e.date > entry.evaluation]
    earlier = [p for p in a.execution.progress if p.evaluation < entry.evaluation]
    # `a` knows the changes up to the report's date and shows the plan they leave: list
    # each one the previous report did not (also one agreed after the evaluation, before
    # a later report date)
    since = max((history.report_date(p) for p in earlier), default=None)
    changes = [c for c in a.execution.changes if since is None or c.date > since]
    latest: dict[str, str] = {}
    for p in sorted([*earlier, entry], key=lambda p: p.evaluation):
        latest.update(p.measurements)
    measured = [(o, latest.get(o.id)) for o in a.intake.objectives]
    statuses = [(m, last_status(a, m.id, entry.evaluation) or "planned")
                for m in a.analysis.milestones]
    rows = len(statuses) + len(latest) + len(entry.decisions) + len(changes) \
        + len(entry.next_steps)
    return {"entry": entry, "evaluation": evaluation, "changes": changes,
            "statuses": statuses, "measured": measured if latest else [],
            "next_evaluation": upcoming[0] if upcoming else None,
            "previous_evaluation": since, "short": rows <= SHORT_REPORT_ROWS}


KIND = Kind(
    id="progress",
    template="progress.md.j2",
    gate=gate,
    instances=instances,
    context=context,
    dated=True,
)
