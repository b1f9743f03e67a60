"""The redline's contents page with the newer version's page numbers.

Both renderings a redline compares are made without the layout pass, so their contents
pages list headings without page numbers and ask Word to update fields on opening (an
update in a document full of tracked changes numbers the pages of the markup, deleted
text included). The newer version is laid out alone (the build's layout pass: one
LibreOffice run), and its page numbers are written into the redline's contents page
(`writer.toc.fill_pages`), which then asks nothing on opening: accepting every change
gives the newer document as a build writes it, numbers included. The numbers stand
untracked, as a field's result, except in an entry the redline inserts: there they are
inserted with it, so that rejecting every change leaves no stray number.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Mapping

from lxml import etree

from generator.delivery import workdirs
from generator.delivery.redline.marks import REVISIONS, W_INS, number_revisions
from generator.writer.oxml import W_R, W_RPR, W_TAB, field_runs, serialize, w
from generator.writer.package import zip_package
from generator.writer.toc import fill_pages, main_parts

_W_HYPERLINK = w("hyperlink")
_ID = re.compile(rb'\bw:id="(-?\d+)"')


def with_page_numbers(redline: bytes, newer: bytes, echo: Callable[[str], None]) -> bytes:
    """The redline with the page numbers the newer document has when laid out; as it is
    (saying why) when LibreOffice is missing or turned off, the document is over a layout
    cap, or the pass fails."""
    from generator.delivery.build import NO_LAYOUT_NOTE, layout_wanted

    wanted = layout_wanted(None)
    if not wanted:
        if wanted is None:
            echo(NO_LAYOUT_NOTE.replace("the contents pages list", "the redline's contents "
                                        "page lists"))
        return redline
    from generator.delivery import layout_caps
    from generator.delivery.office import lay_out
    from generator.delivery.pdf import PdfError

    with workdirs.work_folder("redline") as temp:
        path = temp / "newer.docx"
        path.write_bytes(newer)
        why = layout_caps.over_cap(path)
        if why is not None:
            echo(f"note: the document is too large for the layout pass ({why}): the "
                 "redline's contents page lists its headings without page numbers")
            return redline
        try:
            pages = lay_out([path], pdf=False).get(path.resolve(), {})
        except PdfError as exc:
            echo(f"note: the layout pass failed, the redline's contents page keeps no page "
                 f"numbers: {exc}")
            return redline
    return numbered(redline, pages)


def numbered(redline: bytes, pages: Mapping[str, int]) -> bytes:
    """The redline's contents entries numbered from `pages` (bookmark -> page): each entry
    as `fill_pages` numbers a document's, and an entry the redline inserts whole with its
    number inserted too. Unchanged when a bookmark's page is unknown."""
    filled = fill_pages(redline, pages)
    with zipfile.ZipFile(io.BytesIO(filled)) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info) for info in infos}
    document, settings = main_parts(parts)
    root = etree.fromstring(parts[document])
    inserted = [(link, mark) for link in _entries(root) if (mark := _inserted(link)) is not None]
    if not inserted or any(link.get(w("anchor")) not in pages for link, _ in inserted):
        return filled
    for link, mark in inserted:
        wrapper = etree.SubElement(link, mark.tag, dict(mark.attrib))
        rpr = link.find(f".//{W_R}/{W_RPR}")
        tab = etree.SubElement(wrapper, W_R)
        if rpr is not None:
            tab.append(copy.deepcopy(rpr))
        etree.SubElement(tab, W_TAB)
        anchor = link.get(w("anchor"))
        field_runs(wrapper, f"PAGEREF {anchor} \\h", str(pages[anchor]), rpr)
    number_revisions(root, 1 + max((int(m) for name, blob in parts.items()
                                    if name != document for m in _ID.findall(blob)),
                                   default=0))
    parts[document] = serialize(root)
    if settings in parts:  # numbered: Word need not ask to update fields on opening
        props = etree.fromstring(parts[settings])
        for node in props.findall(w("updateFields")):
            props.remove(node)
        parts[settings] = serialize(props)
    return zip_package(parts, dt.datetime(*infos[0].date_time, tzinfo=dt.UTC))


def _inserted(link: etree._Element) -> etree._Element | None:
    """The insertion mark of a contents entry the redline inserts whole (none of its text
    stands untracked, so `fill_pages` left it unnumbered), else None."""
    marks = [child for child in link if child.tag in REVISIONS]
    if marks and all(m.tag == W_INS for m in marks) and link.find(W_R) is None \
            and link.find(f".//{w('instrText')}") is None:
        return marks[0]
    return None


def _entries(root: etree._Element) -> list[etree._Element]:
    """The contents page's entries: links to a heading's `_Toc` bookmark."""
    return [link for link in root.iter(_W_HYPERLINK)
            if link.get(w("anchor"), "").startswith("_Toc")]
