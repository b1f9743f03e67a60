"""Directives (`::: name` blocks of the dialect): page breaks, landscape sections, the
contents page, signature tables and paragraph styles, one opening and closing rule each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lxml import etree
from markdown_it.token import Token

from generator.source.dialect import DIRECTIVE_NAMES, directive_refusal
from generator.writer import oxml
from generator.writer.oxml import W_P, W_PPR, sub, w
from generator.writer.tokens import MarkdownError, line_of

if TYPE_CHECKING:
    from generator.writer.render import Renderer


class DirectiveRules:
    """The renderer's rules for directives (a mixin of `Renderer`)."""

    def directive_open(self: Renderer, token: Token) -> None:
        info = token.info.strip()
        name, _, rest = info.partition(" ")
        rest = rest.strip()
        line = line_of(token)
        handler = DIRECTIVES.get(name.lower())
        if handler is None:
            raise MarkdownError(
                f"unknown directive '::: {name}'",
                line,
                "use one of ::: " + ", ::: ".join(sorted(DIRECTIVES)),
            )
        enclosing = {place for place, inside in (
            ("landscape", self.landscape), ("list", self.lists), ("quote", self.quote_depth),
            ("footnote", self.container is not self.body)) if inside}
        refused = directive_refusal(name.lower(), rest, enclosing)
        if refused:
            raise MarkdownError(refused[0], line, refused[1])
        token.meta["directive"] = name.lower()
        self._directive_stack.append(name.lower())
        handler[0](self, rest, line)

    def directive_close(self: Renderer, token: Token) -> None:
        name = self._directive_stack.pop()
        DIRECTIVES[name][1](self, token)

    def d_pagebreak_open(self: Renderer, rest: str, line: int) -> None:
        self._append_block(oxml.page_break_paragraph())

    def d_landscape_open(self: Renderer, rest: str, line: int) -> None:
        self.landscape = True
        self.landscape_line = line
        if self.body:
            self._end_section(oxml.portrait_sectpr(self.sect_pr))
        self.text_width = oxml.text_width_twips(oxml.landscape_sectpr(self.sect_pr))

    def d_landscape_close(self: Renderer, token: Token) -> None:
        self.landscape = False
        self._end_section(oxml.landscape_sectpr(self.sect_pr))
        self.text_width = oxml.text_width_twips(self.sect_pr)

    def _end_section(self: Renderer, sect: etree._Element) -> None:
        """Section break: the sectPr goes into the pPr of the section's last paragraph."""
        last = self.body[-1] if self.body else None
        if last is None or last.tag != W_P or last.find(f"{W_PPR}/{w('sectPr')}") is not None:
            last = etree.Element(W_P)
            self.body.append(last)
        ppr = last.find(W_PPR)
        if ppr is None:
            ppr = etree.Element(W_PPR)
            last.insert(0, ppr)
        ppr.append(sect)  # sectPr is (nearly) the last child of pPr; rPr never used here
        # Only the first section opens with the cover page: later sections' first pages
        # keep the running header and footer.
        for title_page in self.sect_pr.findall(w("titlePg")):
            self.sect_pr.remove(title_page)

    def d_toc_open(self: Renderer, rest: str, line: int) -> None:
        self.has_toc = True
        if rest:
            p = self._new_p(self._ppr(self.s_toc_heading))
            oxml.text_run(p, rest, None)
        entries = [(lvl, text) for lvl, text in self.toc_headings]
        instr = 'TOC \\o "1-3" \\h \\z \\u'
        if not entries:
            p = self._new_p(None)
            oxml.field_runs(p, instr, "")
            return
        for index, (level, text) in enumerate(entries):
            p = self._new_p(self._ppr(self.s_toc[level - 1]))
            if index == 0:
                oxml.fld_char(p, "begin")
                oxml.instr_run(p, instr)
                oxml.fld_char(p, "separate")
            link = sub(p, "hyperlink", {"anchor": f"_Toc{index + 1:08d}", "history": "1"})
            oxml.text_run(link, text, None)
            if index == len(entries) - 1:
                oxml.fld_char(p, "end")

    def d_signatures_open(self: Renderer, rest: str, line: int) -> None:
        """A table to sign: kept on one page, with room to write and to sign."""
        self.signature_block = True

    def d_signatures_close(self: Renderer, token: Token) -> None:
        self.signature_block = False

    def d_noop_close(self: Renderer, token: Token) -> None:
        """Directives complete at their opening line."""

    def d_style_open(self: Renderer, rest: str, line: int) -> None:
        style = self.t.paragraph_style_for(rest)
        if style is None:
            raise MarkdownError(
                f"'::: style {rest}': the reference document has no paragraph style {rest!r}",
                line,
                "use a paragraph style defined in the reference document, e.g. Title",
            )
        self.style_stack.append(style)

    def d_style_close(self: Renderer, token: Token) -> None:
        self.style_stack.pop()
        self.after_heading = True


DIRECTIVES: dict[str, tuple[Callable, Callable]] = {
    "pagebreak": (DirectiveRules.d_pagebreak_open, DirectiveRules.d_noop_close),
    "landscape": (DirectiveRules.d_landscape_open, DirectiveRules.d_landscape_close),
    "toc": (DirectiveRules.d_toc_open, DirectiveRules.d_noop_close),
    "style": (DirectiveRules.d_style_open, DirectiveRules.d_style_close),
    "signatures": (DirectiveRules.d_signatures_open, DirectiveRules.d_signatures_close),
}
assert set(DIRECTIVES) == DIRECTIVE_NAMES, "the dialect and the writer disagree on directives"
