"""Rules 14-15: the VAT a proposal charges and the firm's standing terms it offers.

Both depend on the firm (its country, its firm.yaml `terms`), handed to the rules beside
the assignment; `generator.source.fee` computes what the proposal then prints.
"""

from __future__ import annotations

from generator.source.commerce import country_name, has_holiday_calendar, vat_country
from generator.source.fee import client_country, derived_vat, firm_country, standing_terms
from generator.source.rules.context import Context

_SAID = {"domestic": "the national rate (domestic)", "reverse_charge": "a reverse charge",
         "out_of_scope": "no VAT (out of scope)"}


def rule_vat(ctx: Context) -> None:
    """14. The VAT treatment follows the firm's and the client's countries: the national rate
    needs `vat_percent`; a reverse charge needs the client's VAT number; an explicit
    `intake.terms.vat` that the countries contradict is said."""
    a, terms = ctx.assignment, ctx.assignment.intake.terms
    client = a.client
    if client.country and client.vat_number and vat_country(client.vat_number) != client.country:
        ctx.warning(("client", "country"), f"client.country {client.country} differs from the "
                    f"country of the VAT number {client.vat_number}",
                    "the VAT treatment and public holidays follow client.country: check both")
    derived = derived_vat(a, ctx.firm)
    treatment = terms.vat or derived
    path = ("intake", "terms")
    if terms.vat and terms.vat != derived:
        ctx.warning((*path, "vat"), f"vat: {terms.vat} contradicts the countries, which give "
                    f"{_SAID[derived]} ({_countries(ctx)})",
                    "remove `vat:` to follow the countries, or correct client.country or "
                    "client.vat_number")
    if treatment == "domestic" and terms.vat_percent is None:
        ctx.error((*path, "vat_percent"), "missing key 'vat_percent': the national VAT rate "
                  f"applies ({_countries(ctx)})", "add `vat_percent: 21` (the rate) under "
                  "intake.terms, or set client.country or client.vat_number")
    elif treatment != "domestic" and terms.vat_percent is not None:
        ctx.warning((*path, "vat_percent"), f"vat_percent is not charged: the proposal states "
                    f"{_SAID[treatment]} ({_countries(ctx)})", "remove `vat_percent:`")
    if treatment == "reverse_charge" and not client.vat_number:
        ctx.warning(("client",), "a reverse charge needs the client's VAT number on every "
                    "invoice", "add `vat_number:` under client")


def _countries(ctx: Context) -> str:
    firm, client = firm_country(ctx.firm), client_country(ctx.assignment)
    return (f"firm: {country_name(firm) if firm else 'country unknown'}, "
            f"client: {country_name(client) if client else 'country unknown'}")


def rule_standing_terms(ctx: Context) -> None:
    """15. A statutory mandate is covered by D&O insurance; the proposal's addressee is the
    client's; the estimate's public holidays are known."""
    a = ctx.assignment
    insurance = standing_terms(a.intake.terms, ctx.firm).insurance
    if a.position.mode == "statutory" and not (insurance and insurance.directors_and_officers):
        ctx.warning(("position", "mode"), "a statutory mandate without D&O insurance "
                    "(directors' and officers' liability)",
                    "add `insurance: {directors_and_officers: ...}` under intake.terms, or "
                    "under `terms:` in firm.yaml for every assignment")
    contact = a.client.contact
    if contact and contact in ctx.people() and \
            ctx.people()[contact].organisation != "client":
        ctx.error(("client", "contact"), f"the proposal's addressee {contact!r} is not a "
                  "client person", "name someone with `organisation: client`")
    country = client_country(a)
    if country and not has_holiday_calendar(country):
        where = ("client", "country") if a.client.country else ("client", "vat_number")
        ctx.warning(where, f"no public holidays known for {country_name(country)}: the "
                    "estimate counts every Monday to Friday", "give `estimated_days` under "
                    "intake.terms if the client's calendar differs")
