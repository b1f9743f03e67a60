"""The `analysis.reviews` entry an applied review of the action plan adds to assignment.yaml.

The format records the action plan's discussion with the client before acceptance
(`analysis.reviews[]`: date, with whom, outcome); that is exactly what applying a
returned action plan is. The entry is written as new lines after the last one
(or as a new `reviews:` key closing `analysis`), never by re-dumping the file, so
every other byte stays. The outcome lists the applied changes as `“old” → “new”`,
which reads the same in any language the document is in.
"""

from __future__ import annotations

import datetime
import json

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.delivery.review.mapping import Item
from generator.source.reading import SAFE_LOADER

MAX_LISTED = 5


def review_entry(text: str, day: datetime.date, people: dict[str, str], applied: list[Item]
                 ) -> str | None:
    """`text` with one more review; None when `analysis.reviews` has no place to take it.

    `people` maps a name as clients sign (`Greet De Wit`) to its person id.
    """
    analysis = _value(yaml.compose(text, Loader=SAFE_LOADER), "analysis")
    if not isinstance(analysis, MappingNode) or not analysis.value or not applied:
        return None
    reviews = _value(analysis, "reviews")
    head = ""
    if isinstance(reviews, SequenceNode) and reviews.value and not reviews.flow_style:
        last = reviews.value[-1]
        line_start = text.rfind("\n", 0, last.start_mark.index) + 1
        dash = text.index("-", line_start) - line_start
        end = _line_end(text, _last_end(last))
    elif reviews is None:
        key_column = analysis.value[0][0].start_mark.column
        head = " " * key_column + "reviews:\n"
        dash = key_column + 2
        end = _line_end(text, _last_end(analysis))
    else:
        return None
    ids = sorted({people[i.author] for i in applied if i.author in people})
    listed = "; ".join(f"“{i.before}” → “{i.after}”" for i in applied[:MAX_LISTED])
    if len(applied) > MAX_LISTED:
        listed += f"; +{len(applied) - MAX_LISTED}"
    pad = " " * (dash + 2)
    entry = (f"{' ' * dash}- date: {day.isoformat()}\n"
             + (f"{pad}with: [{', '.join(ids)}]\n" if ids else "")
             + f"{pad}outcome: {json.dumps(listed, ensure_ascii=False)}\n")
    before = text[:end] if text[:end].endswith("\n") else text[:end] + "\n"
    return before + head + entry + text[end:]


def _value(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


def _last_end(node: Node) -> int:
    """Where the last value inside `node` ends (a mapping's own end mark may lie lines on)."""
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1
