"""Fixtures shared by the tests of the sources, model, rules and CLI."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from example_project import ExampleProject, copy_example
from hypothesis import HealthCheck, settings

# Builds in the tests skip the LibreOffice layout pass (seconds per build) unless a test
# asks for it (`layout=True`, `--layout`): tests/delivery/test_finish.py covers it once per session.
os.environ.setdefault("INTERIM_LAYOUT", "0")
# And a test that asks for it sees LibreOffice lay its documents out, never pages an earlier
# run kept (tests/delivery/test_layout_pass.py turns the cache on in a folder of its own).
os.environ.setdefault("INTERIM_LAYOUT_CACHE", "0")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ExampleProject:
    """The reference example in a fresh project; the working directory is the project root."""
    monkeypatch.chdir(tmp_path)
    return copy_example(tmp_path)


# Property tests (hypothesis): a run draws its examples from one seed, printed in the
# header and under every failing test; HYPOTHESIS_SEED=N draws a run's examples again.
# `make test-long` (HYPOTHESIS_PROFILE=long) draws many more. No example database: a run
# depends on its seed alone, not on what earlier runs left in .hypothesis/.
settings.register_profile("ci", max_examples=25, deadline=None, database=None,
                          derandomize=True,  # the same examples on every machine and order
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", settings.get_profile("ci"), max_examples=400,
                          derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
FIXED_SEED = 20261207
"""`make test` (and CI) draws the same examples every run, so a red run is a change's doing,
never the dice's; `make test-long` draws a fresh seed each run to look further."""
SEED = int(os.environ.get("HYPOTHESIS_SEED") or (
    random.SystemRandom().randrange(2**32) if os.environ.get("HYPOTHESIS_PROFILE") == "long"
    else FIXED_SEED))

# Set by tests/mutation/mutate.py: mutmut runs many pytest sessions at once, each in a
# forked process. Each gets its own temp folder and cache folder, so that no session
# removes or reads another's files (pytest's numbered folders are pruned by whichever
# session starts next; built documents and issued digests are cached per folder).
MUTATION_RUN = os.environ.get("INTERIM_MUTATION_RUN")


@pytest.hookimpl(tryfirst=True)  # before hypothesis' own, which reads the option
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(SEED)
    if MUTATION_RUN and config.option.basetemp is None:
        own = Path(MUTATION_RUN) / f"session-{os.getpid()}"
        own.mkdir(parents=True, exist_ok=True)
        config.option.basetemp = str(own / "tmp")
        os.environ["XDG_CACHE_HOME"] = str(own / "cache")


def pytest_sessionstart(session: pytest.Session) -> None:
    if MUTATION_RUN:  # a forked session starts with nothing another session built
        import docx_reading
        docx_reading._BUILT.clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    if MUTATION_RUN and config.option.basetemp:
        shutil.rmtree(Path(config.option.basetemp).parent, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return (f"hypothesis seed {config.option.hypothesis_seed} "
            f"(HYPOTHESIS_SEED={config.option.hypothesis_seed} draws the same examples)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if report.failed and item.get_closest_marker("hypothesis"):
        seed = item.config.option.hypothesis_seed
        report.sections.append(("hypothesis seed", f"this run drew its examples from seed {seed}: "
                                f"HYPOTHESIS_SEED={seed} draws them again"))
