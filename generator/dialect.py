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
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

DIRECTIVE_NAMES = frozenset({"pagebreak", "landscape", "toc", "style", "signatures"})
"""`::: name` blocks the writer knows; any other is an error."""

FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 forbids: Word calls a file holding them corrupt. Refused at their line."""

REFUSED_SCHEMES = ("javascript", "vbscript", "data", "file")
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
    """The scheme of a script, data or file link (`javascript`), judged as a browser would:
    percent-decoded, blanks and control characters removed. None for an acceptable link."""
    decoded = "".join(ch for ch in urllib.parse.unquote(href) if ch > " ")
    match = _SCHEME_RE.match(decoded)
    if match and match.group(1).lower() in REFUSED_SCHEMES:
        return match.group(1).lower()
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
