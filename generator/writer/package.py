"""The .docx package: its parts, relationships, content types and reproducible zip.

`Package` is the one owner of a document's parts while it is written, so no other code
keeps part names, relationships and content types in step by hand. Same input must give
byte-identical files (clients diff them, CI caches them), so every zip entry gets the
same timestamp and permissions and the entries keep a fixed order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import re
import signal
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any

from lxml import etree

from generator.errors import GeneratorError
from generator.writer import oxml
from generator.writer.oxml import CT_NS

EPOCH_1980 = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
ZIP_LAST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)
"""The last time a zip entry can carry (its year is 7 bits from 1980): a document dated
later keeps its date inside, its zip entries this one."""
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"
_TEMP_MARK = ".docx-writer-"


LAST_EPOCH = int(dt.datetime(3000, 1, 1, tzinfo=dt.UTC).timestamp()) - 1
"""The last second SOURCE_DATE_EPOCH may name: later dates overflow the documents' date
arithmetic (datetime stops at 9999) and are never meant."""


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a time, None when unset or empty.

    A malformed value is refused rather than ignored (as reproducible-builds.org asks):
    a build that silently fell back to another date would not be the one asked for.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not re.fullmatch(r"[0-9]+", epoch) or int(epoch) > LAST_EPOCH:
        shown = epoch if len(epoch) <= 40 else epoch[:40] + "..."
        raise GeneratorError(
            f"SOURCE_DATE_EPOCH={shown!r} is not a time in seconds since 1970 up to year 2999 "
            "(set it to whole seconds, e.g. `export SOURCE_DATE_EPOCH=$(git log -1 "
            "--format=%ct)`, or unset it)")
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)


def resolve_timestamp(timestamp: dt.datetime | None) -> dt.datetime:
    """The document time: explicit, else SOURCE_DATE_EPOCH, else 1980-01-01 (UTC, whole s)."""
    if timestamp is None:
        timestamp = source_date_epoch() or EPOCH_1980
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=dt.UTC)
    timestamp = timestamp.astimezone(dt.UTC).replace(microsecond=0)
    return max(timestamp, EPOCH_1980)


@dataclass(frozen=True)
class Relationship:
    """A relationship from the main document part the renderer asks for."""

    rid: str
    rtype: str
    target: str
    external: bool


class RidAllocator:
    """Deterministic relationship ids continuing after the template's own."""

    def __init__(self, start: int):
        self.next = start

    def __call__(self) -> str:
        rid = f"rId{self.next}"
        self.next += 1
        return rid


class Package:
    """The parts of one document being written, with the main part's relationships
    and the content types; `zip` gives the finished, reproducible .docx."""

    def __init__(self, parts: dict[str, bytes], document_part: str, rels: etree._Element,
                 types: etree._Element, rids: RidAllocator):
        self.parts = parts
        self.document_part = document_part
        self.rels = rels
        self.types = types
        self.rids = rids

    def relate(self, rtype: str, target: str, *, external: bool = False,
               rid: str | None = None) -> str:
        """A relationship from the main document part; its id."""
        rid = rid or self.rids()
        oxml.relationship(self.rels, rid, rtype, target, external)
        return rid

    def target_of(self, rtype: str) -> str | None:
        """The part the main document relates to with `rtype` (first, internal only)."""
        for rel in self.rels:
            if rel.get("Type") == rtype and rel.get("TargetMode") != "External":
                return resolve_target(self.document_part, rel.get("Target"))
        return None

    def override(self, partname: str, content_type: str) -> None:
        content_type_override(self.types, partname, content_type)

    def default(self, extension: str, content_type: str) -> None:
        content_type_default(self.types, extension, content_type)

    def related_part(self, rtype: str, partname: str, content_type: str, data: bytes) -> None:
        """Write the part the main document relates to with `rtype`: where the template
        has one, under its name; else as `partname`, newly related."""
        target = self.target_of(rtype)
        if target is None:
            target = partname
            self.relate(rtype, partname.removeprefix("word/"))
        self.override(target, content_type)
        self.parts[target] = data

    def new_part_name(self, stem: str) -> str:
        """word/<stem>N.xml with the lowest N not taken."""
        number = 1
        while f"word/{stem}{number}.xml" in self.parts:
            number += 1
        return f"word/{stem}{number}.xml"

    def drop(self, rtype: str) -> None:
        """Remove the part related with `rtype` and every relationship of that type."""
        target = self.target_of(rtype)
        if target is None:
            return
        self.parts.pop(target, None)
        for rel in list(self.rels):
            if rel.get("Type") == rtype:
                self.rels.remove(rel)

    def zip(self, timestamp: dt.datetime | None) -> bytes:
        """The .docx: relationships and content types written, unused overrides dropped."""
        self.parts[rels_name(self.document_part)] = oxml.serialize(self.rels)
        for node in list(self.types):
            name = node.get("PartName")
            if name and name.lstrip("/") not in self.parts:
                self.types.remove(node)
        self.parts["[Content_Types].xml"] = oxml.serialize(self.types)
        return zip_package(self.parts, resolve_timestamp(timestamp))


def resolve_target(source_part: str, target: str) -> str:
    """A relationship's target as a part name; '' when it points outside the package."""
    if target.startswith("/"):
        target, base = target.lstrip("/"), PurePosixPath("")
    else:
        base = PurePosixPath(source_part).parent
    parts: list[str] = []
    for piece in (base / target).parts:
        if piece == "..":
            if not parts:
                return ""
            parts.pop()
        elif piece not in (".", "/"):
            parts.append(piece)
    return "/".join(parts)


def rels_name(partname: str) -> str:
    """The relationships part of `partname`."""
    p = PurePosixPath(partname)
    return str(p.parent / "_rels" / f"{p.name}.rels")


def content_type_override(root: etree._Element, partname: str, content_type: str) -> None:
    for node in root:
        if node.get("PartName") == f"/{partname}":
            node.set("ContentType", content_type)
            return
    node = etree.SubElement(root, f"{{{CT_NS}}}Override")
    node.set("PartName", f"/{partname}")
    node.set("ContentType", content_type)


def content_type_default(root: etree._Element, extension: str, content_type: str) -> None:
    for node in root:
        if node.tag == f"{{{CT_NS}}}Default" and node.get("Extension", "").lower() == extension:
            return
    node = etree.Element(f"{{{CT_NS}}}Default")
    node.set("Extension", extension)
    node.set("ContentType", content_type)
    root.insert(0, node)


def zip_package(parts: Mapping[str, bytes], timestamp: dt.datetime) -> bytes:
    """Zip the parts with fixed metadata; ``[Content_Types].xml`` first, then given order."""
    date_time = min(resolve_timestamp(timestamp), ZIP_LAST).timetuple()[:6]
    names = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3
            archive.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def escape(text: str, extra: dict[str, str] | None = None) -> str:
    """XML text escaping (xml.sax.saxutils pulls in urllib.request: 35 ms of import)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for key, value in (extra or {}).items():
        text = text.replace(key, value)
    return text


def _iso(timestamp: dt.datetime) -> str:
    return timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def core_xml(
    *, title: str, subject: str, author: str, keywords: str, timestamp: dt.datetime
) -> bytes:
    """docProps/core.xml written from scratch (no python-docx 2013 defaults)."""
    stamp = _iso(resolve_timestamp(timestamp))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title>"
        f"<dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(author)}</dc:creator>"
        f"<cp:keywords>{escape(keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def app_xml(*, company: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Application>interim-docs</Application>'
        f"<Company>{escape(company)}</Company></Properties>"
    ).encode()


def custom_xml(properties: Mapping[str, str]) -> bytes:
    """docProps/custom.xml; keys sorted so the bytes never depend on dict order."""
    items = "".join(
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
        f'pid="{pid}" name="{escape(str(key), {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(str(properties[key]))}</vt:lpwstr></property>"
        for pid, key in enumerate(sorted(properties), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/docPropsVTypes">{items}</Properties>'
    ).encode()


def write_atomic(target: Path, data: bytes) -> None:
    """Write via a temp file in the target's folder, fsync, os.replace.

    A reader never sees a half-written .docx, and on any failure the previous target stays
    untouched and the temp file is removed. Where the system allows (Linux, O_TMPFILE), the
    data is written to a file without a name, named only once whole and at once renamed:
    a process killed while writing (SIGKILL, a worker dying with its build) leaves nothing.
    Elsewhere, a SIGTERM removes the named temp file, and the next build removes what a
    SIGKILL left (clean_stale_temporaries: the writer's pid is in the name).
    """
    target = Path(target)
    folder = target.parent
    fd = _open_unnamed(folder)
    temp: Path | None = None
    try:
        if fd is None:
            temp_name, fd = _create_temp(folder, target.name)
            temp = Path(temp_name)
            _OWN.add(temp)
        with os.fdopen(fd, "wb") as handle, on_sigterm(_remove_own):
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o644)
            if temp is None:
                temp = _name_unnamed(handle.fileno(), folder, target.name)
            os.replace(temp, target)
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    finally:
        if temp is not None:
            _OWN.discard(temp)
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _open_unnamed(folder: Path) -> int | None:
    """A file in `folder` with no name yet (O_TMPFILE); None where the system or the
    file system has none (the caller then writes a named temp file)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o644)
    except IsADirectoryError:  # EISDIR: the kernel knows O_TMPFILE, this file system not
        return None
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL):
            return None
        raise


def _name_unnamed(fd: int, folder: Path, name: str) -> Path:
    """Give the whole, synced unnamed file a temp name (link cannot replace the target;
    the rename after it does, atomically)."""
    for attempt in range(1000):
        candidate = _temp_path(folder, name, attempt)
        _OWN.add(candidate)
        try:  # a dir_fd makes Python call linkat, which can follow the /proc link; link cannot
            dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                os.link(f"/proc/self/fd/{fd}", candidate.name, dst_dir_fd=dir_fd,
                        follow_symlinks=True)
            finally:
                os.close(dir_fd)
        except FileExistsError:
            _OWN.discard(candidate)
            continue
        return candidate
    raise FileExistsError(f"cannot create a temporary file in {folder}")


def _temp_path(folder: Path, name: str, attempt: int) -> Path:
    return folder / f"{TEMP_PREFIX}{name}{_TEMP_MARK}{os.getpid()}-{attempt}{TEMP_SUFFIX}"


def _create_temp(folder: Path, name: str) -> tuple[str, int]:
    """Exclusive temp file next to the target (tempfile's name RNG costs 40 ms to seed)."""
    for attempt in range(1000):
        candidate = _temp_path(folder, name, attempt)
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        return str(candidate), fd
    raise FileExistsError(f"cannot create a temporary file in {folder}")


_OWN: set[Path] = set()
"""The temp files this process has named and not yet renamed: what a SIGTERM removes."""


OnSigterm = Callable[[int, FrameType | None, Any], None]
"""A SIGTERM handler that is also given the handler it replaced."""


@contextlib.contextmanager
def on_sigterm(handler: OnSigterm) -> Iterator[None]:
    """Inside the block SIGTERM calls `handler(signum, frame, previous)`; after it, the
    previous handler is back. Only the main thread may set handlers: in another thread the
    block runs without (a killed run's leftovers go to the next run's sweep)."""
    try:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, lambda signum, frame: handler(signum, frame, previous))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_own(signum: int, frame: FrameType | None, previous: Any) -> None:
    """While a temp file has a name, a SIGTERM first removes it, then does what it did
    before (the previous handler, or ending the process as SIGTERM does)."""
    for path in list(_OWN):
        with contextlib.suppress(OSError):
            path.unlink()
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def clean_stale_temporaries(folder: Path) -> None:
    """Remove temp files a killed ``write_atomic`` left behind (only ours, by name).

    A temp file of a process still running (a parallel ``make -j`` build writing into
    the same folder) is left alone: its pid is in the name.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        match = _TEMP_NAME.fullmatch(path.name)
        if match and not process_alive(int(match.group(1))) and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()


_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r".*" + re.escape(_TEMP_MARK)
                        + r"(\d+)-\d+" + re.escape(TEMP_SUFFIX))


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs (this one counts as gone: its leftovers are stale)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
