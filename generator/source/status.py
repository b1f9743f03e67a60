"""Where an assignment stands on a date, as its reports say it: milestone statuses (the
last one reported, the final one at the closing), the status at a glance, measurements
known on a date, the risks as the evaluations left them, and the effort used against the
estimate."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.dates import get_month_names

from generator.source.fee import client_country, compute_fee
from generator.source.history import closing_date
from generator.source.model import Assignment, Day, Measurement, Progress, Risk


def final_status(a: Assignment, milestone_id: str) -> str | None:
    """Rule 13: `closing.milestones`, else `done` from the last progress entry naming it.

    Any other last status (at risk, late) is no final status: the handover report would
    otherwise show a milestone still open beside objectives reported as met.
    """
    if a.closing and milestone_id in a.closing.milestones:
        return a.closing.milestones[milestone_id]
    return "done" if last_status(a, milestone_id) == "done" else None


def last_status(a: Assignment, milestone_id: str, up_to: Day | None = None
                ) -> str | None:
    """The status of the last progress entry (held by `up_to`) naming the milestone.

    An entry need not repeat every milestone: one reported done stays done in the reports
    that follow, instead of reading "planned" again.
    """
    entries = sorted(a.execution.progress, key=lambda p: p.evaluation) if a.execution else []
    named = [p.milestones[milestone_id] for p in entries if milestone_id in p.milestones
             and (up_to is None or p.evaluation <= up_to)]
    return named[-1] if named else None



def entries(a: Assignment) -> list[Progress]:
    """The progress entries in the order of their evaluations."""
    return sorted(a.execution.progress, key=lambda p: p.evaluation) if a.execution else []


WORST = {"late": "off_track", "at_risk": "at_risk"}
"""A milestone status -> the assignment's status it makes at least; the worst wins."""


def at_a_glance(a: Assignment, entry: Progress) -> tuple[str, bool]:
    """The status of a progress report and whether it was derived from the milestones
    (`late` makes it off track, `at_risk` at risk), because the entry gives none."""
    if entry.status:
        return entry.status, False
    plan = a.analysis.milestones if a.analysis else []
    found = {WORST.get(last_status(a, m.id, entry.evaluation) or "", "") for m in plan}
    return next((s for s in ("off_track", "at_risk") if s in found), "on_track"), True


def covers(measurement: Measurement, entry: Progress) -> Day:
    """The last day a progress entry's measurement covers: as given, else its evaluation."""
    return measurement.measured or entry.evaluation


@dataclass(frozen=True)
class RiskStanding:
    """A risk of the plan as the progress entries up to a day leave it."""

    risk: Risk
    status: str
    """`open` (also when never updated), `closed` or `occurred`."""
    note: str | None
    """The latest note given for it, from whichever update gave one."""


def risks_on(a: Assignment, day: Day) -> list[RiskStanding]:
    """Each risk of `a`'s plan (as amended: pass the plan of the document's date) with the
    status of the last evaluation held by `day` that updated it; a risk without id
    cannot be updated and stays open."""
    standing = []
    for risk in a.analysis.risks if a.analysis else []:
        updates = [p.risks[risk.id] for p in entries(a)
                   if risk.id in p.risks and p.evaluation <= day]
        notes = [u.note for u in updates if u.note]
        standing.append(RiskStanding(risk, updates[-1].status if updates else "open",
                                     notes[-1] if notes else None))
    return standing


def handover_date(a: Assignment) -> Day:
    """The handover report's date: pinned, else its evaluation session or final evaluation."""
    return a.documents.handover.date or closing_date(a) or a.period.end


ESTIMATE_PATHS = ("terms.estimated_days", "terms.days_per_week", "period.end")
"""Amendments that change the estimate of days (`compute_fee`)."""
OVER_ESTIMATE = Decimal("1.10")
"""A projection above the estimate by more than this is a warning (unless re-estimated)."""


@dataclass(frozen=True)
class EffortFigures:
    """Days and fees used against the estimate of the plan as amended on `day`."""

    days: Decimal
    invoiced: Decimal | None
    estimate_days: Decimal
    estimate_fee: Decimal
    elapsed: Decimal
    """The share of the period elapsed on `day`, 0 to 1."""
    projected_days: Decimal | None
    projected_fee: Decimal | None
    currency: str

    def share(self, part: Decimal | None, whole: Decimal) -> Decimal | None:
        """`part` as a percentage of `whole`, whole percents (None when unknown)."""
        if part is None or not whole:
            return None
        return (part * 100 / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def over(self) -> bool:
        """Whether the projection exceeds the estimate by more than 10 %."""
        return self.projected_days is not None and \
            self.projected_days > self.estimate_days * OVER_ESTIMATE


def effort_figures(plan: Assignment, days: Decimal, invoiced: Decimal | None, day: Day,
                   final: bool = False) -> EffortFigures:
    """The figures of an effort on `day`, `plan` being the plan as amended up to then.

    The projection at completion is linear: the days used over the share of the period
    elapsed, to the half day; the fee projected is those days at the day rate. At the
    closing (`final`) the days used are the outcome, nothing is projected.
    """
    fee = compute_fee(plan.intake.terms, plan.period, country=client_country(plan),
                      language=plan.language)  # the proposal's estimate, holidays and all
    length = (plan.period.end - plan.period.start).days + 1
    passed = min(max((day - plan.period.start).days + 1, 0), length)
    elapsed = Decimal(passed) / Decimal(length)
    projected = None
    if not final and elapsed:
        projected = (days / elapsed * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
    return EffortFigures(
        days, invoiced, fee.days, fee.excl_vat, elapsed, projected,
        None if projected is None else (projected * fee.day_rate).quantize(Decimal("0.01")),
        fee.currency)


_FIGURE = re.compile(r"\s*(≤|<=|<|≥|>=|>)?\s*([+-]?\d[\d.,\u00a0\u202f ]*)\s*(.*?)\s*")
_MEETS = {"≤": operator.le, "<=": operator.le, "<": operator.lt,
          "≥": operator.ge, ">=": operator.ge, ">": operator.gt}


def figure(text: str | None, language: str) -> tuple[str, Decimal, str] | None:
    """`"≤ 1,5 %"` -> ("≤", 1.5, "%") in the document's language (`1.234,5` in Dutch,
    `1 234,5` or `1.234,5` in French, `1,234.5` in English); None when the text does not
    read as one number and a unit."""
    found = _FIGURE.fullmatch(text or "")
    if not found:
        return None
    comparison, digits, unit = found.groups()
    thousands, decimal = (",", ".") if language == "en" else (".", ",")
    digits = re.sub(r"[\u00a0\u202f ]", "", digits).replace(thousands, "").replace(decimal, ".")
    try:
        return comparison or "", Decimal(digits), unit
    except ArithmeticError:
        return None


def meets(value: str | None, target: str | None, language: str) -> bool:
    """Whether a value meets a target with a comparison (`1,3 %` meets `≤ 1,5 %`), when
    both read as numbers of the same unit; or a deadline (`Unqualified opinion by 9 July
    2027`), when the target names one day and the value one day on or before it
    (`Unqualified opinion signed 9 July 2027`). False when they do not read so."""
    reached, wanted = figure(value, language), figure(target, language)
    if not reached or not wanted:
        deadline, done = days_named(target, language), days_named(value, language)
        return len(deadline) == len(done) == 1 and done[0] <= deadline[0]
    if reached[0] or wanted[0] not in _MEETS or reached[2] != wanted[2]:
        return False
    return bool(_MEETS[wanted[0]](reached[1], wanted[1]))


def days_named(text: str | None, language: str) -> list[Day]:
    """The days a text names, in order: ISO (`2027-07-09`) or written in the document's
    language (`9 July 2027`, `9 juli 2027`, `1er juillet 2027`, `9 jul. 2027`)."""
    found = []
    for match in _day_pattern(language).finditer(text or ""):
        iso_year, iso_month, iso_day, day, month, year = match.groups()
        try:
            found.append(Day(int(iso_year), int(iso_month), int(iso_day)) if iso_year else
                         Day(int(year), _months(language)[month.lower()], int(day)))
        except ValueError:  # 31 June, 2027-02-30: names no day
            continue
    return found


@cache
def _months(language: str) -> dict[str, int]:
    """Month names, wide and abbreviated (CLDR via Babel), lower case -> month number."""
    return {str(name).lower(): number for width in ("wide", "abbreviated")
            for number, name in get_month_names(width, locale=language).items()}


@cache
def _day_pattern(language: str) -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in sorted(_months(language), key=len, reverse=True))
    return re.compile(rf"\b(\d{{4}})-(\d{{2}})-(\d{{2}})\b|\b(\d{{1,2}})(?:er)?\s+({names})"
                      rf"(?!\w)\s*(\d{{4}})\b", re.IGNORECASE)
