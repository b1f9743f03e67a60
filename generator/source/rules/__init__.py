"""The rules of the format (spec/FORMAT.md), each reported at the file, line and column it concerns.

`check_rules` applies the format's cross-field rules to the validated model
(`generator.source.loading.load` builds it and hands the rules in), one small function each,
listed in `RULES` in the order they report; each group of rules is one module here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.errors import Report
from generator.source.firm import NEUTRAL_FIRM, Firm
from generator.source.model import Assignment
from generator.source.reading import Source
from generator.source.rules.amounts import rule_plausible_amounts
from generator.source.rules.commercial import rule_standing_terms, rule_vat
from generator.source.rules.context import Context, Rule
from generator.source.rules.execution import (
    rule_changes,
    rule_document_dates,
    rule_execution_and_closing,
    rule_final_milestone_status,
    rule_transfer_due,
)
from generator.source.rules.markdown import (
    rule_links_and_images,
    rule_markdown_as_written,
    rule_self_contained_markdown,
)
from generator.source.rules.people import (
    PERSON_KEYS,
    rule_identity,
    rule_person_references,
    rule_roles,
)
from generator.source.rules.plan import (
    PLAN_RULES,
    rule_dates,
    rule_evaluations,
    rule_exit_plan,
    rule_objectives_and_milestones,
    rule_terms,
)
from generator.source.rules.reports import (
    rule_effort,
    rule_exit_criteria,
    rule_gates_and_reports,
    rule_handover_consistency,
    rule_measured_by_the_report,
    rule_no_silent_gaps,
    rule_risk_updates,
)

__all__ = ["PERSON_KEYS", "PLAN_RULES", "RULES", "Context", "Rule", "check_rules"]

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
    rule_plausible_amounts,
    rule_vat,
    rule_standing_terms,
    rule_links_and_images,
    rule_self_contained_markdown,
    rule_markdown_as_written,
    rule_final_milestone_status,
    rule_transfer_due,
    rule_effort,
    rule_measured_by_the_report,
    rule_gates_and_reports,
    rule_exit_criteria,
    rule_no_silent_gaps,
    rule_handover_consistency,
    rule_risk_updates,
)


def check_rules(assignment: Assignment, source: Source, folder: Path, report: Report,
                style_exists: Callable[[str], object] | None = None,
                firm: Firm = NEUTRAL_FIRM) -> None:
    """Apply every format rule; all problems go to `report`. `firm` offers the assignment:
    the VAT treatment and the standing terms depend on it."""
    ctx = Context(assignment, source, folder, report, style_exists, firm)
    for rule in RULES:
        rule(ctx)
