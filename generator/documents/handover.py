"""Phase 4: the evaluation and handover report, results set against the proposal's targets."""

from __future__ import annotations

import datetime
from typing import Any

from generator.documents import Gate, Instance, Kind, plan_as_of
from generator.model import Assignment, final_status


def gate(a: Assignment) -> Gate:
    if not a.closing:
        return Gate(False, reason="the assignment has no `closing` yet", key="closing")
    have = {r.objective for r in a.closing.results}
    missing = [o.id for o in a.intake.objectives if o.id not in have]
    if missing:
        return Gate(False, reason="objectives without a result: " + ", ".join(missing),
                    key="closing.results")
    open_ = [m.id for m in plan_as_of(a, closing_date(a)).milestones
             if final_status(a, m.id) is None]
    if open_:
        key = f"closing.milestones.{open_[0]}"
        return Gate(False, reason="milestones without a final status (rule 13): "
                    + ", ".join(open_) + f"; set `{key}: done` or `not_achieved`",
                    key=key, path=("closing", "milestones", open_[0]))
    return Gate.open()


def closing_date(a: Assignment) -> datetime.date:
    """The day the report closes on: the evaluation session, else the end of the period."""
    session = a.closing.evaluation_session if a.closing else None
    return session.date if session else a.period.end


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    assert a.closing is not None
    day = closing_date(a)
    plan = plan_as_of(a, day)
    results = {r.objective: r for r in a.closing.results}
    baseline = {o.id: o for o in a.intake.objectives}
    changes = [c for c in a.execution.changes if c.date <= day] if a.execution else []
    amended_by = {str(path).split(".")[1]: c.id for c in changes for path in c.amends
                  if str(path).startswith("objectives.") and str(path).endswith(".target")}
    return {
        "results": [(baseline[o.id], o, results[o.id], amended_by.get(o.id))
                    for o in plan.objectives],
        "milestone_status": [(m, final_status(a, m.id)) for m in plan.milestones],
    }


KIND = Kind(
    id="handover",
    order=5,
    titles={"nl": "Evaluatie- en overdrachtsrapport", "en": "Evaluation and handover report"},
    template="handover.md.j2",
    gate=gate,
    context=context,
    reported_date=lambda a, i: closing_date(a),
)
