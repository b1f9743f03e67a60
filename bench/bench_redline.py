"""Benchmark: the redline of a 2,000-milestone plan with 5 % of its rows changed.

Prints, medians of N runs, each run in a forked process of its own so that its
peak memory is its own:
1. building the two handbooks alone (older and newer sources, today's generator);
2. the redline of the two (the diff and the package, from the two .docx);
3. ratios: the redline against the two builds, and the whole `interim redline`
   (both builds plus the redline) against the two builds; it should cost well
   under twice the builds.

The plan: the reference example with 2,000 milestones; the newer side amends a
third of the changed rows (due date and title), drops a third and adds a third.

Usage: python bench/bench_redline.py [--runs 3] [--milestones 2000] [--changed 0.05]
"""

from __future__ import annotations

import argparse
import datetime
import os
import pickle
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.delivery.build import Builder  # noqa: E402
from generator.delivery.redline import redline  # noqa: E402
from generator.delivery.redline.versions import render_document  # noqa: E402
from generator.source.project import load_firm  # noqa: E402

EXAMPLE = ROOT / "assignments" / "dl-logistiek-2027"
START, DAYS = datetime.date(2027, 1, 12), 160


def big_plan(count: int) -> dict[str, Any]:
    """The example with `count` milestones (M1..M4 kept: the progress reports name them)."""
    data = yaml.safe_load((EXAMPLE / "assignment.yaml").read_text(encoding="utf-8"))
    milestones = data["analysis"]["milestones"]
    template = milestones[1]
    for number in range(len(milestones) + 1, count + 1):
        milestones.append({**template, "id": f"M{number}", "title": f"Mijlpaal {number}",
                           "due": START + datetime.timedelta(days=number % DAYS)})
    return data


def changed(data: dict[str, Any], share: float, seed: int = 1) -> dict[str, Any]:
    """A copy with `share` of the milestone rows amended, dropped or added (a third each)."""
    rng = random.Random(seed)
    milestones = list(data["analysis"]["milestones"])
    touched = rng.sample(range(4, len(milestones)), int(len(milestones) * share))
    third = len(touched) // 3
    for index in touched[:third]:
        row = milestones[index]
        milestones[index] = {**row, "title": row["title"] + " (herzien)",
                             "due": row["due"] + datetime.timedelta(days=7)}
    dropped = {milestones[i]["id"] for i in touched[third:2 * third]}
    for number, index in enumerate(touched[2 * third:]):
        milestones.insert(index, {**milestones[1], "id": f"N{number}", "title": f"Nieuw {number}"})
    return {**data, "analysis": {**data["analysis"],
                                 "milestones": [m for m in milestones if m["id"] not in dropped]}}


def write_assignment(base: Path, data: dict[str, Any]) -> Path:
    folder = base / "assignments" / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    (folder / "assignment.yaml").write_text(yaml.safe_dump(data, allow_unicode=True,
                                                           sort_keys=False), encoding="utf-8")
    return folder


def in_child(work: Callable[[], object]) -> tuple[float, float]:
    """Seconds and peak resident memory growth (MiB) of `work`, run in a forked process."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        with open("/proc/self/statm") as statm:
            start_kib = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        began = time.perf_counter()
        work()
        seconds = time.perf_counter() - began
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        os.write(write, pickle.dumps((seconds, (peak_kib - start_kib) / 1024)))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        result = pickle.loads(pipe.read())
    os.waitpid(pid, 0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--milestones", type=int, default=2000)
    parser.add_argument("--changed", type=float, default=0.05)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1803859200")
    firm = load_firm(ROOT)
    with tempfile.TemporaryDirectory() as temp:
        older_data = big_plan(args.milestones)
        folders = [write_assignment(Path(temp) / side, data) for side, data in
                   (("older", older_data), ("newer", changed(older_data, args.changed)))]

        def build_both() -> list[bytes]:
            return [render_document(f, "handbook", Builder(firm, root=ROOT)) for f in folders]

        older, newer = build_both()

        def diff() -> bytes:
            return redline(older, newer, author=firm.name)

        builds = [in_child(build_both) for _ in range(args.runs)]
        diffs = [in_child(diff) for _ in range(args.runs)]
    build_s, build_mb = (statistics.median(x) for x in zip(*builds, strict=True))
    diff_s, diff_mb = (statistics.median(x) for x in zip(*diffs, strict=True))
    print(f"plan: {args.milestones} milestones, {args.changed:.0%} of rows changed; "
          f"handbooks {len(older) / 1e6:.1f} MB / {len(newer) / 1e6:.1f} MB; "
          f"medians of {args.runs} runs")
    print(f"building the two handbooks: {build_s:7.2f} s   peak +{build_mb:6.1f} MiB")
    print(f"redline of the two:         {diff_s:7.2f} s   peak +{diff_mb:6.1f} MiB")
    print(f"redline / two builds:        {diff_s / build_s:6.2f} x time   "
          f"{diff_mb / build_mb:6.2f} x memory")
    print(f"interim redline (builds + redline) / two builds: "
          f"{(build_s + diff_s) / build_s:6.2f} x time")


if __name__ == "__main__":
    main()
