"""The compiled-template cache: Jinja's file cache, trusting only what this user wrote,
and never the reason a build fails.

Compiling the templates costs about 55 ms per language, a third of a small build, so
compiled templates are kept in `$XDG_CACHE_HOME/interim-docs/jinja-<uid>/`. The cache is
an optimisation: an entry that is damaged, not ours, or cannot be written is ignored and
the template compiled again.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from jinja2.bccache import Bucket, FileSystemBytecodeCache

from generator.documents.sandbox import CODE_VERSION


class OwnedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache, trusting only what this user wrote.

    Jinja's own cache unmarshals whatever file lies in its folder: with a shared
    `XDG_CACHE_HOME` anyone who can write there could run code in a build. Here the
    folder must be the user's own and closed to others, and each entry is opened
    without following links and used only when the user owns it and no one else may
    write it; anything else is ignored (the template is compiled again).
    """

    @classmethod
    def for_user(cls) -> OwnedBytecodeCache | None:
        folder = private_cache_folder("jinja")
        return cls(str(folder)) if folder else None

    def load_bytecode(self, bucket: Bucket) -> None:
        """A damaged entry (truncated, not Jinja's, a folder in its place) is ignored: the
        template is compiled again and the entry rewritten."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(self._get_cache_filename(bucket), flags)
        except OSError:
            return
        info = os.fstat(fd)
        if not (owned(info) and stat.S_ISREG(info.st_mode)):  # fdopen refuses a folder
            os.close(fd)
            return
        with os.fdopen(fd, "rb") as handle:
            try:
                bucket.load_bytecode(handle)
            except Exception:  # pickle and marshal raise many kinds
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """A cache that cannot be written (full, read-only, a folder in an entry's place)
        only costs the compiling next time: the build goes on."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def get_source_checksum(self, source: str) -> str:
        """The source's checksum, keyed by how the sandbox compiles (sandbox.CODE_VERSION):
        code compiled by an older generator, without the budget's counting, is never used."""
        return super().get_source_checksum(f"{CODE_VERSION}\n{source}")


def owned(info: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def read_owned(path: Path, max_bytes: int) -> bytes | None:
    """The first `max_bytes` of a cache entry, or None unless it is a file of this user's
    that no one else may write (opened without following a link: an entry someone put in
    our place is never read)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not (owned(info) and stat.S_ISREG(info.st_mode)):
            return None
        try:
            return handle.read(max_bytes)
        except OSError:
            return None


def private_cache_folder(name: str) -> Path | None:
    """`$XDG_CACHE_HOME/interim-docs/<name>-<uid>/`, made closed to others; None when it
    cannot be made or is not the user's own folder (a cache is then simply not used)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "interim-docs" / f"{name}-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    return folder if stat.S_ISDIR(info.st_mode) and owned(info) else None
