"""The Markdown dialect of the documents (docs/markdown.md), shared by the rules and the writer.

The rules check users' Markdown fields at their source line with the very parser and
the same refusals the writer applies later, so nothing the writer would refuse passes
validation unlocated.
"""

from __future__ import annotations

import re
import urllib.parse

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

DIRECTIVE_NAMES = frozenset({"pagebreak", "landscape", "toc", "style"})
"""`::: name` blocks the writer knows; any other is an error."""

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


def refused_scheme(href: str) -> str | None:
    """The scheme of a script, data or file link (`javascript`), judged as a browser would:
    percent-decoded, blanks and control characters removed. None for an acceptable link."""
    decoded = "".join(ch for ch in urllib.parse.unquote(href) if ch > " ")
    match = _SCHEME_RE.match(decoded)
    if match and match.group(1).lower() in REFUSED_SCHEMES:
        return match.group(1).lower()
    return None
