"""Issue 24, items 2 and 5: git runs only against the firm's documents repository, never a
program a repository's configuration names; a redline's temporary folder dies with the
command (also after kill -9); a revision's files are judged by size before they are read,
and a link or an impossible name in a revision is a clear error, never a crash.

Each planted setting is first shown to run under plain git (so the test fails when the
generator runs git as plain git does), then `validate`, `build` and `redline` run and no
program of the plant has run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx_reading import EPOCH, ROOT, Docx
from example_project import EXAMPLE_ID, ExampleProject, copy_example

from generator.cli import main
from generator.delivery import workdirs
from generator.delivery.redline import versions
from generator.delivery.stamps import git_stamp

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

INTERIM = Path(sys.executable).with_name("interim")
SETTINGS = {
    "core.fsmonitor": "fsmonitor",
    "core.pager": "pager",
    "pager.log": "pager-log",
    "diff.external": "diff-external",
    "filter.evil.clean": "clean",
    "filter.evil.smudge": "smudge",
    "diff.evil.textconv": "textconv",
    "core.sshCommand": "ssh",
    "gpg.program": "gpg",
}
"""Each setting that names a program, and the tag the planted program leaves when it runs."""
HOOKS = ("post-index-change", "pre-commit", "post-commit", "post-checkout",
         "reference-transaction", "pre-auto-gc")


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", *args], cwd=where, check=True,
                          capture_output=True, text=True).stdout.strip()


def plant(repository: Path, traces: Path) -> None:
    """Every setting of SETTINGS and every hook of HOOKS in `repository`'s own config, each
    running a program that leaves `traces/ran.<tag>`; content goes through the filter."""
    program = traces / "evil"
    program.write_text(f'#!/bin/sh\ntouch "{traces}/ran.$1"\nexec cat\n', encoding="utf-8")
    program.chmod(0o755)
    hooks = traces / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in HOOKS:
        (hooks / hook).write_text(f'#!/bin/sh\ntouch "{traces}/ran.hook-{hook}"\n',
                                  encoding="utf-8")
        (hooks / hook).chmod(0o755)
    for key, tag in SETTINGS.items():
        git(repository, "config", key, f"{program} {tag}")
    git(repository, "config", "core.hooksPath", str(hooks))
    git(repository, "config", "log.showSignature", "true")


def ran(traces: Path) -> list[str]:
    return sorted(p.name for p in traces.glob("ran.*"))


@pytest.fixture
def firm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ExampleProject:
    """The example in a documents repository with two commits (M2 moved in the second)."""
    root = tmp_path / "repo"
    root.mkdir()
    example = copy_example(root)
    shutil.copy(ROOT / "firm.yaml", root / "firm.yaml")
    shutil.copytree(ROOT / "templates", root / "templates")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "as sent")
    example.edit("due: 2027-03-12", "due: 2027-03-26")
    git(root, "commit", "-q", "-am", "M2 moved")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    git_stamp.cache_clear()
    return example


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    return result.output


# ------------------------------------------------------------------ 2. git runs nothing

def test_2_a_git_repository_inside_an_assignment_runs_nothing_and_is_ignored(
        firm: ExampleProject, tmp_path: Path) -> None:
    traces = tmp_path / "traces"
    traces.mkdir()
    nested = firm.folder
    git(nested, "init", "-q")
    (nested / ".gitattributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    git(nested, "add", "-A")
    git(nested, "commit", "-q", "--no-verify", "-m", "from the client's archive")
    plant(nested, traces)
    plant(firm.root, traces)  # the firm's own repository's settings never run either
    (nested / "analyse.md").write_text("Anders.\n", encoding="utf-8")  # dirty: filters apply
    subprocess.run(["git", "status"], cwd=nested, capture_output=True, check=True)
    # git status may judge the file by its size alone and run no filter (the suite once saw
    # it so in CI); a diff must read the file, through the filter
    subprocess.run(["git", "diff", "--no-ext-diff"], cwd=nested, capture_output=True, check=True)
    assert {"ran.fsmonitor", "ran.clean"} <= set(ran(traces)), "the plant does not run"
    for trace in traces.glob("ran.*"):
        trace.unlink()

    checked = CliRunner().invoke(main, ["validate", EXAMPLE_ID])
    assert checked.exit_code == 0, checked.output
    assert (f"assignments/{EXAMPLE_ID}/.git: warning: a git repository inside the "
            "assignment folder is ignored") in checked.output
    invoke("build", EXAMPLE_ID, "--out", "out", "-j", "1")
    invoke("redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1", "-o", "out/r.docx")
    assert ran(traces) == []
    # The documents name the firm's repository's commit, not the nested one's.
    head = git(firm.root, "rev-parse", "HEAD")
    custom = Docx(firm.root / "out" / EXAMPLE_ID / "proposal.docx").custom
    assert custom["source-commit"] == head + "+changes"


def test_2_git_gets_no_pager_hook_or_repository_from_the_environment(
        firm: ExampleProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIT_DIR, GIT_CONFIG_* and GIT_PAGER of the caller's shell point nowhere the
    generator goes: it asks the documents repository, with its own settings."""
    traces = tmp_path / "traces"
    traces.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.fsmonitor")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"touch {traces}/ran.environment")
    monkeypatch.setenv("GIT_PAGER", f"touch {traces}/ran.git-pager")
    git_stamp.cache_clear()
    commit, _ = git_stamp(firm.folder)
    assert commit == subprocess.run(["git", "rev-parse", "HEAD"], cwd=firm.root, text=True,
                                    capture_output=True, env={"PATH": os.environ["PATH"]},
                                    check=True).stdout.strip()
    assert ran(traces) == []


# ------------------------------------------------------------------ 5. temporary folders

def test_5_a_killed_redline_leaves_a_folder_the_next_run_removes(
        firm: ExampleProject, tmp_path: Path) -> None:
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private), "SOURCE_DATE_EPOCH": EPOCH}
    slow = firm.root / "slow"  # a git that takes its time: the redline is caught midway
    slow.mkdir()
    (slow / "git").write_text(f'#!/bin/sh\nsleep 0.5\nexec {shutil.which("git")} "$@"\n',
                              encoding="utf-8")
    (slow / "git").chmod(0o755)
    command = [str(INTERIM), "redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1"]
    killed = subprocess.Popen(command, cwd=firm.root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              env={**env, "PATH": f"{slow}:{env['PATH']}"})
    deadline = time.monotonic() + 60
    while not list(private.glob("interim-redline-*")) and time.monotonic() < deadline:
        assert killed.poll() is None, "the redline ended before it extracted anything"
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    (left,) = private.glob("interim-redline-*")
    assert left.name.startswith(f"interim-redline-{killed.pid}-")

    again = subprocess.run(command, cwd=firm.root, env=env, capture_output=True, text=True,
                           timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert list(private.iterdir()) == [], "a work folder stayed behind"


def test_5_a_terminated_redline_removes_its_folder(firm: ExampleProject, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM inside the work folder is an exit, so the folder goes with it."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def terminated(*args: object, **kwargs: object) -> bytes:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the redline")

    monkeypatch.setattr(versions, "render_document", terminated)
    with pytest.raises(SystemExit) as stopped:
        invoke_raw("redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1")
    assert stopped.value.code == 128 + signal.SIGTERM
    assert not list(tmp_path.glob("interim-*"))


def invoke_raw(*args: str) -> None:
    main.main(list(args), standalone_mode=False)


def test_5_a_stale_folder_of_a_running_process_stays(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = tmp_path / f"interim-redline-{os.getppid()}-abc"
    stale = [tmp_path / f"interim-{kind}-{dead.pid}-abc" for kind in workdirs.KINDS]
    for folder in (alive, *stale):
        (folder / "inner").mkdir(parents=True)
    with workdirs.work_folder("redline") as mine:
        assert mine.name.startswith(f"interim-redline-{os.getpid()}-")
        assert sorted(tmp_path.iterdir()) == sorted([alive, mine])
    assert list(tmp_path.iterdir()) == [alive]


# ------------------------------------------------------------------ a revision's files

def commit_file(firm: ExampleProject, name: str, data: bytes) -> None:
    """Commit `data` as assignments/<id>/<name>, then take it out again (HEAD~1 holds it)."""
    oid = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=firm.root, input=data,
                         capture_output=True, check=True).stdout.decode().strip()
    path = f"assignments/{EXAMPLE_ID}/{name}"
    git(firm.root, "update-index", "--add", "--cacheinfo", f"100644,{oid},{path}")
    git(firm.root, "commit", "-q", "-m", f"add {name[:20]}")
    git(firm.root, "rm", "-q", "--cached", "--", path)
    git(firm.root, "commit", "-q", "-m", "and take it out")


def test_large_files_of_a_revision_are_left_out_unread(
        firm: ExampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_file(firm, "video.mp4", b"\0" * 60_000)
    monkeypatch.setattr(versions, "MAX_REVISION_FILE", 50_000)  # the budget, set small
    asked: list[str] = []
    real = versions.git.Repository.blobs

    def blobs(self: versions.git.Repository, entries: list[versions.git.Entry]):
        asked.extend(e.path.rsplit("/", 1)[-1] for e in entries)
        return real(self, entries)

    monkeypatch.setattr(versions.git.Repository, "blobs", blobs)
    said = invoke("redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1", "-o", "r.docx")
    assert (f"assignments/{EXAMPLE_ID}/video.mp4: warning: left out of revision HEAD~1, "
            "unread") in said
    assert "assignment.yaml" in asked and "video.mp4" not in asked
    monkeypatch.setattr(versions, "MAX_REVISION_BYTES", 1000)
    refused = CliRunner().invoke(main, ["redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1",
                                        "-o", "again.docx"])
    assert refused.exit_code == 1
    assert f"assignments/{EXAMPLE_ID} at HEAD~1 holds" in refused.output
    assert "more than the 0 MB a redline extracts" in refused.output
    assert not (firm.root / "again.docx").exists()


def test_a_link_out_of_the_folder_in_a_revision_is_refused_at_its_line(
        firm: ExampleProject, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("SECRET of the build machine\n", encoding="utf-8")
    (firm.folder / "analyse.md").unlink()
    (firm.folder / "analyse.md").symlink_to(secret)
    git(firm.root, "commit", "-q", "-am", "a link out")
    git(firm.root, "rm", "-q", "--cached", f"assignments/{EXAMPLE_ID}/analyse.md")
    (firm.folder / "analyse.md").unlink()
    shutil.copy(ROOT / "assignments" / EXAMPLE_ID / "analyse.md", firm.folder / "analyse.md")
    git(firm.root, "add", "-A")
    git(firm.root, "commit", "-q", "-m", "the file again")
    result = CliRunner().invoke(main, ["redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1",
                                       "-o", "r.docx"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    line = firm.line_of("summary: {include: analyse.md}")
    assert f"assignments/{EXAMPLE_ID}/assignment.yaml:{line}:12: at HEAD~1: include " \
        "'analyse.md' leaves the assignment folder" in result.output
    assert "SECRET" not in result.output
    assert not (firm.root / "r.docx").exists()


def test_a_link_inside_the_folder_in_a_revision_is_kept(firm: ExampleProject) -> None:
    (firm.folder / "notes").mkdir()
    (firm.folder / "analyse.md").rename(firm.folder / "notes" / "analyse.md")
    (firm.folder / "analyse.md").symlink_to("notes/analyse.md")
    git(firm.root, "add", "-A")
    git(firm.root, "commit", "-q", "-m", "a link inside")
    firm.edit("due: 2027-03-26", "due: 2027-04-02")
    invoke("redline", EXAMPLE_ID, "handbook", "--from", "HEAD", "-o", "r.docx")
    assert (firm.root / "r.docx").is_file()


def test_a_name_too_long_for_this_machine_is_a_clear_error(firm: ExampleProject) -> None:
    name = "n" * 300 + ".md"
    commit_file(firm, name, b"# Notities\n")
    result = CliRunner().invoke(main, ["redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1",
                                       "-o", "r.docx"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert f"cannot extract 'assignments/{EXAMPLE_ID}/nnnn" in result.output
    assert "of HEAD~1: File name too long" in result.output
    assert not (firm.root / "r.docx").exists()


def test_without_git_a_revision_says_git_is_missing(firm: ExampleProject,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(firm.root / "no-bin"))
    result = CliRunner().invoke(main, ["redline", EXAMPLE_ID, "handbook", "--from", "HEAD~1",
                                       "-o", "r.docx"])
    assert result.exit_code == 1
    assert "'HEAD~1' names a git revision, but git is not installed (no `git` on PATH)" in \
        result.output
    history = CliRunner().invoke(main, ["redline", EXAMPLE_ID, "handbook", "--from", "1.1",
                                        "-o", "r.docx"])
    assert history.exit_code == 0, history.output  # a history version needs no git
