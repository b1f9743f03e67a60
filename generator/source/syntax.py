"""YAML syntax errors told where they start, with the usual cause and its fix.

PyYAML reports where its parser gave up, which is often far from the slip: a quote left
open on line 181 swallows the lines after it and fails on line 290. Only when the file
does not parse, its tokens are scanned again to find the construct that began the
trouble (a quoted text running over lines, a plain text holding `: `, a tab, an indent).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.tokens import ScalarToken, Token

QUOTE_HINT = "close the quote on the line where it opens; inside \"...\" write a quote as \\\""
COLON_HINT = ("a colon followed by a space starts a key: put the text in quotes, "
              "e.g. what: \"Fix: the thing\"")
TAB_HINT = "indent with spaces: YAML does not accept tabs for indentation"
INDENT_HINT = ("keys of one mapping, and the `-` items of one list, start in the same "
               "column: indent this line like the one it belongs with")
GENERIC_HINT = "check indentation, colons and quotes around this place"


@dataclass(frozen=True)
class SyntaxProblem:
    """One YAML syntax error as told to the user: at the place to fix, with the fix."""

    line: int
    column: int
    message: str
    hint: str


def explain(text: str, exc: yaml.MarkedYAMLError) -> SyntaxProblem:
    """The error at the place where its construct began, with the likely cause and fix."""
    failed = exc.problem_mark or exc.context_mark
    line, column = (failed.line + 1, failed.column + 1) if failed else (0, 0)
    problem = exc.problem or exc.context or "invalid YAML"
    stopped = f"YAML stopped at {line}:{column}: {problem}"
    opened = exc.context_mark
    if exc.context == "while scanning a quoted scalar" and opened is not None:
        at = (opened.line + 1, opened.column + 1)
        return SyntaxProblem(*at, f"invalid YAML: the quoted text opened at {at[0]}:{at[1]} "
                             f"is never closed ({stopped})", QUOTE_HINT)
    tokens = _tokens_before(text, failed.index if failed else len(text))
    quoted = _runaway_quote(tokens, line)
    if quoted is not None:
        at = (quoted.start_mark.line + 1, quoted.start_mark.column + 1)
        return SyntaxProblem(*at, f"invalid YAML: the quoted text opened at {at[0]}:{at[1]} "
                             f"runs on to line {line}: is its closing quote missing? "
                             f"({stopped})", QUOTE_HINT)
    if _tab_at(text, failed) or "tab" in problem:
        return SyntaxProblem(line, column, f"invalid YAML: a tab in the indentation ({stopped})",
                             TAB_HINT)
    if problem.startswith("mapping values are not allowed"):
        plain = _last_plain(tokens)
        if plain is not None and plain.start_mark.line + 1 < line:
            return SyntaxProblem(line, column, f"invalid YAML: line {line} is indented deeper "
                                 f"than the key of line {plain.start_mark.line + 1} and reads "
                                 f"as part of its value ({stopped})", INDENT_HINT)
        return SyntaxProblem(line, column, f"invalid YAML: a colon in plain text ({stopped})",
                             COLON_HINT)
    if exc.context in ("while parsing a block mapping", "while parsing a block collection"):
        return SyntaxProblem(line, column, f"invalid YAML: line {line} is indented unlike the "
                             f"lines it belongs with ({stopped})", INDENT_HINT)
    if exc.context in _FLOW and opened is not None:
        at = (opened.line + 1, opened.column + 1)
        return SyntaxProblem(*at, f"invalid YAML: the {_FLOW[exc.context]} opened at "
                             f"{at[0]}:{at[1]} is not closed where it should be ({stopped})",
                             "close it on its line, or put text holding [ ] { } , in quotes")
    return SyntaxProblem(line, column, f"invalid YAML: {problem}", GENERIC_HINT)


_FLOW = {"while parsing a flow sequence": "[ list", "while parsing a flow mapping": "{ mapping"}


MAX_SCAN = 256 * 1024
"""Characters scanned again to find where an error began (the pure scanner reads about
0.3 MB a second): an assignment is some 30 kB; past this, the parser's own place is told."""


def _tokens_before(text: str, end: int) -> list[Token]:
    """The tokens the scanner reads before offset `end` (up to its own error, if any)."""
    found: list[Token] = []
    if end > MAX_SCAN:
        return found
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):  # the pure scanner: its tokens
            if token.start_mark.index >= end:
                break
            found.append(token)
    except yaml.YAMLError:
        pass
    return found


def _runaway_quote(tokens: list[Token], failed_line: int) -> ScalarToken | None:
    """A quoted text that began on an earlier line and ends on the failing one.

    A closed multi-line quote ends its line; an unclosed one ends at the next quote
    the file holds, with more text after it, where the parser then fails.
    """
    for token in reversed(tokens):
        if isinstance(token, ScalarToken) and token.style in ('"', "'"):
            spans = token.start_mark.line + 1 < token.end_mark.line + 1 == failed_line
            return token if spans else None
    return None


def _last_plain(tokens: list[Token]) -> ScalarToken | None:
    for token in reversed(tokens):
        if isinstance(token, ScalarToken):
            return token if token.plain else None
    return None


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """Whether the line that failed starts its indentation with a tab."""
    if mark is None:
        return False
    line = text[text.rfind("\n", 0, mark.index) + 1:]
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]
