"""The process groups of the LibreOffice we start: whether one still runs, and ending them.

Why one module, standard library only: the same lines serve the cold batch
(generator.delivery.pdf), the warm LibreOffice (generator.delivery.office) and the
watchdog that outlives a killed build (pdf._watchdog runs this very file with
``python -I -S``, so that it starts in milliseconds and nothing of the environment can
disturb it).

Why a zombie counts as gone: a killed LibreOffice leaves orphans, which init reaps when it
gets to it (seconds on some inits, never on an init that does not reap). ``os.killpg(group,
0)`` succeeds for a zombie, so a wait on it used up its whole allowance after every kill.
A zombie runs no code and writes no file: the work folder may go.

Why a deadline, not a count of polls: a count times a sleep is not a time on a loaded
machine (each poll reads /proc); the caller says until when it may wait, by the monotonic
clock.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time

TYPE_CHECKING = False  # typing and subprocess cost the watchdog's start tens of milliseconds
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Collection, Iterator
    from typing import Any

GONE_WITHIN = 5.0
"""Seconds a killed LibreOffice may take to be gone before its folder is removed anyway."""
_POLL = 0.02
_PROC = "/proc"
_HELD = (signal.SIGINT, signal.SIGTERM)


def start_group(command: list[str], watchdog: int, **popen: Any) -> subprocess.Popen[bytes]:
    """Start `command` as the leader of a new process group, which it announces on the
    `watchdog` pipe (pdf._watchdog) before it runs.

    Ctrl-C and SIGTERM wait while the child is forked: raised in the middle of Popen, the
    exception either drops the child's handle (the caller cannot end what it never got;
    the watchdog, not told "done", must) or, raised in one of Python's at-fork hooks, is
    ignored with the signal (the build would run on after a SIGTERM). So they are handled
    once Popen has returned; the child runs with the caller's signal mask."""
    import subprocess  # loaded already by the callers; never by the watchdog

    hold = hasattr(signal, "pthread_sigmask")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD) if hold else set()

    def in_child() -> None:
        os.write(watchdog, f"{os.getpid()}\n".encode())
        if hold:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    try:
        with _handled_after():
            return subprocess.Popen(command, start_new_session=True, preexec_fn=in_child,
                                    **popen)
    finally:
        if hold:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@contextlib.contextmanager
def _handled_after() -> Iterator[None]:
    """Ctrl-C and SIGTERM arriving in the block are handled after it, by the handlers they
    would have met. Why not the signal mask alone: it holds a signal for this thread only,
    and a process with other threads (a test runner's, `interim watch`'s preview server)
    takes it on one of those; Python then runs the handler in the main thread at its next
    step, in an at-fork hook, which swallows the exception. Python lets only the main thread
    set handlers: elsewhere the mask is what there is."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {held: signal.signal(held, lambda signum, _: caught.append(signum))
                for held in _HELD}
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler if handler is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(caught[0])  # to the handler it was meant for, in this thread


def groups_run(groups: Collection[int]) -> bool:
    """Whether any process of `groups` runs (a zombie does not); by /proc where there is one,
    else by ``os.killpg(group, 0)``, which counts a zombie as running."""
    if not groups:
        return False
    if not os.path.exists(f"{_PROC}/self/stat"):
        return any(_signalled(group) for group in groups)
    for pid in os.listdir(_PROC):
        if not pid.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"{_PROC}/{pid}/stat", "rb") as stat:  # the name may hold ") "
                fields = stat.read().rsplit(b")", 1)[1].split()
            if fields[0] not in (b"Z", b"X") and int(fields[2]) in groups:  # state, pgrp
                return True
    return False


def _signalled(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def wait_gone(groups: Collection[int], deadline: float) -> bool:
    """Wait until no process of `groups` runs or ``time.monotonic()`` reaches `deadline`;
    whether they are gone. Looks first, so a deadline already past still gives the truth."""
    while groups_run(groups):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(_POLL, left))
    return True


def end_groups(groups: Collection[int], deadline: float) -> bool:
    """SIGKILL every process of `groups`, then `wait_gone` until `deadline`."""
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    return wait_gone(groups, deadline)


def end_process(process: subprocess.Popen[bytes], deadline: float) -> bool:
    """End `process` (started with ``start_new_session``) and its whole group, reap it (we
    are its parent), and wait until none of its group runs, at most until `deadline`: no
    dying child writes into a folder after it is removed."""
    if not hasattr(os, "killpg"):  # pragma: no cover - Windows has no such groups
        process.kill()
        return _reaped(process, deadline)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    return _reaped(process, deadline) and wait_gone([process.pid], deadline)


def _reaped(process: subprocess.Popen[bytes], deadline: float) -> bool:
    import subprocess  # loaded already by whoever started `process`; never by the watchdog

    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


def watch(work: str, *files: str) -> None:
    """The watchdog's program (see pdf._watchdog): read process groups from standard input
    until it closes; unless the build said "done", kill the groups, wait until they are gone
    (GONE_WITHIN at most), remove the work folder and `files`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which cleans up
    said = sys.stdin.buffer.read().split()
    if b"done" in said:
        return
    end_groups({int(group) for group in said if group.isdigit()},
               time.monotonic() + GONE_WITHIN)
    shutil.rmtree(work, ignore_errors=True)
    for path in files:
        with contextlib.suppress(OSError):
            os.unlink(path)


if __name__ == "__main__":
    watch(*sys.argv[1:])
