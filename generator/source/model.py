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
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from generator.source.commerce import VatTreatment, check_country, check_vat_number
from generator.source.kind_ids import KIND_IDS, KindId
from generator.source.languages import Language
from generator.source.per_language import PerLanguage
from generator.source.records import (
    Check,
    Fixed,
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
Id = Annotated[str, non_empty, Fixed("an id names its item in every document",
                                     "an id never changes: drop the item and add it anew")]
PAST = Fixed("it records what happened on its own date", "a change cannot rewrite the past: "
             "correct the key itself where it was typed wrong")
"""What no change amends (`execution.changes[].amends`): ids and facts of the past."""
Country = Annotated[str, Check(check_country, (("pattern", "^[A-Z]{2}$"),))]  # ISO 3166: BE
VatNumber = Annotated[str, non_empty, Check(check_vat_number)]  # prefix and check digits
Web = Annotated[str, matching(r"https?://[^\s/<>]+[^\s<>]*", "web address", "https://x.be/terms")]

Organisation = Literal["client", "provider", "third_party"]
Level3 = Literal["low", "medium", "high"]
MilestoneStatus = Literal["planned", "on_track", "at_risk", "late", "done"]
FinalStatus = Literal["done", "not_achieved"]
"""A milestone's status when the assignment closes (rule 13): reached or not, nothing between."""


class Person(Record):
    id: Id
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
    country: Country | None = None  # else the VAT number's: VAT treatment, public holidays
    vat_number: VatNumber | None = None
    sponsor: PersonId
    contact: PersonId | None = None  # the proposal's addressee ("t.a.v.")


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
    start: Annotated[Day, PAST]
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
    id: Id
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
    start: Day | None = None


class ExitCriterion(Record):
    """When the assignment is done; with an `id` the handover gives it a verdict."""
    SHORTHAND: ClassVar[str] = "text"
    id: Plain | None = None
    text: Inline


class Handover(Record):
    start: Day
    end: Day | None = None


class ExitPlan(Record):
    criteria: list[ExitCriterion] = []
    successor: Successor | None = None
    handover: Handover | None = None
    handover_start: Day | None = None
    """The earlier spelling of `handover.start`, still read (sources of earlier versions)."""

    def window(self) -> Handover | None:
        """The handover as planned, written either way (`handover` or `handover_start`)."""
        if self.handover or self.handover_start is None:
            return self.handover
        return Handover(start=self.handover_start)


class GeneralTerms(Record):
    title: PerLanguage
    link: Web | None = None


class Policy(Record):
    insurer: Plain
    policy: Plain | None = None
    cover: Money
    currency: Currency = "EUR"


class Insurance(Record):
    professional_liability: Policy | None = None
    directors_and_officers: Policy | None = None  # a statutory mandate needs it


class Terms(Record):
    currency: Currency = "EUR"
    day_rate: Money
    days_per_week: Amount
    vat: VatTreatment | None = None  # overrides what the two countries give
    vat_percent: Amount | None = None
    estimated_days: Amount | None = None
    expenses: Inline | None = None
    payment_days: int | None = None
    notice_days: int | None = None
    liability_cap: Inline | None = None
    governing_law: Plain | None = None
    valid_until: Day | None = None
    invoicing: Inline | None = None
    non_solicitation_months: int | None = None
    general_terms: GeneralTerms | None = None
    insurance: Insurance | None = None

    MOVED: ClassVar[dict[str, tuple[str, str]]] = {"confidentiality": (
        "`intake.terms.confidentiality` has moved to the top-level `confidential`, which gives "
        "both the label on every page and the proposal's confidentiality clause",
        "delete this line and write `confidential: true` unindented at the top level of "
        "assignment.yaml; `false`, the default, prints neither label nor clause")}
    """Keys of earlier versions of the format (records.build names where each went, with the
    fix, instead of "unknown key"): the clause once stood here, under a "Not confidential"."""


class Intake(Record):
    first_contact: Annotated[Day | None, PAST] = None
    situation: Annotated[Block, PAST]
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
    id: Id
    title: Inline
    due: Day
    objectives: list[ObjectiveId] = []
    owner: PersonId | None = None
    acceptance: Inline | None = None


class Action(Record):
    """Work towards a milestone, an objective, or neither: a workstream of its own."""

    id: Id
    milestone: MilestoneId | None = None
    objective: ObjectiveId | None = None
    description: Inline
    owner: PersonId | None = None
    start: Day | None = None
    due: Day | None = None


class Risk(Record):
    id: Id | None = None
    """Needed for a progress entry to update the risk (`execution.progress[].risks`)."""
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
    summary: Annotated[Block | None, PAST] = None
    findings: Annotated[list[Finding], PAST] = []
    milestones: list[Milestone] = []
    actions: list[Action] = []
    risks: list[Risk] = []
    coaching: list[Coaching] = []
    evaluations: list[Evaluation] = []
    reviews: Annotated[list[Review], PAST] = []
    acceptance: Annotated[Acceptance | None, PAST] = None


class Measurement(Record):
    """A value as the client reads it and the last day it covers (else: the report's date)."""
    SHORTHAND: ClassVar[str] = "value"
    value: Plain
    measured: Day | None = None
    note: Inline | None = None


class RiskUpdate(Record):
    """A risk as one evaluation finds it; the latest note stands until the next update."""
    status: Literal["open", "closed", "occurred"]
    note: Inline | None = None


class Effort(Record):
    """Days worked and amount invoiced (excl. VAT) since the start, cumulative."""
    days: Amount
    invoiced: Money | None = None
    note: Inline | None = None


class Progress(Record):
    evaluation: Day
    summary: Block
    status: Literal["on_track", "at_risk", "off_track"] | None = None
    status_note: Inline | None = None
    gate: Literal["go", "go_with_conditions", "stop"] | None = None
    conditions: list[Inline] = []
    milestones: dict[MilestoneKey, MilestoneStatus] = {}
    decisions: list[Inline] = []
    measurements: dict[ObjectiveKey, Measurement] = {}
    """Latest value per objective id, as the client reads it (`"3,1 %"`)."""
    effort: Effort | None = None
    risks: dict[str, RiskUpdate] = {}
    """Risk id -> its status at this evaluation (rule 22: an id of the plan's risks)."""
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
    measured: Day | None = None
    note: Inline | None = None


class Verdict(Record):
    status: Literal["met", "not_met"]
    evidence: Inline | None = None


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
    effort: Effort | None = None
    exit_criteria: dict[Plain, Verdict] = {}  # by `intake.exit_plan.criteria[].id`


class Assignment(Record):
    """An interim assignment through its four phases, as written in `assignment.yaml`."""

    id: Annotated[Slug, Fixed("it names the assignment's folder", "")]
    language: Annotated[Language, Fixed("every document of the assignment is written in it",
                                        "documents in another language need their own assignment")]
    title: Plain
    confidential: bool = False
    documents: Annotated[Documents, PAST] = Documents()
    client: Client
    interim_manager: PersonId
    position: Position
    period: Period
    people: Annotated[list[Person], non_empty]
    intake: Intake
    analysis: Analysis | None = None
    execution: Annotated[Execution | None, PAST] = None
    closing: Annotated[Closing | None, PAST] = None

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
