"""Inline rules: text, emphasis, code, links and breaks as runs of one paragraph.

Consecutive text of the same formatting shares one run (buffered in `_Inline`), and
each format's run is copied from a template built once: most of a document's runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree
from markdown_it.token import Token

from generator.source.dialect import LINK_HINT, refused_scheme
from generator.writer import oxml
from generator.writer.footnotes import FootnoteRules
from generator.writer.oxml import W_R, W_T, XML_SPACE, w
from generator.writer.package import Relationship
from generator.writer.pictures import PictureRules
from generator.writer.tokens import MarkdownError, keep_spaces, unsupported
from generator.writer.typography import typeset

if TYPE_CHECKING:
    from generator.writer.render import Renderer

_SUBE = etree.SubElement
W_NO_BREAK_HYPHEN = w("noBreakHyphen")
_ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")


def unbroken_dates(text: str) -> list[str]:
    """`text` cut at the hyphens of its ISO dates ("2027-06-14"), which the run joins with
    Word's non-breaking hyphen: a date typed in a narrow table cell never splits after
    "2027-06-". [text] when it holds none."""
    if "-" not in text:
        return [text]
    pieces, start = [], 0
    for found in _ISO_DATE.finditer(text):
        for hyphen in (found.start() + 4, found.start() + 7):
            pieces.append(text[start:hyphen])
            start = hyphen + 1
    return [*pieces, text[start:]]


def _set_text(t: etree._Element, text: str) -> None:
    t.text = text
    if text[:1] == " " or text[-1:] == " ":
        t.set(XML_SPACE, "preserve")


@dataclass
class _Inline:
    """Formatting state while rendering one inline token's children."""

    parent: etree._Element
    line: int
    bold: int = 0
    italic: int = 0
    strike: int = 0
    char_styles: list[str | None] = field(default_factory=list)
    parents: list[etree._Element] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    buf_key: tuple | None = None
    force_bold: bool = False
    color: str | None = None
    last: str = ""  # the paragraph's last character so far, for the typography


_PLAIN_KEY: tuple = (None, False, False, False, None)
"""The formatting key (`Renderer._key`) of text with no emphasis, style or colour."""


class InlineRules:
    """The renderer's rules for inline tokens (a mixin of `Renderer`)."""

    def render_inline(
        self, parent: etree._Element, children: list[Token], line: int, force_bold: bool = False
    ) -> None:
        if len(children) == 1 and not force_bold and children[0].type == "text":
            # Most paragraphs and cells are plain text: one run, no formatting state.
            text = self.typeset(children[0].content)
            if text:
                self._append_run(parent, _PLAIN_KEY, text)
            return
        state = _Inline(parent=parent, line=line, force_bold=force_bold)
        if force_bold:
            state.color = self.header_color
        rules = INLINE_RULES
        for child in children:
            rule = rules.get(child.type)
            if rule is None:
                raise unsupported("inline Markdown construct", child.type, state.line)
            rule(self, state, child)
        if state.buf:
            self._flush(state)

    def typeset(self: Renderer, text: str, before: str = "") -> str:
        """Text as the document's language sets it: no-break spaces in quantities (and in
        dates, outside tables), the language's punctuation spacing and apostrophes."""
        return typeset(keep_spaces(text, dates=self.table is None), self.language, before)

    def _key(self: Renderer, state: _Inline) -> tuple:
        style = None
        for candidate in reversed(state.char_styles):
            if candidate:
                style = candidate
                break
        return (
            style,
            bool(state.bold) or state.force_bold,
            bool(state.italic),
            bool(state.strike),
            state.color,
        )

    def _flush(self: Renderer, state: _Inline) -> None:
        if state.buf:
            text = "".join(state.buf)
            state.buf.clear()
            self._append_run(state.parent, state.buf_key, text)

    def _append_run(self: Renderer, parent: etree._Element, key: tuple | None, text: str) -> None:
        """A run of `text` formatted as `key` says, from a per-format template."""
        tpl = self._run_tpl.get(key)
        if tpl is None:
            tpl = etree.Element(W_R)
            rpr = self._rpr(key)
            if rpr is not None:
                tpl.append(rpr.__copy__())
            _SUBE(tpl, W_T)
            self._run_tpl[key] = tpl
        run = tpl.__copy__()
        parent.append(run)
        pieces = unbroken_dates(text)
        _set_text(run[-1], pieces[0])
        for piece in pieces[1:]:
            _SUBE(run, W_NO_BREAK_HYPHEN)
            _set_text(_SUBE(run, W_T), piece)

    def _text(self: Renderer, state: _Inline, text: str) -> None:
        if not text:
            return
        key = self._key(state)
        if key != state.buf_key:
            if state.buf:
                self._flush(state)
            state.buf_key = key
        state.buf.append(text)
        state.last = text[-1]

    def i_text(self: Renderer, state: _Inline, token: Token) -> None:
        self._text(state, self.typeset(token.content, state.last))

    def i_softbreak(self: Renderer, state: _Inline, token: Token) -> None:
        self._text(state, " ")
        state.line += 1

    def i_hardbreak(self: Renderer, state: _Inline, token: Token) -> None:
        self._flush(state)
        run = _SUBE(state.parent, W_R)
        rpr = self._rpr(self._key(state))
        if rpr is not None:
            run.append(rpr.__copy__())
        _SUBE(run, oxml.W_BR)
        state.line += 1

    def i_code_inline(self: Renderer, state: _Inline, token: Token) -> None:
        state.char_styles.append(self.c_code)
        self._text(state, token.content)
        state.char_styles.pop()

    def i_strong_open(self: Renderer, state: _Inline, token: Token) -> None:
        state.bold += 1

    def i_strong_close(self: Renderer, state: _Inline, token: Token) -> None:
        state.bold -= 1

    def i_em_open(self: Renderer, state: _Inline, token: Token) -> None:
        state.italic += 1

    def i_em_close(self: Renderer, state: _Inline, token: Token) -> None:
        state.italic -= 1

    def i_s_open(self: Renderer, state: _Inline, token: Token) -> None:
        state.strike += 1

    def i_s_close(self: Renderer, state: _Inline, token: Token) -> None:
        state.strike -= 1

    def i_span_open(self: Renderer, state: _Inline, token: Token) -> None:
        classes = str(token.attrs.get("class", "")).split()
        style = next((self.class_styles[c] for c in classes if c in self.class_styles), None)
        state.char_styles.append(style)

    def i_span_close(self: Renderer, state: _Inline, token: Token) -> None:
        state.char_styles.pop()

    def i_link_open(self: Renderer, state: _Inline, token: Token) -> None:
        href = str(token.attrs.get("href", ""))
        check_link(href, state.line)
        self._flush(state)
        link = _SUBE(state.parent, w("hyperlink"))
        if href.startswith("#"):
            link.set(w("anchor"), href[1:])
        else:
            rid = self._link_rids.get(href)
            if rid is None:
                rid = self.rids()
                self._link_rids[href] = rid
                self.relationships.append(Relationship(rid, oxml.RT_HYPERLINK, href, True))
            link.set(oxml.R_ID, rid)
        link.set(w("history"), "1")
        state.parents.append(state.parent)
        state.parent = link
        state.char_styles.append(self.c_link)

    def i_link_close(self: Renderer, state: _Inline, token: Token) -> None:
        self._flush(state)
        state.parent = state.parents.pop()
        state.char_styles.pop()


def check_link(href: str, line: int) -> None:
    """Refuse every link but http(s), mailto, tel and #anchors, loudly, at its line."""
    scheme = refused_scheme(href)
    if scheme:
        raise MarkdownError(f"link to '{href[:60]}' is not allowed (refused scheme: {scheme})",
                            line, LINK_HINT)


INLINE_RULES: dict[str, Callable[[Renderer, _Inline, Token], None]] = {
    "text": InlineRules.i_text,
    "text_special": InlineRules.i_text,
    "softbreak": InlineRules.i_softbreak,
    "hardbreak": InlineRules.i_hardbreak,
    "code_inline": InlineRules.i_code_inline,
    "strong_open": InlineRules.i_strong_open,
    "strong_close": InlineRules.i_strong_close,
    "em_open": InlineRules.i_em_open,
    "em_close": InlineRules.i_em_close,
    "s_open": InlineRules.i_s_open,
    "s_close": InlineRules.i_s_close,
    "span_open": InlineRules.i_span_open,
    "span_close": InlineRules.i_span_close,
    "link_open": InlineRules.i_link_open,
    "link_close": InlineRules.i_link_close,
    "image": PictureRules.i_image,
    "footnote_ref": FootnoteRules.i_footnote_ref,
    "footnote_anchor": FootnoteRules.i_footnote_anchor,
}
