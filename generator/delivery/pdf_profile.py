"""The throw-away LibreOffice profile used by :mod:`generator.delivery.pdf`.

``soffice --convert-to pdf`` cannot refresh a table of contents, and the UNO bridge
for Python (Debian's ``python3-uno``) is an extra system package bound to the system
interpreter. A Basic macro needs neither: LibreOffice always ships Basic, and a
macro in the profile's own "Standard" library is trusted without any security
prompt. So every batch gets a fresh profile holding one macro that opens each
document hidden, updates its indexes, exports it to PDF and writes a status line,
then quits LibreOffice.

The profile also tells LibreOffice which version last used it (``ooSetupLastVersion``):
a profile that names none counts as "upgraded", and LibreOffice then runs its graphics
self-test (GraphicsRenderTests) before it does anything else, about 2 s of one core on
every start of a throw-away profile (measured with strace: the gap before it writes
``GraphicsRenderTests.log``; bench/profile_layout.py shows the start).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from xml.sax.saxutils import escape

# One job per line, tab-separated: id, update indexes ("1"/"0"), import filter
# (empty: let LibreOffice detect), source URL, target URL (empty: no PDF), and
# optionally a pages URL: the layout pass writes there "bookmark<TAB>page" for every
# `_Toc` bookmark (the headings the contents page lists). The macro appends
# "id<TAB>ok" or "id<TAB>error<TAB>message" per job to "<jobs URL>.status", then
# "done", so the caller knows exactly how far a killed or crashed run got.
# The job runner: reads the jobs file, calls `RunJob(fields)` (defined by the module
# it is joined with) per line and reports, then quits LibreOffice. Shared with the
# redline tests, whose module opens each document to accept or reject its changes.
BASIC_RUNNER = """\
REM Written by generator/delivery/pdf_profile.py into a throw-away profile; do not edit.
Option Explicit

Sub ExportAll()
    Dim iIn As Integer, sLine As String, a As Variant, sJobs As String
    REM The jobs file's URL comes from the environment, never from the macro URL.
    sJobs = Environ("INTERIM_OFFICE_JOBS")
    On Error GoTo Finish
    iIn = FreeFile
    Open ConvertFromURL(sJobs) For Input As #iIn
    Do While Not EOF(iIn)
        Line Input #iIn, sLine
        If Len(sLine) > 0 Then
            a = Split(sLine, Chr(9))
            Report(sJobs, a(0) & Chr(9) & RunJob(a))
        End If
    Loop
    Close #iIn
    Report(sJobs, "done")
Finish:
    On Error Resume Next
    If Err <> 0 Then Report(sJobs, "fatal" & Chr(9) & OneLine(Error$))
    StarDesktop.terminate()
End Sub

Function Prop(sName As String, vValue As Variant) As com.sun.star.beans.PropertyValue
    Dim p As New com.sun.star.beans.PropertyValue
    p.Name = sName
    p.Value = vValue
    Prop = p
End Function

Function OneLine(s As String) As String
    OneLine = Replace(Replace(Replace(s, Chr(13), " "), Chr(10), " "), Chr(9), " ")
End Function

Sub Report(sJobs As String, sText As String)
    Dim iOut As Integer
    iOut = FreeFile
    Open ConvertFromURL(sJobs & ".status") For Append As #iOut
    Print #iOut, sText
    Close #iOut
End Sub
"""

BASIC_SOURCE = BASIC_RUNNER + """
Function RunJob(a As Variant) As String
    Dim sPages As String
    sPages = ""
    If UBound(a) >= 5 Then sPages = a(5)
    RunJob = ExportOne(a(3), a(4), a(2), a(1) = "1", sPages)
End Function

Function ExportOne(sIn As String, sOut As String, sFilter As String, bUpdate As Boolean, _
        sPages As String) As String
    Dim oDoc As Object, oIndexes As Object, i As Integer, aLoad As Variant, aStore As Variant
    On Error GoTo Failed
    If sFilter = "" Then
        aLoad = Array(Prop("Hidden", True), Prop("ReadOnly", True), _
            Prop("MacroExecutionMode", 0))
    Else
        aLoad = Array(Prop("Hidden", True), Prop("ReadOnly", True), _
            Prop("MacroExecutionMode", 0), Prop("FilterName", sFilter))
    End If
    oDoc = StarDesktop.loadComponentFromURL(sIn, "_blank", 0, aLoad)
    If IsNull(oDoc) Then
        ExportOne = "error" & Chr(9) & "LibreOffice could not open it"
        Exit Function
    End If
    If bUpdate And HasUnoInterfaces(oDoc, "com.sun.star.text.XDocumentIndexesSupplier") Then
        REM update() lays the document out again before it fills in page numbers.
        oIndexes = oDoc.getDocumentIndexes()
        For i = 0 To oIndexes.getCount() - 1
            oIndexes.getByIndex(i).update()
        Next i
        oDoc.refresh()
    End If
    If sPages <> "" Then WritePages(oDoc, sPages)
    aStore = Array(Prop("FilterName", "writer_pdf_Export"))
    If sOut <> "" Then oDoc.storeToURL(sOut, aStore)
    oDoc.close(True)
    ExportOne = "ok"
    Exit Function
Failed:
    ExportOne = "error" & Chr(9) & OneLine(Error$)
    On Error Resume Next
    If Not IsNull(oDoc) Then oDoc.close(True)
End Function

Sub WritePages(oDoc As Object, sPages As String)
    REM The page each heading's bookmark is laid out on, as the exported PDF shows it.
    Dim oMarks As Object, oMark As Object, oCursor As Object, i As Integer, iOut As Integer
    oMarks = oDoc.getBookmarks()
    oCursor = oDoc.getCurrentController().getViewCursor()
    iOut = FreeFile
    Open ConvertFromURL(sPages) For Output As #iOut
    For i = 0 To oMarks.getCount() - 1
        oMark = oMarks.getByIndex(i)
        If Left(oMark.getName(), 4) = "_Toc" Then
            oCursor.gotoRange(oMark.getAnchor().getStart(), False)
            Print #iOut, oMark.getName() & Chr(9) & oCursor.getPage()
        End If
    Next i
    Close #iOut
End Sub
"""

MACRO = "Standard.Module1.ExportAll"

_DOCTYPE = '<!DOCTYPE {root} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{dtd}">\n'
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_LIBRARIES = (
    _XML
    + _DOCTYPE.format(root="library:libraries", dtd="libraries.dtd")
    + '<library:libraries xmlns:library="http://openoffice.org/2000/library"'
    ' xmlns:xlink="http://www.w3.org/1999/xlink">\n'
    ' <library:library library:name="Standard" library:link="false"/>\n'
    "</library:libraries>\n"
)
_LIBRARY = (
    _XML
    + _DOCTYPE.format(root="library:library", dtd="library.dtd")
    + '<library:library xmlns:library="http://openoffice.org/2000/library"'
    ' library:name="Standard" library:readonly="false" library:passwordprotected="false"'
)
_MODULE = (
    _XML
    + _DOCTYPE.format(root="script:module", dtd="module.dtd")
    + '<script:module xmlns:script="http://openoffice.org/2000/script"'
    ' script:name="Module1" script:language="StarBasic">{source}</script:module>\n'
)
# ooSetupInstCompleted: without it the first start copies LibreOffice's presets
# over the profile, replacing our Module1 with an empty one. Auto-recovery off:
# nothing of a throw-away profile is worth recovering.
_REGISTRY = (
    _XML + '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
    ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Setup/Office">'
    '<prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Recovery/RecoveryInfo">'
    '<prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Recovery/AutoSave">'
    '<prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>\n'
    "{version}</oor:items>\n"
)
_LAST_VERSION = ('<item oor:path="/org.openoffice.Setup/Product">'
                 '<prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>{}</value></prop>'
                 "</item>\n")


@functools.cache
def installed_version(soffice: str) -> str | None:
    """The "major.minor" of the LibreOffice that `soffice` starts, as its bootstraprc names
    it (``ProductKey=LibreOffice 7.4``; beside the program on Linux, in Resources on macOS);
    None when it cannot be read."""
    program = Path(soffice).resolve().parent
    for rc in (program / "bootstraprc", program.parent / "Resources" / "bootstraprc"):
        try:
            text = rc.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = re.search(r"^ProductKey=.*?(\d+\.\d+)\s*$", text, re.MULTILINE)
        if found:
            return found.group(1)
    return None


def write_profile(profile: Path, source: str = BASIC_SOURCE, *, soffice: str | None = None
                  ) -> None:
    """Create a LibreOffice user installation at ``profile`` holding the export macro.

    ``source`` replaces the macro module (the redline tests run their own there).
    ``soffice``: the LibreOffice that will use it, so that it starts without its
    self-test (see the module's docstring); without it, or its version, it still works.
    """
    user = profile / "user"
    standard = user / "basic" / "Standard"
    standard.mkdir(parents=True, exist_ok=True)
    version = installed_version(soffice) if soffice else None
    script = _LIBRARY + '>\n <library:element library:name="Module1"/>\n</library:library>\n'
    files = {
        user / "registrymodifications.xcu":
            _REGISTRY.format(version=_LAST_VERSION.format(version) if version else ""),
        user / "basic" / "script.xlc": _LIBRARIES,
        user / "basic" / "dialog.xlc": _LIBRARIES,
        standard / "script.xlb": script,
        standard / "dialog.xlb": _LIBRARY + "/>\n",
        standard / "Module1.xba": _MODULE.format(source=escape(source)),
    }
    for path, text in files.items():  # UTF-8 as each file declares, whatever the locale
        path.write_text(text, encoding="utf-8")


JOBS_VARIABLE = "INTERIM_OFFICE_JOBS"
"""The environment variable the macro reads its jobs file's URL from (see `macro_call`)."""


def macro_call(jobs: Path) -> tuple[str, dict[str, str]]:
    """The command-line argument that runs the export macro, and the environment it needs
    to find the jobs file.

    The jobs file travels in an environment variable, not as an argument of the macro
    URL: LibreOffice decodes the percent escapes of a ``macro:///`` URL before it parses
    the arguments, so a ``"`` in the path (``TMPDIR`` holding one) ended the argument
    early and the macro never ran. A file URL (percent-encoded ASCII) in the environment
    survives any path.
    """
    return f"macro:///{MACRO}", {JOBS_VARIABLE: jobs.resolve().as_uri()}
