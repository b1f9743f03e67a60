"""Word refuses ("unreadable content") what LibreOffice accepts: children out of the order the
OOXML schema (ECMA-376, transitional) prescribes, dangling ids and relationships, parts without
a content type. These checks read every XML part of generated documents the way Word would.

Each checked element has its schema sequence below; a child must not come before a child of an
earlier position, and a child the sequence does not know fails too (so a typo is caught).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator

import pytest
from docx_reading import ASSIGNMENTS, built
from lxml import etree

from generator.writer.converter import Converter, DocumentMeta
from tests.writer.conftest import FIXTURES, META, REFERENCE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PREFIXES = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
ANY = "*"  # a position that takes any element the sequence does not name elsewhere


def q(name: str) -> str:
    prefix, _, local = name.rpartition(":")
    return f"{{{PREFIXES[prefix or 'w']}}}{local}"


def seq(*positions: str) -> list[frozenset[str]]:
    """Positions in order; "a|b" is one position taking a and b in any order."""
    return [frozenset(ANY if p == ANY else q(n) for n in p.split("|")) for p in positions]


def _names(text: str) -> list[str]:
    return text.split()


# -- schema sequences (ECMA-376 Part 1, transitional: wml.xsd, dml-*.xsd) ------------------

PPR_BASE = _names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle"
)
RPR_BASE = _names(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
SETTINGS = _names(
    "writeProtection view zoom removePersonalInformation removeDateAndTime "
    "doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText "
    "printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts "
    "saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate "
    "linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge revisionView "
    "trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride "
    "styleLockTheme styleLockQFSet defaultTabStop autoHyphenation consecutiveHyphenLimit "
    "hyphenationZone doNotHyphenateCaps showEnvelope summaryLength clickAndTypeStyle "
    "defaultTableStyle evenAndOddHeaders bookFoldRevPrinting bookFoldPrinting "
    "bookFoldPrintingSheets drawingGridHorizontalSpacing drawingGridVerticalSpacing "
    "displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery "
    "doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin drawingGridVerticalOrigin "
    "doNotShadeFormData noPunctuationKerning characterSpacingControl printTwoOnOne "
    "strictFirstAndLastChars noLineBreaksAfter noLineBreaksBefore savePreviewPicture "
    "doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText "
    "doNotDemarcateInvalidXml saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags "
    "alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat "
    "docVars rsids m:mathPr attachedSchema themeFontLang clrSchemeMapping "
    "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
    "readModeInkLockDown smartTagType sl:schemaLibrary shapeDefaults doNotEmbedSmartTags "
    "decimalSymbol listSeparator"
)
NOTE_NUM = ["pos", "numFmt", "numStart", "numRestart"]
# Run content (EG_RunInnerContent) and what may stand beside runs in a paragraph.
RUN_CONTENT = (
    "br|t|contentPart|delText|instrText|delInstrText|noBreakHyphen|softHyphen|dayShort|"
    "monthShort|yearShort|dayLong|monthLong|yearLong|annotationRef|footnoteRef|endnoteRef|"
    "separator|continuationSeparator|sym|pgNum|cr|tab|object|pict|fldChar|ruby|"
    "footnoteReference|endnoteReference|commentReference|drawing|ptab|lastRenderedPageBreak"
)
MARKUP = (
    "bookmarkStart|bookmarkEnd|proofErr|permStart|permEnd|commentRangeStart|commentRangeEnd|"
    "ins|del|moveFrom|moveTo|moveFromRangeStart|moveFromRangeEnd|moveToRangeStart|"
    "moveToRangeEnd|customXmlInsRangeStart|customXmlInsRangeEnd|customXmlDelRangeStart|"
    "customXmlDelRangeEnd|m:oMathPara|m:oMath"
)
PARA_CONTENT = f"r|hyperlink|fldSimple|smartTag|sdt|customXml|subDoc|{MARKUP}"
BLOCK_CONTENT = f"p|tbl|sdt|customXml|altChunk|{MARKUP}"
ROW_CONTENT = f"tc|sdt|customXml|{MARKUP}"
TBL_CONTENT = f"tr|sdt|customXml|{MARKUP}"
BORDERS = ["top", "left|start", "bottom", "right|end", "insideH", "insideV", "tl2br", "tr2bl"]

SEQUENCES: dict[str, list[frozenset[str]]] = {
    q("pPr"): seq(*PPR_BASE, "rPr", "sectPr", "pPrChange"),
    q("rPr"): seq("ins", "del", "moveFrom", "moveTo", *RPR_BASE, "rPrChange"),
    q("tblPr"): seq(
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
    ),
    q("tcPr"): seq(
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
        "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns|cellDel|cellMerge",
        "tcPrChange",
    ),
    q("sectPr"): seq(
        "headerReference|footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
        "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
        "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
        "printerSettings", "sectPrChange",
    ),
    q("style"): seq(
        "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
        "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
        "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
    ),
    q("tblStylePr"): seq("pPr", "rPr", "tblPr", "trPr", "tcPr"),
    q("lvl"): seq(
        "start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff", "lvlText", "lvlPicBulletId",
        "legacy", "lvlJc", "pPr", "rPr",
    ),
    q("abstractNum"): seq(
        "nsid", "multiLevelType", "tmpl", "name", "styleLink", "numStyleLink", "lvl"
    ),
    q("num"): seq("abstractNumId", "lvlOverride"),
    q("lvlOverride"): seq("startOverride", "lvl"),
    q("numbering"): seq("numPicBullet", "abstractNum", "num", "numIdMacAtCleanup"),
    q("numPr"): seq("ilvl", "numId", "numberingChange", "ins"),
    q("settings"): seq(*SETTINGS),
    q("footnotePr"): seq(*NOTE_NUM, "footnote"),  # the settings form also lists note ids
    q("endnotePr"): seq(*NOTE_NUM, "endnote"),
    q("document"): seq("background", "body"),
    q("body"): seq(BLOCK_CONTENT, "sectPr"),
    q("hdr"): seq(BLOCK_CONTENT),
    q("ftr"): seq(BLOCK_CONTENT),
    q("footnotes"): seq("footnote"),
    q("footnote"): seq(BLOCK_CONTENT),
    q("p"): seq("pPr", PARA_CONTENT),
    q("r"): seq("rPr", RUN_CONTENT),
    q("hyperlink"): seq(PARA_CONTENT),
    q("fldSimple"): seq("fldData", PARA_CONTENT),
    q("tbl"): seq(MARKUP, "tblPr", "tblGrid", TBL_CONTENT),
    q("tblGrid"): seq("gridCol", "tblGridChange"),
    q("tr"): seq("tblPrEx", "trPr", ROW_CONTENT),
    q("tc"): seq("tcPr", BLOCK_CONTENT),
    q("tblBorders"): seq(*BORDERS[:6]),
    q("tcBorders"): seq(*BORDERS),
    q("pBdr"): seq("top", "left", "bottom", "right", "between", "bar"),
    q("tblCellMar"): seq("top", "left|start", "bottom", "right|end"),
    q("tcMar"): seq("top", "left|start", "bottom", "right|end"),
    q("tabs"): seq("tab"),
    q("styles"): seq("docDefaults", "latentStyles", "style"),
    q("docDefaults"): seq("rPrDefault", "pPrDefault"),
    q("rPrDefault"): seq("rPr"),
    q("pPrDefault"): seq("pPr"),
    q("latentStyles"): seq("lsdException"),
    q("compat"): seq("compatSetting"),
    q("drawing"): seq("wp:inline|wp:anchor"),
    q("wp:inline"): seq(
        "wp:extent", "wp:effectExtent", "wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"
    ),
    q("wp:docPr"): seq("a:hlinkClick", "a:hlinkHover", "a:extLst"),
    q("wp:cNvGraphicFramePr"): seq("a:graphicFrameLocks", "a:extLst"),
    q("a:graphic"): seq("a:graphicData"),
    q("a:graphicData"): seq("pic:pic"),
    q("pic:pic"): seq("pic:nvPicPr", "pic:blipFill", "pic:spPr"),
    q("pic:nvPicPr"): seq("pic:cNvPr", "pic:cNvPicPr"),
    q("pic:cNvPicPr"): seq("a:picLocks", "a:extLst"),
    q("pic:blipFill"): seq("a:blip", "a:srcRect", "a:tile|a:stretch"),
    q("a:stretch"): seq("a:fillRect"),
    q("pic:spPr"): seq(
        "a:xfrm", "a:custGeom|a:prstGeom",
        "a:noFill|a:solidFill|a:gradFill|a:blipFill|a:pattFill|a:grpFill", "a:ln",
        "a:effectLst|a:effectDag", "a:scene3d", "a:sp3d", "a:extLst",
    ),
    q("a:xfrm"): seq("a:off", "a:ext"),
    q("a:prstGeom"): seq("a:avLst"),
}
# The paragraph-mark rPr (CT_ParaRPr) and run rPr (CT_RPr) share one checked sequence above.
# Elements whose children Word never orders (or that have none) are left out of SEQUENCES; the
# checker still descends into them.


# -- documents under test -----------------------------------------------------------------

def _convert(markdown: str, meta: DocumentMeta = META) -> bytes:
    return _converter().convert(markdown, meta, base_dir=FIXTURES)


_CONVERTER: list[Converter] = []


def _converter() -> Converter:
    if not _CONVERTER:
        _CONVERTER.append(Converter())
    return _CONVERTER[0]


SECTIONS_MD = """\
::: toc Contents
:::

# One

Text with a note.[^a]

::: landscape
## Wide

| A | B | C |
|---|---|---|
| 1 | 2 | 3 |
:::

# Two

Back to portrait.[^b]

[^a]: First note.
[^b]: Second *note*.
"""


def _generated() -> Iterator[tuple[str, bytes]]:
    yield "everything.md", _convert((FIXTURES / "everything.md").read_text(encoding="utf-8"))
    yield "sections", _convert(SECTIONS_MD)
    yield "status label", _convert(
        "# Draft\n\n- a\n- b\n\n1. one\n", DocumentMeta(title="Draft", status_label="DRAFT")
    )
    yield "no metadata", _convert("Plain text only.\n", DocumentMeta(title="Plain"))
    yield "reference.docx", REFERENCE.read_bytes()


CASES = ["everything.md", "sections", "status label", "no metadata", "reference.docx"]


@pytest.fixture(scope="module")
def generated() -> dict[str, bytes]:
    return dict(_generated())


@pytest.fixture(scope="module")
def assignments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("schema-order")
    return {
        f"{a}/{name}": path.read_bytes()
        for a in ASSIGNMENTS
        for name, path in sorted(built(a, base).items())
        if name.endswith(".docx")
    }


# -- checks ---------------------------------------------------------------------------------

def _name(tag: str) -> str:
    for prefix, ns in PREFIXES.items():
        if tag.startswith(f"{{{ns}}}"):
            return f"{prefix}:{tag[len(ns) + 2:]}"
    return tag


def order_violations(root: etree._Element) -> list[str]:
    """Every child out of its schema sequence (or unknown to it), as readable paths."""
    found: list[str] = []
    for parent in root.iter():
        positions = SEQUENCES.get(parent.tag)
        if positions is None:
            continue
        index = {name: i for i, names in enumerate(positions) for name in names}
        wildcard = index.get(ANY)
        last = -1
        last_name = ""
        for child in parent:
            if not isinstance(child.tag, str):
                continue  # comments, processing instructions
            position = index.get(child.tag, wildcard)
            where = root.getroottree().getpath(child)
            if position is None:
                found.append(f"{where}: {_name(child.tag)} unknown in {_name(parent.tag)}")
                continue
            if position < last:
                found.append(f"{where}: {_name(child.tag)} after {last_name}")
            elif position > last:
                last, last_name = position, _name(child.tag)
    return found


class Package:
    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.xml = {
            name: etree.fromstring(data)
            for name, data in self.parts.items()
            if name.endswith((".xml", ".rels"))
        }

    def rels_of(self, part: str) -> dict[str, etree._Element]:
        folder, base = posixpath.split(part)
        root = self.xml.get(posixpath.join(folder, "_rels", base + ".rels"))
        return {} if root is None else {r.get("Id"): r for r in root}

    def target(self, part: str, rel: etree._Element) -> str:
        target = rel.get("Target")
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def problems(self) -> list[str]:
        out: list[str] = []
        for name, root in sorted(self.xml.items()):
            out += [f"{name} {v}" for v in order_violations(root)]
        out += self.content_type_problems()
        out += self.relationship_problems()
        out += self.id_problems()
        out += self.core_problems()
        return out

    def content_type_problems(self) -> list[str]:
        types = self.xml["[Content_Types].xml"]
        defaults = {d.get("Extension").lower() for d in types.findall("ct:Default", PREFIXES)}
        overrides = {o.get("PartName").lstrip("/") for o in types.findall("ct:Override", PREFIXES)}
        out = [f"[Content_Types].xml overrides missing part {p}"
               for p in sorted(overrides - set(self.parts))]
        if len(overrides) != len(types.findall("ct:Override", PREFIXES)):
            out.append("[Content_Types].xml repeats an Override")
        if len(defaults) != len(types.findall("ct:Default", PREFIXES)):
            out.append("[Content_Types].xml repeats a Default")
        for name in sorted(self.parts):
            if name == "[Content_Types].xml" or name.endswith("/"):
                continue
            ext = name.rsplit(".", 1)[-1].lower()
            if name not in overrides and ext not in defaults:
                out.append(f"{name} has no content type")
        return out

    def relationship_problems(self) -> list[str]:
        out = []
        for name, root in sorted(self.xml.items()):
            if name.endswith(".rels"):
                ids = [rel.get("Id") for rel in root]
                if len(set(ids)) != len(ids):
                    out.append(f"{name} repeats a relationship Id: {sorted(ids)}")
                folder, base = posixpath.split(name)
                source = posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))
                for rel in root:
                    if rel.get("TargetMode") == "External":
                        continue
                    target = self.target(source, rel)
                    if target not in self.parts:
                        out.append(f"{name} {rel.get('Id')} targets missing part {target}")
                continue
            rels = self.rels_of(name)
            for node in root.iter():
                for attr, value in node.attrib.items():
                    if attr.startswith(f"{{{R}}}") and value not in rels:
                        out.append(f"{name}: {_name(node.tag)} r:{attr.split('}')[1]}={value} "
                                   "has no relationship")
        return out

    def id_problems(self) -> list[str]:
        out = []
        document = self.xml.get("word/document.xml")
        if document is None:
            return out
        doc_rels = self.rels_of("word/document.xml")

        def part_of(kind: str) -> etree._Element | None:
            for rel in doc_rels.values():
                if rel.get("Type", "").endswith("/" + kind):
                    return self.xml.get(self.target("word/document.xml", rel))
            return None

        used_nums = {n.get(q("val")) for n in document.iter(q("numId"))} - {"0"}
        numbering = part_of("numbering")
        styles = part_of("styles")
        if styles is not None:
            used_nums |= {n.get(q("val")) for n in styles.iter(q("numId"))} - {"0"}
        nums = set() if numbering is None else {
            n.get(q("numId")) for n in numbering.findall(q("num"))
        }
        out += [f"numId {n} has no w:num in numbering.xml" for n in sorted(used_nums - nums)]
        if numbering is not None:
            abstract = {a.get(q("abstractNumId")) for a in numbering.findall(q("abstractNum"))}
            for num in numbering.findall(q("num")):
                ref = num.find(q("abstractNumId")).get(q("val"))
                if ref not in abstract:
                    out.append(f"w:num {num.get(q('numId'))} points at abstractNum {ref}")

        notes = part_of("footnotes")
        note_ids = set() if notes is None else {n.get(q("id")) for n in notes}
        for ref in document.iter(q("footnoteReference")):
            if ref.get(q("id")) not in note_ids:
                out.append(f"footnoteReference {ref.get(q('id'))} has no footnote")
        if notes is not None and len(note_ids) != len(notes):
            out.append("footnotes.xml repeats an id")
        settings = part_of("settings")
        if settings is not None:
            for ref in settings.iterfind("w:footnotePr/w:footnote", PREFIXES):
                if ref.get(q("id")) not in note_ids:
                    out.append(f"settings.xml footnotePr names footnote {ref.get(q('id'))}, "
                               "which footnotes.xml lacks")

        drawing_ids = [d.get("id") for root in self.xml.values()
                       for d in root.iter(q("wp:docPr"))]
        if len(set(drawing_ids)) != len(drawing_ids):
            out.append(f"wp:docPr ids repeat: {sorted(drawing_ids)}")

        for name, root in sorted(self.xml.items()):
            starts = [b.get(q("id")) for b in root.iter(q("bookmarkStart"))]
            ends = [b.get(q("id")) for b in root.iter(q("bookmarkEnd"))]
            if len(set(starts)) != len(starts):
                out.append(f"{name}: a bookmarkStart id repeats")
            if sorted(starts) != sorted(ends):
                out.append(f"{name}: bookmarkStart/End ids do not pair up: "
                           f"{sorted(set(starts) ^ set(ends))}")
        return out

    def core_problems(self) -> list[str]:
        core = self.xml.get("docProps/core.xml")
        if core is None:
            return []
        out = []
        stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
        for tag in ("created", "modified"):
            node = core.find(f"dcterms:{tag}", PREFIXES)
            if node is None:
                continue
            if node.get(q("xsi:type")) != "dcterms:W3CDTF":
                out.append(f"core.xml dcterms:{tag} lacks xsi:type=dcterms:W3CDTF")
            if not stamp.match(node.text or ""):
                out.append(f"core.xml dcterms:{tag} {node.text!r} is not W3CDTF")
        return out


@pytest.mark.parametrize("case", CASES)
def test_generated_documents_follow_the_schema(generated: dict[str, bytes], case: str) -> None:
    problems = Package(generated[case]).problems()
    assert not problems, "\n".join(problems)


def test_reference_assignments_follow_the_schema(assignments: dict[str, bytes]) -> None:
    assert assignments
    problems = [f"{doc}: {p}" for doc, data in assignments.items()
                for p in Package(data).problems()]
    assert not problems, "\n".join(problems)


# -- the checker itself catches what it is for --------------------------------------------

def _check(xml: str) -> list[str]:
    return order_violations(etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>'))


def test_checker_catches_misordered_and_unknown_children() -> None:
    assert _check("<w:p><w:pPr><w:pStyle/><w:spacing/><w:jc/><w:rPr/></w:pPr></w:p>") == []
    assert _check("<w:p><w:pPr><w:jc/><w:spacing/></w:pPr></w:p>")
    assert _check("<w:p><w:r><w:t/></w:r><w:pPr/></w:p>")
    assert _check("<w:p><w:r><w:rPr><w:sz/><w:b/></w:rPr></w:r></w:p>")
    assert _check("<w:p><w:pPr><w:spaceing/></w:pPr></w:p>")  # a typo
    assert _check("<w:sectPr><w:pgMar/><w:pgSz/></w:sectPr>")
    assert _check("<w:sectPr><w:headerReference/><w:footerReference/><w:headerReference/>"
                  "<w:pgSz/></w:sectPr>") == []
    assert _check("<w:sectPr><w:pgSz/><w:headerReference/></w:sectPr>")


def test_checker_catches_dangling_references() -> None:
    doc = Package(_convert("- a\n- b\n\nText.[^n]\n\n[^n]: note\n"))
    problems = doc.problems()
    assert problems == []
    body = doc.xml["word/document.xml"]
    body.find(".//w:numId", PREFIXES).set(q("val"), "999")
    body.find(".//w:footnoteReference", PREFIXES).set(q("id"), "77")
    problems = doc.id_problems()
    assert any("numId 999" in p for p in problems)
    assert any("footnoteReference 77" in p for p in problems)

