"""The Markdown dialect of the documents (docs/markdown.md), shared by the rules and the writer.

The rules check users' Markdown fields at their source line with the very parser and
the same refusals the writer applies later, so nothing the writer would refuse passes
validation unlocated.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

DIRECTIVE_NAMES = frozenset({"pagebreak", "landscape", "toc", "style", "signatures"})
"""`::: name` blocks the writer knows; any other is an error."""

FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 forbids: Word calls a file holding them corrupt. Refused at their line."""

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
"""Links a client document may hold, besides `#anchors`: all else is refused at its line.
A deny-list always misses one (`ms-msdt:`, `search-ms:`, `smb://`, `\\\\host\\share`)."""
LINK_HINT = "use http(s): or mailto: links, tel: numbers or #anchors in the document only"
_SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def make_parser() -> MarkdownIt:
    """CommonMark without raw HTML, plus tables, strikethrough, footnotes, directives, spans."""
    md = (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .enable("strikethrough")
        .use(footnote_plugin)
        .use(container_plugin, "directive", validate=lambda params, markup: True)
        .use(attrs_plugin, spans=True)
    )
    # markdown-it silently drops javascript:/data:/file: links (the text stays literal);
    # accept every link here so that they are refused with a located error instead.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def forbidden_character(text: str) -> tuple[int, str] | None:
    """(1-based line, "U+0007") of the first character a document may not hold, or None."""
    bad = FORBIDDEN_CHARS.search(text)
    if bad is None:
        return None
    return text.count("\n", 0, bad.start()) + 1, f"U+{ord(bad.group()):04X}"


def refused_scheme(href: str) -> str | None:
    """What makes a link unacceptable (`ms-msdt`, `a network path`, `a relative address`),
    judged as a browser would (percent-decoded, blanks and control characters removed);
    None for an http(s), mailto or tel address or an in-document `#anchor`."""
    decoded = "".join(ch for ch in urllib.parse.unquote(href) if ch > " ")
    if decoded.startswith("#"):
        return None
    if "\\" in decoded or decoded.startswith("//"):
        return "a network path"
    match = _SCHEME_RE.match(decoded)
    if match is None:
        return "a relative address"
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES:
        return scheme
    if scheme.startswith("http") and not re.match(r"https?://[^/]", decoded, re.IGNORECASE):
        return f"{scheme} without a host"
    return None


def is_url(target: str) -> bool:
    """A picture given as an address (`https:`, `//host`): pictures are never downloaded."""
    return bool(_SCHEME_RE.match(target)) or target.startswith("//")


def resolve_inside(root: Path, name: str) -> Path | None:
    """`name` relative to `root`, symlinks followed; None when it would leave `root`.

    Includes, pictures and the firm's files all stay inside their folder this one way.
    """
    candidate = Path(name)
    if candidate.is_absolute() or "\\" in name:
        return None
    root = root.resolve()
    resolved = (root / candidate).resolve()
    if resolved != root and root not in resolved.parents:
        return None
    return resolved


MAX_NOTE_DEPTH = 3
"""A note may cite a note that cites a note; deeper is no reading a client can follow."""
MAX_NOTES = 500
"""Footnotes one text may produce, each citation of a note counted (notes citing notes
multiply: sixteen levels that each cite the next twice would be 65 535 notes)."""


class _NoteProblem(Exception):
    def __init__(self, note: int, message: str):
        super().__init__(message)
        self.note, self.message = note, message


def footnote_problem(tokens: list[Token]) -> tuple[int, str, str] | None:
    """(line, message, hint) when the text's footnotes cite themselves, nest too deep or
    multiply past MAX_NOTES; None when the writer can place every note.

    Counted, never expanded: each note's size is computed once, so a hostile chain costs
    as little to refuse as a sound one costs to accept.
    """
    cites, labels, lines, main = _footnote_graph(tokens)
    sizes: dict[tuple[int, int], int] = {}

    def size(note: int, chain: tuple[int, ...]) -> int:
        if note in chain:
            loop = " → ".join(f"[^{labels.get(n, n)}]" for n in (*chain[chain.index(note):], note))
            raise _NoteProblem(note, f"footnote [^{labels.get(note, note)}] cites itself ({loop})")
        if len(chain) >= MAX_NOTE_DEPTH:
            raise _NoteProblem(note, f"footnotes nested more than {MAX_NOTE_DEPTH} deep "
                               f"(notes citing notes, down to [^{labels.get(note, note)}])")
        key = (note, len(chain))
        if key not in sizes:
            inner = sum(size(c, (*chain, note)) for c in cites.get(note, []))
            sizes[key] = min(1 + inner, MAX_NOTES + 1)
        return sizes[key]

    total = 0
    for line, note in main:
        try:
            total += size(note, ())
        except _NoteProblem as problem:
            return (lines.get(problem.note, line), problem.message,
                    "a note may cite other notes, but never itself, and not in long chains")
        if total > MAX_NOTES:
            return (line, f"the text would hold more than {MAX_NOTES} footnotes (notes "
                    "citing notes multiply)", "cite fewer notes, or write the text out")
    return None


def _footnote_graph(tokens: list[Token]
                    ) -> tuple[dict[int, list[int]], dict[int, str], dict[int, int],
                               list[tuple[int, int]]]:
    """Which notes each note cites, their labels and first lines, and the main text's
    citations as (line, note)."""
    cites: dict[int, list[int]] = {}
    labels: dict[int, str] = {}
    lines: dict[int, int] = {}
    main: list[tuple[int, int]] = []
    current: int | None = None
    line = 0
    for token in tokens:
        if token.type == "footnote_open":
            current = token.meta["id"]
            labels[current] = token.meta.get("label") or str(current + 1)
            cites.setdefault(current, [])
        elif token.type == "footnote_close":
            current = None
        if token.map:
            line = token.map[0] + 1
            if current is not None:
                lines.setdefault(current, line)
        for child in token.children or []:
            if child.type == "footnote_ref":
                if current is None:
                    main.append((line, child.meta["id"]))
                else:
                    cites[current].append(child.meta["id"])
    return cites, labels, lines, main
