"""The source map: where each paragraph and table cell of a rendered document came from.

How the map is made, and why this way: a document's text is located afterwards,
by matching each rendered paragraph against every value of the sources as it
prints, never by marking values while templates run. Marks would have to pass
through typed records, Jinja filters, Babel formatting and the writer (column
widths, bookmarks, the contents page) without changing a byte of what the client
gets; matching reads only what already exists and stays right whatever a firm's
own templates do. It is exact where it answers: each value is known by its YAML
node (the scalar's span in the file, its style, its key path) or by its lines in
a Markdown include; a text printed from two values, or from none, is said so
(ambiguous, or "generated: template X"), never guessed. The map is not stored in
the .docx: `interim review` renders the identified version again and maps that
(the document's custom properties name the version; its content digest proves
the rendering is the text that was sent).

Values whose printed text is not their source text (dates, numbers, amounts) are
matched in each printed form and marked computed: a change there is reported at
the value but never written back.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.documents.templating import Formatter, one_line
from generator.documents.typography import typographic
from generator.errors import GeneratorError, display_path
from generator.source.dialect import make_parser
from generator.source.files import FileRefused, read_inside
from generator.source.project import ASSIGNMENT_FILE
from generator.source.reading import SAFE_LOADER

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
SPACES = str.maketrans("\u00a0\u202f\u2007", "   ")
"""No-break spaces the generator puts in dates and "60 %" read as spaces; one for one, so
offsets in the normalised text are offsets in the document's."""
_WORD_VALUE = re.compile(r"[a-z_]+")
"""A bare lowercase word is a choice (`high`, `done`, a person id): printed as its label."""
_INLINE_MARKUP = re.compile(r"[*_`\[\]\\<>&!~{}]")
"""What inline Markdown is written with; a text without any reads as typed."""
_DAY = re.compile(r"(\d{1,2})(?:er)?")
_PLAIN_LINE = re.compile(r"[^\s'\"]+(?: [^\s'\"]+)*")
"""A text the typesetting leaves as it is: words and single spaces, no quote, no break."""
_FIRM_FILES = frozenset({"brand_template", "logo", "templates", "link", "country",
                         "language"})
"""firm.yaml keys no document prints as text (files, codes)."""
_FIRM_VALUE = ("a value of firm.yaml, printed in every client's documents: the firm changes "
               "it there by hand if it agrees")
_MARKDOWN_BLOCKS = re.compile(r"\n\s*\n|^\s{0,3}(?:[-*+]|\d+[.)]|#{1,6}|>|\|)\s", re.M)


@dataclass(frozen=True)
class Unit:
    """One source value an edit can be written into: a YAML scalar or a Markdown include."""

    file: Path
    key: str
    """`analysis.milestones.M2.title`; for an include, the key that includes it."""
    start: int
    end: int
    """The value's span in the file's text (a scalar with its quotes; a whole include)."""
    value: str
    """What the value reads (a scalar's text; an include's Markdown as written)."""
    style: str
    """YAML scalar style (`plain`, `'`, `"`, `|`, `>`) or `markdown` for an include."""
    computed: str = ""
    """Why an edit here is never written back (a date or number as printed), else empty."""
    shared: str = ""
    """Why an edit of this value is left to the firm (a value of firm.yaml), else empty."""


@dataclass(frozen=True)
class Candidate:
    """A value as it prints: `printed` is what a document shows for `unit.value[vstart:vend]`."""

    printed: str
    unit: Unit
    vstart: int
    vend: int


@dataclass(frozen=True)
class Span:
    """Where a paragraph's text `start:end` came from (several candidates: ambiguous)."""

    start: int
    end: int
    candidates: tuple[Candidate, ...]


class SourceIndex:
    """Every value of one assignment's sources, as a document may print it."""

    def __init__(self, folder: Path, language: str, firm_file: Path | None = None) -> None:
        self.folder = folder
        self.fmt = Formatter(language)
        self.texts: dict[Path, str] = {}
        self.candidates: list[Candidate] = []
        self.parser = make_parser()
        self.constructor = SafeConstructor()
        self.forms: dict[Any, list[str]] = {}
        # by their first two words ("Mijlpaal 1234": a plan of 2,000 milestones has 2,000
        # values that start "Mijlpaal"), a one-word value by its word
        self.by_words: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
        self.dates: dict[int, list[tuple[datetime.date, Unit]]] = defaultdict(list)
        """Dates whose printed forms are made when a paragraph holds their day: formatting
        every date of a long plan costs more than finding the few a review needs."""
        path = folder / ASSIGNMENT_FILE
        text = self.read(path)
        node = yaml.compose(text, Loader=SAFE_LOADER)
        self.ids = set(_ids(node))
        if node is not None:
            self.node(path, node, ())
        if firm_file is not None:
            self.firm(firm_file)

    def read(self, path: Path) -> str:
        if path not in self.texts:
            try:
                _, raw = read_inside(self.folder, path.relative_to(self.folder).as_posix(),
                                     what="source")
            except FileRefused as refused:
                raise GeneratorError(f"{display_path(path)}: {refused.message}") from None
            self.texts[path] = raw.decode("utf-8-sig")
        return self.texts[path]

    def node(self, path: Path, node: Node, key: tuple[str, ...]) -> None:
        if isinstance(node, MappingNode):
            pairs = [(k, v) for k, v in node.value if isinstance(k, ScalarNode)]
            if len(pairs) == 1 and pairs[0][0].value == "include":
                self.include(path, pairs[0][1], key)
                return
            for k, v in pairs:
                self.node(path, v, (*key, str(k.value)))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self.node(path, item, (*key, item_name(item, i)))
        elif isinstance(node, ScalarNode):
            self.scalar(path, node, key)

    def scalar(self, path: Path, node: ScalarNode, key: tuple[str, ...]) -> None:
        dotted = key_path(key)
        style = node.style or "plain"
        unit = Unit(path, dotted, node.start_mark.index, node.end_mark.index, node.value, style)
        if node.tag != "tag:yaml.org,2002:str":
            value = self.constructor.construct_object(node, deep=True)
            dated = isinstance(value, datetime.date)
            what = "a date" if dated else "a number or amount"
            unit = Unit(path, dotted, unit.start, unit.end, node.value, style,
                        computed=f"{what}, printed by the generator")
            if dated:
                self.dates[value.day].append((value, unit))
            for form in dict.fromkeys([node.value, *([] if dated else
                                                     self.computed_forms(value))]):
                self.add(form, unit, 0, len(node.value))
            return
        if _WORD_VALUE.fullmatch(node.value):
            return
        if node.value in self.ids:
            unit = Unit(path, dotted, unit.start, unit.end, node.value, style,
                        computed="an id: other values name it by this id")
        if _MARKDOWN_BLOCKS.search(node.value.strip()):
            self.markdown(unit)
        else:
            self.printed_forms(unit, 0, len(unit.value))

    def firm(self, path: Path) -> None:
        """The firm's texts (its footer, name, address, signatory, `about`): printed in every
        client's documents, so an edit there is said at firm.yaml's line, never applied."""
        try:
            _, raw = read_inside(path.parent, path.name, what="firm file",
                                 folder="the repository")
        except FileRefused:
            return  # no firm.yaml: the neutral built-in firm, no line to point at
        self.texts[path] = raw.decode("utf-8-sig")
        try:
            node = yaml.compose(self.texts[path], Loader=SAFE_LOADER)
        except yaml.YAMLError:
            return  # the build that made the document read it; a broken one says so there
        stack: list[tuple[Node | None, tuple[str, ...]]] = [(node, ())]
        while stack:
            node, key = stack.pop()
            if isinstance(node, MappingNode):
                stack += [(v, (*key, str(k.value))) for k, v in node.value
                          if isinstance(k, ScalarNode) and k.value not in _FIRM_FILES]
            elif isinstance(node, SequenceNode) and key != ("words",):
                stack += [(v, (*key, f"[{i}]")) for i, v in enumerate(node.value)]
            elif isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" \
                    and not _WORD_VALUE.fullmatch(node.value):
                unit = Unit(path, key_path(key), node.start_mark.index, node.end_mark.index,
                            node.value, node.style or "plain", shared=_FIRM_VALUE)
                if _MARKDOWN_BLOCKS.search(node.value.strip()):
                    self.markdown(unit)
                else:
                    self.printed_forms(unit, 0, len(unit.value))

    def include(self, path: Path, target: Node, key: tuple[str, ...]) -> None:
        if not isinstance(target, ScalarNode):
            return
        file = (self.folder / str(target.value))
        text = self.read(file)
        self.markdown(Unit(file, key_path(key), 0, len(text), text, "markdown"))

    def markdown(self, unit: Unit) -> None:
        """Each paragraph, heading, list item and table row of Markdown text on its own."""
        lines = unit.value.splitlines(keepends=True)
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        for token in self.parser.parse(unit.value):
            if token.type != "inline" or not token.map:
                continue
            first, last = token.map
            vstart, vend = starts[first], starts[min(last, len(lines))]
            vend = vstart + len(unit.value[vstart:vend].rstrip("\n"))
            self.add(_plain(token), unit, vstart, vend)

    def printed_forms(self, unit: Unit, vstart: int, vend: int) -> None:
        """A text as typed (on one line), and as inline Markdown reads."""
        text = unit.value[vstart:vend]
        self.add(one_line(text), unit, vstart, vend)
        if _INLINE_MARKUP.search(text):
            for token in self.parser.parseInline(text):
                self.add(_plain(token), unit, vstart, vend)

    def computed_forms(self, value: Any) -> list[str]:
        """A date or number as the documents print it (once per value: plans repeat dates)."""
        key = (type(value), value)
        if key not in self.forms:
            self.forms[key] = self._forms(value)
        return self.forms[key]

    def _forms(self, value: Any) -> list[str]:
        if isinstance(value, datetime.date):
            return [self.fmt.date(value, form) for form in ("long", "medium", "short")]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return []
        return [self.fmt.number(value), self.fmt.money(value), self.fmt.amount(value)]

    def add(self, printed: str, unit: Unit, vstart: int, vend: int) -> None:
        # as the documents typeset it ("O'Brien" prints "O’Brien"): one character for one, so
        # offsets in the printed text stay offsets in the value
        if not _PLAIN_LINE.fullmatch(printed):  # most values are one plain line: as typed
            printed = one_line(printed).translate(SPACES)
            printed = typographic(printed) if "'" in printed or '"' in printed else printed
        words = tuple(m.group() for m in islice(_TOKEN.finditer(printed), 2))
        if words:
            candidate = Candidate(printed, unit, vstart, vend)
            self.candidates.append(candidate)
            self.by_words[words].append(candidate)

    def dated(self, token: str) -> None:
        """The printed forms of the dates on the day a paragraph's number names ("16",
        "05", "1er"), made now."""
        day = _DAY.fullmatch(token)
        for value, unit in self.dates.pop(int(day[1]) if day else 0, ()):
            for form in self.computed_forms(value):
                if form != unit.value:
                    self.add(form, unit, 0, len(unit.value))

    def spans(self, text: str) -> list[Span]:
        """The values a paragraph's text holds, longest first, never overlapping."""
        found: dict[tuple[int, int], list[Candidate]] = defaultdict(list)
        text = text.translate(SPACES)
        tokens = list(_TOKEN.finditer(text))
        for token in tokens if self.dates else ():
            self.dated(token.group())
        for n, token in enumerate(tokens):
            at = token.start()
            after = tokens[n + 1].group() if n + 1 < len(tokens) else None
            for candidate in (*self.by_words.get((token.group(),), ()),
                              *self.by_words.get((token.group(), after), ())):
                end = at + len(candidate.printed)
                if text.startswith(candidate.printed, at) and _bounded(text, at, end):
                    found[(at, end)].append(candidate)
        taken: list[Span] = []
        for (start, end), candidates in sorted(found.items(),
                                               key=lambda f: (f[0][0] - f[0][1], f[0][0])):
            if all(end <= s.start or start >= s.end for s in taken):
                unique = {(c.unit, c.vstart, c.vend): c for c in candidates}
                taken.append(Span(start, end, tuple(unique.values())))
        return sorted(taken, key=lambda s: s.start)


def _bounded(text: str, start: int, end: int) -> bool:
    """A match begins and ends at a word's edge: "M2" is no part of "M20"."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if (text[end - 1].isdigit() and after in ",." and text[end + 1:end + 2].isdigit()) or (
            text[start].isdigit() and before in ",." and text[start - 2:start - 1].isdigit()):
        return False  # "4" is no part of "4,2"
    return not (before.isalnum() and text[start].isalnum()) and not (
        after.isalnum() and text[end - 1].isalnum())


def _plain(token: Any) -> str:
    """What an inline Markdown token shows: its text, code and link texts, breaks as spaces."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain(child))
    return "".join(parts)


def _ids(node: Node | None) -> Iterator[str]:
    """Every `id:` value of the file: a value equal to one names that item."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode):
                yield str(v.value)
            else:
                yield from _ids(v)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _ids(item)


def item_name(node: Node, index: int) -> str:
    """A list item by its id when it has one (`milestones.M2`), else by its place (`[0]`)."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode):
                return str(v.value)
    return f"[{index}]"


def key_path(key: tuple[str, ...]) -> str:
    return "".join(part if part.startswith("[") or not n else "." + part
                   for n, part in enumerate(key))


def offset_in(source: str, target: str, offset: int, *, end: bool = False) -> int:
    """Where `source[offset]` stands in `target`, a near copy (quotes, escapes, line folds).

    At the seam of two matching stretches (`all ` | `**` | `nine`) a range's start goes
    with the text after it, its `end` with the text before it: markup stays outside.
    """
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    best = 0
    for a, b, size in matcher.get_matching_blocks():
        if size and (a < offset <= a + size if end else a <= offset < a + size):
            return b + offset - a
        if a + size <= offset:
            best = b + size
    return min(best, len(target))


def line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
