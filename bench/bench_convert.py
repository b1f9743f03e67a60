"""Benchmark: our Markdown -> .docx engine against pandoc on the same generated files.

Generates Markdown of ~3k, ~50k (and with --large ~500k) words into bench/out/, converts
each N times with ``interim convert`` and with ``pandoc -f commonmark_x``, and
prints the median seconds, the ratio (ours / pandoc) and our peak RSS.

    python bench/bench_convert.py [-n 5] [--large]
"""

from __future__ import annotations

import argparse
import compileall
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
INTERIM = str(Path(sys.executable).with_name("interim"))
WORDS = [
    "assignment",
    "client",
    "steering",
    "committee",
    "budget",
    "forecast",
    "risk",
    "mitigation",
    "interim",
    "programme",
    "delivery",
    "roadmap",
    "stakeholder",
    "cashflow",
    "migration",
    "vendor",
    "contract",
    "audit",
    "workstream",
    "milestone",
    "review",
    "governance",
    "capacity",
    "onboarding",
    "reporting",
    "quality",
]


def sentence(rng: random.Random, words: int) -> str:
    parts = [rng.choice(WORDS) for _ in range(words)]
    if words > 6:
        parts[2] = f"**{parts[2]}**"
        parts[5] = f"*{parts[5]}*"
    if words > 9 and rng.random() < 0.2:
        parts[8] = f"`{parts[8]}`"
    return " ".join(parts).capitalize() + "."


def generate(target_words: int, seed: int = 7) -> str:
    """Headings, paragraphs, lists, tables of hundreds of rows, emphasis, links."""
    rng = random.Random(seed)
    out: list[str] = []
    count = 0
    section = 0
    while count < target_words:
        section += 1
        out.append(f"# Section {section}\n")
        for sub in range(1, 4):
            out.append(f"## Topic {section}.{sub}\n")
            for _ in range(3):
                words = [sentence(rng, rng.randint(8, 18)) for _ in range(4)]
                out.append(" ".join(words) + " See [the plan](https://example.com/plan).\n")
                count += sum(len(s.split()) for s in words) + 2
            for index in range(6):
                item = sentence(rng, 8)
                out.append(f"{index + 1}. {item}")
                if index == 2:
                    out.append(f"   - {sentence(rng, 6)}")
                    out.append(f"   - {sentence(rng, 6)}")
                count += 8
            out.append("")
            out.extend(f"- {sentence(rng, 7)}" for _ in range(4))
            count += 28
            out.append("")
        rows = 200 if section % 4 == 0 else 15
        out.append("| Workstream | Owner | Status | Remark |")
        out.append("|:--|:--:|--:|:--|")
        for row in range(rows):
            out.append(
                f"| {rng.choice(WORDS)} {row} | {rng.choice(WORDS)} | "
                f"{rng.randint(0, 100)}% | {sentence(rng, 6)} |"
            )
            count += 10
        out.append("")
    return "\n".join(out) + "\n"


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    # Like any installed package, run from bytecode: this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would otherwise recompile the generator on every start.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="also ~500k words (linearity)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [3_000, 50_000] + ([500_000] if args.large else [])
    pandoc = shutil.which("pandoc")
    results: dict[int, float] = {}
    for words in sizes:
        source = OUT / f"bench-{words}.md"
        source.write_text(generate(words), encoding="utf-8")
        actual = sum(w.strip("*`.").isalpha() for w in source.read_text().split())
        ours_cmd = [
            INTERIM,
            "convert",
            str(source),
            "-o",
            str(OUT / f"bench-{words}.docx"),
        ]
        runs = 1 if words > 100_000 else args.n
        pandoc_cmd = [
            pandoc or "pandoc",
            "-f",
            "commonmark_x",
            "-t",
            "docx",
            str(source),
            "-o",
            str(OUT / f"bench-{words}-pandoc.docx"),
        ]
        ours_times: list[float] = []
        pandoc_times: list[float] = []
        for _ in range(runs):  # interleaved, so a busy machine slows both alike
            ours_times.append(run(ours_cmd))
            if pandoc:
                pandoc_times.append(run(pandoc_cmd))
        ours = statistics.median(ours_times)
        results[words] = ours
        line = f"{words:>7} target words ({actual} real words): ours {ours:.3f}s"
        if pandoc:
            theirs = statistics.median(pandoc_times)
            line += f", pandoc {theirs:.3f}s, ratio {ours / theirs:.2f}"
        print(line, flush=True)
    # Peak RSS of one conversion of the 50k file, measured in an intermediate child so
    # that pandoc's own peak (also a child of this process) is not mixed in.
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    peak = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            INTERIM,
            "convert",
            str(OUT / "bench-50000.md"),
            "-o",
            str(OUT / "bench-50000.docx"),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"peak RSS of one 50k-word conversion: {int(peak) / 1024:.1f} MB")
    if 500_000 in results:
        print(f"linearity: 500k / 50k time = {results[500_000] / results[50_000]:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
