"""Word tracked changes between two renderings of one document, diffed over its structure.

A story (the body, a header, a footer, a table cell) is a list of blocks:
paragraphs and tables. Blocks are aligned with difflib on their content; in a
changed stretch, blocks of the same kind (a paragraph of the same style, a table
with the same header row) are paired and diffed inside, the others deleted and
inserted whole. Table rows are matched by their id (the first cell), so M2 stays
M2 when a row is inserted above it; a changed row is diffed cell by cell; a
changed paragraph word by word, keeping each run's formatting. Everything new is
taken from the newer document, everything deleted is quoted from the older one.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from lxml import etree

from generator.delivery.redline.marks import (
    DEL,
    EQ,
    INS,
    W_SECTPR,
    Mark,
    move_joining_marks,
    own_format,
    same_format,
    set_paragraph_mark,
    unique_drawing_ids,
)
from generator.delivery.redline.package import MAIN_PART, Package
from generator.delivery.redline.words import (
    NO_BREAK_HYPHEN,
    W_NO_BREAK_HYPHEN,
    joined_hyphens,
    tokens,
)
from generator.writer.oxml import R_ID, W_P, W_PPR, W_R, W_RPR, W_T, el, insert_in_order, w

W_TBL, W_TR, W_TC, W_TRPR, W_TCPR = w("tbl"), w("tr"), w("tc"), w("trPr"), w("tcPr")
W_BODY, W_HYPERLINK = w("body"), w("hyperlink")
_BOOKMARKS = (w("bookmarkStart"), w("bookmarkEnd"))
_PIECES = (w("tab"), w("br"), w("cr"), W_NO_BREAK_HYPHEN)
_RENAMED_WHEN_DELETED = {W_T: w("delText"), w("instrText"): w("delInstrText")}
_BOOKMARK_XML = re.compile(rb"<w:bookmark(?:Start|End)\b[^>]*/>")
_DOCPR_XML = re.compile(rb"(<wp:docPr)\b[^>]*?(/?>)")
_RID_XML = re.compile(rb'r:(id|embed|link)="([^"]*)"')
# Numbered heading bookmarks: a heading added above renumbers the rest, text unchanged.
_TOC_NAME, _TOC_NAME_XML = re.compile(r"_Toc\d+"), re.compile(rb"_Toc\d+")


@dataclass(frozen=True)
class Side:
    """One story of one package: where relationship ids are resolved."""

    package: Package
    part: str

    def signature(self, node: etree._Element) -> bytes:
        """Equality key of a block: its XML without bookmarks, drawing ids and rIds' names."""
        text = _DOCPR_XML.sub(rb"\1\2", _BOOKMARK_XML.sub(b"", etree.tostring(node)))
        text = _TOC_NAME_XML.sub(b"_Toc", text)
        if b"r:" not in text:
            return text
        return _RID_XML.sub(lambda m: b"r:" + m[1] + b'="' + self.package.resolved(
            self.part, m[2].decode()).encode() + b'"', text)


@dataclass(frozen=True)
class Atom:
    """A piece of a paragraph's content: a word (or space, or sign), a tab, or a whole run."""

    key: tuple[Any, ...]
    kind: str  # "text", "piece" (tab, break), "run" (kept whole), "other" (bookmark, ...)
    value: Any
    rpr: etree._Element | None
    link: etree._Element | None


REWRITTEN = 0.5
"""Below this share of words (and spaces) in common, a paragraph or cell was rewritten:
the old text is shown deleted whole, then the new one, instead of interleaved words."""

class StoryDiff:
    """The tracked-change version of one story: the newer one, marked against the older."""

    def __init__(self, old: Side, new: Side, mark: Mark):
        self.old, self.new, self.mark = old, new, mark

    def run(self) -> etree._Element:
        old_root = self.old.package.xml(self.old.part)
        new_root = self.new.package.xml(self.new.part)
        old_box, new_box = _container(old_root), _container(new_root)
        current = _blocks(new_box)
        replace_children(new_box, current, self.blocks(_blocks(old_box), current))
        etree.cleanup_namespaces(new_root)
        if self.new.part == MAIN_PART:
            unique_drawing_ids(new_root)
        return new_root

    # -- blocks --------------------------------------------------------------------------
    def blocks(self, old: Sequence[etree._Element], new: Sequence[etree._Element]
               ) -> list[etree._Element]:
        """The blocks of a story or cell: equal ones kept, the changed stretches diffed."""
        matcher = SequenceMatcher(None, [self.old.signature(b) for b in old],
                                  [self.new.signature(b) for b in new], autojunk=False)
        out: list[etree._Element] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out += new[j1:j2]
            else:
                out += self.stretch(old[i1:i2], new[j1:j2])
        move_joining_marks(out, self.mark)
        return out

    def stretch(self, old: Sequence[etree._Element], new: Sequence[etree._Element]
                ) -> list[etree._Element]:
        """A changed stretch: like blocks paired and diffed inside, the rest deleted/inserted."""
        if _all_paragraphs(old) and _all_paragraphs(new) and len(old) == len(new):
            return [b for o, n in zip(old, new, strict=True) for b in self.paragraph(o, n)]
        return self.align(old, new, (_text_key, _kind_key))

    def align(self, old: Sequence[etree._Element], new: Sequence[etree._Element],
              keys: tuple[Callable[[etree._Element], tuple[str, ...]], ...]
              ) -> list[etree._Element]:
        """Pair blocks with equal keys (same text first, then same kind), then the rest."""
        if not keys:
            return self.replaced(old, new)
        matcher = SequenceMatcher(None, [keys[0](b) for b in old], [keys[0](b) for b in new],
                                  autojunk=False)
        out: list[etree._Element] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out += [b for o, n in zip(old[i1:i2], new[j1:j2], strict=True)
                        for b in self.pair(o, n)]
            else:
                out += self.align(old[i1:i2], new[j1:j2], keys[1:])
        return out

    def replaced(self, old: Sequence[etree._Element], new: Sequence[etree._Element]
                 ) -> list[etree._Element]:
        """Blocks of other kinds: the k-th paragraph of each side paired (text and format
        tracked, no paragraph mark to come or go, so none is left empty between tables),
        the rest deleted or inserted; each side keeps its own order."""
        out: list[etree._Element] = []
        waiting = list(old)
        for n in new:
            if n.tag == W_P and any(o.tag == W_P for o in waiting):
                while waiting[0].tag != W_P:
                    out += self._deleted_blocks([waiting.pop(0)])
                out += self.paragraph(waiting.pop(0), n)
            else:
                out.append(self.inserted(n))
        return out + self._deleted_blocks(waiting)

    def _deleted_blocks(self, old: Sequence[etree._Element]) -> list[etree._Element]:
        return [marked for o in old if (marked := self.deleted(o)) is not None]

    def pair(self, old: etree._Element, new: etree._Element) -> list[etree._Element]:
        if new.tag == W_P:
            return self.paragraph(old, new)
        if new.tag == W_TBL:
            return [self.table(old, new)]
        return [new]  # a block the writer does not make: shown as it is now

    def quote(self, old: etree._Element) -> etree._Element:
        """A copy of older content to stand in the newer package (its lists carried over)."""
        node = copy.deepcopy(old)
        self.new.package.import_numbering(self.old.package, node)
        return node

    def deleted(self, old: etree._Element) -> etree._Element | None:
        node = self.quote(old)
        if node.tag == W_P:
            self.mark_paragraph(node, DEL)
        elif node.tag == W_TBL:
            self.mark_table(node, DEL)
        else:
            return None
        return node

    def inserted(self, new: etree._Element) -> etree._Element:
        if new.tag == W_P:
            self.mark_paragraph(new, INS)
        elif new.tag == W_TBL:
            self.mark_table(new, INS)
        return new

    # -- tables --------------------------------------------------------------------------
    def table(self, old: etree._Element, new: etree._Element) -> etree._Element:
        """Rows matched by id (first cell); a row with the same id is diffed cell by cell."""
        old_rows, new_rows = old.findall(W_TR), new.findall(W_TR)
        matcher = SequenceMatcher(None, [_row_id(r) for r in old_rows],
                                  [_row_id(r) for r in new_rows], autojunk=False)
        out: list[etree._Element] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for o, n in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                    out += self.row(o, n)
                continue
            for o in old_rows[i1:i2]:
                row = self.quote(o)
                self.mark_row(row, DEL)
                out.append(row)
            for n in new_rows[j1:j2]:
                self.mark_row(n, INS)
                out.append(n)
        replace_children(new, new_rows, out)
        return new

    def row(self, old: etree._Element, new: etree._Element) -> list[etree._Element]:
        if self.old.signature(old) == self.new.signature(new):
            return [new]
        old_cells, new_cells = old.findall(W_TC), new.findall(W_TC)
        if len(old_cells) != len(new_cells):
            gone = self.quote(old)
            self.mark_row(gone, DEL)
            self.mark_row(new, INS)
            return [gone, new]
        for o, n in zip(old_cells, new_cells, strict=True):
            if self.old.signature(o) != self.new.signature(n):
                content = _blocks(n)
                replace_children(n, content, self.blocks(_blocks(o), content))
        return [new]

    def mark_table(self, table: etree._Element, status: str) -> None:
        for row in table.findall(W_TR):
            self.mark_row(row, status)

    def mark_row(self, row: etree._Element, status: str) -> None:
        """A whole row inserted or deleted: its trPr mark, and its cells' content."""
        props = row.find(W_TRPR)
        if props is None:
            props = el("trPr")
            insert_in_order(row, props, ("tc", "sdt", "customXml", "bookmarkStart"))
        props.append(self.mark.element(status))
        for cell in row.findall(W_TC):
            paragraphs = [b for b in _blocks(cell) if b.tag == W_P]
            for block in _blocks(cell):
                if block.tag == W_P:
                    self.mark_paragraph(block, status, mark=block is not paragraphs[-1])
                elif block.tag == W_TBL:
                    self.mark_table(block, status)

    # -- paragraphs ----------------------------------------------------------------------
    def paragraph(self, old: etree._Element, new: etree._Element) -> list[etree._Element]:
        """One paragraph, word-level: the newer paragraph's properties, both sides' words.

        A changed picture replaces its whole paragraph: LibreOffice loses a deleted
        picture's paragraph on reject-all when both pictures share one paragraph.
        """
        old_sig, new_sig = self.old.signature(old), self.new.signature(new)
        if old_sig == new_sig:
            return [new]
        if b"<w:drawing" in old_sig or b"<w:drawing" in new_sig:
            gone = self.deleted(old)
            return [gone, self.inserted(new)] if gone is not None else [self.inserted(new)]
        before, after = self.atoms(old, self.old), self.atoms(new, self.new)
        matcher = SequenceMatcher(None, [a.key for a in before], [a.key for a in after],
                                  autojunk=False)
        items: list[tuple[str, Atom]] = []
        if matcher.ratio() < REWRITTEN:  # another text: read whole, not word by word
            items = [(DEL, a) for a in before] + [(INS, a) for a in after]
        for tag, i1, i2, j1, j2 in [] if items else matcher.get_opcodes():
            if tag == "equal":
                items += [(EQ, a) for a in after[j1:j2]]
                continue
            items += [(DEL, a) for a in before[i1:i2]]
            items += [(INS, a) for a in after[j1:j2]]
        result = etree.Element(W_P)
        self.paragraph_properties(old, new, result)
        _Emitter(self, result).emit(items)
        return [result]

    def paragraph_properties(self, old: etree._Element, new: etree._Element,
                             result: etree._Element) -> None:
        """The newer paragraph's properties; a changed format recorded as w:pPrChange."""
        before, after = self.quote(own_format(old)), own_format(new)
        props = new.find(W_PPR)
        props = copy.deepcopy(props) if props is not None else el("pPr")
        if not same_format(before, after):
            change = self.mark.element("pPrChange")
            change.append(before)
            props.append(change)
        if len(props):
            result.append(props)

    def atoms(self, paragraph: etree._Element, side: Side) -> list[Atom]:
        out: list[Atom] = []
        for child in paragraph:
            if child.tag == W_HYPERLINK:
                target = child.get(R_ID)
                key = (side.package.resolved(side.part, target) if target
                       else _TOC_NAME.sub("_Toc", child.get(w("anchor")) or ""))
                for inner in child:
                    self._atoms(inner, side, child, key, out)
            elif child.tag != W_PPR:
                self._atoms(child, side, None, None, out)
        return out

    def _atoms(self, node: etree._Element, side: Side, link: etree._Element | None,
               link_key: str | None, out: list[Atom]) -> None:
        if node.tag != W_R:
            if node.tag in _BOOKMARKS and side is self.old:
                return  # the newer document's bookmarks are the ones kept
            key = ("mark", id(node)) if node.tag in _BOOKMARKS else ("other", side.signature(node))
            out.append(Atom(key, "other", node, None, link))
            return
        rpr = node.find(W_RPR)
        style = etree.tostring(rpr) if rpr is not None else b""
        content = [c for c in node if c.tag != W_RPR]
        if not all(c.tag == W_T or c.tag in _PIECES for c in content):
            out.append(Atom(("run", side.signature(node), link_key), "run", node, None, link))
            return
        for c in joined_hyphens(content):
            if isinstance(c, str):
                out += [Atom(("t", token, style, link_key), "text", token, rpr, link)
                        for token in tokens(c)]
            else:
                key = ("piece", etree.tostring(c), style, link_key)
                out.append(Atom(key, "piece", c, rpr, link))

    def mark_paragraph(self, paragraph: etree._Element, status: str, *, mark: bool = True) -> None:
        """A whole paragraph inserted or deleted: its runs wrapped, and its mark."""
        if status == DEL:
            for node in [n for n in paragraph.iter(*_BOOKMARKS)]:
                node.getparent().remove(node)
            for link in paragraph.findall(W_HYPERLINK):  # old text need not stay a link
                index = paragraph.index(link)
                paragraph[index:index + 1] = list(link)
        for holder in [paragraph, *paragraph.findall(W_HYPERLINK)]:
            self.wrap_runs(holder, status)
        if mark:
            set_paragraph_mark(paragraph, self.mark.element(status))

    def wrap_runs(self, holder: etree._Element, status: str) -> None:
        """Each stretch of consecutive runs in `holder` into one w:ins / w:del."""
        wrapper: etree._Element | None = None
        for child in list(holder):
            if child.tag != W_R:
                wrapper = None
                continue
            if wrapper is None:
                wrapper = self.mark.element(status)
                child.addprevious(wrapper)
            if status == DEL:
                self.as_deleted(child)
            wrapper.append(child)

    def as_deleted(self, run: etree._Element) -> None:
        """An old run as deleted text: w:delText, its pictures carried into the new package."""
        for node in list(run.iter()):
            if node.tag in _RENAMED_WHEN_DELETED:
                node.tag = _RENAMED_WHEN_DELETED[node.tag]
            elif node.tag == w("footnoteReference"):  # its note is the older package's
                node.getparent().remove(node)
        self.new.package.import_from(self.old.package, self.old.part, run, self.new.part)


class _Emitter:
    """Writes diffed atoms back as runs: consecutive words of one format and state, one run."""

    def __init__(self, diff: StoryDiff, paragraph: etree._Element):
        self.diff, self.paragraph = diff, paragraph
        self.link_source: etree._Element | None = None
        self.holder = paragraph  # the paragraph, or a hyperlink inside it
        self.wrapper: etree._Element | None = None  # the w:ins / w:del being filled
        self.wrapper_status = EQ
        self.run: etree._Element | None = None
        self.run_key: tuple[Any, ...] = ()

    def emit(self, items: list[tuple[str, Atom]]) -> None:
        for status, atom in items:
            self.enter_link(None if status == DEL else atom.link)
            if atom.kind == "other":
                if status != DEL:  # a bookmark or the like: not text, kept from the newer
                    self.holder.append(copy.deepcopy(atom.value))
                self.wrapper, self.run = None, None
                continue
            target = self.target(status)
            if atom.kind == "run":
                run = copy.deepcopy(atom.value)
                if status == DEL:
                    self.diff.as_deleted(run)
                target.append(run)
                self.run = None
                continue
            self.add(target, status, atom)

    def enter_link(self, link: etree._Element | None) -> None:
        if link is self.link_source:
            return
        self.link_source, self.wrapper, self.run = link, None, None
        if link is None:
            self.holder = self.paragraph
        else:
            self.holder = etree.SubElement(self.paragraph, W_HYPERLINK, attrib=dict(link.attrib))

    def target(self, status: str) -> etree._Element:
        if status == EQ:
            if self.wrapper is not None:
                self.wrapper, self.run = None, None
            return self.holder
        if self.wrapper is None or self.wrapper_status != status:
            self.wrapper = self.diff.mark.element(status)
            self.wrapper_status = status
            self.holder.append(self.wrapper)
            self.run = None
        return self.wrapper

    def add(self, target: etree._Element, status: str, atom: Atom) -> None:
        key = (status, atom.key[2])
        if self.run is None or self.run.getparent() is not target or self.run_key != key:
            self.run = etree.SubElement(target, W_R)
            if atom.rpr is not None:
                self.run.append(copy.deepcopy(atom.rpr))
            self.run_key = key
        if atom.kind == "piece":
            self.run.append(copy.deepcopy(atom.value))
            return
        tag = _RENAMED_WHEN_DELETED[W_T] if status == DEL else W_T
        for n, text in enumerate(atom.value.split(NO_BREAK_HYPHEN)):
            last = self.run[-1] if len(self.run) else None
            if n:  # the writer's w:noBreakHyphen, back in its place
                last = etree.SubElement(self.run, W_NO_BREAK_HYPHEN)
            if last is None or last.tag != tag:
                last = etree.SubElement(self.run, tag)
                last.text = ""
            last.text += text
            last.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _container(root: etree._Element) -> etree._Element:
    body = root.find(W_BODY)
    return body if body is not None else root


def _blocks(container: etree._Element) -> list[etree._Element]:
    """The paragraphs and tables of a story or cell (not its properties)."""
    return [c for c in container if c.tag not in (W_SECTPR, W_TCPR)
            and isinstance(c.tag, str)]


def replace_children(parent: etree._Element, current: list[etree._Element],
                     wanted: list[etree._Element]) -> None:
    """Turn `current` children of `parent` into `wanted`, leaving kept ones where they are.

    `wanted` holds kept children in their order plus new elements; moving a child in
    lxml walks its whole subtree (seconds for a 2,000-row table), so only new ones move.
    """
    keep = set(wanted)
    for child in current:
        if child not in keep:
            parent.remove(child)
    cursor: etree._Element | None = None
    for node in wanted:
        if node.getparent() is not parent:
            if cursor is None:
                parent.insert(_first_index(parent), node)
            else:
                cursor.addnext(node)
        cursor = node


def _first_index(parent: etree._Element) -> int:
    """Where the first block goes: after the container's properties (tcPr, tblPr, ...)."""
    for index, child in enumerate(parent):
        if child.tag not in (W_TCPR, w("tblPr"), w("tblGrid"), W_TRPR, w("tblPrEx")):
            return index
    return len(parent)


def _all_paragraphs(blocks: Sequence[etree._Element]) -> bool:
    return all(b.tag == W_P for b in blocks)


def _text_key(block: etree._Element) -> tuple[str, ...]:
    """A paragraph by its text (its format may have changed), a table by its header."""
    if block.tag == W_P:
        return ("p", _text(block))
    return _kind_key(block)


def _kind_key(block: etree._Element) -> tuple[str, ...]:
    """What makes two blocks worth diffing inside: a paragraph's style, a table's header."""
    if block.tag == W_P:
        style = block.find(f"{W_PPR}/{w('pStyle')}")
        return ("p", style.get(w("val"), "") if style is not None else "")
    if block.tag == W_TBL:
        first = block.find(W_TR)
        cells = first.findall(W_TC) if first is not None else []
        return ("tbl", str(len(cells)), *(_text(c) for c in cells))
    return ("other", etree.QName(block).localname)


def _row_id(row: etree._Element) -> str:
    cell = row.find(W_TC)
    return _text(cell) if cell is not None else ""


def _text(node: etree._Element) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(W_T)) for p in node.iter(W_P))
