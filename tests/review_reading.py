"""Reading a review as the firm does: an item's line, its source places, the lines it changed."""

from __future__ import annotations

import difflib
import re

from example_project import ExampleProject


def at(example: ExampleProject, needle: str, inside: str, key: str,
       file: str = "assignment.yaml") -> str:
    """`file:line:col key` of `needle` on the first line holding `inside`."""
    path = example.folder / file
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if inside in line)
    column = lines[number - 1].index(needle) + 1
    return f"assignments/{example.folder.name}/{file}:{number}:{column} {key}"


def line_numbers(example: ExampleProject, *insides: str, file: str = "assignment.yaml"
                 ) -> set[int]:
    lines = (example.folder / file).read_text(encoding="utf-8").splitlines()
    return {next(n for n, line in enumerate(lines, 1) if inside in line) for inside in insides}


def changed_lines(before: str, after: str) -> set[int]:
    """Line numbers (of `before`) that differ: what `git diff` would show."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(),
                                      autojunk=False)
    changed: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            assert i2 - i1 == j2 - j1, "an edit added or removed lines"
            changed.update(range(i1 + 1, i2 + 1))
    return changed


def item_line(lines: list[str], needle: str) -> tuple[str, list[str]]:
    """The item line holding `needle` and the `at`/`reply` lines under it."""
    for n, line in enumerate(lines):
        if re.match(r"\d+\. ", line) and needle in line:
            under = []
            for more in lines[n + 1:]:
                if re.match(r"\d+\. ", more):
                    break
                under.append(more.strip())
            return line, under
    raise AssertionError(f"no item with {needle!r} in:\n" + "\n".join(lines))
