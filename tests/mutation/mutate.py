"""`make mutate MODULE=generator/writer/table.py`: one module's mutants against its tests.

Mutation testing (mutmut 3, configured under [tool.mutmut] in pyproject.toml) changes the
module one small step at a time (`<` to `<=`, a constant, a dropped call) and runs the
tests that reach the changed function; a mutant no test notices is a survivor: behaviour
the tests do not pin down. This runs one module in minutes rather than the project in
hours, and reports

    score: N % (killed / (mutants - equivalent))

then each survivor with its change (`--report-only`: the last run's verdicts again, kept
in .mutation/<module>/verdicts.json, with the equivalents as listed now). Equivalent
mutants (they change nothing anyone can observe) are listed, with the reason, in
tests/mutation/equivalent.txt; an entry whose mutant no longer makes the change it names
is stale and not excluded.

A mutant that no test caught is run once more, in a fresh pytest, against all the
module's tests: mutmut picks the tests it saw reach the mutated function, and misses the
ones that read what a session fixture built earlier.

Honest results need sessions that cannot see each other: the run happens in a copy of
the project under .mutation/<module>/, mutmut's workers fork from a process that never
ran a test (process_isolation = "forkserver": the main process would otherwise hand its
built documents to every mutant), and each pytest session gets its own temp and cache
folders (tests/conftest.py, INTERIM_MUTATION_RUN). Property tests draw the same examples
for every mutant (HYPOTHESIS_SEED=0).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = Path(__file__).with_name("equivalent.txt")

RULES_TESTS = ["tests/source/test_rules.py", "tests/source/test_amending.py",
               "tests/source/test_fee.py"]
"""The tests that run every rule through validation, whichever module holds it."""

# Tests that cover a module besides its mirror, tests/<package>/test_<module>.py; a module's
# own entry replaces its folder's.
EXTRA_TESTS: dict[str, list[str]] = {
    "generator/writer/table.py": ["tests/writer/test_structure.py"],
    "generator/writer/inline.py": ["tests/writer/test_structure.py",
                                   "tests/writer/test_behaviour.py"],
    "generator/writer/render.py": ["tests/writer/test_inline.py", "tests/writer/test_table.py",
                                   "tests/writer/test_structure.py",
                                   "tests/writer/test_behaviour.py"],
    "generator/source/history.py": ["tests/source/test_amending.py"],
    "generator/source/amending.py": ["tests/source/test_history.py"],
    "generator/source/rules/": RULES_TESTS,
    "generator/source/rules/reports.py": [*RULES_TESTS, "tests/source/test_report_rules.py"],
    "generator/source/rules/execution.py": [*RULES_TESTS, "tests/source/test_execution_rules.py",
                                            "tests/source/test_history.py"],
    "generator/source/rules/__init__.py": [*RULES_TESTS, "tests/source/test_markdown.py",
                                           "tests/source/test_commercial.py"],
    "generator/writer/toc.py": ["tests/delivery/test_finish_docx.py",
                                "tests/delivery/test_layout_pass.py",
                                "tests/delivery/test_redline_contents.py"],
    "generator/delivery/redline/": ["tests/delivery/test_redline_tokens.py",
                                    "tests/delivery/test_redline.py"],
    # Without test_redline.py: its random plans take ~20 s a mutant; test_tracked.py's
    # direct comparisons cover the diff.
    "generator/delivery/redline/tracked.py": ["tests/delivery/test_redline_tokens.py"],
    # generator/delivery/pdf_profile.py
    "generator/delivery/pdf_profile.py": ["tests/delivery/test_pdf.py"],
    # generator/delivery/office.py: its mirror runs LibreOffice (deselected for mutants);
    # these drive it through a fake LibreOffice and UNO driver.
    "generator/delivery/office.py": ["tests/delivery/test_office_protocol.py"],
}


def tests_for(module: str) -> list[str]:
    """The test files of `module`: its mirror and the extras above (a folder entry counts
    for every module in it that has no entry of its own)."""
    path = Path(module)
    mirror = Path("tests", *path.parts[1:2], f"test_{path.stem}.py")
    found = [str(mirror)] if (ROOT / mirror).is_file() else []
    keys = [module] if module in EXTRA_TESTS else [
        key for key in EXTRA_TESTS if key.endswith("/") and module.startswith(key)]
    for key in keys:
        found += [t for t in EXTRA_TESTS[key] if t not in found]
    return found


def sessions_folder(run: Path) -> Path:
    """The tests' temp folders for `run`, outside every project: under the copy, `interim
    new` run in a test's tmp_path would find the copy as its project and write there."""
    digest = hashlib.sha256(str(run).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir(), "interim-mutation", f"{run.name}-{digest}")


def copy_project(run: Path) -> None:
    """The project as it stands (committed or not, ignored files left out) under `run`."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (run / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, run / name)


def configure(run: Path, module: str, tests: list[str]) -> None:
    """The repository's [tool.mutmut], narrowed to `module` and its tests."""
    pyproject = run / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    settings = tomllib.loads(text)["tool"]["mutmut"]
    settings["only_mutate"] = [module]
    settings["pytest_add_cli_args_test_selection"] = tests
    lines = [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    section = re.compile(r"^\[tool\.mutmut\]\n(?:(?!\[).*\n?)*", re.MULTILINE)
    pyproject.write_text(section.sub("[tool.mutmut]\n" + "\n".join(lines) + "\n\n", text),
                         encoding="utf-8")


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def equivalents(module: str) -> dict[str, tuple[str, str]]:
    """{mutant: (the changed line as the mutant has it, why nobody can observe it)}."""
    found = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, changed, reason = line.split("\t")
            if of_module(name, module):
                found[name] = (changed, reason)
    return found


def of_module(mutant: str, module: str) -> bool:
    """Whether mutmut's `mutant` (`generator.writer.toc.x_fill_pages__mutmut_3`) is one of
    `module`'s: a package's `__init__.py` is named by the package, its modules' mutants one
    dot further."""
    prefix = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".") + "."
    return mutant.startswith(prefix) and "." not in mutant[len(prefix):]


def mutmut(run: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("mutmut")
    return subprocess.run([str(executable), *args], cwd=run, env=env, capture_output=True,
                          text=True)


def main(module: str, report_only: bool = False) -> int:
    if not (ROOT / module).is_file() or not module.startswith("generator/"):
        print(f"MODULE={module!r}: name a module of the generator, as in "
              "`make mutate MODULE=generator/writer/table.py`", file=sys.stderr)
        return 2
    tests = tests_for(module)
    if not tests:
        print(f"no tests known for {module}: add them to EXTRA_TESTS in {__file__}",
              file=sys.stderr)
        return 2
    run = ROOT / ".mutation" / module.removesuffix(".py").replace("/", "-")
    sessions = sessions_folder(run)
    env = {**os.environ, "INTERIM_MUTATION_RUN": str(sessions), "HYPOTHESIS_SEED": "0",
           "XDG_CACHE_HOME": str(run / "cache"), "TMPDIR": str(sessions)}
    verdicts = run / "verdicts.json"
    if report_only:  # the last run's verdicts, with the equivalents listed now
        if not verdicts.is_file():
            print(f"no finished run of {module}: make mutate MODULE={module}", file=sys.stderr)
            return 2
        return report(run, module, json.loads(verdicts.read_text(encoding="utf-8")))
    started = time.monotonic()
    shutil.rmtree(run, ignore_errors=True)  # results of older code would be stale
    shutil.rmtree(sessions, ignore_errors=True)
    sessions.mkdir(parents=True)
    copy_project(run)
    configure(run, module, tests)
    jobs = os.environ.get("MUTATE_JOBS", "2")
    log = run / "mutmut-run.log"
    print(f"mutating {module} against {' '.join(tests)} ({jobs} workers; progress in {log})",
          flush=True)
    with log.open("w", encoding="utf-8") as output:
        done = subprocess.run([str(Path(sys.executable).with_name("mutmut")), "run",
                               "--max-children", jobs], cwd=run, env=env, stdout=output,
                              stderr=subprocess.STDOUT)
    if done.returncode != 0:
        print(log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
        print(f"mutmut failed; its output is in {log}", file=sys.stderr)
        return 1
    listed = mutmut(run, "results", "--all", "true", env=env).stdout
    status = dict(re.findall(r"^\s*(\S+): (.+)$", listed, re.MULTILINE))
    missed = [n for n, s in status.items() if s not in ("killed", "timeout")]
    print(f"{len(missed)} not caught; each again, against every test of {module}", flush=True)
    with ThreadPoolExecutor(int(jobs)) as pool:
        for name, verdict in zip(missed, pool.map(lambda n: rerun(run, n, tests, env), missed),
                                 strict=True):
            status[name] = verdict
    verdicts.write_text(json.dumps(status, indent=1, sort_keys=True), encoding="utf-8")
    print(f"ran in {(time.monotonic() - started) / 60:.1f} min", flush=True)
    return report(run, module, status)


def rerun(run: Path, mutant: str, tests: list[str], env: dict[str, str]) -> str:
    """A mutant no test caught, run in a fresh pytest against all the module's tests.

    mutmut runs only the tests it saw reach the mutated function; a session fixture (one
    document built for many tests) is seen by the first test that asks for it only, so
    the tests that read the document would not run, and the mutant would seem to survive."""
    added = tomllib.loads((run / "pyproject.toml").read_text(encoding="utf-8"))
    args = added["tool"]["mutmut"].get("pytest_add_cli_args", [])
    done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", *args, *tests],
                          cwd=run / "mutants", env={**env, "MUTANT_UNDER_TEST": mutant},
                          capture_output=True, text=True)
    return {0: "survived", 1: "killed"}.get(done.returncode, f"error {done.returncode}")


def change_of(run: Path, module: str, mutant: str) -> list[str]:
    """The lines `mutant` removes and adds, as `mutmut show` prints them; read in this
    process (a `mutmut show` per mutant is a new interpreter: seconds each on a busy machine,
    minutes for a module's equivalents and survivors)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    with contextlib.chdir(run):
        diff = get_diff_for_mutant(mutant, path=Path(module))
    return [line for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def report(run: Path, module: str, status: dict[str, str]) -> int:
    """Print the score and every mutant no test caught, with its change."""
    ours = {name: s for name, s in status.items() if of_module(name, module)}
    excluded, stale = {}, []
    for name, (changed, reason) in equivalents(module).items():
        if name in ours and changed.strip() in "\n".join(change_of(run, module, name)):
            excluded[name] = reason
        else:
            stale.append(name)
    counted = {n: s for n, s in ours.items() if n not in excluded}
    killed = [n for n, s in counted.items() if s in ("killed", "timeout")]
    missed = sorted(n for n in counted if n not in killed)
    for name in missed:
        print(f"\n{counted[name]}: {name}\n    " + "\n    ".join(change_of(run, module, name)))
    for name in stale:
        print(f"\nstale entry in {EQUIVALENT.name} (not excluded): {name}")
    total = len(counted)
    score = 100 * len(killed) / total if total else 100.0
    print(f"\n{module}: {len(killed)} killed of {total} mutants "
          f"({len(excluded)} equivalent excluded, {len(missed)} not caught)")
    print(f"score: {score:.0f} %")
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--report-only"]):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], report_only=sys.argv[2:] == ["--report-only"]))
