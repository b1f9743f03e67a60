"""Header and footer placeholders, filled over the runs Word split them into."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from lxml import etree

from generator.writer.converter import Converter, DocumentMeta
from generator.writer.headers import fill_placeholders
from tests.writer.conftest import NS, variant_template

W = NS["w"]


def paragraph(runs: str) -> etree._Element:
    root = etree.fromstring(f'<w:hdr xmlns:w="{W}"><w:p><w:pPr><w:jc w:val="right"/></w:pPr>'
                            f"{runs}</w:p></w:hdr>")
    return root


def runs_of(root: etree._Element) -> list[tuple[str, str]]:
    """(formatting, text) of each run: b, i or '' and the run's text, a tab as \\t."""
    result = []
    for run in root.iter(f"{{{W}}}r"):
        rpr = run.find("w:rPr", NS)
        look = "".join(etree.QName(c).localname for c in rpr) if rpr is not None else ""
        text = "".join(t.text or "" if etree.QName(t).localname == "t" else "\t"
                       for t in run if etree.QName(t).localname in ("t", "tab"))
        result.append((look, text))
    return result


def test_a_split_placeholder_takes_the_formatting_of_its_first_run() -> None:
    root = paragraph('<w:r><w:rPr><w:b/></w:rPr><w:t>Report {ti</w:t></w:r>'
                     '<w:r><w:rPr><w:i/></w:rPr><w:t>tle} end</w:t></w:r>')
    assert fill_placeholders(root, {"title": "Q3"}) == {"title"}
    assert runs_of(root) == [("b", "Report "), ("b", "Q3"), ("i", " end")]
    assert root.find("w:p/w:pPr", NS) is root.find("w:p", NS)[0], "pPr stays first"


def test_a_tab_stays_between_the_values_and_breaks_a_placeholder() -> None:
    root = paragraph('<w:r><w:t>{client}</w:t><w:tab/><w:t>{ver</w:t></w:r>'
                     '<w:r><w:tab/><w:t>sion}</w:t></w:r>')
    assert fill_placeholders(root, {"client": "ACME", "version": "v2"}) == {"client"}
    assert runs_of(root) == [("", "ACME"), ("", "\t"), ("", "{ver"), ("", "\t"), ("", "sion}")]


def test_an_empty_value_takes_its_separator_along() -> None:
    before = paragraph("<w:r><w:t>ACME · {version}</w:t></w:r>")
    after = paragraph("<w:r><w:t>{version} · ACME</w:t></w:r>")
    fill_placeholders(before, {"version": ""})
    fill_placeholders(after, {"version": ""})
    assert runs_of(before) == [("", "ACME")]
    assert runs_of(after) == [("", "ACME")]


def test_page_numbers_become_fields(tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        parts["word/header1.xml"] = parts["word/header1.xml"].replace(
            b"{title}", b"{title} | </w:t></w:r><w:r><w:t>{pa</w:t></w:r><w:r><w:t>ge}")

    converter = Converter(variant_template(tmp_path, edit))
    data = converter.convert("x", DocumentMeta(title="Plan"), base_dir=tmp_path)
    header = docx.Document(io.BytesIO(data)).sections[0].header
    xml = etree.tostring(header._element).decode()
    assert "PAGE \\* MERGEFORMAT" in xml and "{pa" not in xml
    assert any(p.text.startswith("Plan | ") for p in header.paragraphs)
