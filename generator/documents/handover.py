"""Phase 4: the evaluation and handover report, results set against the proposal's targets."""

from __future__ import annotations

from typing import Any

from generator.documents.kind import Gate, Instance, Kind
from generator.documents.progress import charts, results_over_time
from generator.documents.templating import Md, inline
from generator.source import history, status
from generator.source.model import Assignment
from generator.source.status import final_status


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
    criteria = a.intake.exit_plan.criteria if a.intake.exit_plan else []
    untested = [c.id for c in criteria if c.id and c.id not in a.closing.exit_criteria]
    if untested:
        key = f"closing.exit_criteria.{untested[0]}"
        return Gate(False, reason="exit criteria without a verdict (rule 19): "
                    + ", ".join(untested) + f"; set `{key}: {{status: met}}` or `not_met`",
                    key=key, path=("closing",))
    return Gate.open()


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    """`a` is the plan as amended up to the report's date (see `history.state`); the
    targets as first proposed come through the template's `trail`."""
    assert a.closing is not None
    results = {r.objective: r for r in a.closing.results}
    milestones = a.analysis.milestones if a.analysis else []
    criteria = a.intake.exit_plan.criteria if a.intake.exit_plan else []
    verdicts = [(c, a.closing.exit_criteria[c.id]) for c in criteria
                if c.id and c.id in a.closing.exit_criteria]
    day = status.handover_date(a)
    held, over_time = results_over_time(a, None, day)
    effort = a.closing.effort
    return {
        "results": [(o, results[o.id]) for o in a.intake.objectives], "results_by_id": results,
        "milestone_status": [(m, final_status(a, m.id)) for m in milestones],
        "verdicts": verdicts,
        "unmet": Md("; ".join(inline(c.text) for c, v in verdicts if v.status == "not_met")),
        "held": held, "over_time": over_time if held else [],
        "risks": status.risks_on(a, day),
        "charts": charts(a, held, over_time, results) if held else [],
        "effort": effort and status.effort_figures(a, effort.days, effort.invoiced, day,
                                                   final=True),
    }


KIND = Kind(
    id="handover",
    template="handover.md.j2",
    gate=gate,
    context=context,
)
