"""Work caps of the layout pass: what LibreOffice is given to lay out, checked on the package
before it starts.

Why: LibreOffice's layout time grows faster than the document on a few shapes. Measured
(LibreOffice 7.4, the example handbook inflated; the pass costs about 5 s on this machine
without them): 1,000 headings in the contents page add about 2 s, 4,000 add 24 s (16,000
ran 87 s); 1,000 table rows add 4 s, 5,000 add 80 s; 1,000 `NUMPAGES` fields in one header
add 3 s (5,000 ran into the 180 s timeout); 20,000 paragraphs add 8 s. A timeout would
only stop the pass after minutes, on every build. So a document over a cap is left out of
the pass, with one message naming the cap: it keeps a contents page without page numbers,
which Word fills in when the reader agrees to update fields (as without LibreOffice).
With ``--pdf`` its PDF is refused by name (a PDF needs the same layout), after the other
documents' PDFs are written. The caps sit far above any real document (the reference
handbook: 16 headings, 54 rows, 264 paragraphs, 2 fields per header).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.errors import display_path
from generator.writer import oxml
from generator.writer.oxml import w
from generator.writer.package import rels_name, resolve_target
from generator.writer.toc import main_parts


@dataclass(frozen=True)
class Caps:
    """The most of each thing one document may hold and still be laid out."""

    fields_per_part: int = 100
    """Fields (simple or complex) in one header or footer part: repeated on every page."""
    contents_headings: int = 1_000
    """Headings the contents page lists (`_Toc` bookmarks), each an index entry to update."""
    table_rows: int = 1_000
    """Table rows in the body, all tables together."""
    paragraphs: int = 10_000
    """Paragraphs in the body, table cells included."""


CAPS = Caps()

_FIELDS = (w("fldSimple"), w("instrText"))


def over_cap(docx: Path, caps: Caps | None = None) -> str | None:
    """What in ``docx`` is over a cap, said for the reader; None when it may be laid out.

    A package that cannot be read is not judged here: LibreOffice names its failure.
    """
    caps = caps or CAPS
    try:
        with zipfile.ZipFile(docx) as archive:
            parts = {key: archive.read(name)
                     for key, name in _parts_to_count(archive).items()}
        body = _count_body(parts.pop(""))
        fields = {name: _count(data, _FIELDS) for name, data in sorted(parts.items())}
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    found = [f"{count:,} fields in {name}, more than {caps.fields_per_part:,}"
             for name, count in fields.items() if count > caps.fields_per_part]
    limits = [(w("bookmarkStart"), caps.contents_headings, "headings in the contents page"),
              (w("tr"), caps.table_rows, "table rows"), (oxml.W_P, caps.paragraphs, "paragraphs")]
    found += [f"{body[tag]:,} {what}, more than {cap:,}" for tag, cap, what in limits
              if body[tag] > cap]
    return "; ".join(found) or None


def split(written: Iterable[Path], *, pdf: bool, echo: Callable[[str], None]
          ) -> tuple[list[Path], dict[Path, str]]:
    """The documents to lay out, and those over a cap (each said once, with its cap)."""
    batch: list[Path] = []
    capped: dict[Path, str] = {}
    for path in written:
        why = over_cap(path)
        if why is None:
            batch.append(path)
            continue
        capped[path] = why
        echo(f"note: {display_path(path)} is too large for the layout pass ({why}): its "
             "contents page lists its headings without page numbers, which Word fills in "
             "when the reader agrees to update fields on opening"
             + ("; no PDF is made of it" if pdf else ""))
    return batch, capped


def refusal(capped: dict[Path, str]) -> str:
    """The error of a build with --pdf whose documents include some over a cap."""
    lines = [f"  {display_path(path)}: {why}" for path, why in capped.items()]
    return (f"{len(capped)} PDF(s) not produced: too large for LibreOffice to lay out in "
            "seconds (the .docx is written; split the document, or build it without --pdf "
            "and make its PDF in Word):\n" + "\n".join(lines))


def _parts_to_count(archive: zipfile.ZipFile) -> dict[str, str]:
    """{key: part name}: the main document part under "", its header and footer parts
    under their own names."""
    names = set(archive.namelist())
    document, _ = main_parts({"_rels/.rels": archive.read("_rels/.rels")})
    wanted = {"": document}
    if rels_name(document) in names:
        for rel in etree.fromstring(archive.read(rels_name(document))):
            target = resolve_target(document, rel.get("Target", ""))
            if rel.get("Type") in (oxml.RT_HEADER, oxml.RT_FOOTER) and target in names \
                    and rel.get("TargetMode") != "External":
                wanted[target] = target
    return wanted


def _count_body(document: bytes) -> dict[str, int]:
    """{tag: how many}: the contents page's headings (`_Toc` bookmarks), table rows and
    paragraphs of the main document part, read as a stream (it may be large)."""
    body = {tag: 0 for tag in (w("bookmarkStart"), w("tr"), oxml.W_P)}
    for _, element in etree.iterparse(io.BytesIO(document), events=("start",), tag=list(body)):
        if element.tag != w("bookmarkStart") or element.get(w("name"), "").startswith("_Toc"):
            body[element.tag] += 1
    return body


def _count(data: bytes, tags: tuple[str, ...]) -> int:
    return sum(1 for _ in etree.fromstring(data).iter(*tags))
