"""Rules 3-7 and 9 over every plan the agreed changes leave, at the cost of what each
change touches.

Why: running those rules over the whole plan after every change made `validate` grow with
the square of the changes (2,000 changes each adding an action: 206 s). The rules' problems
are of three kinds, and each is found again only where a change can alter it:

- about one item (a milestone's owner, an action's dates or references): checked for the
  items a change adds or amends, and for the actions under a milestone it drops;
- about the plan as a whole but small, of a size no change grows (the exit plan, terms,
  roles, the objectives and whether each is served): checked after every change, with
  the served objectives and the ids kept as counts the change updates;
- about everything at once because one fact moved (the period for every date, the
  evaluations and acceptance for rule 7, the objectives for every reference to them):
  the rule over the whole plan, for the changes that move that fact only.

A problem the plan had before (at the baseline or after an earlier change) is not said
again, even when its did-you-mean hint changed with the plan; a new one is said once, at
the change that brings it, as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from generator.errors import Report
from generator.source.history import Applied
from generator.source.model import Action, Assignment, Milestone
from generator.source.rules.context import Context, unique
from generator.source.rules.people import rule_roles
from generator.source.rules.plan import (
    PLAN_RULES,
    action_refers,
    dates_inside,
    milestone_sound,
    objectives_served,
    period_sound,
    rule_dates,
    rule_evaluations,
    rule_exit_plan,
    rule_objectives_and_milestones,
    rule_terms,
)

AMENDED_RULES = (*PLAN_RULES, rule_roles)
"""The rules an amended plan must still satisfy: 3-7 and 9, since `amends` may set any fact
(the day rate, whom the interim manager reports to, a person's organisation)."""

Problem = tuple[bool, str, str]
"""(is an error, message, hint): what a rule found, without its place in the amended plan
(it is said at the line of the change that brought it)."""

_ITEMS = {"milestones", "actions"}
_WHOLE = {"period": (rule_dates,), "evaluations": (rule_evaluations,),
          "acceptance": (rule_evaluations,), "objectives": (rule_objectives_and_milestones,)}
"""An amendment of this group moves a fact every item's check reads: that rule, whole."""
_SMALL = (rule_exit_plan, rule_terms, rule_roles)
"""Rules over parts no change grows: run after every change."""


def problems(ctx: Context, plan: Assignment,
             rules: Iterable = AMENDED_RULES) -> set[Problem]:
    """What `rules` find in `plan` (all of 3-7 and 9 by default), as problems."""
    found = Report()
    plan_ctx = Context(plan, ctx.source, ctx.folder, found)
    for rule in rules:
        rule(plan_ctx)
    return _problems(found)


def _problems(report: Report) -> set[Problem]:
    return {(True, d.message, d.hint) for d in report.errors} | \
        {(False, d.message, d.hint) for d in report.warnings}


class AmendedPlans:
    """The plans a list of changes leaves, one after the other: `after` says what is new."""

    def __init__(self, ctx: Context, baseline: Assignment):
        self.ctx = ctx
        self.seen = {problem[:2] for problem in problems(ctx, baseline)}
        """(is an error, message) of every problem said: a problem whose did-you-mean hint
        changed with the plan is the same problem."""
        self.milestones: dict[str, list[Milestone]] = {}
        self.actions: dict[str, list[Action]] = {}
        self.served: Counter[str] = Counter()
        self.under: dict[str, dict[int, Action]] = {}
        """Milestone id -> the actions naming it (by identity): rechecked when it goes."""
        if baseline.analysis:
            self._add(baseline.analysis.milestones, baseline.analysis.actions)

    def after(self, plan: Assignment, done: Applied) -> list[Problem]:
        """The problems `plan` (left by `done.change`) has that no earlier plan had."""
        groups = {x.group for x in done.amendments}
        amended = {x.subject for x in done.amendments if x.group in _ITEMS}
        gone = {item for item, _ in done.dropped}
        self._remove(amended | gone)
        change = done.change
        now = _current(plan, amended)
        self._add([*now[0], *change.adds.milestones], [*now[1], *change.adds.actions])
        report = Report()
        ctx = Context(plan, self.ctx.source, self.ctx.folder, report)
        whole = {rule for g in groups for rule in _WHOLE.get(g, ())}
        if change.adds.evaluations:
            whole.add(rule_evaluations)
        for rule in (*_SMALL, *whole):
            rule(ctx)
        if plan.analysis and rule_objectives_and_milestones not in whole:
            self._items(ctx, [*now[0], *change.adds.milestones],
                        [*now[1], *change.adds.actions, *self._orphans(gone)])
        if plan.analysis and rule_dates not in whole and period_sound(ctx):
            evaluations = plan.analysis.evaluations if rule_evaluations in whole else []
            dates_inside(ctx, enumerate([*now[0], *change.adds.milestones]),
                         enumerate([*now[1], *change.adds.actions]), enumerate(evaluations))
        new = {problem[:2]: problem for problem in sorted(_problems(report))
               if problem[:2] not in self.seen}
        self.seen |= set(new)
        return list(new.values())

    def _items(self, ctx: Context, milestones: list[Milestone], actions: list[Action]) -> None:
        """Rule 6 for the items touched, against the ids and served objectives kept."""
        objectives = {o.id for o in ctx.assignment.intake.objectives}
        objectives_served(ctx, _Served(self.served))
        for kind, items, ids in (("milestones", milestones, self.milestones),
                                 ("actions", actions, self.actions)):
            for item in items:
                unique(ctx, ("analysis", kind), [item.id] * len(ids.get(item.id, ())))
        for m in milestones:
            milestone_sound(ctx, ("analysis", "milestones"), m, objectives)
        for action in actions:
            action_refers(ctx, ("analysis", "actions"), action, self.milestones.keys(),
                          objectives)

    def _orphans(self, gone: set[str]) -> list[Action]:
        """The actions under a milestone that has just gone (and is not back)."""
        return [x for item in gone - set(self.milestones)
                for x in self.under.get(item, {}).values()]

    def _add(self, milestones: Iterable[Milestone], actions: Iterable[Action]) -> None:
        for m in milestones:
            self.milestones.setdefault(m.id, []).append(m)
            self.served.update(m.objectives)
        for x in actions:
            self.actions.setdefault(x.id, []).append(x)
            self.served.update([x.objective] if x.objective else [])
            if x.milestone:
                self.under.setdefault(x.milestone, {})[id(x)] = x

    def _remove(self, items: set[str]) -> None:
        for item in items:
            for m in self.milestones.pop(item, []):
                self.served.subtract(m.objectives)
            for x in self.actions.pop(item, []):
                self.served.subtract([x.objective] if x.objective else [])
                if x.milestone:
                    self.under.get(x.milestone, {}).pop(id(x), None)


def _current(plan: Assignment, items: set[str]) -> tuple[list[Milestone], list[Action]]:
    """The milestones and actions of `plan` with these ids (the amended ones, as amended)."""
    if not items or plan.analysis is None:
        return [], []
    return ([m for m in plan.analysis.milestones if m.id in items],
            [x for x in plan.analysis.actions if x.id in items])


class _Served:
    """The objectives a milestone or action serves, as the counts say (no set rebuilt)."""

    def __init__(self, counts: Counter[str]):
        self.counts = counts

    def __contains__(self, objective: object) -> bool:
        return isinstance(objective, str) and self.counts[objective] > 0
