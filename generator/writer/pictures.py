"""Pictures: read from memory or the document folder only, sized from their header.

A picture's size comes from its pixels and resolution, or `{width=...}`; it never
exceeds the text width (in a table cell, the `Table` caps it to its column).
"""

from __future__ import annotations

import hashlib
import urllib.parse
from typing import TYPE_CHECKING

from lxml import etree
from markdown_it.token import Token

from generator.source.dialect import (
    EMU_PER_INCH,
    MAX_PICTURE_BYTES,
    is_url,
    picture_header,
    requested_width,
)
from generator.source.files import FileRefused, read_inside
from generator.writer import oxml
from generator.writer.oxml import W_R
from generator.writer.package import Relationship
from generator.writer.tokens import MarkdownError, plain_text_children

if TYPE_CHECKING:
    from generator.writer.inline import _Inline
    from generator.writer.render import Renderer

_SUBE = etree.SubElement


class PictureRules:
    """The renderer's rule for picture tokens (a mixin of `Renderer`)."""

    def i_image(self: Renderer, state: _Inline, token: Token) -> None:
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

    def _image_blob(self: Renderer, src: str, line: int) -> bytes:
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
