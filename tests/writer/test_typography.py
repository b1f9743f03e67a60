"""French typography set by the writer: the narrow no-break space before ; : ! ? and inside
« », guillemets for a pair of quotes, where the reading is unambiguous, and nothing for
Dutch or English. (Apostrophes and “pairs” come from the documents' pass, every language.)"""

from __future__ import annotations

import pytest

from generator.writer.converter import Converter, DocumentMeta
from generator.writer.typography import typeset
from tests.writer.conftest import FIXTURES, Docx

N = "\u202f"  # narrow no-break space


@pytest.mark.parametrize(("typed", "set_"), [
    ("Statut : approuvé", f"Statut{N}: approuvé"),
    ("Statut: approuvé", f"Statut{N}: approuvé"),
    ("Statut\u00a0: approuvé", f"Statut{N}: approuvé"),
    ("Pourquoi? Parce que! Fin.", f"Pourquoi{N}? Parce que{N}! Fin."),
    ("Quoi ?! Non", f"Quoi{N}?! Non"),
    ("art. 21, § 2 ; art. 196", f"art. 21, § 2{N}; art. 196"),
    ("un “stand-up” quotidien", f"un «{N}stand-up{N}» quotidien"),
    ("« déjà »", f"«{N}déjà{N}»"),
    ("«déjà»?", f"«{N}déjà{N}»{N}?"),
    ("Statut :", f"Statut{N}:"),
])
def test_french_sets_its_punctuation(typed: str, set_: str) -> None:
    assert typeset(typed, "fr-BE") == set_
    assert typeset(typed, "fr") == set_


@pytest.mark.parametrize("typed", [
    "à 10:30 précises",              # a time
    "https://x.be/a?b=1;c=2",        # an address
    'un écran de 12" et de 15"',     # inches, not a quotation
    "l'entreprise d’Anvers",         # apostrophes are the documents' pass's
    "Oui;non",                       # a semicolon glued on both sides: left as typed
    "'t Stad",                       # an apostrophe not between two letters
])
def test_french_leaves_what_is_ambiguous(typed: str) -> None:
    assert typeset(typed, "fr-BE") == typed


@pytest.mark.parametrize("language", ["nl-BE", "en-GB", "nl", "en"])
def test_dutch_and_english_are_unchanged(language: str) -> None:
    typed = "Status: klaar? Zo’n “plan” ; ja!"
    assert typeset(typed, language) == typed


def test_a_piece_after_a_word_gets_its_space() -> None:
    """"**Statut**: x" reaches the writer as "Statut" and ": x": the character before says
    a word ends there; a piece at the start of a paragraph gets none."""
    assert typeset(": x", "fr-BE", before="t") == f"{N}: x"
    assert typeset(": x", "fr-BE") == ": x"
    assert typeset("? x", "fr-BE", before=" ") == "? x"


def test_the_writer_sets_it_in_a_french_document_only() -> None:
    markdown = "**Statut**: approuvé. L’équipe dit “oui”; `a:b` reste.\n"
    for language, expected in [
        ("fr-BE", f"Statut{N}: approuvé. L’équipe dit «{N}oui{N}»{N}; a:b reste."),
        ("nl-BE", "Statut: approuvé. L’équipe dit “oui”; a:b reste."),
    ]:
        docx = Docx(Converter().convert(markdown, DocumentMeta(title="T", language=language),
                                        base_dir=FIXTURES))
        texts = [docx.text(p) for p in docx.paragraphs()]
        assert expected in texts, (language, texts)
