"""Returned files made by LibreOffice itself: change recording on, text edited, comments added.

A Basic macro in a throw-away profile (the runner of generator/delivery/pdf_profile.py)
opens a generated .docx, turns on change recording, replaces text found by search
(LibreOffice records a deletion and an insertion), anchors comments on found text,
answers one (`ParentName`, LibreOffice 7.2+), and saves as Word 2007-365 .docx, so the
review is tested on the XML LibreOffice really writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.delivery.pdf_profile import BASIC_RUNNER, macro_call, write_profile

BASIC = BASIC_RUNNER + """
Function RunJob(a As Variant) As String
    Dim oDoc As Object, i As Integer, e As Variant, sResult As String, sStep As String
    On Error GoTo Failed
    sStep = "open"
    oDoc = Opened(a(1))
    REM Comments first, before recording starts: a comment is no tracked change.
    For i = 3 To UBound(a)
        sStep = a(i)
        e = Split(a(i), "|")
        If e(0) = "C" Then sResult = DoNote(oDoc, e(1), e(2), e(3), e(4), e(5))
        If sResult <> "" Then GoTo Refused
    Next i
    sStep = "record"
    oDoc.RecordChanges = True
    For i = 3 To UBound(a)
        sStep = a(i)
        e = Split(a(i), "|")
        If e(0) = "R" Then sResult = DoEdit(oDoc, e(1), e(2), e(3))
        If sResult <> "" Then GoTo Refused
    Next i
    For i = 3 To UBound(a)
        If a(i) = "A" Then AcceptAll(oDoc)
    Next i
    sStep = "save"
    If Right(a(2), 4) = ".txt" Then
        oDoc.storeToURL(a(2), Array(Prop("FilterName", "Text (encoded)"), _
            Prop("FilterOptions", "UTF8,LF")))
    Else
        oDoc.storeToURL(a(2), Array(Prop("FilterName", "MS Word 2007 XML")))
    End If
    oDoc.close(True)
    RunJob = "ok"
    Exit Function
Refused:
    RunJob = "error" & Chr(9) & sResult
    oDoc.close(True)
    Exit Function
Failed:
    RunJob = "error" & Chr(9) & sStep & ": " & OneLine(Error$)
    On Error Resume Next
    If Not IsNull(oDoc) Then oDoc.close(True)
End Function

Sub AcceptAll(oDoc As Object)
    Dim oDisp As Object, aNone(0) As New com.sun.star.beans.PropertyValue
    oDisp = createUnoService("com.sun.star.frame.DispatchHelper")
    oDisp.executeDispatch(oDoc.getCurrentController().getFrame(), _
        ".uno:AcceptAllTrackedChanges", "", 0, aNone())
End Sub

Function Opened(sIn As String) As Object
    REM Not hidden: LibreOffice 7.4 crashes anchoring a second comment in a hidden document.
    Opened = StarDesktop.loadComponentFromURL(sIn, "_blank", 0, Array(Prop("Hidden", False)))
End Function

Function FindText(oDoc As Object, sText As String) As Object
    Dim oSearch As Object
    oSearch = oDoc.createSearchDescriptor()
    oSearch.SearchString = sText
    oSearch.SearchCaseSensitive = True
    FindText = oDoc.findFirst(oSearch)
End Function

Function DoEdit(oDoc As Object, sContext As String, sOld As String, sNew As String) As String
    Dim oAt As Object, oCursor As Object, n As Long
    oAt = FindText(oDoc, sContext)
    If IsNull(oAt) Then
        DoEdit = "not found: " & sContext
        Exit Function
    End If
    n = InStr(sContext, sOld)
    oCursor = oAt.getText().createTextCursorByRange(oAt.getStart())
    oCursor.goRight(n - 1, False)
    oCursor.goRight(Len(sOld), True)
    oCursor.setString(sNew)
    DoEdit = ""
End Function

Function DoNote(oDoc As Object, sAnchor As String, sText As String, sAuthor As String, _
        sName As String, sParent As String) As String
    Dim oAt As Object, oNote As Object
    oAt = FindText(oDoc, sAnchor)
    If IsNull(oAt) Then
        DoNote = "not found: " & sAnchor
        Exit Function
    End If
    oNote = oDoc.createInstance("com.sun.star.text.textfield.Annotation")
    oNote.Author = sAuthor
    oNote.Content = sText
    If sName <> "" Then oNote.Name = sName
    If sParent <> "" And oNote.getPropertySetInfo().hasPropertyByName("ParentName") Then
        oNote.ParentName = sParent
    End If
    oAt.getText().insertTextContent(oAt, oNote, True)
    DoNote = ""
End Function
"""


def edit_in_libreoffice(source: Path, target: Path, edits: list[tuple[str, ...]], *,
                        author: str = "Greet De Wit", timeout: int = 180) -> None:
    """Apply `edits` to `source` in LibreOffice with change recording on; save as `target`.

    An edit is ("R", context, old, new): `old` inside the first `context` found becomes
    `new`; or ("C", anchor, text, author, name, parent): a comment on `anchor`, a reply
    to the comment named `parent` when that is given (LibreOffice 7.2+; 7.4 has no
    `ParentName`, so the comment then stands alone); or ("A",): accept every tracked
    change. A `target` ending in .txt is the text LibreOffice shows (UTF-8, a line per
    paragraph or cell). `author` signs the tracked changes, as the user's name in
    LibreOffice's options does.
    """
    with tempfile.TemporaryDirectory(prefix="interim-review-lo-") as temp:
        profile = Path(temp) / "profile"
        write_profile(profile, BASIC, soffice=shutil.which("soffice"))
        _set_author(profile, author)
        jobs = Path(temp) / "jobs.txt"
        copy = Path(temp) / source.name  # a lock file of LibreOffice's never lands beside it
        shutil.copyfile(source, copy)
        fields = ["1", copy.as_uri(), target.resolve().as_uri(),
                  *("|".join(e) for e in edits)]
        jobs.write_text("\t".join(fields) + "\n", encoding="utf-8")
        status = Path(str(jobs) + ".status")
        lines: list[str] = []
        for _ in range(3):  # a LibreOffice that dies starting up (a busy machine) runs again
            status.unlink(missing_ok=True)
            macro, env = macro_call(jobs)
            subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}",
                            "--headless", "--norestore", "--nologo", macro],
                           check=False, capture_output=True, timeout=timeout,
                           env={**os.environ, **env})
            lines = status.read_text(encoding="utf-8").splitlines() if status.exists() else []
            if lines:
                break
        assert lines and lines[0] == "1\tok", f"LibreOffice: {lines}"
        assert target.exists()


def _set_author(profile: Path, author: str) -> None:
    """The user's name (Tools > Options > User Data), which LibreOffice signs changes with."""
    registry = profile / "user" / "registrymodifications.xcu"
    first, _, last = author.partition(" ")
    items = "".join(
        f'<item oor:path="/org.openoffice.UserProfile/Data"><prop oor:name="{name}" '
        f'oor:op="fuse"><value>{value}</value></prop></item>\n'
        for name, value in (("givenname", first), ("sn", last)))
    text = registry.read_text(encoding="utf-8").replace("</oor:items>", items + "</oor:items>")
    registry.write_text(text, encoding="utf-8")
