"""`interim init`: a firm's documents repository, ready to build, from files the wheel ships.

The repository calls the installed generator (pinned in its requirements file), so a firm
keeps its assignments in its own repository and upgrades the generator on purpose.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from generator.bundled import EXAMPLE_ID, SCAFFOLD_DIR, example_assignment, format_docs
from generator.errors import GeneratorError, display_path
from generator.source import git
from generator.source.schema import assignment_schema, firm_schema

REPOSITORY = SCAFFOLD_DIR / "repository"
HOLE = re.compile(r"__(?:FIRM|LANGUAGE|VERSION)__")
# Dot files are shipped without their dot (package data globs skip hidden files).
DOT_PREFIX = "dot-"
FIRST_COMMIT = "A documents repository, made by interim init"
INIT_EMAIL = "interim-init@localhost.invalid"
"""The address of the first commit when git does not know the user's (`.invalid` is
reserved: it reaches no one); the name is then the firm's."""


def generator_version() -> str:
    """The installed interim-docs version: what the new repository pins."""
    try:
        return version("interim-docs")
    except PackageNotFoundError as exc:  # running from a checkout that was never installed
        raise GeneratorError("interim-docs is not installed (`pip install -e .` in its "
                             "checkout), so there is no version to pin") from exc


def init_repository(directory: Path, firm: str, language: str) -> list[Path]:
    """Fill an empty (or new) folder with a documents repository; returns what it made."""
    _refuse_unusable(directory)
    if not firm.strip() or any(ord(c) < 32 or c == "\x7f" for c in firm):
        raise GeneratorError(f"--firm {firm!r}: give the firm's name on one line")
    values = {"__FIRM__": firm, "__LANGUAGE__": language, "__VERSION__": generator_version()}
    placed: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".interim-init-", dir=directory))
        try:
            _write_scaffold(stage, values)
            for entry in sorted(stage.iterdir()):  # each top-level entry appears whole
                os.replace(entry, directory / entry.name)
                placed.append(directory / entry.name)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    except OSError as exc:  # a path under a file, a read-only folder, a full disk
        for entry in placed:  # the folder was empty: leave it so, not half a repository
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        raise GeneratorError(f"cannot create a repository in {display_path(directory)}: "
                             f"{exc.strerror or exc} (give a new or empty folder you can "
                             "write to)") from exc
    return placed


def start_history(directory: Path, firm: str) -> str:
    """A git repository holding a first commit of what `init_repository` placed, when git is
    there and the folder is not inside a repository already; what was done, in a sentence."""
    try:
        outer = git.repository(directory)
        if outer is not None:
            return (f"{display_path(directory)} is inside the git repository "
                    f"{display_path(outer.top)}: commit the new files there")
        commit = git.start_repository(directory, FIRST_COMMIT, name=firm, email=INIT_EMAIL)
    except git.GitMissing as exc:
        return f"no git repository made: {exc}, then run `git init` there and commit"
    except GeneratorError as exc:
        return f"no git repository made: {exc}"
    return f"made a git repository with a first commit ({commit[:12]})"


NAME_MAX = 255
"""Bytes in one file or folder name on Linux, macOS and Windows file systems alike."""


def _refuse_unusable(directory: Path) -> None:
    """Never mix a scaffold into existing files: name what is there."""
    long = [part for part in directory.parts if len(os.fsencode(part)) > NAME_MAX]
    if long:  # the file system refuses it; said before anything is made
        size = len(os.fsencode(long[0]))
        raise GeneratorError(f"the folder name {long[0][:40]}... is {size} bytes long: file "
                             f"systems take at most {NAME_MAX}; give a shorter one")
    if directory.exists() and not directory.is_dir():
        raise GeneratorError(f"{display_path(directory)} is a file; give a folder to create")
    existing = sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []
    if existing:
        shown = ", ".join(existing[:8]) + (f" and {len(existing) - 8} more"
                                           if len(existing) > 8 else "")
        raise GeneratorError(f"{display_path(directory)} is not empty ({shown}); "
                             "run `interim init` in an empty or new folder")


def _write_scaffold(target: Path, values: dict[str, str]) -> None:
    """The scaffold's files with their holes filled, the example, the docs, the JSON Schema."""
    for source in sorted(REPOSITORY.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = Path(*map(_undot, source.relative_to(REPOSITORY).parts))
        text = source.read_text(encoding="utf-8")
        text = _fill(text, values, yaml=source.suffix in (".yaml", ".yml"))
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(text, encoding="utf-8")
    _copy_files(example_assignment(), target / "assignments" / EXAMPLE_ID, "*")
    _copy_files(format_docs(), target / "docs", "*.md")
    for name, schema in (("assignment", assignment_schema()), ("firm", firm_schema())):
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        (target / f"{name}.schema.json").write_text(text, encoding="utf-8")


def _copy_files(source: Path, target: Path, pattern: str) -> None:
    """The files (not folders, not Python) of a shipped folder."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob(pattern)):
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            shutil.copyfile(path, target / path.name)


def _fill(text: str, values: dict[str, str], *, yaml: bool) -> str:
    """Every hole in one pass, so a value that looks like a hole stays as typed."""
    def value(match: re.Match[str]) -> str:
        filled = values[match[0]]
        return _quoted(filled) if yaml and match[0] == "__FIRM__" else filled

    return HOLE.sub(value, text)


def _undot(part: str) -> str:
    return "." + part.removeprefix(DOT_PREFIX) if part.startswith(DOT_PREFIX) else part


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset): the name as typed."""
    return json.dumps(text, ensure_ascii=False)
