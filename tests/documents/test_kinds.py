"""The kinds' ids (generator/source/kind_ids.py), the registry giving them behaviour
(generator/documents) and everything listing kinds: the model's `documents` settings, the
CLI's help, the repository Makefile, both terms files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.documents import KINDS, kinds
from generator.documents.templating import load_wording
from generator.source.kind_ids import KIND_IDS
from generator.source.languages import LANGUAGES
from generator.source.model import Assignment, Documents, DocumentSettings
from generator.source.records import json_schema

REPO = Path(__file__).resolve().parents[2]
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
    for language in LANGUAGES:
        terms = yaml.safe_load((REPO / f"templates/{language}/terms.yaml").read_text("utf-8"))
        assert list(terms["titles"]) == IDS, language
        wording = load_wording(language)
        assert all(wording.title(kind_id).strip() for kind_id in IDS)
    assert load_wording("nl").title("handbook") == "Opdrachthandboek"
    assert load_wording("en").title("progress") == "Progress report"
    assert load_wording("fr").title("handover") == "Rapport d’évaluation et de passation"


def _cli_help_kinds() -> list[str]:
    result = CliRunner().invoke(main, ["build", "--help"], terminal_width=200)
    text = " ".join(result.output.split())
    listed = re.search(r"Only this document kind \(repeatable\): ([a-z, -]+)\.", text)
    assert listed, text
    return listed.group(1).split(", ")


def test_kind_ids_are_listed_once_and_everything_follows_them() -> None:
    """The registry, the model's `documents:` keys and the CLI's help: KIND_IDS, in order."""
    schema = json_schema(Assignment)
    documents = schema["$defs"][schema["properties"]["documents"]["anyOf"][0]["$ref"]
                                .rsplit("/", 1)[1]]
    assert list(documents["properties"]) == list(KIND_IDS)
    assert tuple(kind.id for kind in KINDS) == KIND_IDS
    assert _cli_help_kinds() == list(KIND_IDS)
    assert all(Documents().of(kind_id) == DocumentSettings() for kind_id in KIND_IDS)


def test_kinds_module_imports_nothing_of_the_generator() -> None:
    """The CLI imports it before any command runs: it must stay as cheap as `typing`."""
    code = ("import sys, generator.source.kind_ids; "
            "print(sorted(m for m in sys.modules if m.startswith('generator')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=REPO)
    assert done.stdout.strip() == "['generator', 'generator.source', 'generator.source.kind_ids']"


def test_registry_out_of_step_with_kind_ids_fails_at_import() -> None:
    code = ("import generator.source.kind_ids as k; k.KIND_IDS = k.KIND_IDS[::-1]; "
            "import generator.documents")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode != 0
    assert "RuntimeError" in done.stderr and "generator/source/kind_ids.py" in done.stderr


def test_the_documents_of_the_plan_open_together_on_its_acceptance() -> None:
    """No plan: both refused alike; before the acceptance the action plan is a draft and the
    handbook refused; once accepted, both open (`accepted_plan_gate`)."""
    from docx_reading import EXAMPLE, ROOT

    from generator.documents.kind import Gate
    from generator.source.project import load_assignment
    from generator.source.records import replace

    accepted = load_assignment(ROOT / "assignments" / EXAMPLE).assignment
    assert accepted.analysis and accepted.analysis.acceptance
    pending = replace(accepted, analysis=replace(accepted.analysis, acceptance=None))
    no_plan = replace(accepted, analysis=replace(accepted.analysis, milestones=[]))
    plan, handbook = kinds()["action-plan"].gate, kinds()["handbook"].gate
    assert plan(no_plan) == handbook(no_plan) == Gate(
        False, reason="the analysis has no milestones yet", key="analysis.milestones")
    assert plan(pending) == Gate(True, draft=True, reason="not yet accepted by the client",
                                 key="analysis.acceptance")
    assert not handbook(pending).allowed and handbook(pending).key == "analysis.acceptance"
    assert "--draft" in handbook(pending).reason
    assert plan(accepted) == handbook(accepted) == Gate.open()
