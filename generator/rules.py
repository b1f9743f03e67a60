"""The rules of the format (spec/FORMAT.md), each reported at the file, line and column it concerns.

`validate` turns loaded data into the validated model (generator.records), each
unknown key, missing key and bad value reported at its line, all in one run.
`check_rules` then applies the format's cross-field rules, one small function each,
listed in `RULES`.
"""

from __future__ import annotations

import datetime
import difflib
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator import history
from generator.dialect import (
    DIRECTIVE_NAMES,
    LINK_HINT,
    footnote_problem,
    is_url,
    make_parser,
    refused_scheme,
)
from generator.errors import Location, Report
from generator.model import Assignment, BlockMarkdown, Change, Person, final_status
from generator.records import Record, build, walk
from generator.sources import FileRefused, Path_, ProseMapping, Source, read_inside
from generator.writer.render import (
    MAX_PICTURE_BYTES,
    MarkdownError,
    picture_header,
    requested_width,
)

R = TypeVar("R", bound=Record)

PERSON_KEYS = frozenset({
    "sponsor", "interim_manager", "reports_to", "owner", "committed_by", "participants",
    "with", "accepted_by", "approved_by", "to", "person", "new_owner",
})
FINAL_EVALUATION_GRACE = datetime.timedelta(days=90)
HANDOVER_LEAD = datetime.timedelta(days=14)
_MARKUP_HINT = re.compile(r"[\[<]|:::")


# --------------------------------------------------------------------------- structure

def validate(source: Source, model: type[R], report: Report) -> R | None:
    """Data -> model; every unknown key and bad value reported, None when the model fails."""
    record, issues = build(model, source.data, source.as_typed)
    for issue in issues:
        report.error(source.locate(issue.path), issue.message, issue.hint)
    return record


# --------------------------------------------------------------------------- format rules

@dataclass
class Context:
    """What each rule sees: the model, where its values stand, and where to report."""

    assignment: Assignment
    source: Source
    folder: Path
    report: Report
    style_exists: Callable[[str], bool] | None = None
    """Whether the brand template has a paragraph style; None when validate has no firm."""

    def error(self, path: Path_, message: str, hint: str = "") -> None:
        self.report.error(self.source.locate(path), message, hint)

    def warning(self, path: Path_, message: str, hint: str = "") -> None:
        self.report.warning(self.source.locate(path), message, hint)

    def people(self, *, organisation: str | None = None) -> dict[str, Person]:
        return {p.id: p for p in self.assignment.people
                if organisation is None or p.organisation == organisation}


Rule = Callable[[Context], None]


def rule_identity(ctx: Context) -> None:
    """1. `id` equals the folder name (slug and language are checked by the model)."""
    if ctx.assignment.id != ctx.folder.name:
        ctx.error(("id",), f"id {ctx.assignment.id!r} differs from the folder name "
                  f"{ctx.folder.name!r}", f"write `id: {ctx.folder.name}` or rename the folder")


def rule_person_references(ctx: Context) -> None:
    """2. Every person reference names a person in `people`."""
    known = ctx.people()
    for path, ref in _person_references(ctx.source.data, ()):
        person_id = ctx.source.as_typed.get(path, str(ref))  # `007` as typed, as the model
        if person_id not in known:
            guess = difflib.get_close_matches(person_id, list(known), n=1, cutoff=0.5)
            hint = f"did you mean {guess[0]!r}?" if guess else \
                "add the person under `people` or use one of " + ", ".join(known)
            key = next(p for p in reversed(path) if isinstance(p, str))
            ctx.error(path, f"unknown person {person_id!r} in `{key}`", hint)
    _unique(ctx, "people", [p.id for p in ctx.assignment.people])


def _person_references(value: Any, path: Path_) -> Iterator[tuple[Path_, Any]]:
    if isinstance(value, dict) and not isinstance(value, ProseMapping):
        for key, item in value.items():
            if key in PERSON_KEYS and _is_id(item):
                yield (*path, key), item
            elif key in PERSON_KEYS and isinstance(item, list):
                yield from (((*path, key, i), v) for i, v in enumerate(item) if _is_id(v))
            else:
                yield from _person_references(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _person_references(item, (*path, index))


def _is_id(value: Any) -> bool:
    """Text, or what YAML read as a number, date or boolean where an id was typed."""
    return isinstance(value, str | int | float | datetime.date)


def rule_roles(ctx: Context) -> None:
    """3. The interim manager sits inside the organisation, under someone else."""
    a = ctx.assignment
    people = ctx.people()
    if a.position.reports_to == a.interim_manager:
        ctx.error(("position", "reports_to"), "the interim manager cannot report to himself",
                  "name the level above the interim manager, usually the sponsor "
                  f"({a.client.sponsor})")
    manager = people.get(a.interim_manager)
    if manager and manager.organisation != "provider":
        ctx.error(("interim_manager",), f"the interim manager {manager.id!r} has organisation "
                  f"{manager.organisation!r}", "set `organisation: provider` for this person")
    clients = ctx.people(organisation="client")
    checks: list[tuple[Path_, str]] = []
    if a.closing:
        checks += [(("closing", "open_items", i, "new_owner"), item.new_owner)
                   for i, item in enumerate(a.closing.open_items)]
        checks += [(("closing", "leadership", i, "person"), item.person)
                   for i, item in enumerate(a.closing.leadership)]
    for path, person_id in checks:
        if person_id in people and person_id not in clients:
            ctx.error(path, f"{person_id!r} is not a client person",
                      "after the handover only the client's own people can take over: "
                      "choose someone with `organisation: client`")


def rule_dates(ctx: Context) -> None:
    """4. The period is positive and everything planned falls inside it."""
    a = ctx.assignment
    start, end = a.period.start, a.period.end
    if end <= start:
        ctx.error(("period", "end"), f"period ends ({end}) no later than it starts ({start})",
                  "period.end must come after period.start")
        return

    def inside(path: Path_, day: datetime.date | None, what: str,
               grace: datetime.timedelta = datetime.timedelta(0)) -> None:
        if day is not None and not start <= day <= end + grace:
            last = end + grace
            ctx.error(path, f"{what} {day} falls outside the period {start} – {end}",
                      f"move it between {start} and {last} or extend the period")

    if a.analysis:
        for i, m in enumerate(a.analysis.milestones):
            inside(("analysis", "milestones", i, "due"), m.due, f"milestone {m.id}")
        for i, action in enumerate(a.analysis.actions):
            inside(("analysis", "actions", i, "start"), action.start, f"action {action.id} start")
            inside(("analysis", "actions", i, "due"), action.due, f"action {action.id} due")
            if action.start and action.due and action.due < action.start:
                ctx.error(("analysis", "actions", i, "due"),
                          f"action {action.id} is due before it starts", "swap the dates")
        for i, ev in enumerate(a.analysis.evaluations):
            grace = FINAL_EVALUATION_GRACE if ev.kind == "final" else datetime.timedelta(0)
            inside(("analysis", "evaluations", i, "date"), ev.date, "evaluation", grace)
    if a.execution:
        for i, change in enumerate(a.execution.changes):
            inside(("execution", "changes", i, "date"), change.date, f"change {change.id}")


def rule_exit_plan(ctx: Context) -> None:
    """5. No interim assignment without a clear exit plan."""
    a = ctx.assignment
    plan = a.intake.exit_plan
    if plan is None:
        ctx.error(("intake",), "the exit plan is missing",
                  "add `exit_plan:` under intake with criteria, successor and handover_start: "
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
    if plan.handover_start is None:
        ctx.error(where, "the exit plan has no handover_start", "add `handover_start: YYYY-MM-DD`")
    elif a.period.end > a.period.start:
        latest = a.period.end - HANDOVER_LEAD
        if not a.period.start <= plan.handover_start <= latest:
            ctx.error((*where, "handover_start"),
                      f"handover starts {plan.handover_start}; it must lie inside the period and "
                      f"at least 14 days before its end", f"choose a date between "
                      f"{a.period.start} and {latest}")


def rule_objectives_and_milestones(ctx: Context) -> None:
    """6. Objectives are measurable and served; milestones serve, have an owner and a test."""
    a = ctx.assignment
    objectives = {o.id for o in a.intake.objectives}
    _unique(ctx, ("intake", "objectives"), [o.id for o in a.intake.objectives])
    for i, o in enumerate(a.intake.objectives):
        path = ("intake", "objectives", i)
        if not o.measure:
            ctx.error(path, f"objective {o.id} has no measure",
                      "add `measure:`: how is it measured?")
        if not o.target:
            ctx.error(path, f"objective {o.id} has no target",
                      "add `target:`: what value is success?")
        if not o.baseline:
            ctx.warning(path, f"objective {o.id} has no baseline",
                        "add `baseline:` so the result can be compared with the start")
    if not a.analysis:
        return
    milestones = a.analysis.milestones
    _unique(ctx, ("analysis", "milestones"), [m.id for m in milestones])
    _unique(ctx, ("analysis", "actions"), [x.id for x in a.analysis.actions])
    served = {o for m in milestones for o in m.objectives}
    if milestones:
        for i, o in enumerate(a.intake.objectives):
            if o.id not in served:
                ctx.error(("intake", "objectives", i, "id"),
                          f"objective {o.id} is served by no milestone",
                          f"list {o.id} under `objectives:` of a milestone")
    for i, m in enumerate(milestones):
        path = ("analysis", "milestones", i)
        if not m.objectives:
            ctx.error(path, f"milestone {m.id} serves no objective",
                      "add `objectives: [...]` with objective ids")
        for j, ref in enumerate(m.objectives):
            if ref not in objectives:
                ctx.error((*path, "objectives", j), f"milestone {m.id} serves unknown "
                          f"objective {ref!r}", _suggest(ref, objectives))
        if not m.owner:
            ctx.error(path, f"milestone {m.id} has no owner", "add `owner:` with a person id")
        if not m.acceptance:
            ctx.error(path, f"milestone {m.id} has no acceptance criterion",
                      "add `acceptance:`: how will the client see it is reached?")
        elif len(m.acceptance.split()) < 4:
            ctx.warning((*path, "acceptance"), f"the acceptance criterion of {m.id} is very "
                        "short", "say in a full sentence what is checked")
    ids = {m.id for m in milestones}
    for i, action in enumerate(a.analysis.actions):
        if action.milestone not in ids:
            ctx.error(("analysis", "actions", i, "milestone"), f"action {action.id} refers to "
                      f"unknown milestone {action.milestone!r}", _suggest(action.milestone, ids))


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
            ctx.error(("analysis", "evaluations", i, "date"), f"evaluation {first.date} comes "
                      f"before the acceptance on {acceptance.accepted_on}",
                      "evaluation moments follow the acceptance of the action plan")
    if evaluations:
        finals = [i for i, e in enumerate(evaluations) if e.kind == "final"]
        if len(finals) != 1:
            path = ("analysis", "evaluations", finals[1]) if finals else ("analysis", "evaluations")
            ctx.error(path, f"{len(finals)} final evaluations; exactly one is needed",
                      "mark exactly one evaluation `kind: final`")
    _unique(ctx, ("analysis", "evaluations"), [str(e.date) for e in evaluations], key="date")


def rule_execution_and_closing(ctx: Context) -> None:
    """8. Progress matches agreed evaluations; results and statuses point at what exists."""
    a = ctx.assignment
    final, applied = history.amendments(a, as_typed=ctx.source.as_typed)
    milestones = {m.id for m in final.analysis.milestones} if final.analysis else set()
    dropped = {item: done.change.id for done in applied for item, _ in done.dropped}
    added = {item: done.change for done in applied for item, _ in done.added}
    if a.execution:
        _unique(ctx, ("execution", "changes"), [c.id for c in a.execution.changes])
        _unique(ctx, ("execution", "progress"), [str(p.evaluation) for p in
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
            for key in p.milestones:
                if key not in known:
                    ctx.error((*path, "milestones", key), f"unknown milestone {key!r} "
                              f"in the plan as amended up to {p.evaluation}",
                              _unknown_hint(key, known, dropped, added))
    if a.closing:
        objectives = {o.id for o in a.intake.objectives}
        _unique(ctx, ("closing", "results"), [r.objective for r in a.closing.results],
                key="objective")
        for key in a.closing.milestones:
            if key not in milestones:
                ctx.error(("closing", "milestones", key), f"unknown milestone {key!r}",
                          _unknown_hint(key, milestones, dropped))
        for i, r in enumerate(a.closing.results):
            if r.objective not in objectives:
                ctx.error(("closing", "results", i, "objective"),
                          f"result for unknown objective {r.objective!r}",
                          _suggest(r.objective, objectives))


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
                      f"{str(transfer.topic)[:40]!r} is not done and has no due date",
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
    return _suggest(key, known)


def rule_document_dates(ctx: Context) -> None:
    """A document is never dated before the fact that defines it; versions read MAJOR.MINOR."""
    a = ctx.assignment
    pinned = ctx.source.data.get("documents") if isinstance(ctx.source.data, dict) else None
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
        ctx.error(_id_path(a, item)[-1], f"milestone and action id {item!r} is used "
                  "twice", "milestones and actions share one set of ids: rename one")
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


def _plan_problems(ctx: Context, plan: Assignment) -> set[tuple[str, str]]:
    """What rules 4-7 and 9 find in a plan, as (message, hint): placed at a change's line.

    Rule 9 too, because `amends` may set the day rate and the days per week."""
    found = Report()
    for rule in PLAN_RULES:
        rule(Context(plan, ctx.source, ctx.folder, found))
    return {(d.message, d.hint) for d in found.errors}


def _check_amended_plans(ctx: Context, changes: list[Change]) -> None:
    """Each change applied in turn: its paths, values and ids, then the plan it leaves."""
    a = ctx.assignment
    acceptance = a.analysis.acceptance if a.analysis else None
    seen = _plan_problems(ctx, a)
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
        found = _plan_problems(ctx, plan) - seen
        for message, hint in sorted(found):
            ctx.error(where, f"after change {change.id}: {message}", hint)
        seen |= found


def _amended_people(ctx: Context, where: Path_, done: history.Applied) -> None:
    """2. for amended values: an owner or participant named by `amends` is a known person."""
    known = ctx.people()
    for x in done.amendments:
        ids = [x.new] if x.form == "person" else list(x.new or ()) if x.form == "people" else []
        for person_id in ids:
            if person_id is not None and person_id not in known:
                ctx.error((*where, "amends", x.path), f"unknown person {person_id!r} in "
                          f"`{x.path}`", _suggest(person_id, known))


def rule_terms(ctx: Context) -> None:
    """9. Commercial terms that a client can sign."""
    t = ctx.assignment.intake.terms
    path = ("intake", "terms")
    if t.day_rate <= 0:
        ctx.error((*path, "day_rate"), "the day rate must be more than 0")
    if not 0.5 <= t.days_per_week <= 5:
        ctx.error((*path, "days_per_week"), f"{t.days_per_week} days per week is not possible",
                  "use a value from 0.5 to 5")
    if not 0 <= t.vat_percent <= 100:
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


def rule_links_and_images(ctx: Context) -> None:
    """10. Pictures stay inside the assignment folder; no script or file links; known directives.

    Targets are found as the documents' Markdown engine reads them (reference links,
    nested brackets and entities included), so the build never meets one unlocated.
    """
    for path, text in ctx.source.walk():
        if not isinstance(text, str) or not _MARKUP_HINT.search(text):
            continue
        where = getattr(text, "source", None)
        label = f"in {where.name}: " if where else ""
        for bang, target, width in _link_targets(text):
            report_path: Path_ = path
            refused = refused_scheme(target)
            if refused and not bang:
                ctx.error(report_path, f"{label}link {target[:40]!r} is not allowed ({refused})",
                          LINK_HINT)
            elif bang and is_url(target):
                ctx.error(report_path, f"{label}picture {target[:60]!r} is not a local file",
                          "save the picture in the assignment folder and name it relatively")
            elif bang:
                _check_picture(ctx, report_path, label, target, width)
        for name in _directives(text):
            if name.lower() not in DIRECTIVE_NAMES:
                ctx.error(path, f"{label}unknown directive '::: {name[:40]}'",
                          "use one of ::: " + ", ::: ".join(sorted(DIRECTIVE_NAMES))
                          + ", or write the colons as \\:::")


def _link_targets(text: str) -> Iterator[tuple[str, str, str | None]]:
    """(`!` for pictures, target, `{width=...}`) of every link and picture, each once.

    Parsed as typed and as prose fields are rendered (on one line), by the documents' engine.
    """
    seen: set[tuple[str, str, str | None]] = set()
    for variant in dict.fromkeys((text, " ".join(text.split()))):
        for found in _parsed_targets(variant):
            if found not in seen:
                seen.add(found)
                yield found


def _parsed_tokens(text: str) -> list[Token]:
    tokens = _parser().parse(text)
    return [*tokens, *(c for t in tokens for c in (t.children or []))]


def _parsed_targets(text: str) -> list[tuple[str, str, str | None]]:
    found = []
    for token in _parsed_tokens(text):
        if token.type == "link_open":
            found.append(("", urllib.parse.unquote(str(token.attrs.get("href", ""))), None))
        elif token.type == "image":
            width = token.attrs.get("width")
            found.append(("!", urllib.parse.unquote(str(token.attrs.get("src", ""))),
                          None if width is None else str(width)))
    return found


def _check_picture(ctx: Context, path: Path_, label: str, target: str, width: str | None
                   ) -> None:
    """The picture as the writer will take it: read through the guarded opener, a sound
    PNG/JPEG of sane size, a width it understands."""
    try:
        _, data = read_inside(ctx.folder, target, max_bytes=MAX_PICTURE_BYTES,
                              what=f"{label}picture")
        picture_header(data, target, 0)
        if width is not None:
            requested_width(width, 1, 0)
    except FileRefused as refused:
        ctx.error(path, refused.message, refused.hint)
    except MarkdownError as exc:
        ctx.error(path, f"{label}{exc.message}", exc.hint)


def rule_markdown_as_written(ctx: Context) -> None:
    """10. What the writer refuses in a Markdown text is refused here, at its source:
    footnotes that cite themselves or multiply, and `::: style` names the brand template
    lacks (when validate knows the firm's brand template)."""
    for path, text in ctx.source.walk():
        if not isinstance(text, str) or not ("[^" in text or ":::" in text):
            continue
        where = getattr(text, "source", None)
        tokens = _parser().parse(text)
        problem = footnote_problem(tokens)
        if problem:
            line, message, hint = problem
            _text_error(ctx, path, where, line, message, hint)
        if ctx.style_exists is None:
            continue
        for token in tokens:
            info = token.info.strip().split(None, 1) if token.type.startswith("container") else []
            if info[:1] == ["style"] and len(info) == 2 and not ctx.style_exists(info[1]):
                _text_error(ctx, path, where, (token.map or [0])[0] + 1,
                            f"'::: style {info[1][:40]}': the brand template has no paragraph "
                            f"style {info[1][:40]!r}", "use a style of the brand template, "
                            "e.g. Title, or add the style to it in Word")


def _text_error(ctx: Context, path: Path_, included: Path | None, line: int, message: str,
                hint: str) -> None:
    """At the included file's own line, else at the field's place in assignment.yaml."""
    if included is not None:
        ctx.report.error(Location(included, line), message, hint)
    else:
        ctx.error(path, f"line {line} of the text: {message}", hint)


def rule_self_contained_markdown(ctx: Context) -> None:
    """10. A Markdown field cannot reach beyond itself into the document it is placed in.

    An unclosed code fence or directive would swallow every section after the field, and a
    link definition (`[x]: url`) would apply to links in other fields.
    """
    typed = dict(ctx.source.walk())  # included texts know their file
    block_texts = ((p, v) for p, v in walk(ctx.assignment) if isinstance(v, BlockMarkdown))
    for path, text in block_texts:
        where = getattr(typed.get(path), "source", None)
        label = f"in {where.name}: " if where else ""
        for what, line in _unclosed_blocks(text):
            ctx.error(path, f"{label}{what} opened on line {line} of the text is never closed",
                      "close it with a line of the same fence, or `:::` for a directive")
    for path, text in ctx.source.walk():
        if isinstance(text, str) and "]:" in text and _defines_references(text):
            ctx.error(path, "the text defines link references ([label]: address), which would "
                      "apply to the whole document", "write each link inline: [text](address)")


_CLOSING_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$")
_CLOSING_DIRECTIVE = re.compile(r"^ {0,3}:{3,}\s*$")


def _unclosed_blocks(text: str) -> list[tuple[str, int]]:
    if "```" not in text and "~~~" not in text and ":::" not in text:
        return []
    lines = text.splitlines()
    found = []
    for token in _parser().parse(text):
        if token.map is None or token.type not in ("fence", "container_directive_open"):
            continue
        start, end = token.map
        if token.type == "fence":  # its map ends after the closing fence
            last = lines[end - 1] if start < end - 1 < len(lines) else ""
            closing = _CLOSING_FENCE.match(last)
            if not (closing and closing.group(1)[0] == token.markup[0]
                    and len(closing.group(1)) >= len(token.markup)):
                found.append(("a code block", start + 1))
        elif not (end < len(lines) and _CLOSING_DIRECTIVE.match(lines[end])):  # ends before
            found.append((f"the directive '::: {token.info.strip()[:30]}'", start + 1))
    return found


def _defines_references(text: str) -> bool:
    for variant in dict.fromkeys((text, " ".join(text.split()))):
        env: dict[str, Any] = {}
        _parser().parse(variant, env)
        if env.get("references"):
            return True
    return False


def _directives(text: str) -> list[str]:
    if ":::" not in text:
        return []
    return [t.info.strip().partition(" ")[0] for t in _parser().parse(text)
            if t.type == "container_directive_open"]


@cache
def _parser() -> MarkdownIt:
    return make_parser()


RULES: tuple[Rule, ...] = (
    rule_identity,
    rule_person_references,
    rule_roles,
    rule_dates,
    rule_exit_plan,
    rule_objectives_and_milestones,
    rule_evaluations,
    rule_execution_and_closing,
    rule_document_dates,
    rule_changes,
    rule_terms,
    rule_links_and_images,
    rule_self_contained_markdown,
    rule_markdown_as_written,
    rule_final_milestone_status,
    rule_transfer_due,
)


PLAN_RULES = (rule_dates, rule_exit_plan, rule_objectives_and_milestones, rule_evaluations,
              rule_terms)


def check_rules(assignment: Assignment, source: Source, folder: Path, report: Report,
                style_exists: Callable[[str], bool] | None = None) -> None:
    """Apply every format rule; all problems go to `report`."""
    ctx = Context(assignment, source, folder, report, style_exists)
    for rule in RULES:
        rule(ctx)


def _unique(ctx: Context, where: Path_ | str, values: Sequence[str], key: str = "id") -> None:
    path: Path_ = (where,) if isinstance(where, str) else where
    counts = Counter(values)
    seen: set[str] = set()
    for i, value in enumerate(values):
        if counts[value] > 1 and value in seen:
            ctx.error((*path, i, key), f"duplicate {key} {value!r}",
                      f"each {key} under {'.'.join(map(str, path))} must be unique")
        seen.add(value)


def _suggest(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if guess:
        return f"did you mean {guess[0]!r}?"
    return "known: " + ", ".join(known) if known else ""
