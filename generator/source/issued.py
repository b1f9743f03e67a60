"""The issued record: which versions of an assignment's documents were sent to the client.

`interim issue` writes it; `validate` and `build` read it to refuse sources that would
change a document already sent. It lives in its own file beside `assignment.yaml`,
`issued.yaml`, written only by the tool (appended to, every earlier byte kept), so the
author's file, its comments and its order are never rewritten by a program. Each
record's text, as issued, is kept in `issued/<document>-<version>.txt` (one paragraph or
table row a line), so a refusal can show the paragraph as it was sent beside what it
would read now, and a reader of the repository can see what the client holds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from generator.errors import Location, Report
from generator.source.kind_ids import KIND_IDS
from generator.source.loading import load
from generator.source.model import Day, Plain
from generator.source.reading import Source
from generator.source.records import Record, matching

ISSUED_FILE = "issued.yaml"
TEXTS_FOLDER = "issued"
DOCUMENT_NAME = "|".join(k for k in KIND_IDS if k != "progress") + r"|progress-\d{4}-\d{2}-\d{2}"
"""What a record names: a kind of one document, or a progress report by its evaluation."""

Document = Annotated[str, matching(DOCUMENT_NAME, "document name",
                                   "proposal, action-plan, handbook, handover or "
                                   "progress-YYYY-MM-DD, as `interim list` names them")]
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
Digest = Annotated[str, matching(DIGEST.pattern, "digest",
                                 "`interim issue` writes sha256: and 64 hex digits; "
                                 "do not edit a record by hand")]


class IssuedRecord(Record):
    document: Document
    version: Plain
    date: Day
    """The document's own date: it is re-rendered as of this date."""
    digest: Digest
    """Of the document's canonical text (generator.delivery.issuing.canonical_text)."""
    generator: Plain | None = None
    """The interim-docs version that issued it: named when a later one renders otherwise."""


class IssuedFile(Record):
    issued: list[IssuedRecord] = []


def text_name(document: str, version: str) -> str:
    """`issued/handbook-1.1.txt`: where a record's text, as issued, is kept. A version is
    text a source may pin: only letters, digits, `.`, `_` and `-` of it make the name, so
    it stays a file of `issued/` (`1.0/../x` -> `1.0-..-x`, never a path)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", version).strip(".-") or "version"
    return f"{TEXTS_FOLDER}/{document}-{safe}.txt"


def read_issued(folder: Path) -> tuple[list[IssuedRecord], Source | None]:
    """The records of an assignment folder, oldest first, with their source for locating
    them; none when the folder has no `issued.yaml`. A malformed file raises SourceError
    at its lines."""
    path = folder / ISSUED_FILE
    if not path.exists() and not path.is_symlink():
        return [], None
    record, source = load(path, IssuedFile, Report())
    return list(record.issued), source


def record_location(source: Source | None, folder: Path, index: int) -> Location:
    """Where record `index` stands in `issued.yaml`."""
    if source is None:
        return Location(folder / ISSUED_FILE)
    return source.locate(("issued", index))
