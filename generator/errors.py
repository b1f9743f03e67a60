"""Located diagnostics: every problem a user can fix names a file, a line and the fix.

Every stage of the pipeline reports through these types, so the CLI prints one
format (``file:LINE:COL: message (hint)``) and never a traceback for bad input.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Level(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based, 0 when unknown."""

    file: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        text = display_path(self.file)
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a source, with how to fix it."""

    location: Location
    message: str
    hint: str = ""
    level: Level = Level.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.level is Level.WARNING else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.location}: {prefix}{self.message}{hint}"

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


class GeneratorError(Exception):
    """Base of every error the user can act on; the CLI prints it without a traceback."""


class SourceError(GeneratorError):
    """One or more located problems that stop a source from being used."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=_sort_key)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


@dataclass
class Report:
    """Collects diagnostics so that one run reports every problem, not just the first."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(location, message, hint, Level.ERROR))

    def warning(self, location: Location, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(location, message, hint, Level.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return sorted((d for d in self.diagnostics if d.is_error), key=_sort_key)

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted((d for d in self.diagnostics if not d.is_error), key=_sort_key)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise SourceError(self.errors)


def display_path(path: Path) -> str:
    """Paths relative to the working directory when below it, as users typed them.

    Only the folder is resolved: a file is named by its own name, not by where a link
    points, and a link that loops (the very thing a diagnostic may be about) is shown
    rather than followed.
    """
    path = Path(path)
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):  # outside the working directory; a loop
        return str(path)


def text_start(text: str, limit: int = 40) -> str:
    """The start of a user's text for a message: whole when short, else cut at the last
    space within `limit` characters (a word whole, never `covenant c`) and ended by `…`."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    if text[limit] != " " and " " in head:  # cut inside a word: end before it
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-") + "…"


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    loc = d.location
    return (str(loc.file), loc.line, loc.column, d.message)
