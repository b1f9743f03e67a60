"""Reading a returned .docx: the text as sent and each change, whatever XML Word writes.

Small documents written by hand, each the way Word (2013+) records one thing:
moved text, an inserted and a deleted row, a paragraph split by Enter, a smart tag
and a content control around words, fields, and a comment spanning paragraphs.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from generator.delivery.review.returned import read_returned
from generator.errors import GeneratorError

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="w14"><w:body>')
TAIL = "<w:sectPr/></w:body></w:document>"
BY = 'w:author="Client" w:date="2027-03-01T09:00:00Z"'


def docx(body: str, **parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", HEAD + body + TAIL)
        for name, text in parts.items():
            z.writestr(name.replace("_", "/", 1).replace("__", "."), text)
    return out.getvalue()


def r(text: str, rsid: str = "00AB12CD") -> str:
    return (f'<w:r w:rsidR="{rsid}"><w:rPr><w:lang w:val="nl-BE"/></w:rPr>'
            f'<w:t xml:space="preserve">{text}</w:t></w:r>')


def test_runs_split_anywhere_read_as_one_text() -> None:
    body = ('<w:p w14:paraId="1A2B3C4D" w:rsidR="00112233">' + r("Scanner") +
            '<w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="_GoBack"/>'
            '<w:bookmarkEnd w:id="0"/>' + r("gestuurd ") + '<w:proofErr w:type="spellEnd"/>'
            '<w:smartTag w:uri="urn:x" w:element="place">' + r("picken") + '</w:smartTag>'
            '<w:sdt><w:sdtContent>' + r(" in hal A") + '</w:sdtContent></w:sdt>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("") +
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    got = read_returned(docx(body))
    assert [b.text for b in got.blocks] == ["Scannergestuurd picken in hal A"]
    assert got.changes == []


def test_a_replacement_is_one_change_at_its_place() -> None:
    body = ("<w:p>" + r("Picken in ") + f'<w:del w:id="1" {BY}><w:r><w:delText>hal A'
            f'</w:delText></w:r></w:del><w:ins w:id="2" {BY}>' + r("hal B") + "</w:ins>"
            + r(" vanaf maart") + "</w:p>")
    got = read_returned(docx(body))
    assert got.blocks[0].text == "Picken in hal A vanaf maart"  # as it was sent
    (change,) = got.changes
    assert (change.kind, change.author, change.date) == ("replacement", "Client",
                                                         "2027-03-01T09:00:00Z")
    assert (change.start, change.end, change.before, change.after) == (10, 15, "hal A", "hal B")


def test_moved_text_is_a_deletion_at_its_old_place_and_an_insertion_at_its_new() -> None:
    body = ("<w:p>" + '<w:moveFromRangeStart w:id="5" w:name="move1" ' + BY + '/>'
            f'<w:moveFrom w:id="6" {BY}>' + r("eerst ") + "</w:moveFrom>"
            '<w:moveFromRangeEnd w:id="5"/>' + r("de scanners") + "</w:p>"
            "<w:p>" + r("daarna de opleiding") + '<w:moveToRangeStart w:id="7" w:name="move1" '
            + BY + f'/><w:moveTo w:id="8" {BY}>' + r(" eerst") + '</w:moveTo>'
            '<w:moveToRangeEnd w:id="7"/></w:p>')
    got = read_returned(docx(body))
    assert [b.text for b in got.blocks] == ["eerst de scanners", "daarna de opleiding"]
    assert [(c.kind, c.block, c.before, c.after) for c in got.changes] == [
        ("move", 0, "eerst ", ""), ("move", 1, "", " eerst")]


def test_rows_inserted_and_deleted_in_a_table() -> None:
    def row(text: str, mark: str = "") -> str:
        props = f"<w:trPr>{mark}</w:trPr>" if mark else ""
        inner = (f'<w:ins w:id="9" {BY}>' + r(text) + "</w:ins>" if "ins" in mark else
                 f'<w:del w:id="9" {BY}><w:r><w:delText>{text}</w:delText></w:r></w:del>'
                 if "del" in mark else r(text))
        return f"<w:tr>{props}<w:tc><w:p>{inner}</w:p></w:tc></w:tr>"

    body = ("<w:tbl>" + row("M1") + row("M9", f'<w:ins w:id="3" {BY}/>')
            + row("M2", f'<w:del w:id="4" {BY}/>') + "</w:tbl>")
    got = read_returned(docx(body))
    assert [(b.text, b.cell) for b in got.blocks] == [("M1", (0, 0, 0)), ("M2", (0, 2, 0))]
    new_row, gone_row = got.changes
    assert new_row.new_block and new_row.after == "M9"
    assert (gone_row.kind, gone_row.before, gone_row.block) == ("deletion", "M2", 1)


def test_a_paragraph_split_by_enter_reads_as_the_one_paragraph_sent() -> None:
    mark = f'<w:pPr><w:rPr><w:ins w:id="1" {BY}/></w:rPr></w:pPr>'
    body = (f"<w:p>{mark}" + r("Eerste helft") + "</w:p><w:p>" + r(", tweede helft") + "</w:p>"
            f"<w:p>{mark}" + f'<w:ins w:id="2" {BY}>' + r("Nieuwe alinea") + "</w:ins></w:p>"
            + "<w:p>" + r("Slot") + "</w:p>")
    got = read_returned(docx(body))
    assert [b.text for b in got.blocks] == ["Eerste helft, tweede helft", "Slot"]
    (new,) = got.changes
    assert new.new_block and new.after == "Nieuwe alinea"


def test_comments_with_ranges_over_paragraphs_and_replies() -> None:
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    body = ('<w:p><w:commentRangeStart w:id="0"/>' + r("Eerste") + "</w:p><w:p>" + r("Tweede")
            + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>')
    comments = (
        '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
        '<w:comment w:id="0" w:author="Greet" w:date="2027-03-01T10:00:00Z">'
        '<w:p w14:paraId="00000001"><w:r><w:t>Klopt dit?</w:t></w:r></w:p></w:comment>'
        '<w:comment w:id="1" w:author="Luc" w:date="2027-03-02T10:00:00Z">'
        '<w:p w14:paraId="00000002"><w:r><w:t>Ja.</w:t></w:r></w:p></w:comment></w:comments>')
    extended = (f'<w15:commentsEx xmlns:w15="{w15}"><w15:commentEx w15:paraId="00000001" '
                'w15:done="0"/><w15:commentEx w15:paraId="00000002" '
                'w15:paraIdParent="00000001" w15:done="0"/></w15:commentsEx>')
    got = read_returned(docx(body, word_comments__xml=comments,
                             word_commentsExtended__xml=extended))
    (thread,) = got.comments
    assert (thread.author, thread.text, thread.start, thread.end) == ("Greet", "Klopt dit?",
                                                                      (0, 0), (1, 6))
    assert [(c.author, c.text) for c in thread.replies] == [("Luc", "Ja.")]


@pytest.mark.parametrize(("data", "said"), [
    (b"not a zip", "is no .docx"),
    (docx("<w:p>" + r("x") + "</w:p>").replace(b"word/document.xml", b"word/documenx.xml"),
     "has no word/document.xml"),
])
def test_what_is_no_word_document_is_said(data: bytes, said: str) -> None:
    with pytest.raises(GeneratorError, match=said):
        read_returned(data, "returned.docx")
