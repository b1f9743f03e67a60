"""Redlines: a Word document with tracked changes from one version of a document to the next.

`redline` compares two renderings (.docx bytes) of one document and returns the
newer one with every difference as a Word tracked change, so that accepting all
changes gives the newer text and rejecting all gives the older. `sides` names
and renders the versions of an assignment's document that a redline compares.
"""

from __future__ import annotations

import datetime as dt

from generator.redline.package import Package
from generator.redline.tracked import Mark, Side, StoryDiff
from generator.writer.oxml import serialize
from generator.writer.package import resolve_timestamp, zip_package

__all__ = ["redline"]


def redline(older: bytes, newer: bytes, *, author: str,
            date: dt.datetime | None = None) -> bytes:
    """The newer .docx with its changes against the older tracked (author, date on each).

    `date` defaults to the newer document's own date (its core properties); the
    bytes depend only on the two inputs, the author and the date.
    """
    old, new = Package.read(older, "older"), Package.read(newer, "newer")
    when = resolve_timestamp(date or new.modified())
    mark = Mark(author, when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for part in new.stories():
        if part in old.parts:
            root = StoryDiff(Side(old, part), Side(new, part), mark).run()
            new.parts[part] = serialize(root)
    new.write_rels()
    return zip_package(new.parts, when)
