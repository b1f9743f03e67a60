"""The one registry of document kinds (generator/documents) and everything listing kinds:
the model's `documents` settings, the CLI's help, the repository Makefile, both terms files."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.documents import KINDS, kinds
from generator.documents.templating import load_wording
from generator.source.model import Documents
from generator.source.records import json_schema

REPO = Path(__file__).resolve().parent.parent
IDS = [kind.id for kind in KINDS]


def test_registry_lists_each_kind_once_in_phase_order() -> None:
    assert IDS == ["proposal", "action-plan", "handbook", "progress", "handover"]
    assert list(kinds()) == IDS


def test_model_documents_settings_cover_exactly_the_registry() -> None:
    """`documents.<kind>` in assignment.yaml: one key per registered kind, no other."""
    assert list(json_schema(Documents)["properties"]) == IDS
    assert all(Documents().of(kind_id).version is None for kind_id in IDS)


def test_repository_makefile_kinds_match_registry() -> None:
    """make runs before the venv exists, so the Makefile keeps its own list: the same one."""
    makefile = (REPO / "generator/scaffold/repository/Makefile").read_text(encoding="utf-8")
    found = re.search(r"^KINDS := (.*)$", makefile, re.MULTILINE)
    assert found, "no KINDS line in the repository Makefile"
    assert found.group(1).split() == IDS


def test_cli_help_names_every_kind() -> None:
    result = CliRunner().invoke(main, ["build", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    listed = re.search(r"Only this document kind \(repeatable\): ([a-z, -]+)\.", text)
    assert listed and listed.group(1).split(", ") == IDS


def test_each_language_titles_every_kind_and_nothing_else() -> None:
    for language in ("nl", "en"):
        terms = yaml.safe_load((REPO / f"templates/{language}/terms.yaml").read_text("utf-8"))
        assert list(terms["titles"]) == IDS, language
        wording = load_wording(language)
        assert all(wording.title(kind_id).strip() for kind_id in IDS)
    assert load_wording("nl").title("handbook") == "Opdrachthandboek"
    assert load_wording("en").title("progress") == "Progress report"
