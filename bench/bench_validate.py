"""Benchmark: `interim validate` of an assignment with many agreed changes grows linearly.

Run from the repository root: ``python bench/bench_validate.py``. Writes the reference
assignment with SMALL and LARGE changes in `execution.changes` (each on its own date
inside the period, each amending a milestone's due date, adding an action or dropping
one it added; then, as a growing plan, each adding an action the plan keeps), validates
each REPEATS times and prints the median times side by side with their ratio: close to
LARGE / SMALL (8x) when every rule and history computation is linear or n log n, about
64x when one is quadratic.
"""

from __future__ import annotations

import datetime
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.source.project import load_assignment  # noqa: E402

EXAMPLE = ROOT / "assignments" / "dl-logistiek-2027"
SMALL, LARGE = 1_000, 8_000
REPEATS = 3


def change(i: int, start: datetime.date, days: int, *, grow: bool = False) -> str:
    """The i-th change: dated through the period, amending, adding or dropping (`grow`:
    adding only, so that the plan holds one more action after each change)."""
    date = start + datetime.timedelta(days=1 + (i * days) // (LARGE + 1))
    text = (f"    - id: X{i}\n      date: {date}\n      what: Wijziging {i}\n"
            f"      approved_by: gdewit\n")
    if i % 3 == 0 and not grow:
        due = date + datetime.timedelta(days=7)
        return text + f"      amends:\n        milestones.M4.due: {due}\n"
    if i % 3 == 1 or grow:
        return text + (f"      adds:\n        actions:\n          - id: XA{i}\n"
                       f"            milestone: M4\n            description: Actie {i}\n"
                       f"            owner: jpeeters\n            start: {date}\n"
                       f"            due: {date}\n")
    return text + f"      drops: [XA{i - 1}]\n"


def assignment(folder: Path, count: int, *, grow: bool = False) -> Path:
    """A copy of the reference assignment holding `count` more changes."""
    target = folder / f"changes-{count}-{grow}" / EXAMPLE.name  # the id is the folder's name
    shutil.copytree(EXAMPLE, target)
    source = target / "assignment.yaml"
    text = source.read_text(encoding="utf-8")
    start = datetime.date(2027, 2, 20)  # after the example's own change W1
    days = (datetime.date(2027, 6, 10) - start).days
    extra = "".join(change(i, start, days, grow=grow) for i in range(count))
    text = re.sub(r"(\n  changes:[^\n]*\n(?:    .*\n|\n)*)", lambda m: m.group(1) + extra, text,
                  count=1)
    source.write_text(text, encoding="utf-8")
    return target


def timed(folder: Path) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        load_assignment(folder)  # raises SourceError when any rule fails
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"median of {REPEATS} validations of the reference assignment with N changes")
    for grow, label in ((False, "amend, add, drop"), (True, "each adds an action (growing plan)")):
        with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
            small = timed(assignment(Path(tmp), SMALL, grow=grow))
            large = timed(assignment(Path(tmp), LARGE, grow=grow))
        print(f" changes that {label}")
        print(f"  {SMALL:>6,} changes {small:8.2f} s")
        print(f"  {LARGE:>6,} changes {large:8.2f} s")
        print(f"  growth {large / small:5.1f}x for {LARGE // SMALL}x the changes "
              f"(linear: about {LARGE // SMALL}x; quadratic: about {(LARGE // SMALL) ** 2}x)")


if __name__ == "__main__":
    main()
