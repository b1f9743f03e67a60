"""Benchmark: what the layout pass (page numbers on the contents pages) adds to a build.

Prints, in one run, side by side (runs interleaved, medians): `interim build` of the
reference example's documents with and without the layout pass, and the same over 50
generated assignments, with their ratios (issue 23's goals: at most 1.5x for the example,
1.2x for 50 assignments). The layout pass is measured twice: with nothing in the page
cache (every document laid out by LibreOffice: a warm one per build, two for many
documents, generator/delivery/layout_pass.py), and with the documents unchanged since the
last build (their pages from the cache, generator/delivery/layout_cache.py: LibreOffice
never starts). Every row shares one fresh cache folder (compiled templates alike).
`--cold` adds the cold batch (one LibreOffice run with a Basic macro, what is used
without python3-uno) for comparison.

Usage: python bench/bench_layout.py [--runs 5] [--runs-many 1] [--assignments 50] [--cold]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import INTERIM, ROOT, make_project

sys.path.insert(0, str(ROOT))
from generator.delivery.office import available
from generator.delivery.pdf import find_soffice

WAYS = {
    "without the layout pass": (["--no-layout"], {}),
    "with it, nothing cached (warm LibreOffice)": (["--layout"], {"INTERIM_LAYOUT_CACHE": "0"}),
    "with it, documents unchanged (page cache)": (["--layout"], {}),
    "with it, nothing cached (cold batch)": (["--layout"], {"INTERIM_UNO_PYTHON": "",
                                                            "INTERIM_LAYOUT_CACHE": "0"}),
}


def measure(project: Path, ids: list[str], runs: int, ways: list[str]) -> dict[str, float]:
    """Median seconds of `interim build` each way, the ways interleaved run by run."""
    times: dict[str, list[float]] = {way: [] for way in ways}
    cache = tempfile.TemporaryDirectory(prefix="bench-layout-cache-")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000", "XDG_CACHE_HOME": cache.name}
    with tempfile.TemporaryDirectory(prefix="bench-layout-") as out:  # fills the cache
        subprocess.run([str(INTERIM), "build", *ids, "--out", out, "-q", "--layout"],
                       cwd=project, check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    for _ in range(runs):
        for way in ways:
            flags, extra = WAYS[way]
            with tempfile.TemporaryDirectory(prefix="bench-layout-") as out:
                start = time.perf_counter()
                subprocess.run([str(INTERIM), "build", *ids, "--out", out, "-q", *flags],
                               cwd=project, check=True, env={**env, **extra},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[way].append(time.perf_counter() - start)
    cache.cleanup()
    return {way: statistics.median(found) for way, found in times.items()}


def report(title: str, medians: dict[str, float], goal: float, runs: int) -> None:
    base = medians["without the layout pass"]
    print(f"{title} (median of {runs} run{'s' if runs != 1 else ''}):")
    for way, seconds in medians.items():
        ratio = seconds / base
        mark = "" if way == "without the layout pass" else (
            f"  {ratio:4.2f}x  (goal <= {goal}x: {'met' if ratio <= goal else 'NOT met'})")
        print(f"  {way:<42} {seconds:7.2f} s{mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-many", type=int, default=1)
    parser.add_argument("--assignments", type=int, default=50)
    parser.add_argument("--cold", action="store_true", help="also measure the cold batch")
    args = parser.parse_args()
    if find_soffice() is None:
        print("LibreOffice (soffice) not found: nothing to measure")
        return
    if not available():
        print("note: no Python with LibreOffice's uno module (python3-uno): the 'warm' rows "
              "fall back to the cold batch")
    ways = list(WAYS)[:3] + (list(WAYS)[3:] if args.cold else [])
    report("the example's documents", measure(ROOT, ["dl-logistiek-2027"], args.runs, ways),
           1.5, args.runs)
    with tempfile.TemporaryDirectory(prefix="bench-layout-many-") as folder:
        project = Path(folder)
        make_project(project, args.assignments)
        report(f"{args.assignments} assignments", measure(project, [], args.runs_many, ways),
               1.2, args.runs_many)


if __name__ == "__main__":
    main()
