"""Temporary work folders that die with the command, even when it is killed.

The PDF export's LibreOffice profile and a redline's extracted revision each get a folder
named `interim-<kind>-<pid>-<random>` in the temporary directory. It is removed when the
work ends (an exception, Ctrl-C or SIGTERM included). A process killed outright (kill -9,
an out-of-memory kill) cannot clean up, so every run that makes a work folder first removes
the ones whose process no longer runs: the pid in the name says whose a folder is, and a
folder of a process still running (a parallel build) is left alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.writer.package import on_sigterm, process_alive

PREFIX = "interim-"
KINDS = ("pdf", "redline")
"""Every kind of work folder, so that any run sweeps the leftovers of all of them."""
_MADE: set[Path] = set()
"""The folders this process made and has not removed: never stale to it, though its pid may
be a dead process's (a killed command's pid used again). Two LibreOffices of one build each
have one; a redline's layout pass makes one inside the redline's."""


def make(kind: str) -> Path:
    """A new work folder of this process, after removing those of dead processes."""
    assert kind in KINDS, kind
    remove_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))
    _MADE.add(folder)
    return folder


@contextlib.contextmanager
def work_folder(kind: str) -> Iterator[Path]:
    """A work folder removed when the block ends, also on SIGTERM (see `term_as_exit`)."""
    folder = make(kind)
    try:
        with term_as_exit():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _MADE.discard(folder)


def remove_stale() -> None:
    """Remove the work folders (of every kind) that killed processes left behind."""
    for kind in KINDS:
        prefix = f"{PREFIX}{kind}-"
        for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
            pid = folder.name.removeprefix(prefix).split("-", 1)[0]
            try:
                if not pid.isdigit() or folder.lstat().st_uid != os.getuid() \
                        or folder in _MADE or process_alive(int(pid)):
                    continue
            except OSError:
                continue
            shutil.rmtree(folder, ignore_errors=True)


def term_as_exit() -> contextlib.AbstractContextManager[None]:
    """SIGTERM raises SystemExit inside the block, so that the cleanup around it runs
    (Python's default for SIGTERM is to end at once, leaving folders and children)."""
    return on_sigterm(_exit_on_term)


def _exit_on_term(signum: int, frame: object, previous: object) -> None:
    raise SystemExit(128 + signum)
