"""Returned files written the way Word writes them, made by editing a rendered .docx's XML.

Word splits runs at every edit session (`w:rsidR`), wraps spelling errors in
`w:proofErr`, leaves a `_GoBack` bookmark inside a word, numbers each paragraph
(`w14:paraId`), tracks a replacement as `w:del` then `w:ins`, and keeps comments
in `comments.xml` with their replies in `commentsExtended.xml` (`w15:paraIdParent`).
`WordEdits` does all of this on a generated document, so the review reads what
Word writes, not what we write.
"""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
R_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
R_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordEdits:
    """Edits a generated .docx as a client in Word would."""

    def __init__(self, data: bytes, author: str = "Greet De Wit",
                 date: str = "2027-02-24T10:15:00Z") -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])
        self.roots = {"word/document.xml": self.root}  # and headers, footers once edited
        self.author, self.date = author, date
        self.next_id = 900
        self.comments: list[etree._Element] = []
        self.extended: list[tuple[str, str]] = []
        self.had = {n for n in ("comments", "commentsExtended") if f"word/{n}.xml" in self.parts}
        if "comments" in self.had:  # a file LibreOffice wrote: its comments stay
            self.comments = list(etree.fromstring(self.parts["word/comments.xml"]))
        if "commentsExtended" in self.had:
            for ex in etree.fromstring(self.parts["word/commentsExtended.xml"]):
                self.extended.append((ex.get(f"{{{W15}}}paraId"),
                                      ex.get(f"{{{W15}}}paraIdParent", "")))
        self._word_noise()

    def _word_noise(self) -> None:
        """Runs split in two, rsids, paraIds, a proofErr and a bookmark in the middle of words."""
        for r in list(self.root.iter(w("r"))):  # one content element per run, as Word may
            content = [c for c in r if c.tag != w("rPr")]
            for child in reversed(content[1:]):
                twin = copy.deepcopy(r)
                for node in [c for c in twin if c.tag != w("rPr")]:
                    twin.remove(node)
                twin.append(child)
                r.addnext(twin)
        for n, p in enumerate(self.root.iter(w("p"))):
            p.set(f"{{{W14}}}paraId", f"{n + 1:08X}")
            p.set(w("rsidR"), "00A1B2C3")
            for r in list(p.findall(w("r"))):
                t = r.find(w("t"))
                if t is None or not t.text or len(t.text) < 6 or len(r) > 2 or (
                        len(r) == 2 and r[0].tag != w("rPr")):
                    continue
                cut = len(t.text) // 2
                second = copy.deepcopy(r)
                second.set(w("rsidRPr"), "00D4E5F6")
                second.find(w("t")).text = t.text[cut:]
                second.find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = t.text[:cut]
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                at = p.index(r) + 1
                p.insert(at, etree.Element(w("proofErr"), {w("type"): "spellStart"}))
                p.insert(at + 1, etree.Element(w("bookmarkStart"),
                                               {w("id"): "0", w("name"): "_GoBack"}))
                p.insert(at + 2, etree.Element(w("bookmarkEnd"), {w("id"): "0"}))
                p.insert(at + 3, second)

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def paragraph(self, text: str, nth: int = 0, part: str = "word/document.xml"
                  ) -> etree._Element:
        if part not in self.roots:
            self.roots[part] = etree.fromstring(self.parts[part])
        found = [p for p in self.roots[part].iter(w("p")) if text in _text(p)]
        assert len(found) > nth, f"no paragraph holds {text!r}"
        return found[nth]

    def _split(self, p: etree._Element, offset: int) -> int:
        """Split the run at `offset` of the paragraph's text; the index of the run after it."""
        seen = 0
        for r in _content_runs(p):
            t = r.find(w("t"))
            size = _size(r)
            if t is not None and seen <= offset < seen + size and offset > seen:
                second = copy.deepcopy(r)
                second.find(w("t")).text = t.text[offset - seen:]
                t.text = t.text[:offset - seen]
                for node in (t, second.find(w("t"))):
                    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                r.addnext(second)
                return offset
            seen += size
        return offset

    def _runs(self, p: etree._Element, start: int, end: int) -> list[etree._Element]:
        self._split(p, start)
        self._split(p, end)
        seen, runs = 0, []
        for r in _content_runs(p):
            size = _size(r)
            if start <= seen and seen + size <= end and size:
                runs.append(r)
            seen += size
        return runs

    def replace(self, paragraph: str, old: str, new: str, nth: int = 0,
                part: str = "word/document.xml") -> None:
        """Tracked: `old` (in the paragraph holding `paragraph`) deleted, `new` inserted;
        `part` another story (`word/footer1.xml`)."""
        p = self.paragraph(paragraph, nth, part)
        start = _text(p).index(old) if old else len(_text(p))
        runs = self._runs(p, start, start + len(old)) if old else []
        anchor = runs[-1] if runs else [r for r in p.iter(w("r"))][-1]
        if runs:
            deleted = etree.Element(w("del"), {w("id"): self._id(), w("author"): self.author,
                                               w("date"): self.date})
            runs[0].addprevious(deleted)
            for r in runs:
                if r.find(w("t")) is not None:
                    r.find(w("t")).tag = w("delText")
                deleted.append(r)
            anchor = deleted
        if new:
            inserted = etree.Element(w("ins"), {w("id"): self._id(), w("author"): self.author,
                                                w("date"): self.date})
            run = copy.deepcopy(runs[0] if runs else anchor)
            for child in list(run):
                if child.tag not in (w("rPr"),):
                    run.remove(child)
            t = etree.SubElement(run, w("t"))
            t.text = new
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            inserted.append(run)
            anchor.addnext(inserted)

    def untracked(self, paragraph: str, old: str, new: str,
                  part: str = "word/document.xml") -> None:
        """Typed over without track changes: the text simply differs."""
        p = self.paragraph(paragraph, 0, part)
        start = _text(p).index(old)
        runs = self._runs(p, start, start + len(old))
        runs[0].find(w("t")).text = new
        for r in runs[1:]:
            r.getparent().remove(r)

    def comment(self, paragraph: str, anchor: str, text: str, *, author: str = "",
                reply_to: str = "") -> str:
        """A comment on `anchor`; with `reply_to` (a comment id), a reply to that comment."""
        ident = self._id()
        para_id = f"{int(ident):08X}"
        if reply_to:
            parent = next(c for c in self.comments if c.get(w("id")) == reply_to)
            last = parent.findall(f".//{w('p')}")[-1]
            self.extended.append((para_id, last.get(f"{{{W14}}}paraId")))
        else:
            self.extended.append((para_id, ""))
        p = self.paragraph(paragraph)
        start = _text(p).index(anchor)
        runs = self._runs(p, start, start + len(anchor))
        runs[0].addprevious(etree.Element(w("commentRangeStart"), {w("id"): ident}))
        runs[-1].addnext(etree.Element(w("commentRangeEnd"), {w("id"): ident}))
        reference = etree.Element(w("r"))
        etree.SubElement(reference, w("commentReference"), {w("id"): ident})
        p.find(f".//{w('commentRangeEnd')}[@{w('id')}='{ident}']").addnext(reference)
        comment = etree.Element(w("comment"), {w("id"): ident, w("author"): author or self.author,
                                               w("date"): self.date, w("initials"): "GDW"})
        body = etree.SubElement(comment, w("p"), {f"{{{W14}}}paraId": para_id})
        etree.SubElement(etree.SubElement(body, w("r")), w("t")).text = text
        self.comments.append(comment)
        return ident

    def existing_comment(self, text: str) -> str:
        """The id of a comment the file already holds, numbered as Word numbers paragraphs."""
        comment = next(c for c in self.comments if text in "".join(c.itertext()))
        last = comment.findall(f".//{w('p')}")[-1]
        if not last.get(f"{{{W14}}}paraId"):
            last.set(f"{{{W14}}}paraId", f"7{int(comment.get(w('id'))):07X}")
        if all(para != last.get(f"{{{W14}}}paraId") for para, _ in self.extended):
            self.extended.append((last.get(f"{{{W14}}}paraId"), ""))
        return comment.get(w("id"))

    def save(self) -> bytes:
        parts = dict(self.parts)
        for part, root in self.roots.items():
            parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                         standalone=True)
        if self.comments:
            root = etree.Element(w("comments"), nsmap={"w": W, "w14": W14})
            root.extend(self.comments)
            parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True,
                                                        encoding="UTF-8")
            ext = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
            for para, parent in self.extended:
                attrs = {f"{{{W15}}}paraId": para, f"{{{W15}}}done": "0"}
                if parent:
                    attrs[f"{{{W15}}}paraIdParent"] = parent
                etree.SubElement(ext, f"{{{W15}}}commentEx", attrs)
            parts["word/commentsExtended.xml"] = etree.tostring(ext, xml_declaration=True,
                                                                encoding="UTF-8")
            self._register(parts)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, blob in parts.items():
                z.writestr(name, blob)
        return out.getvalue()

    @staticmethod
    def _register(parts: dict[str, bytes]) -> None:
        types = etree.fromstring(parts["[Content_Types].xml"])
        done = {o.get("PartName") for o in types}
        for name, kind in (("comments", "wordprocessingml.comments+xml"),
                           ("commentsExtended", "wordprocessingml.commentsExtended+xml")):
            if f"/word/{name}.xml" in done:
                continue
            etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/word/{name}.xml",
                             ContentType=f"application/vnd.openxmlformats-officedocument.{kind}")
        parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                      encoding="UTF-8")
        rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
        targets = {r.get("Target") for r in rels}
        for n, (name, kind) in enumerate((("comments", R_COMMENTS),
                                          ("commentsExtended", R_EXTENDED))):
            if f"{name}.xml" in targets:
                continue
            etree.SubElement(rels, f"{{{REL}}}Relationship", Id=f"rIdReview{n}", Type=kind,
                             Target=f"{name}.xml")
        parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True,
                                                               encoding="UTF-8")


def _text(p: etree._Element) -> str:
    return "".join("-" if t.tag == w("noBreakHyphen") else t.text or ""
                   for t in p.iter(w("t"), w("noBreakHyphen")))


def _content_runs(p: etree._Element) -> list[etree._Element]:
    """Runs showing text (not deleted): a text or a no-break hyphen."""
    return [r for r in p.iter(w("r"))
            if r.find(w("t")) is not None or r.find(w("noBreakHyphen")) is not None]


def _size(r: etree._Element) -> int:
    t = r.find(w("t"))
    return len(t.text or "") if t is not None else 1
