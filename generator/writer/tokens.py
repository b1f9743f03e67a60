"""What the renderer reads from markdown-it tokens: lines, plain text, errors, spacing.

Shared by the renderer's rule modules; nothing here builds Word XML.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from generator.source.dialect import MarkdownError


def unsupported(what: str, token_type: str, line: int) -> MarkdownError:
    """A token type no rule handles: said, never silently dropped."""
    return MarkdownError(f"unsupported {what} '{token_type}'", line,
                         "remove it or rewrite it with the constructs listed in docs/markdown.md")


_NUMBER_BEFORE_UNIT = re.compile(
    r"(?<=\d) (?=(?:%|‰|€|\$|£|°C|x|h|u|uur|min|dagen|days|weken|weeks|maanden|months|"
    r"FTE|fte|km|kg|m²|m|cm|mm|k€|mln|mio|bn|jaar|years?|jours|semaines|mois|ans)(?![\w]))"
)


_AFTER_SIGN = re.compile(r"(?<=[≤≥<>±~€$£]) (?=[\d€$£])")


_MONTH = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
          r"november|december|jan|feb|mrt|apr|jun|jul|aug|sept?|okt|nov|dec|"
          r"January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|"
          r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
          r"janv\.|févr\.|avr\.|juil\.|sept\.|oct\.|nov\.|déc\.)")


_DAY_MONTH = re.compile(rf"(?<![\d.,])\b(\d{{1,2}}|1er) ({_MONTH})(?!\w)")


_MONTH_YEAR = re.compile(rf"(?<!\w)({_MONTH}) (\d{{4}})\b")


def keep_spaces(text: str, *, dates: bool = False) -> str:
    """No-break spaces where a line break would split a quantity ("≤ 2 %", "€ 400",
    "12 FTE") or a day from its month ("14 juin"): the same text to the eye, one unit to
    the line breaker. With `dates`, the year too, for a date typed in running text ("29
    januari 2027"); not in a table cell, where a long unbreakable date would take a narrow
    column's room and break its words instead: there the year may wrap ("le 14 juin /
    2027", never "le 14 / juin 2027")."""
    if " " not in text:
        return text
    text = _DAY_MONTH.sub("\\1\u00a0\\2", text)
    if dates:
        text = _MONTH_YEAR.sub("\\1\u00a0\\2", text)
    return _AFTER_SIGN.sub("\u00a0", _NUMBER_BEFORE_UNIT.sub("\u00a0", text))


def line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def plain_text(inline: Token) -> str:
    return plain_text_children(inline.children or [])


def plain_text_children(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.children:
            parts.append(plain_text_children(child.children))
    return "".join(parts).strip()


def image_index(children: list[Token]) -> int:
    for index, child in enumerate(children):
        if child.type == "image":
            return index
    return -1


def lone_image(children: list[Token]) -> bool:
    """True when the paragraph holds one image and nothing but whitespace."""
    seen = False
    for child in children:
        if child.type == "image":
            if seen:
                return False
            seen = True
        elif child.type == "softbreak" or (child.type == "text" and not child.content.strip()):
            continue
        else:
            return False
    return seen
