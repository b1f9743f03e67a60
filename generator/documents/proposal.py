"""Phase 1: the proposal, scoping the client's expectations; it may always be built."""

from __future__ import annotations

from typing import Any

from generator.documents.kind import Gate, Instance, Kind
from generator.documents.templating import Md, escape
from generator.source.fee import fee_of, standing_terms
from generator.source.firm import Firm
from generator.source.model import Assignment, InlineMarkdown
from generator.source.per_language import in_language


def context(a: Assignment, instance: Instance) -> dict[str, Any]:
    manager = a.person(a.interim_manager)
    return {
        "start_form": "d MMMM" if a.period.start.year == a.period.end.year else "long",
        "profile": manager.profile,
    }


def offering(a: Assignment, firm: Firm) -> dict[str, Any]:
    """What the firm offers: the fee with its basis (working days, public holidays), the VAT
    its treatment charges, and the firm's standing terms under the assignment's own.

    `about` is printed as paragraphs of inline Markdown: firm.yaml's text is checked by no
    assignment's rules, so no block it opens can run on into the proposal.
    """
    standing = standing_terms(a.intake.terms, firm)
    about = in_language(firm.about, a.language)
    general = standing.general_terms
    title = escape(in_language(general.title, a.language)) if general else ""
    return {
        "fee": fee_of(a, firm),
        "standing": standing,
        "general_terms": Md(f"[{title}](<{general.link}>)") if general and general.link
        else title or None,
        "about": [InlineMarkdown(p) for p in about.split("\n\n") if p.strip()],
    }


KIND = Kind(
    id="proposal",
    template="proposal.md.j2",
    gate=lambda a: Gate.open(),
    context=context,
    offering=offering,
)
