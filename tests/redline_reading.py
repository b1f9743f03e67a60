"""Reading a redline as a client would: accept or reject every change, ourselves and in LibreOffice.

`resolve(docx, accept=...)` applies Word's meaning of tracked changes to every
story of a .docx (body, headers, footers): accepting removes deleted runs, rows
and paragraphs whose mark is deleted (their remaining text joins the next
paragraph, as in Word) and unwraps insertions; rejecting does the opposite.
`stories_text` then gives what a reader sees, paragraph by paragraph and table
cell by cell, so a test compares meaning, never bytes.
"""

from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.delivery.pdf_profile import BASIC_RUNNER, macro_call, write_profile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STORY = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def stories(data: bytes) -> dict[str, etree._Element]:
    return {name: etree.fromstring(blob) for name, blob in parts(data).items()
            if STORY.fullmatch(name)}


def resolve(data: bytes, *, accept: bool) -> dict[str, etree._Element]:
    """Every story with all its tracked changes accepted (or rejected)."""
    out = {}
    for name, root in stories(data).items():
        root = copy.deepcopy(root)
        _resolve(root, accept)
        out[name] = root
    return out


def _resolve(root: etree._Element, accept: bool) -> None:
    gone, kept = (w("del"), w("ins")) if accept else (w("ins"), w("del"))
    for change in list(root.iter(w("pPrChange"))):
        props = change.getparent()
        props.remove(change)
        if not accept:  # the paragraph's own formatting as it was
            for child in [c for c in props if c.tag not in (w("rPr"), w("sectPr"))]:
                props.remove(child)
            for offset, child in enumerate(list(change.find(w("pPr")))):
                props.insert(offset, child)
    # Paragraph marks first, as LibreOffice does: a mark joins the paragraph right
    # after it, never one beyond a table (even a table that goes too).
    for paragraph in list(root.iter(w("p"))):
        _join_if_mark_gone(paragraph, gone)
    for row in list(root.iter(w("tr"))):
        props = row.find(w("trPr"))
        if props is not None and props.find(gone) is not None:
            table = row.getparent()
            table.remove(row)
            if table.find(w("tr")) is None:  # every row gone: so is the table
                table.getparent().remove(table)
    for node in list(root.iter(gone)):
        parent = node.getparent()
        if parent is not None and parent.tag != w("rPr") and parent.tag != w("trPr"):
            parent.remove(node)
    for node in list(root.iter(kept)):
        parent = node.getparent()
        if parent.tag in (w("rPr"), w("trPr")):
            parent.remove(node)
        else:
            index = parent.index(node)
            parent[index:index + 1] = list(node)
    for node in list(root.iter(w("delText"))):
        node.tag = w("t")
    for node in list(root.iter(w("rPr"), w("trPr"))):  # marks of removed paragraphs
        for mark in node.findall(gone):
            node.remove(mark)


def _join_if_mark_gone(paragraph: etree._Element, gone: str) -> None:
    """A paragraph whose mark goes joins the next paragraph: its content moves there."""
    if paragraph.find(f"{w('pPr')}/{w('rPr')}/{gone}") is None:
        return
    content = [c for c in paragraph if c.tag != w("pPr")]
    following = paragraph.getnext()
    if following is not None and following.tag == w("p"):
        props = following.find(w("pPr"))
        at = 1 if props is not None else 0
        for offset, node in enumerate(content):
            following.insert(at + offset, node)
        paragraph.getparent().remove(paragraph)
        return
    after = "the end" if following is None else etree.QName(following).localname
    raise AssertionError("a tracked paragraph mark with no paragraph after it to join "
                         f"(next: {after}): {paragraph_text(paragraph)!r}")


def paragraph_text(p: etree._Element) -> str:
    """Inserted and deleted text; a non-breaking hyphen reads as the hyphen it shows."""
    return "".join("-" if t.tag == w("noBreakHyphen") else t.text or ""
                   for t in p.iter(w("t"), w("delText"), w("noBreakHyphen")))


def paragraph_style(p: etree._Element) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val")) if style is not None else ""


def blocks_text(container: etree._Element) -> list[object]:
    """(style, text) of paragraphs and tables (rows of cells, each cell its own blocks)."""
    out: list[object] = []
    for child in container:
        if child.tag == w("p"):
            out.append((paragraph_style(child), paragraph_text(child)))
        elif child.tag == w("tbl"):
            out.append([[blocks_text(tc) for tc in tr.findall(w("tc"))]
                        for tr in child.findall(w("tr"))])
        elif child.tag == w("body"):
            out += blocks_text(child)
    return out


def stories_text(roots: dict[str, etree._Element]) -> dict[str, list[object]]:
    return {name: blocks_text(root) for name, root in roots.items()}


def plain(data: bytes) -> dict[str, list[object]]:
    """What a document without tracked changes shows, story by story."""
    return stories_text(stories(data))


def tracked(data: bytes) -> list[etree._Element]:
    """Every w:ins / w:del of every story."""
    return [node for root in stories(data).values() for node in root.iter(w("ins"), w("del"))]


# ---------------------------------------------------------------------------- LibreOffice

BASIC = BASIC_RUNNER + """
Function RunJob(a As Variant) As String
    RunJob = One(a(1), a(2), a(3))
End Function

Function One(sMode As String, sIn As String, sOut As String) As String
    Dim oDoc As Object, n As Long, oDisp As Object, oFrame As Object, aStore As Variant
    Dim aNone(0) As New com.sun.star.beans.PropertyValue
    On Error GoTo Failed
    oDoc = StarDesktop.loadComponentFromURL(sIn, "_blank", 0, Array(Prop("Hidden", True)))
    n = Count(oDoc)
    oDisp = createUnoService("com.sun.star.frame.DispatchHelper")
    oFrame = oDoc.getCurrentController().getFrame()
    If sMode = "accept" Then
        oDisp.executeDispatch(oFrame, ".uno:AcceptAllTrackedChanges", "", 0, aNone())
    End If
    If sMode = "reject" Then
        oDisp.executeDispatch(oFrame, ".uno:RejectAllTrackedChanges", "", 0, aNone())
    End If
    aStore = Array(Prop("FilterName", "Text (encoded)"), Prop("FilterOptions", "UTF8,LF"))
    oDoc.storeToURL(sOut, aStore)
    One = "ok" & Chr(9) & n & Chr(9) & Count(oDoc)
    oDoc.close(True)
    Exit Function
Failed:
    One = "error" & Chr(9) & OneLine(Error$)
End Function

Function Count(oDoc As Object) As Long
    Dim oEnum As Object, n As Long
    oEnum = oDoc.getRedlines().createEnumeration()
    n = 0
    Do While oEnum.hasMoreElements()
        oEnum.nextElement()
        n = n + 1
    Loop
    Count = n
End Function

"""


@dataclass(frozen=True)
class Seen:
    """What LibreOffice made of one document: its tracked changes, and its text after."""

    changes: int
    """Tracked changes LibreOffice found on opening."""
    left: int
    """Tracked changes left after its accept-all / reject-all."""
    text: str


def libreoffice(soffice: str, work: Path, jobs: list[tuple[str, Path]]) -> list[Seen]:
    """Open each (mode, .docx) in one LibreOffice run: mode "accept", "reject" or "none"."""
    profile = work / "lo-profile"
    write_profile(profile, BASIC, soffice=soffice)
    lines, outputs = [], []
    for index, (mode, path) in enumerate(jobs):
        out = work / f"lo-{index}.txt"
        outputs.append(out)
        lines.append(f"{index}\t{mode}\t{path.resolve().as_uri()}\t{out.resolve().as_uri()}")
    jobs_file = work / "lo-jobs.txt"
    jobs_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path(str(jobs_file) + ".status").unlink(missing_ok=True)
    macro, env = macro_call(jobs_file)
    subprocess.run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--headless", "--norestore", "--nologo", macro],
                   check=False, timeout=300, capture_output=True, env={**os.environ, **env})
    status = Path(str(jobs_file) + ".status").read_text(encoding="utf-8").splitlines()
    assert status[-1:] == ["done"] and len(status) == len(jobs) + 1, status
    status = status[:-1]
    seen = []
    for line, out in zip(status, outputs, strict=True):
        fields = line.split("\t")
        assert fields[1] == "ok", line
        seen.append(Seen(int(fields[2]), int(fields[3]), out.read_text(encoding="utf-8-sig")))
    return seen
