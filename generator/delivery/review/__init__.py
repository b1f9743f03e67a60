"""`interim review`: a client's returned .docx, each change and comment at its source line.

The client answers in Word: tracked changes, comments (with replies), and edits
made without track changes. `review` identifies the version the file was made
from (its custom properties; else the version whose text is closest, said so),
renders that version again, and places every item at the source value it lies
in (`sources.py` explains the source map, `mapping.py` the alignment); with
`apply`, what lies inside one value is written into it (`applying.py`). The
report goes to the terminal and to `reviews/<date>-<document>.md` in the
assignment folder.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.delivery.build import Builder
from generator.delivery.review.applying import apply as apply_items
from generator.delivery.review.as_sent import as_sent
from generator.delivery.review.entry import review_entry
from generator.delivery.review.mapping import Item, Mapper
from generator.delivery.review.report import markdown, terminal_lines
from generator.delivery.review.returned import read_returned
from generator.delivery.review.sources import SourceIndex
from generator.errors import Diagnostic, GeneratorError, display_path
from generator.source.project import Loaded, Project, load_assignment, load_firm
from generator.writer.package import write_atomic

__all__ = ["Review", "review"]

MAX_RETURNED_BYTES = 100 * 1024 * 1024
_DAY = re.compile(r"(19|2\d)\d\d-\d\d-\d\d")
"""A real date: LibreOffice dates comments 0-00-00."""


@dataclass
class Review:
    """What `interim review` found: the version, every item, the files it changed."""

    document: str
    identified: str
    items: list[Item]
    written: list[Path]
    report: Path | None

    def lines(self) -> list[str]:
        return [self.identified, *terminal_lines(self.items)]


def review(root: Path, assignment: str, returned_file: Path, *, apply: bool = False,
           warn: Callable[[Diagnostic], None] | None = None, write_report: bool = True
           ) -> Review:
    """Read a returned .docx against its sources; with `apply`, write what lies in one value."""
    folder = Project(root).resolve(assignment)
    try:
        data = returned_file.read_bytes()[:MAX_RETURNED_BYTES + 1]
    except OSError as exc:
        raise GeneratorError(f"cannot read {display_path(returned_file)}: "
                             f"{exc.strerror or exc}") from None
    if len(data) > MAX_RETURNED_BYTES:
        raise GeneratorError(f"{display_path(returned_file)} is larger than "
                             f"{MAX_RETURNED_BYTES // 2**20} MB: no returned document")
    returned = read_returned(data, display_path(returned_file))
    loaded = load_assignment(folder)
    builder = Builder(load_firm(root, warn=warn), root=root)
    with as_sent(returned, loaded, builder, warn) as sent:
        items = Mapper(returned, sent).items()
        return _finish(loaded, sent.rendering.job.instance.name, sent.said, items,
                       sent.since.today, apply, write_report)


def _finish(loaded: Loaded, name: str, identified: str, items: list[Item], index: SourceIndex,
            apply: bool, write_report: bool) -> Review:
    """Apply what can be applied (with `apply`), write the report, say what was done."""
    day, folder = _review_day(items), loaded.folder
    written: list[Path] = []
    if apply:
        entry = _entry(name, loaded, day)
        written, added = apply_items(items, index, folder, entry)
        if entry is None:
            identified += ("; no `reviews:` entry: the format records the action plan's "
                           "discussion before acceptance only, this review is kept in reviews/")
        elif written:
            identified += ("; `analysis.reviews` has a new entry" if added else
                           "; no `analysis.reviews` entry could be placed: add it by hand")
    else:
        for item in items:
            if item.target is not None and not item.reason:
                item.reason = "applies with --apply"
    report = (_write_report(folder, day, name, identified, items, written)
              if write_report else None)
    return Review(name, identified, items, written, report)


def _review_day(items: list[Item]) -> str:
    """The review's date: the client's latest dated change or comment, else today."""
    dates = sorted(i.date[:10] for i in items if _DAY.match(i.date))
    return dates[-1] if dates else datetime.date.today().isoformat()


def _entry(document: str, loaded: Loaded, day: str
           ) -> Callable[[str, list[Item]], str | None] | None:
    """What adds the `analysis.reviews` entry: for an action plan not yet accepted only."""
    a = loaded.assignment
    if document != "action-plan" or a.analysis is None or a.analysis.acceptance:
        return None
    people = {p.name: p.id for p in a.people}
    when = datetime.date.fromisoformat(day)
    return lambda text, applied: review_entry(text, when, people, applied)


def _write_report(folder: Path, day: str, document: str, identified: str, items: list[Item],
                  written: list[Path]) -> Path:
    """`reviews/<date>-<document>.md` (`-2`, `-3` for a second review that day)."""
    target = folder / "reviews" / f"{day}-{document}.md"
    n = 2
    while target.exists():
        target = folder / "reviews" / f"{day}-{document}-{n}.md"
        n += 1
    names = [display_path(w) for w in written]
    try:
        target.parent.mkdir(exist_ok=True)
        write_atomic(target, markdown(f"{document} ({day})", identified, items, names
                                      ).encode("utf-8"))
    except OSError as exc:
        raise GeneratorError(f"cannot write {display_path(target)}: "
                             f"{exc.strerror or exc}") from None
    return target
