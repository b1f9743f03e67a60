"""Property: an edit made anywhere inside any value the handbook prints maps back to that value.

Hypothesis picks a value of the example as the rendered handbook prints it, a
range inside it and new text; the change is placed at the value's key path, and
`apply` writes it there: the value reads back as the printed text with the edit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from example_project import EXAMPLE
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from generator.delivery.build import Builder
from generator.delivery.planning import named_job
from generator.delivery.review.applying import apply
from generator.delivery.review.as_sent import AsSent, Rendering, Since
from generator.delivery.review.mapping import Mapper
from generator.delivery.review.returned import Change, Returned, read_returned
from generator.delivery.review.sources import SourceIndex, Span
from generator.documents.templating import one_line
from generator.source.project import load_assignment, load_firm

_SPACES = str.maketrans("\u00a0\u202f\u2007", "   ")


class Example:
    """The example's handbook rendered once, its source map, and each plain value it prints."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "assignments" / EXAMPLE.name
        shutil.copytree(EXAMPLE, self.folder)
        builder = Builder(load_firm(root), root=root)
        job = named_job(load_assignment(self.folder), "handbook")
        self.blocks = read_returned(builder.docx(job)).blocks
        self.index = SourceIndex(self.folder, job.assignment.language)
        self.sent = AsSent(Rendering(job, self.blocks, ""), self.index, "",
                           Since(self.index, self.index))
        self.texts = {p: p.read_bytes() for p in self.folder.iterdir() if p.is_file()}
        self.values: list[tuple[int, Span]] = []
        for n, block in enumerate(self.blocks):
            for span in self.index.spans(block.text):
                (candidate, *others) = span.candidates
                if others or candidate.unit.computed or candidate.unit.style == "markdown":
                    continue
                value = candidate.unit.value[candidate.vstart:candidate.vend]
                if one_line(value).translate(_SPACES) == candidate.printed:
                    self.values.append((n, span))

    def restore(self) -> None:
        for path, data in self.texts.items():
            path.write_bytes(data)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    return Example(tmp_path_factory.mktemp("property"))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_edit_inside_a_value_maps_back_to_it(example: Example, data: st.DataObject) -> None:
    assert len(example.values) > 40  # the handbook prints many plain values
    block, span = data.draw(st.sampled_from(example.values))
    printed = span.candidates[0].printed
    start = data.draw(st.integers(0, len(printed)))
    end = data.draw(st.integers(start, len(printed)))
    after = data.draw(st.text(st.sampled_from("abcdeéxyz KLM"), min_size=0, max_size=6))
    assume(after != printed[start:end])
    text = example.blocks[block].text
    change = Change("replacement", "Client", "2027-03-01T09:00:00Z", block, span.start + start,
                    span.start + end, text[span.start + start:span.start + end], after)
    returned = Returned({}, example.blocks, [change], [])
    (item,) = Mapper(returned, example.sent).items()
    unit = span.candidates[0].unit
    assert item.target is not None, item.reason
    assert item.target.candidate.unit == unit
    assert item.sources[0].endswith(f" {unit.key}")
    try:
        apply([item], example.index, example.folder)
        event(item.status if item.status == "applied" else item.reason[:40])
        if item.status == "applied":
            edited = SourceIndex(example.folder, "nl")
            value = next(c for c in edited.candidates if c.unit.key == unit.key).unit.value
            expected = printed[:start] + after + printed[end:]
            assert one_line(value).translate(_SPACES) == one_line(expected)
        else:  # only what YAML cannot hold as typed in that style, or the rules refuse
            assert "read back" in item.reason or "validate" in item.reason, item.reason
    finally:
        example.restore()
