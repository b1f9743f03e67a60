"""Helpers for the writer tests: convert the fixture once, open parts with lxml."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from generator.writer.converter import Converter, DocumentMeta

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = Path(__file__).parents[2] / "templates" / "reference.docx"
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}

META = DocumentMeta(
    title="Steering Report",
    subject="Q3 steering",
    author="Jan Peeters",
    company="Interim BV",
    client="ACME Logistics",
    version="v1.2",
    date_text="5 March 2025",
    status_label="CONCEPT",
    confidential_label="Confidential",
    keywords="steering, report",
    language="nl-BE",
    custom_properties={"assignment": "A-042", "kind": "report"},
)


class Docx:
    """An opened .docx: parts as bytes, XML parts parsed on demand."""

    def __init__(self, data: bytes):
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.infos = archive.infolist()
            self.parts = {info.filename: archive.read(info) for info in self.infos}

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name])

    @property
    def body(self) -> etree._Element:
        return self.xml("word/document.xml").find("w:body", NS)

    def paragraphs(self) -> list[etree._Element]:
        return self.body.findall(".//w:p", NS)

    def text(self, element: etree._Element) -> str:
        return "".join("-" if node.tag.endswith("}noBreakHyphen") else node.text or ""
                       for node in element.xpath(".//w:t | .//w:noBreakHyphen", namespaces=NS))

    def style_of(self, paragraph: etree._Element) -> str | None:
        values = paragraph.xpath("./w:pPr/w:pStyle/@w:val", namespaces=NS)
        return values[0] if values else None

    def paragraph(self, starts_with: str) -> etree._Element:
        for p in self.paragraphs():
            if self.text(p).startswith(starts_with):
                return p
        raise AssertionError(f"no paragraph starting with {starts_with!r}")

    def rels(self, part: str = "word/_rels/document.xml.rels") -> dict[str, etree._Element]:
        return {rel.get("Id"): rel for rel in self.xml(part)}


@pytest.fixture(scope="session")
def converter() -> Converter:
    return Converter()


@pytest.fixture(scope="session")
def fixture_md() -> str:
    return (FIXTURES / "everything.md").read_text(encoding="utf-8")


def built_once(fixture_name: str, config: pytest.Config) -> str:
    """Session scope, except in a mutation run (tests/mutation/mutate.py): there each test
    builds the document itself, so mutmut sees every test that reads it reach the writer's
    code and runs them all against each mutant (a session fixture is built in the first
    test only, and mutmut would run that test alone)."""
    return "function" if os.environ.get("INTERIM_MUTATION_RUN") else "session"


@pytest.fixture(scope=built_once)
def docx(converter: Converter, fixture_md: str) -> Docx:
    return Docx(converter.convert(fixture_md, META, base_dir=FIXTURES))


def variant_template(tmp_path: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of the reference document with some parts edited (or removed)."""
    with zipfile.ZipFile(REFERENCE) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    edit(parts)
    target = tmp_path / "variant.docx"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def libreoffice_available() -> bool:
    return shutil.which("soffice") is not None
