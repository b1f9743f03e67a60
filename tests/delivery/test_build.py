"""Building: which documents each phase allows (gates and plan), the printed version and date
(document_stamp), and the `interim build` command on both reference assignments.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_reading import (
    ASSIGNMENTS,
    ENGLISH,
    EPOCH,
    EPOCH_DATE,
    EXAMPLE,
    ROOT,
    Docx,
    built,
    variant,
)

from generator.cli import main
from generator.delivery.build import document_stamp, plan
from generator.errors import GeneratorError
from generator.source.project import load_assignment

FILES = {
    EXAMPLE: ["action-plan.docx", "handbook.docx", "handover.docx",
              "progress-2027-02-19.docx", "progress-2027-04-02.docx", "proposal.docx"],
    ENGLISH: ["action-plan.docx", "handbook.docx", "handover.docx",
              "progress-2027-04-16.docx", "progress-2027-06-11.docx", "proposal.docx"],
}


def loaded(assignment: str):
    return load_assignment(ROOT / "assignments" / assignment)


def loaded_variant(tmp_path: Path, assignment: str, change):
    return load_assignment(variant(assignment, tmp_path, change))


def run_cli(project: Path, *args: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", *args])
    return result.exit_code, result.output + (result.stderr or "")


# ------------------------------------------------------------------ plan and gates

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_plan_of_a_closed_assignment_builds_everything(assignment):
    p = plan(loaded(assignment))
    assert p.skipped == []
    assert sorted(j.filename for j in p.jobs) == FILES[assignment]
    assert not any(j.draft for j in p.jobs)
    kinds = [j.kind.id for j in p.jobs]
    assert kinds == sorted(kinds, key=["proposal", "action-plan", "handbook", "progress",
                                       "handover"].index)  # in phase order


def test_plan_of_an_intake_only_assignment(tmp_path):
    def intake_only(data):
        for key in ("analysis", "execution", "closing"):
            data.pop(key)

    p = plan(loaded_variant(tmp_path, ENGLISH, intake_only))
    assert [j.filename for j in p.jobs] == ["proposal.docx"]
    assert {s.kind: s.key for s in p.skipped} == {
        "action-plan": "analysis.milestones", "handbook": "analysis.milestones",
        "progress": "execution.progress", "handover": "closing"}
    assert all(s.reason for s in p.skipped)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_without_acceptance_action_plan_is_draft_and_handbook_refused(tmp_path, assignment):
    p = plan(loaded_variant(tmp_path, assignment, lambda d: d["analysis"].pop("acceptance")))
    jobs = {j.kind.id: j for j in p.jobs}
    assert jobs["action-plan"].draft
    assert "handbook" not in jobs
    (skip,) = [s for s in p.skipped if s.kind == "handbook"]
    assert skip.key == "analysis.acceptance"
    assert "analysis.acceptance" in skip.reason and "--draft" in skip.reason
    assert not jobs["proposal"].draft


def test_draft_flag_builds_the_handbook_marked(tmp_path):
    a = loaded_variant(tmp_path, EXAMPLE, lambda d: d["analysis"].pop("acceptance"))
    (job,) = plan(a, ["handbook"], draft=True).jobs
    assert job.draft
    # --draft does not open gates other than the acceptance
    b = loaded_variant(tmp_path / "x", EXAMPLE, lambda d: d.pop("closing"))
    p = plan(b, ["handover"], draft=True)
    assert p.jobs == [] and p.skipped[0].key == "closing"


def test_handover_refused_while_an_objective_has_no_result(tmp_path):
    def drop_d2(data):
        data["closing"]["results"] = [r for r in data["closing"]["results"]
                                      if r["objective"] != "D2"]

    p = plan(loaded_variant(tmp_path, EXAMPLE, drop_d2))
    (skip,) = p.skipped
    assert skip.kind == "handover" and skip.key == "closing.results"
    assert "D2" in skip.reason


def test_unknown_kind_is_an_error():
    with pytest.raises(GeneratorError, match="unknown document kind 'offer'"):
        plan(loaded(EXAMPLE), ["offer"])


# ------------------------------------------------------------------ document_stamp

def _job(a, kind: str, index: int = 0):
    return plan(a, [kind]).jobs[index]


def test_stamp_uses_the_documents_settings(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    a = loaded(EXAMPLE)
    stamp = document_stamp(_job(a, "proposal"))
    assert (stamp.version, stamp.date) == ("1.0", datetime.date(2026, 11, 27))
    assert stamp.timestamp == datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    stamp = document_stamp(_job(a, "action-plan"))  # dated by its acceptance, not the epoch
    assert (stamp.version, stamp.date) == ("1.1", datetime.date(2027, 2, 1))
    assert stamp.timestamp == datetime.datetime(2027, 2, 1, tzinfo=datetime.UTC)


def test_stamp_follows_source_date_epoch_only_for_an_undated_proposal(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    a = loaded_variant(tmp_path, EXAMPLE, lambda d: d.pop("documents"))
    stamp = document_stamp(_job(a, "proposal"))
    assert stamp.date == EPOCH_DATE
    assert stamp.version == "1.0"
    assert stamp.timestamp.date() == EPOCH_DATE
    assert document_stamp(_job(a, "progress")).date == datetime.date(2027, 2, 19)


def test_handbook_version_derives_from_acceptance_and_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    a = loaded_variant(tmp_path, EXAMPLE, lambda d: d.pop("documents"))
    assert document_stamp(_job(a, "handbook")).version == "1.3"  # 1.1, W1 (19 Feb), W2 (14 Jun)
    assert document_stamp(_job(a, "proposal")).version == "1.0"


def test_stamp_without_epoch_or_git_is_the_reported_date(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = loaded_variant(tmp_path, ENGLISH, lambda d: d.pop("documents"))
    assert document_stamp(_job(a, "proposal")).date == datetime.date(2027, 2, 3)  # first contact
    assert document_stamp(_job(a, "handbook")).date == datetime.date(2027, 8, 9)  # last change (C3)
    assert document_stamp(_job(a, "progress", 1)).date == datetime.date(2027, 6, 11)
    assert document_stamp(_job(a, "handover")).date == datetime.date(2027, 8, 27)
    assert document_stamp(_job(a, "action-plan")).date == datetime.date(2027, 3, 26)  # accepted


def test_stamp_never_reads_the_clock(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    class Frozen(datetime.datetime):
        @classmethod
        def now(cls, tz=None):  # pragma: no cover - must not be called
            raise AssertionError("the build read the wall clock")

        @classmethod
        def utcnow(cls):  # pragma: no cover
            raise AssertionError("the build read the wall clock")

    a = loaded_variant(tmp_path, EXAMPLE, lambda d: d.pop("documents"))
    monkeypatch.setattr(datetime, "datetime", Frozen)
    for kind in ("proposal", "action-plan", "handbook", "progress", "handover"):
        assert document_stamp(_job(a, kind)).date <= datetime.date(2027, 6, 25)


# ------------------------------------------------------------------ the interim build command

def test_cli_build_both_assignments_matches_the_api(tmp_path_factory, tmp_path):
    """`interim build` as a user runs it: exit 0, every file, the same bytes as the API."""
    api = {a: built(a, tmp_path_factory.mktemp("built")) for a in ASSIGNMENTS}
    command = [sys.executable, "-m", "generator.cli"]  # this environment's, never PATH's
    result = subprocess.run(
        [*command, "build", *ASSIGNMENTS, "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, check=False)
    assert result.returncode == 0, result.stderr
    for a in ASSIGNMENTS:
        folder = tmp_path / "out" / a
        assert sorted(p.name for p in folder.iterdir()) == FILES[a]
        for name in FILES[a]:
            assert f"{a}/{name}" in result.stdout
            assert (folder / name).read_bytes() == api[a][name].read_bytes(), name


@pytest.fixture
def unaccepted_project(tmp_path: Path) -> Path:
    variant(EXAMPLE, tmp_path, lambda d: d["analysis"].pop("acceptance"))
    return tmp_path


def test_cli_refuses_the_handbook_without_acceptance(unaccepted_project, monkeypatch):
    code, output = run_cli(unaccepted_project, EXAMPLE, "--doc", "handbook", "--out", "build",
                           monkeypatch=monkeypatch)
    assert code == 1
    assert "analysis.acceptance" in output and "handbook" in output
    assert not (unaccepted_project / "build").exists() or not any(
        (unaccepted_project / "build").rglob("*.docx"))


def test_cli_draft_builds_the_handbook_marked(unaccepted_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, output = run_cli(unaccepted_project, EXAMPLE, "--doc", "handbook", "--draft",
                           "--out", "build", monkeypatch=monkeypatch)
    assert code == 0, output
    assert "[draft]" in output
    d = Docx(unaccepted_project / "build" / EXAMPLE / "handbook.docx")
    for sect in d.sections:
        assert all("CONCEPT" in d.part_text(h) for h in d.headers(sect).values())


def test_cli_without_doc_skips_what_is_not_allowed(unaccepted_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, output = run_cli(unaccepted_project, "--out", "build", monkeypatch=monkeypatch)
    assert code == 0, output
    assert "handbook skipped" in output
    names = sorted(p.name for p in (unaccepted_project / "build" / EXAMPLE).iterdir())
    assert names == [n for n in FILES[EXAMPLE] if n != "handbook.docx"]


def test_cli_refuses_the_handover_naming_the_objective(tmp_path, monkeypatch):
    def drop_d3(data):
        data["closing"]["results"] = [r for r in data["closing"]["results"]
                                      if r["objective"] != "D3"]

    variant(EXAMPLE, tmp_path, drop_d3)
    code, output = run_cli(tmp_path, EXAMPLE, "--doc", "handover", "--out", "build",
                           monkeypatch=monkeypatch)
    assert code == 1
    assert "D3" in output and "closing.results" in output
    assert not (tmp_path / "build").exists() or not any((tmp_path / "build").rglob("*.docx"))


def test_two_cli_builds_are_byte_identical(tmp_path, monkeypatch):
    variant(ENGLISH, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for out in ("one", "two"):
        code, output = run_cli(tmp_path, "--out", out, monkeypatch=monkeypatch)
        assert code == 0, output
    one = sorted((tmp_path / "one" / ENGLISH).iterdir())
    assert [p.name for p in one] == FILES[ENGLISH]
    for path in one:
        assert path.read_bytes() == (tmp_path / "two" / ENGLISH / path.name).read_bytes()


def _git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2027-03-01T10:00:00Z",
           "GIT_COMMITTER_DATE": "2027-03-01T10:00:00Z", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=folder, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_stamp_names_the_commit_and_uncommitted_changes(tmp_path):
    from generator.delivery.build import git_stamp

    folder = tmp_path / "assignments" / "a"
    folder.mkdir(parents=True)
    (folder / "assignment.yaml").write_text("id: a\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("x", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first")
    head = _git(tmp_path, "rev-parse", "HEAD")
    moment = int(datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC).timestamp())
    git_stamp.cache_clear()
    assert git_stamp(folder) == (head, moment)
    (tmp_path / "other.txt").write_text("y", encoding="utf-8")  # outside the folder
    git_stamp.cache_clear()
    assert git_stamp(folder) == (head, moment)
    (folder / "notes.md").write_text("new", encoding="utf-8")
    git_stamp.cache_clear()
    assert git_stamp(folder) == (head + "+changes", moment)
    git_stamp.cache_clear()
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    outside.mkdir()
    assert git_stamp(outside) == ("", 0)
    git_stamp.cache_clear()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("change", ["edited", "staged", "deleted", "executable", "link",
                                    "ignored", "untouched"])
def test_git_stamp_sees_every_uncommitted_change_without_git_status(tmp_path, change):
    """The working tree is compared with HEAD by hashing it here: `git status` would run the
    clean filter the repository names (here one that leaves a trace)."""
    from generator.delivery.build import git_stamp

    folder = tmp_path / "assignments" / "a"
    folder.mkdir(parents=True)
    for name in ("assignment.yaml", "notes.md"):
        (folder / name).write_text(f"{name}\n", encoding="utf-8")
    (folder / "logo.png").symlink_to("notes.md")
    (tmp_path / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    (folder / ".gitattributes").write_text("* filter=trace\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first")
    _git(tmp_path, "config", "filter.trace.clean", f"touch {tmp_path}/traced; cat")
    head = _git(tmp_path, "rev-parse", "HEAD")
    notes = folder / "notes.md"
    if change == "edited":  # same size: only the content says it
        notes.write_text("NOTES.md\n", encoding="utf-8")
    elif change == "staged":
        notes.write_text("more notes\n", encoding="utf-8")
        _git(tmp_path, "add", str(notes))
        notes.write_text("notes.md\n", encoding="utf-8")  # the file as committed again
    elif change == "deleted":
        notes.unlink()
    elif change == "executable":
        notes.chmod(0o755)
    elif change == "link":
        (folder / "logo.png").unlink()
        (folder / "logo.png").symlink_to("assignment.yaml")
    elif change == "ignored":
        (folder / "draft.tmp").write_text("x", encoding="utf-8")
    (tmp_path / "traced").unlink(missing_ok=True)  # git add ran the filter, as git does
    git_stamp.cache_clear()
    clean = change in ("ignored", "untouched")
    assert git_stamp(folder)[0] == head + ("" if clean else "+changes")
    assert not (tmp_path / "traced").exists()
    git_stamp.cache_clear()


def test_workers_change_nothing_but_speed(tmp_path, monkeypatch):
    variant(ENGLISH, tmp_path)
    variant(EXAMPLE, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    outputs = []
    for jobs in ("1", "2", "3"):
        code, output = run_cli(tmp_path, "--out", jobs, "-j", jobs, monkeypatch=monkeypatch)
        assert code == 0, output
        outputs.append(output.replace(f"{jobs}/", "OUT/"))
    assert outputs[0] == outputs[1] == outputs[2], "same lines, in the same order"
    for path in sorted((tmp_path / "1").rglob("*.docx")):
        for other in ("2", "3"):
            twin = tmp_path / other / path.relative_to(tmp_path / "1")
            assert path.read_bytes() == twin.read_bytes(), twin


def test_prepare_makes_shared_pictures_only_when_workers_share_an_assignment():
    from generator.delivery.build import Builder
    from generator.source.project import load_firm

    jobs = plan(loaded(EXAMPLE)).jobs
    builder = Builder(load_firm(ROOT), root=ROOT)
    builder.prepare(jobs, per_assignment=True)
    assert {key[1] for key in builder.environment("nl").cache} >= {"handbook.md.j2"}
    assert not builder._timelines, "one worker per assignment draws its own picture"
    builder.prepare(jobs, per_assignment=False)
    assert builder._timelines, "the shared picture is drawn before workers fork"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_terms_file_fails_only_its_language(tmp_path, monkeypatch, jobs):
    variant(ENGLISH, tmp_path)
    variant(EXAMPLE, tmp_path)
    with (tmp_path / "firm.yaml").open("a", encoding="utf-8") as firm:
        firm.write("templates: custom\n")
    (tmp_path / "custom" / "nl").mkdir(parents=True)
    (tmp_path / "custom" / "nl" / "terms.yaml").write_text("draft: [unclosed\n",
                                                         encoding="utf-8")
    code, output = run_cli(tmp_path, "--out", "out", "-j", jobs, monkeypatch=monkeypatch)
    assert code == 1
    assert "internal error" not in output
    assert output.count(f"wrote out/{ENGLISH}/") == len(FILES[ENGLISH])
    assert "terms.yaml" in output and f"{EXAMPLE}: proposal:" in output
    assert not (tmp_path / "out" / EXAMPLE).exists() or not any(
        (tmp_path / "out" / EXAMPLE).glob("*.docx"))


def test_a_killed_worker_fails_only_the_document_it_held(tmp_path, monkeypatch):
    from generator.delivery.build import Builder

    original = Builder.write

    def killed_at_the_handbook(self, job, out_dir):
        if job.kind.id == "handbook":
            os.kill(os.getpid(), 9)
        return original(self, job, out_dir)

    monkeypatch.setattr(Builder, "write", killed_at_the_handbook)
    result = CliRunner().invoke(main, ["build", EXAMPLE, "--out", str(tmp_path), "-j", "2"])
    assert result.exit_code == 1
    assert "handbook: the worker process ended (killed by signal 9)" in result.stderr
    assert result.stdout.count("wrote ") == 5
    built = sorted(p.name for p in (tmp_path / EXAMPLE).glob("*.docx"))
    assert built == ["action-plan.docx", "handover.docx", "progress-2027-02-19.docx",
                     "progress-2027-04-02.docx", "proposal.docx"]


def test_an_unwritable_output_folder_is_a_clear_failure(tmp_path):
    (tmp_path / "out").write_text("a file where a folder should be", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", EXAMPLE, "--doc", "proposal", "--out",
                                       str(tmp_path / "out" / "build")], catch_exceptions=False)
    assert result.exit_code == 1
    assert "cannot write" in result.output and "proposal" in result.output
    assert "internal error" not in result.output


def test_quiet_build_still_says_what_failed(unaccepted_project, monkeypatch):
    monkeypatch.chdir(unaccepted_project)
    result = CliRunner().invoke(main, ["build", EXAMPLE, "--doc", "handbook", "-q"])
    assert result.exit_code == 1
    assert "analysis.acceptance" in result.stderr
    assert "wrote" not in result.stdout


def test_an_internal_error_in_one_document_does_not_stop_the_others(tmp_path, monkeypatch):
    from generator.delivery.build import Builder

    original = Builder.docx

    def broken_for_the_handbook(self, job):
        if job.kind.id == "handbook":
            raise RuntimeError("kapot")
        return original(self, job)

    monkeypatch.setattr(Builder, "docx", broken_for_the_handbook)
    result = CliRunner().invoke(main, ["build", EXAMPLE, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "handbook: internal error: RuntimeError: kapot" in result.stderr
    built = sorted(p.name for p in (tmp_path / EXAMPLE).glob("*.docx"))
    assert built == ["action-plan.docx", "handover.docx", "progress-2027-02-19.docx",
                     "progress-2027-04-02.docx", "proposal.docx"]


def test_sections_are_counted_outside_code_blocks():
    from generator.delivery.build import count_sections

    body = "# One\n\ntext\n\n```sh\n# a shell comment\n```\n\n# Two\n\n~~~~\n# x\n~~~\n# y\n~~~~\n"
    assert count_sections(body) == 2
    assert count_sections("#hashtag\n# Real\n## Sub\n") == 1
