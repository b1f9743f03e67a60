"""The model: terms, phases, text kinds, and the example read as written."""

from __future__ import annotations

import datetime

import pytest
from example_project import ExampleProject

from generator.source.model import (
    Assignment,
    BlockMarkdown,
    InlineMarkdown,
    Terms,
)
from generator.source.records import Invalid, json_schema

PHASE_2 = "# ---- Phase 2"
PHASE_3 = "# ---- Phase 3"
PHASE_4 = "# ---- Phase 4"
ACCEPTANCE = "  acceptance:                    # formal acceptance"


BASE_TERMS: dict[str, object] = {"day_rate": 1000, "days_per_week": 5, "vat_percent": 21}


def terms(**values: object) -> Terms:
    return Terms(**{**BASE_TERMS, **values})


# --------------------------------------------------------------------------- terms

def test_terms_reject_bad_currency_and_booleans() -> None:
    with pytest.raises(Invalid, match="'euro' is not a valid currency code"):
        terms(currency="euro")
    with pytest.raises(Invalid, match="day_rate: expected a number, got true"):
        terms(day_rate=True)


# --------------------------------------------------------------------------- phase

def test_phase_closed(example: ExampleProject) -> None:
    assert example.load().assignment.phase == "closed"


def test_phase_in_execution(example: ExampleProject) -> None:
    example.cut(PHASE_4)
    assert example.load().assignment.phase == "in execution"


def test_phase_accepted(example: ExampleProject) -> None:
    example.cut(PHASE_3)
    assert example.load().assignment.phase == "accepted"


def test_phase_analysis(example: ExampleProject) -> None:
    example.cut(PHASE_3)
    example.cut(ACCEPTANCE)
    assert example.load().assignment.phase == "analysis"


def test_phase_intake(example: ExampleProject) -> None:
    example.cut(PHASE_2)
    a = example.load().assignment
    assert a.phase == "intake"
    assert a.analysis is None and a.execution is None and a.closing is None


def test_phase_closing_without_results_is_not_closed(example: ExampleProject) -> None:
    example.cut("  results:", "  open_items:")
    assert example.load().assignment.phase == "in execution"


# --------------------------------------------------------------------------- text and lookups

def test_prose_mapping_item_is_plain_text(example: ExampleProject) -> None:
    a = example.load().assignment
    assert a.intake.scope.out == [
        "Keuze van een nieuw WMS-pakket",
        "Aanwerving van de vaste logistiek directeur (wel: mee selecteren)",
    ]
    assert isinstance(a.intake.scope.out[1], InlineMarkdown)


def test_text_kinds(example: ExampleProject) -> None:
    a = example.load().assignment
    assert isinstance(a.intake.situation, BlockMarkdown)
    assert isinstance(a.analysis.summary, BlockMarkdown)
    assert "veertien interviews" in a.analysis.summary
    assert isinstance(a.intake.expectations[0], InlineMarkdown)
    assert type(a.title) is str


def test_typed_values_kept_as_text(example: ExampleProject) -> None:
    a = example.load().assignment
    # `target` is text even where YAML would read a date or number.
    assert a.intake.objectives[2].target == "Opvolger neemt de leiding over op 14 juni 2027"
    assert a.period.start == datetime.date(2027, 1, 11)
    assert a.analysis.acceptance.version == "1.1"
    assert a.documents.of("action-plan").version == "1.1"
    assert a.documents.of("progress").version is None


def test_numbers_dates_and_yes_in_text_fields_print_as_typed(example: ExampleProject) -> None:
    """YAML reads `1.10` as 1.1 and `12:30` as 750; a text field keeps what was written."""
    example.edit('proposal: {version: "1.0", date: 2026-11-27}',
                 "proposal: {version: 1.10, date: 2026-11-27}")
    example.edit('baseline: "9 %"', "baseline: 12:30")
    example.edit("target: Opvolger neemt de leiding over op 14 juni 2027", "target: yes")
    a = example.load().assignment
    assert a.documents.of("proposal").version == "1.10"
    assert a.intake.objectives[1].baseline == "12:30"
    assert a.intake.objectives[2].target == "yes"


def test_empty_confidential_is_an_error_not_false(example: ExampleProject) -> None:
    example.edit("confidential: true", "confidential:")
    (error,) = example.errors()
    assert error.message == "confidential has no value"
    assert error.location.line == example.line_of("confidential:")


def test_lookups(example: ExampleProject) -> None:
    a = example.load().assignment
    assert a.person("gdewit").name == "Greet De Wit"
    with pytest.raises(KeyError):
        a.person("nobody")


def test_model_is_frozen(example: ExampleProject) -> None:
    a = example.load().assignment
    with pytest.raises(AttributeError, match="read-only"):
        a.title = "Anders"  # type: ignore[misc]
    assert a.title == "Herstructurering van de logistieke afdeling"


def test_defaults_are_not_shared(example: ExampleProject) -> None:
    first, second = Terms(**BASE_TERMS), Terms(**BASE_TERMS)
    assert first == second and first is not second
    a = example.load().assignment
    assert a.analysis.coaching is not a.analysis.reviews


def test_schema_has_the_phases() -> None:
    schema = json_schema(Assignment)
    for key in ("id", "language", "intake", "analysis", "execution", "closing"):
        assert key in schema["properties"]


def test_figures_read_in_the_documents_language() -> None:
    """What rule 21 compares: a number with an optional comparison and a unit."""
    from decimal import Decimal

    from generator.source.status import figure, meets

    assert figure("≤ 1,5 %", "nl") == ("≤", Decimal("1.5"), "%")
    assert figure("1.234,5 EUR", "nl") == ("", Decimal("1234.5"), "EUR")
    assert figure("1,234.5 moves/h", "en") == ("", Decimal("1234.5"), "moves/h")
    assert figure("Opvolger neemt over", "nl") is None
    # French writes a decimal comma too ("8,2 %" was read as 82 in a French chart)
    assert figure("8,2 %", "fr") == ("", Decimal("8.2"), "%")
    assert figure("1\u202f234,5 EUR", "fr") == figure("1 234,5 EUR", "fr") \
        == figure("1.234,5 EUR", "fr") == ("", Decimal("1234.5"), "EUR")
    assert meets("1,3 %", "≤ 1,5 %", "fr") and not meets("6,1 %", "≤ 5 %", "fr")
    assert meets("1,3 %", "≤ 1,5 %", "nl") and not meets("6,1 %", "≤ 5 %", "nl")
    assert meets("24 moves/h", "≥ 22 moves/h", "en")
    assert not meets("24 days", "≥ 22 moves/h", "en")  # another unit: not comparable
    assert not meets("4 %", "5 %", "nl")  # no comparison: no direction to judge


def test_a_target_naming_a_day_is_a_deadline_a_value_naming_a_day_keeps() -> None:
    """What rule 19 compares when a target is no number: the days both texts name."""
    from generator.source.status import days_named, meets

    day = datetime.date
    assert days_named("Unqualified opinion by 9 July 2027", "en") == [day(2027, 7, 9)]
    assert days_named("op 14 juni 2027 of 2027-06-30", "nl") == [day(2027, 6, 14),
                                                                 day(2027, 6, 30)]
    assert days_named("le 1er juillet 2027, puis le 9 juil. 2027", "fr") == [
        day(2027, 7, 1), day(2027, 7, 9)]
    assert days_named("31 June 2027, 2027-02-30, 9 Julyish 2027", "en") == []  # no such day
    assert meets("Signed 9 July 2027", "Unqualified opinion by 9 July 2027", "en")
    assert meets("Signed 2027-07-01", "Unqualified opinion by 9 July 2027", "en")
    assert not meets("Signed 10 July 2027", "Unqualified opinion by 9 July 2027", "en")
    assert not meets("Signed in July", "Unqualified opinion by 9 July 2027", "en")
    assert not meets("Signed 1 July 2027 and 2 July 2027", "By 9 July 2027", "en")  # which?
