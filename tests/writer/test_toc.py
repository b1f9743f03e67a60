"""The contents page's numbers (`writer/toc.py`): written in the entry's own formatting, once,
beside other links, into the parts the package names, with the package's dates kept."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.writer.converter import Converter, DocumentMeta
from generator.writer.package import zip_package
from generator.writer.toc import fill_pages, needs_numbers

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTENTS = "::: toc Contents\n:::\n\n# One\n\ntext\n\n## Two\n\ntext\n\n# Three\n"
PAGES = {"_Toc00000001": 3, "_Toc00000002": 3, "_Toc00000003": 5}
STAMP = dt.datetime(2027, 3, 1, 12, 30, tzinfo=dt.UTC)


def built(tmp_path: Path, markdown: str = CONTENTS) -> bytes:
    return Converter().convert(markdown, DocumentMeta(title="T", timestamp=STAMP),
                               base_dir=tmp_path)


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repacked(data: bytes, part: str, old: str, new: str) -> bytes:
    """The package with `old` replaced by `new` in one part."""
    parts = parts_of(data)
    assert old in parts[part].decode(), f"{old!r} not in {part}"
    parts[part] = parts[part].decode().replace(old, new).encode()
    return zip_package(parts, STAMP)


def renamed(data: bytes, old: str, new: str) -> bytes:
    """The package with part `old` moved to `new`, every reference to it and its
    relationships part following."""
    parts = parts_of(data)
    old_rels, new_rels = (f"word/_rels/{Path(n).name}.rels" for n in (old, new))
    parts[new] = parts.pop(old)
    if old_rels in parts:
        parts[new_rels] = parts.pop(old_rels)
    for name in list(parts):
        if name.endswith((".rels", "[Content_Types].xml")):
            text = parts[name].decode()
            text = text.replace(f"/{old}\"", f"/{new}\"").replace(
                f"\"{Path(old).name}\"", f"\"{Path(new).name}\"").replace(
                f"\"{old}\"", f"\"{new}\"")
            parts[name] = text.encode()
    return zip_package(parts, STAMP)


def entries(data: bytes, document: str = "word/document.xml") -> list[str]:
    """Each contents entry as a reader sees it: its text, a tab, its page."""
    root = etree.fromstring(parts_of(data)[document])
    return ["".join("\t" if node.tag == f"{W}tab" else node.text or ""
                    for node in link.iter(f"{W}t", f"{W}tab"))
            for link in root.iter(f"{W}hyperlink")
            if link.get(f"{W}anchor", "").startswith("_Toc")]


def test_the_numbers_follow_each_entry_after_a_tab(tmp_path: Path) -> None:
    data = built(tmp_path)
    assert needs_numbers(data)
    filled = fill_pages(data, PAGES)
    assert entries(filled) == ["One\t3", "Two\t3", "Three\t5"]
    assert not needs_numbers(filled), "numbered: no layout pass needed"


def test_the_tab_and_the_number_take_the_entrys_formatting(tmp_path: Path) -> None:
    """An entry formatted in its run (a brand's italic contents) keeps it up to its number."""
    data = repacked(built(tmp_path), "word/document.xml", "<w:r><w:t>One",
                    "<w:r><w:rPr><w:i/></w:rPr><w:t>One")
    xml = parts_of(fill_pages(data, PAGES))["word/document.xml"].decode()
    (link,) = re.findall(r'<w:hyperlink [^>]*"_Toc00000001"[^>]*>(.*?)</w:hyperlink>', xml)
    runs = re.findall(r"<w:r>(.*?)</w:r>", link)
    assert len(runs) == 7, "text, tab, field begin, instruction, separate, page, end"
    assert all(run.startswith("<w:rPr><w:i/></w:rPr>") for run in runs), runs


def test_filling_a_numbered_contents_again_changes_nothing(tmp_path: Path) -> None:
    filled = fill_pages(built(tmp_path), PAGES)
    assert fill_pages(filled, {k: v + 1 for k, v in PAGES.items()}) == filled


def test_a_link_to_a_website_beside_the_contents_is_left_alone(tmp_path: Path) -> None:
    data = built(tmp_path, CONTENTS + "\nSee [the terms](https://example.com/terms).\n")
    filled = fill_pages(data, PAGES)
    assert entries(filled) == ["One\t3", "Two\t3", "Three\t5"]
    xml = parts_of(filled)["word/document.xml"].decode()
    (external,) = re.findall(r"<w:hyperlink r:id=[^>]*>(.*?)</w:hyperlink>", xml)
    assert "PAGEREF" not in external and "<w:tab/>" not in external


def test_the_package_keeps_its_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbered later, the document still carries the date it was built with (the same
    sources give the same bytes), not the time of the layout pass nor 1980."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with zipfile.ZipFile(io.BytesIO(fill_pages(built(tmp_path), PAGES))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2027, 3, 1, 12, 30, 0)}


def test_the_parts_are_found_by_the_packages_relationships(tmp_path: Path) -> None:
    """Another program may name the main part and the settings otherwise."""
    data = renamed(renamed(built(tmp_path), "word/document.xml", "word/main.xml"),
                   "word/settings.xml", "word/prefs.xml")
    assert b"updateFields" in parts_of(data)["word/prefs.xml"]
    assert needs_numbers(data)
    filled = fill_pages(data, PAGES)
    assert entries(filled, "word/main.xml") == ["One\t3", "Two\t3", "Three\t5"]
    assert b"updateFields" not in parts_of(filled)["word/prefs.xml"], "Word asks nothing"
    assert not needs_numbers(filled)


def test_a_settings_relationship_without_a_target_is_passed_over(tmp_path: Path) -> None:
    data = repacked(built(tmp_path), "word/_rels/document.xml.rels", 'Target="settings.xml"',
                    "")
    assert entries(fill_pages(data, PAGES)) == ["One\t3", "Two\t3", "Three\t5"]


def test_a_main_part_without_a_target_counts_as_needing_numbers(tmp_path: Path) -> None:
    """LibreOffice then names what is wrong with the package."""
    data = repacked(built(tmp_path), "_rels/.rels", 'Target="word/document.xml"', "")
    assert needs_numbers(data)


def test_parts_the_relationships_leave_unnamed_are_read_at_words_usual_names(
        tmp_path: Path) -> None:
    """A main part without relationships of its own: its settings are word/settings.xml; a
    package whose root does not type its main part: word/document.xml."""
    parts = parts_of(built(tmp_path))
    del parts["word/_rels/document.xml.rels"]
    filled = fill_pages(zip_package(parts, STAMP), PAGES)
    assert b"updateFields" not in parts_of(filled)["word/settings.xml"]
    untyped = repacked(filled, "_rels/.rels", "relationships/officeDocument",
                       "relationships/unknown")
    assert not needs_numbers(untyped), "word/document.xml read: numbered already"
