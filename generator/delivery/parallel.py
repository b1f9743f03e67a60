"""Running a build's documents on every core: forked workers fed one task at a time.

Forking after setup hands each worker the imported modules, parsed templates, brand
template and drawn pictures for free, which a process pool (that must start and feed
fresh interpreters, ~30 ms) does not. The parent only coordinates: it sends each
worker its next task when the last one's result arrives, so a slow document never
holds up the rest, and gives results back in task order, so logs read the same on
every run. Tasks of one group (an assignment's documents) go to the same worker while
it has them, so what they share (the timeline picture) is made once. A worker that
dies costs only the task it held: that task fails, the rest go to the workers still
alive, or run in the parent when none is left.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import struct
import sys
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from generator.errors import GeneratorError

T = TypeVar("T")
R = TypeVar("R")

_HEADER = struct.Struct(">I")


def available_cores() -> int:
    """Cores this process may use; `INTERIM_JOBS` overrides (1 turns workers off), and a
    value that is not a whole number from 1 is refused rather than quietly ignored."""
    wanted = os.environ.get("INTERIM_JOBS", "").strip()
    if wanted:
        if not (wanted.isascii() and wanted.isdigit()) or not 1 <= int(wanted) <= 1024:
            raise GeneratorError(f"INTERIM_JOBS={wanted!r} is not a number of processes: set "
                                 "a whole number from 1 to 1024, or unset it (one per core)")
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass
class WorkerDied:
    """The outcome of a task whose worker ended without answering."""

    reason: str


class _Queue:
    """Task numbers by group: a worker goes on with its group, then starts a new one,
    and only when none is left helps with another worker's group."""

    def __init__(self, groups: Sequence[Hashable]):
        self.by_group: dict[Hashable, deque[int]] = {}
        for index, group in enumerate(groups):
            self.by_group.setdefault(group, deque()).append(index)
        self.unstarted = deque(self.by_group)

    def next(self, group: Hashable) -> tuple[int, Hashable] | None:
        if self.by_group.get(group):
            return self.by_group[group].popleft(), group
        while self.unstarted:
            fresh = self.unstarted.popleft()
            if self.by_group[fresh]:
                return self.by_group[fresh].popleft(), fresh
        for other, left in self.by_group.items():  # groups in task order: results flow
            if left:
                return left.popleft(), other
        return None

    def drain(self) -> Iterator[int]:
        while (task := self.next(_NO_GROUP)) is not None:
            yield task[0]


_NO_GROUP = object()  # a worker that has had no task yet


@dataclass
class _Worker:
    pid: int
    tasks: int  # write end: task numbers to the worker
    results: int  # read end: framed results from the worker
    holding: int | None = None
    group: Hashable = _NO_GROUP
    buffer: bytearray = field(default_factory=bytearray)


def run(tasks: Sequence[T], work: Callable[[T], R], workers: int,
        group: Callable[[T], Hashable] | None = None) -> Iterator[R | WorkerDied]:
    """`work(task)` for every task, results in task order; `work` must not raise.

    `group(task)` names the tasks that had best run in the same worker (default: none).

    With one worker, one task, or no `fork` (Windows), the tasks run here, one by one;
    also when no worker process can be started.
    """
    workers = min(workers, len(tasks))
    if workers <= 1 or not hasattr(os, "fork"):
        yield from (work(task) for task in tasks)
        return
    done: dict[int, R | WorkerDied] = {}
    queue = _Queue([group(task) for task in tasks] if group else range(len(tasks)))
    pool: list[_Worker] = []
    selector = selectors.DefaultSelector()
    try:
        for _ in range(workers):
            worker = _start(tasks, work, pool)
            if worker is None:  # the system refused another process: go on with fewer
                break
            pool.append(worker)
            selector.register(worker.results, selectors.EVENT_READ, worker)
            _feed(worker, queue)
        following = 0
        while following < len(tasks):
            while following in done:
                yield done.pop(following)
                following += 1
            if following == len(tasks):
                break
            if not selector.get_map():  # no worker left: the parent finishes the work
                for index in queue.drain():
                    done[index] = work(tasks[index])
                continue
            for key, _ in selector.select():
                worker = key.data
                answered = _receive(worker, done)
                if answered is None:  # end of file: the worker has ended
                    selector.unregister(worker.results)
                    _reap(worker, done)
                elif answered:
                    _feed(worker, queue)
    finally:
        selector.close()
        for worker in pool:
            _close(worker.tasks)
            _close(worker.results)
        for worker in pool:
            _wait(worker.pid)


def _start(tasks: Sequence[T], work: Callable[[T], R], others: list[_Worker]) -> _Worker | None:
    """Fork a worker; None when the system refuses. The worker closes its copies of the
    `others`' pipes: holding one open would keep that worker from seeing its tasks end."""
    pipes: list[int] = []
    try:
        pipes += os.pipe()
        pipes += os.pipe()
        task_read, task_write, result_read, result_write = pipes
        parent = os.getpid()
        pid = os.fork()
    except OSError:  # out of processes or file descriptors
        for fd in pipes:
            _close(fd)
        return None
    if pid == 0:  # the worker: never returns into the caller's code
        status = 0
        try:
            inherited = [fd for other in others for fd in (other.tasks, other.results)]
            for fd in (task_write, result_read, *inherited):
                _close(fd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _die_with(parent)
            _serve(tasks, work, task_read, result_write)
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # skips the parent's atexit handlers and buffered output
    os.close(task_read)
    os.close(result_write)
    return _Worker(pid, task_write, result_read)


def _die_with(parent: int) -> None:
    """Linux: the kernel kills this worker when the parent dies, even by SIGKILL.

    Otherwise a killed build would leave workers writing documents after it ended.
    """
    if sys.platform != "linux":
        return
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _serve(tasks: Sequence[T], work: Callable[[T], R], task_read: int, result_write: int) -> None:
    """In the worker: answer each task number until the parent closes the pipe."""
    while True:
        data = _read_exactly(task_read, _HEADER.size)
        if not data:
            return
        (index,) = _HEADER.unpack(data)
        result = work(tasks[index])
        try:
            payload = pickle.dumps((index, result), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that cannot travel still says why
            payload = pickle.dumps((index, WorkerDied(f"its result could not be sent back "
                                                      f"({type(exc).__name__}: {exc})")))
        _write_all(result_write, _HEADER.pack(len(payload)) + payload)


def _feed(worker: _Worker, queue: _Queue) -> None:
    """Give the worker its next task, or tell it there is none (it then exits)."""
    task = queue.next(worker.group)
    if task is None:
        worker.holding = None
        _close(worker.tasks)
        worker.tasks = -1
        return
    worker.holding, worker.group = task
    with contextlib.suppress(OSError):  # a worker gone: its end of file follows
        _write_all(worker.tasks, _HEADER.pack(worker.holding))


def _receive(worker: _Worker, done: dict[int, R | WorkerDied]) -> bool | None:
    """Read what the worker sent: True once its task is answered, None at end of file."""
    chunk = os.read(worker.results, 1 << 16)
    if not chunk:
        return None
    worker.buffer += chunk
    while len(worker.buffer) >= _HEADER.size:
        (size,) = _HEADER.unpack_from(worker.buffer)
        end = _HEADER.size + size
        if len(worker.buffer) < end:
            break  # the rest of a large result is still on its way
        try:
            index, result = pickle.loads(worker.buffer[_HEADER.size:end])
        except Exception as exc:  # sent whole, but it cannot be rebuilt here
            index, result = worker.holding, WorkerDied(
                f"its result could not be read back ({type(exc).__name__}: {exc})")
        del worker.buffer[:end]
        done[index] = result
    return worker.holding in done


def _reap(worker: _Worker, done: dict[int, R | WorkerDied]) -> None:
    """A worker ended: the task it held, if unanswered, fails with the reason."""
    status = _wait(worker.pid)
    worker.pid = -1
    if worker.holding is not None and worker.holding not in done:
        reason = (f"killed by signal {-status}" if status < 0 else f"exit status {status}")
        done[worker.holding] = WorkerDied(f"the worker process ended ({reason})")


def _wait(pid: int) -> int:
    if pid <= 0:
        return 0
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return 0
    return os.waitstatus_to_exitcode(status)


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _close(fd: int) -> None:
    if fd >= 0:
        with contextlib.suppress(OSError):
            os.close(fd)
