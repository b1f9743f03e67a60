"""Refusals, template fallbacks, reproducibility and atomic writes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from markdown_it.token import Token

from generator.errors import GeneratorError
from generator.writer.converter import (
    Converter,
    DocumentMeta,
    MarkdownError,
    TemplateError,
    clean_stale_temporaries,
    convert_file,
    write_atomic,
)
from generator.writer.render import Renderer, RidAllocator
from tests.writer.conftest import FIXTURES, NS, Docx, libreoffice_available, variant_template

W = f"{{{NS['w']}}}"
PNG = (FIXTURES / "chart.png").read_bytes()


def convert(converter: Converter, markdown: str, base_dir: Path = FIXTURES, **kw) -> Docx:
    return Docx(converter.convert(markdown, DocumentMeta(title="T"), base_dir=base_dir, **kw))


@pytest.mark.parametrize(
    "markdown",
    [
        "Intro.\n\nClick [here](javascript:alert(1)) now.",
        "Intro.\n\nSee [x](JaVaScRiPt:alert(1)).",
        "Intro.\n\n[v](vbscript:msgbox)",
        "Intro.\n\n[d](data:text/html;base64,PHNjcmlwdD4=)",
        "Intro.\n\n[f](file:///etc/passwd)",
        "Intro.\n\n<javascript:alert(1)>",
    ],
)
def test_refused_links_raise_with_line(converter: Converter, markdown: str) -> None:
    with pytest.raises(MarkdownError) as info:
        convert(converter, markdown)
    assert info.value.line == 3
    assert "line 3" in str(info.value) and "scheme" in str(info.value)
    assert isinstance(info.value, GeneratorError)


def test_line_counts_soft_breaks(converter: Converter) -> None:
    with pytest.raises(MarkdownError) as info:
        convert(converter, "# H\n\nfirst line\nsecond [x](javascript:void(0))\n")
    assert info.value.line == 4


@pytest.mark.parametrize(
    ("markdown", "needle"),
    [
        ("![a](https://example.com/x.png)", "URL"),
        ("![a](/etc/passwd)", "outside"),
        ("![a](../conftest.py)", "outside"),
        ("![a](missing.png)", "not found"),
    ],
)
def test_refused_images(converter: Converter, markdown: str, needle: str) -> None:
    with pytest.raises(MarkdownError, match=needle) as info:
        convert(converter, "text\n\n" + markdown)
    assert info.value.line == 3


def test_symlink_escaping_base_dir_is_refused(converter: Converter, tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pic.png").symlink_to(outside)
    with pytest.raises(MarkdownError, match="outside"):
        convert(converter, "![a](pic.png)", base_dir=docs)


def test_in_memory_image_first(converter: Converter, tmp_path: Path) -> None:
    doc = convert(
        converter, "![Tijdlijn](timeline.png)", base_dir=tmp_path, images={"timeline.png": PNG}
    )
    assert "word/media/image1.png" in doc.parts
    assert doc.body.find(".//wp:docPr", NS).get("descr") == "Tijdlijn"


def picture(fmt: str, size: tuple[int, int], **save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, fmt, **save)
    return out.getvalue()


@pytest.mark.parametrize("blob", [b"nope", picture("BMP", (4, 4)), picture("TIFF", (4, 4))])
def test_not_a_picture_word_shows(converter: Converter, tmp_path: Path, blob: bytes) -> None:
    with pytest.raises(MarkdownError, match="is not a PNG, JPEG or GIF picture") as info:
        convert(converter, "Intro.\n\n![a](x.png)", base_dir=tmp_path, images={"x.png": blob})
    assert info.value.line == 3


def test_truncated_picture(converter: Converter, tmp_path: Path) -> None:
    with pytest.raises(MarkdownError, match="is not a PNG"):
        convert(converter, "![a](x.png)", base_dir=tmp_path, images={"x.png": PNG[:30]})
    broken = bytearray(PNG)
    broken[len(PNG) // 2] ^= 0xFF
    with pytest.raises(MarkdownError, match=r"image 'x\.png' cannot be read"):
        convert(converter, "![a](x.png)", base_dir=tmp_path, images={"x.png": bytes(broken)})


@pytest.mark.parametrize(("fmt", "save", "ext", "inches"), [
    ("PNG", {"dpi": (144, 144)}, "png", (2, 1)),
    ("JPEG", {"dpi": (300, 300)}, "jpeg", (0.96, 0.48)),
    ("GIF", {}, "gif", (4, 2)),  # GIF has no resolution: 72 dpi, as Word takes it
])
def test_picture_natural_size_follows_its_resolution(converter: Converter, tmp_path: Path,
                                                     fmt: str, save: dict, ext: str,
                                                     inches: tuple[float, float]) -> None:
    blob = picture(fmt, (288, 144), **save)
    doc = convert(converter, "![a](p.bin)", base_dir=tmp_path, images={"p.bin": blob})
    assert f"word/media/image1.{ext}" in doc.parts
    extent = doc.xml("word/document.xml").find(".//wp:extent", NS)
    size = (int(extent.get("cx")) / 914400, int(extent.get("cy")) / 914400)
    assert size == pytest.approx(inches, abs=0.01)


def test_unknown_directive(converter: Converter) -> None:
    with pytest.raises(MarkdownError, match="unknown directive") as info:
        convert(converter, "para\n\n::: sidebar\ntext\n:::\n")
    assert info.value.line == 3


def test_unknown_style_directive(converter: Converter) -> None:
    with pytest.raises(MarkdownError, match="no paragraph style 'Fancy'"):
        convert(converter, "::: style Fancy\ntext\n:::\n")


@pytest.mark.parametrize(("text", "line", "said"), [
    ("::: style\ntekst\n:::\n", 1, "'::: style' needs a paragraph style name"),
    ("- punt\n\n  ::: landscape\n  breed\n  :::\n", 3, "must be at the top level"),
    ("> citaat\n>\n> ::: landscape\n> breed\n> :::\n", 3, "must be at the top level"),
    ("::: landscape\n::: landscape\nbreed\n:::\n:::\n", 2, "inside another landscape"),
    ("1. punt\n\n   ::: toc\n   :::\n", 3, "'::: toc' must be at the top level"),
])
def test_a_directive_where_it_cannot_stand(converter: Converter, text: str, line: int,
                                           said: str) -> None:
    """The same texts validate refuses (tests/source/test_rules.py, MISPLACED_DIRECTIVES)."""
    with pytest.raises(MarkdownError, match=re.escape(said)) as info:
        convert(converter, text)
    assert info.value.line == line


def test_unhandled_token_is_an_error(converter: Converter) -> None:
    template = converter.template
    renderer = Renderer(
        template,
        base_dir=FIXTURES,
        images={},
        sect_pr=template.sect_pr,
        rids=RidAllocator(100),
        first_num_id=1,
    )
    token = Token("html_block", "", 0, map=[4, 5])
    with pytest.raises(MarkdownError, match="html_block") as info:
        renderer.render([token])
    assert info.value.line == 5


def test_landscape_at_end_has_no_blank_portrait_page(converter: Converter) -> None:
    doc = convert(converter, "Intro.\n\n::: landscape\n| a |\n|---|\n| 1 |\n:::\n")
    assert doc.body.find("w:sectPr/w:pgSz", NS).get(W + "orient") == "landscape"
    assert len(doc.body.findall(".//w:pPr/w:sectPr", NS)) == 1


def test_deep_lists_are_capped(converter: Converter) -> None:
    markdown = "".join("  " * depth + "- level\n" for depth in range(12))
    doc = convert(converter, markdown)
    levels = {int(v) for v in doc.body.xpath(".//w:ilvl/@w:val", namespaces=NS)}
    assert max(levels) == 8


def _drop_styles(*style_ids: str):
    def edit(parts: dict[str, bytes]) -> None:
        xml = parts["word/styles.xml"].decode()
        for sid in style_ids:
            xml = re.sub(rf'<w:style [^>]*w:styleId="{sid}".*?</w:style>', "", xml)
        parts["word/styles.xml"] = xml.encode()

    return edit


def test_missing_styles_fall_back(tmp_path: Path) -> None:
    ref = variant_template(tmp_path, _drop_styles("FirstParagraph", "Compact", "Heading4"))
    doc = convert(Converter(ref), "# A\n\nfirst\n\n- item\n\n#### deep\n")
    styles = [doc.style_of(p) for p in doc.paragraphs()]
    assert styles == ["Heading1", "BodyText", "BodyText", "Heading3"]


def test_missing_heading_style_is_a_template_error(tmp_path: Path) -> None:
    ref = variant_template(tmp_path, _drop_styles("Heading1"))
    with pytest.raises(TemplateError, match=r"variant\.docx.*Heading 1"):
        Converter(ref)


def test_template_without_numbering_gets_one(tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        del parts["word/numbering.xml"]
        rels = parts["word/_rels/document.xml.rels"].decode()
        parts["word/_rels/document.xml.rels"] = re.sub(
            r'<Relationship Id="rId2"[^>]*/>', "", rels
        ).encode()

    doc = convert(Converter(variant_template(tmp_path, edit)), "1. a\n2. b\n\n- c\n")
    numbering = doc.xml("word/numbering.xml")
    assert len(numbering.findall("w:abstractNum", NS)) == 2
    assert len(numbering.findall("w:num", NS)) == 2
    assert "numbering.xml" in doc.parts["word/_rels/document.xml.rels"].decode()


def test_status_added_when_template_has_no_placeholder(tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        parts["word/header1.xml"] = parts["word/header1.xml"].replace(b"{status}", b"")

    converter = Converter(variant_template(tmp_path, edit))
    data = converter.convert("x", DocumentMeta(title="T", status_label="DRAFT"), base_dir=tmp_path)
    assert "DRAFT" in Docx(data).text(Docx(data).xml("word/header1.xml"))


def test_template_with_two_sections_is_refused(tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"<w:p><w:pPr>", b'<w:p><w:pPr><w:sectPr><w:pgSz w:w="1" w:h="2"/></w:sectPr>', 1
        )

    with pytest.raises(TemplateError, match="single section"):
        Converter(variant_template(tmp_path, edit))


def test_empty_placeholders_vanish(converter: Converter) -> None:
    doc = Docx(converter.convert("x", DocumentMeta(title="Only title"), base_dir=FIXTURES))
    header = doc.text(doc.xml("word/header1.xml"))
    footer = doc.text(doc.xml("word/footer1.xml"))
    assert header.strip() == "Only title"
    assert "·" not in footer and "—" not in header


def test_placeholder_split_across_runs(tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        parts["word/header1.xml"] = parts["word/header1.xml"].replace(
            b"{title}", b"{ti</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>tle}"
        )

    converter = Converter(variant_template(tmp_path, edit))
    doc = Docx(converter.convert("x", DocumentMeta(title="Split OK"), base_dir=tmp_path))
    assert "Split OK" in doc.text(doc.xml("word/header1.xml"))


def test_reproducible_a_second_apart(
    converter: Converter, fixture_md: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    meta = DocumentMeta(title="T", custom_properties={"b": "2", "a": "1"})
    first = converter.convert(fixture_md, meta, base_dir=FIXTURES)
    time.sleep(1.1)
    second = Converter().convert(fixture_md, meta, base_dir=FIXTURES)
    assert first == second


def test_source_date_epoch(converter: Converter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    doc = convert(converter, "x")
    core = doc.xml("docProps/core.xml")
    assert core.findtext("dcterms:created", namespaces=NS) == "2023-11-14T22:13:20Z"
    assert core.findtext("dcterms:modified", namespaces=NS) == "2023-11-14T22:13:20Z"
    assert doc.infos[0].date_time == (2023, 11, 14, 22, 13, 20)


def test_explicit_timestamp_wins(converter: Converter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamp = dt.datetime(2025, 3, 5, 9, 30, tzinfo=dt.UTC)
    data = converter.convert("x", DocumentMeta(title="T", timestamp=stamp), base_dir=FIXTURES)
    core = Docx(data).xml("docProps/core.xml")
    assert core.findtext("dcterms:created", namespaces=NS) == "2025-03-05T09:30:00Z"


def test_write_atomic_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


def test_write_atomic_and_clean_stale(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    finished = subprocess.Popen(["true"])
    finished.wait()
    stale = tmp_path / f".report.docx.docx-writer-{finished.pid}-0.tmp"
    stale.write_bytes(b"half")
    running = tmp_path / f".other.docx.docx-writer-{os.getppid()}-0.tmp"
    running.write_bytes(b"a parallel build is writing this")
    other = tmp_path / ".keep.tmp"
    other.write_bytes(b"not ours")
    clean_stale_temporaries(tmp_path)
    assert not stale.exists() and other.exists() and target.exists()
    assert running.exists(), "a live process's temp file must survive (make -j)"


def test_convert_file_defaults_title_to_first_h1(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("Intro\n\n# The Real Title\n\ntext\n", encoding="utf-8")
    convert_file(source, tmp_path / "notes.docx")
    core = Docx((tmp_path / "notes.docx").read_bytes()).xml("docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == "The Real Title"
    plain = tmp_path / "plain.md"
    plain.write_text("no heading\n", encoding="utf-8")
    convert_file(plain, tmp_path / "plain.docx")
    core = Docx((tmp_path / "plain.docx").read_bytes()).xml("docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == "plain"


def test_interim_convert_in_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "e.docx"
    interim = Path(sys.executable).with_name("interim")
    result = subprocess.run(
        [str(interim), "convert", str(FIXTURES / "everything.md"), "-o", str(out),
         "--title", "CLI"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(io.BytesIO(out.read_bytes()))
    core = Docx(out.read_bytes()).xml("docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == "CLI"


@pytest.mark.libreoffice
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice (soffice) not installed")
def test_pdf_through_libreoffice(docx: Docx, tmp_path: Path) -> None:
    source = tmp_path / "fixture.docx"
    source.write_bytes(docx.data)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "fixture.pdf"
    assert pdf.exists()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needle in (
        "Executive summary",
        "The first footnote text.",
        "Finance | Control",
        "Contents",
        "CONCEPT",
        "Quarterly Steering Report",
        "Wide table",
    ):
        assert needle in text, needle
    # PAGE / NUMPAGES evaluated (page 1 is the cover: no footer there)
    assert re.search(r"\b2\s*/\s*\d+\b", text)


@pytest.mark.parametrize(("attrs", "cx"), [("{width=3cm}", 1_080_000), ("{width=40mm}", 1_440_000),
                                           ("{width=1in}", 914_400)])
def test_picture_width_attribute(converter: Converter, attrs: str, cx: int) -> None:
    doc = convert(converter, f"Intro.\n\n![Chart](chart.png){attrs}\n")
    extent = doc.xml("word/document.xml").find(".//wp:extent", NS)
    assert int(extent.get("cx")) == cx
    assert int(extent.get("cy")) == cx // 2, "the picture keeps its proportions (400x200)"


def test_picture_width_in_percent_of_the_text(converter: Converter) -> None:
    doc = convert(converter, 'Intro.\n\n![Chart](chart.png){width="50%"}\n')
    extent = doc.xml("word/document.xml").find(".//wp:extent", NS)
    text_width_emu = (11906 - 2 * 1418) * 635
    assert int(extent.get("cx")) == text_width_emu // 2


def test_picture_width_not_understood(converter: Converter) -> None:
    with pytest.raises(MarkdownError, match="width 'big'") as info:
        convert(converter, "Intro.\n\n![Chart](chart.png){width=big}\n")
    assert info.value.line == 3


def test_a_picture_placed_by_a_style_has_no_caption(converter: Converter) -> None:
    doc = convert(converter, "::: style Cover\n![Logo of the firm](chart.png)\n:::\n")
    assert "Logo of the firm" not in doc.text(doc.body)
    assert [doc.style_of(p) for p in doc.paragraphs()] == ["Cover"]
    assert doc.xml("word/document.xml").find(".//wp:docPr", NS).get("descr") == "Logo of the firm"
