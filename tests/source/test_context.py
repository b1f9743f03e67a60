"""What every rule shares (`rules/context.py`): duplicates reported at the second and each
later one, with the list they must be unique in; the hint for an unknown name (the nearest
known one, else all of them); references found by the type the model declares."""

from __future__ import annotations

import pytest
from example_project import ExampleProject, assert_located

from generator.errors import Report
from generator.source.loading import validate
from generator.source.model import Assignment
from generator.source.reading import load_yaml
from generator.source.rules.context import Context, suggest, unique, unknown_references


def _context(example: ExampleProject) -> Context:
    """What the rules see of the example: its model, its source and an empty report."""
    report = Report()
    source = load_yaml(example.yaml, report, include_root=example.folder)
    assert source is not None
    model = validate(source, Assignment, report)
    assert model is not None and not report.diagnostics
    return Context(model, source, example.folder, report)


def test_every_repetition_of_a_value_is_reported_at_its_item(example: ExampleProject) -> None:
    ctx = _context(example)
    unique(ctx, ("analysis", "milestones"), ["M1", "M2", "M1", "M1"])
    second, third = ctx.report.diagnostics
    for error, nth in ((second, 3), (third, 4)):
        assert error.message == "duplicate id 'M1'"
        assert error.hint == "each id under analysis.milestones must be unique"
        assert_located(error, example.yaml, example.line_of("  - id: M", nth=nth))


def test_a_duplicate_under_a_top_level_key_names_its_key(example: ExampleProject) -> None:
    ctx = _context(example)
    unique(ctx, "people", ["gdewit", "lvermeulen", "lvermeulen"], key="name")
    (error,) = ctx.report.diagnostics
    assert (error.message, error.hint) == ("duplicate name 'lvermeulen'",
                                           "each name under people must be unique")
    assert_located(error, example.yaml, example.line_of("    name: Jan Peeters"))


def test_values_that_differ_are_no_duplicates(example: ExampleProject) -> None:
    ctx = _context(example)
    unique(ctx, "people", ["a", "b", "c"])
    assert ctx.report.diagnostics == []


@pytest.mark.parametrize(("name", "known", "said"), [
    ("gdewitt", ["lvermeulen", "gdewit"], "did you mean 'gdewit'?"),
    ("ab", ["zz", "ax"], "did you mean 'ax'?"),          # alike by half: still suggested
    ("abc", ["xyz", "ayz"], "known: ayz, xyz"),          # alike by a third: all are listed
    ("zzz", [], ""),
])
def test_an_unknown_name_gets_the_nearest_known_one_or_the_list(name: str, known: list[str],
                                                                said: str) -> None:
    assert suggest(name, known) == said


def test_references_are_found_by_their_declared_kind(example: ExampleProject) -> None:
    ctx = _context(example)
    everyone = {p.id for p in ctx.assignment.people}
    assert list(unknown_references(ctx.assignment, (), "person", everyone)) == []
    missing = list(unknown_references(ctx.assignment, (), "person", everyone - {"jpeeters"}))
    assert missing and {r.value for r in missing} == {"jpeeters"}
    assert {r.kind for r in unknown_references(ctx.assignment, (), "milestone", [])} == \
        {"milestone"}


def test_a_warning_without_a_hint_has_none(example: ExampleProject) -> None:
    ctx = _context(example)
    ctx.warning(("client", "name"), "a warning")
    ctx.error(("client", "name"), "an error")
    assert [(d.message, d.hint) for d in ctx.report.diagnostics] == [("a warning", ""),
                                                                      ("an error", "")]


def test_references_are_checked_against_names_given_one_at_a_time(
        example: ExampleProject) -> None:
    """A generator of known names serves every reference, not only the first."""
    ctx = _context(example)
    known = (p.id for p in ctx.assignment.people)
    found = list(unknown_references(ctx.assignment, (), "person", known))
    assert found == []
