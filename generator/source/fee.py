"""The commercial terms a firm offers on an assignment: its standing terms under the
assignment's own, the VAT treatment of the two countries, and the fee.

The firm is an input beside the assignment (firm.yaml is not part of the assignment), so
what depends on both is computed here, once, for the rules and the proposal alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.source.commerce import VatTreatment, Workload, vat_country, vat_treatment, workload
from generator.source.firm import Firm, StandingTerms
from generator.source.model import Assignment, Insurance, Period, Terms


def client_country(a: Assignment) -> str | None:
    """`client.country`, else the country of the client's VAT number, else unknown."""
    if a.client.country:
        return a.client.country
    return vat_country(a.client.vat_number) if a.client.vat_number else None


def firm_country(firm: Firm) -> str | None:
    """`country` of firm.yaml, else the country of the firm's VAT number, else unknown."""
    if firm.country:
        return firm.country
    return vat_country(firm.vat_number) if firm.vat_number else None


def derived_vat(a: Assignment, firm: Firm) -> VatTreatment:
    """The VAT treatment the two countries give, whatever `intake.terms.vat` says."""
    return vat_treatment(firm_country(firm), client_country(a))


def vat_of(a: Assignment, firm: Firm) -> VatTreatment:
    """`intake.terms.vat` when given (the rules warn when it contradicts), else derived."""
    return a.intake.terms.vat or derived_vat(a, firm)


def standing_terms(terms: Terms, firm: Firm) -> StandingTerms:
    """The firm's standing terms with each one the assignment gives in its place; an
    insurance the assignment names replaces the firm's of that kind only."""
    own, default = terms, firm.terms
    mine, theirs = own.insurance or Insurance(), default.insurance or Insurance()
    insurance = Insurance(
        professional_liability=mine.professional_liability or theirs.professional_liability,
        directors_and_officers=mine.directors_and_officers or theirs.directors_and_officers)
    return StandingTerms(
        payment_days=own.payment_days if own.payment_days is not None
        else default.payment_days,
        non_solicitation_months=own.non_solicitation_months
        if own.non_solicitation_months is not None else default.non_solicitation_months,
        general_terms=own.general_terms or default.general_terms,
        insurance=insurance if insurance != Insurance() else None)


@dataclass(frozen=True)
class Fee:
    """The proposal's fee computation, in the currency of the terms."""

    days: Decimal
    day_rate: Decimal
    excl_vat: Decimal
    vat_percent: Decimal | None
    """The national rate; None where no VAT is charged (reverse charge, out of scope)."""
    vat: Decimal
    incl_vat: Decimal
    currency: str
    treatment: VatTreatment = "domestic"
    workload: Workload | None = None
    """The computation's basis, also when `estimated_days` gives the days."""


CENT = Decimal("0.01")


def compute_fee(terms: Terms, period: Period, *, treatment: VatTreatment = "domestic",
                country: str | None = None, language: str | None = None) -> Fee:
    """Days: the working days of the period less `country`'s public holidays, x days per
    week / 5, to the nearest half day, unless `estimated_days` gives them. VAT at the
    national rate when domestic; none for a reverse charge or a client out of scope."""
    basis = workload(period.start, period.end, terms.days_per_week, country, language)
    days = terms.estimated_days if terms.estimated_days is not None else basis.days
    excl = (days * terms.day_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    percent = terms.vat_percent if treatment == "domestic" else None
    vat = (excl * (percent or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Fee(days, terms.day_rate, excl, percent, vat, excl + vat, terms.currency,
               treatment, basis)


def fee_of(a: Assignment, firm: Firm) -> Fee:
    """The proposal's fee: the assignment's terms, its VAT treatment for this firm, and the
    client's public holidays (else the firm's, where the client's country is unknown)."""
    return compute_fee(a.intake.terms, a.period, treatment=vat_of(a, firm),
                       country=client_country(a) or firm_country(firm), language=a.language)
