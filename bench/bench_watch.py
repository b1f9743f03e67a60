"""Benchmark: from a saved change of the example's handbook source to the preview serving
the new pages, over 10 saves (issue 23's goal: a median of at most 1.5 s).

Runs `interim watch dl-logistiek-2027 --doc handbook` in a copy of the example, as a writer
does; each save changes the text of an objective in assignment.yaml, and the clock stops
when the preview's `/state` serves pages holding the new text (the pictures are drawn by
then). Prints each save's time and the median.

Usage: python bench/bench_watch.py [--saves 10]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTERIM = Path(sys.executable).with_name("interim")
EXAMPLE = "dl-logistiek-2027"
STATEMENT = "statement: Leveringsfouten verlagen"
BUDGET = 120.0


def handbook_text(url: str) -> str:
    with urllib.request.urlopen(url + "state", timeout=10) as answer:
        state = json.loads(answer.read())
    return " ".join(page["text"] for doc in state["documents"] if doc["name"] == "handbook"
                    for page in doc["pages"]).replace("\n", " ")


def wait_for(found, what: str) -> object:
    deadline = time.monotonic() + BUDGET
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.01)
    raise SystemExit(f"no {what} within {BUDGET:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print("LibreOffice or poppler-utils not found: nothing to measure")
        return
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as folder:
        project = Path(folder)
        shutil.copytree(ROOT / "assignments" / EXAMPLE, project / "assignments" / EXAMPLE)
        shutil.copytree(ROOT / "templates", project / "templates")
        shutil.copy(ROOT / "firm.yaml", project / "firm.yaml")
        source = project / "assignments" / EXAMPLE / "assignment.yaml"
        original = source.read_text(encoding="utf-8")
        log = (project / "watch.log").open("w+")
        watch = subprocess.Popen([str(INTERIM), "watch", EXAMPLE, "--doc", "handbook"],
                                 cwd=project, stdout=log, stderr=subprocess.DEVNULL,
                                 env={"PYTHONUNBUFFERED": "1", **dict(__import__("os").environ)})
        try:
            url = wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+/",
                                             (project / "watch.log").read_text()), "preview")
            url = url.group(0)
            wait_for(lambda: "Leveringsfouten" in handbook_text(url), "first build")
            times = []
            for save in range(1, args.saves + 1):
                # One word: the objective prints in a table, whose columns pdftotext may
                # interleave line by line.
                word = f"ronde{save:02d}"
                start = time.perf_counter()
                source.write_text(original.replace(STATEMENT, f"{STATEMENT} {word}"),
                                  encoding="utf-8")
                wait_for(lambda w=word: w in handbook_text(url), f"save {save}")
                times.append(time.perf_counter() - start)
                print(f"  save {save:2d}: {times[-1]:5.2f} s", flush=True)
        finally:
            watch.send_signal(signal.SIGINT)
            watch.wait(timeout=60)
    median = statistics.median(times)
    print(f"median from save to new pages over {len(times)} saves: {median:.2f} s "
          f"(goal <= 1.5 s: {'met' if median <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
