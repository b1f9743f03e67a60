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


WATCHDOG = [sys.executable, "-I", "-S", guard.__file__]
"""The watchdog as pdf._watchdog runs it. Under `make mutate` guard.py is mutmut's copy,
which imports mutmut: it then runs with the site packages, the mutant under test with it."""
if os.environ.get("INTERIM_MUTATION_RUN"):
    WATCHDOG = [sys.executable, "-c",
                "import sys; from generator.delivery import guard; guard.watch(*sys.argv[1:])"]


def _watchdog(tmp_path: Path, said: bytes) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """The watchdog as pdf._watchdog starts it, told `said`, guarding a folder and a file;
    and a LibreOffice stand-in whose group it is told (unless it says "done")."""
    work, socket = tmp_path / "interim-pdf-1-x", tmp_path / "OSL_PIPE_socket"
    (work / "profile").mkdir(parents=True)
    socket.write_text("")
    dog = subprocess.Popen([*WATCHDOG, str(work), str(socket)], stdin=subprocess.PIPE,
                           cwd=Path(guard.__file__).parents[2], start_new_session=True)
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


# ------------------------------------------- the functions on their own, in this process

class _Instead:
    """A module as guard sees it, some of its functions replaced: the module itself stays
    as it is for the test runner (and mutmut's bookkeeping, which reads the clock)."""

    def __init__(self, module: object, **replaced: object) -> None:
        self._module = module
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> object:
        return getattr(self._module, name)


def test_no_group_runs_when_none_is_given() -> None:
    assert not guard.groups_run([])
    assert guard.wait_gone([], time.monotonic() - 1)
    assert guard.end_groups([], time.monotonic() - 1)


def test_a_group_that_never_was_does_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = _sleeper("true")
    gone.wait()
    assert not guard.groups_run([gone.pid])
    monkeypatch.setattr(guard, "_PROC", "/no/proc/here")  # as on macOS: by os.killpg
    assert not guard.groups_run([gone.pid])
    assert guard.end_groups([gone.pid], time.monotonic())  # nothing to kill: no error


def test_without_proc_a_running_group_is_found_by_killpg(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(guard, "_PROC", "/no/proc/here")
    sent: list[tuple[int, int]] = []

    def killpg(group: int, signum: int) -> None:
        sent.append((group, signum))
        os.killpg(group, signum)

    child = _sleeper()
    try:
        monkeypatch.setattr(guard, "os", _Instead(os, killpg=killpg))
        assert guard.groups_run([child.pid])
        assert guard.groups_run([999_999_999, child.pid])  # any of them
        assert sent == [(child.pid, 0), (999_999_999, 0), (child.pid, 0)]  # looked for only
    finally:
        assert guard.end_process(child, time.monotonic() + 60)
    assert not guard.groups_run([child.pid])


def test_a_group_not_ours_to_signal_counts_as_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(group: int, signum: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(guard, "os", _Instead(os, killpg=refused))
    assert not guard._signalled(12345)
    assert guard.end_groups([12345], time.monotonic() - 1)  # no error, and not found running


def test_any_process_of_a_group_is_found_not_only_its_leader() -> None:
    launcher = subprocess.Popen(["sh", "-c", "sleep 600 & echo $!; wait"],
                                stdout=subprocess.PIPE, start_new_session=True)
    assert launcher.stdout is not None
    child = int(launcher.stdout.readline())
    launcher.stdout.close()
    try:
        os.kill(launcher.pid, signal.SIGKILL)  # the leader alone
        launcher.wait()
        assert guard.groups_run([launcher.pid])  # its child runs on in the group
        assert guard.groups_run({launcher.pid, 999_999_999})
        assert not guard.groups_run([child])  # the group is named by its leader's pid
    finally:
        assert guard.end_groups([launcher.pid], time.monotonic() + 60)


def test_a_group_gone_within_the_wait_is_seen_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait looks again every _POLL seconds, never longer than the time left."""
    looks = iter([True, True, False])
    slept: list[float] = []
    monkeypatch.setattr(guard, "groups_run", lambda groups: next(looks))
    monkeypatch.setattr(guard, "time", _Instead(time, sleep=slept.append))
    assert guard.wait_gone([1], time.monotonic() + 3600)
    assert slept == [0.02, 0.02]


def test_the_last_sleep_ends_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    now = iter([100.0, 100.015, 100.03])
    slept: list[float] = []
    monkeypatch.setattr(guard, "groups_run", lambda groups: True)
    monkeypatch.setattr(guard, "time", _Instead(time, monotonic=lambda: next(now),
                                                sleep=slept.append))
    assert not guard.wait_gone([1], 100.03)
    assert slept == [0.02, pytest.approx(0.015)]


def test_a_process_that_outlives_the_deadline_is_not_reaped(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    child = _sleeper()
    try:
        monkeypatch.setattr(guard, "os", _Instead(os, killpg=lambda group, signum: None))
        assert not guard.end_process(child, time.monotonic() - 1)
        assert child.returncode is None
    finally:
        monkeypatch.undo()
        assert guard.end_process(child, time.monotonic() + 60)
    assert child.returncode == -signal.SIGKILL


def test_a_started_group_is_announced_with_its_pid_and_leads_its_group() -> None:
    read, write = os.pipe()
    try:
        started = guard.start_group(["sleep", "600"], write)
        try:
            assert os.read(read, 64) == f"{started.pid}\n".encode()
            assert os.getpgid(started.pid) == started.pid != os.getpgid(0)
            assert os.getsid(started.pid) == started.pid
            blocked = int(_status(started.pid)["SigBlk"], 16)
            assert not blocked & (1 << (signal.SIGTERM - 1) | 1 << (signal.SIGINT - 1))
        finally:
            assert guard.end_process(started, time.monotonic() + 60)
    finally:
        os.close(read)
        os.close(write)
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_popen_arguments_reach_the_command(tmp_path: Path) -> None:
    read, write = os.pipe()
    try:
        started = guard.start_group(["sh", "-c", "pwd > out"], write, cwd=tmp_path)
        assert started.wait(timeout=60) == 0
    finally:
        os.close(read)
        os.close(write)
    assert (tmp_path / "out").read_text().strip() == str(tmp_path)


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def test_signals_in_the_block_reach_their_handler_after_it() -> None:
    got: list[int] = []
    runners = signal.getsignal(signal.SIGINT)  # the test runner's own
    before = signal.signal(signal.SIGTERM, lambda signum, _: got.append(signum))
    try:
        with guard._handled_after():
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)
            assert got == []  # held while in the block
        assert got == [signal.SIGTERM]  # the first one, to the handler it was meant for
        assert signal.getsignal(signal.SIGINT) is runners
    finally:
        signal.signal(signal.SIGTERM, before)


def test_the_handlers_are_given_back_untouched_when_nothing_came() -> None:
    runners = signal.getsignal(signal.SIGINT)
    mine = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with guard._handled_after():
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is runners
    finally:
        signal.signal(signal.SIGTERM, mine)


def test_a_handler_set_outside_python_is_given_back_as_the_default(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """signal.signal answers None for a handler Python did not set; SIG_DFL stands for it."""
    real = signal.signal
    set_back: list[object] = []

    def recorded(signum, handler):
        previous = real(signum, handler)
        set_back.append(handler)
        return None if signum == signal.SIGTERM else previous

    monkeypatch.setattr(guard, "signal", _Instead(signal, signal=recorded))
    runners = signal.getsignal(signal.SIGINT)
    before = real(signal.SIGTERM, signal.SIG_DFL)
    try:
        with guard._handled_after():
            pass
    finally:
        real(signal.SIGTERM, before)
    assert set_back[-2:] == [runners, signal.SIG_DFL]


def test_in_another_thread_the_handlers_are_left_alone() -> None:
    seen: list[object] = []

    def run() -> None:
        with guard._handled_after():
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert seen == [before]


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


@pytest.fixture
def sigint_kept() -> Iterator[None]:
    """The watchdog ignores Ctrl-C; run here, the test runner's handler is put back."""
    before = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("sigint_kept")
def test_the_watchdog_kills_what_it_was_told_and_removes_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work, socket, gone = tmp_path / "work", tmp_path / "socket", tmp_path / "never-made"
    (work / "profile").mkdir(parents=True)
    socket.write_text("")
    ended: list[tuple[set[int], float]] = []
    monkeypatch.setattr(guard, "end_groups", lambda groups, deadline: ended.append(
        (groups, deadline - time.monotonic())))
    monkeypatch.setattr(guard, "sys", _Instead(sys, stdin=_Stdin(b"123\nabc\n-4\n456\n123\n")))
    guard.watch(str(work), str(socket), str(gone))
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ((groups, within),) = ended
    assert groups == {123, 456}
    assert 4.0 < within <= 5.0
    assert not work.exists() and not socket.exists()


@pytest.mark.usefixtures("sigint_kept")
def test_the_watchdog_removes_the_files_when_the_folder_is_gone_already(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    socket = tmp_path / "socket"
    socket.write_text("")
    monkeypatch.setattr(guard, "sys", _Instead(sys, stdin=_Stdin(b"")))
    guard.watch(str(tmp_path / "work"), str(socket))
    assert not socket.exists()


@pytest.mark.usefixtures("sigint_kept")
def test_the_watchdog_told_done_ends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setattr(guard, "end_groups", lambda groups, deadline: pytest.fail("killed"))
    monkeypatch.setattr(guard, "sys", _Instead(sys, stdin=_Stdin(b"123\ndone\n")))
    (tmp_path / "work").mkdir()
    guard.watch(str(tmp_path / "work"))
    assert (tmp_path / "work").is_dir()


def test_a_group_that_cannot_be_killed_is_said_not_gone(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    child = _sleeper()
    try:
        monkeypatch.setattr(guard, "os", _Instead(os, killpg=lambda group, signum: None))
        assert not guard.end_groups([child.pid], time.monotonic())
    finally:
        monkeypatch.undo()
        assert guard.end_process(child, time.monotonic() + 60)


class _Waited:
    """A process as _reaped sees it: how long it was asked to wait; whether it ended."""

    def __init__(self, ends: bool) -> None:
        self.ends = ends
        self.timeouts: list[float] = []

    def wait(self, timeout: float) -> int:
        self.timeouts.append(timeout)
        if not self.ends:
            raise subprocess.TimeoutExpired("soffice", timeout)
        return 0


def test_reaping_waits_until_the_deadline_and_no_longer(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setattr(guard, "time", _Instead(time, monotonic=lambda: 100.0))
    late, on_time = _Waited(ends=False), _Waited(ends=True)
    assert not guard._reaped(late, 99.0)
    assert guard._reaped(on_time, 102.5)
    assert late.timeouts == [0.0] and on_time.timeouts == [2.5]


def test_where_there_are_no_process_groups_the_process_alone_is_killed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    child = _sleeper()
    monkeypatch.setattr(guard, "os", _Without(os, "killpg"))
    try:
        assert guard.end_process(child, time.monotonic() + 60)
        assert child.returncode == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()
    late = _Waited(ends=False)
    late.kill = lambda: None  # type: ignore[attr-defined]
    assert not guard.end_process(late, time.monotonic() + 60)  # type: ignore[arg-type]


class _Without:
    """A module as guard sees it, without some of its functions (as on Windows)."""

    def __init__(self, module: object, *names: str) -> None:
        self._module, self._names = module, names

    def __getattr__(self, name: str) -> object:
        if name in self._names:
            raise AttributeError(name)
        return getattr(self._module, name)


@pytest.mark.parametrize("refusal", [ProcessLookupError, PermissionError])
def test_ending_a_process_already_gone_or_not_ours_to_signal_is_no_error(
        monkeypatch: pytest.MonkeyPatch, refusal: type[OSError]) -> None:
    gone = _sleeper("true")
    gone.wait()

    def refused(group: int, signum: int) -> None:
        raise refusal(1, "refused")

    monkeypatch.setattr(guard, "os", _Instead(os, killpg=refused))
    assert guard.end_process(gone, time.monotonic() + 60)


def test_a_process_reaped_while_its_group_runs_on_is_not_gone(monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    launcher = subprocess.Popen(["sh", "-c", "sleep 600 & echo $!; wait"],
                                stdout=subprocess.PIPE, start_new_session=True)
    assert launcher.stdout is not None
    launcher.stdout.readline()
    launcher.stdout.close()
    try:
        os.kill(launcher.pid, signal.SIGKILL)  # the launcher alone: its child runs on
        assert launcher.wait(timeout=60) == -signal.SIGKILL
        monkeypatch.setattr(guard, "os", _Instead(os, killpg=lambda group, signum: None))
        assert not guard.end_process(launcher, time.monotonic())  # reaped, yet its group runs
    finally:
        monkeypatch.undo()
        assert guard.end_groups([launcher.pid], time.monotonic() + 60)


def _proc(root: Path, **stats: str) -> Path:
    """A /proc of the given processes' stat lines, beside /proc/self/stat."""
    (root / "self").mkdir(parents=True)
    (root / "self" / "stat").write_text("1 (python) S 0 1 1")
    for pid, line in stats.items():
        (root / pid.lstrip("p")).mkdir()
        (root / pid.lstrip("p") / "stat").write_text(line)
    return root


@pytest.mark.parametrize(("stat", "runs"), [
    ("200 (soffice.bin) S 1 4242 4242 0", True),
    ("200 (soffice.bin) R 1 4242 1 0", True),
    ("200 (a) b) S 1 4242 1 0", True),  # a name with ") " in it: the last ")" ends it
    ("200 (soffice.bin) Z 1 4242 4242 0", False),  # a zombie
    ("200 (soffice.bin) X 1 4242 4242 0", False),  # dead
    ("200 (soffice.bin) S 4242 1 4242 0", False),  # its parent, its session: not its group
    ("200 (soffice.bin) S 1 4243 4242 0", False),
])
def test_a_group_runs_while_a_live_process_has_it_as_its_group(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stat: str, runs: bool) -> None:
    monkeypatch.setattr(guard, "_PROC", str(_proc(tmp_path, p200=stat)))
    assert guard.groups_run({4242}) is runs


@pytest.mark.parametrize("unreadable", [
    "a folder", "200 no name", "200 (soffice.bin) S 1 pgrp 1", "200 (soffice.bin) S"])
def test_a_process_whose_stat_cannot_be_read_is_passed_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unreadable: str) -> None:
    proc = _proc(tmp_path, p300="300 (soffice.bin) S 1 4242 4242 0")
    (proc / "150").mkdir()
    if unreadable == "a folder":  # gone between listing and reading
        (proc / "150" / "stat").mkdir()
    else:
        (proc / "150" / "stat").write_text(unreadable)
    (proc / "sys").mkdir()
    monkeypatch.setattr(guard, "_PROC", str(proc))
    assert guard.groups_run({4242})
    assert not guard.groups_run({4243})


_FORKING: list[set[int]] = []


def _mask_while_forking() -> None:
    if _FORKING and not _FORKING[-1]:
        _FORKING[-1].update(signal.pthread_sigmask(signal.SIG_BLOCK, []))


os.register_at_fork(before=_mask_while_forking)


def test_ctrl_c_and_sigterm_wait_while_the_child_is_forked() -> None:
    _FORKING.append(set())
    read, write = os.pipe()
    try:
        guard.start_group(["true"], write).wait(timeout=60)
    finally:
        os.close(read)
        os.close(write)
    held = _FORKING.pop()
    assert {signal.SIGINT, signal.SIGTERM} <= held
    assert not {signal.SIGINT, signal.SIGTERM} & signal.pthread_sigmask(signal.SIG_BLOCK, [])
