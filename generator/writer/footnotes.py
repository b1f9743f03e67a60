"""Footnotes: markdown-it puts their bodies at the end of the stream; Word wants each
body in footnotes.xml and a reference where it is cited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree
from markdown_it.token import Token

from generator.writer import oxml
from generator.writer.oxml import W_R, sub, w

if TYPE_CHECKING:
    from generator.writer.inline import _Inline
    from generator.writer.render import Renderer

_SUBE = etree.SubElement


class FootnoteRules:
    """The renderer's rules for footnotes (a mixin of `Renderer`)."""

    def _split_footnotes(self: Renderer, tokens: list[Token]) -> list[Token]:
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

    def i_footnote_ref(self: Renderer, state: _Inline, token: Token) -> None:
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

    def i_footnote_anchor(self: Renderer, state: _Inline, token: Token) -> None:
        """The back-reference arrow of HTML output; Word shows the note number itself."""

    def _render_footnotes(self: Renderer) -> None:
        self.in_footnote = True
        for note in self.footnotes:
            src = int(note.attrib.pop("_src"))
            self.container = note
            self.footnote_ref_pending = True
            self._render_blocks(self.footnote_tokens.get(src, []))
            if len(note) == 0:
                self._new_p(self._ppr(self.s_footnote))
        self.container = self.body
