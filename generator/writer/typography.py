"""The typography of a document's language, set on every text run the writer writes.

French (fr-BE here) puts a narrow no-break space (U+202F) before ; : ! ? and inside
« », and writes the apostrophe ’. Both the generated text and the user's text get it,
where the reading is unambiguous: a colon only before a space or the end ("10:30" and
"https://" stay), an apostrophe only between two letters, straight double quotes only
as a pair around words. Dutch and English text passes unchanged.

Small pure functions, one per rule, chained per language by `typeset`; the writer calls
it on each piece of text with the character before it in the paragraph (`before`), since
"**Statut**: x" reaches it as two pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NNBSP = "\u202f"
"""Narrow no-break space: French "espace fine insécable"."""

_SPACE_BEFORE_HIGH = re.compile(r"[ \u00a0]+(?=[;:!?»])")
_GLUED_BEFORE_HIGH = re.compile(
    r"(?<=[^\s;:!?(«\[/\u202f'\"])(?:(?=[;!?](?:\s|$|[!?.,;:)\]»”\"]))|(?=:(?:\s|$)))")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_QUOTED = re.compile(r'(?<![\w"])"(?=[^\s"])([^"\n]*?[^\s"])"(?![\w"])')


def french_quotes(text: str) -> str:
    """A pair of straight double quotes around words: « words »."""
    return _QUOTED.sub(f"«{NNBSP}\\1{NNBSP}»", text)


def french_spacing(text: str) -> str:
    """A narrow no-break space before ; : ! ? and », and after «, in place of any space."""
    text = _AFTER_OPENING.sub(f"«{NNBSP}", text)
    text = _SPACE_BEFORE_HIGH.sub(NNBSP, text)
    return _GLUED_BEFORE_HIGH.sub(NNBSP, text)


def typographic_apostrophes(text: str) -> str:
    """l'entreprise -> l’entreprise: a straight quote between two letters is an apostrophe."""
    return _APOSTROPHE.sub("’", text)


RULES: dict[str, tuple[Callable[[str], str], ...]] = {
    "fr": (typographic_apostrophes, french_quotes, french_spacing),
}
"""Each language's rules, in order (quotes become guillemets before spacing sets them)."""


def typeset(text: str, language: str, before: str = "") -> str:
    """`text` with its language's typography; `before` is the character that precedes it
    in the paragraph ("" at its start), so a colon opening a piece after a word is spaced.
    `language` is a document's code or tag: "fr" or "fr-BE"."""
    rules = RULES.get(language.split("-")[0])
    if not rules or not text:
        return text
    lead = before if before and not before.isspace() else ""
    text = lead + text
    for rule in rules:
        text = rule(text)
    return text[len(lead):]
