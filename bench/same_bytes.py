"""Byte-identity check: the same sources give the same .docx before and after a change.

Builds every assignment of this checkout twice in one run, with the generator of a
base revision (checked out into a temporary `git worktree`) and with this checkout's
generator, both from this checkout's sources, without the layout pass and with a fixed
SOURCE_DATE_EPOCH; then compares every .docx byte for byte. A refactor must leave
them all identical; the exit status is non-zero, naming each file, when one differs
or exists on one side only.

Usage: python bench/same_bytes.py [BASE_REV]     (default: main, so a branch or an
uncommitted change on main is compared with what main builds today)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASE = "main"  # a fixed old commit stops reading the sources once the format grows
# Both the documents the phase allows and, with --draft, every document.
RUNS = {"allowed": [], "draft": ["--draft"]}
# Refuses to run when another checkout's generator (e.g. the editable install) is imported.
CHECK_AND_RUN = (
    "import sys, pathlib, generator; "
    "found = pathlib.Path(generator.__file__).resolve().parents[1]; "
    "found == pathlib.Path({code!r}).resolve() or sys.exit(f'imported {{found}}, not {code}'); "
    "from generator.cli import main; main()"
)


def build(code: Path, out: Path) -> None:
    """Build every assignment of this checkout with the generator package found in `code`."""
    env = dict(os.environ, INTERIM_LAYOUT="0", SOURCE_DATE_EPOCH="1800000000",
               PYTHONPATH=str(code), INTERIM_JOBS="1")
    for name, flags in RUNS.items():
        # -P: not the working directory first, so PYTHONPATH's generator is the one imported
        command = [sys.executable, "-P", "-c", CHECK_AND_RUN.format(code=str(code)),
                   "build", "--no-layout", "-q", "--out", str(out / name), *flags]
        subprocess.run(command, cwd=ROOT, env=env, check=True)


def docx_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.docx"))}


def compare(old: Path, new: Path) -> list[str]:
    """Every difference, as one line each; empty when the two builds are identical."""
    before, after = docx_files(old), docx_files(new)
    problems = [f"only in the base build: {n}" for n in sorted(before.keys() - after.keys())]
    problems += [f"only in the new build: {n}" for n in sorted(after.keys() - before.keys())]
    problems += [f"differs: {n}" for n in sorted(before.keys() & after.keys())
                 if before[n] != after[n]]
    if not before:
        problems.append("the base build wrote no .docx at all")
    return problems


def main(base: str) -> int:
    with tempfile.TemporaryDirectory(prefix="same-bytes-") as tmp:
        work = Path(tmp)
        tree = work / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), base],
                       cwd=ROOT, check=True)
        try:
            build(tree, work / "old")
            build(ROOT, work / "new")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                           check=False)
        problems = compare(work / "old", work / "new")
        count = len(docx_files(work / "new"))
    for line in problems:
        print(line)
    print(f"{count} .docx compared against {base}: "
          + ("all byte-identical" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_BASE))
