"""Forked workers: every task answered once, in task order, a dead worker costing one task."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.delivery.parallel import WorkerDied, available_cores, run
from generator.errors import GeneratorError

ROOT = Path(__file__).resolve().parents[2]


def square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_in_task_order_from_several_processes() -> None:
    results = list(run(list(range(40)), square, 2))
    assert [r[0] for r in results] == [n * n for n in range(40)]
    pids = {r[1] for r in results}
    assert os.getpid() not in pids, "the parent coordinates; workers do the work"
    assert len(pids) == 2


@pytest.mark.parametrize("workers", [0, 1])
def test_one_worker_runs_here(workers: int) -> None:
    results = list(run([1, 2, 3], square, workers))
    assert [r[0] for r in results] == [1, 4, 9]
    assert {r[1] for r in results} == {os.getpid()}


def test_no_more_workers_than_tasks() -> None:
    results = list(run([5], square, 8))
    assert results == [(25, os.getpid())]


def test_large_results_arrive_whole() -> None:
    big = list(run([200_000, 300_000, 10], lambda n: "x" * n, 2))
    assert [len(r) for r in big] == [200_000, 300_000, 10]


def test_killed_worker_costs_only_its_task() -> None:
    def work(n: int) -> int:
        if n == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    results = list(run(list(range(8)), work, 2))
    assert results[3] == WorkerDied("the worker process ended (killed by signal 9)")
    assert [r for i, r in enumerate(results) if i != 3] == [0, 1, 2, 4, 5, 6, 7]


def test_when_every_worker_dies_the_parent_finishes() -> None:
    parent = os.getpid()

    def work(n: int) -> int:
        if os.getpid() != parent and n < 2:
            os._exit(3)
        return n

    results = list(run(list(range(6)), work, 2))
    assert results[:2] == [WorkerDied("the worker process ended (exit status 3)")] * 2
    assert results[2:] == [2, 3, 4, 5]


def test_work_that_raises_fails_its_task() -> None:
    def work(n: int) -> int:
        if n == 1:
            raise RuntimeError("bug")
        return n

    results = list(run([0, 1, 2], work, 2))
    assert isinstance(results[1], WorkerDied)
    assert results[0] == 0 and results[2] == 2


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_worker_without_tasks_leaves_while_another_works(tmp_path: Path) -> None:
    """Workers must not hold each other's pipes: that would keep the idle one waiting."""
    first = tmp_path / "first"

    def work(task: str) -> bool:
        if task == "quick":
            first.write_text(str(os.getpid()))
            return True
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if first.exists() and not _alive(int(first.read_text())):
                return True
            time.sleep(0.02)
        return False

    assert list(run(["quick", "slow"], work, 2)) == [True, True]


def test_a_group_stays_with_one_worker_while_it_has_tasks(tmp_path: Path) -> None:
    """Each task waits until its twin in the other group has started, so neither worker can
    run out of its own group and help with the other's, however loaded the machine is
    (sleeping instead made the test depend on the scheduler)."""
    tasks = [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2), ("b", 3)]

    def work(task: tuple[str, int]) -> tuple[str, int]:
        name, number = task
        (tmp_path / f"{name}{number}").touch()
        twin = tmp_path / f"{'b' if name == 'a' else 'a'}{number}"
        deadline = time.monotonic() + 30  # a bound against a hang, never reached when right
        while not twin.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        return name, os.getpid()

    results = list(run(tasks, work, 2, group=lambda task: task[0]))
    by_group = {g: {pid for name, pid in results if name == g} for g in "ab"}
    assert by_group["a"].isdisjoint(by_group["b"])
    assert len(by_group["a"]) == len(by_group["b"]) == 1


def test_idle_workers_help_with_another_group() -> None:
    results = list(run(list(range(6)), square, 2, group=lambda _: "one"))
    assert [r[0] for r in results] == [n * n for n in range(6)]
    assert len({r[1] for r in results}) == 2


def test_when_no_process_can_be_started_the_parent_does_the_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    before = len(os.listdir("/proc/self/fd")) if sys.platform == "linux" else 0
    monkeypatch.setattr(os, "fork", refuse)
    results = list(run([1, 2, 3], square, 2))
    assert [r[0] for r in results] == [1, 4, 9]
    assert {r[1] for r in results} == {os.getpid()}
    if sys.platform == "linux":
        assert len(os.listdir("/proc/self/fd")) == before, "no pipe left open"


def test_a_result_that_cannot_travel_says_why() -> None:
    results = list(run([1, 2], lambda n: (lambda: n) if n == 2 else n, 2))
    assert results[0] == 1
    assert isinstance(results[1], WorkerDied)
    assert "could not be sent back" in results[1].reason


class TwoArgs(Exception):
    """Pickles, but cannot be rebuilt from its args."""

    def __init__(self, a: int, b: int) -> None:
        super().__init__(a)


def test_a_result_that_cannot_be_rebuilt_says_why() -> None:
    results = list(run([0, 1, 2], lambda n: TwoArgs(n, 2) if n == 1 else n, 2))
    assert results[0] == 0 and results[2] == 2
    assert isinstance(results[1], WorkerDied)
    assert "could not be read back" in results[1].reason


def test_no_worker_left_behind() -> None:
    list(run(list(range(10)), square, 2))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_cores_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERIM_JOBS", "3")
    assert available_cores() == 3
    monkeypatch.delenv("INTERIM_JOBS")
    assert available_cores() >= 1


@pytest.mark.parametrize("value", ["zero", "0", "-2", "²", "99999"])
def test_a_malformed_interim_jobs_is_refused_not_ignored(monkeypatch: pytest.MonkeyPatch,
                                                         value: str) -> None:
    monkeypatch.setenv("INTERIM_JOBS", value)
    with pytest.raises(GeneratorError, match=r"INTERIM_JOBS=.* is not a number of processes"):
        available_cores()


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = f"""
import os, time
from generator.delivery.parallel import run
def work(n):
    with open({str(pids)!r}, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    time.sleep(60)
list(run([1, 2], work, 2))
"""
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
            not pids.exists() or len(pids.read_text().split()) < 2):
        time.sleep(0.05)
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.05)
    assert not any(_alive(p) for p in workers), "a worker outlived its killed parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False
