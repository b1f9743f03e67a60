"""Where an assignment's prose is: every user text of its files, each character with its place.

The spell check names a word at its file, line and column, inside a YAML scalar of any
style (plain, quoted, folded, literal) and inside an included Markdown file. So the
text is not taken from the loaded data, where those places are gone: the YAML is
composed again and each text scalar is read here from its source characters, keeping
the offset of every one. What is text is told by the model's declared types: ids,
references, dates, amounts, choices (`high`) and codes (`EUR`) are not prose; names
and addresses are text, but no dictionary judges them, so they are kept apart.
Markdown markup (code, link addresses, attributes, directives, footnote labels) is
blanked out, keeping every other character where it was.
"""

from __future__ import annotations

import bisect
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Location
from generator.source.files import read_file, read_inside
from generator.source.model import Assignment, BlockMarkdown
from generator.source.reading import SAFE_LOADER
from generator.source.records import Check, Record, fields
from generator.source.references import parts, shape
from generator.source.values import Ref

NAME_KEYS = frozenset({"name", "address"})
"""Fields holding names of people, organisations and places: accepted words, not checked."""
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class Lines:
    """A file's text and where its lines start, to turn an offset into line and column."""

    path: Path
    text: str
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", self.text))]

    def locate(self, offset: int) -> Location:
        line = bisect.bisect_right(self.starts, offset)
        return Location(self.path, line, offset - self.starts[line - 1] + 1)


@dataclass
class Prose:
    """One user text as it reads, markup blanked, with the file offset of each character."""

    lines: Lines
    text: str
    offsets: list[int]

    def locate(self, index: int) -> Location:
        return self.lines.locate(self.offsets[index])


@dataclass
class Found:
    """The prose of an assignment's files, and the words of its names and ids (never judged)."""

    prose: list[Prose] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def assignment_prose(folder: Path, file: str = "assignment.yaml") -> Found:
    """Every user text of an assignment (its YAML and the Markdown it includes).

    The assignment has been validated: its YAML composes and its includes are readable.
    """
    path = folder / file
    lines = Lines(path, read_file(path).decode("utf-8-sig"))
    found = Found()
    root = yaml.compose(lines.text, Loader=SAFE_LOADER)
    _Walk(folder, lines, found).node(root, Assignment, "")
    return found


class _Walk:
    """The node graph and the declared types, walked together."""

    def __init__(self, folder: Path, lines: Lines, found: Found) -> None:
        self.folder, self.lines, self.found = folder, lines, found

    def node(self, node: Node, annotation: Any, key: str) -> None:
        if key == "id" and isinstance(node, ScalarNode):
            self.found.names.append(node.value)  # a person's id may stand in `amends`
        role = _role(annotation, key)
        if role == "record" and isinstance(node, MappingNode):
            declared = {f.key: f for f in fields(shape(annotation)).values()}
            for key_node, value in node.value:
                if key_node.value in declared:
                    self.node(value, declared[key_node.value].annotation, key_node.value)
        elif role in ("list", "dict", "any"):
            self.collection(node, annotation, role, key)
        elif role in ("text", "name"):
            self.text(node, role, _is_block(annotation))

    def collection(self, node: Node, annotation: Any, role: str, key: str) -> None:
        args = typing.get_args(shape(annotation))
        if isinstance(node, SequenceNode):
            item = args[0] if role == "list" else Any
            for entry in node.value:
                self.node(entry, item, key)
        elif isinstance(node, MappingNode) and role != "list":
            item = args[1] if role == "dict" else Any
            for _, value in node.value:  # keys are the format's (English, fixed) or ids
                self.node(value, item, key)
        elif isinstance(node, ScalarNode) and role == "any" and node.tag == _STR_TAG:
            self.text(node, "text", False)

    def text(self, node: Node, role: str, block: bool) -> None:
        if isinstance(node, MappingNode):
            pairs = node.value
            if len(pairs) == 1 and pairs[0][0].value == "include":
                self.include(pairs[0][1].value)
                return
            # a sentence YAML read as a one-pair mapping (`- Hire (note: help)`), as typed
            start, end = node.start_mark.index, node.end_mark.index
            chars, offsets = self.lines.text[start:end], list(range(start, end))
        elif isinstance(node, ScalarNode) and node.tag == _STR_TAG:
            chars, offsets = scalar_characters(self.lines.text, node)
        else:
            return
        if role == "name":
            self.found.names.append(chars)
        else:
            self.found.prose.append(Prose(self.lines, mask_markdown(chars, block), offsets))

    def include(self, name: str) -> None:
        path, raw = read_inside(self.folder, name, what="include")
        lines = Lines(path, raw.decode("utf-8-sig"))
        self.found.prose.append(
            Prose(lines, mask_markdown(lines.text, True), list(range(len(lines.text)))))


def _role(annotation: Any, key: str) -> str:
    """What a value of this declared type is to the spell check."""
    found = list(parts(annotation))
    if key == "id" or any(isinstance(p, Ref) for p in found):
        return "skip"
    if any(isinstance(p, Check) and dict(p.schema).get("pattern") for p in found):
        return "skip"  # a code (`EUR`) or an id, by the pattern it must match
    held = shape(annotation)
    origin = typing.get_origin(held)
    if held is Any:
        return "any"
    if origin is Literal:
        return "skip"
    if origin in (list, dict):
        return "list" if origin is list else "dict"
    if isinstance(held, type) and issubclass(held, Record):
        return "record"
    if held is str:
        return "name" if key in NAME_KEYS else "text"
    return "skip"  # dates, numbers, true/false


def _is_block(annotation: Any) -> bool:
    return any(isinstance(p, Check) and p.apply is BlockMarkdown for p in parts(annotation))


# --------------------------------------------------------------------------- YAML scalars

_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
            "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


def scalar_characters(text: str, node: ScalarNode) -> tuple[str, list[int]]:
    """The characters of a scalar's value (line breaks kept as breaks), each with its offset
    in `text`: quotes, escapes, block headers and indentation are not the value's."""
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style or ""
    if style in ("|", ">"):
        return _block(text, start, end)
    if style in ("'", '"'):
        start, end = start + 1, end - 1
    chars: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        char = text[i]
        step = 1
        if char == "\n":  # a folded line: its indentation is not text
            while i + step < end and text[i + step] in " \t":
                step += 1
        elif style == "'" and text.startswith("''", i):
            step = 2
        elif style == '"' and char == "\\":
            char, step = _escape(text, i, end)
        if char:
            chars.append(char)
            offsets.append(i)
        i += step
    return "".join(chars), offsets


def _escape(text: str, i: int, end: int) -> tuple[str, int]:
    """The character a double-quoted escape at `i` stands for, and its length."""
    code = text[i + 1] if i + 1 < end else ""
    if code == "\n":  # an escaped line break joins the lines
        return "", 2
    if code in _HEX:
        digits = text[i + 2:i + 2 + _HEX[code]]
        return chr(int(digits, 16)), 2 + _HEX[code]
    return _ESCAPES.get(code, code), 2


def _block(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """A literal or folded block: the lines after the header, less their common indentation."""
    body = text.index("\n", start) + 1 if "\n" in text[start:end] else end
    rows = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*\n?", text[body:end])
            if m.group()]
    indents = [len(row) - len(row.lstrip(" ")) for _, row in rows if row.strip()]
    header = text[start:body]
    indent = (min(indents) if re.search(r"[|>][+-]?[1-9]", header) else indents[0]) \
        if indents else 0
    chars: list[str] = []
    offsets: list[int] = []
    for at, row in rows:
        skip = min(indent, len(row) - len(row.lstrip(" ")))
        chars.append(row[skip:])
        offsets += range(body + at + skip, body + at + len(row))
    return "".join(chars), offsets


# --------------------------------------------------------------------------- Markdown

_INLINE_MARKUP = re.compile(
    r"(`+)[^`]*?\1"                     # code spans
    r"|(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)"  # a link's address: [text](address "title")
    r"|<[a-zA-Z][^<>\s]*>"              # autolinks <https://...>, <mailto:...>
    r"|\[\^[^\]\s]*\]:?"                 # footnote labels [^1], [^note]:
    r"|\{[^{}\n]*\}"                    # attributes {width=12cm} {.class}
    r"|&#?\w+;"                         # character references &amp;
    r"|^[ \t]*:{3,}.*$",                # directive lines ::: style Cover
    re.MULTILINE,
)


def mask_markdown(text: str, blocks: bool) -> str:
    """The text with its markup blanked (spaces, line breaks kept): same length, same places.

    Emphasis, headings, lists and tables need nothing: their marks are not letters. With
    `blocks`, code blocks (fenced or indented) are blanked too, found by the dialect's own
    parser, as the writer will read them.
    """
    masked = _INLINE_MARKUP.sub(_blank, text)
    if not blocks or ("```" not in text and "~~~" not in text and "    " not in text
                      and "\t" not in text):
        return masked
    from generator.source.dialect import make_parser  # markdown-it, only for a block text

    starts = [0, *(m.end() for m in re.finditer("\n", masked)), len(masked) + 1]
    spans = [token.map for token in make_parser().parse(masked)
             if token.type in ("fence", "code_block") and token.map]
    for first, last in spans:
        a, b = starts[first], starts[min(last, len(starts) - 1)] - 1
        masked = masked[:a] + _blank_text(masked[a:b]) + masked[b:]
    return masked


def _blank(match: re.Match[str]) -> str:
    return _blank_text(match.group())


def _blank_text(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)

