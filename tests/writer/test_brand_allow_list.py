"""The brand template read as an allow-list (issue 24, item 1, and its medium items): a
hostile template's fields, settings, elements and content types never reach a document;
what went is said once; a broken page setup or numbering is a TemplateError, not a crash.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from brand_templates import (
    HOSTILE,
    HOSTILE_FIELDS,
    active_content,
    field_instructions,
    template_with,
)
from lxml import etree

from generator.writer import allowed, brand
from generator.writer.converter import Converter, TemplateError
from tests.writer.conftest import META

KEYWORDS = {"hyperlink-ms-msdt": ["HYPERLINK"], "ddeauto": ["DDEAUTO"],
            "includepicture-unc": ["INCLUDEPICTURE"], "includetext": ["INCLUDETEXT"],
            "filename": ["FILENAME"], "nested-in-page": ["DDE", "IF"],
            "lowercase-split": ["DDEAUTO"]}


def _convert(template: brand.Template, tmp_path: Path) -> bytes:
    return Converter(template=template).convert("# Plan\n\nText.\n", META, base_dir=tmp_path)


def _dropped_notice(template: brand.Template) -> str:
    notices = [str(n) for n in template.notices() if "dropped from the brand template" in str(n)]
    assert len(notices) == 1, notices
    return notices[0]


@pytest.mark.parametrize("name", HOSTILE_FIELDS)
def test_a_header_field_outside_the_allow_list_keeps_its_text_and_loses_its_code(
        tmp_path: Path, name: str) -> None:
    template = brand.load(template_with(tmp_path / "brand.docx", HOSTILE[f"field-{name}"]))
    data = _convert(template, tmp_path)
    assert active_content(data) == []
    header = docx.Document(io.BytesIO(data)).sections[0].header
    assert f"SHOWN-{HOSTILE_FIELDS[name].split('SHOWN-')[1].split('<')[0]}" in "\n".join(
        p.text for p in header.paragraphs)
    assert field_instructions(header._element) == []
    said = _dropped_notice(template)
    for keyword in KEYWORDS[name]:
        assert f"field {keyword} in word/header1.xml" in said


def test_allowed_fields_pass_whole(tmp_path: Path) -> None:
    runs = "".join(
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>{code}</w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        for code in (" PAGE ", ' STYLEREF "Heading 1" ', " NUMPAGES ", " SECTIONPAGES "))
    path = template_with(tmp_path / "brand.docx", lambda parts: parts.update({
        "word/header1.xml": parts["word/header1.xml"].replace(
            b"</w:hdr>", f'<w:p><w:fldSimple w:instr=" TITLE "><w:r><w:t>T</w:t></w:r>'
            f"</w:fldSimple>{runs}</w:p></w:hdr>".encode())}))
    template = brand.load(path)
    assert not template.dropped.found
    header = docx.Document(io.BytesIO(_convert(template, tmp_path))).sections[0].header
    assert [" ".join(i.split()) for i in field_instructions(header._element)] == [
        "TITLE", "PAGE", 'STYLEREF "Heading 1"', "NUMPAGES", "SECTIONPAGES"]


def test_mail_merge_attached_template_and_variables_are_dropped(tmp_path: Path) -> None:
    template = brand.load(template_with(tmp_path / "brand.docx", HOSTILE["settings"]))
    data = _convert(template, tmp_path)
    assert active_content(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
        settings = etree.fromstring(archive.read("word/settings.xml"))
        settings_rels = [etree.fromstring(archive.read(n)) for n in archive.namelist()
                         if n == "word/_rels/settings.xml.rels"]
    assert b"SECRET-VAR" not in everything and b"host" not in everything
    assert [etree.QName(c).localname for c in settings][:2] == ["zoom", "defaultTabStop"]
    assert all(len(rels) == 0 for rels in settings_rels)
    said = _dropped_notice(template)
    for name in ("w:attachedTemplate", "w:mailMerge", "w:docVars", "a link (attachedTemplate)"):
        assert name in said, said


@pytest.mark.parametrize("name", ["dotx", "docm", "dotm"])
def test_a_template_or_macro_enabled_main_part_is_written_as_a_document(
        tmp_path: Path, name: str) -> None:
    template = brand.load(template_with(tmp_path / "brand.docx", HOSTILE[name]))
    data = _convert(template, tmp_path)
    assert active_content(data) == []
    assert b"VBA-PROJECT-MARKER" not in data
    opened = docx.Document(io.BytesIO(data))  # python-docx, like Word, refuses other types
    assert "Plan" in [p.text for p in opened.paragraphs]
    said = _dropped_notice(template)
    assert "the main part's type application/vnd." in said
    assert ("a vbaProject part" in said) == name.endswith("m")


def test_objects_links_in_shapes_and_data_bindings_leave_a_header(tmp_path: Path) -> None:
    template = brand.load(template_with(tmp_path / "brand.docx", HOSTILE["header-elements"]))
    data = _convert(template, tmp_path)
    assert active_content(data) == []
    header = docx.Document(io.BytesIO(data)).sections[0].header._element
    xml = etree.tostring(header).decode()
    for gone in ("ms-msdt", "host", "OLEObject", "w:object", "dataBinding", "smartTag"):
        assert gone not in xml, gone
    text = "".join(header.itertext())
    for kept in ("SHOWN-box", "SHOWN-control", "SHOWN-tag"):
        assert kept in text
    said = _dropped_notice(template)
    for name in ("w:object", "link attribute href", "w:dataBinding", "field INCLUDETEXT"):
        assert name in said, said


@pytest.mark.parametrize(("xml", "kept"), [
    ('<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>a</w:t></w:r>'
     '<w:r><w:fldChar w:fldCharType="end"/></w:r>', "a"),
    ('<w:r><w:instrText>DDE x</w:instrText><w:t>b</w:t></w:r>', "b"),
    ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDETEXT x'
     '</w:instrText></w:r><w:r><w:t>c</w:t></w:r>', ""),
], ids=["stray-end", "stray-code", "unclosed"])
def test_stray_and_unclosed_field_codes_are_removed(xml: str, kept: str) -> None:
    root = etree.fromstring(f'<w:hdr xmlns:w="{allowed.W_NS}"><w:p>{xml}</w:p></w:hdr>')
    allowed.clean_header(root, "word/header1.xml", allowed.Dropped())
    assert field_instructions(root) == []
    assert root.find(f".//{{{allowed.W_NS}}}fldChar") is None
    assert "".join(root.itertext()) == kept


def test_a_list_id_that_is_no_number_is_a_template_error(tmp_path: Path) -> None:
    path = template_with(tmp_path / "brand.docx", lambda parts: parts.update({
        "word/numbering.xml": parts["word/numbering.xml"].replace(
            b'w:abstractNumId="0"', b'w:abstractNumId="x"', 1)}))
    with pytest.raises(TemplateError, match=r"part word/numbering\.xml: a list definition has "
                                            r"abstractNumId='x', which is not a number"):
        brand.load(path)


@pytest.mark.parametrize(("old", "new", "said"), [
    (b'w:w="11906"', b'w:w="abc"', "w:pgSz w:w='abc'"),
    (b'w:left="1418"', b'w:left="2,5 cm"', "w:pgMar w:left='2,5 cm'"),
    (b'w:top="1418"', b'w:top="99999999"', "w:pgMar w:top='99999999'"),
])
def test_a_page_setup_that_is_no_measure_is_a_template_error(tmp_path: Path, old: bytes,
                                                             new: bytes, said: str) -> None:
    path = template_with(tmp_path / "brand.docx", lambda parts: parts.update({
        "word/document.xml": parts["word/document.xml"].replace(old, new, 1)}))
    with pytest.raises(TemplateError, match=f"word/document.xml: the page setup's {said} is "
                                            "not a measure"):
        brand.load(path)


def test_a_margin_with_a_unit_is_laid_out_as_word_reads_it(tmp_path: Path) -> None:
    path = template_with(tmp_path / "brand.docx", lambda parts: parts.update({
        "word/document.xml": parts["word/document.xml"].replace(
            b'w:left="1418"', b'w:left="2.5cm"').replace(b'w:w="11906"', b'w:w="8.27in"')}))
    section = docx.Document(io.BytesIO(_convert(brand.load(path), tmp_path))).sections[0]
    assert section.left_margin.twips == 1417 and section.page_width.twips == 11909
