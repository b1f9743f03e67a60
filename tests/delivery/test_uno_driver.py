"""The UNO driver without LibreOffice: its ``uno`` module and LibreOffice's answers faked at
the driver's seam (the desktop and the document it loads), so what it asks LibreOffice
and what it answers office.py are pinned here (tests/delivery/test_office.py runs the
real one, under the Python that has ``uno``)."""

from __future__ import annotations

import importlib
import io
import json
import signal
import sys
import types
from typing import Any

import pytest


class PropertyValue:
    def __init__(self) -> None:
        self.Name: str = ""
        self.Value: object = None


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """generator.delivery.uno_driver, imported with a fake ``uno`` and ``com.sun.star``."""
    uno = types.ModuleType("uno")
    beans = types.ModuleType("com.sun.star.beans")
    beans.PropertyValue = PropertyValue  # type: ignore[attr-defined]
    for name in ("com", "com.sun", "com.sun.star"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "com.sun.star.beans", beans)
    monkeypatch.setitem(sys.modules, "uno", uno)
    monkeypatch.delitem(sys.modules, "generator.delivery.uno_driver", raising=False)
    module = importlib.import_module("generator.delivery.uno_driver")
    yield module
    sys.modules.pop("generator.delivery.uno_driver", None)


class Clock:
    """time for the driver: each perf_counter() a quarter second later, sleeps counted."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.ticks = 0.0

    def monotonic(self) -> float:
        return len(self.slept) * 5 / 100  # exact at whole seconds: 1200 naps are 60.0

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def perf_counter(self) -> float:
        self.ticks += 0.25
        return self.ticks


class Index:
    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name

    def update(self) -> None:
        self.log.append(f"update {self.name}")


class Indexes:
    def __init__(self, items: list[Index]) -> None:
        self.items = items

    def getCount(self) -> int:
        return len(self.items)

    def getByIndex(self, i: int) -> Index:
        return self.items[i]


class Mark:
    def __init__(self, name: str, page: int) -> None:
        self.name, self.page = name, page

    def getName(self) -> str:
        return self.name

    def getAnchor(self) -> Mark:
        return self

    def getStart(self) -> int:
        return self.page


class Cursor:
    def __init__(self, log: list[str]) -> None:
        self.log, self.page = log, 0

    def gotoRange(self, start: int, select: bool) -> None:
        self.log.append(f"goto {start} {select}")
        self.page = start

    def getPage(self) -> int:
        return self.page


class Document:
    """A Writer document as UNO shows it: indexes, bookmarks, a view cursor."""

    def __init__(self, marks: dict[str, int], indexes: int | None = 2,
                 fails: Exception | None = None) -> None:
        self.log: list[str] = []
        self.marks = [Mark(name, page) for name, page in marks.items()]
        self.indexes = None if indexes is None else Indexes(
            [Index(self.log, str(i)) for i in range(indexes)])
        self.fails = fails
        self.cursor = Cursor(self.log)

    def __getattr__(self, name: str) -> Any:
        """getDocumentIndexes, when it has indexes: a drawing has none (UNO answers
        hasattr as the document's interfaces say)."""
        if name == "getDocumentIndexes" and self.indexes is not None:
            return lambda: self.indexes
        raise AttributeError(name)

    def refresh(self) -> None:
        self.log.append("refresh")

    def getBookmarks(self) -> Indexes:
        return Indexes(self.marks)  # type: ignore[arg-type]

    def getCurrentController(self) -> Document:
        return self

    def getViewCursor(self) -> Cursor:
        return self.cursor

    def storeToURL(self, url: str, props: tuple[PropertyValue, ...]) -> None:
        if self.fails:
            raise self.fails
        self.log.append(f"store {url} " + ",".join(f"{p.Name}={p.Value}" for p in props))

    def close(self, deliver: bool) -> None:
        self.log.append(f"close {deliver}")


class Desktop:
    def __init__(self, *documents: Document | None) -> None:
        self.documents = list(documents)
        self.loaded: list[tuple[str, str, int, dict[str, object]]] = []

    def loadComponentFromURL(self, url: str, frame: str, flags: int,
                             props: tuple[PropertyValue, ...]) -> Document | None:
        self.loaded.append((url, frame, flags, {p.Name: p.Value for p in props}))
        return self.documents.pop(0)


def test_a_document_is_opened_hidden_read_only_without_macros(driver) -> None:
    doc = Document({})
    desktop = Desktop(doc, Document({}))
    driver.lay_out(desktop, {"source": "file:///a.docx", "filter": "MS Word 2007 XML"})
    driver.lay_out(desktop, {"source": "file:///b.odt", "filter": ""})
    assert desktop.loaded == [
        ("file:///a.docx", "_blank", 0, {"Hidden": True, "ReadOnly": True,
                                         "MacroExecutionMode": 0,
                                         "FilterName": "MS Word 2007 XML"}),
        ("file:///b.odt", "_blank", 0, {"Hidden": True, "ReadOnly": True,
                                        "MacroExecutionMode": 0})]
    assert doc.log == ["close True"]  # nothing asked: nothing done


def test_a_document_libreoffice_cannot_open_is_said(driver) -> None:
    assert driver.lay_out(Desktop(None), {"source": "file:///a.docx"}) == {
        "ok": False, "error": "LibreOffice could not open it"}


def test_indexes_updated_pages_read_pdf_written_then_closed(driver, monkeypatch) -> None:
    monkeypatch.setattr(driver, "time", Clock())
    doc = Document({"_Toc1": 1, "_RefHeading": 9, "_Toc2": 3})
    answer = driver.lay_out(Desktop(doc), {"source": "file:///a.docx", "update": True,
                                           "pages": True, "pdf": "file:///out/0.pdf"})
    assert doc.log == ["update 0", "update 1", "refresh", "goto 1 False", "goto 3 False",
                       "store file:///out/0.pdf FilterName=writer_pdf_Export", "close True"]
    assert answer == {"ok": True, "pages": {"_Toc1": 1, "_Toc2": 3},
                      "seconds": {"load": 0.25, "update": 0.25, "pages": 0.25, "pdf": 0.25,
                                  "close": 0.25}}


def test_nothing_asked_is_done(driver) -> None:
    doc = Document({"_Toc1": 1})
    answer = driver.lay_out(Desktop(doc), {"source": "file:///a.docx", "update": False,
                                           "pages": False, "pdf": ""})
    assert doc.log == ["close True"] and answer["pages"] == {}


def test_a_document_without_indexes_is_not_updated(driver) -> None:
    doc = Document({}, indexes=None)
    driver.lay_out(Desktop(doc), {"source": "file:///a.odg", "update": True})
    assert doc.log == ["close True"]


def test_a_failing_export_still_closes_the_document(driver) -> None:
    doc = Document({}, fails=OSError("disk full"))
    with pytest.raises(OSError, match="disk full"):
        driver.lay_out(Desktop(doc), {"source": "file:///a.docx", "pdf": "file:///0.pdf"})
    assert doc.log[-1] == "close True"


def test_laps_are_rounded_to_a_tenth_of_a_millisecond(driver, monkeypatch) -> None:
    clock = types.SimpleNamespace(perf_counter=lambda: 10.123456789)
    monkeypatch.setattr(driver, "time", clock)
    mark = [9.0]
    assert driver._lap(mark) == 1.1235 and mark == [10.123456789]


class Resolver:
    def __init__(self, refusals: int, context: object) -> None:
        self.refusals, self.context = refusals, context
        self.urls: list[str] = []

    def resolve(self, url: str) -> object:
        self.urls.append(url)
        if len(self.urls) <= self.refusals:
            raise RuntimeError("NoConnectException: not listening")
        return self.context


class Services:
    def __init__(self, made: dict[str, object]) -> None:
        self.made = made
        self.asked: list[tuple[str, object]] = []

    def createInstanceWithContext(self, name: str, context: object) -> object:
        self.asked.append((name, context))
        return self.made[name]


def connection(driver, monkeypatch, refusals: int) -> tuple[Resolver, Services, Clock]:
    desktop = object()
    remote = types.SimpleNamespace()
    remote.ServiceManager = Services({"com.sun.star.frame.Desktop": desktop})
    resolver = Resolver(refusals, remote)
    local = types.SimpleNamespace()
    local.ServiceManager = Services({"com.sun.star.bridge.UnoUrlResolver": resolver})
    monkeypatch.setattr(driver.uno, "getComponentContext", lambda: local, raising=False)
    clock = Clock()
    monkeypatch.setattr(driver, "time", clock)
    return resolver, local.ServiceManager, clock


def test_the_driver_waits_for_libreoffice_to_listen(driver, monkeypatch) -> None:
    resolver, local, clock = connection(driver, monkeypatch, refusals=3)
    desktop = driver.connect("interim-1-ab")
    remote = resolver.context.ServiceManager
    assert remote.asked == [("com.sun.star.frame.Desktop", resolver.context)]
    assert desktop is remote.made["com.sun.star.frame.Desktop"]
    assert local.asked == [("com.sun.star.bridge.UnoUrlResolver",
                            driver.uno.getComponentContext())]
    assert resolver.urls == ["uno:pipe,name=interim-1-ab;urp;StarOffice.ComponentContext"] * 4
    assert clock.slept == [0.05] * 3


def test_the_driver_gives_up_after_a_minute(driver, monkeypatch) -> None:
    resolver, _, clock = connection(driver, monkeypatch, refusals=10**6)
    with pytest.raises(RuntimeError, match="NoConnectException"):
        driver.connect("interim-1-ab")
    assert driver.CONNECT_SECONDS == 60.0
    # at 60.0 s it tries once more; past the minute it gives up
    assert len(clock.slept) == 1201 and len(resolver.urls) == 1202


class Pipe(io.StringIO):
    """The driver's standard output as office.py reads it: a pipe, whose lines arrive only
    when flushed (block-buffered otherwise, and office.py would wait for them)."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered = ""

    def flush(self) -> None:
        self.delivered = self.getvalue()


class Requests:
    """office.py's requests: the next line only once the answer to the last has arrived."""

    def __init__(self, lines: list[str], out: Pipe) -> None:
        self.lines, self.out = lines, out

    def __iter__(self):
        for sent, line in enumerate(self.lines):
            assert self.out.delivered.count("\n") == sent + 1, "an answer never arrived"
            yield line


def run_main(driver, monkeypatch, lines: list[str]) -> list[dict[str, Any]]:
    out = Pipe()
    monkeypatch.setattr(sys, "stdin", Requests(lines, out))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "argv", ["uno_driver.py", "interim-7-cd"])
    before = signal.getsignal(signal.SIGINT)
    try:
        driver.main()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
    return [json.loads(line) for line in out.delivered.splitlines()]


def test_the_driver_says_it_is_ready_then_answers_each_line(driver, monkeypatch) -> None:
    asked: list[tuple[object, dict[str, Any]]] = []
    desktop = object()
    monkeypatch.setattr(driver, "connect", lambda pipe: pipe == "interim-7-cd" and desktop)

    class UnoError(Exception):
        Message = "the UNO message"

    answers = iter([{"ok": True, "pages": {"_Toc1": 2}}, UnoError("ignored"),
                    ValueError("plain"), UnoError(""), {"ok": True, "pages": {}}])

    def lay_out(desk, job):
        asked.append((desk, job))
        answer = next(answers)
        if isinstance(answer, Exception):
            if str(answer) == "":
                answer.Message = ""
            raise answer
        return answer

    monkeypatch.setattr(driver, "lay_out", lay_out)
    said = run_main(driver, monkeypatch, [json.dumps({"n": i}) + "\n" for i in range(5)])
    assert said == [{"ready": True}, {"ok": True, "pages": {"_Toc1": 2}},
                    {"ok": False, "error": "UnoError: the UNO message"},
                    {"ok": False, "error": "ValueError: plain"},
                    {"ok": False, "error": "UnoError:"},
                    {"ok": True, "pages": {}}]
    assert asked == [(desktop, {"n": i}) for i in range(5)]


def test_a_driver_that_cannot_connect_says_why_and_ends(driver, monkeypatch) -> None:
    def refused(pipe: str) -> object:
        raise ConnectionError("NoConnectException: refused")

    monkeypatch.setattr(driver, "connect", refused)
    assert run_main(driver, monkeypatch, ['{"n": 1}\n']) == [
        {"ready": False, "error": "ConnectionError: NoConnectException: refused"}]
