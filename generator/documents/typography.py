"""Typography of the documents' text: small pure functions, one rule each.

A client reads "O’Brien", “quoted” and "6,1 % – daling ingezet" in a typeset document;
a keyboard gives "O'Brien", "quoted" and a capital after the dash. Each rule here changes
only what is unambiguous (an apostrophe between two letters is always one; a straight
quote that opens after a space and closes before one is a pair), so user text can pass
through them too. The rules hold for Dutch and English; French quotes are «  » and
belong to its own pass.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

APOSTROPHE = "\u2019"
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"

_LETTER = r"[^\W\d_]"
_BETWEEN_LETTERS = re.compile(rf"(?<=[^\W_]|}})'(?={_LETTER})")
"""An apostrophe before a letter, after a letter or digit ("O'Brien", "N4's due date") or a
term's hole ("{client}'s organisation")."""
# A pair: opens at the start, after a space or an opening bracket/dash; closes before the
# end, a space or punctuation; holds no straight quote and no line end, and is at most
# a thousand characters long (a line of unpaired quotes costs no more than that each).
_PAIR = re.compile(r'(?:^|(?<=[\s(\[–—]))"([^"\s](?:[^"\n]{0,1000}[^"\s])?)"(?=$|[\s.,;:!?)\]…–—])')
# What Markdown must keep as typed: fenced and indented code, code spans, link and image
# destinations with their titles, autolinks, attribute blocks, directive lines.
_MARKDOWN_LITERAL = re.compile(
    r"(?m)^ {0,3}(`{3,}|~{3,})[^\n]*\n(?:.*\n)*?(?: {0,3}\1[`~]*[ \t]*$|\Z)"  # fenced code
    r"|^(?: {4}|\t)[^\n]*$"  # an indented line (code, or a continuation left as typed)
    r"|^ {0,3}:::[^\n]*$"  # a directive line
    r"|(`+)[^`]*?\2"  # a code span
    r"|\]\([^)\n]*\)"  # a link's or image's destination and title
    r"|<[^>\s]+>"  # an autolink
    r"|\{[^}\n]*\}"  # an attribute block
)


def apostrophes(text: str) -> str:
    """A straight apostrophe inside a word ("O'Brien", "client's", "zo'n", "N4's") as ’."""
    return _BETWEEN_LETTERS.sub(APOSTROPHE, text)


def quotes(text: str) -> str:
    """Straight double quotes that pair up around words as “ and ”; any other left alone."""
    return _PAIR.sub(rf"{OPEN_QUOTE}\1{CLOSE_QUOTE}", text)


def typographic(text: str) -> str:
    """Plain text with typographic apostrophes and quotes."""
    return quotes(apostrophes(text))


def typographic_markdown(text: str) -> str:
    """Markdown with typographic apostrophes and quotes in its prose; code, link
    destinations, attributes and directives stay as typed.

    Each rule sees the whole text (an apostrophe after a code span still has its letter
    before it) and skips a mark that stands inside a literal; every replacement is one
    character for one, so the literals' places hold throughout."""
    spans = [m.span() for m in _MARKDOWN_LITERAL.finditer(text)]
    if not spans:
        return typographic(text)
    starts = [start for start, _ in spans]

    def free(at: int) -> bool:
        i = bisect.bisect_right(starts, at) - 1
        return i < 0 or at >= spans[i][1]

    text = _BETWEEN_LETTERS.sub(lambda m: APOSTROPHE if free(m.start()) else m.group(0), text)
    return _PAIR.sub(lambda m: f"{OPEN_QUOTE}{m.group(1)}{CLOSE_QUOTE}"
                     if free(m.start()) and free(m.end() - 1) else m.group(0), text)


_TITLE_WORD = re.compile(rf"({_LETTER})({_LETTER}*)(?=$|[\s,;:.])")


def after_dash(text: str, names: Iterable[str] = ()) -> str:
    """Text that follows a joining dash ("6,1 % – daling ingezet"): a first word in title
    case starts in lower case, unless it is one of `names` (the words of the assignment's
    people, client and firm) or holds a capital further on ("HR", "McKinsey"); the rest of
    the text is kept as typed."""
    match = _TITLE_WORD.match(text)
    if not match or not match.group(1).isupper() or not match.group(2).islower():
        return text
    if match.group(0) in set(names) or match.group(0) in CALENDAR_NAMES:
        return text
    return match.group(1).lower() + text[1:]


CALENDAR_NAMES = frozenset((
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
"""Names English writes with a capital anywhere ("– June and July closes"); Dutch and French
write months and days in lower case, so their names never reach here capitalised."""


def aside(text: str, note: str) -> str:
    """`text (note)`, never two bracket groups in a row: when `text` already ends in one
    ("Permanent CFO (recruitment running)"), the note joins it after a semicolon
    ("Permanent CFO (recruitment running; to be recruited)"). Works on Markdown too: an
    escaped closing bracket (`\\)`) is kept as it is."""
    if not note:
        return text
    body = text.rstrip()
    if body.endswith(")") and "(" in body and body.count("(") == body.count(")"):
        cut = len(body) - (2 if body.endswith("\\)") else 1)
        return f"{body[:cut]}; {note}{body[cut:]}"
    return f"{text} ({note})"
