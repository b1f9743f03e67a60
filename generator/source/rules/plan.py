"""Rules 4-7 and 9: the plan's dates, exit plan, objectives, milestones, evaluations and terms.

They run on the plan as written and again on each plan a change leaves (see execution)."""

from __future__ import annotations

import datetime
from collections.abc import Container, Iterable, Set

from generator.source.model import Action, Evaluation, ExitPlan, Milestone, Objective
from generator.source.reading import Path_
from generator.source.rules.context import Context, suggest, unique, unknown_references

FINAL_EVALUATION_GRACE = datetime.timedelta(days=90)
HANDOVER_LEAD = datetime.timedelta(days=14)


def rule_dates(ctx: Context) -> None:
    """4. The period is positive and everything planned falls inside it."""
    a = ctx.assignment
    if period_sound(ctx) and a.analysis:
        dates_inside(ctx, enumerate(a.analysis.milestones), enumerate(a.analysis.actions),
                     enumerate(a.analysis.evaluations))


def period_sound(ctx: Context) -> bool:
    """4. The period ends after it starts (else nothing can be said to fall inside it)."""
    start, end = ctx.assignment.period.start, ctx.assignment.period.end
    if end <= start:
        ctx.error(("period", "end"), f"period ends ({end}) no later than it starts ({start})",
                  "period.end must come after period.start")
    return end > start


def dates_inside(ctx: Context, milestones: Iterable[tuple[int, Milestone]],
                 actions: Iterable[tuple[int, Action]],
                 evaluations: Iterable[tuple[int, Evaluation]]) -> None:
    """4. for these items (with their place): each date inside the (sound) period. Apart so
    that a change's plan is checked for the items it touches only (rules.amended)."""
    start, end = ctx.assignment.period.start, ctx.assignment.period.end

    def inside(path: Path_, day: datetime.date | None, what: str,
               grace: datetime.timedelta = datetime.timedelta(0)) -> None:
        if day is not None and not start <= day <= end + grace:
            last = end + grace
            ctx.error(path, f"{what} {day} falls outside the period {start} – {end}",
                      f"move it between {start} and {last} or extend the period")

    for i, m in milestones:
        inside(("analysis", "milestones", i, "due"), m.due, f"milestone {m.id}")
    for i, action in actions:
        inside(("analysis", "actions", i, "start"), action.start, f"action {action.id} start")
        inside(("analysis", "actions", i, "due"), action.due, f"action {action.id} due")
        if action.start and action.due and action.due < action.start:
            ctx.error(("analysis", "actions", i, "due"),
                      f"action {action.id} is due before it starts", "swap the dates")
    for i, ev in evaluations:
        grace = FINAL_EVALUATION_GRACE if ev.kind == "final" else datetime.timedelta(0)
        inside(("analysis", "evaluations", i, "date"), ev.date, "evaluation", grace)


def rule_exit_plan(ctx: Context) -> None:
    """5. No interim assignment without a clear exit plan."""
    a = ctx.assignment
    plan = a.intake.exit_plan
    if plan is None:
        ctx.error(("intake",), "the exit plan is missing",
                  "add `exit_plan:` under intake with criteria, successor and handover: "
                  "without an exit plan there is no interim assignment")
        return
    where = ("intake", "exit_plan")
    if not plan.criteria:
        ctx.error(where, "the exit plan has no criteria", "add at least one `criteria:` item")
    if plan.successor is None:
        ctx.error(where, "the exit plan names no successor",
                  "add `successor:` with a name or role and a status")
    elif not (plan.successor.name or plan.successor.role):
        ctx.error((*where, "successor"), "the successor has neither name nor role",
                  "give `name:` when known, else `role:`")
    elif plan.successor.status == "known" and not plan.successor.name:
        ctx.warning((*where, "successor"), "successor status is `known` but no name is given",
                    "add `name:`")
    _handover(ctx, plan)


def _handover(ctx: Context, plan: ExitPlan) -> None:
    """5. The handover lies inside the period. Starting it 14 days before the end is advice a
    real assignment may not follow (a five-day handover): a warning the user can keep."""
    a, where = ctx.assignment, ("intake", "exit_plan")
    window = plan.window()
    if plan.handover and plan.handover_start:
        ctx.error((*where, "handover_start"), "the handover is written twice: `handover` and "
                  "`handover_start`", "keep `handover: {start: ..., end: ...}` only")
    if window is None:
        ctx.error(where, "the exit plan has no handover",
                  "add `handover: {start: YYYY-MM-DD, end: YYYY-MM-DD}`")
        return
    start, end = a.period.start, a.period.end
    at = (*where, "handover", "start") if plan.handover else (*where, "handover_start")
    if end <= start:
        return
    if not start <= window.start <= end:
        ctx.error(at, f"handover starts {window.start}, outside the period {start} – {end}",
                  f"choose a date between {start} and {end}")
    elif window.end is not None and not window.start <= window.end <= end:
        ctx.error((*where, "handover", "end"), f"handover ends {window.end}, outside "
                  f"{window.start} – {end} (its start to the period's end)",
                  f"end it between {window.start} and {end}, or extend the period")
    elif window.start > end - HANDOVER_LEAD:
        ctx.warning(at, f"handover starts {window.start}, {(end - window.start).days} days "
                    f"before the period ends {end}: less than the 14 advised",
                    "keep it if that is how the handover goes; else start it by "
                    f"{end - HANDOVER_LEAD}")


def rule_objectives_and_milestones(ctx: Context) -> None:
    """6. Objectives are measurable and served; milestones serve, have an owner and a test."""
    a = ctx.assignment
    milestones = a.analysis.milestones if a.analysis else []
    actions = a.analysis.actions if a.analysis else []
    served = {o for m in milestones for o in m.objectives} | \
        {x.objective for x in actions if x.objective}
    objectives_served(ctx, served)
    if not a.analysis:
        return
    unique(ctx, ("analysis", "milestones"), [m.id for m in milestones])
    unique(ctx, ("analysis", "actions"), [x.id for x in actions])
    objectives = {o.id for o in a.intake.objectives}
    for i, m in enumerate(milestones):
        milestone_sound(ctx, ("analysis", "milestones", i), m, objectives)
    known = {m.id for m in milestones}
    for i, action in enumerate(actions):
        action_refers(ctx, ("analysis", "actions", i), action, known, objectives)


def objectives_served(ctx: Context, served: Container[str]) -> None:
    """6. for the objectives: measurable, unique, each served by a milestone or action when
    the plan has milestones (before the plan, or in a plan of actions only, none is asked)."""
    a = ctx.assignment
    unique(ctx, ("intake", "objectives"), [o.id for o in a.intake.objectives])
    for i, o in enumerate(a.intake.objectives):
        _measurable(ctx, ("intake", "objectives", i), o)
    if not (a.analysis and a.analysis.milestones):
        return
    for i, o in enumerate(a.intake.objectives):
        if o.id not in served:
            ctx.error(("intake", "objectives", i, "id"),
                      f"objective {o.id} is served by no milestone",
                      f"list {o.id} under `objectives:` of a milestone, or name it as "
                      "an action's `objective:`")


def action_refers(ctx: Context, path: Path_, action: Action, milestones: Set[str],
                  objectives: Set[str]) -> None:
    """6. for one action: a milestone or an objective, each one the plan knows."""
    if action.milestone and action.objective:
        ctx.error((*path, "objective"), f"action {action.id} names a milestone and an "
                  "objective", f"keep one: milestone {action.milestone} says which "
                  "objectives it serves")
    for kind, ids in (("milestone", milestones), ("objective", objectives)):
        for ref in unknown_references(action, path, kind, ids):
            ctx.error(ref.path, f"action {action.id} refers to unknown {kind} "
                      f"{ref.value!r}", suggest(ref.value, ids))


def _measurable(ctx: Context, path: Path_, o: Objective) -> None:
    """An objective says how it is measured, what counts as success, and where it starts."""
    if not o.measure:
        ctx.error(path, f"objective {o.id} has no measure",
                  "add `measure:`: how is it measured?")
    if not o.target:
        ctx.error(path, f"objective {o.id} has no target",
                  "add `target:`: what value is success?")
    if not o.baseline:
        ctx.warning(path, f"objective {o.id} has no baseline",
                    "add `baseline:` so the result can be compared with the start")


def milestone_sound(ctx: Context, path: Path_, m: Milestone, objectives: set[str]) -> None:
    """A milestone serves known objectives, has an owner and a criterion a client can check."""
    if not m.objectives:
        ctx.error(path, f"milestone {m.id} serves no objective",
                  "add `objectives: [...]` with objective ids")
    for ref in unknown_references(m, path, "objective", objectives):
        ctx.error(ref.path, f"milestone {m.id} serves unknown objective {ref.value!r}",
                  suggest(ref.value, objectives))
    if not m.owner:
        ctx.error(path, f"milestone {m.id} has no owner", "add `owner:` with a person id")
    if not m.acceptance:
        ctx.error(path, f"milestone {m.id} has no acceptance criterion",
                  "add `acceptance:`: how will the client see it is reached?")
    elif len(m.acceptance.split()) < 4:
        ctx.warning((*path, "acceptance"), f"the acceptance criterion of {m.id} is very "
                    "short", "say in a full sentence what is checked")


def rule_evaluations(ctx: Context) -> None:
    """7. Evaluation moments are agreed before execution starts."""
    a = ctx.assignment
    if not a.analysis:
        return
    evaluations = a.analysis.evaluations
    acceptance = a.analysis.acceptance
    if acceptance and not evaluations:
        ctx.error(("analysis", "acceptance"), "the action plan is accepted without evaluation "
                  "moments", "add `evaluations:` agreed with the client")
    if acceptance and evaluations:
        first = min(evaluations, key=lambda e: e.date)
        if first.date < acceptance.accepted_on:
            i = evaluations.index(first)
            ctx.warning(("analysis", "evaluations", i, "date"), f"evaluation {first.date} "
                        f"comes before the acceptance on {acceptance.accepted_on}",
                        "keep it if the plan was signed after a first evaluation; else "
                        "evaluation moments follow the acceptance of the action plan")
    if evaluations:
        finals = [i for i, e in enumerate(evaluations) if e.kind == "final"]
        if len(finals) != 1:
            path = ("analysis", "evaluations", finals[1]) if finals else ("analysis", "evaluations")
            ctx.error(path, f"{len(finals)} final evaluations; exactly one is needed",
                      "mark exactly one evaluation `kind: final`")
    unique(ctx, ("analysis", "evaluations"), [str(e.date) for e in evaluations], key="date")


def rule_terms(ctx: Context) -> None:
    """9. Commercial terms that a client can sign."""
    t = ctx.assignment.intake.terms
    path = ("intake", "terms")
    if t.day_rate <= 0:
        ctx.error((*path, "day_rate"), "the day rate must be more than 0")
    if not 0.5 <= t.days_per_week <= 5:
        ctx.error((*path, "days_per_week"), f"{t.days_per_week} days per week is not possible",
                  "use a value from 0.5 to 5")
    if t.vat_percent is not None and not 0 <= t.vat_percent <= 100:
        ctx.error((*path, "vat_percent"), f"VAT of {t.vat_percent} % is not possible",
                  "use a percentage from 0 to 100")
    if t.estimated_days is not None and t.estimated_days <= 0:
        ctx.error((*path, "estimated_days"), "estimated days must be more than 0")
    if t.governing_law == "BE" and t.payment_days is not None and t.payment_days > 60:
        ctx.error((*path, "payment_days"), f"payment term of {t.payment_days} days exceeds "
                  "60 days, the maximum under Belgian law", "use at most 60 days")
    for key in ("payment_days", "notice_days"):
        value = getattr(t, key)
        if value is not None and value < 0:
            ctx.error((*path, key), f"{key} cannot be negative")


PLAN_RULES = (rule_dates, rule_exit_plan, rule_objectives_and_milestones, rule_evaluations,
              rule_terms)
