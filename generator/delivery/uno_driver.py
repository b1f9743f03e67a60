"""The UNO driver: runs under the Python that has LibreOffice's ``uno`` module, never
imported by the generator.

Debian's ``python3-uno`` can only be imported by Debian's own ``/usr/bin/python3``, not
by the project's virtual environment, so :mod:`generator.delivery.office` starts this
file as a script under that interpreter and talks to it over its standard input and
output, one JSON object per line. It connects to the LibreOffice that office.py started
(a named pipe, no network port) and, per request, opens one document hidden and
read-only, updates its indexes (the contents page), reports the page of each ``_Toc``
bookmark (the headings the contents page lists) and exports a PDF when asked, as the
Basic macro of the cold batch does (generator/delivery/pdf_profile.py).

Standard library and ``uno`` only: it must start in whatever interpreter has ``uno``.
"""

from __future__ import annotations

import json
import signal
import sys
import time

import uno  # type: ignore[import-not-found]  # only in LibreOffice's Python
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_SECONDS = 60.0
"""How long a starting LibreOffice may take to accept the connection."""


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def connect(pipe: str) -> object:
    """The desktop of the LibreOffice listening on ``pipe``, once it listens."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # NoConnectException: not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)


def lay_out(desktop: object, job: dict) -> dict:
    """One document: indexes updated, heading pages read, PDF exported when asked."""
    clock = [time.perf_counter()]
    load = [_prop("Hidden", True), _prop("ReadOnly", True), _prop("MacroExecutionMode", 0)]
    if job.get("filter"):
        load.append(_prop("FilterName", job["filter"]))
    doc = desktop.loadComponentFromURL(job["source"], "_blank", 0, tuple(load))
    if doc is None:
        return {"ok": False, "error": "LibreOffice could not open it"}
    took = {"load": _lap(clock)}
    try:
        if job.get("update") and hasattr(doc, "getDocumentIndexes"):
            # update() lays the document out again before it fills in page numbers.
            indexes = doc.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.refresh()
        took["update"] = _lap(clock)
        pages = _pages(doc) if job.get("pages") else {}
        took["pages"] = _lap(clock)
        if job.get("pdf"):
            doc.storeToURL(job["pdf"], (_prop("FilterName", "writer_pdf_Export"),))
        took["pdf"] = _lap(clock)
    finally:
        doc.close(True)
    took["close"] = _lap(clock)
    return {"ok": True, "pages": pages, "seconds": took}


def _lap(clock: list[float]) -> float:
    """Seconds since the last lap (what each step costs, for bench/profile_layout.py)."""
    now = time.perf_counter()
    took, clock[0] = now - clock[0], now
    return round(took, 4)


def _pages(doc: object) -> dict[str, int]:
    """The page each heading's bookmark is laid out on, as the exported PDF shows it."""
    marks = doc.getBookmarks()
    cursor = doc.getCurrentController().getViewCursor()
    found = {}
    for i in range(marks.getCount()):
        mark = marks.getByIndex(i)
        if mark.getName().startswith("_Toc"):
            cursor.gotoRange(mark.getAnchor().getStart(), False)
            found[mark.getName()] = cursor.getPage()
    return found


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the generator to handle
    try:
        desktop = connect(sys.argv[1])
    except Exception as error:
        print(json.dumps({"ready": False, "error": f"{type(error).__name__}: {error}"}),
              flush=True)
        return
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            answer = lay_out(desktop, json.loads(line))
        except Exception as error:  # the document's error, said; the next one goes on
            message = getattr(error, "Message", "") or str(error)
            answer = {"ok": False, "error": f"{type(error).__name__}: {message}".strip()}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
