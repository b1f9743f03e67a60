"""Rules on users' Markdown: links and pictures, self-contained fields, text as written.

The very parser and refusals of the writer (generator.source.dialect), at the source line."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.errors import Location
from generator.source.dialect import (
    DIRECTIVE_NAMES,
    LINK_HINT,
    MAX_PICTURE_BYTES,
    MarkdownError,
    directive_problems,
    footnote_problem,
    is_url,
    make_parser,
    picture_header,
    refused_scheme,
    requested_width,
)
from generator.source.files import FileRefused, read_inside
from generator.source.model import BlockMarkdown
from generator.source.reading import Path_
from generator.source.references import walk
from generator.source.rules.context import Context

_MARKUP_HINT = re.compile(r"[\[<]|:::")


def rule_links_and_images(ctx: Context) -> None:
    """10. Pictures stay inside the assignment folder; no script or file links; known directives.

    Targets are found as the documents' Markdown engine reads them (reference links,
    nested brackets and entities included), so the build never meets one unlocated.
    """
    for path, text in ctx.source.walk():
        if not isinstance(text, str) or not _MARKUP_HINT.search(text):
            continue
        where = getattr(text, "source", None)
        label = f"in {where.name}: " if where else ""
        for bang, target, width in _link_targets(text):
            report_path: Path_ = path
            refused = refused_scheme(target)
            if refused and not bang:
                ctx.error(report_path, f"{label}link {target[:40]!r} is not allowed ({refused})",
                          LINK_HINT)
            elif bang and is_url(target):
                ctx.error(report_path, f"{label}picture {target[:60]!r} is not a local file",
                          "save the picture in the assignment folder and name it relatively")
            elif bang:
                _check_picture(ctx, report_path, label, target, width)
        for name in _directives(text):
            if name.lower() not in DIRECTIVE_NAMES:
                ctx.error(path, f"{label}unknown directive '::: {name[:40]}'",
                          "use one of ::: " + ", ::: ".join(sorted(DIRECTIVE_NAMES))
                          + ", or write the colons as \\:::")


def _link_targets(text: str) -> Iterator[tuple[str, str, str | None]]:
    """(`!` for pictures, target, `{width=...}`) of every link and picture, each once.

    Parsed as typed and as prose fields are rendered (on one line), by the documents' engine.
    """
    seen: set[tuple[str, str, str | None]] = set()
    for variant in dict.fromkeys((text, " ".join(text.split()))):
        for found in _parsed_targets(variant):
            if found not in seen:
                seen.add(found)
                yield found


def _parsed_tokens(text: str) -> list[Token]:
    tokens = _parser().parse(text)
    return [*tokens, *(c for t in tokens for c in (t.children or []))]


def _parsed_targets(text: str) -> list[tuple[str, str, str | None]]:
    found = []
    for token in _parsed_tokens(text):
        if token.type == "link_open":
            found.append(("", urllib.parse.unquote(str(token.attrs.get("href", ""))), None))
        elif token.type == "image":
            width = token.attrs.get("width")
            found.append(("!", urllib.parse.unquote(str(token.attrs.get("src", ""))),
                          None if width is None else str(width)))
    return found


def _check_picture(ctx: Context, path: Path_, label: str, target: str, width: str | None
                   ) -> None:
    """The picture as the writer will take it: read through the guarded opener, a sound
    PNG/JPEG of sane size, a width it understands."""
    try:
        _, data = read_inside(ctx.folder, target, max_bytes=MAX_PICTURE_BYTES,
                              what=f"{label}picture")
        picture_header(data, target, 0)
        if width is not None:
            requested_width(width, 1, 0)
    except FileRefused as refused:
        ctx.error(path, refused.message, refused.hint)
    except MarkdownError as exc:
        ctx.error(path, f"{label}{exc.message}", exc.hint)


def rule_markdown_as_written(ctx: Context) -> None:
    """10. What the writer refuses in a Markdown text is refused here, at its source:
    footnotes that cite themselves or multiply, directives where they cannot stand
    (`::: landscape` in a list, `::: style` without a name), and `::: style` names the
    brand template lacks (when validate knows the firm's brand template)."""
    for path, text in ctx.source.walk():
        if not isinstance(text, str) or not ("[^" in text or ":::" in text):
            continue
        where = getattr(text, "source", None)
        tokens = _parser().parse(text)
        problem = footnote_problem(tokens)
        for line, message, hint in [*([problem] if problem else []),
                                    *directive_problems(tokens)]:
            _text_error(ctx, path, where, line, message, hint)
        if ctx.style_exists is None:
            continue
        for token in tokens:
            info = token.info.strip().split(None, 1) if token.type.startswith("container") else []
            if info[:1] == ["style"] and len(info) == 2 and not ctx.style_exists(info[1]):
                _text_error(ctx, path, where, (token.map or [0])[0] + 1,
                            f"'::: style {info[1][:40]}': the brand template has no paragraph "
                            f"style {info[1][:40]!r}", "use a style of the brand template, "
                            "e.g. Title, or add the style to it in Word")


def _text_error(ctx: Context, path: Path_, included: Path | None, line: int, message: str,
                hint: str) -> None:
    """At the included file's own line, else at the field's place in assignment.yaml."""
    if included is not None:
        ctx.report.error(Location(included, line), message, hint)
    else:
        ctx.error(path, f"line {line} of the text: {message}", hint)


def rule_self_contained_markdown(ctx: Context) -> None:
    """10. A Markdown field cannot reach beyond itself into the document it is placed in.

    An unclosed code fence or directive would swallow every section after the field, and a
    link definition (`[x]: url`) would apply to links in other fields.
    """
    typed = dict(ctx.source.walk())  # included texts know their file
    block_texts = ((p, v) for p, v in walk(ctx.assignment) if isinstance(v, BlockMarkdown))
    for path, text in block_texts:
        where = getattr(typed.get(path), "source", None)
        label = f"in {where.name}: " if where else ""
        for what, line in _unclosed_blocks(text):
            ctx.error(path, f"{label}{what} opened on line {line} of the text is never closed",
                      "close it with a line of the same fence, or `:::` for a directive")
    for path, text in ctx.source.walk():
        if isinstance(text, str) and "]:" in text and _defines_references(text):
            ctx.error(path, "the text defines link references ([label]: address), which would "
                      "apply to the whole document", "write each link inline: [text](address)")


_CLOSING_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$")


_CLOSING_DIRECTIVE = re.compile(r"^ {0,3}:{3,}\s*$")


_LINE_BREAK = re.compile(r"\r\n?|\n")
"""markdown-it's line breaks: a form feed, a vertical tab (Word's manual line break) or
U+2028 inside a line is no break to it, so it must be none here either."""


def _unclosed_blocks(text: str) -> list[tuple[str, int]]:
    if "```" not in text and "~~~" not in text and ":::" not in text:
        return []
    lines = _LINE_BREAK.split(text)  # as markdown-it counts lines, not str.splitlines
    found = []
    for token in _parser().parse(text):
        if token.map is None or token.type not in ("fence", "container_directive_open"):
            continue
        start, end = token.map
        if token.type == "fence":  # its map ends after the closing fence
            last = lines[end - 1] if start < end - 1 < len(lines) else ""
            closing = _CLOSING_FENCE.match(last)
            if not (closing and closing.group(1)[0] == token.markup[0]
                    and len(closing.group(1)) >= len(token.markup)):
                found.append(("a code block", start + 1))
        elif not (end < len(lines) and _CLOSING_DIRECTIVE.match(lines[end])):  # ends before
            found.append((f"the directive '::: {token.info.strip()[:30]}'", start + 1))
    return found


def _defines_references(text: str) -> bool:
    for variant in dict.fromkeys((text, " ".join(text.split()))):
        env: dict[str, Any] = {}
        _parser().parse(variant, env)
        if env.get("references"):
            return True
    return False


def _directives(text: str) -> list[str]:
    if ":::" not in text:
        return []
    return [t.info.strip().partition(" ")[0] for t in _parser().parse(text)
            if t.type == "container_directive_open"]


@cache
def _parser() -> MarkdownIt:
    return make_parser()
