"""Rules on what the reports of execution and closing say: effort used, measurements a
report can know on its date, phase-gate decisions, evaluations without a report, the
exit criteria tested at the closing, and the risks the progress entries update."""

from __future__ import annotations

from decimal import Decimal

from generator.source import history, status
from generator.source.model import Effort
from generator.source.reading import Path_
from generator.source.rules.context import Context, suggest, unique


def _day(day: object) -> str:
    """`2027-04-02` -> "2 April 2027", as the issue's reader says it."""
    return f"{day:%-d %B %Y}"


def rule_effort(ctx: Context) -> None:
    """14. Effort is cumulative: it never decreases from one report to the next, nor at the
    closing; a projection over the estimate by more than 10 %, with no change amending the
    estimate, is a warning naming the evaluation."""
    a = ctx.assignment
    last: tuple[Effort, str] | None = None
    progress = a.execution.progress if a.execution else []
    for i, entry in sorted(enumerate(progress), key=lambda e: e[1].evaluation):
        if entry.effort is None:
            continue
        where = ("execution", "progress", i, "effort")
        _not_less(ctx, where, entry.effort, last)
        last = (entry.effort, f"the evaluation of {entry.evaluation}")
        plan, applied = history.amendments(a, entry.evaluation, ctx.source.as_typed)
        figures = status.effort_figures(plan, entry.effort.days, entry.effort.invoiced,
                                        entry.evaluation)
        re_estimated = any(x.path in status.ESTIMATE_PATHS for done in applied
                           for x in done.amendments)
        if figures.over and not re_estimated:
            ctx.warning((*where, "days"), f"at the evaluation of {entry.evaluation} the "
                        f"projection at completion is {figures.projected_days} days, more than "
                        f"10 % over the estimate of {figures.estimate_days} days",
                        "agree a change amending the estimate (`amends: {terms.estimated_days: "
                        "...}`), or explain the overrun in the report")
    if a.closing and a.closing.effort is not None:
        _not_less(ctx, ("closing", "effort"), a.closing.effort, last)


def _not_less(ctx: Context, where: Path_, effort: Effort,
              before: tuple[Effort, str] | None) -> None:
    if before is None:
        return
    earlier, when = before
    pairs: list[tuple[str, Decimal | None, Decimal | None]] = [
        ("days", effort.days, earlier.days), ("invoiced", effort.invoiced, earlier.invoiced)]
    for key, now, then in pairs:
        if now is not None and then is not None and now < then:
            ctx.error((*where, key), f"{key} {now} is less than {then} at {when}",
                      "effort is cumulative since the start: give the total to date")


def rule_measured_by_the_report(ctx: Context) -> None:
    """15. A measurement covers no day after the date of the document reporting it."""
    a = ctx.assignment
    for i, entry in enumerate(a.execution.progress if a.execution else []):
        day = history.report_date(entry)
        for objective, m in entry.measurements.items():
            if m.measured is not None and m.measured > day:
                _too_late(ctx, ("execution", "progress", i, "measurements", objective,
                                "measured"), objective, m.measured, day, "progress report")
    if a.closing:
        day = status.handover_date(a)
        for i, result in enumerate(a.closing.results):
            if result.measured is not None and result.measured > day:
                _too_late(ctx, ("closing", "results", i, "measured"), result.objective,
                          result.measured, day, "handover report")


def _too_late(ctx: Context, where: Path_, objective: str, measured: object, day: object,
              document: str) -> None:
    ctx.error(where, f"the figure of {objective} covers up to {measured}, after the "
              f"{document}'s date {day}: a figure up to {_day(measured)} cannot be known on "
              f"{_day(day)}", f"give the last day the figure covers, on or before {day} "
              "(a month not closed yet: report the last closed month)")


def rule_gates_and_reports(ctx: Context) -> None:
    """16. A phase gate held takes a decision; every agreed evaluation between the first
    report and the closing has its report."""
    a = ctx.assignment
    progress = a.execution.progress if a.execution else []
    for i, entry in enumerate(progress):
        plan = history.amended(a, entry.evaluation, ctx.source.as_typed)
        kinds = {e.date: e.kind for e in plan.analysis.evaluations} if plan.analysis else {}
        where = ("execution", "progress", i)
        if kinds.get(entry.evaluation) == "phase_gate" and entry.gate is None:
            ctx.warning(where, f"the evaluation of {entry.evaluation} is a phase gate and its "
                        "report takes no decision; that progress report will not build",
                        "add `gate: go`, `go_with_conditions` (with `conditions:`) or `stop`")
        elif entry.gate is not None and kinds.get(entry.evaluation) != "phase_gate":
            ctx.error((*where, "gate"), f"the evaluation of {entry.evaluation} is no phase "
                      "gate", "remove `gate:`, or agree the evaluation as `kind: phase_gate`")
        if entry.gate == "go_with_conditions" and not entry.conditions:
            ctx.error((*where, "gate"), "`go_with_conditions` names no conditions",
                      "add `conditions:` with one item per condition")
    _evaluations_reported(ctx)


def _evaluations_reported(ctx: Context) -> None:
    a = ctx.assignment
    held = sorted(p.evaluation for p in (a.execution.progress if a.execution else []))
    if not held:
        return
    end = history.closing_date(a) if a.closing else held[-1]
    plan = history.amended(a, end, ctx.source.as_typed)
    written = a.analysis.evaluations if a.analysis else []
    for evaluation in plan.analysis.evaluations if plan.analysis else []:
        day = evaluation.date
        if evaluation.kind == "final" or not held[0] < day < (end or day) or day in held:
            continue
        place = next((("analysis", "evaluations", i) for i, e in enumerate(written)
                      if e.date == day), ("execution", "progress"))
        kind = evaluation.kind.replace("_", " ")
        ctx.warning(place, f"the evaluation of {_day(day)} ({kind}) has no report",
                    f"add an `execution.progress` entry with `evaluation: {day}`, or move "
                    "the evaluation by a change if it was not held")


def rule_exit_criteria(ctx: Context) -> None:
    """17. The handover tests each exit criterion: every one with an id gets a verdict
    (a warning here, a refusal of the handover); a successor who starts after the
    assignment ends leaves no overlap for the handover."""
    a = ctx.assignment
    plan = a.intake.exit_plan
    if plan is None:
        return
    where = ("intake", "exit_plan")
    ids = [c.id for c in plan.criteria if c.id is not None]
    unique(ctx, (*where, "criteria"), [c.id or f"#{i}" for i, c in enumerate(plan.criteria)])
    end = history.amended(a).period.end
    successor = plan.successor
    if successor and successor.start and successor.start > end:
        ctx.warning((*where, "successor", "start"), f"the successor starts on "
                    f"{successor.start}, after the assignment ends on {end}: no overlap for "
                    "the handover", "plan the start on or before the end, or extend the period")
    if not a.closing:
        return
    for key in a.closing.exit_criteria:
        if key not in ids:
            ctx.error(("closing", "exit_criteria", key), f"unknown exit criterion {key!r}",
                      suggest(key, ids) or "give the criterion an id: `{id: X1, text: ...}`")
    for i, criterion in enumerate(plan.criteria):
        if criterion.id is None:
            ctx.warning((*where, "criteria", i), "this exit criterion has no id: the handover "
                        "cannot test it", "write it as `{id: X1, text: ...}` and give its "
                        "verdict in `closing.exit_criteria`")
        elif criterion.id not in a.closing.exit_criteria:
            # at `exit_criteria:` when written (even empty), else at `closing:`
            ctx.warning(("closing", "exit_criteria"), f"exit criterion {criterion.id} has no "
                        "verdict; the handover report will not build", "set `closing."
                        f"exit_criteria.{criterion.id}: {{status: met}}` or `not_met`, with "
                        "`evidence:`")


def rule_no_silent_gaps(ctx: Context) -> None:
    """18. A section a client expects is never silently missing from a document the phase
    allows: a warning names the key; the document still builds, without that section."""
    a = ctx.assignment
    manager = a.person(a.interim_manager) if a.interim_manager in ctx.people() else None
    gaps: list[tuple[Path_, str, str]] = []
    if manager is not None and not manager.profile:
        place = next(("people", i) for i, p in enumerate(a.people) if p is manager)
        gaps.append((place, "the proposal has no interim manager profile",
                     f"add `profile:` to {manager.id} in `people`"))
    if not a.intake.approach:
        gaps.append((("intake",), "the proposal has no approach", "add `intake.approach`"))
    for i, entry in enumerate(a.execution.progress if a.execution else []):
        for key in ("summary", "next_steps"):
            if not getattr(entry, key):
                gaps.append((("execution", "progress", i), f"the progress report of "
                             f"{entry.evaluation} has no {key.replace('_', ' ')}",
                             f"add `{key}:` to its entry"))
    if a.closing:
        for key in ("summary", "effort"):
            if not getattr(a.closing, key):
                gaps.append((("closing",), f"the handover report has no {key}",
                             f"add `closing.{key}`"))
    for path, message, hint in gaps:
        ctx.warning(path, message, hint)


def rule_handover_consistency(ctx: Context) -> None:
    """19. The handover does not contradict itself: a result judged partly or not met
    whose value meets the target as amended (both numbers, or a deadline the value's day
    keeps: `status.meets`), or a knowledge transfer due after the end of the assignment,
    is a warning."""
    a = ctx.assignment
    if not a.closing:
        return
    final = history.amended(a)
    targets = {o.id: o.target for o in final.intake.objectives}
    for i, result in enumerate(a.closing.results):
        target = targets.get(result.objective)
        if result.status != "met" and status.meets(result.value, target, a.language):
            ctx.warning(("closing", "results", i, "status"), f"{result.objective} is judged "
                        f"{result.status}, but its value {result.value} meets the target "
                        f"{target}", "set `status: met`, or correct the value")
    for i, transfer in enumerate(a.closing.knowledge_transfer):
        if not transfer.done and transfer.due and transfer.due > final.period.end:
            ctx.warning(("closing", "knowledge_transfer", i, "due"), f"the knowledge "
                        f"transfer is due {transfer.due}, after the assignment ends on "
                        f"{final.period.end}", "plan it before the end, or hand it over as "
                        "an open item with its new owner")


def rule_risk_updates(ctx: Context) -> None:
    """22. Risk ids are unique; a progress entry updates only risks of the plan as
    amended up to its evaluation, by their id."""
    a = ctx.assignment
    risks = a.analysis.risks if a.analysis else []
    unique(ctx, ("analysis", "risks"), [r.id or f"#{i}" for i, r in enumerate(risks)])
    for i, entry in enumerate(a.execution.progress if a.execution else []):
        if not entry.risks:
            continue
        plan = history.amended(a, entry.evaluation, ctx.source.as_typed).analysis
        ids = [r.id for r in (plan.risks if plan else []) if r.id]
        for key in entry.risks:
            if key not in ids:
                ctx.error(("execution", "progress", i, "risks", key), f"unknown risk {key!r} "
                          f"in the plan as amended up to {entry.evaluation}",
                          suggest(key, ids) or "give the risk an id in `analysis.risks`: "
                          "`- id: R1`")
