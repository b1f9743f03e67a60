"""The Package: one owner of a document's parts, relationships and content types."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from generator.writer import oxml
from generator.writer.oxml import CT_NS, PR_NS
from generator.writer.package import Package, RidAllocator


def package(parts: dict[str, bytes] | None = None) -> Package:
    rels = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
    types = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    return Package(dict(parts or {"word/document.xml": b"<d/>"}), "word/document.xml", rels,
                   types, RidAllocator(5))


def opened(data: bytes) -> tuple[list[str], etree._Element, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    return names, types, rels


def test_a_related_part_keeps_the_templates_name_or_gets_its_own() -> None:
    pkg = package()
    pkg.relate(oxml.RT_NUMBERING, "lists/numbers.xml")
    pkg.related_part(oxml.RT_NUMBERING, "word/numbering.xml", oxml.CT_NUMBERING, b"<n/>")
    pkg.related_part(oxml.RT_FOOTNOTES, "word/footnotes.xml", oxml.CT_FOOTNOTES, b"<f/>")
    names, types, rels = opened(pkg.zip(None))
    assert "word/lists/numbers.xml" in names and "word/numbering.xml" not in names
    assert [r.get("Target") for r in rels] == ["lists/numbers.xml", "footnotes.xml"]
    assert [r.get("Id") for r in rels] == ["rId5", "rId6"], "ids continue the template's"
    overrides = {o.get("PartName") for o in types}
    assert overrides == {"/word/lists/numbers.xml", "/word/footnotes.xml"}


def test_a_dropped_part_leaves_no_relationship_nor_content_type() -> None:
    pkg = package({"word/document.xml": b"<d/>", "word/footnotes.xml": b"<f/>"})
    pkg.relate(oxml.RT_FOOTNOTES, "footnotes.xml")
    pkg.override("word/footnotes.xml", oxml.CT_FOOTNOTES)
    pkg.drop(oxml.RT_FOOTNOTES)
    names, types, rels = opened(pkg.zip(None))
    assert "word/footnotes.xml" not in names
    assert len(rels) == 0 and len(types) == 0


def test_new_part_names_never_collide_and_the_zip_starts_with_content_types() -> None:
    pkg = package({"word/document.xml": b"<d/>", "word/header1.xml": b"<h/>"})
    assert pkg.new_part_name("header") == "word/header2.xml"
    names, _, _ = opened(pkg.zip(None))
    assert names[0] == "[Content_Types].xml"
