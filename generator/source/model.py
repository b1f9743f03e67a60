"""The model: one typed, validated picture of an assignment, the only input of every document.

Field types say how text may be used downstream:
- `Plain`: names, ids, titles, values. Printed exactly as typed, never read as Markdown.
- `Inline`: short prose (list items, table cells). Emphasis, code and links are
  honoured; block syntax (headings, lists, tables) is neutralised.
- `Block`: long prose (`situation`, `summary`, anything included from a file):
  full Markdown, paragraphs and lists included.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from generator.source.kind_ids import KIND_IDS, KindId
from generator.source.records import (
    Check,
    Key,
    Problem,
    Record,
    Ref,
    Unit,
    between,
    matching,
    non_empty,
)


class InlineMarkdown(str):
    """Text that may hold inline Markdown; templating keeps it on one line."""


class BlockMarkdown(str):
    """Text that is Markdown with blocks; templating inserts it as its own blocks."""


def _relative(value: str) -> str:
    if value.startswith("/") or "\\" in value:
        raise Problem("give a path relative to firm.yaml", "e.g. templates/brand.docx")
    return value


Plain = Annotated[str, non_empty]
Inline = Annotated[str, non_empty, Check(InlineMarkdown)]
Block = Annotated[str, Check(BlockMarkdown)]
Day = datetime.date
Amount = Annotated[Decimal, between(Decimal("-1e12"), Decimal("1e12"))]
"""Money and counts: finite and within a trillion, so fee arithmetic stays exact."""
Money = Annotated[Amount, Unit("money")]  # an Amount that prints in the terms' currency
PersonId = Annotated[str, non_empty, Ref("person")]
"""The id of a person in `people`; rule 2 checks every field of this type."""
ObjectiveId = Annotated[str, non_empty, Ref("objective")]
"""The id of an objective in `intake.objectives`."""
MilestoneId = Annotated[str, non_empty, Ref("milestone")]
"""The id of a milestone in the plan (as amended by changes)."""
ObjectiveKey = Annotated[str, Ref("objective")]
MilestoneKey = Annotated[str, Ref("milestone")]
"""Objective and milestone ids as mapping keys (`milestones: {M1: done}`), read as before."""
Slug = Annotated[str, matching(r"[a-z0-9]+(-[a-z0-9]+)*", "id",
                               "use lowercase letters, digits and '-' only, "
                               "e.g. acme-finance-2027")]
Currency = Annotated[str, matching(r"[A-Z]{3}", "currency code", "e.g. EUR, GBP, USD")]
RelativePath = Annotated[str, non_empty, Check(_relative)]
Score = Annotated[int, between(1, 5)]

Language = Literal["nl", "en"]
Organisation = Literal["client", "provider", "third_party"]
Level3 = Literal["low", "medium", "high"]
MilestoneStatus = Literal["planned", "on_track", "at_risk", "late", "done"]
FinalStatus = Literal["done", "not_achieved"]
"""A milestone's status when the assignment closes (rule 13): reached or not, nothing between."""


class Person(Record):
    id: Plain
    name: Plain
    role: Plain | None = None
    organisation: Organisation
    email: Plain | None = None
    phone: Plain | None = None
    profile: Block | None = None
    """The interim manager's experience and comparable assignments (proposal)."""


class Client(Record):
    name: Plain
    address: Plain | None = None
    vat_number: Plain | None = None
    sponsor: PersonId


class Mandate(Record):
    decides: list[Inline] = []
    escalates: list[Inline] = []
    signing_limit: Money | None = None


class Position(Record):
    title: Plain
    mode: Literal["line", "staff", "project", "statutory"]
    reports_to: PersonId
    mandate: Mandate = Mandate()


class Period(Record):
    start: Day
    end: Day


class DocumentSettings(Record):
    version: Plain | None = None
    date: Day | None = None


def _documents() -> type[Record]:
    """`documents.<kind>`: a pinned version or date per kind of `KIND_IDS`, in phase order.

    Built from that list, so that a new kind is named in one place. Said here rather than
    as the class's docstring, which the JSON Schema would carry as a description.
    """

    def of(self: Record, kind: KindId) -> DocumentSettings:
        """The settings of one kind, by its id (`action-plan` is the field `action_plan`)."""
        return getattr(self, kind.replace("-", "_"))

    keys = {kind.replace("-", "_"): kind for kind in KIND_IDS}
    hints = {name: DocumentSettings if name == key else Annotated[DocumentSettings, Key(key)]
             for name, key in keys.items()}
    return type("Documents", (Record,), {"__module__": __name__, "__qualname__": "Documents",
                                         "__annotations__": hints, "of": of,
                                         **{name: DocumentSettings() for name in keys}})


Documents = _documents()


class Scope(Record):
    in_: Annotated[list[Inline], Key("in")] = []
    out: list[Inline] = []


class Objective(Record):
    id: Plain
    statement: Inline
    measure: Inline | None = None
    baseline: Plain | None = None
    target: Plain | None = None
    due: Day | None = None


class Resource(Record):
    kind: Literal["people", "budget", "systems", "information"]
    description: Inline
    committed_by: PersonId | None = None


class Successor(Record):
    name: Plain | None = None
    role: Plain | None = None
    status: Literal["known", "internal", "to_recruit"]


class ExitPlan(Record):
    criteria: list[Inline] = []
    successor: Successor | None = None
    handover_start: Day | None = None


class Terms(Record):
    currency: Currency = "EUR"
    day_rate: Money
    days_per_week: Amount
    vat_percent: Amount
    estimated_days: Amount | None = None
    expenses: Inline | None = None
    payment_days: int | None = None
    notice_days: int | None = None
    liability_cap: Inline | None = None
    confidentiality: bool = False
    governing_law: Plain | None = None
    valid_until: Day | None = None
    invoicing: Inline | None = None


class Intake(Record):
    first_contact: Day | None = None
    situation: Block
    scope: Scope = Scope()
    expectations: list[Inline] = []
    objectives: Annotated[list[Objective], non_empty]
    resources: list[Resource] = []
    culture: list[Inline] = []
    success_factors: list[Inline] = []
    exit_plan: ExitPlan | None = None
    approach: Block | None = None
    terms: Terms


class Finding(Record):
    area: Plain
    finding: Inline
    severity: Level3


class Milestone(Record):
    id: Plain
    title: Inline
    due: Day
    objectives: list[ObjectiveId] = []
    owner: PersonId | None = None
    acceptance: Inline | None = None


class Action(Record):
    id: Plain
    milestone: MilestoneId
    description: Inline
    owner: PersonId | None = None
    start: Day | None = None
    due: Day | None = None


class Risk(Record):
    risk: Inline
    likelihood: Level3
    impact: Level3
    mitigation: Inline | None = None
    owner: PersonId | None = None


class Coaching(Record):
    person: PersonId
    goal: Inline


class Evaluation(Record):
    date: Day
    kind: Literal["progress", "phase_gate", "final"]
    participants: list[PersonId] = []


class Review(Record):
    date: Day
    with_: Annotated[list[PersonId], Key("with")] = []
    outcome: Inline


class Acceptance(Record):
    version: Plain
    accepted_on: Day
    accepted_by: PersonId


class Analysis(Record):
    summary: Block | None = None
    findings: list[Finding] = []
    milestones: list[Milestone] = []
    actions: list[Action] = []
    risks: list[Risk] = []
    coaching: list[Coaching] = []
    evaluations: list[Evaluation] = []
    reviews: list[Review] = []
    acceptance: Acceptance | None = None


class Progress(Record):
    evaluation: Day
    summary: Block
    milestones: dict[MilestoneKey, MilestoneStatus] = {}
    decisions: list[Inline] = []
    measurements: dict[ObjectiveKey, Plain] = {}
    """Latest value per objective id, as the client reads it (`"3,1 %"`)."""
    next_steps: list[Inline] = []
    date: Day | None = None
    """The report's date when it is not the evaluation's own."""


class PlanAdditions(Record):
    """New items a change adds to the accepted plan, written in full as in `analysis`."""

    milestones: list[Milestone] = []
    actions: list[Action] = []
    evaluations: list[Evaluation] = []


class Change(Record):
    id: Plain
    date: Day
    what: Inline
    why: Inline | None = None
    impact: Inline | None = None
    approved_by: PersonId
    amends: dict[str, Any] = {}
    """`path: new value` on the accepted plan; each value is typed by the field it names."""
    adds: PlanAdditions = PlanAdditions()
    drops: list[Plain] = []
    """Ids of milestones or actions the change removes from the plan."""


class Execution(Record):
    progress: list[Progress] = []
    changes: list[Change] = []


class Result(Record):
    objective: ObjectiveId
    status: Literal["met", "partial", "not_met"]
    value: Plain | None = None
    note: Inline | None = None


class OpenItem(Record):
    item: Inline
    next_step: Inline | None = None
    due: Day | None = None
    new_owner: PersonId


class KnowledgeTransfer(Record):
    topic: Inline
    to: PersonId
    method: Inline | None = None
    done: bool = False
    due: Day | None = None


class Leadership(Record):
    person: PersonId
    role: Plain | None = None
    readiness: Literal["ready", "ready_with_support", "not_ready"]
    follow_up: Inline | None = None


class EvaluationSession(Record):
    date: Day
    participants: list[PersonId] = []
    went_well: list[Inline] = []
    to_improve: list[Inline] = []
    satisfaction: dict[str, Score] = {}


class Closing(Record):
    summary: Block | None = None
    results: list[Result] = []
    milestones: dict[MilestoneKey, FinalStatus] = {}
    """Final status per milestone; one not named is final only when a progress entry said done."""
    open_items: list[OpenItem] = []
    knowledge_transfer: list[KnowledgeTransfer] = []
    leadership: list[Leadership] = []
    evaluation_session: EvaluationSession | None = None
    recommendations: list[Inline] = []


class Assignment(Record):
    """An interim assignment through its four phases, as written in `assignment.yaml`."""

    id: Slug
    language: Language
    title: Plain
    confidential: bool = False
    documents: Documents = Documents()
    client: Client
    interim_manager: PersonId
    position: Position
    period: Period
    people: Annotated[list[Person], non_empty]
    intake: Intake
    analysis: Analysis | None = None
    execution: Execution | None = None
    closing: Closing | None = None

    def person(self, person_id: str) -> Person:
        """The person with this id; the rules guarantee every reference names one."""
        for person in self.people:
            if person.id == person_id:
                return person
        raise KeyError(person_id)

    @property
    def phase(self) -> str:
        """How far the assignment has come: intake, analysis, accepted, in execution, closed."""
        if self.closing and self.closing.results:
            return "closed"
        if self.execution and (self.execution.progress or self.execution.changes):
            return "in execution"
        if self.analysis and self.analysis.acceptance:
            return "accepted"
        if self.analysis and self.analysis.milestones:
            return "analysis"
        return "intake"


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


class Signatory(Record):
    """Who signs the documents for the firm (else the interim manager signs)."""

    name: Plain
    role: Plain


def _per_language(value: Any) -> str | dict[str, str]:
    """One text for every language, or `{nl: ..., en: ...}` (an English document must
    never carry the Dutch footer)."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict) and value:
        unknown = [str(key) for key in value if key not in ("nl", "en")]
        if unknown:
            raise Problem(f"unknown language {', '.join(unknown)}", "use the keys nl and en")
        if all(isinstance(text, str) and text.strip() for text in value.values()):
            return dict(value)
    raise Problem("expected a text, or one text per language",
                  "write `footer: text` or `footer: {nl: ..., en: ...}`")


PerLanguage = Annotated[Any, Check(_per_language, (
    ("description", "one text, or one per language: {nl: ..., en: ...}"),))]


class Firm(Record):
    """The firm issuing the documents, from `firm.yaml` at the repository's root."""

    name: Plain
    address: Plain | None = None
    vat_number: Plain | None = None
    email: Plain | None = None
    phone: Plain | None = None
    website: Plain | None = None
    logo: RelativePath | None = None
    language: Language = "nl"
    brand_template: RelativePath | None = None
    templates: RelativePath | None = None
    footer: PerLanguage | None = None
    signatory: Signatory | None = None

    def footer_for(self, language: str) -> str:
        """The footer line in a document's language ("" when none is given for it)."""
        if isinstance(self.footer, dict):
            return str(self.footer.get(language, ""))
        return self.footer or ""


NEUTRAL_FIRM = Firm(name="Interim Management", language="nl")


@dataclass(frozen=True)
class Fee:
    """The proposal's fee computation, in the currency of the terms."""

    days: Decimal
    day_rate: Decimal
    excl_vat: Decimal
    vat_percent: Decimal
    vat: Decimal
    incl_vat: Decimal
    currency: str


CENT = Decimal("0.01")


def compute_fee(terms: Terms, period: Period) -> Fee:
    """Days = days/week x calendar days (both ends) / 7, to the nearest half day, unless given."""
    if terms.estimated_days is not None:
        days = terms.estimated_days
    else:
        calendar_days = (period.end - period.start).days + 1
        raw = terms.days_per_week * calendar_days / 7
        days = (raw * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
    excl = (days * terms.day_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    vat = (excl * terms.vat_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Fee(days, terms.day_rate, excl, terms.vat_percent, vat, excl + vat, terms.currency)
