"""`interim watch` run as the writer runs it: a command in a project, its preview read over HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.delivery.pdf import find_soffice

INTERIM = Path(sys.executable).with_name("interim")
FIRST_BUILD = 120.0
"""Seconds the first build (LibreOffice's start included) may take on a loaded machine."""
REBUILD = 60.0


def needs_watch(test: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a test as running LibreOffice and poppler; skip it where they are missing."""
    missing = find_soffice() is None or shutil.which("pdftoppm") is None
    skip = pytest.mark.skipif(missing, reason="LibreOffice or poppler-utils not installed")
    return pytest.mark.libreoffice(skip(test))


def _ctrl_c_as_from_a_terminal() -> None:
    """Ctrl-C as a user's terminal delivers it: a suite started in the background by a
    shell without job control (`make test &` in a script) inherits SIGINT ignored, and
    Python keeps an ignored SIGINT ignored, so the session would never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class WatchSession:
    """`interim watch ARGS` in `root`, in a process group of its own."""

    def __init__(self, root: Path, *args: str):
        self.process = subprocess.Popen(
            [str(INTERIM), "watch", *args], cwd=root, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
            preexec_fn=_ctrl_c_as_from_a_terminal,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"})
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, into), daemon=True).start()
        found = self.wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+/", "".join(self.out)),
                              FIRST_BUILD, "the preview's address")
        self.url = found.group(0)

    @staticmethod
    def _read(stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    def state(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "state", timeout=10) as answer:
            return json.loads(answer.read())

    def text(self, document: str) -> str:
        for doc in self.state()["documents"]:
            if doc["name"] == document:
                return "\n".join(page["text"] for page in doc["pages"])
        return ""

    def wait_for(self, found: Callable[[], Any], budget: float, what: str) -> Any:
        """Poll `found` until it gives something true, within `budget` seconds."""
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline:
            result = found()
            if result:
                return result
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail(f"no {what} within {budget:g} s; interim watch said:\n" + self._said())

    def stop(self, signum: int = signal.SIGINT) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"interim watch did not end on signal {signum} within 60 s; it said:\n"
                        + self._said())

    def _said(self) -> str:
        """What the watch printed; if it still runs, with where each of its threads is
        (PYTHONFAULTHANDLER: SIGABRT prints them), so that a hang shows its place."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGABRT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
            time.sleep(0.5)  # the reader threads take the last lines
        return "".join(self.out) + "".join(self.err)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def leftovers(pid: int) -> list[str]:
    """What of command `pid` still runs or lies in the temporary folder: LibreOffice and the
    UNO driver (by the folder or pipe named after `pid`), the session's folders, sockets."""
    marks = (f"interim-pdf-{pid}-", f"interim-watch-{pid}-", f"interim-{pid}-")
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(mark in text for mark in marks):
            found.append(f"process {cmdline.parent.name}: {text[:120]}")
    for folder in {Path("/tmp"), Path(os.environ.get("TMPDIR", "/tmp"))}:
        found += [str(p) for p in folder.iterdir() if any(mark in p.name for mark in marks)]
    return found
