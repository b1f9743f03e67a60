"""A redline a client can read: numbers, versions, dates and amounts change as whole tokens.

"1.~~1~~2" or a date torn into digits says nothing to a CEO; the old value deleted and
the new one inserted does. Checked on the real handbook 1.1 -> 1.2 and on plain words.
"""

from __future__ import annotations

import datetime

from docx_reading import EPOCH, ROOT, source_date_epoch
from redline_reading import stories, w

from generator.delivery.build import Builder
from generator.delivery.redline import redline
from generator.delivery.redline.tracked import tokens
from generator.source.project import load_assignment, load_firm

NBSP = "\u00a0"


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
                deleted.append("".join(t.text or "" for t in node.iter(w("delText"))))
        for node in root.iter(w("ins")):
            if node.getparent().tag != w("rPr"):
                inserted.append("".join(t.text or "" for t in node.iter(w("t"))))
    return deleted, inserted


def test_numbers_versions_dates_and_amounts_are_whole_tokens() -> None:
    assert tokens(f"Versie 1.10 van 26{NBSP}mrt{NBSP}2027: €{NBSP}1.050,00 of 21{NBSP}%") == [
        "Versie", " ", "1.10", " ", "van", " ", f"26{NBSP}mrt{NBSP}2027", ":", " ",
        f"€{NBSP}1.050,00", " ", "of", " ", f"21{NBSP}%"]
    assert tokens("De 3 ploegen, 42 medewerkers.") == [
        "De", " ", "3", " ", "ploegen", ",", " ", "42", " ", "medewerkers", "."]
    assert tokens(f"5{NBSP}feb.{NBSP}2027") == [f"5{NBSP}feb.{NBSP}2027"]


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
