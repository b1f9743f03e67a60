"""Loading: the one way from files to the model, YAML -> records -> rules -> model.

The source layer (generator.source.reading) reads YAML with every value's line and includes;
records type it; the caller's rules (above the model, so handed in) check it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from generator.errors import Report
from generator.source.reading import Source, load_yaml
from generator.source.records import Record, build

R = TypeVar("R", bound=Record)


def validate(source: Source, cls: type[R], report: Report) -> R | None:
    """A loaded source -> record; every unknown key and bad value reported at its line."""
    record, issues = build(cls, source.data, source.as_typed)
    for issue in issues:
        report.error(source.locate(issue.path), issue.message, issue.hint)
    return record


def load(path: Path, cls: type[R], report: Report, *, include_root: Path | None = None,
         rules: Callable[[R, Source, Report], None] | None = None) -> tuple[R, Source]:
    """A YAML file to a checked record, the one way from files to the model: YAML (with
    lines and includes) -> record -> the caller's `rules` (which sit above the model and
    are handed in). Raises SourceError with every error; warnings stay in `report`."""
    source = load_yaml(path, report, include_root=include_root)
    record = validate(source, cls, report) if source else None
    if record is not None and source is not None and rules is not None:
        rules(record, source, report)
    report.raise_if_errors()
    assert record is not None and source is not None
    return record, source
