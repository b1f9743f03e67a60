"""Reading a .docx as a client sends it back: its text as it was sent, and the client's work.

Word and LibreOffice both rewrite the XML on save: runs split anywhere (`w:rsid*`,
spell checking's `w:proofErr`), bookmarks and smart tags inside words, `w14:paraId`
on every paragraph. So nothing here compares XML: each paragraph is walked once
into segments of text, each segment either common, inserted or deleted (with the
revision's author and date), and the paragraph as it was sent is the common and
deleted text ("reject all"). Every tracked change and comment is then a range of
that text, which is what the rendered document says and the source map knows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from generator.errors import GeneratorError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MAX_PART_BYTES = 64 * 1024 * 1024
"""A returned handbook of 2,000 milestones is a few MB; anything far larger is no review."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                          load_dtd=False)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_INSERTED = {w("ins"): "insertion", w("moveTo"): "move"}
_DELETED = {w("del"): "deletion", w("moveFrom"): "move"}
_TEXT = {w("t"), w("delText")}
_CHARACTERS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_SKIP = {w("pPr"), w("rPr"), w("instrText"), w("delInstrText"), w("p"), w("tbl")}
_W_P, _W_TBL, _W_ID = w("p"), w("tbl"), w("id")
_W_PPR_RPR = f"{w('pPr')}/{w('rPr')}"
_CONTAINERS = (w("sdt"), w("sdtContent"), w("customXml"), w("smartTag"))
_COMMENT_MARKS = {w("commentRangeStart"): "start", w("commentRangeEnd"): "end"}
_MARKS = ((w("ins"), "insertion"), (w("moveTo"), "move"), (w("del"), "deletion"),
          (w("moveFrom"), "move"))
"""A paragraph mark's revisions, as Word writes them in the mark's run properties."""
_STORY = re.compile(r"word/(header|footer)(\d*)\.xml")


@dataclass(frozen=True)
class Revision:
    """Who made a tracked change, and when (as Word writes them: empty when unknown)."""

    kind: str  # insertion, deletion, move
    author: str
    date: str
    ident: str


@dataclass
class Segment:
    text: str
    status: str  # "", "ins" or "del"
    revision: Revision | None = None


@dataclass
class Change:
    """One tracked change of a paragraph as sent: the range `start:end` became `after`."""

    kind: str
    author: str
    date: str
    block: int
    start: int
    end: int
    before: str
    after: str
    new_block: bool = False
    """The change adds a whole paragraph or row: nothing of the sent text holds it."""


@dataclass
class Comment:
    """A comment with the range of sent text it is anchored on, and its replies."""

    ident: str
    author: str
    date: str
    text: str
    start: tuple[int, int] | None = None  # (block, offset)
    end: tuple[int, int] | None = None
    replies: list[Comment] = field(default_factory=list)
    para_id: str = ""
    parent_para_id: str = ""


@dataclass
class Block:
    """A paragraph (or a table cell's paragraph) as it was sent."""

    text: str
    cell: tuple[int, int, int] | None = None  # table, row, column
    story: str = ""
    """"header" or "footer" for a paragraph of one (they follow the body's), else ""."""


@dataclass
class Returned:
    """What a returned .docx holds: its properties, its sent text, the client's work."""

    properties: dict[str, str]
    blocks: list[Block]
    changes: list[Change]
    comments: list[Comment]


def read_returned(data: bytes, name: str = "the file") -> Returned:
    """The returned document's text as sent, its tracked changes and its comments."""
    parts = _parts(data, name)
    if "word/document.xml" not in parts:
        raise GeneratorError(f"{name} is no Word document (it has no word/document.xml)")
    body = _xml(parts["word/document.xml"], name).find(w("body"))
    reader = _BodyReader()
    if body is not None:
        reader.read(body)
    for part in sorted((p for p in parts if _STORY.fullmatch(p)), key=_story_order):
        reader.story = _story_order(part)[0]
        reader.read(_without_field_results(_xml(parts[part], name)))
    comments = _comments(parts, name, reader.anchors)
    return Returned(_properties(parts, name), reader.blocks, reader.changes, comments)


def _parts(data: bytes, name: str) -> dict[str, bytes]:
    wanted = {"word/document.xml", "word/comments.xml", "word/commentsExtended.xml",
              "docProps/custom.xml"}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out = {}
            for info in z.infolist():
                if info.filename in wanted or _STORY.fullmatch(info.filename):
                    if info.file_size > MAX_PART_BYTES:
                        raise GeneratorError(f"{name}: {info.filename} is larger than "
                                             f"{MAX_PART_BYTES // 2**20} MB unpacked")
                    out[info.filename] = z.read(info)
            return out
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise GeneratorError(f"{name} is no .docx (not a zip package: {exc}); "
                             "save it from Word as a Word document (.docx)") from None


def _story_order(part: str) -> tuple[str, int]:
    """Headers, then footers, each by number: the same order on both sides of a review."""
    found = _STORY.fullmatch(part)
    assert found is not None
    return found[1], int(found[2] or 0)


def _without_field_results(root: etree._Element) -> etree._Element:
    """A header or footer without what its fields show (PAGE, NUMPAGES: "3 of 12"), which
    Word and LibreOffice refresh on their own: no client typed it. The field's runs from
    its `separate` to its `end`, and a simple field's content, go."""
    for simple in list(root.iter(w("fldSimple"))):
        simple.getparent().remove(simple)
    for p in root.iter(w("p")):
        depth, result = 0, False
        for r in list(p.iter(w("r"))):
            kind = next((c.get(w("fldCharType")) for c in r if c.tag == w("fldChar")), None)
            if kind == "begin":
                depth += 1
            elif kind == "separate" and depth == 1:
                result = True
            elif kind == "end" and depth:
                depth -= 1
                result = result and depth > 0
            elif result:
                r.getparent().remove(r)
    return root


def _xml(blob: bytes, name: str) -> etree._Element:
    if b"<!DOCTYPE" in blob[:2048]:
        raise GeneratorError(f"{name}: a part declares a <!DOCTYPE>; refused")
    try:
        return etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise GeneratorError(f"{name}: a part is malformed XML ({exc})") from None


def _properties(parts: dict[str, bytes], name: str) -> dict[str, str]:
    """docProps/custom.xml: each property's name and text (Word and LibreOffice keep them)."""
    if "docProps/custom.xml" not in parts:
        return {}
    root = _xml(parts["docProps/custom.xml"], name)
    return {prop.get("name", ""): "".join(prop.itertext()).strip()
            for prop in root if prop.get("name")}


class _BodyReader:
    """Walks the body once: paragraphs as sent, their changes, comment anchors."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.changes: list[Change] = []
        self.anchors: dict[str, list[tuple[str, tuple[int, int]]]] = {}
        self.tables = 0
        self.pending: list[Segment] = []  # paragraphs whose mark the client inserted
        self.pending_marks: list[tuple[str, str, int]] = []
        self.story = ""  # the header or footer being read, "" for the body

    def read(self, container: etree._Element, cell: tuple[int, int, int] | None = None,
             row_status: Revision | None = None) -> None:
        for child in container:
            if child.tag == _W_P:
                self.paragraph(child, cell, row_status)
            elif child.tag == _W_TBL:
                self.table(child)
            elif child.tag in _CONTAINERS:
                self.read(child, cell, row_status)

    def table(self, table: etree._Element) -> None:
        number = self.tables
        self.tables += 1
        for r, row in enumerate(_children(table, w("tr"))):
            status = None
            props = row.find(w("trPr"))
            if props is not None:
                for tag, kind in ((w("ins"), "insertion"), (w("del"), "deletion")):
                    mark = props.find(tag)
                    if mark is not None:
                        status = _revision(mark, kind)
            for c, tc in enumerate(_children(row, w("tc"))):
                self.read(tc, (number, r, c), status)

    def paragraph(self, p: etree._Element, cell: tuple[int, int, int] | None,
                  row: Revision | None) -> None:
        segments: list[Segment] = []
        marks: list[tuple[str, str, int]] = []  # (comment id, start|end, offset in segments)
        _walk(p, None, segments, marks)
        if row is not None:  # a row the client inserted or deleted: all its text with it
            status = "ins" if row.kind == "insertion" else "del"
            segments = [Segment(s.text, s.status or status, s.revision or row)
                        for s in segments]
        mark = _paragraph_mark(p)
        if mark is not None and mark.kind in ("insertion", "move") and _is_inserted_mark(p):
            new = all(s.status == "ins" for s in segments if s.text)
            if new:  # a whole new paragraph: no sent text holds it
                self.new_paragraph(segments, mark)
                return
            # Enter pressed inside a paragraph: as sent it is one with the next.
            self.pending_marks += [(i, k, o + _length(self.pending)) for i, k, o in marks]
            self.pending += segments
            return
        if row is not None and row.kind == "insertion":
            self.new_paragraph(segments, row)
            return
        segments, marks = self.pending + segments, self.pending_marks + [
            (i, k, o + _length(self.pending)) for i, k, o in marks]
        self.pending, self.pending_marks = [], []
        self.close(segments, marks, cell)

    def new_paragraph(self, segments: list[Segment], revision: Revision) -> None:
        text = "".join(s.text for s in segments)
        if text.strip():
            block = max(len(self.blocks) - 1, 0)
            end = len(self.blocks[-1].text) if self.blocks else 0
            self.changes.append(Change("insertion", revision.author, revision.date, block,
                                       end, end, "", text, new_block=True))

    def close(self, segments: list[Segment], marks: list[tuple[str, str, int]],
              cell: tuple[int, int, int] | None) -> None:
        index = len(self.blocks)
        sent, offset = [], 0
        for ident, which, at in marks:
            self.anchors.setdefault(ident, []).append((which, (index, at)))
        for run in _runs(segments):
            text = "".join(s.text for s in run)
            first = run[0]
            if first.status == "del":
                sent.append(text)
                self.add(first.revision, index, offset, offset + len(text), text, "")
                offset += len(text)
            elif first.status == "ins":
                self.add(first.revision, index, offset, offset, "", text)
            else:
                sent.append(text)
                offset += len(text)
        self.blocks.append(Block("".join(sent), cell, self.story))

    def add(self, revision: Revision | None, block: int, start: int, end: int, before: str,
            after: str) -> None:
        """A change, joined with the one just before when together they replace a range."""
        rev = revision or Revision("insertion" if after else "deletion", "", "", "")
        last = self.changes[-1] if self.changes else None
        if (last is not None and last.block == block and last.author == rev.author
                and not last.new_block and last.end == start
                and ((last.after == "" and before == "") or (last.before == "" and after == ""
                                                            and last.start == start))):
            last.before += before
            last.after += after
            last.end = end
            last.kind = "move" if "move" in (last.kind, rev.kind) else "replacement"
            return
        self.changes.append(Change(rev.kind, rev.author, rev.date, block, start, end,
                                   before, after))


def _runs(segments: list[Segment]) -> Iterator[list[Segment]]:
    """Consecutive segments of one status and one revision."""
    run: list[Segment] = []
    for segment in segments:
        if run and (segment.status, segment.revision) != (run[0].status, run[0].revision):
            yield run
            run = []
        run.append(segment)
    if run:
        yield run


def _length(segments: list[Segment]) -> int:
    return sum(len(s.text) for s in segments if s.status != "ins")


def _walk(element: etree._Element, revision: tuple[str, Revision] | None,
          segments: list[Segment], marks: list[tuple[str, str, int]]) -> None:
    """Text in document order; nested paragraphs (text boxes) are not the paragraph's."""
    for child in element:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag in _INSERTED or tag in _DELETED:
            status = "ins" if tag in _INSERTED else "del"
            kind = _INSERTED.get(tag) or _DELETED[tag]
            _walk(child, (status, _revision(child, kind)), segments, marks)
        elif tag in _TEXT or tag in _CHARACTERS:
            text = child.text or "" if tag in _TEXT else _CHARACTERS[tag]
            status, rev = revision if revision else ("", None)
            if segments and segments[-1].status == status and segments[-1].revision == rev:
                segments[-1].text += text
            elif text:
                segments.append(Segment(text, status, rev))
        elif tag in _COMMENT_MARKS:
            marks.append((child.get(_W_ID, ""), _COMMENT_MARKS[tag], _length(segments)))
        elif len(child):
            _walk(child, revision, segments, marks)


def _revision(element: etree._Element, kind: str) -> Revision:
    return Revision(kind, element.get(w("author"), ""), element.get(w("date"), ""),
                    element.get(w("id"), ""))


def _paragraph_mark(p: etree._Element) -> Revision | None:
    props = p.find(_W_PPR_RPR)
    if props is None:
        return None
    for tag, kind in _MARKS:
        mark = props.find(tag)
        if mark is not None:
            return _revision(mark, kind)
    return None


def _is_inserted_mark(p: etree._Element) -> bool:
    props = p.find(_W_PPR_RPR)
    return props is not None and any(props.find(tag) is not None for tag in _INSERTED)


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Rows of a table, cells of a row: direct children, or inside a content control."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (w("sdt"), w("sdtContent"), w("customXml")):
            yield from _children(child, tag)


def _comments(parts: dict[str, bytes], name: str,
              anchors: dict[str, list[tuple[str, tuple[int, int]]]]) -> list[Comment]:
    """Comments with their anchors; replies (commentsExtended.xml) under their parent."""
    if "word/comments.xml" not in parts:
        return []
    found: list[Comment] = []
    for element in _xml(parts["word/comments.xml"], name).iter(w("comment")):
        paragraphs = element.findall(f".//{w('p')}")
        text = "\n".join("".join(t.text or "" for t in p.iter(w("t"))) for p in paragraphs)
        comment = Comment(element.get(w("id"), ""), element.get(w("author"), ""),
                          element.get(w("date"), ""), text.strip(),
                          para_id=paragraphs[-1].get(f"{{{W14}}}paraId", "") if paragraphs
                          else "")
        for which, where in anchors.get(comment.ident, []):
            setattr(comment, which, where)
        found.append(comment)
    if "word/commentsExtended.xml" in parts:
        root = _xml(parts["word/commentsExtended.xml"], name)
        parents = {ex.get(f"{{{W15}}}paraId"): ex.get(f"{{{W15}}}paraIdParent", "")
                   for ex in root.iter(f"{{{W15}}}commentEx")}
        for comment in found:
            comment.parent_para_id = parents.get(comment.para_id) or ""
    by_para = {c.para_id: c for c in found if c.para_id}
    threads = []
    for comment in found:
        parent = by_para.get(comment.parent_para_id)
        if parent is not None and parent is not comment:
            parent.replies.append(comment)
        else:
            threads.append(comment)
    return threads
