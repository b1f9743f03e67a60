"""Lists: the numbering definitions (abstractNum) our lists use, and one w:num per list.

A brand template may bring its own 9-level decimal and bullet definitions; where it has
none, ours are added. Each Markdown list gets its own w:num, so it restarts at its own
start number.
"""

from __future__ import annotations

import copy

from lxml import etree

from generator.writer.oxml import W_NS, sub, w

ORDERED_NAME = "interim-ordered"
BULLET_NAME = "interim-bullet"
MAX_LEVEL = 8
_BULLETS = ("•", "–", "◦")


def list_indent(level: int) -> tuple[int, int]:
    """(left, hanging) in twips for a list level; also used for continuation paragraphs."""
    return 567 + 425 * level, 397


def abstract_num_xml(abstract_id: int, ordered: bool) -> str:
    """A 9-level ``w:abstractNum`` (decimal or bullet), shared with make_reference.py."""
    levels = []
    for lvl in range(MAX_LEVEL + 1):
        left, hanging = list_indent(lvl)
        if ordered:
            fmt, text, rpr = "decimal", f"%{lvl + 1}.", ""
        else:
            fmt, text = "bullet", _BULLETS[lvl % len(_BULLETS)]
            rpr = '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/></w:rPr>'
        levels.append(
            f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>'
        )
    name = ORDERED_NAME if ordered else BULLET_NAME
    return (
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{name}"/>'
        + "".join(levels)
        + "</w:abstractNum>"
    )


def empty_numbering_xml() -> bytes:
    return f'<w:numbering xmlns:w="{W_NS}"/>'.encode()


def complete_numbering(root: etree._Element) -> tuple[int, int, int]:
    """Add our ordered and bullet definitions where `root` has none; their ids and the
    first free list id."""
    ordered, bullet = _find_abstracts(root)
    existing_abstract = [int(a.get(w("abstractNumId"), "0")) for a in _abstracts(root)]
    next_abstract = max(existing_abstract, default=-1) + 1
    if ordered is None:
        ordered = next_abstract
        _add_abstract(root, abstract_num_xml(ordered, True))
        next_abstract += 1
    if bullet is None:
        bullet = next_abstract
        _add_abstract(root, abstract_num_xml(bullet, False))
    num_ids = [int(n.get(w("numId"), "0")) for n in root.findall(w("num"))]
    return ordered, bullet, max(num_ids, default=0) + 1


def with_lists(template_root: etree._Element, nums: list[tuple[int, int, int, int]]
               ) -> etree._Element:
    """A copy of the template's numbering with one w:num per Markdown list, restarting
    at its own start number (numId, abstractNumId, level, start)."""
    root = copy.deepcopy(template_root)
    tail = root.find(w("numIdMacAtCleanup"))
    for num_id, abstract, level, start in nums:
        num = etree.Element(w("num"))
        num.set(w("numId"), str(num_id))
        sub(num, "abstractNumId", {"val": str(abstract)})
        override = sub(num, "lvlOverride", {"ilvl": str(level)})
        sub(override, "startOverride", {"val": str(start)})
        if tail is not None:
            tail.addprevious(num)
        else:
            root.append(num)
    return root


def _abstracts(numbering: etree._Element) -> list[etree._Element]:
    return numbering.findall(w("abstractNum"))


def _find_abstracts(numbering: etree._Element) -> tuple[int | None, int | None]:
    """Our abstractNums by name, else any 9-level decimal / bullet multilevel definition."""
    ordered = bullet = None
    named: dict[str, int] = {}
    for abstract in _abstracts(numbering):
        aid = int(abstract.get(w("abstractNumId"), "0"))
        name = abstract.find(w("name"))
        if name is not None:
            named.setdefault(name.get(w("val"), ""), aid)
        levels = abstract.findall(w("lvl"))
        if len(levels) < MAX_LEVEL + 1:
            continue
        fmt = levels[0].find(w("numFmt"))
        value = fmt.get(w("val")) if fmt is not None else "decimal"
        if value == "decimal" and ordered is None:
            ordered = aid
        elif value == "bullet" and bullet is None:
            bullet = aid
    return named.get(ORDERED_NAME, ordered), named.get(BULLET_NAME, bullet)


def _add_abstract(numbering: etree._Element, xml: str) -> None:
    """Insert an abstractNum after the last one: all abstractNums must precede w:num."""
    node = etree.fromstring(xml)
    abstracts = _abstracts(numbering)
    if abstracts:
        abstracts[-1].addnext(node)
        return
    nums = numbering.findall(w("num"))
    if nums:
        nums[0].addprevious(node)
    else:
        numbering.append(node)
