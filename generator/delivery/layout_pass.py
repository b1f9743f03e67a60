"""Which documents LibreOffice must lay out, and in how many LibreOffices.

Measured on the example (bench/profile_layout.py, a loaded 2-core machine): a warm
LibreOffice takes under a second to start (generator.delivery.pdf_profile: without its
graphics self-test), about 1 s to load the first document and 0.35 s each other one, 0.15 s to
lay it out and read its heading pages and 0.03 s to update its contents index; numbering
the contents page and writing the .docx again costs us under 0.02 s a document. So the
time goes to LibreOffice alone, and it is saved by not asking it:

- a document without a contents page (a progress memo) has no page to number: without
  ``--pdf`` it never reaches LibreOffice;
- a document laid out before, byte for byte, takes its pages from the cache
  (generator.delivery.layout_cache) in the worker that writes it, so it is written once,
  numbered; a build whose documents all come from the cache never starts LibreOffice;
- the work caps (generator.delivery.layout_caps) are checked on what LibreOffice is
  given, and only on that;
- many documents left (``SECOND_OFFICE_AT``) are shared by two LibreOffices, one a core:
  LibreOffice lays a document out on one core.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.delivery import layout_caps
from generator.delivery import office as uno
from generator.delivery.layout_cache import PageCache
from generator.delivery.parallel import available_cores
from generator.delivery.pdf import Pages, PdfError
from generator.writer.toc import fill_pages, needs_numbers

SECOND_OFFICE_AT = 8
"""Documents to lay out from which a second LibreOffice pays for its start and first load
(about 1.5 s of one core, against half the documents at about half a second each)."""


def numbered_from_cache(data: bytes, cache: PageCache) -> bytes:
    """The document's bytes with its contents page numbered from the cache, when it was laid
    out before; else as they are. Run where the document is written (a build's worker), so
    an unchanged document is written once, numbered, and the layout pass skips it."""
    if not needs_numbers(data):
        return data
    pages = cache.get(cache.key(data))
    return fill_pages(data, pages) if pages else data


def to_lay_out(documents: Sequence[Path], *, pdf: bool, cache: PageCache
               ) -> tuple[dict[Path, Pages], list[tuple[Path, str | None]]]:
    """(pages known already, by resolved path; documents LibreOffice must see, each with
    its cache key). With `pdf`, every document: its PDF needs LibreOffice anyway."""
    known: dict[Path, Pages] = {}
    left: list[tuple[Path, str | None]] = []
    for docx in documents:
        try:
            data = docx.read_bytes()
        except OSError:  # LibreOffice names why it cannot be read
            left.append((docx, None))
            continue
        if not pdf and not needs_numbers(data):
            continue
        key = cache.key(data)
        found = None if pdf else cache.get(key)
        if found is not None:
            known[docx.resolve()] = found
        else:
            left.append((docx, key))
    return known, left


def heading_pages(documents: Sequence[Path], *, pdf: bool, office: uno.Office | None = None,
                  cache: PageCache | None = None, echo: Callable[[str], None] = lambda _: None
                  ) -> tuple[dict[Path, Pages], dict[Path, str]]:
    """The page of each heading of each document whose contents page has no numbers yet
    (with `pdf`, of every document, its PDF written next to it), from the cache or from
    LibreOffice (the warm `office`, started only when needed), and the documents over a
    work cap (generator.delivery.layout_caps: LibreOffice never sees them; each said with
    `echo`). What LibreOffice found is kept in the cache. Failures raise PdfError as
    generator.delivery.office.lay_out does."""
    cache = cache or PageCache.for_user()
    known, left = to_lay_out(documents, pdf=pdf, cache=cache)
    batch, capped = layout_caps.split([docx for docx, _ in left], pdf=pdf, echo=echo)
    if batch:
        found = _lay_out(batch, pdf=pdf, office=office)
        for docx, key in left:
            pages = found.get(docx.resolve())
            if pages is not None:
                cache.put(key, pages)
        known.update(found)
    return known, capped


def landed(docx: Path, *, pdf: bool, office: uno.Office | None) -> None:
    """A document was written: start LibreOffice now if it will need it, so that it starts
    while the others are still being written."""
    if office is None or office.started:
        return
    try:
        wanted = pdf or needs_numbers(docx.read_bytes())
    except OSError:
        wanted = True
    if wanted:
        with contextlib.suppress(PdfError, OSError):  # the layout pass says it, once
            office.start()


def _lay_out(documents: list[Path], *, pdf: bool, office: uno.Office | None
             ) -> dict[Path, Pages]:
    """generator.delivery.office.lay_out, in two LibreOffices when there are many."""
    if len(documents) < SECOND_OFFICE_AT or available_cores() < 2 or not uno.available():
        return uno.lay_out(documents, pdf=pdf, office=office)
    with contextlib.ExitStack() as stack:
        offices = [office or stack.enter_context(uno.Office())]
        try:
            offices.append(stack.enter_context(uno.Office()))
        except (PdfError, OSError):
            return uno.lay_out(documents, pdf=pdf, office=offices[0])
        halves = [documents[0::2], documents[1::2]]
        results: list[dict[Path, Pages] | BaseException] = [{}, {}]

        def work(index: int) -> None:
            try:
                results[index] = uno.lay_out(halves[index], pdf=pdf, office=offices[index])
            except BaseException as error:  # said by the caller's thread
                results[index] = error

        threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in (0, 1)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        except BaseException:  # Ctrl-C: both LibreOffices end now, their threads with them
            for each in offices:
                each.close()
            raise
    return _merged(results)


def _merged(results: list[dict[Path, Pages] | BaseException]) -> dict[Path, Pages]:
    """Both halves' pages; their failures as one PdfError (an unexpected error as itself)."""
    failed = [r for r in results if isinstance(r, BaseException)]
    for error in failed:
        if not isinstance(error, PdfError):
            raise error
    if failed:
        raise PdfError("\n".join(str(error) for error in failed),
                       [path for error in failed for path in getattr(error, "missing", [])])
    return {path: pages for r in results if isinstance(r, dict) for path, pages in r.items()}
