"""A throw-away project holding a copy of the reference assignment, edited by text."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.errors import Diagnostic, Report, SourceError
from generator.source.loading import validate
from generator.source.model import Assignment
from generator.source.project import ASSIGNMENT_FILE, Loaded, load_assignment
from generator.source.reading import load_yaml
from generator.source.rules import check_rules

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_ID = "dl-logistiek-2027"
EXAMPLE = REPO / "assignments" / EXAMPLE_ID


@dataclass
class ExampleProject:
    """A copy of the reference example under `root/assignments/<id>/`, edited by text."""

    root: Path
    folder: Path

    @property
    def yaml(self) -> Path:
        return self.folder / ASSIGNMENT_FILE

    @property
    def text(self) -> str:
        return self.yaml.read_text(encoding="utf-8")

    def write(self, text: str) -> None:
        self.yaml.write_text(text, encoding="utf-8")

    def edit(self, old: str, new: str, count: int = 1) -> None:
        """Replace the first `count` occurrences of `old`; fails when `old` is not there."""
        text = self.text
        assert text.count(old) >= count, f"{old!r} not found {count} time(s) in the example"
        edited = text.replace(old, new, count)
        assert edited != text, f"editing {old!r} changed nothing"
        self.write(edited)

    def cut(self, start: str, end: str | None = None) -> None:
        """Remove the text from `start` up to (not including) `end`, or to the end of file."""
        text = self.text
        assert start in text, f"{start!r} not found"
        i = text.index(start)
        j = text.index(end, i) if end is not None else len(text)
        self.write(text[:i] + text[j:])

    def line_of(self, needle: str, nth: int = 1) -> int:
        """1-based line of the `nth` occurrence of `needle` in the current source."""
        return line_of(self.text, needle, nth)

    def load(self) -> Loaded:
        return load_assignment(self.folder)

    def errors(self) -> list[Diagnostic]:
        """The errors `load_assignment` raises; fails when the source is valid."""
        with pytest.raises(SourceError) as info:
            load_assignment(self.folder)
        assert info.value.diagnostics, "SourceError without diagnostics"
        return info.value.diagnostics

    def warnings(self) -> list[Diagnostic]:
        """The warnings of a valid source; fails (with the errors) when it is invalid."""
        try:
            return load_assignment(self.folder).warnings
        except SourceError as exc:  # pragma: no cover - shown on failure only
            pytest.fail(f"expected a valid source, got:\n{exc}")

    def report(self) -> Report:
        """Every diagnostic, errors and warnings together, as `load_assignment` collects them."""
        report = Report()
        source = load_yaml(self.yaml, report, include_root=self.folder)
        model = validate(source, Assignment, report) if source else None
        if model is not None and source is not None:
            check_rules(model, source, self.folder.resolve(), report)
        return report


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the `nth` occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth):
        index = text.find(needle, index + 1)
        assert index >= 0, f"{needle!r} (occurrence {nth}) not found"
    return text[:index].count("\n") + 1


def copy_example(root: Path, assignment_id: str = EXAMPLE_ID) -> ExampleProject:
    """Copy the reference example into `root/assignments/<assignment_id>/`."""
    folder = root / "assignments" / assignment_id
    shutil.copytree(EXAMPLE, folder)
    return ExampleProject(root, folder)


def said(example: ExampleProject, *about: str) -> list[tuple[str, int, str, str]]:
    """Every diagnostic of validating the example (level, line, message, hint) in the order
    found; with `about`, those whose message holds one of these words: what the user reads,
    whole, so that a changed word, a lost hint or a key moved to another line fails."""
    return [(d.level.value, d.location.line, d.message, d.hint)
            for d in example.report().diagnostics
            if not about or any(word in d.message for word in about)]


def only(diagnostics: list[Diagnostic], text: str) -> Diagnostic:
    """The one diagnostic whose `message (hint)` contains `text`."""
    found = [d for d in diagnostics if text in f"{d.message} ({d.hint})"]
    listing = "\n".join(str(d) for d in diagnostics)
    assert len(found) == 1, f"expected one diagnostic with {text!r}, got {len(found)}:\n{listing}"
    return found[0]


def assert_located(diagnostic: Diagnostic, file: Path | str, line: int, *texts: str) -> None:
    """The diagnostic stands in `file` (a path or a file name) at `line` and says each text."""
    name = file.name if isinstance(file, Path) else file
    assert diagnostic.location.file.name == name, str(diagnostic)
    assert diagnostic.location.line == line, f"expected line {line}: {diagnostic}"
    said = f"{diagnostic.message} ({diagnostic.hint})"
    for text in texts:
        assert text in said, f"{text!r} not in: {diagnostic}"
