"""Benchmark: `interim review` of a returned 2,000-milestone handbook, 200 changes, 50 comments.

Prints, medians of N runs measured in one process run:
1. building the handbook twice (what the review is measured against);
2. the review: reading the returned copy, rendering its version again, the source
   map, placing every item and writing `reviews/<date>-handbook.md`;
3. the ratio; the review should cost less than the two builds (wall clock, and the CPU
   time of this process, which other work on a shared machine does not inflate).

The returned copy is made as Word writes one (tests/word_review.py): runs split,
rsids, proofErr and bookmarks everywhere, 200 tracked replacements in milestone
titles, 50 comments on others.

Usage: python bench/bench_review.py [--runs 3] [--milestones 2000] [--changes 200] [--comments 50]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]
os.environ.setdefault("INTERIM_LAYOUT", "0")

from bench_redline import big_plan, write_assignment  # noqa: E402
from word_review import WordEdits  # noqa: E402

from generator.delivery.build import Builder  # noqa: E402
from generator.delivery.redline.versions import render_document  # noqa: E402
from generator.delivery.review import review  # noqa: E402
from generator.source.project import load_firm  # noqa: E402


def returned_copy(sent: bytes, milestones: int, changes: int, comments: int) -> bytes:
    """`changes` titles edited with track changes and `comments` others commented."""
    rng = random.Random(1)
    numbers = rng.sample(range(1000, min(milestones, 9999) + 1), changes + comments)
    edits = WordEdits(sent)
    for number in numbers[:changes]:
        edits.replace(f"Mijlpaal {number}", f"{number}", f"{number} (herzien)")
    for number in numbers[changes:]:
        edits.comment(f"Mijlpaal {number}", "Mijlpaal", "Klopt deze datum?")
    return edits.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--milestones", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--comments", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1803859200")
    with tempfile.TemporaryDirectory() as temp:
        # the project's firm.yaml and brand beside the plan: the review renders with them
        shutil.copy(ROOT / "firm.yaml", temp)
        shutil.copytree(ROOT / "templates", Path(temp) / "templates")
        firm = load_firm(Path(temp))
        folder = write_assignment(Path(temp), big_plan(args.milestones))
        sent = render_document(folder, "handbook", Builder(firm, root=Path(temp)))
        returned = Path(temp) / "returned.docx"
        returned.write_bytes(returned_copy(sent, args.milestones, args.changes, args.comments))
        builds, reviews, build_cpu, review_cpu, found = [], [], [], [], 0
        for _ in range(args.runs):
            began, cpu = time.perf_counter(), time.process_time()
            for _ in range(2):
                render_document(folder, "handbook", Builder(firm, root=Path(temp)))
            builds.append(time.perf_counter() - began)
            build_cpu.append(time.process_time() - cpu)
            began, cpu = time.perf_counter(), time.process_time()
            done = review(Path(temp), folder.name, returned)
            reviews.append(time.perf_counter() - began)
            review_cpu.append(time.process_time() - cpu)
            found = len(done.items)
            done.report.unlink()
    build_s, review_s = statistics.median(builds), statistics.median(reviews)
    build_c, review_c = statistics.median(build_cpu), statistics.median(review_cpu)
    print(f"handbook: {args.milestones} milestones, {len(sent) / 1e6:.1f} MB; returned with "
          f"{args.changes} changes and {args.comments} comments ({found} items found); "
          f"medians of {args.runs} runs")
    print(f"building the handbook twice: {build_s:7.2f} s")
    print(f"interim review:              {review_s:7.2f} s")
    print(f"review / two builds:         {review_s / build_s:7.2f} x time")
    # on a machine shared with other work the wall clock counts their time too: the CPU
    # time this process spent is the fairer comparison there
    print(f"CPU time: two builds {build_c:.2f} s, review {review_c:.2f} s: "
          f"{review_c / build_c:.2f} x")


if __name__ == "__main__":
    main()
