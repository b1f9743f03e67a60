"""The page cache of the layout pass on its own: which LibreOffice, fonts and driver change its
key (a page is never taken from another layout), and which entries it trusts (a damaged,
foreign or oversized one is laid out again), without LibreOffice."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.delivery import layout_cache, pdf_profile
from generator.delivery.layout_cache import PageCache, fingerprint

MIB = 1 << 20

PROGRAM_FILES = ["versionrc", "soffice.bin", "libmergedlo.so", "libswlo.so",
                 "../Resources/versionrc", "../Frameworks/libmergedlo.dylib"]
"""Where LibreOffice's version and layout code sit (Linux, then macOS), relative to soffice."""
FONT_FOLDERS = ["/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig",
                "/etc/fonts", "/etc/fonts/conf.d", "~/.fonts", "~/.local/share/fonts",
                "~/.cache/fontconfig", "/Library/Fonts", "~/Library/Fonts"]
"""Where installing a font (or rebuilding fontconfig's cache) changes a folder's date."""


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A LibreOffice and font folders of the test's own, under the returned root: soffice
    linked from bin/ into lib/libreoffice/program/ as Debian installs it, every folder
    name (and ~) placed under the root, the driver and profile copied there."""
    root = tmp_path / "machine"
    program = root / "lib" / "libreoffice" / "program"
    for name in PROGRAM_FILES:
        (program / name).parent.mkdir(parents=True, exist_ok=True)
        (program / name).write_text(name)
    (program / "soffice").write_text("#!/bin/sh\n")
    (root / "bin").mkdir()
    (root / "bin" / "soffice").symlink_to(program / "soffice")
    code = root / "code"
    code.mkdir()
    (code / "uno_driver.py").write_text("driver\n")
    (code / "pdf_profile.py").write_text("profile\n")
    monkeypatch.setattr(layout_cache, "find_soffice", lambda: str(root / "bin" / "soffice"))
    monkeypatch.setattr(layout_cache.os.path, "expanduser",
                        lambda name: str(root / name.replace("~", "home").lstrip("/")))
    monkeypatch.setattr(layout_cache, "__file__", str(code / "layout_cache.py"))
    monkeypatch.setattr(pdf_profile, "__file__", str(code / "pdf_profile.py"))
    fingerprint.cache_clear()
    yield root
    fingerprint.cache_clear()


def again() -> str:
    """The fingerprint as a new process would find it (it is computed once a process)."""
    fingerprint.cache_clear()
    return fingerprint()


def test_the_fingerprint_is_computed_once_a_process(machine):
    first = fingerprint()
    (machine / "lib" / "libreoffice" / "program" / "soffice.bin").write_text("upgraded")
    assert fingerprint() == first  # the same process: the same LibreOffice
    assert again() != first


@pytest.mark.parametrize("name", PROGRAM_FILES)
def test_another_libreoffice_is_another_fingerprint(machine, name):
    place = machine / "lib" / "libreoffice" / "program" / name
    before = again()
    place.write_text(name + " of another release")  # another size
    assert again() != before
    place.unlink()  # gone (another layout of the installation)
    assert again() != before


def test_a_program_file_rewritten_in_place_at_another_date_is_another_fingerprint(machine):
    place = machine / "lib" / "libreoffice" / "program" / "libswlo.so"
    before = again()
    os.utime(place, ns=(1, 1))  # same size, another date
    assert again() != before


def test_without_libreoffice_the_fingerprint_is_the_fonts_and_code(machine, monkeypatch):
    with_office = again()
    monkeypatch.setattr(layout_cache, "find_soffice", lambda: None)
    without = again()
    assert without != with_office
    (machine / "lib" / "libreoffice" / "program" / "soffice.bin").write_text("changed")
    assert again() == without  # no LibreOffice: its files are not looked at


@pytest.mark.parametrize("folder", FONT_FOLDERS)
def test_a_font_installed_is_another_fingerprint(machine, folder):
    place = machine / folder.replace("~", "home").lstrip("/")
    before = again()
    place.mkdir(parents=True, exist_ok=True)
    assert again() != before
    os.utime(place, ns=(1, 1))
    assert again() != before


@pytest.mark.parametrize("code", ["uno_driver.py", "pdf_profile.py"])
def test_another_driver_or_profile_is_another_fingerprint(machine, code):
    before = again()
    with (machine / "code" / code).open("a") as handle:
        handle.write("# changed\n")
    assert again() != before


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PageCache:
    """The user's page cache turned on, in a folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("INTERIM_LAYOUT_CACHE", "1")
    monkeypatch.setattr(layout_cache, "fingerprint", lambda: "this LibreOffice")
    return PageCache.for_user()


def test_the_cache_is_the_users_own_folder(tmp_path, cache):
    assert cache.folder == tmp_path / "cache" / "interim-docs" / f"layout-{os.getuid()}"
    assert cache.folder.is_dir() and not cache.folder.stat().st_mode & 0o077


@pytest.mark.parametrize("setting", ["0", " 0 ", "0\n"])
def test_interim_layout_cache_0_turns_it_off(cache, monkeypatch, setting):
    monkeypatch.setenv("INTERIM_LAYOUT_CACHE", setting)
    off = PageCache.for_user()
    assert off.folder is None and off.key(b"docx") is None
    off.put("k", {"_Toc1": 2})
    assert off.get("k") is None


@pytest.mark.parametrize("setting", ["1", "", "00", "no", None])
def test_any_other_setting_or_none_keeps_it_on(cache, monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv("INTERIM_LAYOUT_CACHE")
    else:
        monkeypatch.setenv("INTERIM_LAYOUT_CACHE", setting)
    assert PageCache.for_user().folder == cache.folder


def test_a_cache_folder_that_cannot_be_had_keeps_nothing(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.setenv("INTERIM_LAYOUT_CACHE", "1")
    assert PageCache.for_user().folder is None


def test_the_key_is_the_bytes_and_the_fingerprint(cache, monkeypatch):
    key = cache.key(b"docx")
    assert key is not None and len(key) == 64 and key == cache.key(b"docx")
    assert cache.key(b"docx ") != key
    monkeypatch.setattr(layout_cache, "fingerprint", lambda: "another LibreOffice")
    assert cache.key(b"docx") != key


def test_pages_put_are_got_back_under_their_key_only(cache):
    key = cache.key(b"docx")
    assert cache.get(key) is None  # nothing kept yet
    cache.put(key, {"_Toc2": 3, "_Toc1": 1})
    assert cache.get(key) == {"_Toc1": 1, "_Toc2": 3}
    assert cache.get(cache.key(b"other")) is None
    assert cache.get(None) is None
    cache.put(None, {"_Toc1": 9})
    assert [p.name for p in cache.folder.iterdir()] == [f"{key}.json"]


def test_an_entry_is_a_small_sorted_json_file(cache):
    key = cache.key(b"docx")
    cache.put(key, {"_Toc2": 3, "_Toc1": 1})
    assert (cache.folder / f"{key}.json").read_bytes() == \
        b'{"format": "interim-layout-1", "pages": {"_Toc1": 1, "_Toc2": 3}}'


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path):
    (tmp_path / "gone").write_text("a file where the folder was")
    PageCache(tmp_path / "gone").put("k", {"_Toc1": 1})  # no error: the next build lays out
    assert (tmp_path / "gone").read_text() == "a file where the folder was"


@pytest.mark.parametrize("pages", [{"_Toc1": 1}, {}, {"_Toc1": 1, "_Toc2": 250}])
def test_page_one_and_an_empty_list_are_trusted(cache, pages):
    key = cache.key(b"docx")
    (cache.folder / f"{key}.json").write_text(
        json.dumps({"format": "interim-layout-1", "pages": pages}))
    assert cache.get(key) == pages


@pytest.mark.parametrize("entry", [
    {"format": "interim-layout-1", "pages": {"_Toc1": 0}},
    {"format": "interim-layout-1", "pages": {"_Toc1": 2, "_Toc2": -1}},
    {"format": "interim-layout-1", "pages": {"_Toc1": True}},
    {"format": "interim-layout-1", "pages": {"_Toc1": 2.0}},
    {"format": "interim-layout-1", "pages": {"_Toc1": "2"}},
    {"format": "interim-layout-1", "pages": [["_Toc1", 2]]},
    {"format": "interim-layout-1"},
    {"format": "interim-layout-0", "pages": {"_Toc1": 2}},
    {"pages": {"_Toc1": 2}},
    [{"format": "interim-layout-1", "pages": {"_Toc1": 2}}],
])
def test_an_entry_not_a_page_list_of_this_format_is_not_trusted(cache, entry):
    key = cache.key(b"docx")
    (cache.folder / f"{key}.json").write_text(json.dumps(entry))
    assert cache.get(key) is None


def test_an_entry_that_is_not_json_is_not_trusted(cache):
    key = cache.key(b"docx")
    (cache.folder / f"{key}.json").write_bytes(b'{"format": "interim-layout-1", "pages": {')
    assert cache.get(key) is None


def test_an_entry_is_read_up_to_one_mib(cache):
    key = cache.key(b"docx")
    head, tail = b'{"format": "interim-layout-1", "pages": {"_Toc1": 2}', b"}"
    path = cache.folder / f"{key}.json"
    path.write_bytes(head + b" " * (MIB - len(head) - len(tail)) + tail)
    assert cache.get(key) == {"_Toc1": 2}
    path.write_bytes(head + b" " * (MIB + 1 - len(head) - len(tail)) + tail)
    assert cache.get(key) is None  # its end not read: not trusted


def test_an_entry_others_may_write_is_not_trusted(cache):
    key = cache.key(b"docx")
    cache.put(key, {"_Toc1": 2})
    (cache.folder / f"{key}.json").chmod(0o666)
    assert cache.get(key) is None
