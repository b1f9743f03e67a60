"""Phase 4: the evaluation and handover report, results set against the proposal's targets."""

from __future__ import annotations

from typing import Any

from generator.documents.kind import Gate, Instance, Kind
from generator.source import history
from generator.source.history import final_status
from generator.source.model import Assignment


def gate(a: Assignment) -> Gate:
    if not a.closing:
        return Gate(False, reason="the assignment has no `closing` yet", key="closing")
    have = {r.objective for r in a.closing.results}
    missing = [o.id for o in a.intake.objectives if o.id not in have]
    if missing:
        return Gate(False, reason="objectives without a result: " + ", ".join(missing),
                    key="closing.results")
    plan = history.amended(a).analysis
    open_ = [m.id for m in (plan.milestones if plan else []) if final_status(a, m.id) is None]
    if open_:
        key = f"closing.milestones.{open_[0]}"
        return Gate(False, reason="milestones without a final status (rule 13): "
                    + ", ".join(open_) + f"; set `{key}: done` or `not_achieved`",
                    key=key, path=("closing", "milestones", open_[0]))
    return Gate.open()


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    """`a` is the plan as amended up to the report's date (see `history.state`); the
    targets as first proposed come through the template's `trail`."""
    assert a.closing is not None
    results = {r.objective: r for r in a.closing.results}
    milestones = a.analysis.milestones if a.analysis else []
    return {
        "results": [(o, results[o.id]) for o in a.intake.objectives],
        "milestone_status": [(m, final_status(a, m.id)) for m in milestones],
    }


KIND = Kind(
    id="handover",
    template="handover.md.j2",
    gate=gate,
    context=context,
)
