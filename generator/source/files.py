"""The one guarded opener: every file the generator reads from a user's folders.

Includes, pictures, the logo, the brand template, a firm's templates and terms: each is
opened here, so that none can leave its folder by a symlink, hang on a FIFO or device,
exhaust memory, or stop a run with a symlink loop. The writer reads pictures through it
without loading the YAML reader.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEMPLATE_BYTES = 512 * 1024
"""A template or terms file of a templates folder: a few KB each."""
MAX_BRAND_BYTES = 50 * 1024 * 1024
"""The firm's brand template and logo: a few MB in practice; read whole, so capped."""

class FileRefused(Exception):
    """A file the generator will not read, with why and how to fix it (caller adds where)."""

    def __init__(self, message: str, hint: str = "", *, kind: str = "unreadable"):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.kind = kind
        """outside, missing, loop, special, large or unreadable: for callers that rephrase."""

    @property
    def missing(self) -> bool:
        return self.kind == "missing"


def read_inside(root: Path, name: str, *, max_bytes: int = MAX_FILE_BYTES,
                what: str = "file", folder: str = "the assignment folder"
                ) -> tuple[Path, bytes]:
    """The one guarded opener: (resolved path, bytes) of `name` below `root`.

    Every file the generator reads from a user's folders comes through here, so
    none can leave its folder by a symlink, hang on a FIFO or device, exhaust
    memory, or stop a run with a symlink loop: each is a `FileRefused`.
    """
    if not name or Path(name).is_absolute() or "\\" in name:
        raise FileRefused(f"{what} {name!r} leaves {folder}",
                          f"move the file into {folder} and name it relatively", kind="outside")
    base = _resolved(root, name, what)
    resolved = _resolved(base / name, name, what)
    if resolved != base and base not in resolved.parents:
        raise FileRefused(f"{what} {name!r} leaves {folder}",
                          f"move the file into {folder} and name it relatively", kind="outside")
    return resolved, _read_regular(resolved, name, max_bytes, what)


def read_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """A file named by the user on the command line or found by the project: guarded the
    same way, without a folder to stay in."""
    return _read_regular(_resolved(path, path.name, what), path.name, max_bytes, what)


def _resolved(path: Path, name: str, what: str) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before 3.13)
        raise FileRefused(f"{what} {name!r} is a symbolic link loop",
                          "replace the link by the file itself", kind="loop") from None


def _read_regular(path: Path, name: str, max_bytes: int, what: str) -> bytes:
    """A regular file's bytes, at most `max_bytes`; opened without blocking or following links."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused(f"{what} {name!r} does not exist",
                          f"create {name} or fix the name", kind="missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(f"{what} {name!r} is a symbolic link loop",
                              "replace the link by the file itself", kind="loop") from None
        raise FileRefused(f"cannot read {what} {name!r}: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # before fdopen, which refuses a folder
        os.close(fd)
        raise FileRefused(f"{what} {name!r} is not a regular file (a folder, pipe or "
                          "device)", "name an ordinary file", kind="special")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if info.st_size > max_bytes:
            raise FileRefused(f"{what} {name!r} is too large (over {_size(max_bytes)})",
                              "make it smaller", kind="large")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while read
        raise FileRefused(f"{what} {name!r} is too large (over {_size(max_bytes)})",
                          "make it smaller", kind="large")
    return data


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"
