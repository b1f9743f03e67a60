"""The renderer: markdown-it tokens -> WordprocessingML elements.

Like markdown-it-py's own renderers, there is ONE table per token level mapping the token
type to a small rule method (``BLOCK_RULES`` here, ``INLINE_RULES`` in `inline`). A token
type without a rule is an error, never silently dropped. The rules live with their
subject (`inline`, `pictures`, `footnotes`, `directives`, `table`), mixed into the one
`Renderer` that holds a document's state; this module has the block rules. Elements are
built with lxml directly from pre-built property templates (style ids resolved once)
because that is what makes a 50k-word document convert faster than pandoc.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from markdown_it.token import Token

from generator.source.dialect import footnote_problem
from generator.writer import oxml
from generator.writer.brand import Template
from generator.writer.directives import DIRECTIVES, DirectiveRules
from generator.writer.footnotes import FootnoteRules
from generator.writer.inline import InlineRules, check_link
from generator.writer.measure import body_font, measure_for
from generator.writer.numbering import MAX_LEVEL, list_indent
from generator.writer.oxml import W_P, W_PPR, W_PSTYLE, W_R, W_T, W_VAL, XML_SPACE, sub, w
from generator.writer.package import Relationship, RidAllocator
from generator.writer.pictures import (
    MAX_PICTURE_BYTES,
    PictureRules,
    picture_header,
    requested_width,
)
from generator.writer.table import SPACE_AFTER_BLOCK, Table, TableRules, column_widths
from generator.writer.tokens import (
    MarkdownError,
    image_index,
    keep_spaces,
    line_of,
    lone_image,
    plain_text,
    plain_text_children,
    unsupported,
)

_SUBE = etree.SubElement


@dataclass
class RenderResult:
    """Everything the package assembler needs besides the body."""

    body: list[etree._Element]
    final_sect_pr: etree._Element
    relationships: list[Relationship]
    media: dict[str, bytes]
    footnotes: list[etree._Element]
    nums: list[tuple[int, int, int, int]]  # numId, abstractNumId, ilvl, start
    has_toc: bool
    image_extensions: set[str]


@dataclass
class _List:
    num_id: int
    level: int
    item_first: bool = False


class Renderer(InlineRules, PictureRules, FootnoteRules, DirectiveRules, TableRules):
    """Renders one document; create a new one per conversion (it holds per-document state)."""

    def __init__(
        self,
        template: Template,
        *,
        base_dir: Path,
        images: Mapping[str, bytes],
        sect_pr: etree._Element,
        rids: RidAllocator,
        first_num_id: int,
        language: str = "en-GB",
    ):
        self.t = template
        self.language = language  # its tag ("fr-BE"): the typography follows it
        self.base_dir = Path(base_dir)
        self.images = images
        self.sect_pr = sect_pr
        self.rids = rids
        self.next_num = first_num_id
        self.body: list[etree._Element] = []
        self.container: list[etree._Element] | etree._Element = self.body
        self.relationships: list[Relationship] = []
        self._link_rids: dict[str, str] = {}
        self.media: dict[str, bytes] = {}
        self._media_rids: dict[str, str] = {}
        self.image_extensions: set[str] = set()
        self.footnotes: list[etree._Element] = []
        self.nums: list[tuple[int, int, int, int]] = []
        self.lists: list[_List] = []
        self.quote_depth = 0
        self.style_stack: list[str | None] = []
        self.after_heading = True
        # A table or list just ended: the next paragraph must not sit on its last line.
        self.after_block = False
        self.in_footnote = False
        self.footnote_ref_pending = False
        self.landscape = False
        self.landscape_line = 0
        self.has_toc = False
        self.text_width = oxml.text_width_twips(sect_pr)
        self.pic_id = 0
        self.bookmark_id = 0
        self.toc_headings: list[tuple[int, str]] = []
        self.heading_index = 0
        # per-paragraph state
        self.pending: str | None = None  # "paragraph" / "heading" / "cell"
        self.pending_hidden = False
        self.heading_level = 1
        self.current_p: etree._Element | None = None
        self.caption: str | None = None
        self.table: Table | None = None
        self.footnote_tokens: dict[int, list[Token]] = {}
        self._directive_stack: list[str] = []
        self.has_toc_pending = False
        self._ppr_cache: dict[tuple, etree._Element | None] = {}
        self._p_tpl: dict[int, etree._Element] = {}
        self._run_tpl: dict[tuple, etree._Element] = {}
        self.measure = measure_for(*body_font(template.styles_root))
        self.signature_block = False
        self._rpr_cache: dict[tuple, etree._Element | None] = {}
        self._resolve_styles()

    # -- style ids, resolved once --------------------------------------------------------
    def _resolve_styles(self) -> None:
        sid = self.t.style_id
        self.s_first = sid("First Paragraph")
        self.s_body = sid("Body Text")
        self.s_compact = sid("Compact")
        self.s_quote = sid("Block Text")
        self.s_code = sid("Source Code")
        self.s_figure = sid("Captioned Figure")
        self.s_caption = sid("Image Caption")
        self.s_footnote = sid("Footnote Text")
        self.s_toc_heading = sid("TOC Heading")
        self.s_toc = [sid(f"TOC {n}") for n in (1, 2, 3)]
        self.s_headings = [sid(f"Heading {n}") for n in range(1, 7)]
        char = self.t.exact_style_id
        self.c_code = char("Verbatim Char", "character")
        self.c_link = char("Hyperlink", "character")
        self.c_fnref = char("Footnote Reference", "character")
        self.class_styles = self.t.character_style_by_class()
        self.header_color, _, self.header_shd = self.t.header_row_format()
        self._tc_tpl = {False: oxml.el("tc", None, oxml.el("tcPr")), True: oxml.el("tc")}
        header_tcpr = sub(self._tc_tpl[True], "tcPr")
        if self.header_shd is not None:
            header_tcpr.append(self.header_shd.__copy__())
        elif not self.t.exact_style_id("Table", "table"):
            sub(header_tcpr, "shd", {"val": "clear", "color": "auto", "fill": "D9E2F3"})

    def _ppr(
        self,
        style: str | None,
        num: tuple[int, int] | None = None,
        indent: int | None = None,
        jc: str | None = None,
        space_before: int | None = None,
    ) -> etree._Element | None:
        """Shared pPr template for a (style, numbering, indent, alignment, spacing) combination."""
        key = (style, num, indent, jc, space_before)
        try:
            return self._ppr_cache[key]
        except KeyError:
            pass
        ppr = etree.Element(W_PPR)
        if style:
            _SUBE(ppr, W_PSTYLE).set(W_VAL, style)
        if num:
            numpr = sub(ppr, "numPr")
            sub(numpr, "ilvl", {"val": str(num[1])})
            sub(numpr, "numId", {"val": str(num[0])})
        if space_before is not None:
            sub(ppr, "spacing", {"before": str(space_before)})
        if indent is not None:
            sub(ppr, "ind", {"left": str(indent)})
        if jc:
            sub(ppr, "jc", {"val": jc})
        result = ppr if len(ppr) else None
        self._ppr_cache[key] = result
        return result

    def _rpr(self, key: tuple) -> etree._Element | None:
        try:
            return self._rpr_cache[key]
        except KeyError:
            style, bold, italic, strike, color = key
            rpr = oxml.run_props(style, bold=bold, italic=italic, strike=strike, color=color)
            self._rpr_cache[key] = rpr
            return rpr

    def _p(self, ppr: etree._Element | None) -> etree._Element:
        """A new paragraph from a per-pPr template (one deep copy instead of several calls)."""
        tpl = self._p_tpl.get(id(ppr))
        if tpl is None:
            tpl = etree.Element(W_P)
            if ppr is not None:
                tpl.append(ppr.__copy__())
            self._p_tpl[id(ppr)] = tpl
        return tpl.__copy__()

    def _new_p(self, ppr: etree._Element | None) -> etree._Element:
        p = self._p(ppr)
        self._append_block(p)
        return p

    def _append_block(self, element: etree._Element) -> None:
        """Append to the body list or to the footnote being rendered."""
        self.container.append(element)

    # -- entry point ---------------------------------------------------------------------
    def render(self, tokens: list[Token]) -> RenderResult:
        problem = footnote_problem(tokens)  # before a note is placed: the same check as validate
        if problem:
            line, message, hint = problem
            raise MarkdownError(message, line, hint)
        tokens = self._split_footnotes(tokens)
        self._scan_headings(tokens)
        self._render_blocks(tokens)
        if self.landscape:
            raise MarkdownError(
                "'::: landscape' is never closed", self.landscape_line, "add a line ':::'"
            )
        self._render_footnotes()
        final = self.sect_pr
        # A landscape block at the very end: make the last section landscape instead of
        # leaving an empty portrait page behind.
        if self.body:
            last = self.body[-1]
            ppr = last.find(W_PPR) if last.tag == W_P else None
            inner = ppr.find(w("sectPr")) if ppr is not None else None
            if inner is not None and len(last) == 1 and len(ppr) == 1:
                self.body.pop()
                final = inner
        return RenderResult(
            body=self.body,
            final_sect_pr=final,
            relationships=self.relationships,
            media=self.media,
            footnotes=self.footnotes,
            nums=self.nums,
            has_toc=self.has_toc,
            image_extensions=self.image_extensions,
        )


    def _scan_headings(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            if token.type == "container_directive_open" and token.info.split()[:1] == ["toc"]:
                self.has_toc_pending = True
            if token.type == "heading_open" and int(token.tag[1]) <= 3:
                self.toc_headings.append((int(token.tag[1]), plain_text(tokens[index + 1])))

    def _render_blocks(self, tokens: list[Token]) -> None:
        rules = BLOCK_RULES
        for token in tokens:
            rule = rules.get(token.type)
            if rule is None:
                raise unsupported("Markdown construct", token.type, line_of(token))
            rule(self, token)

    # -- paragraphs and headings ---------------------------------------------------------
    def paragraph_open(self, token: Token) -> None:
        self.pending = "cell" if self.table and self.table.cell is not None else "paragraph"
        self.pending_hidden = token.hidden

    def paragraph_close(self, token: Token) -> None:
        if self.caption is not None:
            p = self._new_p(self._ppr(self.s_caption))
            oxml.text_run(p, self.caption, None)
            self.caption = None
        self.pending = "cell" if self.table and self.table.cell is not None else None
        self.current_p = None

    def heading_open(self, token: Token) -> None:
        self.pending = "heading"
        self.after_block = False
        self.heading_level = int(token.tag[1])

    def heading_close(self, token: Token) -> None:
        self.pending = None
        self.after_heading = True

    def _paragraph_style(self, children: list[Token]) -> etree._Element | None:
        if self.in_footnote:
            return self._ppr(self.s_footnote)
        if self.lists:
            ctx = self.lists[-1]
            style = self.s_compact if self.pending_hidden else self.s_body
            if self.style_stack:
                style = self.style_stack[-1]
            if ctx.item_first:
                ctx.item_first = False
                return self._ppr(style, (ctx.num_id, ctx.level))
            return self._ppr(style, indent=list_indent(ctx.level)[0])
        if self.style_stack:
            return self._ppr(self.style_stack[-1])
        if self.quote_depth:
            return self._ppr(self.s_quote)
        if lone_image(children):
            return self._ppr(self.s_figure, jc="center")
        style = self.s_first if self.after_heading else self.s_body
        self.after_heading = False
        if self.after_block:
            self.after_block = False
            return self._ppr(style, space_before=SPACE_AFTER_BLOCK)
        return self._ppr(style)

    def inline(self, token: Token) -> None:
        kind = self.pending
        children = token.children or []
        if kind == "heading":
            p = self._new_p(self._ppr(self.s_headings[self.heading_level - 1]))
            if self.has_toc_pending and self.heading_level <= 3:
                self.heading_index += 1
                self.bookmark_id += 1
                name = f"_Toc{self.heading_index:08d}"
                sub(p, "bookmarkStart", {"id": str(self.bookmark_id), "name": name})
                self.render_inline(p, children, line_of(token))
                sub(p, "bookmarkEnd", {"id": str(self.bookmark_id)})
                return
            self.render_inline(p, children, line_of(token))
            return
        if kind == "cell":
            table = self.table
            p = self._p(self._ppr(self.s_compact, jc=table.align))
            table.cell.append(p)
            self._measure_cell(self.typeset(plain_text(token)))
            self.render_inline(p, children, line_of(token), force_bold=table.in_header)
            return
        if kind == "paragraph":
            ppr = self._paragraph_style(children)
            p = self._new_p(ppr)
            if self.footnote_ref_pending:
                self.footnote_ref_pending = False
                run = _SUBE(p, W_R)
                rpr = oxml.run_props(self.c_fnref, superscript=True)
                if rpr is not None:
                    run.append(rpr)
                sub(run, "footnoteRef")
                oxml.text_run(p, " ", None)
            self.current_p = p
            self.render_inline(p, children, line_of(token))
            # A lone picture is a captioned figure, unless a `::: style` places it (a logo).
            figure = lone_image(children) and not self.lists and not self.style_stack
            if ppr is not None and self.s_figure and figure:
                alt = plain_text_children(children[image_index(children)].children or [])
                if alt and not self.in_footnote and not self.quote_depth:
                    self.caption = alt
            return
        raise MarkdownError("inline content outside a block", line_of(token))

    # -- inline rendering ------------------------------------------------------------------


    # -- lists ---------------------------------------------------------------------------
    def _list_open(self, token: Token, ordered: bool) -> None:
        level = min(len(self.lists), MAX_LEVEL)
        start = int(token.attrs.get("start", 1)) if ordered else 1
        num_id = self.next_num
        self.next_num += 1
        abstract = self.t.ordered_abstract if ordered else self.t.bullet_abstract
        self.nums.append((num_id, abstract, level, start))
        self.lists.append(_List(num_id, level))

    def bullet_list_open(self, token: Token) -> None:
        self._list_open(token, False)

    def ordered_list_open(self, token: Token) -> None:
        self._list_open(token, True)

    def list_close(self, token: Token) -> None:
        self.lists.pop()
        if not self.lists:
            self.after_heading = False
            self.after_block = True

    def list_item_open(self, token: Token) -> None:
        self.lists[-1].item_first = True

    def list_item_close(self, token: Token) -> None:
        ctx = self.lists[-1]
        if ctx.item_first:  # empty item: still show its number
            ctx.item_first = False
            self._new_p(self._ppr(self.s_compact, (ctx.num_id, ctx.level)))

    # -- other blocks --------------------------------------------------------------------
    def blockquote_open(self, token: Token) -> None:
        self.quote_depth += 1

    def blockquote_close(self, token: Token) -> None:
        self.quote_depth -= 1

    def code(self, token: Token) -> None:
        indent = list_indent(self.lists[-1].level)[0] if self.lists else None
        p = self._new_p(self._ppr(self.s_code, indent=indent))
        rpr = self._rpr((self.c_code, False, False, False, None))
        lines = token.content.rstrip("\n").replace("\t", "    ").split("\n")
        run = _SUBE(p, W_R)
        if rpr is not None:
            run.append(rpr.__copy__())
        for index, text in enumerate(lines):
            if index:
                _SUBE(run, oxml.W_BR)
            if text:
                t = _SUBE(run, W_T)
                t.text = text
                t.set(XML_SPACE, "preserve")
        self.after_heading = False

    def hr(self, token: Token) -> None:
        self._append_block(oxml.bottom_border_paragraph())

    def ignore(self, token: Token) -> None:
        """Structural tokens whose meaning is carried by their partners."""

    # -- directives (container plugin) ---------------------------------------------------


BLOCK_RULES: dict[str, Callable[[Renderer, Token], None]] = {
    "paragraph_open": Renderer.paragraph_open,
    "paragraph_close": Renderer.paragraph_close,
    "heading_open": Renderer.heading_open,
    "heading_close": Renderer.heading_close,
    "inline": Renderer.inline,
    "bullet_list_open": Renderer.bullet_list_open,
    "bullet_list_close": Renderer.list_close,
    "ordered_list_open": Renderer.ordered_list_open,
    "ordered_list_close": Renderer.list_close,
    "list_item_open": Renderer.list_item_open,
    "list_item_close": Renderer.list_item_close,
    "blockquote_open": Renderer.blockquote_open,
    "blockquote_close": Renderer.blockquote_close,
    "code_block": Renderer.code,
    "fence": Renderer.code,
    "hr": Renderer.hr,
    "table_open": Renderer.table_open,
    "table_close": Renderer.table_close,
    "thead_open": Renderer.thead_open,
    "thead_close": Renderer.thead_close,
    "tbody_open": Renderer.ignore,
    "tbody_close": Renderer.ignore,
    "tr_open": Renderer.tr_open,
    "tr_close": Renderer.tr_close,
    "th_open": Renderer.cell_open,
    "th_close": Renderer.cell_close,
    "td_open": Renderer.cell_open,
    "td_close": Renderer.cell_close,
    "footnote_anchor": Renderer.ignore,
    "container_directive_open": Renderer.directive_open,
    "container_directive_close": Renderer.directive_close,
}

__all__ = [  # and, for the source rules and older imports, names of the rule modules
    "DIRECTIVES",
    "MAX_PICTURE_BYTES",
    "MarkdownError",
    "RenderResult",
    "Renderer",
    "RidAllocator",
    "check_link",
    "column_widths",
    "keep_spaces",
    "picture_header",
    "requested_width",
]
