"""Delivery: the Makefile's dependencies, PDF export from `interim build`, the CI workflow.

The Makefile runs in a throw-away copy of the project whose `.venv/bin/interim` is
the interpreter running these tests, so no second install is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from make_env import make_env

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "dl-logistiek-2027"
INTERIM = Path(sys.executable).with_name("interim")
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example plus an assignment whose action plan is not yet accepted."""
    for name in ("Makefile", "firm.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments" / EXAMPLE, tmp_path / "assignments" / EXAMPLE)
    draft = tmp_path / "assignments" / "draft-2027"
    shutil.copytree(ROOT / "assignments" / EXAMPLE, draft)
    text = (draft / "assignment.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {EXAMPLE}", "id: draft-2027")
    start = text.index("  acceptance:                    # formal")
    end = text.index("# ---- Phase 3")
    text = text[:start] + "\n" + text[end:]
    start, end = text.index("execution:"), text.index("# ---- Phase 4")
    text = text[:start] + text[end:]
    text = text[: text.index("closing:")]
    (draft / "assignment.yaml").write_text(text, encoding="utf-8")
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "interim").symlink_to(INTERIM)
    (venv / ".installed").touch()
    return tmp_path


def make(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = make_env(SOURCE_DATE_EPOCH="1800000000")
    result = subprocess.run(["make", *args], cwd=project, capture_output=True, text=True,
                            env=env, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def later(path: Path) -> None:
    """Make `path` newer than everything built so far, whatever the file system's clock."""
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


@needs_make
def test_handbook_is_built_once_and_rebuilt_identically_when_touched(project: Path) -> None:
    target = project / "build" / EXAMPLE / "handbook.docx"
    first = make(project, "handbook", f"ASSIGNMENT={EXAMPLE}")
    assert target.is_file() and "interim build" in first.stdout
    built = target.read_bytes()
    mtime = target.stat().st_mtime_ns

    again = make(project, "handbook", f"ASSIGNMENT={EXAMPLE}")
    assert "interim build" not in again.stdout, "nothing changed: nothing may run"
    assert target.stat().st_mtime_ns == mtime

    later(project / "assignments" / EXAMPLE / "assignment.yaml")
    touched = make(project, "handbook", f"ASSIGNMENT={EXAMPLE}")
    assert "interim build" in touched.stdout
    assert target.read_bytes() == built, "same sources must give the same bytes"


@needs_make
@pytest.mark.parametrize("changed", ["templates/shared/handbook.md.j2", "templates/reference.docx",
                                     "templates/coverton-logo.png", "templates/nl/terms.yaml",
                                     "firm.yaml", "generator/delivery/build.py",
                                     f"assignments/{EXAMPLE}/analyse.md"])
def test_any_input_of_a_document_rebuilds_it(project: Path, changed: str) -> None:
    make(project, "handbook", f"ASSIGNMENT={EXAMPLE}")
    later(project / changed)
    assert "interim build" in make(project, "handbook", f"ASSIGNMENT={EXAMPLE}").stdout


@needs_make
def test_other_assignments_changes_do_not_rebuild(project: Path) -> None:
    make(project, "handbook", f"ASSIGNMENT={EXAMPLE}")
    later(project / "assignments" / "draft-2027" / "assignment.yaml")
    assert "interim build" not in make(project, "handbook", f"ASSIGNMENT={EXAMPLE}").stdout


@needs_make
def test_all_builds_every_allowed_document_then_nothing(project: Path) -> None:
    make(project, "-j2", "all")
    built = {p.relative_to(project / "build").as_posix()
             for p in (project / "build").rglob("*.docx")}
    assert built == {
        f"{EXAMPLE}/proposal.docx", f"{EXAMPLE}/action-plan.docx", f"{EXAMPLE}/handbook.docx",
        f"{EXAMPLE}/progress-2027-02-19.docx", f"{EXAMPLE}/progress-2027-04-02.docx",
        f"{EXAMPLE}/handover.docx",
        "draft-2027/proposal.docx", "draft-2027/action-plan.docx",
    }
    assert "interim build" not in make(project, "all").stdout


@needs_make
def test_a_kind_not_yet_allowed(project: Path) -> None:
    refused = make(project, "handbook", "ASSIGNMENT=draft-2027", check=False)
    assert refused.returncode != 0
    assert "analysis.acceptance" in refused.stdout + refused.stderr
    assert not (project / "build" / "draft-2027" / "handbook.docx").exists()
    # Without ASSIGNMENT, one unaccepted assignment does not fail the others.
    every = make(project, "handbook")
    assert (project / "build" / EXAMPLE / "handbook.docx").is_file()
    assert "draft-2027: handbook skipped" in every.stdout


@needs_make
def test_a_firm_folder_of_templates_is_a_dependency(project: Path) -> None:
    own = project / "house-style" / "nl"
    own.mkdir(parents=True)
    (own / "terms.yaml").write_text("draft: ONTWERP\n", encoding="utf-8")
    firm = project / "firm.yaml"
    firm.write_text(firm.read_text(encoding="utf-8") + "templates: house-style\n",
                    encoding="utf-8")
    make(project, "handbook", f"ASSIGNMENT={EXAMPLE}")
    later(own / "terms.yaml")
    assert "interim build" in make(project, "handbook", f"ASSIGNMENT={EXAMPLE}").stdout


@needs_make
def test_without_firm_yaml_make_still_builds(project: Path) -> None:
    (project / "firm.yaml").unlink()
    result = make(project, "proposal", f"ASSIGNMENT={EXAMPLE}")
    assert (project / "build" / EXAMPLE / "proposal.docx").is_file()
    assert "no firm.yaml" in result.stderr


@needs_make
def test_an_unknown_assignment_is_named(project: Path) -> None:
    result = make(project, "handbook", "ASSIGNMENT=nope", check=False)
    assert result.returncode != 0
    assert "no assignment 'nope'" in result.stderr and EXAMPLE in result.stderr


@needs_make
def test_help_is_the_default_target(project: Path) -> None:
    out = make(project).stdout
    for target in ("proposal", "action-plan", "handbook", "progress", "handover", "all", "pdf",
                   "validate", "test", "lint", "bench", "clean", "help"):
        assert f"\n{target} " in "\n" + out, target


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_build_pdf_holds_the_document_title(tmp_path: Path) -> None:
    result = subprocess.run([str(INTERIM), "build", EXAMPLE, "--doc", "proposal", "--pdf",
                             "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / EXAMPLE / "proposal.pdf"
    assert f"{pdf.name}" in result.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Opdrachtvoorstel" in text
    assert "De Linde Distributie NV" in text


@needs_make
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_make_pdf_after_make_all_exports_the_built_documents_writing_no_docx(
        project: Path) -> None:
    make(project, "all", f"ASSIGNMENT={EXAMPLE}")
    built = sorted((project / "build" / EXAMPLE).glob("*.docx"))
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in built}
    result = make(project, "pdf", f"ASSIGNMENT={EXAMPLE}")
    assert "interim build" not in result.stdout and "interim pdf" in result.stdout
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in built} == before
    assert sorted(p.with_suffix(".pdf") for p in built) == \
        sorted((project / "build" / EXAMPLE).glob("*.pdf"))
    assert "interim pdf" not in make(project, "pdf", f"ASSIGNMENT={EXAMPLE}").stdout


def test_pdf_of_documents_not_built_says_to_build_them(tmp_path: Path) -> None:
    result = subprocess.run([str(INTERIM), "pdf", EXAMPLE, "--out", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert f"{EXAMPLE}: {tmp_path}/{EXAMPLE}/proposal.docx is not built: run " \
        f"`interim build {EXAMPLE} --out {tmp_path}` first" in result.stderr
    assert "Traceback" not in result.stderr and not list(tmp_path.rglob("*.pdf"))


def test_pdf_without_libreoffice_is_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run([str(INTERIM), "build", EXAMPLE, "--doc", "proposal", "--pdf",
                             "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 1
    assert "apt-get install libreoffice" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / EXAMPLE / "proposal.docx").is_file(), ".docx never depends on LibreOffice"


def test_workflow_builds_and_uploads_every_document() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/documents.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on`
    assert {"push", "pull_request"} <= set(triggers)
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    commands = " ".join(s.get("run", "") for s in steps)
    for command in ("make validate", "make test", "make pdf", "apt-get install"):
        assert command in commands
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and "matrix.assignment" in uploads[0]["with"]["name"]


def test_ci_script_installs_what_the_tests_need() -> None:
    script = (ROOT / ".ci/run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "apt-get install" in script and "libreoffice-writer-nogui" in script
    first_block = readme.split("```")[1]
    assert "make test" in script and "make test" in first_block
    assert "make example" in first_block
    # and again on Debian's own python3 (3.11.2 on Debian 12), in a venv of its own
    assert 'debian=/usr/bin/python3' in script
    assert 'make test PYTHON="$debian" VENV=.venv-debian' in script
