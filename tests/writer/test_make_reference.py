"""Our built-in brand template is what `generator.writer.make_reference` writes: the file in
the repository and the code that describes its styles never drift apart."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from generator.writer.brand import BUILTIN_REFERENCE
from generator.writer.make_reference import build
from generator.writer.reference_styles import STATUS_COLOURS


def test_the_builtin_reference_is_what_make_reference_writes() -> None:
    assert build() == BUILTIN_REFERENCE.read_bytes(), \
        "run `python -m generator.writer.make_reference` and commit templates/reference.docx"


def test_the_reference_carries_the_styles_the_documents_use() -> None:
    styles = {s.name for s in Document(io.BytesIO(build())).styles}
    assert {"Title", "Heading 1", "Body Text", "Table", "toc 1", "Header", "Footer"} <= styles
    assert {name for name, _, _ in STATUS_COLOURS} <= styles
    with zipfile.ZipFile(io.BytesIO(build())) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
