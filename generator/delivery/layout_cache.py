"""The page numbers of documents laid out before, so an unchanged document never waits for
LibreOffice again.

Why: the layout pass is most of a build's time (a LibreOffice start, then about half a
second a document), while a document whose bytes did not change lays out the same, page
for page, in the same LibreOffice with the same fonts. So the heading pages LibreOffice
found are kept by a digest of the .docx's bytes and of what lays it out: the LibreOffice
installed (its program files' sizes and dates), the fonts (the font and fontconfig
folders' dates: installing a font changes them) and the driver and profile this
generator gives it. Anything else changed means another key, never a stale page.

Kept in `$XDG_CACHE_HOME/interim-docs/layout-<uid>/` (generator.documents.template_cache's
private folder), one small JSON file per document, written atomically. An entry that is
not ours, damaged or not a page list is ignored (the document is laid out again and the
entry rewritten); a cache that cannot be written costs only the next build's time.
``INTERIM_LAYOUT_CACHE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path

from generator.delivery import pdf_profile
from generator.delivery.pdf import Pages, find_soffice
from generator.documents.template_cache import private_cache_folder, read_owned
from generator.writer.package import write_atomic

FORMAT = "interim-layout-1"
"""Changes when what an entry holds, or how pages are read, changes."""
MAX_ENTRY_BYTES = 1 << 20
_PROGRAM_FILES = ("versionrc", "soffice.bin", "libmergedlo.so", "libswlo.so",
                  "../Resources/versionrc", "../Frameworks/libmergedlo.dylib")
_FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig",
                 "/etc/fonts", "/etc/fonts/conf.d", "~/.fonts", "~/.local/share/fonts",
                 "~/.cache/fontconfig", "/Library/Fonts", "~/Library/Fonts")


@functools.cache
def fingerprint() -> str:
    """What lays a document out here, as one digest: LibreOffice's program files, the
    fonts' folders, and the driver and profile this generator hands it."""
    found = hashlib.sha256(FORMAT.encode())
    soffice = find_soffice()
    program = Path(soffice).resolve().parent if soffice else None
    places = [program / name for name in _PROGRAM_FILES] if program else []
    places += [Path(os.path.expanduser(name)) for name in _FONT_FOLDERS]
    for place in places:
        try:
            info = place.stat()
            found.update(f"{place}:{info.st_size}:{info.st_mtime_ns}\0".encode())
        except OSError:
            found.update(f"{place}:-\0".encode())
    for code in (Path(__file__).with_name("uno_driver.py"), Path(pdf_profile.__file__)):
        found.update(code.read_bytes())
    return found.hexdigest()


class PageCache:
    """Heading pages by the digest of a document's bytes (and of what lays it out)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def for_user(cls) -> PageCache:
        """The user's cache; one that keeps nothing when it is turned off or cannot be had."""
        if os.environ.get("INTERIM_LAYOUT_CACHE", "").strip() == "0":
            return cls(None)
        return cls(private_cache_folder("layout"))

    def key(self, data: bytes) -> str | None:
        """The key of a document's bytes (None when the cache is off)."""
        if self.folder is None:
            return None
        return hashlib.sha256(fingerprint().encode() + b"\0" + data).hexdigest()

    def get(self, key: str | None) -> Pages | None:
        """The pages kept under `key`; None when there are none, or none to trust."""
        if self.folder is None or key is None:
            return None
        data = read_owned(self.folder / f"{key}.json", MAX_ENTRY_BYTES)
        if data is None:
            return None
        try:
            entry = json.loads(data)
        except ValueError:
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        pages = entry.get("pages")
        if not isinstance(pages, dict) or not all(
                isinstance(name, str) and type(page) is int and page >= 1
                for name, page in pages.items()):
            return None
        return pages

    def put(self, key: str | None, pages: Pages) -> None:
        """Keep `pages` under `key`, atomically; a cache that cannot be written is skipped."""
        if self.folder is None or key is None:
            return
        entry = json.dumps({"format": FORMAT, "pages": pages}, sort_keys=True)
        with contextlib.suppress(OSError):
            write_atomic(self.folder / f"{key}.json", entry.encode("ascii"))
