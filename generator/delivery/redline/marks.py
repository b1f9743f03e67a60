"""Paragraph marks and revision ids as Word records them, for the tracked changes of a redline.

Word records inserted or deleted paragraphs on their marks in a way readers depend on
(`move_joining_marks`); every revision then gets its own id, every drawing its own id.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml import etree

from generator.writer.oxml import W_P, W_PPR, W_RPR, WP_NS, el, insert_in_order, w

INS, DEL, EQ = "ins", "del", "eq"
W_SECTPR, W_ID = w("sectPr"), w("id")
W_INS, W_DEL, W_PPRCHANGE = w("ins"), w("del"), w("pPrChange")
REVISIONS = (W_INS, W_DEL, W_PPRCHANGE)
_NOT_FORMAT = (W_RPR, W_SECTPR, W_PPRCHANGE)
_NUM_ID = re.compile(rb'<w:numId w:val="[^"]*"/>')


@dataclass(frozen=True)
class Mark:
    """Author and date of every change of one redline."""

    author: str
    date: str

    def element(self, status: str) -> etree._Element:
        return el(status, {"author": self.author, "date": self.date})


def paragraph_mark(paragraph: etree._Element) -> str | None:
    """INS / DEL when the paragraph's mark is tracked, else None."""
    props = paragraph.find(f"{W_PPR}/{W_RPR}")
    if props is None:
        return None
    for status in (INS, DEL):
        if props.find(w(status)) is not None:
            return status
    return None


def set_paragraph_mark(paragraph: etree._Element, mark: etree._Element) -> None:
    props = paragraph.find(W_PPR)
    if props is None:
        props = el("pPr")
        paragraph.insert(0, props)
    run_props = props.find(W_RPR)
    if run_props is None:
        run_props = el("rPr")
        insert_in_order(props, run_props, ("sectPr", "pPrChange"))
    run_props.insert(0, mark)


def clear_paragraph_mark(paragraph: etree._Element) -> etree._Element | None:
    props = paragraph.find(f"{W_PPR}/{W_RPR}")
    for node in ([] if props is None else props.findall(W_INS) + props.findall(W_DEL)):
        props.remove(node)
        if not len(props):
            props.getparent().remove(props)
        return node
    return None


def move_joining_marks(blocks: list[etree._Element], changes: Mark) -> None:
    """Paragraph marks recorded as Word records typing: the mark before a change comes or goes.

    Word records paragraphs inserted after P as P's mark inserted and the last new
    paragraph wearing P's old mark; deleting works alike. Readers depend on it:
    LibreOffice joins a tracked mark with tracked text on either side of it. So a run
    of inserted (or deleted) paragraphs gives its last mark to the untouched paragraph
    before it, and the joined paragraph keeps the format of the one whose text
    survives (`_take_format`). With no such paragraph before, the run keeps its own
    marks when a paragraph follows to join; right after a paragraph that goes the
    other way the two become one (`_merge`); else the last mark stays untracked.
    """
    index, moved = 0, set()
    while index < len(blocks):
        block = blocks[index]
        status = paragraph_mark(block) if block.tag == W_P else None
        index += 1
        if status is None or not _ends_run(blocks, index, status):
            continue
        start = index - 1  # back over the run's paragraphs (LibreOffice joins no table)
        while start > 0 and blocks[start - 1].tag == W_P \
                and paragraph_mark(blocks[start - 1]) == status:
            start -= 1
        before = blocks[start - 1] if start > 0 else None
        joins = _joins_a_paragraph(blocks, index)
        if (status == INS or not joins) and before is not None and before.tag == W_P \
                and paragraph_mark(before) is None and before not in moved:
            set_paragraph_mark(before, clear_paragraph_mark(block))
            _take_format(block, before, status, changes)
            moved.add(block)
        elif joins:
            continue
        elif start == index - 1 and before is not None and before.tag == W_P:
            _merge(before, block, status, changes)
            blocks.remove(before if status == INS else block)
            index -= 1
        else:
            clear_paragraph_mark(block)


def _ends_run(blocks: list[etree._Element], start: int, status: str) -> bool:
    """No paragraph of the same change comes next (LibreOffice joins no mark over a table)."""
    following = blocks[start] if start < len(blocks) else None
    return following is None or following.tag != W_P or paragraph_mark(following) != status


def _merge(before: etree._Element, block: etree._Element, status: str, changes: Mark) -> None:
    """A deleted paragraph and an inserted one side by side become one changed paragraph.

    The inserted one's properties stay, the deleted one's become its w:pPrChange;
    both contents are kept in order, each still marked, and no mark comes or goes.
    """
    gone, came = (before, block) if status == INS else (block, before)
    clear_paragraph_mark(gone)
    clear_paragraph_mark(came)
    old_format, props = own_format(gone), came.find(W_PPR)
    if not same_format(old_format, own_format(came)):
        if props is None:
            props = el("pPr")
            came.insert(0, props)
        change = changes.element("pPrChange")
        change.append(old_format)
        props.append(change)
    content = [c for c in gone if c.tag != W_PPR]
    if status == INS:  # the deleted text first, as everywhere else
        at = 1 if came.find(W_PPR) is not None else 0
        for offset, node in enumerate(content):
            came.insert(at + offset, node)
    else:
        came.extend(content)


def _joins_a_paragraph(blocks: list[etree._Element], start: int) -> bool:
    """Whether the block at `start` is a paragraph for a tracked mark to join."""
    return start < len(blocks) and blocks[start].tag == W_P


def _take_format(last: etree._Element, before: etree._Element, status: str,
                 changes: Mark) -> None:
    """`before` joins `last` when its moved mark goes: `last` must then wear its format.

    A deleted run: accepted, `before`'s text lives on in `last`, so `last` takes
    `before`'s format now and keeps its own in w:pPrChange for a rejection. An
    inserted run: rejected, `before` joins `last`, so the format a rejection
    restores (w:pPrChange) is `before`'s.
    """
    own, theirs = own_format(last), own_format(before)
    earlier = before.find(f"{W_PPR}/{W_PPRCHANGE}/{W_PPR}")
    if status == INS and earlier is not None:  # what `before` looked like in the older
        theirs = copy.deepcopy(earlier)
    if same_format(own, theirs):
        return
    props = last.find(W_PPR)
    if props is None:
        props = el("pPr")
        last.insert(0, props)
    change = changes.element("pPrChange")
    if status == DEL:
        for child in [c for c in props if c.tag not in _NOT_FORMAT]:
            props.remove(child)
        for offset, child in enumerate(list(theirs)):
            props.insert(offset, child)
        change.append(own)
    else:
        change.append(theirs)
    props.append(change)


def number_revisions(root: etree._Element, first: int = 1) -> int:
    """Give every change of a part an id, from `first` on, above the part's bookmark ids.

    Returns the next free id, so that the ids of all parts of a redline differ too.
    """
    used = [int(v) for node in root.iter() if node.tag not in REVISIONS
            if (v := node.get(W_ID)) is not None and v.lstrip("-").isdigit()]
    next_id = max([first - 1, *used]) + 1
    for node in root.iter(*REVISIONS):
        node.set(W_ID, str(next_id))
        next_id += 1
    return next_id


def unique_drawing_ids(root: etree._Element) -> None:
    """Pictures quoted from the older document must not share a drawing id with the newer."""
    drawings = list(root.iter(f"{{{WP_NS}}}docPr"))
    ids = [int(d.get("id", "0")) for d in drawings if d.get("id", "").isdigit()]
    next_id, seen = max(ids, default=0) + 1, set()
    for drawing in drawings:
        if drawing.get("id") in seen:
            drawing.set("id", str(next_id))
            next_id += 1
        seen.add(drawing.get("id"))


def same_format(one: etree._Element, other: etree._Element) -> bool:
    """Formats alike, whichever w:num each list paragraph points at (lists are renumbered
    whenever one comes or goes: no change a reader made)."""
    return _NUM_ID.sub(b"", etree.tostring(one)) == _NUM_ID.sub(b"", etree.tostring(other))


def own_format(paragraph: etree._Element) -> etree._Element:
    """A paragraph's own formatting (style, list, alignment, ...): its pPr without marks."""
    props = paragraph.find(W_PPR)
    out = el("pPr")
    for child in [] if props is None else props:
        if child.tag not in _NOT_FORMAT:
            out.append(copy.deepcopy(child))
    return out
