"""Rules on execution and closing: progress, final statuses, transfers, document dates
and versions, and the agreed changes with the plans they leave."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping

from generator.errors import text_start
from generator.source import history
from generator.source.model import Assignment, Change
from generator.source.reading import Path_
from generator.source.rules.amended import AmendedPlans
from generator.source.rules.context import Context, suggest, unique, unknown_references
from generator.source.status import final_status, last_status


def rule_execution_and_closing(ctx: Context) -> None:
    """8. Progress matches agreed evaluations; results and statuses point at what exists."""
    a = ctx.assignment
    final, applied = history.amendments(a, as_typed=ctx.source.as_typed)
    milestones = {m.id for m in final.analysis.milestones} if final.analysis else set()
    dropped = {item: done.change.id for done in applied for item, _ in done.dropped}
    added = {item: done.change for done in applied for item, _ in done.added}
    if a.execution:
        unique(ctx, ("execution", "changes"), [c.id for c in a.execution.changes])
        unique(ctx, ("execution", "progress"), [str(p.evaluation) for p in
                                                 a.execution.progress], key="evaluation")
        for i, p in enumerate(a.execution.progress):
            path = ("execution", "progress", i)
            plan = history.amended(a, p.evaluation, ctx.source.as_typed)  # as it stood then
            evaluations = {e.date for e in plan.analysis.evaluations} if plan.analysis else set()
            known = {m.id for m in plan.analysis.milestones} if plan.analysis else set()
            if p.evaluation not in evaluations:
                dates = ", ".join(str(d) for d in sorted(evaluations)) or "none agreed yet"
                ctx.error((*path, "evaluation"), f"no evaluation moment was agreed on "
                          f"{p.evaluation}", f"agreed dates: {dates}")
            for ref in unknown_references(p, path, "milestone", known):
                ctx.error(ref.path, f"unknown milestone {ref.value!r} in the plan as amended "
                          f"up to {p.evaluation}", _unknown_hint(ref.value, known, dropped, added))
    if a.closing:
        objectives = {o.id for o in a.intake.objectives}
        unique(ctx, ("closing", "results"), [r.objective for r in a.closing.results],
                key="objective")
        for ref in unknown_references(a.closing, ("closing",), "milestone", milestones):
            ctx.error(ref.path, f"unknown milestone {ref.value!r}",
                      _unknown_hint(ref.value, milestones, dropped))
        for i, r in enumerate(a.closing.results):
            for ref in unknown_references(r, ("closing", "results", i), "objective", objectives):
                ctx.error(ref.path, f"result for unknown objective {ref.value!r}",
                          suggest(ref.value, objectives))


def rule_final_milestone_status(ctx: Context) -> None:
    """13. A closed assignment gives every milestone still in the plan a final status.

    Like the handbook's acceptance this gates only the handover report: a warning here,
    a refusal naming the same key when the handover is built.
    """
    a = ctx.assignment
    if not a.closing or not a.analysis:
        return
    for milestone in history.amended(a).analysis.milestones:
        milestone_id = milestone.id
        if final_status(a, milestone_id) is None:
            ctx.warning(("closing", "milestones", milestone_id),
                        f"milestone {milestone_id} has no final status; the handover report "
                        "will not build", f"set `closing.milestones.{milestone_id}: done` "
                        "or `not_achieved`")


def rule_transfer_due(ctx: Context) -> None:
    """13. A knowledge transfer not done says by when it will be."""
    closing = ctx.assignment.closing
    for i, transfer in enumerate(closing.knowledge_transfer if closing else []):
        if not transfer.done and transfer.due is None:
            ctx.error(("closing", "knowledge_transfer", i), f"the knowledge transfer "
                      f"'{text_start(transfer.topic)}' is not done and has no due date",
                      "add `due: YYYY-MM-DD` (when it will be done) or set `done: true`")


def _unknown_hint(key: str, known: Iterable[str], dropped: dict[str, str],
                  added: Mapping[str, Change] | None = None) -> str:
    """A dropped milestone says which change dropped it, one added later which change adds
    it and when; another, what it may have meant."""
    if key in dropped:
        return f"change {dropped[key]} dropped {key} from the plan: remove it here"
    if added and key in added:
        change = added[key]
        return (f"change {change.id} adds {key} on {change.date}, after this evaluation: "
                "report it from a later evaluation on, or date the change earlier")
    return suggest(key, known)


def rule_document_dates(ctx: Context) -> None:
    """A document is never dated before the fact that defines it; versions read MAJOR.MINOR."""
    a = ctx.assignment
    pinned = ctx.source.data.get("documents")  # the source is a mapping (load_yaml)
    if isinstance(pinned, dict) and "progress" in pinned:
        ctx.error(("documents", "progress"), "`documents.progress` is not allowed: each "
                  "progress report has its own date", "pin a report's date with "
                  "`date:` in its `execution.progress` entry, or remove the key")
    if a.documents.proposal.date is None:
        ctx.warning(("documents",) if "documents" in ctx.source.data else ("id",),
                    "the proposal has no pinned date: it takes SOURCE_DATE_EPOCH, else the "
                    "last commit, else intake.first_contact", "freeze it with "
                    "`documents: {proposal: {date: YYYY-MM-DD}}`")
    for kind in ("handbook", "handover"):
        _not_before(ctx, ("documents", kind, "date"), a.documents.of(kind).date,
                    history.defining_date(a, kind), kind)
    for i, entry in enumerate(a.execution.progress if a.execution else []):
        _not_before(ctx, ("execution", "progress", i, "date"), entry.date, entry.evaluation,
                    "progress report")
    _versions(ctx)


def _not_before(ctx: Context, path: Path_, pinned: datetime.date | None,
                fact: datetime.date | None, what: str) -> None:
    if pinned is not None and fact is not None and pinned < fact:
        ctx.error(path, f"the {what} is dated {pinned}, before {fact}, the fact it reports",
                  f"date it on or after {fact}, or remove the date to take it from the facts")


def _versions(ctx: Context) -> None:
    """Pinned versions freeze the derived one, they never rename it."""
    a = ctx.assignment
    acceptance = a.analysis.acceptance if a.analysis else None
    found = [(("documents", k, "version"), a.documents.of(k).version) for k in
             ("proposal", "action-plan", "handbook", "handover")]
    found.append((("analysis", "acceptance", "version"), acceptance and acceptance.version))
    for path, value in found:
        if value is not None and not history.VERSION.fullmatch(value):
            ctx.error(path, f"version {value!r} does not read MAJOR.MINOR", "e.g. 1.0 or 1.2")
    for kind in ("handbook", "action-plan"):
        pinned = a.documents.of(kind).version
        day = a.documents.of(kind).date
        known = history.as_of(a, day) if day else a
        derived = history.version(known, kind)
        if pinned is not None and known.analysis and known.analysis.acceptance \
                and pinned != derived:
            ctx.error(("documents", kind, "version"), f"the {kind} pins version {pinned}, but "
                      f"its history makes it {derived}", f"write {derived} or remove the "
                      "version: a pin freezes the derived version, it does not rename it")


def rule_changes(ctx: Context) -> None:
    """12. Changes amend the accepted plan, in date order; after each, rules 4-7 and 9 hold."""
    a = ctx.assignment
    ids = list(history.ids_together(a))
    for item in sorted({i for i in ids if "." in i}):
        ctx.error(_id_path(a, item)[0], f"id {item!r} contains '.'",
                  "ids are named in change paths (milestones.M2.due): use letters and digits")
    counts = Counter(ids)
    for item in sorted({i for i in ids if counts[i] > 1 and _shared(a, i)}):
        times = "twice" if counts[item] == 2 else f"{counts[item]} times"
        ctx.error(_id_path(a, item)[-1], f"milestone and action id {item!r} is used {times}",
                  "milestones and actions share one set of ids: rename one")
    changes = a.execution.changes if a.execution else []
    for i, change in enumerate(changes):
        if i and change.date < changes[i - 1].date:
            ctx.error(("execution", "changes", i, "date"), f"change {change.id} ({change.date}) "
                      f"is listed after {changes[i - 1].id} ({changes[i - 1].date})",
                      "list changes in date order")
    _check_amended_plans(ctx, changes)


def _shared(a: Assignment, item: str) -> bool:
    """An id used twice across lists (one list's duplicates are rule 6's)."""
    places = _id_path(a, item)
    return len({p[:2] for p in places}) > 1 or any(p[0] == "execution" for p in places)


def _id_path(a: Assignment, item: str) -> list[Path_]:
    """Where a milestone or action id is written: the baseline or a change's `adds`."""
    places: list[Path_] = []
    if a.analysis:
        places += [("analysis", "milestones", i, "id") for i, m in
                   enumerate(a.analysis.milestones) if m.id == item]
        places += [("analysis", "actions", i, "id") for i, x in
                   enumerate(a.analysis.actions) if x.id == item]
    for c, change in enumerate(a.execution.changes if a.execution else []):
        for kind in ("milestones", "actions"):
            places += [("execution", "changes", c, "adds", kind, i, "id") for i, x in
                       enumerate(getattr(change.adds, kind)) if x.id == item]
    return places


def _check_amended_plans(ctx: Context, changes: list[Change]) -> None:
    """Each change applied in turn: its paths, values and ids, then the plan it leaves."""
    a = ctx.assignment
    acceptance = a.analysis.acceptance if a.analysis else None
    plans = AmendedPlans(ctx, a)  # rules 3-7 and 9, for what each change touches
    plan = a
    for i, change in enumerate(changes):
        where = ("execution", "changes", i)
        edits = change.amends or change.adds.milestones or change.adds.actions \
            or change.adds.evaluations or change.drops
        if edits and acceptance is not None and change.date <= acceptance.accepted_on:
            ctx.error((*where, "date"), f"change {change.id} amends the plan on or before "
                      f"its acceptance ({acceptance.accepted_on})", "the plan as accepted is "
                      f"the baseline (version {acceptance.version}): date the change after "
                      "the acceptance, or fold it into the plan before it is accepted")
        plan, done, issues = history.apply_change(plan, change, where, ctx.source.as_typed)
        for issue in issues:
            ctx.error(issue.path, issue.message, issue.hint)
        _amended_people(ctx, where, done)
        _inside_period(ctx, where, change, plan)
        _under_done_milestones(ctx, where, change)
        for error, message, hint in plans.after(plan, done):
            say = ctx.error if error else ctx.warning
            say(where, f"after change {change.id}: {message}", hint)


def _inside_period(ctx: Context, where: Path_, change: Change, plan: Assignment) -> None:
    """4. A change is agreed inside the period, as that change leaves it: an extension agreed
    a few days after the end it extends is how assignments really go."""
    period = plan.period
    if not period.start <= change.date <= period.end:
        ctx.error((*where, "date"), f"change {change.id} {change.date} falls outside the "
                  f"period {period.start} – {period.end}", f"move it between {period.start} "
                  f"and {period.end} or extend the period (`amends: {{period.end: ...}}`)")


def _under_done_milestones(ctx: Context, where: Path_, change: Change) -> None:
    """A new action under a milestone already reported done: kept, but said (a warning)."""
    a = ctx.assignment
    for i, action in enumerate(change.adds.actions):
        if action.milestone and last_status(a, action.milestone, change.date) == "done":
            ctx.warning((*where, "adds", "actions", i, "milestone"), f"action {action.id} is "
                        f"added under milestone {action.milestone}, reported done before "
                        f"{change.id} ({change.date})", "keep it if so; else name an "
                        "objective (`objective:`), or no milestone for a workstream of its own")


def _amended_people(ctx: Context, where: Path_, done: history.Applied) -> None:
    """2. for amended values: a person an amended field's type names is a known person."""
    known = ctx.people()
    for x in done.amendments:
        here = (*where, "amends", x.path)
        for ref in unknown_references(x.new, here, "person", known, x.annotation):
            ctx.error(here, f"unknown person {ref.value!r} in `{x.path}`",
                      suggest(ref.value, known))
