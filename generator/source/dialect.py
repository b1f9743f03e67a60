"""The Markdown dialect of the documents (docs/markdown.md), shared by the rules and the writer.

The rules check users' Markdown fields at their source line with the very parser and
the same refusals the writer applies later, so nothing the writer would refuse passes
validation unlocated.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from generator.errors import GeneratorError
from generator.source.safety import (  # noqa: F401 (re-exported: the dialect's refusals)
    ALLOWED_SCHEMES,
    FORBIDDEN_CHARS,
    LINK_HINT,
    forbidden_character,
    is_url,
    refused_scheme,
    resolve_inside,
)

DIRECTIVE_NAMES = frozenset({"pagebreak", "landscape", "toc", "style", "signatures"})
"""`::: name` blocks the writer knows; any other is an error."""


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


_PLACES = {"bullet_list": "list", "ordered_list": "list", "blockquote": "quote",
           "footnote": "footnote"}
"""Blocks that hold other blocks, by markdown-it's token name: where a directive may stand."""


def directive_refusal(name: str, rest: str, enclosing: set[str]) -> tuple[str, str] | None:
    """(message, hint) when `::: name rest` cannot stand inside `enclosing` (the blocks
    around it: "list", "quote", "footnote", "landscape"); None when the writer takes it.

    The one judgement of where a directive may stand: the writer asks it while rendering,
    the rules ask it of each text (`directive_problems`), so validate fails where build would.
    """
    if name == "style" and not rest:
        return "'::: style' needs a paragraph style name", "write e.g. '::: style Title'"
    if name == "landscape" and "landscape" in enclosing:
        return ("'::: landscape' inside another landscape block",
                "close the first block with ':::' before opening another")
    if name == "landscape" and enclosing & {"list", "quote", "footnote"}:
        return ("'::: landscape' must be at the top level of the document",
                "move it out of the list, quote or footnote")
    if name == "toc" and enclosing & {"list", "footnote"}:
        return "'::: toc' must be at the top level of the document", "move it out of the list"
    return None


def directive_problems(tokens: list[Token]) -> list[tuple[int, str, str]]:
    """(line, message, hint) of every directive the writer would refuse where it stands."""
    found = []
    around: list[str] = []
    for token in tokens:
        kind = token.type.rpartition("_")[0]
        if token.type == "container_directive_open":
            name, _, rest = token.info.strip().partition(" ")
            refused = directive_refusal(name.lower(), rest.strip(), set(around))
            if refused:
                found.append(((token.map or [0])[0] + 1, *refused))
            around.append(name.lower())
        elif kind in _PLACES or kind == "container_directive":
            if token.nesting == 1:
                around.append(_PLACES.get(kind, ""))
            elif token.nesting == -1 and around:
                around.pop()
    return found


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


# --------------------------------------------------------------------------- refusals
# What the dialect refuses, checked alike by `validate` (at the source line) and the writer.

class MarkdownError(GeneratorError):
    """A Markdown construct the engine refuses; names the line, the construct and the fix."""

    def __init__(self, message: str, line: int = 0, hint: str = ""):
        self.line = line
        self.message = message
        self.hint = hint
        text = f"line {line}: {message}" if line else message
        if hint:
            text += f" ({hint})"
        super().__init__(text)


IMAGE_TYPES = {"PNG": "png", "JPEG": "jpeg", "GIF": "gif"}
"""Picture formats Word and LibreOffice both show, by Pillow's name, with their extension."""
EMU_PER_INCH = 914400
MAX_PICTURE_BYTES = 20 * 1024 * 1024
"""A picture larger than this is no photo for a report: refused before it is read whole."""


def picture_header(blob: bytes, src: str, line: int) -> tuple[str, int, int, float, float]:
    """Extension, pixel size and resolution of a picture, read from its header only."""
    import io

    from PIL import Image, UnidentifiedImageError  # lazy: only documents with pictures

    try:
        with Image.open(io.BytesIO(blob), formats=list(IMAGE_TYPES)) as image:
            dpi = image.info.get("dpi") or (72, 72)
            kind, (width, height) = image.format or "", image.size
            image.verify()  # a PNG's chunk checksums: Word shows a broken one as a red cross
    except UnidentifiedImageError:
        raise MarkdownError(f"image '{src}' is not a PNG, JPEG or GIF picture", line,
                            "convert it to PNG") from None
    except Exception as exc:  # any decoder error of a corrupt picture
        raise MarkdownError(f"image '{src}' cannot be read ({type(exc).__name__})", line,
                            "save it again as PNG") from None
    dpi_x, dpi_y = (float(round(d)) if d and d >= 1 else 72.0 for d in dpi)  # as Word rounds
    return IMAGE_TYPES[kind], width, height, dpi_x, dpi_y


_WIDTH_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(cm|mm|in|%)\s*$")
_EMU_PER_UNIT = {"cm": 360000, "mm": 36000, "in": EMU_PER_INCH}


def requested_width(value: str, text_width: int, line: int) -> int:
    """`{width=5cm}` on a picture: cm, mm, in, or % of the text width, in EMU."""
    match = _WIDTH_RE.match(value)
    if not match:
        raise MarkdownError(f"picture width '{value}' is not understood", line,
                            "write it like {width=5cm}, {width=40mm}, {width=2in} or {width=50%}")
    number, unit = float(match.group(1)), match.group(2)
    if unit == "%":
        return int(text_width * number / 100)
    return int(number * _EMU_PER_UNIT[unit])
