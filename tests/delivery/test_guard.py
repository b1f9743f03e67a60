"""Ending LibreOffice's process groups (generator.delivery.guard): a zombie counts as gone,
a wait stops at the caller's deadline, the watchdog run as a script kills and removes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from generator.delivery import guard, office, pdf, workdirs

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _sleeper(*command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(command) or ["sleep", "600"], start_new_session=True)


def test_a_zombie_counts_as_gone_though_killpg_still_finds_it() -> None:
    child = _sleeper()
    try:
        os.killpg(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 60  # the kernel's doing; no reaping here, so it stays
        while _state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _state(child.pid) == "Z"
        os.killpg(child.pid, 0)  # what the old wait looked at: a zombie still "exists"
        assert not guard.groups_run([child.pid])
        assert guard.wait_gone([child.pid], time.monotonic())  # no waiting needed at all
    finally:
        child.wait()


def test_a_running_group_is_waited_for_only_until_the_deadline() -> None:
    child = _sleeper()
    try:
        assert guard.groups_run([child.pid])
        assert not guard.wait_gone([child.pid], time.monotonic())  # past: looks once, False
    finally:
        assert guard.end_process(child, time.monotonic() + 60)
    assert child.returncode == -signal.SIGKILL


def test_ending_a_launcher_ends_its_whole_group() -> None:
    """As soffice's launcher: a child of it runs on; killing the launcher must end it too
    (an orphan zombie init has not reaped yet is gone enough)."""
    launcher = subprocess.Popen(["sh", "-c", "sleep 600 & echo $!; wait"],
                                stdout=subprocess.PIPE, start_new_session=True)
    assert launcher.stdout is not None
    child = int(launcher.stdout.readline())
    launcher.stdout.close()
    assert _state(child) != "Z"
    assert guard.end_process(launcher, time.monotonic() + 60)
    assert launcher.returncode == -signal.SIGKILL
    assert not Path(f"/proc/{child}").exists() or _state(child) == "Z"
    assert not guard.groups_run([launcher.pid])


def _watchdog(tmp_path: Path, said: bytes) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """The watchdog as pdf._watchdog starts it, told `said`, guarding a folder and a file;
    and a LibreOffice stand-in whose group it is told (unless it says "done")."""
    work, socket = tmp_path / "interim-pdf-1-x", tmp_path / "OSL_PIPE_socket"
    (work / "profile").mkdir(parents=True)
    socket.write_text("")
    dog = subprocess.Popen([sys.executable, "-I", "-S", guard.__file__, str(work), str(socket)],
                           stdin=subprocess.PIPE, start_new_session=True)
    assert dog.stdin is not None
    dog.stdin.write(said)
    dog.stdin.close()  # as when the build ends, however it ends
    assert dog.wait(timeout=60) == 0
    return dog, work, socket


def test_the_watchdog_kills_the_groups_and_removes_the_folder_and_files(
        tmp_path: Path) -> None:
    office = _sleeper()
    try:
        _, work, socket = _watchdog(tmp_path, f"{office.pid}\n".encode())
        assert office.wait(timeout=60) == -signal.SIGKILL
    finally:
        office.kill()
        office.wait()
    assert not work.exists() and not socket.exists()


def test_the_watchdog_told_done_leaves_everything(tmp_path: Path) -> None:
    office = _sleeper()
    try:
        _, work, socket = _watchdog(tmp_path, f"{office.pid}\ndone\n".encode())
        assert office.poll() is None
    finally:
        office.kill()
        office.wait()
    assert work.is_dir() and socket.exists()


# ------------------------------------------- SIGTERM while LibreOffice is being started

_ARMED: list[bool] = []


def _sigterm_once() -> None:
    if _ARMED:
        _ARMED.clear()
        os.kill(os.getpid(), signal.SIGTERM)


# Runs after each fork for a child with a preexec_fn (only such forks run Python's at-fork
# hooks): the worst moment for a SIGTERM, in the middle of Popen starting LibreOffice.
os.register_at_fork(after_in_parent=_sigterm_once)


def _left_of(folder: Path) -> list[str]:
    """Command lines of processes that name `folder` (LibreOffice's profile is in it)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in command:
                found.append(command.replace(b"\0", b" ").decode(errors="replace"))
    return found


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work folders made under `tmp_path`, so that what a run leaves can be seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _a_docx(folder: Path) -> Path:
    document = Document()
    document.add_paragraph("Herstructurering van de logistieke afdeling")
    document.save(str(folder / "plan.docx"))
    return folder / "plan.docx"


@pytest.fixture
def another_thread() -> Iterator[threading.Thread]:
    """A second thread that does not hold SIGTERM: the kernel hands it a signal the main
    thread holds, as in a test runner's worker or `interim watch` with its preview server."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join()


@pytest.mark.parametrize("threads", ["one thread", "another thread alive"])
def test_a_sigterm_during_the_fork_ends_the_command_after_it(
        request: pytest.FixtureRequest, threads: str) -> None:
    """Before, with another thread alive: the signal mask held SIGTERM for the main thread
    only, the other thread took it, and Python ran the handler in an at-fork hook, which
    swallowed its SystemExit: the command ran on. The child started is told to the
    watchdog either way (its pid on the pipe)."""
    if threads != "one thread":
        request.getfixturevalue("another_thread")
    read, write = os.pipe()
    try:
        with workdirs.term_as_exit(), pytest.raises(SystemExit) as stopped:
            _ARMED.append(True)
            guard.start_group(["true"], write)
        assert not _ARMED, "the child was never forked"
        assert stopped.value.code == 128 + signal.SIGTERM
        announced = int(os.read(read, 64).decode().split()[0])
        with contextlib.suppress(ChildProcessError):  # reaped already with its lost handle
            os.waitpid(announced, 0)
    finally:
        os.close(read)
        os.close(write)


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.available(), reason="LibreOffice and python3-uno are needed")
def test_sigterm_while_the_warm_libreoffice_starts_ends_it(private_temp: Path) -> None:
    """Before: the SIGTERM raised inside Popen was ignored (the build ran on), or lost the
    LibreOffice it started, which outlived the build with its folder."""
    _ARMED.append(True)
    with pytest.raises(SystemExit) as stopped:
        office.Office()
    assert not _ARMED, "LibreOffice was never started"
    assert stopped.value.code == 128 + signal.SIGTERM
    assert _left_of(private_temp) == []
    assert list(private_temp.iterdir()) == []


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_sigterm_while_the_batch_libreoffice_starts_ends_it(tmp_path: Path,
                                                            private_temp: Path) -> None:
    source = _a_docx(tmp_path)
    _ARMED.append(True)
    with pytest.raises(SystemExit) as stopped:
        pdf.export_pdfs([source])
    assert not _ARMED, "LibreOffice was never started"
    assert stopped.value.code == 128 + signal.SIGTERM
    assert _left_of(private_temp) == []
    assert list(private_temp.iterdir()) == []
    assert not source.with_suffix(".pdf").exists()
