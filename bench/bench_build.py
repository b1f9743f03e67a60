"""Benchmark: whole-document builds against pandoc, and `make all` when nothing changed.

Prints, in one run on this machine:
1. `interim build` of every document of the reference example (one process) against
   pandoc converting the same Markdown bodies to .docx (one process per document, as
   pandoc is used), runs interleaved, medians of N runs and their ratio; and against
   pandoc on only the four phase documents (the progress report left out), the
   stricter reading of the target;
2. the same at CI scale: every document of 50 generated assignments in one
   `interim build` against pandoc on the same 250 bodies;
3. `make all` over those 50 assignments with nothing changed (median of N runs);
4. with `--base REV`: the example's documents built in one call by this checkout and by
   the generator as it was at REV (its own example, templates and firm, unpacked with
   `git archive`: the repository is not touched), side by side, interleaved, both started
   the same way; medians of wall-clock and of CPU time (steadier on a busy machine) and
   their ratios. Issue 19 asks for 1.2 at most against main before it: `--base 001b0c3`
   (the first parent of its merge, b0f15e0).

Like with like: pandoc neither lays documents out nor numbers contents pages, so
`interim build` runs with `--no-layout` here; bench/bench_layout.py measures the
LibreOffice layout pass on its own.

Usage: python bench/bench_build.py [--runs 5] [--assignments 50] [--base REV] [--only-base]
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "assignments" / "dl-logistiek-2027"
INTERIM = Path(sys.executable).with_name("interim")


def timed(command: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_project(folder: Path, count: int) -> None:
    """A documents repository of `count` assignments sharing this checkout's generator."""
    for name in ("Makefile", "firm.yaml", "pyproject.toml"):
        (folder / name).symlink_to(ROOT / name)
    # Its own .venv holding only this checkout's interim: `make` there must never
    # reinstall the package (an editable install would then point at this folder).
    (folder / ".venv" / "bin").mkdir(parents=True)
    (folder / ".venv" / "bin" / "interim").symlink_to(INTERIM)
    (folder / ".venv" / ".installed").touch()
    for name in ("generator", "templates"):  # firm.yaml's files must lie inside the repository
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    text = (EXAMPLE / "assignment.yaml").read_text(encoding="utf-8")
    for i in range(count):
        target = folder / "assignments" / f"bench-{i:03d}"
        target.mkdir(parents=True)
        (target / "assignment.yaml").write_text(
            text.replace("id: dl-logistiek-2027", f"id: bench-{i:03d}"), encoding="utf-8"
        )
        shutil.copy(EXAMPLE / "analyse.md", target / "analyse.md")


def pandoc_all(bodies: list[Path], work: Path, pandoc: str) -> None:
    """pandoc as it is used: one process per document."""
    for body in bodies:
        subprocess.run([pandoc, "-f", "markdown", "-t", "docx", str(body), "-o",
                        str(body.with_suffix(".docx")), "--resource-path", str(work)],
                       cwd=work, check=True, stderr=subprocess.DEVNULL)


def bench_documents(runs: int, work: Path) -> list[Path]:
    """The example's documents: one `interim build` against pandoc on the same bodies."""
    sys.path.insert(0, str(ROOT))
    from generator.delivery.build import Builder, plan
    from generator.source.project import load_assignment, load_firm

    loaded = load_assignment(EXAMPLE)
    builder = Builder(load_firm(ROOT), root=ROOT)
    bodies = []
    for job in plan(loaded).jobs:
        markdown, _, images = builder.markdown(job)
        path = work / f"{job.instance.name}.md"
        path.write_text(markdown, encoding="utf-8")
        for name, data in images.items():
            (work / name).write_bytes(data)
        bodies.append(path)
    command = [str(INTERIM), "build", "dl-logistiek-2027", "--out", str(work / "out"), "-q",
               "--no-layout"]
    pandoc = shutil.which("pandoc")
    print(f"documents of the example: {len(bodies)} (.docx), {runs} runs, medians")
    if not pandoc:
        print(f"  interim build (one process, all documents): {timed(command, ROOT, runs):.3f} s")
        print("  pandoc not found (apt-get install pandoc): no ratio")
        return bodies
    ours, theirs, four = [], [], []
    for _ in range(runs):  # interleaved, so a noisy spell on the machine hits both sides
        ours.append(timed(command, ROOT, 1))
        start = time.perf_counter()
        pandoc_all(bodies, work, pandoc)
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        pandoc_all([b for b in bodies if not b.name.startswith("progress")], work, pandoc)
        four.append(time.perf_counter() - start)
    ours_m, theirs_m, four_m = (statistics.median(x) for x in (ours, theirs, four))
    print(f"  interim build (one process, all documents): {ours_m:.3f} s")
    print(f"  pandoc, one process per document, all {len(bodies)}:  {theirs_m:.3f} s")
    print(f"  pandoc on the four phase documents only:    {four_m:.3f} s")
    print(f"  ratio interim / pandoc (same {len(bodies)} bodies):   {ours_m / theirs_m:.2f}")
    print(f"  ratio interim (5) / pandoc (4):             {ours_m / four_m:.2f}")
    return bodies


def bench_many(count: int, work: Path, bodies: list[Path]) -> Path:
    """CI scale: every document of `count` assignments in one `interim build`."""
    project = work / "project"
    project.mkdir()
    make_project(project, count)
    start = time.perf_counter()
    subprocess.run([str(INTERIM), "build", "-q", "--no-layout", "--out", "build"], cwd=project,
                   check=True,
                   stderr=subprocess.DEVNULL)
    ours = time.perf_counter() - start
    line = f"every document of {count} assignments in one interim build: {ours:.1f} s"
    pandoc = shutil.which("pandoc")
    if pandoc:
        start = time.perf_counter()
        pandoc_all(bodies * count, work, pandoc)
        theirs = time.perf_counter() - start
        line += (f"; pandoc on the same {len(bodies) * count} bodies: {theirs:.1f} s; "
                 f"ratio {ours / theirs:.2f}")
    print(line)
    return project


def bench_make(runs: int, project: Path) -> None:
    """`make all` when nothing changed: only make's own dependency check may run."""
    env = {**os.environ, "MAKEFLAGS": ""}
    subprocess.run(["make", "-j2", "all"], cwd=project, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    idle = timed(["make", "all"], project, runs, env)
    count = len(list((project / "assignments").iterdir()))
    print(f"make all over {count} assignments with nothing changed: {idle:.3f} s "
          f"(median of {runs})")


def unpack(rev: str, work: Path) -> Path:
    """This repository's tree at `rev`, unpacked into `work` (bytecode compiled, as
    installed): `git archive` reads the objects and writes nothing into the repository."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"],
                            check=True, capture_output=True, text=True).stdout.strip()
    tree = work / f"base-{commit[:12]}"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    compileall.compile_dir(tree / "generator", quiet=1)
    return tree


LAUNCH = """import sys
# the editable install's finder comes before the path: without it `generator` is the tree's
sys.meta_path[:] = [f for f in sys.meta_path
                    if not getattr(f, "__module__", "").startswith("__editable__")]
import generator
assert generator.__file__.startswith(sys.argv[1]), (generator.__file__, sys.argv[1])
from generator.cli import main
sys.argv[0:2] = ["interim"]
main()
"""


def build_command(tree: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    """`interim build` of the example as the generator in `tree` runs it, started the same
    way for both sides: this Python and its packages, the tree's `generator` (never the
    installed one, checked before it runs)."""
    command = [sys.executable, "-c", LAUNCH, str(tree), "build", "dl-logistiek-2027", "--out",
               str(out), "-q", "--no-layout"]
    return command, {**os.environ, "PYTHONPATH": str(tree)}


def cpu_timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """One run: (wall-clock seconds, CPU seconds of the process and its workers). CPU time
    hardly moves with what else the machine runs; wall clock does, on a shared machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_base(rev: str, runs: int, work: Path) -> None:
    """The example's documents, this checkout against `rev`, interleaved runs."""
    base = unpack(rev, work)
    sides = {"this checkout": ROOT, f"base {rev} ({base.name[5:]})": base}
    commands = {name: build_command(tree, work / f"out-{i}")
                for i, (name, tree) in enumerate(sides.items())}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for _ in range(runs):  # interleaved: a noisy spell on the machine hits both sides
        for name, (command, env) in commands.items():
            times[name].append(cpu_timed(command, sides[name], env))
    print(f"the example built in one call, this checkout against {rev}, {runs} runs, medians")
    medians = {}
    for i, name in enumerate(sides):
        count = len(list((work / f"out-{i}").rglob("*.docx")))
        medians[name] = [statistics.median(t[k] for t in times[name]) for k in (0, 1)]
        print(f"  {name}: {count} documents, {medians[name][0]:.3f} s "
              f"(CPU {medians[name][1]:.3f} s)")
    ours, theirs = medians.values()
    print(f"  ratio this checkout / base: {ours[0] / theirs[0]:.2f} "
          f"(CPU time: {ours[1] / theirs[1]:.2f})")


def main() -> None:
    # Like any installed package, run from bytecode: this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would otherwise recompile the generator on every start.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--assignments", type=int, default=50)
    parser.add_argument("--base", metavar="REV", help="also build the example with the "
                        "generator as it was at this git revision, side by side")
    parser.add_argument("--only-base", action="store_true",
                        help="with --base: only that comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        if args.base:
            bench_base(args.base, args.runs, work)
            if args.only_base:
                return
        bodies = bench_documents(args.runs, work)
        project = bench_many(args.assignments, work, bodies)
        bench_make(args.runs, project)


if __name__ == "__main__":
    main()
