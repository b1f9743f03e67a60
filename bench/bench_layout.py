"""Benchmark: what the layout pass (page numbers on the contents pages) adds to a build.

Run from the repository root: ``python bench/bench_layout.py``. Builds every document of
the reference assignments into a temporary folder, REPEATS times each way, and prints the
median wall time of: a build without the layout pass, a build with it, a build with
PDFs before this change (documents, then one LibreOffice run exporting PDFs) and with
the layout pass (one LibreOffice run giving the pages and the PDFs).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.delivery.build import build_all  # noqa: E402
from generator.delivery.pdf import find_soffice  # noqa: E402
from generator.source.project import Project  # noqa: E402

REPEATS = 3


def timed(*, layout: bool, pdf: bool) -> float:
    times = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory(prefix="bench-layout-") as out:
            start = time.perf_counter()
            report = build_all(Project(ROOT), [], out_dir=Path(out), pdf=pdf, layout=layout)
            times.append(time.perf_counter() - start)
            assert not report.failed, report.failed
    return statistics.median(times)


def main() -> None:
    if find_soffice() is None:
        print("LibreOffice (soffice) not found: nothing to measure")
        return
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1800000000")
    rows = [
        ("documents, no layout pass", timed(layout=False, pdf=False)),
        ("documents + layout pass", timed(layout=True, pdf=False)),
        ("documents + PDFs, no layout pass", timed(layout=False, pdf=True)),
        ("documents + PDFs + layout pass (one run)", timed(layout=True, pdf=True)),
    ]
    print(f"median of {REPEATS} builds of every reference document")
    for label, seconds in rows:
        print(f"  {label:<42} {seconds:6.2f} s")
    print(f"  added by the layout pass: {rows[1][1] - rows[0][1]:+.2f} s without PDFs, "
          f"{rows[3][1] - rows[2][1]:+.2f} s with PDFs")


if __name__ == "__main__":
    main()
