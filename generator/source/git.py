"""The one way the generator runs git: against the firm's documents repository only, and never
with a setting that makes git run a program.

Git runs the programs its configuration names: `core.fsmonitor` whenever it reads the index,
hooks on a commit, `core.pager`, filter drivers (clean, smudge) and textconv on content,
`diff.external`, `gpg.program` for `log.showSignature`, `core.sshCommand` and proxies on
remotes. An assignment folder unpacked from a client's archive can carry a `.git` holding
any of them, and git obeys the nearest repository it finds. So:

- git is asked about the documents repository, discovered from its root (the folder holding
  `assignments/` and `firm.yaml`, found from the folder *above* an assignment:
  `Project.holding`), so a `.git` inside an assignment folder is never seen;
- every call overrides the settings that run programs (`SAFE_CONFIG`; command-line settings
  win over every configuration file), reads no system configuration and none of git's
  environment (GIT_DIR, GIT_CONFIG_*, GIT_EXTERNAL_DIFF, ...), uses no pager, and talks to
  no remote (`protocol.allow=never`: no ssh command, no proxy ever starts);
- only commands that never filter content run (`log --format`, `rev-parse`, `ls-tree`,
  `ls-files`, `cat-file --batch`; `init`, `add` and `commit` on a repository `interim init`
  makes, with no attributes file); the working tree is hashed here (`Repository.stamp`), never by
  `git status`, which runs clean filters.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GeneratorError, display_path

GIT_TIMEOUT = 60
SAFE_CONFIG = {
    "core.fsmonitor": "false",
    "core.hooksPath": "/dev/null",
    "core.pager": "cat",
    "core.attributesFile": "/dev/null",  # no filter or textconv driver named from outside
    "core.untrackedCache": "false",
    "protocol.allow": "never",  # no transport: core.sshCommand, proxies never start
    "log.showSignature": "false",  # it runs gpg.program
    "commit.gpgSign": "false",
    "gc.auto": "0",
    "maintenance.auto": "false",
}
"""Settings that would run a program, switched off on every call."""
_KEPT_ENVIRONMENT = ("GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
                     "GIT_CONFIG_GLOBAL")
"""The user's own limits on where git looks for a repository and where their own settings
are (the settings that run programs are overridden anyway); every other GIT_ variable
(GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF, GIT_SSH_COMMAND, ...) is dropped."""
_LINK, _GITLINK, _EXECUTABLE = "120000", "160000", "100755"


class GitMissing(GeneratorError):
    """No `git` on PATH."""


def command(args: list[str]) -> list[str]:
    """The full command line of one git call: the safe settings, no pager."""
    git = shutil.which("git")
    if git is None:
        raise GitMissing("git is not installed (no `git` on PATH): install it "
                         "(`sudo apt-get install git`)")
    settings = [part for key, value in SAFE_CONFIG.items() for part in ("-c", f"{key}={value}")]
    return [git, "--no-pager", "--literal-pathspecs", *settings, *args]


def environment() -> dict[str, str]:
    """This process's environment without git's own variables, plus the safe ones."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") or k in _KEPT_ENVIRONMENT}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_ATTR_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
               GIT_OPTIONAL_LOCKS="0")  # reading never rewrites the index under a build
    return env


def run(args: list[str], cwd: Path, *, what: str) -> bytes:
    """Run one git command in `cwd`; its output, or a GeneratorError naming `what`."""
    try:
        done = subprocess.run(command(args), cwd=cwd, env=environment(), capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GeneratorError(f"git could not read {what}: {exc}") from exc
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GeneratorError(f"git could not read {what}: "
                             f"{said[-1] if said else 'exit ' + str(done.returncode)}")
    return done.stdout


def repository(root: Path) -> Repository | None:
    """The git work tree holding the documents repository `root`, found from `root` upwards
    (never from inside an assignment folder); None outside one. GitMissing without git."""
    try:
        top = run(["rev-parse", "--show-toplevel"], root, what=display_path(root))
    except GitMissing:
        raise
    except GeneratorError:
        return None
    text = top.decode("utf-8", "surrogateescape").strip()
    return Repository(Path(text)) if text else None


def start_repository(directory: Path, message: str, *, name: str, email: str) -> str:
    """`git init` in `directory` and one commit of everything in it; the commit's id.

    The commit is the user's when git knows who they are (user.name and user.email); else
    it is signed `name <email>`, for this commit only (nothing is written to any config).
    On failure the new `.git` is removed again and the GeneratorError raised.
    """
    what = display_path(directory)
    run(["init", "-q"], directory, what=what)
    try:
        known = all(_setting(directory, key) for key in ("user.name", "user.email"))
        identity = [] if known else ["-c", f"user.name={name}", "-c", f"user.email={email}"]
        run(["add", "-A"], directory, what=what)
        run([*identity, "commit", "-q", "--no-verify", "-m", message], directory, what=what)
        return run(["rev-parse", "HEAD"], directory, what=what).decode("ascii").strip()
    except GeneratorError:
        shutil.rmtree(directory / ".git", ignore_errors=True)
        raise


def _setting(directory: Path, key: str) -> str:
    """A setting as git reads it in `directory` (the user's own config included), or ""."""
    try:
        return run(["config", "--get", key], directory, what=key).decode("utf-8", "replace")
    except GitMissing:
        raise
    except GeneratorError:  # not set
        return ""


@dataclass(frozen=True)
class Entry:
    """A file of a revision's tree, as `git ls-tree -l` lists it."""

    mode: str
    oid: str
    size: int
    path: str
    """Relative to the folder git ran in (`Repository.top`), with '/'."""

    @property
    def link(self) -> bool:
        return self.mode == _LINK


@dataclass(frozen=True)
class Repository:
    """A folder of a git work tree (its top, or the documents root inside it) where git
    runs; git finds the repository from there upwards, and paths are relative to it."""

    top: Path

    def run(self, *args: str, what: str = "") -> bytes:
        return run(list(args), self.top, what=what or display_path(self.top))

    def path_of(self, folder: Path) -> str | None:
        """`folder` relative to `top`, with '/' ('.' for `top` itself); None outside it."""
        relative = os.path.relpath(folder.resolve(), self.top.resolve())
        if relative == ".." or relative.startswith(".." + os.sep):
            return None
        return Path(relative).as_posix()

    def commit(self, name: str) -> str:
        """The commit `name` (a hash, tag, HEAD~1) resolves to, else ""."""
        if not name or name.startswith("-"):
            return ""
        try:
            found = self.run("rev-parse", "--verify", "--quiet", "--end-of-options",
                             f"{name}^{{commit}}")
        except GitMissing:
            raise
        except GeneratorError:
            return ""
        return found.decode("ascii", "replace").strip()

    def last_commit(self, path: str, revision: str = "HEAD") -> tuple[str, int]:
        """The last commit up to `revision` touching `path`, and its time; ("", 0) if none."""
        try:
            return _commit_and_time(self.run(*_log(revision, path)))
        except GitMissing:
            raise
        except GeneratorError:  # no commit yet
            return "", 0

    def commits(self, path: str, limit: int) -> list[str]:
        """The last `limit` commits touching `path`, newest first; [] before the first."""
        try:
            log = self.run("log", f"-{limit}", "--no-ext-diff", "--no-textconv", "--format=%H",
                           "--end-of-options", "HEAD", "--", path)
        except GitMissing:
            raise
        except GeneratorError:  # no commit yet
            return []
        return log.decode("ascii", "replace").split()

    def stamp(self, path: str) -> tuple[str, int]:
        """The last commit touching `path` and its time, "+changes" marking uncommitted
        changes (`_changed`); ("", 0) outside git or before the first commit. Git is asked
        everything at once: three processes side by side cost the time of one."""
        log, head, files = self._all(
            _log("HEAD", path), ["ls-tree", "-r", "-l", "-z", "HEAD", "--", path],
            ["ls-files", "-s", "-o", "--exclude-standard", "-z", "--", path])
        commit, when = _commit_and_time(log or b"")
        if not commit:
            return "", 0
        changed = head is None or files is None or self._changed(_entries(head), files)
        return commit + ("+changes" if changed else ""), when

    def _all(self, *questions: list[str]) -> list[bytes | None]:
        """Each git command's output (None where it failed), the commands run side by side."""
        try:
            running = [subprocess.Popen(command(q), cwd=self.top, env=environment(),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL) for q in questions]
        except OSError as exc:  # git went away, or the folder did
            raise GeneratorError(f"git could not read {display_path(self.top)}: {exc}") from exc
        answers: list[bytes | None] = []
        for process in running:
            try:
                out = process.communicate(timeout=GIT_TIMEOUT)[0]
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                out = None
            answers.append(out if process.returncode == 0 else None)
        return answers

    def tree(self, revision: str, path: str) -> list[Entry]:
        """Every file under `path` at `revision`, with its size (nothing read yet)."""
        return _entries(self.run("ls-tree", "-r", "-l", "-z", "--end-of-options", revision,
                                 "--", path, what=f"{path} at {revision}"))

    def blobs(self, entries: list[Entry]) -> Iterator[tuple[Entry, bytes]]:
        """Each entry's content, one at a time (`cat-file --batch`: no filter, no textconv)."""
        process = subprocess.Popen(command(["cat-file", "--batch"]), cwd=self.top,
                                   env=environment(), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        watchdog = threading.Timer(GIT_TIMEOUT, process.kill)
        watchdog.start()
        assert process.stdin is not None and process.stdout is not None
        try:
            for entry in entries:
                process.stdin.write(entry.oid.encode("ascii") + b"\n")
                process.stdin.flush()
                header = process.stdout.readline().split()
                if len(header) != 3 or header[1] != b"blob" or int(header[2]) != entry.size:
                    raise GeneratorError(f"git could not read {entry.path} ({entry.oid[:12]})")
                data = process.stdout.read(entry.size)
                process.stdout.read(1)  # the newline after each object
                yield entry, data
        finally:
            watchdog.cancel()
            process.kill()
            process.wait()

    def _changed(self, head: list[Entry], files: bytes) -> bool:
        """Uncommitted changes, from `git ls-files -s -o`: a new file git does not ignore
        (listed without a tab), a staged change (the index differs from `head`), or a
        working-tree file that is not the committed one, hashed here as git stores a file,
        so that no filter the repository names ever runs (`git status` runs clean filters)."""
        staged = {}
        for record in filter(None, files.split(b"\0")):
            info, tab, name = record.decode("utf-8", "surrogateescape").partition("\t")
            if not tab or len(info.split()) != 3:
                return True  # a new file
            staged[name] = tuple(info.split()[:2])
        if staged != {e.path: (e.mode, e.oid) for e in head}:
            return True
        return any(_differs(self.top / e.path, e) for e in head)


def _log(revision: str, path: str) -> list[str]:
    return ["log", "-1", "--no-ext-diff", "--no-textconv", "--format=%H %ct",
            "--end-of-options", revision, "--", path]


def _commit_and_time(log: bytes) -> tuple[str, int]:
    words = log.split()
    if len(words) != 2 or not words[1].isdigit():
        return "", 0
    return words[0].decode("ascii", "replace"), int(words[1])


def _entries(listing: bytes) -> list[Entry]:
    """The files of `git ls-tree -r -l -z` (folders and submodules have no content here)."""
    entries = []
    for record in filter(None, listing.split(b"\0")):
        info, _, name = record.partition(b"\t")
        mode, kind, oid, size = info.decode("ascii").split()
        if kind == "blob":
            entries.append(Entry(mode, oid, int(size), name.decode("utf-8", "surrogateescape")))
    return entries


def _differs(path: Path, entry: Entry) -> bool:
    """The file in the working tree is not the committed one (mode, size or content)."""
    try:
        info = path.lstat()
        if entry.link:
            target = os.fsencode(os.readlink(path))
            return _blob_id([target], len(target), entry.oid) != entry.oid
        if entry.mode == _GITLINK:
            return False
        if not path.is_file() or path.is_symlink() or info.st_size != entry.size \
                or bool(info.st_mode & 0o100) != (entry.mode == _EXECUTABLE):
            return True
        with path.open("rb") as file:
            chunks = iter(lambda: file.read(1 << 20), b"")
            return _blob_id(chunks, entry.size, entry.oid) != entry.oid
    except OSError:
        return True


def _blob_id(chunks: Iterable[bytes], size: int, like: str) -> str:
    """Git's id of a blob: SHA-1, or SHA-256 in a repository whose ids are that long."""
    digest = hashlib.sha256() if len(like) == 64 else hashlib.sha1()
    digest.update(b"blob %d\0" % size)
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
