"""Amounts as people type them (`values.read_amount`, `rules/amounts.py`): a Flemish `1.250`
is never read as 1.25; every form that is not plain figures is refused at its line with
the figure to write; amounts outside their usual range are warnings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from example_project import ExampleProject, assert_located, only

FIX = "no thousands separator, a point for decimals"


@pytest.mark.parametrize(("typed", "fix"), [
    ("1.250", "write 1250: "),            # YAML reads 1.25
    ("1.250,50", "write 1250.50: "),
    ("1,250.50", "write 1250.50: "),
    ('"€ 1.250"', "write 1250: "),
    ("1 250", "write 1250: "),
    ("1_250", "write 1250: "),            # YAML reads 1250: still one way to write amounts
    ("01250", "write 1250: "),            # YAML 1.1 reads 680 (octal)
    ("1250,5", "write 1250.5: "),
    ("1250 EUR", "write 1250: "),
])
def test_a_day_rate_not_in_plain_figures_is_refused_at_its_line(
        example: ExampleProject, typed: str, fix: str) -> None:
    example.edit("day_rate: 1050", f"day_rate: {typed}")
    (error,) = example.errors()
    assert_located(error, example.yaml, example.line_of(f"day_rate: {typed}"),
                   "intake.terms.day_rate: ", fix + FIX)


def test_three_decimals_are_never_taken_as_a_fraction(example: ExampleProject) -> None:
    example.edit("signing_limit: 25000", "signing_limit: 50.000")
    (error,) = example.errors()
    assert_located(error, example.yaml, example.line_of("signing_limit: 50.000"),
                   "position.mandate.signing_limit: 50.000 is ambiguous",
                   "write 50000: " + FIX, "or 50 if you meant the decimals")


def test_a_currency_sign_is_named(example: ExampleProject) -> None:
    example.edit("day_rate: 1050", 'day_rate: "€ 1050"')
    (error,) = example.errors()
    assert "no currency sign" in error.hint and "write 1050: " in error.hint, error


@pytest.mark.parametrize(("typed", "value"), [
    ("1250", Decimal("1250")), ("1250.50", Decimal("1250.50")), ("1250.5", Decimal("1250.5")),
    ('"1250"', Decimal("1250")), ("1250.5000", Decimal("1250.5")),
])
def test_plain_figures_are_read_as_written(example: ExampleProject, typed: str,
                                           value: Decimal) -> None:
    example.edit("day_rate: 1050", f"day_rate: {typed}")
    assert example.load().assignment.intake.terms.day_rate == value


def test_an_amended_day_rate_is_read_as_written_too(example: ExampleProject) -> None:
    example.edit("        milestones.M2.due: 2027-03-26",
                 "        milestones.M2.due: 2027-03-26\n        terms.day_rate: 1.100")
    error = only(example.errors(), "1.100 is ambiguous")
    assert_located(error, example.yaml, example.line_of("terms.day_rate: 1.100"),
                   "write 1100: " + FIX)


@pytest.mark.parametrize(("old", "new", "said"), [
    ("day_rate: 1050", "day_rate: 95", "a day rate of 95 is under 100"),
    ("day_rate: 1050", "day_rate: 12500", "a day rate of 12500 is over 10,000"),
    ("signing_limit: 25000", "signing_limit: 500", "a signing limit of 500 is under 1,000"),
])
def test_an_unlikely_amount_is_a_warning_at_its_line(example: ExampleProject, old: str,
                                                     new: str, said: str) -> None:
    example.edit(old, new)
    warning = only(example.warnings(), said)
    assert_located(warning, example.yaml, example.line_of(new), "keep it if it is right")


def test_an_unlikely_amended_day_rate_is_a_warning(example: ExampleProject) -> None:
    example.edit("        milestones.M2.due: 2027-03-26",
                 "        milestones.M2.due: 2027-03-26\n        terms.day_rate: 12.50")
    warning = only(example.warnings(), "a day rate of 12.50 is under 100")
    assert_located(warning, example.yaml, example.line_of("terms.day_rate: 12.50"))


def test_the_example_has_no_unlikely_amount(example: ExampleProject) -> None:
    assert not [w for w in example.warnings() if "is that the figure meant?" in w.message]


@pytest.mark.parametrize(("old", "new", "said"), [
    ("day_rate: 1050", "day_rate: 99.99", "a day rate of 99.99 is under 100"),
    ("day_rate: 1050", "day_rate: 10000.01", "a day rate of 10000.01 is over 10,000"),
    ("signing_limit: 25000", "signing_limit: 999", "a signing limit of 999 is under 1,000"),
])
def test_an_amount_just_outside_its_usual_range_is_a_warning(example: ExampleProject, old: str,
                                                             new: str, said: str) -> None:
    example.edit(old, new)
    warning = only(example.warnings(), said)
    assert warning.message == f"{said}: is that the figure meant?"
    assert warning.hint == ("write the amount in figures, no thousands separator, a point for "
                            "decimals (1250, 1250.50); keep it if it is right")


@pytest.mark.parametrize(("old", "new"), [
    ("day_rate: 1050", "day_rate: 100"), ("day_rate: 1050", "day_rate: 10000"),
    ("signing_limit: 25000", "signing_limit: 1000"),
    ("signing_limit: 25000", "signing_limit: 900000000"),  # no highest signing limit
])
def test_an_amount_on_the_edge_of_its_usual_range_passes(example: ExampleProject, old: str,
                                                         new: str) -> None:
    example.edit(old, new)
    assert not [w for w in example.warnings() if "is that the figure meant?" in w.message]


def test_an_amended_amount_that_cannot_be_read_is_an_error_only(example: ExampleProject) -> None:
    """Rule 12 refuses `1.100`; it is not also read as a day rate of 1.1 and warned about."""
    example.edit("        milestones.M2.due: 2027-03-26",
                 "        milestones.M2.due: 2027-03-26\n        terms.day_rate: 1.100")
    said = [d.message for d in example.report().diagnostics]
    assert [m for m in said if "ambiguous" in m] and not [m for m in said if "day rate of" in m]


def test_an_amended_signing_limit_is_checked_too(example: ExampleProject) -> None:
    example.edit("        milestones.M2.due: 2027-03-26",
                 "        milestones.M2.due: 2027-03-26\n"
                 "        position.mandate.signing_limit: 500")
    warning = only(example.warnings(), "a signing limit of 500 is under 1,000")
    assert_located(warning, example.yaml, example.line_of("signing_limit: 500"))
