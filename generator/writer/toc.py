"""The contents page's page numbers, written into a finished .docx after a layout pass.

The renderer writes the TOC field's cached result as the list of headings (each a link
to a ``_Toc`` bookmark on its heading) and asks Word to update fields on opening, which
makes Word put a question to the reader. Once a layout pass (generator.delivery.pdf.lay_out)
knows the page of every bookmark, :func:`fill_pages` adds to each entry a tab and a
``PAGEREF`` field whose cached result is that page, and drops ``w:updateFields``: the
contents page is complete as the client opens it, with no question asked.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping

from lxml import etree

from generator.writer import oxml
from generator.writer.oxml import W_R, w
from generator.writer.package import rels_name, resolve_target, zip_package


def fill_pages(data: bytes, pages: Mapping[str, int]) -> bytes:
    """The .docx ``data`` with its contents entries numbered from ``pages`` (bookmark ->
    page). Unchanged when it has no contents page or a bookmark's page is unknown."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info) for info in infos}
    document, settings = main_parts(parts)
    root = etree.fromstring(parts[document])
    links = _entries(root)
    if not links or any(link.get(w("anchor")) not in pages for link in links):
        return data
    for link in links:
        _add_page(link, pages[link.get(w("anchor"))])
    parts[document] = oxml.serialize(root)
    if settings in parts:
        settings_root = etree.fromstring(parts[settings])
        for node in settings_root.findall(w("updateFields")):
            settings_root.remove(node)
        parts[settings] = oxml.serialize(settings_root)
    stamp = dt.datetime(*infos[0].date_time, tzinfo=dt.UTC)
    return zip_package(parts, stamp)


def needs_numbers(data: bytes) -> bool:
    """Whether the .docx ``data`` has a contents page whose entries have no page numbers
    yet: only such a document needs a layout pass (a progress memo has no contents page;
    a document numbered from the page cache has them). Read from the bytes: this writer
    links every entry to a ``_Toc`` bookmark and :func:`fill_pages` numbers all entries at
    once. A package that cannot be read counts as needing them: the layout pass then names
    what is wrong with it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            rels = {name: archive.read(name) for name in names if name.endswith(".rels")}
            xml = archive.read(main_parts(rels)[0])
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError):
        return True
    return b':anchor="_Toc' in xml and b"PAGEREF _Toc" not in xml


def _entries(root: etree._Element) -> list[etree._Element]:
    """The contents page's entries: links to a heading's ``_Toc`` bookmark, each in its own
    paragraph."""
    return [link for link in root.iter(w("hyperlink"))
            if link.get(w("anchor"), "").startswith("_Toc")
            and link.find(w("r")) is not None and link.getparent().tag == oxml.W_P]


def _add_page(link: etree._Element, page: int) -> None:
    """Tab, then PAGEREF to the entry's bookmark with the page as its cached result."""
    if link.find(f".//{w('instrText')}") is not None:
        return  # numbered already
    rpr = link.find(f"{W_R}/{w('rPr')}")
    tab = etree.SubElement(link, W_R)
    if rpr is not None:
        tab.append(oxml._copy(rpr))
    etree.SubElement(tab, oxml.W_TAB)
    oxml.field_runs(link, f"PAGEREF {link.get(w('anchor'))} \\h", str(page), rpr)


def main_parts(parts: Mapping[str, bytes]) -> tuple[str, str]:
    """(document part, settings part) from the package's relationships."""
    document = "word/document.xml"
    for rel in etree.fromstring(parts["_rels/.rels"]):
        if rel.get("Type") == oxml.RT_OFFICE_DOC:
            document = resolve_target("", rel.get("Target", ""))
    settings = "word/settings.xml"
    if rels_name(document) in parts:
        for rel in etree.fromstring(parts[rels_name(document)]):
            if rel.get("Type") == oxml.RT_SETTINGS:
                settings = resolve_target(document, rel.get("Target", ""))
    return document, settings
