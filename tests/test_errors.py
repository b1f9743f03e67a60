"""How a message quotes what the user wrote (generator/errors.py): the start of a long text,
whole words only."""

from __future__ import annotations

import pytest

from generator.errors import text_start


@pytest.mark.parametrize(("text", "shown"), [
    ("Short topic", "Short topic"),
    ("x" * 40, "x" * 40),                                               # at the limit: whole
    ("Relationship with the bank and covenant calculation",
     "Relationship with the bank and covenant…"),                       # cut in a word: before it
    ("Relationship with the bank and covenant1 next",
     "Relationship with the bank and covenant1…"),                      # a word ending at it
    ("Relationship with the bank and covenan next", "Relationship with the bank and covenan…"),
    ("Audit file, lessons learned and the close, in full", "Audit file, lessons learned and the…"),
    ("Audit file and lessons learned from the, close", "Audit file and lessons learned from the…"),
    ("y" * 41, "y" * 40 + "…"),                                         # one word: cut in it
    ("  spaced\n  over   lines  ", "spaced over lines"),
])
def test_a_long_text_is_shown_by_its_first_whole_words(text: str, shown: str) -> None:
    assert text_start(text) == shown


def test_the_limit_is_the_callers() -> None:
    assert text_start("one two three", 8) == "one two…"
    assert text_start("one two three", 7) == "one two…"
    assert text_start("one two three", 6) == "one…"
