"""The renderer: markdown-it tokens -> WordprocessingML elements.

Like markdown-it-py's own renderers, there is ONE table per token level mapping the token
type to a small rule method (``BLOCK_RULES``, ``INLINE_RULES``). A token type without a
rule is an error, never silently dropped. Elements are built with lxml directly from
pre-built property templates (style ids resolved once) because that is what makes a
50k-word document convert faster than pandoc.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from markdown_it.token import Token

from generator.dialect import (
    DIRECTIVE_NAMES,
    LINK_HINT,
    footnote_problem,
    is_url,
    refused_scheme,
)
from generator.errors import GeneratorError
from generator.sources import FileRefused, read_inside
from generator.writer import oxml
from generator.writer.measure import body_font, measure_for
from generator.writer.oxml import W_P, W_PPR, W_PSTYLE, W_R, W_T, W_VAL, XML_SPACE, sub, w
from generator.writer.package import RidAllocator
from generator.writer.table import SPACE_AFTER_BLOCK, Table, TableRules, column_widths
from generator.writer.template import MAX_LEVEL, Template, list_indent


class MarkdownError(GeneratorError):
    """A Markdown construct the engine refuses; names the line, the construct and the fix."""

    def __init__(self, message: str, line: int = 0, hint: str = ""):
        self.line = line
        self.message = message
        self.hint = hint
        text = f"line {line}: {message}" if line else message
        if hint:
            text += f" ({hint})"
        super().__init__(text)


def unsupported(what: str, token_type: str, line: int) -> MarkdownError:
    """A token type no rule handles: said, never silently dropped."""
    return MarkdownError(f"unsupported {what} '{token_type}'", line,
                         "remove it or rewrite it with the constructs listed in docs/markdown.md")


IMAGE_TYPES = {"PNG": "png", "JPEG": "jpeg", "GIF": "gif"}
"""Picture formats Word and LibreOffice both show, by Pillow's name, with their extension."""
EMU_PER_INCH = 914400
MAX_PICTURE_BYTES = 20 * 1024 * 1024
"""A picture larger than this is no photo for a report: refused before it is read whole."""
_SUBE = etree.SubElement


def picture_header(blob: bytes, src: str, line: int) -> tuple[str, int, int, float, float]:
    """Extension, pixel size and resolution of a picture, read from its header only."""
    import io

    from PIL import Image, UnidentifiedImageError  # lazy: only documents with pictures

    try:
        with Image.open(io.BytesIO(blob), formats=list(IMAGE_TYPES)) as image:
            dpi = image.info.get("dpi") or (72, 72)
            kind, (width, height) = image.format or "", image.size
            image.verify()  # a PNG's chunk checksums: Word shows a broken one as a red cross
    except UnidentifiedImageError:
        raise MarkdownError(f"image '{src}' is not a PNG, JPEG or GIF picture", line,
                            "convert it to PNG") from None
    except Exception as exc:  # any decoder error of a corrupt picture
        raise MarkdownError(f"image '{src}' cannot be read ({type(exc).__name__})", line,
                            "save it again as PNG") from None
    dpi_x, dpi_y = (float(round(d)) if d and d >= 1 else 72.0 for d in dpi)  # as Word rounds
    return IMAGE_TYPES[kind], width, height, dpi_x, dpi_y


@dataclass
class Relationship:
    rid: str
    rtype: str
    target: str
    external: bool


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


_PLAIN_KEY: tuple = (None, False, False, False, None)
"""The formatting key (`Renderer._key`) of text with no emphasis, style or colour."""


class Renderer(TableRules):
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
    ):
        self.t = template
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

    def _split_footnotes(self, tokens: list[Token]) -> list[Token]:
        """Footnote bodies come at the END of the stream: collect them, cut them off."""
        for index, token in enumerate(tokens):
            if token.type == "footnote_block_open":
                current: list[Token] | None = None
                for tok in tokens[index + 1 :]:
                    if tok.type == "footnote_open":
                        current = self.footnote_tokens.setdefault(tok.meta["id"], [])
                    elif tok.type == "footnote_close":
                        current = None
                    elif current is not None:
                        current.append(tok)
                return tokens[:index]
        return tokens

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
                raise unsupported("Markdown construct", token.type, _line(token))
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
        if _lone_image(children):
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
                self.render_inline(p, children, _line(token))
                sub(p, "bookmarkEnd", {"id": str(self.bookmark_id)})
                return
            self.render_inline(p, children, _line(token))
            return
        if kind == "cell":
            table = self.table
            p = self._p(self._ppr(self.s_compact, jc=table.align))
            table.cell.append(p)
            self._measure_cell(keep_spaces(plain_text(token)))
            self.render_inline(p, children, _line(token), force_bold=table.in_header)
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
            self.render_inline(p, children, _line(token))
            # A lone picture is a captioned figure, unless a `::: style` places it (a logo).
            figure = _lone_image(children) and not self.lists and not self.style_stack
            if ppr is not None and self.s_figure and figure:
                alt = plain_text_children(children[_image_index(children)].children or [])
                if alt and not self.in_footnote and not self.quote_depth:
                    self.caption = alt
            return
        raise MarkdownError("inline content outside a block", _line(token))

    # -- inline rendering ------------------------------------------------------------------
    def render_inline(
        self, parent: etree._Element, children: list[Token], line: int, force_bold: bool = False
    ) -> None:
        if len(children) == 1 and not force_bold and children[0].type == "text":
            # Most paragraphs and cells are plain text: one run, no formatting state.
            text = keep_spaces(children[0].content, dates=self.table is None)
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

    def _key(self, state: _Inline) -> tuple:
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

    def _flush(self, state: _Inline) -> None:
        if state.buf:
            text = "".join(state.buf)
            state.buf.clear()
            self._append_run(state.parent, state.buf_key, text)

    def _append_run(self, parent: etree._Element, key: tuple | None, text: str) -> None:
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
        t = run[-1]
        t.text = text
        if text[0] == " " or text[-1] == " ":
            t.set(XML_SPACE, "preserve")

    def _text(self, state: _Inline, text: str) -> None:
        if not text:
            return
        key = self._key(state)
        if key != state.buf_key:
            if state.buf:
                self._flush(state)
            state.buf_key = key
        state.buf.append(text)

    def i_text(self, state: _Inline, token: Token) -> None:
        self._text(state, keep_spaces(token.content, dates=self.table is None))

    def i_softbreak(self, state: _Inline, token: Token) -> None:
        self._text(state, " ")
        state.line += 1

    def i_hardbreak(self, state: _Inline, token: Token) -> None:
        self._flush(state)
        run = _SUBE(state.parent, W_R)
        rpr = self._rpr(self._key(state))
        if rpr is not None:
            run.append(rpr.__copy__())
        _SUBE(run, oxml.W_BR)
        state.line += 1

    def i_code_inline(self, state: _Inline, token: Token) -> None:
        state.char_styles.append(self.c_code)
        self._text(state, token.content)
        state.char_styles.pop()

    def i_strong_open(self, state: _Inline, token: Token) -> None:
        state.bold += 1

    def i_strong_close(self, state: _Inline, token: Token) -> None:
        state.bold -= 1

    def i_em_open(self, state: _Inline, token: Token) -> None:
        state.italic += 1

    def i_em_close(self, state: _Inline, token: Token) -> None:
        state.italic -= 1

    def i_s_open(self, state: _Inline, token: Token) -> None:
        state.strike += 1

    def i_s_close(self, state: _Inline, token: Token) -> None:
        state.strike -= 1

    def i_span_open(self, state: _Inline, token: Token) -> None:
        classes = str(token.attrs.get("class", "")).split()
        style = next((self.class_styles[c] for c in classes if c in self.class_styles), None)
        state.char_styles.append(style)

    def i_span_close(self, state: _Inline, token: Token) -> None:
        state.char_styles.pop()

    def i_link_open(self, state: _Inline, token: Token) -> None:
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

    def i_link_close(self, state: _Inline, token: Token) -> None:
        self._flush(state)
        state.parent = state.parents.pop()
        state.char_styles.pop()

    def i_image(self, state: _Inline, token: Token) -> None:
        self._flush(state)
        src = str(token.attrs.get("src", ""))
        alt = plain_text_children(token.children or [])
        blob = self._image_blob(src, state.line)
        ext, width, height, dpi_x, dpi_y = picture_header(blob, src, state.line)
        digest = hashlib.sha256(blob).hexdigest()
        rid = self._media_rids.get(digest)
        if rid is None:
            rid = self.rids()
            self._media_rids[digest] = rid
            name = f"media/image{len(self.media) + 1}.{ext}"
            self.media[f"word/{name}"] = blob
            self.image_extensions.add(ext)
            self.relationships.append(Relationship(rid, oxml.RT_IMAGE, name, False))
        cx = int(width * EMU_PER_INCH / dpi_x)
        cy = int(height * EMU_PER_INCH / dpi_y)
        max_cx = self.text_width * oxml.EMU_PER_TWIP
        wanted = token.attrs.get("width")
        if wanted is not None and cx > 0:
            width = requested_width(str(wanted), max_cx, state.line)
            cy = int(cy * width / cx)
            cx = width
        if cx > max_cx > 0:
            cy = int(cy * max_cx / cx)
            cx = max_cx
        self.pic_id += 1
        run = _SUBE(state.parent, W_R)
        drawing = oxml.inline_picture(rid, self.pic_id, f"image{self.pic_id}.{ext}", alt, cx, cy)
        run.append(drawing)
        if self.table is not None and self.table.cell is not None:
            self.table.place_picture(drawing)

    def _image_blob(self, src: str, line: int) -> bytes:
        """In-memory images first, then files strictly inside base_dir."""
        name = urllib.parse.unquote(src)
        for key in (src, name):
            if key in self.images:
                return self.images[key]
        if is_url(name):
            raise MarkdownError(
                f"image '{src}' is a URL; pictures are never downloaded",
                line,
                "save the picture next to the Markdown file and use a relative path",
            )
        try:
            return read_inside(self.base_dir, name, max_bytes=MAX_PICTURE_BYTES,
                               what="image", folder="the document folder")[1]
        except FileRefused as refused:
            message = {"outside": f"image '{src}' lies outside the document folder",
                       "missing": f"image '{src}' not found in the document folder"}
            raise MarkdownError(message.get(refused.kind, refused.message), line,
                                refused.hint) from None

    def i_footnote_ref(self, state: _Inline, token: Token) -> None:
        self._flush(state)
        fid = len(self.footnotes) + 1
        note = etree.Element(w("footnote"))
        note.set(w("id"), str(fid))
        note.set("_src", str(token.meta["id"]))
        self.footnotes.append(note)
        run = _SUBE(state.parent, W_R)
        rpr = oxml.run_props(self.c_fnref, superscript=True)
        if rpr is not None:
            run.append(rpr)
        sub(run, "footnoteReference", {"id": str(fid)})

    def i_footnote_anchor(self, state: _Inline, token: Token) -> None:
        """The back-reference arrow of HTML output; Word shows the note number itself."""

    def _render_footnotes(self) -> None:
        self.in_footnote = True
        for note in self.footnotes:
            src = int(note.attrib.pop("_src"))
            self.container = note
            self.footnote_ref_pending = True
            self._render_blocks(self.footnote_tokens.get(src, []))
            if len(note) == 0:
                self._new_p(self._ppr(self.s_footnote))
        self.container = self.body

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
    def directive_open(self, token: Token) -> None:
        info = token.info.strip()
        name, _, rest = info.partition(" ")
        rest = rest.strip()
        line = _line(token)
        handler = DIRECTIVES.get(name.lower())
        if handler is None:
            raise MarkdownError(
                f"unknown directive '::: {name}'",
                line,
                "use one of ::: " + ", ::: ".join(sorted(DIRECTIVES)),
            )
        token.meta["directive"] = name.lower()
        self._directive_stack.append(name.lower())
        handler[0](self, rest, line)

    def directive_close(self, token: Token) -> None:
        name = self._directive_stack.pop()
        DIRECTIVES[name][1](self, token)

    def d_pagebreak_open(self, rest: str, line: int) -> None:
        self._append_block(oxml.page_break_paragraph())

    def d_landscape_open(self, rest: str, line: int) -> None:
        if self.landscape:
            raise MarkdownError(
                "'::: landscape' inside another landscape block",
                line,
                "close the first block with ':::' before opening another",
            )
        if self.container is not self.body or self.lists or self.quote_depth:
            raise MarkdownError(
                "'::: landscape' must be at the top level of the document",
                line,
                "move it out of the list, quote or footnote",
            )
        self.landscape = True
        self.landscape_line = line
        if self.body:
            self._end_section(oxml.portrait_sectpr(self.sect_pr))
        self.text_width = oxml.text_width_twips(oxml.landscape_sectpr(self.sect_pr))

    def d_landscape_close(self, token: Token) -> None:
        self.landscape = False
        self._end_section(oxml.landscape_sectpr(self.sect_pr))
        self.text_width = oxml.text_width_twips(self.sect_pr)

    def _end_section(self, sect: etree._Element) -> None:
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

    def d_toc_open(self, rest: str, line: int) -> None:
        if self.container is not self.body or self.lists:
            raise MarkdownError("'::: toc' must be at the top level of the document", line)
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

    def d_signatures_open(self, rest: str, line: int) -> None:
        """A table to sign: kept on one page, with room to write and to sign."""
        self.signature_block = True

    def d_signatures_close(self, token: Token) -> None:
        self.signature_block = False

    def d_noop_close(self, token: Token) -> None:
        """Directives complete at their opening line."""

    def d_style_open(self, rest: str, line: int) -> None:
        if not rest:
            raise MarkdownError(
                "'::: style' needs a paragraph style name", line, "write e.g. '::: style Title'"
            )
        style = self.t.paragraph_style_for(rest)
        if style is None:
            raise MarkdownError(
                f"'::: style {rest}': the reference document has no paragraph style {rest!r}",
                line,
                "use a paragraph style defined in the reference document, e.g. Title",
            )
        self.style_stack.append(style)

    def d_style_close(self, token: Token) -> None:
        self.style_stack.pop()
        self.after_heading = True


DIRECTIVES: dict[str, tuple[Callable, Callable]] = {
    "pagebreak": (Renderer.d_pagebreak_open, Renderer.d_noop_close),
    "landscape": (Renderer.d_landscape_open, Renderer.d_landscape_close),
    "toc": (Renderer.d_toc_open, Renderer.d_noop_close),
    "style": (Renderer.d_style_open, Renderer.d_style_close),
    "signatures": (Renderer.d_signatures_open, Renderer.d_signatures_close),
}
assert set(DIRECTIVES) == DIRECTIVE_NAMES, "the dialect and the writer disagree on directives"

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

INLINE_RULES: dict[str, Callable[[Renderer, _Inline, Token], None]] = {
    "text": Renderer.i_text,
    "text_special": Renderer.i_text,
    "softbreak": Renderer.i_softbreak,
    "hardbreak": Renderer.i_hardbreak,
    "code_inline": Renderer.i_code_inline,
    "strong_open": Renderer.i_strong_open,
    "strong_close": Renderer.i_strong_close,
    "em_open": Renderer.i_em_open,
    "em_close": Renderer.i_em_close,
    "s_open": Renderer.i_s_open,
    "s_close": Renderer.i_s_close,
    "span_open": Renderer.i_span_open,
    "span_close": Renderer.i_span_close,
    "link_open": Renderer.i_link_open,
    "link_close": Renderer.i_link_close,
    "image": Renderer.i_image,
    "footnote_ref": Renderer.i_footnote_ref,
    "footnote_anchor": Renderer.i_footnote_anchor,
}


def check_link(href: str, line: int) -> None:
    """Refuse every link but http(s), mailto, tel and #anchors, loudly, at its line."""
    scheme = refused_scheme(href)
    if scheme:
        raise MarkdownError(f"link to '{href[:60]}' is not allowed (refused scheme: {scheme})",
                            line, LINK_HINT)


_WIDTH_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(cm|mm|in|%)\s*$")
_EMU_PER_UNIT = {"cm": 360000, "mm": 36000, "in": EMU_PER_INCH}


def requested_width(value: str, text_width: int, line: int) -> int:
    """`{width=5cm}` on a picture: cm, mm, in, or % of the text width, in EMU."""
    match = _WIDTH_RE.match(value)
    if not match:
        raise MarkdownError(f"picture width '{value}' is not understood", line,
                            "write it like {width=5cm}, {width=40mm}, {width=2in} or {width=50%}")
    number, unit = float(match.group(1)), match.group(2)
    if unit == "%":
        return int(text_width * number / 100)
    return int(number * _EMU_PER_UNIT[unit])




_NUMBER_BEFORE_UNIT = re.compile(
    r"(?<=\d) (?=(?:%|‰|€|\$|£|°C|x|h|u|uur|min|dagen|days|weken|weeks|maanden|months|"
    r"FTE|fte|km|kg|m²|m|cm|mm|k€|mln|mio|bn|jaar|years?)(?![\w]))"
)
_AFTER_SIGN = re.compile(r"(?<=[≤≥<>±~€$£]) (?=[\d€$£])")
_MONTH = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
          r"november|december|jan|feb|mrt|apr|jun|jul|aug|sept?|okt|nov|dec|"
          r"January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)")
_DAY_MONTH = re.compile(rf"(?<![\d.,])\b(\d{{1,2}}) ({_MONTH})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH}) (\d{{4}})\b")


def keep_spaces(text: str, *, dates: bool = False) -> str:
    """No-break spaces where a line break would split a quantity ("≤ 2 %", "€ 400",
    "12 FTE"): the same text to the eye, one unit to the line breaker. With `dates`, also
    a date typed in running text ("29 januari 2027"); not in a table cell, where a long
    unbreakable date would take a narrow column's room and break its words instead."""
    if " " not in text:
        return text
    if dates:
        text = _MONTH_YEAR.sub("\\1\u00a0\\2", _DAY_MONTH.sub("\\1\u00a0\\2", text))
    return _AFTER_SIGN.sub("\u00a0", _NUMBER_BEFORE_UNIT.sub("\u00a0", text))


def _line(token: Token) -> int:
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


def _image_index(children: list[Token]) -> int:
    for index, child in enumerate(children):
        if child.type == "image":
            return index
    return -1


def _lone_image(children: list[Token]) -> bool:
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


__all__ = [
    "MarkdownError",
    "RenderResult",
    "Renderer",
    "RidAllocator",
    "check_link",
    "column_widths",
]
