"""Fixtures shared by the tests of the sources, model, rules and CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from example_project import ExampleProject, copy_example

# Builds in the tests skip the LibreOffice layout pass (seconds per build) unless a test
# asks for it (`layout=True`, `--layout`): tests/delivery/test_finish.py covers it once per session.
os.environ.setdefault("INTERIM_LAYOUT", "0")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ExampleProject:
    """The reference example in a fresh project; the working directory is the project root."""
    monkeypatch.chdir(tmp_path)
    return copy_example(tmp_path)
