"""Rules 14-15 (`rules/commercial.py`): the VAT the proposal charges follows the firm's and
the client's countries, and the standing terms it offers are sound; each problem at the key
to change, naming both countries and the fix (the fee itself: test_fee.py)."""

from __future__ import annotations

import pytest
from example_project import ExampleProject, assert_located, only

BELGIAN_FIRM = "name: Coverton Interim Management BV\nvat_number: BE0987.654.394\n"


def _firm(example: ExampleProject, text: str = BELGIAN_FIRM) -> None:
    (example.root / "firm.yaml").write_text(text, encoding="utf-8")


def _client(example: ExampleProject, country: str | None, vat_number: str | None) -> None:
    """The example's client (BE, BE0123.456.749) in `country` with `vat_number` (None: the
    key left out)."""
    if country != "BE":
        example.edit("  country: BE", f"  country: {country}" if country else "")
    if vat_number != "BE0123.456.749":
        example.edit("  vat_number: BE0123.456.749", f"  vat_number: {vat_number}"
                     if vat_number else "")


# --------------------------------------------------------------------------- rule 14: VAT

def test_a_country_the_vat_number_contradicts_is_a_warning_at_the_country(
        example: ExampleProject) -> None:
    example.edit("  country: BE", "  country: NL")
    warning = only(example.warnings(), "differs from the country of the VAT number")
    assert warning.message == ("client.country NL differs from the country of the VAT number "
                               "BE0123.456.749")
    assert warning.hint == ("the VAT treatment and public holidays follow client.country: "
                            "check both")
    assert_located(warning, example.yaml, example.line_of("  country: NL"))


@pytest.mark.parametrize(("country", "vat_number"), [("BE", None), (None, "BE0123.456.749")])
def test_a_country_or_a_vat_number_alone_contradicts_nothing(
        example: ExampleProject, country: str | None, vat_number: str | None) -> None:
    _client(example, country, vat_number)
    assert example.warnings() == []


def test_an_override_names_what_the_countries_give_and_both_countries(
        example: ExampleProject) -> None:
    _firm(example)
    example.edit("    vat_percent: 21", "    vat_percent: 21\n    vat: out_of_scope")
    warnings = example.warnings()
    warning = only(warnings, "contradicts")
    assert warning.message == ("vat: out_of_scope contradicts the countries, which give the "
                               "national rate (domestic) (firm: Belgium, client: Belgium)")
    assert warning.hint == ("remove `vat:` to follow the countries, or correct client.country "
                            "or client.vat_number")
    assert_located(warning, example.yaml, example.line_of("vat: out_of_scope"))
    # the rate is then not charged either: said at the rate, naming the treatment stated
    charged = only(warnings, "is not charged")
    assert charged.message == ("vat_percent is not charged: the proposal states no VAT (out of "
                               "scope) (firm: Belgium, client: Belgium)")
    assert charged.hint == "remove `vat_percent:`"
    assert_located(charged, example.yaml, example.line_of("vat_percent: 21"))


def test_an_override_the_countries_agree_with_is_no_warning(example: ExampleProject) -> None:
    _firm(example)
    example.edit("    vat_percent: 21", "    vat_percent: 21\n    vat: domestic")
    assert example.warnings() == []


def test_the_national_rate_missing_names_the_unknown_countries(example: ExampleProject) -> None:
    _client(example, None, None)
    example.edit("    vat_percent: 21\n", "")
    error = only(example.errors(), "vat_percent")
    assert error.message == ("missing key 'vat_percent': the national VAT rate applies (firm: "
                             "country unknown, client: country unknown)")
    assert error.hint == ("add `vat_percent: 21` (the rate) under intake.terms, or set "
                          "client.country or client.vat_number")
    assert_located(error, example.yaml, example.line_of("  terms:"))


def test_a_rate_given_for_a_reverse_charge_is_a_warning(example: ExampleProject) -> None:
    _firm(example)
    _client(example, "IE", "IE6388047V")
    warning = only(example.warnings(), "is not charged")
    assert warning.message == ("vat_percent is not charged: the proposal states a reverse "
                               "charge (firm: Belgium, client: Ireland)")
    assert_located(warning, example.yaml, example.line_of("vat_percent: 21"))


def test_a_reverse_charge_without_the_clients_vat_number_is_a_warning(
        example: ExampleProject) -> None:
    _firm(example)
    _client(example, "IE", None)
    example.edit("    vat_percent: 21\n", "")
    warning = only(example.warnings(), "reverse charge")
    assert warning.message == "a reverse charge needs the client's VAT number on every invoice"
    assert warning.hint == "add `vat_number:` under client"
    assert_located(warning, example.yaml, example.line_of("client:"))


def test_a_reverse_charge_with_the_clients_vat_number_is_no_warning(
        example: ExampleProject) -> None:
    _firm(example)
    _client(example, "IE", "IE6388047V")
    example.edit("    vat_percent: 21\n", "")
    assert example.warnings() == []


# --------------------------------------------------------------------------- rule 15

def test_a_statutory_mandate_with_d_and_o_insurance_is_no_warning(
        example: ExampleProject) -> None:
    example.edit("  mode: line", "  mode: statutory")
    example.edit("    payment_days: 30\n", "    payment_days: 30\n    insurance:\n"
                 "      directors_and_officers: {insurer: AIG, cover: 5000000}\n")
    assert example.warnings() == []


def test_a_statutory_mandate_covered_by_the_firms_d_and_o_is_no_warning(
        example: ExampleProject) -> None:
    _firm(example, BELGIAN_FIRM + "terms:\n  insurance:\n"
          "    directors_and_officers: {insurer: AIG, cover: 5000000}\n")
    example.edit("  mode: line", "  mode: statutory")
    assert example.warnings() == []


def test_a_statutory_mandate_with_only_liability_insurance_is_a_warning(
        example: ExampleProject) -> None:
    example.edit("  mode: line", "  mode: statutory")
    example.edit("    payment_days: 30\n", "    payment_days: 30\n    insurance:\n"
                 "      professional_liability: {insurer: AXA, cover: 1000000}\n")
    warning = only(example.warnings(), "D&O")
    assert warning.message == ("a statutory mandate without D&O insurance (directors' and "
                               "officers' liability)")
    assert warning.hint == ("add `insurance: {directors_and_officers: ...}` under intake.terms, "
                            "or under `terms:` in firm.yaml for every assignment")


def test_the_addressee_must_be_a_client_person(example: ExampleProject) -> None:
    example.edit("  contact: gdewit", "  contact: lvermeulen")
    error = only(example.errors(), "addressee")
    assert error.message == "the proposal's addressee 'lvermeulen' is not a client person"
    assert error.hint == "name someone with `organisation: client`"
    assert_located(error, example.yaml, example.line_of("contact: lvermeulen"))


def test_another_client_person_may_be_the_addressee(example: ExampleProject) -> None:
    example.edit("  contact: gdewit", "  contact: kjanssens")
    assert example.load().assignment.client.contact == "kjanssens"


def test_a_country_without_known_public_holidays_is_a_warning_at_the_country(
        example: ExampleProject) -> None:
    example.edit("  country: BE", "  country: AC")
    warning = only(example.warnings(), "no public holidays")
    assert warning.message == ("no public holidays known for Ascension Island: the estimate "
                               "counts every Monday to Friday")
    assert warning.hint == ("give `estimated_days` under intake.terms if the client's calendar "
                            "differs")
    assert_located(warning, example.yaml, example.line_of("  country: AC"))


def test_without_a_country_the_calendar_warning_stands_at_the_vat_number(
        example: ExampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every country a VAT number names has a calendar today; should the holidays package
    drop one, the warning names the key that gave the country."""
    monkeypatch.setattr("generator.source.rules.commercial.has_holiday_calendar",
                        lambda country: country != "BE")
    _client(example, None, "BE0123.456.749")
    warning = only(example.warnings(), "no public holidays")
    assert warning.message.startswith("no public holidays known for Belgium")
    assert_located(warning, example.yaml, example.line_of("  vat_number: BE0123.456.749"))
