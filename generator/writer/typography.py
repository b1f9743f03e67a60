"""The typography of a document's language, set on every text run the writer writes.

The documents' own pass (generator.documents.typography) gives every language its
apostrophes and “quotes” while the Markdown is written. French (fr-BE here) also puts a
narrow no-break space (U+202F) before ; : ! ? and inside « », and quotes with « »: that
is set here, on the text of each run, where Markdown's own colons (directives, link
addresses, attributes) are gone. Both the generated text and the user's text get it,
where the reading is unambiguous: a colon only before a space or the end ("10:30" and
"https://" stay), quotes only as a pair around words. Dutch and English pass unchanged.

Small pure functions, one per rule, chained per language by `typeset`; the writer calls
it on each piece of text with the character before it in the paragraph (`before`), since
"**Statut**: x" reaches it as two pieces. (The writer loads nothing of the documents:
it takes the “ ” the documents' pass made, or the user typed, as its pairs.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

NNBSP = "\u202f"
"""Narrow no-break space: French "espace fine insécable"."""

_SPACE_BEFORE_HIGH = re.compile(r"[ \u00a0]+(?=[;:!?»])")
_GLUED_BEFORE_HIGH = re.compile(
    r"(?<=[^\s;:!?(«\[/\u202f'\"])(?:(?=[;!?](?:\s|$|[!?.,;:)\]»”\"]))|(?=:(?:\s|$))|(?=»))")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_CURLY_PAIR = re.compile("\u201c([^\u201c\u201d\n]*)\u201d")


def guillemets(text: str) -> str:
    """A pair of quotes (“words”, as the documents' pass or the user typed them): « words »."""
    return _CURLY_PAIR.sub(f"«{NNBSP}\\1{NNBSP}»", text)


def french_spacing(text: str) -> str:
    """A narrow no-break space before ; : ! ? and », and after «, in place of any space."""
    text = _AFTER_OPENING.sub(f"«{NNBSP}", text)
    text = _SPACE_BEFORE_HIGH.sub(NNBSP, text)
    return _GLUED_BEFORE_HIGH.sub(NNBSP, text)


RULES: dict[str, tuple[Callable[[str], str], ...]] = {
    "fr": (guillemets, french_spacing),
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
