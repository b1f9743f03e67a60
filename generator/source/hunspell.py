"""Hunspell, run as the `hunspell` program with the dictionaries Debian packages.

Why the program and not a Python binding: the dictionaries come from Debian packages
anyway (hunspell-nl, hunspell-en-gb, hunspell-fr), and the program is packaged beside
them, so one `apt-get install` brings both and no compiled wheel joins the project's
dependencies (the PyPI bindings either build against libhunspell's headers or bundle a
copy of it). Each check is one batch: all distinct words of a run go in at once and
the unknown ones come out (`-w`: one word a line, judged whole), so a run pays for
loading the dictionary once; suggestions, the slow part, are asked only for the
words that stay unknown (`-a`, the ispell pipe protocol).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from generator.errors import GeneratorError

PROGRAM = "hunspell"
TIMEOUT_SECONDS = 120
"""A budget for one batch: the example's few thousand words take well under a second."""
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Dictionary:
    """The Hunspell dictionary of an assignment language, and the Debian package with it."""

    name: str
    package: str
    language: str


DICTIONARIES: dict[str, Dictionary] = {
    "nl": Dictionary("nl_BE", "hunspell-nl", "Dutch"),
    "en": Dictionary("en_GB", "hunspell-en-gb", "British English"),
    "fr": Dictionary("fr_BE", "hunspell-fr", "French"),
}
"""Belgian Dutch and French, British English: the spelling a Belgian firm's clients read."""


class SpellingUnavailable(GeneratorError):
    """The spell check cannot run here: the program or the language's dictionary is missing."""


class Hunspell:
    """One language's dictionary; every call is one run of the program over a batch."""

    def __init__(self, language: str) -> None:
        if language not in DICTIONARIES:
            raise SpellingUnavailable(f"no Hunspell dictionary is known for language "
                                      f"{language!r}: the spell check knows "
                                      + ", ".join(sorted(DICTIONARIES)))
        self.dictionary = DICTIONARIES[language]

    def unknown(self, words: Iterable[str]) -> set[str]:
        """The words the dictionary does not know, each judged whole (`HR-manager`)."""
        batch = sorted(set(words))
        if not batch:
            return set()
        out = self._run(["-w"], "".join(f"{word}\n" for word in batch))
        return set(out.splitlines()) & set(batch)

    def suggestions(self, words: Iterable[str]) -> dict[str, list[str]]:
        """Hunspell's first suggestions for each word (none for some)."""
        batch = sorted(set(words))
        if not batch:
            return {}
        # `^` keeps a word that starts with `*`, `@`, `#`... from being read as a command.
        out = self._run(["-a"], "".join(f"^{word}\n" for word in batch))
        groups = out.split("\n\n")
        found: dict[str, list[str]] = {}
        for word, group in zip(batch, _answers(groups), strict=False):
            found[word] = group[:MAX_SUGGESTIONS]
        return found

    def _run(self, mode: list[str], text: str) -> str:
        command = [PROGRAM, *mode, "-i", "utf-8", "-d", self.dictionary.name]
        try:
            done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                  timeout=TIMEOUT_SECONDS, check=False,
                                  env={**os.environ, "LC_ALL": "C.UTF-8"})
        except FileNotFoundError:
            raise SpellingUnavailable(
                f"the spell check needs the `{PROGRAM}` program: install it with "
                f"`sudo apt-get install {PROGRAM} {self.dictionary.package}`") from None
        except subprocess.TimeoutExpired:
            raise SpellingUnavailable(f"`{PROGRAM}` gave no answer within {TIMEOUT_SECONDS} s; "
                                      "run it alone to see why") from None
        errors = done.stderr.decode("utf-8", "replace")
        if "Can't open affix or dictionary" in errors:
            raise SpellingUnavailable(
                f"no Hunspell dictionary for {self.dictionary.language} "
                f"({self.dictionary.name}): install it with "
                f"`sudo apt-get install {self.dictionary.package}`")
        if done.returncode != 0:
            raise SpellingUnavailable(f"`{' '.join(command)}` failed: {errors.strip()}")
        return done.stdout.decode("utf-8", "replace")


def _answers(groups: list[str]) -> Iterable[list[str]]:
    """The suggestions of each answer of the ispell pipe protocol, one answer per word.

    The first line is the program's banner; an answer is one line per word Hunspell saw
    in the line sent (`*` known, `& word n offset: a, b` unknown with suggestions,
    `# word offset` unknown without), and a blank line.
    """
    for number, group in enumerate(groups):
        lines = group.splitlines()[1:] if number == 0 else group.splitlines()
        suggestions: list[str] = []
        for line in lines:
            if line.startswith("&") and ": " in line:
                suggestions += [s.strip() for s in line.split(": ", 1)[1].split(", ")]
        if lines or number == 0:
            yield suggestions
