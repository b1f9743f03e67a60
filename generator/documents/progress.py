"""Phase 3: one progress report per evaluation moment held (`execution.progress`)."""

from __future__ import annotations

from typing import Any

from generator.documents.kind import Gate, Instance, Kind
from generator.documents.timeline.chart import Chart, ChartPoint
from generator.source import history, status
from generator.source.model import Assignment, Change, Measurement, Objective, Progress, Result
from generator.source.status import last_status


def gate(a: Assignment) -> Gate:
    if not a.execution or not a.execution.progress:
        return Gate(False, reason="no evaluation moment has been held yet",
                    key="execution.progress")
    return Gate.open()


def instances(a: Assignment, kind_id: str) -> list[Instance]:
    assert a.execution is not None
    return [Instance(f"{kind_id}-{p.evaluation.isoformat()}", p) for p in a.execution.progress]


def instance_gate(a: Assignment, instance: Instance) -> Gate | None:
    """Rule 16: the report of a phase gate held says go, go with conditions or stop."""
    entry: Progress = instance.subject
    plan = history.amended(a, entry.evaluation)
    kinds = {e.date: e.kind for e in plan.analysis.evaluations} if plan.analysis else {}
    if kinds.get(entry.evaluation) != "phase_gate" or entry.gate is not None:
        return None
    assert a.execution is not None
    index = next(i for i, p in enumerate(a.execution.progress) if p is entry)
    return Gate(False, reason=f"the phase gate of {entry.evaluation} takes no decision; set "
                "`gate: go`, `go_with_conditions` or `stop` in its progress entry",
                key="execution.progress[].gate", path=("execution", "progress", index))


def results_over_time(a: Assignment, entry: Progress | None, day: Any
                      ) -> tuple[list[Progress], list[tuple[Objective, list[Measurement | None]]]]:
    """Each evaluation reported by `day` that measured something, and per objective its
    measurement at each of them (None where it was not measured then)."""
    held = [p for p in status.entries(a) if history.report_date(p) <= day
            and (entry is None or p.evaluation <= entry.evaluation) and p.measurements]
    rows = [(o, [p.measurements.get(o.id) for p in held]) for o in a.intake.objectives]
    return held, rows


def charts(a: Assignment, held: list[Progress],
           over_time: list[tuple[Objective, list[Measurement | None]]],
           final: dict[str, Result] | None = None) -> list[Chart]:
    """A chart for each objective whose target and values read as numbers of one unit in
    the document's language (`status.figure`); a value that does not read is left out,
    an objective with no value that reads gets no chart."""
    found = []
    for o, values in over_time:
        target = status.figure(o.target, a.language)
        if target is None:
            continue
        result = (final or {}).get(o.id)
        texts = [(None, o.baseline, "baseline")]
        texts += [(p.evaluation, m.value if m else None, "measured") for p, m in zip(
            held, values, strict=True)]
        texts += [(status.handover_date(a), result.value, "result")] if result else []
        points = [ChartPoint(day, read[1], kind) for day, text, kind in texts
                  if (read := status.figure(text, a.language)) and not read[0]
                  and read[2] == target[2]]
        if any(pt.kind != "baseline" for pt in points):
            found.append(Chart(f"chart-{o.id}.png", o.id, tuple(points), target[0],
                               target[1], str(o.target)))
    return found


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
    approved: list[Change] = [c for c in a.execution.changes if c.date == entry.evaluation]
    # one approved on the evaluation's day is one of its decisions: said there, not twice
    changes = [c for c in a.execution.changes
               if (since is None or c.date > since) and c not in approved]
    held, over_time = results_over_time(a, entry, history.report_date(entry))
    statuses = [(m, last_status(a, m.id, entry.evaluation) or "planned")
                for m in a.analysis.milestones]
    effort = entry.effort and status.effort_figures(
        a, entry.effort.days, entry.effort.invoiced, entry.evaluation)
    return {"entry": entry, "evaluation": evaluation, "changes": changes,
            "approved": approved, "glance": status.at_a_glance(a, entry),
            "statuses": statuses, "held": held, "over_time": over_time if held else [],
            "charts": charts(a, held, over_time) if held else [],
            "effort": effort, "risks": status.risks_on(a, entry.evaluation),
            "next_evaluation": upcoming[0] if upcoming else None,
            "previous_evaluation": since}


KIND = Kind(
    id="progress",
    template="progress.md.j2",
    gate=gate,
    instances=instances,
    instance_gate=instance_gate,
    context=context,
    dated=True,
    memo=True,
)
