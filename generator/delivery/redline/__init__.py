"""Redlines: a Word document with tracked changes from one version of a document to the next.

`redline` compares two renderings (.docx bytes) of one document and returns the
newer one with every difference as a Word tracked change, so that accepting all
changes gives the newer text and rejecting all gives the older. `sides` names
and renders the versions of an assignment's document that a redline compares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from generator.delivery.redline.contents import with_page_numbers
from generator.delivery.redline.marks import REVISIONS, Mark, number_revisions
from generator.delivery.redline.package import Package
from generator.delivery.redline.tracked import Side, StoryDiff
from generator.errors import Diagnostic, GeneratorError, display_path
from generator.writer.oxml import serialize
from generator.writer.package import resolve_timestamp, zip_package

__all__ = ["redline", "redline_path", "write_redline"]


def redline(older: bytes, newer: bytes, *, author: str,
            date: dt.datetime | None = None) -> bytes:
    """The newer .docx with its changes against the older tracked (author, date on each).

    `date` defaults to the newer document's own date (its core properties); the
    bytes depend only on the two inputs, the author and the date.
    """
    return tracked_changes(older, newer, author=author, date=date)[0]


def tracked_changes(older: bytes, newer: bytes, *, author: str,
                    date: dt.datetime | None = None) -> tuple[bytes, int]:
    """`redline`'s document and how many tracked changes it holds (0: the same text)."""
    old, new = Package.read(older, "older"), Package.read(newer, "newer")
    when = resolve_timestamp(date or new.modified())
    mark = Mark(author, when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    next_id, changes = 1, 0
    for part in new.stories():
        if part in old.parts:
            root = StoryDiff(Side(old, part), Side(new, part), mark).run()
            changes += sum(1 for _ in root.iter(*REVISIONS))
            next_id = number_revisions(root, next_id)
            new.parts[part] = serialize(root)
    new.write_imports()
    return zip_package(new.parts, when), changes


def write_redline(root: Path, assignment: str, document: str, older: str, newer: str | None,
                  output: Path | None = None, *,
                  warn: Callable[[Diagnostic], None] | None = None,
                  echo: Callable[[str], None] | None = None) -> Path | None:
    """`interim redline`: render both named versions, write their redline atomically.

    `root` is the documents repository (firm.yaml, templates); `assignment` an id or
    folder; `older` / `newer` name versions as `versions.parse_version` reads them
    (`newer` None: the working tree). Returns the file written; None, writing nothing,
    when the two versions read the same (`--from 1.2`, the current version, against the
    working tree): a redline without a change would only look like a document to send.
    Its contents page carries the newer version's page numbers (`contents.py`; `echo`
    says why not, when not).
    """
    from generator.delivery.build import Builder
    from generator.delivery.redline.versions import parse_version, render_version
    from generator.source.project import Project, load_firm
    from generator.writer.converter import refuse_overwriting, write_atomic

    folder = Project(root).resolve(assignment)
    firm = load_firm(root, warn=warn)
    if output is not None:  # before the renderings, which take seconds
        brand = {"the brand template": root / firm.brand_template} if firm.brand_template else {}
        refuse_overwriting(output, brand)
    sides = [parse_version(name, folder) for name in (older, newer)]
    if sides[0].identity == sides[1].identity:
        raise GeneratorError(f"--from {older} and --to {newer or 'the working tree'} are the "
                             f"same version of {document}: a redline of it would show no "
                             "change (name an older version with --from)")
    # One Builder per side: a Builder keeps an assignment's timeline picture by its id.
    rendered = [render_version(side, folder, document, Builder(firm, root=root), warn=warn)
                for side in sides]
    data, changes = tracked_changes(*rendered,
                                    author=firm.for_language(firm.language).name)
    if not changes:
        return None
    data = with_page_numbers(data, rendered[1], echo or (lambda _: None))
    target = output or redline_path(Path("build"), folder.name, document,
                                    sides[0].label, sides[1].label)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except OSError as exc:
        raise GeneratorError(f"cannot write {display_path(target)}: "
                             f"{exc.strerror or exc}") from exc
    return target


def redline_path(out_dir: Path, assignment_id: str, document: str, older: str, newer: str
                 ) -> Path:
    """Where a redline goes by default: beside the documents, named for both versions."""
    return out_dir / assignment_id / f"redline-{document}-{older}-{newer}.docx"
