"""The words a redline compares: words, and numbers, versions, dates and amounts whole.

A CEO reads "1.1" -> "1.2" and a date deleted and its successor inserted; "1.~~1~~2" or a
date torn into its digits says nothing. Dates are whole as the documents print them
(26 mrt 2027 with no-break spaces), as ISO dates (with hyphens, U+2011 or the writer's
`w:noBreakHyphen`) and as 12-03-2027; amounts with their currency sign and thousands
separators (€ 1.250,00, €1,250.00, 1 250,00 €).
"""

from __future__ import annotations

import re

from lxml import etree

from generator.writer.oxml import W_T, w

W_NO_BREAK_HYPHEN = w("noBreakHyphen")
NO_BREAK_HYPHEN = "\ue011"
"""A `w:noBreakHyphen` inside a run's text while it is compared (a private-use character:
no text of the writer's holds it), so that "2027-03-12" written with them is one token."""
_NB = "\u00a0\u202f"  # the no-break spaces the documents set in dates, amounts, "21 %"
_HYPHEN = f"[-\u2011{NO_BREAK_HYPHEN}]"
_GROUPED = rf"\d{{1,3}}(?:[.,{_NB}]\d{{3}})+(?:[.,]\d+)?"  # 1.250,00 / 1 250,00 / 1,250.00
_FIGURE = rf"(?:{_GROUPED}|\d+(?:[.,]\d+)?)"
_TOKEN = re.compile(
    rf"\d{{1,2}}(?:er)?[{_NB}][^\W\d]+\.?[{_NB}]\d{{4}}"  # a date as printed: 26 mrt 2027
    rf"|\d{{4}}{_HYPHEN}\d{{2}}{_HYPHEN}\d{{2}}"  # an ISO date: 2027-03-12
    rf"|\d{{1,2}}{_HYPHEN}\d{{1,2}}{_HYPHEN}\d{{2,4}}(?!\d)"  # 12-03-2027
    rf"|[€$£][ {_NB}]?{_FIGURE}"  # an amount: € 1.050,00, €1,250.00
    rf"|{_FIGURE}[ {_NB}]?[€$£]"  # an amount after its figure: 1 250,00 €
    rf"|{_GROUPED}(?:[{_NB}]?%)?"  # a figure with thousands: 1.250 / 1 250
    rf"|\d+(?:[.,:/]\d+)*(?:[{_NB}]?%)?"  # a number, a version, a time, a percentage
    r"|\w+|\s+|[^\w\s]")
"""Words, and numbers, versions, dates, amounts whole: "1.1" -> "1.2", never "1.~~1~~2";
a changed date or amount reads as the old one deleted and the new one inserted."""


def tokens(text: str) -> list[str]:
    """A text as the redline compares it (see `_TOKEN`)."""
    return _TOKEN.findall(text)


def joined_hyphens(content: list[etree._Element]) -> list[etree._Element | str]:
    """A run's content with its texts and no-break hyphens joined into strings (each
    hyphen as NO_BREAK_HYPHEN), so that a date written "2027", hyphen, "03", hyphen, "12"
    is one token; other pieces (tabs, breaks) stay apart. A text that holds the stand-in
    character itself is left as it is, never read as a hyphen."""
    if any(c.tag == W_T and NO_BREAK_HYPHEN in (c.text or "") for c in content):
        return [c.text or "" if c.tag == W_T else c for c in content]
    out: list[etree._Element | str] = []
    for c in content:
        if c.tag not in (W_T, W_NO_BREAK_HYPHEN):
            out.append(c)
            continue
        text = c.text or "" if c.tag == W_T else NO_BREAK_HYPHEN
        if out and isinstance(out[-1], str):
            out[-1] += text
        else:
            out.append(text)
    return out
