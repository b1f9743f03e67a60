"""The fee a proposal states: working days less public holidays, the VAT treatment of the
firm's and the client's countries, and VAT numbers checked at their line (issue 20)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from example_project import ExampleProject, assert_located, only

from generator.errors import SourceError
from generator.source.commerce import count_weekdays, public_holidays, workload
from generator.source.fee import compute_fee, fee_of, standing_terms
from generator.source.firm import Firm
from generator.source.model import Period, Terms
from generator.source.project import load_firm

D = datetime.date
BELGIAN_FIRM = Firm(name="Coverton Interim Management BV", vat_number="BE0987.654.394")


def terms(**values: object) -> Terms:
    return Terms(**{"day_rate": 1000, "days_per_week": 5, "vat_percent": 21, **values})


def test_the_example_period_against_a_hand_count() -> None:
    """11 January (a Monday) to 25 June 2027 (a Friday): 24 weeks less the weekend = 120
    working days; Belgian public holidays on a weekday: Easter Monday 29 March, Ascension
    6 May, Whit Monday 17 May (1 May 2027 is a Saturday): 117; x 4/5 = 93.6 -> 93.5."""
    start, end = D(2027, 1, 11), D(2027, 6, 25)
    assert count_weekdays(start, end) == 120
    assert [day for day, _ in public_holidays("BE", start, end)] == [
        D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17)]
    basis = workload(start, end, Decimal(4), "BE", "nl")
    assert (basis.weekdays, basis.net, basis.days) == (120, 117, Decimal("93.5"))
    assert [name for _, name in basis.holidays] == [
        "Paasmaandag", "O. L. H. Hemelvaart", "Pinkstermaandag"]


def test_fee_of_the_example(example: ExampleProject) -> None:
    a = example.load().assignment
    fee = fee_of(a, BELGIAN_FIRM)
    assert fee.treatment == "domestic"
    assert (fee.days, fee.excl_vat, fee.vat_percent, fee.vat, fee.incl_vat) == (
        Decimal("93.5"), Decimal("98175.00"), Decimal("21"), Decimal("20616.75"),
        Decimal("118791.75"))


def test_estimated_days_override_the_computation_not_its_basis(example: ExampleProject) -> None:
    example.edit("    day_rate: 1050", "    day_rate: 1050\n    estimated_days: 80.5")
    fee = fee_of(example.load().assignment, BELGIAN_FIRM)
    assert fee.days == Decimal("80.5") and fee.incl_vat == Decimal("102275.25")
    assert fee.workload is not None and fee.workload.days == Decimal("93.5")


@pytest.mark.parametrize(("per_week", "start", "end", "days"), [
    # working days (Mon-Fri) x days per week / 5, to the nearest half day (no holidays)
    (5, D(2027, 1, 4), D(2027, 1, 10), "5"),       # Mon-Sun: 5 working days
    (4, D(2027, 1, 4), D(2027, 1, 8), "4"),        # 5 x 4/5
    (4, D(2027, 1, 4), D(2027, 1, 6), "2.5"),      # 3 x 4/5 = 2.4 -> 2.5
    (2, D(2027, 1, 4), D(2027, 1, 6), "1"),        # 3 x 2/5 = 1.2 -> 1
    ("1.25", D(2027, 1, 4), D(2027, 1, 8), "1.5"),  # exactly 1.25 -> half up to 1.5
    (1, D(2027, 1, 4), D(2027, 1, 5), "0.5"),      # 0.4 -> 0.5
    (3, D(2027, 1, 9), D(2027, 1, 10), "0"),       # a weekend
])
def test_days_rounded_to_the_nearest_half_day(per_week: object, start: D, end: D,
                                              days: str) -> None:
    fee = compute_fee(terms(days_per_week=per_week), Period(start=start, end=end))
    assert fee.days == Decimal(days)
    assert fee.excl_vat == (Decimal(days) * 1000).quantize(Decimal("0.01"))


def test_amounts_rounded_to_cents() -> None:
    fee = compute_fee(terms(day_rate="999.99", estimated_days="0.5"),
                      Period(start=D(2027, 1, 1), end=D(2027, 1, 2)))
    assert (fee.excl_vat, fee.vat) == (Decimal("500.00"), Decimal("105.00"))


# --------------------------------------------------------------------------- VAT

def _client(example: ExampleProject, country: str, vat_number: str | None) -> None:
    """The example's client moved to `country`, offered by a Belgian firm (firm.yaml)."""
    (example.root / "firm.yaml").write_text("name: Coverton Interim Management BV\n"
                                            "vat_number: BE0987.654.394\n", encoding="utf-8")
    example.edit("  country: BE", f"  country: {country}")
    replacement = f"  vat_number: {vat_number}" if vat_number else ""
    example.edit("  vat_number: BE0123.456.749", replacement)


def test_be_to_be_charges_the_national_rate(example: ExampleProject) -> None:
    fee = fee_of(example.load().assignment, BELGIAN_FIRM)
    assert (fee.treatment, fee.vat_percent, fee.vat) == ("domestic", Decimal(21),
                                                         Decimal("20616.75"))


def test_be_to_ie_is_a_reverse_charge_without_vat(example: ExampleProject) -> None:
    _client(example, "IE", "IE6388047V")
    example.edit("    vat_percent: 21\n", "")
    loaded = example.load()
    fee = fee_of(loaded.assignment, BELGIAN_FIRM)
    assert (fee.treatment, fee.vat_percent, fee.vat) == ("reverse_charge", None, Decimal(0))
    assert fee.incl_vat == fee.excl_vat
    # Irish public holidays: St Brigid's Day (1 February), St Patrick's Day, Easter Monday,
    # the May and June bank holidays; 115 x 4/5 = 92
    assert fee.workload is not None and len(fee.workload.holidays) == 5
    assert fee.days == Decimal(92)


def test_be_to_us_is_out_of_scope(example: ExampleProject) -> None:
    _client(example, "US", None)
    example.edit("    vat_percent: 21\n", "")
    fee = fee_of(example.load().assignment, BELGIAN_FIRM)
    assert (fee.treatment, fee.vat) == ("out_of_scope", Decimal(0))


def test_the_national_case_needs_its_rate(example: ExampleProject) -> None:
    line = example.line_of("  terms:")
    example.edit("    vat_percent: 21\n", "")
    error = only(example.errors(), "vat_percent")
    assert_located(error, example.yaml, line, "national VAT rate", "vat_percent: 21")


def test_an_override_that_contradicts_the_countries_is_a_warning(
        example: ExampleProject) -> None:
    example.edit("    vat_percent: 21", "    vat_percent: 21\n    vat: reverse_charge")
    warning = only(example.warnings(), "contradicts")
    assert_located(warning, example.yaml, example.line_of("vat: reverse_charge"),
                   "the national rate (domestic)", "remove `vat:`")
    assert fee_of(example.load().assignment, BELGIAN_FIRM).treatment == "reverse_charge"


@pytest.mark.parametrize(("typed", "said"), [
    ("BE0123.456.789", "fails the check digits of a VAT number of Belgium"),
    ("IE9876543W", "fails the check digits of a VAT number of Ireland"),
    ("BE01234", "has the wrong length for a VAT number of Belgium"),
    ("0123.456.749", "has no country prefix"),
    ("XX0123456749", "no country's VAT prefix"),
])
def test_invalid_vat_numbers_are_located(example: ExampleProject, typed: str,
                                         said: str) -> None:
    example.edit("BE0123.456.749", typed)
    error = only(example.errors(), said)
    assert_located(error, example.yaml, example.line_of(typed), said)


def test_the_firms_vat_number_is_checked_at_its_line(tmp_path) -> None:
    (tmp_path / "firm.yaml").write_text("name: X BV\nvat_number: BE0987.654.321\n",
                                        encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_firm(tmp_path)
    (error,) = info.value.diagnostics
    assert_located(error, "firm.yaml", 2, "fails the check digits", "VIES")


# --------------------------------------------------------------------------- standing terms

def test_the_assignment_overrides_the_firms_standing_terms() -> None:
    firm = Firm(name="X", terms={
        "payment_days": 30, "non_solicitation_months": 12,
        "insurance": {"professional_liability": {"insurer": "AXA", "cover": 1000000},
                      "directors_and_officers": {"insurer": "AIG", "cover": 5000000}}})
    own = terms(payment_days=14, insurance={
        "directors_and_officers": {"insurer": "Allianz", "cover": 2000000}})
    standing = standing_terms(own, firm)
    assert (standing.payment_days, standing.non_solicitation_months) == (14, 12)
    assert standing.insurance is not None
    assert standing.insurance.professional_liability.insurer == "AXA"
    assert standing.insurance.directors_and_officers.insurer == "Allianz"


def test_a_statutory_mandate_without_d_and_o_is_a_warning(example: ExampleProject) -> None:
    example.edit("  mode: line", "  mode: statutory")
    warning = only(example.warnings(), "D&O")
    assert_located(warning, example.yaml, example.line_of("mode: statutory"),
                   "directors_and_officers")
