"""The client's work, item by item, at the source value it touches.

The returned text as sent is aligned with the rendering of its version, paragraph
by paragraph (difflib on whole paragraphs, then word by word where a paragraph
differs: an edit made without track changes). Each tracked change, comment and
untracked edit is then a range of one rendered paragraph, and the source map says
what value holds that range, or why none does.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from generator.delivery.review.as_sent import AsSent
from generator.delivery.review.returned import Change, Comment, Returned
from generator.delivery.review.sources import (
    SPACES,
    Candidate,
    Span,
    Unit,
    line_column,
    offset_in,
)
from generator.errors import display_path, text_start

_WORDS = re.compile(r"\w+|\s+|[^\w\s]")
_MOVED_ON = ("the text there reads otherwise in today's sources, and no commit renders the "
             "file as sent: the client's edit or a change of the sources since, compare by hand")


@dataclass(frozen=True)
class Target:
    """What `--apply` writes: the printed range `start:end` of a candidate becomes `after`."""

    candidate: Candidate
    start: int
    end: int
    before: str
    after: str


@dataclass
class Item:
    """One thing the client did, with where it lands in the sources."""

    kind: str
    author: str
    date: str
    before: str
    after: str
    where: str = ""
    text: str = ""
    """A comment's words; its replies follow as "author: text" lines."""
    replies: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    """`file:line:col key` of each value the item touches (or "generated: template X")."""
    target: Target | None = None
    status: str = "open"
    reason: str = ""
    at: tuple[int, int] = (-1, -1)
    """Where it stands in the rendered document (paragraph, offset): the report's order."""


class Mapper:
    """Aligns a returned document with its rendering and places each item in the sources."""

    def __init__(self, returned: Returned, sent: AsSent) -> None:
        self.returned = returned
        self.rendered = sent.rendering.blocks
        self.index = sent.index
        self.since = sent.since
        self.verified = sent.verified
        self.template = sent.rendering.job.kind.template
        self.pairs = _pair([b.text for b in returned.blocks], [b.text for b in self.rendered])
        self._spans: dict[int, list[Span]] = {}

    def items(self) -> list[Item]:
        found = [self.change(c) for c in self.returned.changes]
        found += [self.comment(c) for c in self.returned.comments]
        found += self.untracked()
        return sorted(found, key=lambda i: i.at)

    def spans(self, block: int) -> list[Span]:
        if block not in self._spans:
            self._spans[block] = self.index.spans(self.rendered[block].text)
        return self._spans[block]

    def position(self, block: int, offset: int) -> tuple[int, int] | None:
        """A place in the returned text as sent, in the rendering's coordinates."""
        target = self.pairs.get(block)
        if target is None:
            return None
        sent, rendered = self.returned.blocks[block].text, self.rendered[target].text
        return target, offset if sent == rendered else offset_in(sent, rendered, offset)

    def change(self, c: Change) -> Item:
        item = Item(c.kind, c.author, c.date, c.before, c.after)
        if c.new_block:
            block = self.pairs.get(c.block)
            item.where = self.describe(block)
            item.at = (block if block is not None else -1, len(self.rendered[block].text)
                       if block is not None else 0)
            item.reason = ("a new paragraph or row: no source value holds it (add it to the "
                           "sources by hand)")
            item.sources = [self.generated(block)]
            return item
        start, end = self.position(c.block, c.start), self.position(c.block, c.end)
        if start is None or end is None:
            item.reason = "in a paragraph the rendering of this version does not have"
            return item
        self.place(item, start[0], start[1], end[1])
        if not self.verified and not _same(self.returned.blocks[c.block].text,
                                           self.rendered[start[0]].text):
            item.target, item.reason = None, _MOVED_ON
        return item

    def place(self, item: Item, block: int, start: int, end: int) -> None:
        """Where a change of the rendered paragraph `block` lands; applicable or why not."""
        item.where, item.at = self.describe(block), (block, start)
        spans = [s for s in self.spans(block) if _touches(s, start, end)]
        item.sources = [self.locate(s.candidates[0], s, start) for s in spans] or [
            self.generated(block)]
        if not spans:
            item.reason = "generated wording: no source value holds it"
        elif len(spans) > 1:
            item.reason = "crosses two values: change each in its source"
        elif not (spans[0].start <= start and end <= spans[0].end):
            item.reason = "touches generated wording beside the value"
        elif len({c.unit for c in spans[0].candidates}) > 1:
            item.sources = [self.locate(c, spans[0], start) for c in spans[0].candidates]
            item.reason = (f"the same text stands in {len(item.sources)} values: change the "
                           "right one by hand")
        elif spans[0].candidates[0].unit.shared:
            item.reason = spans[0].candidates[0].unit.shared
        elif spans[0].candidates[0].unit.computed:
            item.reason = f"a computed value ({spans[0].candidates[0].unit.computed})"
        else:
            span = spans[0]
            now, item.reason = self.since.candidate(span.candidates[0])
            if now is not None and not item.reason:
                item.target = Target(now, start - span.start, end - span.start, item.before,
                                     item.after)

    def locate(self, candidate: Candidate, span: Span, at: int) -> str:
        """`file:line:col key` of the place in a value that printed `at`, in today's sources
        (where a value changed since the file was made: where its key stands now)."""
        now = self.since.candidate(candidate)[0]
        if now is None:
            unit = self.since.unit(candidate)
            if unit is None:
                return f"{display_path(self.since.file(candidate.unit))} {candidate.unit.key}"
            line, column = line_column(self.since.today.texts[unit.file], unit.start)
            return f"{display_path(unit.file)}:{line}:{column} {unit.key}"
        candidate, unit = now, now.unit
        text = self.since.today.texts[unit.file]
        offset = file_offset(candidate, max(at - span.start, 0), text)
        line, column = line_column(text, offset)
        key = unit.key
        if unit.style == "markdown":
            first = line_column(unit.value, candidate.vstart)[0]
            last = line_column(unit.value, candidate.vend)[0]
            key += f" (include, lines {first}-{last})"
        return f"{display_path(unit.file)}:{line}:{column} {key}"

    def comment(self, comment: Comment) -> Item:
        item = Item("comment", comment.author, comment.date, "", "", text=comment.text,
                    replies=[f"{r.author}: {r.text}" for r in comment.replies])
        item.reason = "a comment: answer it; change the sources by hand where it asks"
        start = self.position(*comment.start) if comment.start else None
        end = self.position(*comment.end) if comment.end else None
        if start is None:
            return item
        if end is None or end[0] != start[0]:
            end = (start[0], len(self.rendered[start[0]].text))
        item.where, item.at = self.describe(start[0]), start
        item.before = self.rendered[start[0]].text[start[1]:end[1]]
        spans = [s for s in self.spans(start[0]) if _touches(s, start[1], end[1])]
        item.sources = [self.locate(s.candidates[0], s, max(start[1], s.start))
                        for s in spans] or [self.generated(start[0])]
        return item

    def untracked(self) -> list[Item]:
        """Edits made without track changes: the sent text differs from the rendering."""
        found = []
        for sent_index, target in self.pairs.items():
            sent, rendered = self.returned.blocks[sent_index].text, self.rendered[target].text
            if _same(sent, rendered):
                continue
            old, new = _WORDS.findall(rendered), _WORDS.findall(sent)
            matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    continue
                start, end = len("".join(old[:i1])), len("".join(old[:i2]))
                item = Item("untracked edit", "", "", "".join(old[i1:i2]), "".join(new[j1:j2]))
                self.place(item, target, start, end)
                if not self.verified:
                    item.target, item.reason = None, _MOVED_ON
                found.append(item)
        return found

    def generated(self, block: int | None) -> str:
        """Where wording no value holds comes from: the document's template, or the header
        or footer the writer fills from the brand template and the document's properties."""
        story = self.rendered[block].story if block is not None else ""
        if story:
            return f"generated: the {story} (brand template, document properties)"
        return f"generated: template {self.template}"

    def describe(self, block: int | None) -> str:
        if block is None:
            return ""
        cell, story = self.rendered[block].cell, self.rendered[block].story
        if cell:
            where = f"table {cell[0] + 1}, row {cell[1] + 1}, column {cell[2] + 1}"
            return f"{where} of the {story}" if story else where
        text = self.rendered[block].text.strip()
        quoted = f"“{text_start(text)}”"
        return f"the {story} {quoted}" if story else f"paragraph {quoted}"


def file_offset(candidate: Candidate, printed_at: int, file_text: str) -> int:
    """Where the printed offset of a candidate stands in its file."""
    unit = candidate.unit
    value_slice = unit.value[candidate.vstart:candidate.vend]
    at = candidate.vstart + offset_in(candidate.printed, value_slice, printed_at)
    return unit.start + raw_offset(unit, file_text, at)


def raw_offset(unit: Unit, file_text: str, value_at: int, *, end: bool = False) -> int:
    """A value offset as an offset in the value's text as written (quotes, escapes, folds)."""
    if unit.style == "markdown":
        return value_at
    return offset_in(unit.value, file_text[unit.start:unit.end], value_at, end=end)


def _touches(span: Span, start: int, end: int) -> bool:
    if start == end:
        return span.start <= start <= span.end
    return start < span.end and end > span.start


def _same(a: str, b: str) -> bool:
    return a.translate(SPACES) == b.translate(SPACES)


def _pair(sent: list[str], rendered: list[str]) -> dict[int, int]:
    """Each sent paragraph's rendered counterpart: equal ones, and changed ones side by side.

    The common start and end are paired directly: a client changes a few paragraphs of
    thousands, and difflib on every paragraph of a long plan costs seconds.
    """
    old = [s.translate(SPACES) for s in sent]
    new = [r.translate(SPACES) for r in rendered]
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while (tail < min(len(old), len(new)) - head
           and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]):
        tail += 1
    pairs = {i: i for i in range(head)}
    pairs.update({len(old) - 1 - t: len(new) - 1 - t for t in range(tail)})
    matcher = difflib.SequenceMatcher(None, old[head:len(old) - tail],
                                      new[head:len(new) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for offset in range(min(i2 - i1, j2 - j1)):
                pairs[head + i1 + offset] = head + j1 + offset
    return pairs
