"""A redline a client can read: numbers, versions, dates and amounts change as whole tokens.

"1.~~1~~2" or a date torn into digits says nothing to a CEO; the old value deleted and
the new one inserted does. Checked on the real handbook 1.1 -> 1.2 and on plain words.
"""

from __future__ import annotations

import datetime

from docx_reading import EPOCH, ROOT, source_date_epoch
from example_project import ExampleProject
from redline_reading import plain, resolve, stories, stories_text, w

from generator.delivery.build import Builder
from generator.delivery.planning import named_job
from generator.delivery.redline import redline
from generator.delivery.redline.words import tokens
from generator.source.project import load_assignment, load_firm

NBSP, NNBSP, NB_HYPHEN = "\u00a0", "\u202f", "\u2011"


def as_of(day: datetime.date) -> bytes:
    """The example's handbook as its history stood on `day`."""
    with source_date_epoch(EPOCH):
        return Builder(load_firm(ROOT), root=ROOT).document(
            load_assignment(ROOT / "assignments" / "dl-logistiek-2027"), "handbook", as_of=day)


def changed_texts(red: bytes) -> tuple[list[str], list[str]]:
    """Each tracked deletion's and insertion's text, story by story."""
    deleted, inserted = [], []
    for root in stories(red).values():
        for node in root.iter(w("del")):
            if node.getparent().tag != w("rPr"):
                deleted.append(_shown(node, "delText"))
        for node in root.iter(w("ins")):
            if node.getparent().tag != w("rPr"):
                inserted.append(_shown(node, "t"))
    return deleted, inserted


def _shown(node: object, text: str) -> str:
    """The text a change shows, a `w:noBreakHyphen` as the hyphen it prints."""
    return "".join("-" if t.tag == w("noBreakHyphen") else t.text or ""
                   for t in node.iter(w(text), w("noBreakHyphen")))


def test_numbers_versions_dates_and_amounts_are_whole_tokens() -> None:
    assert tokens(f"Versie 1.10 van 26{NBSP}mrt{NBSP}2027: €{NBSP}1.050,00 of 21{NBSP}%") == [
        "Versie", " ", "1.10", " ", "van", " ", f"26{NBSP}mrt{NBSP}2027", ":", " ",
        f"€{NBSP}1.050,00", " ", "of", " ", f"21{NBSP}%"]
    assert tokens("De 3 ploegen, 42 medewerkers.") == [
        "De", " ", "3", " ", "ploegen", ",", " ", "42", " ", "medewerkers", "."]
    assert tokens(f"5{NBSP}feb.{NBSP}2027") == [f"5{NBSP}feb.{NBSP}2027"]


def test_iso_dates_and_dates_with_no_break_characters_are_whole_tokens() -> None:
    iso, unbroken = "2027-03-12", f"2027{NB_HYPHEN}03{NB_HYPHEN}12"
    assert tokens(f"tegen {iso} of {unbroken}.") == [
        "tegen", " ", iso, " ", "of", " ", unbroken, "."]
    assert tokens(f"op 12{NBSP}mrt{NBSP}2027, 1er{NBSP}mars{NBSP}2027 of 12-03-2027") == [
        "op", " ", f"12{NBSP}mrt{NBSP}2027", ",", " ", f"1er{NBSP}mars{NBSP}2027", " ", "of",
        " ", "12-03-2027"]
    assert tokens("12 mrt 2027") == ["12", " ", "mrt", " ", "2027"]  # plain spaces: words


def test_amounts_with_thousands_separators_are_whole_tokens() -> None:
    assert tokens("€ 1.250,00 en €1,250.00") == ["€ 1.250,00", " ", "en", " ", "€1,250.00"]
    assert tokens(f"1{NNBSP}250,00{NBSP}€ voor 12{NNBSP}500 stuks of 1.250") == [
        f"1{NNBSP}250,00{NBSP}€", " ", "voor", " ", f"12{NNBSP}500", " ", "stuks", " ", "of",
        " ", "1.250"]
    assert tokens("versie 1.10, 3,1 %") == ["versie", " ", "1.10", ",", " ", "3,1", " ", "%"]


def test_a_built_redline_shows_a_changed_iso_date_and_amount_whole(
        example: ExampleProject) -> None:
    """A date typed ISO in a milestone's title ("2027-03-12", which the handbook writes with
    Word's no-break hyphens, w:noBreakHyphen) and the signing limit ("€ 25.000") each change
    as one deleted, one inserted."""
    example.edit("title: Scannergestuurd picken in hal A",
                 "title: Scannergestuurd picken in hal A vanaf 2027-03-12")
    builder = Builder(load_firm(example.root), root=example.root)
    older = builder.docx(named_job(load_assignment(example.folder), "handbook"))
    example.edit("in hal A vanaf 2027-03-12", "in hal A vanaf 2027-03-19")
    example.edit("signing_limit: 25000", "signing_limit: 27500")
    newer = builder.docx(named_job(load_assignment(example.folder), "handbook"))
    red = redline(older, newer, author="Coverton")
    deleted, inserted = changed_texts(red)
    assert "2027-03-12" in deleted and "2027-03-19" in inserted, (deleted, inserted)
    assert f"€{NBSP}25.000" in deleted and f"€{NBSP}27.500" in inserted
    for text in deleted + inserted:  # never a date or amount torn into its digits
        assert text in ("2027-03-12", "2027-03-19", f"€{NBSP}25.000", f"€{NBSP}27.500"), \
            (deleted, inserted)
    assert stories_text(resolve(red, accept=True)) == plain(newer)
    assert stories_text(resolve(red, accept=False)) == plain(older)


def test_the_real_handbook_1_1_to_1_2_changes_its_version_and_date_whole() -> None:
    older, newer = as_of(datetime.date(2027, 2, 1)), as_of(datetime.date(2027, 2, 19))
    deleted, inserted = changed_texts(redline(older, newer, author="Coverton"))
    assert "1.1" in deleted and "1.2" in inserted
    assert f"1{NBSP}februari{NBSP}2027" in deleted
    assert f"19{NBSP}februari{NBSP}2027" in inserted
    for text in deleted + inserted:  # never a lone digit torn from a number
        assert not (text.isdigit() and len(text) == 1), (deleted, inserted)


def test_headings_after_an_added_section_are_not_marked_on_the_contents_page() -> None:
    """1.2 adds "Aanpassingen van het plan": the contents entries after it are renumbered
    bookmarks, unchanged text; only the new entry is inserted."""
    older, newer = as_of(datetime.date(2027, 2, 1)), as_of(datetime.date(2027, 2, 19))
    deleted, inserted = changed_texts(redline(older, newer, author="Coverton"))
    for heading in ("Rapportering en escalatie", "Exit- en overdrachtsplan", "Handtekeningen"):
        assert heading not in deleted and heading not in inserted, (deleted, inserted)
    assert "Aanpassingen van het plan" in inserted
