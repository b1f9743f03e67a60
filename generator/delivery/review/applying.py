"""`--apply`: each change that lies inside one source value, written into that value in place.

A YAML scalar is edited at its exact span in the file, so its comments, its
quoting style, the key order and every other byte stay as they were; an include
is edited at its lines. Every file is read back before anything is written: the
edited YAML must give the expected new value at the edited keys and the same
value everywhere else, and the whole assignment must still load and pass its
rules (checked on a copy). Nothing is written otherwise; files are replaced
atomically.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.delivery.review.mapping import Item, raw_offset
from generator.delivery.review.sources import (
    SPACES,
    SourceIndex,
    Unit,
    item_name,
    key_path,
    offset_in,
)
from generator.documents.templating import one_line
from generator.errors import GeneratorError, SourceError
from generator.source.project import ASSIGNMENT_FILE, Project, load_assignment, load_firm
from generator.source.reading import SAFE_LOADER
from generator.writer.package import write_atomic


@dataclass(frozen=True)
class _Edit:
    """The file's text `start:end` becomes `text`; the value's `vstart:vend` becomes `after`."""

    start: int
    end: int
    text: str
    item: Item
    unit: Unit
    vstart: int
    vend: int
    after: str


def apply(items: list[Item], index: SourceIndex, folder: Path,
          entry: Callable[[str, list[Item]], str | None] | None = None) -> tuple[list[Path], bool]:
    """Write every applicable item; the files changed, and whether `entry` added its lines.

    Items not applied say why. `entry` may extend assignment.yaml once the edits are in
    (the review's `analysis.reviews` entry); it is kept only when the sources validate.
    """
    edits: dict[Path, list[_Edit]] = defaultdict(list)
    for item in items:
        if item.target is None or item.reason:
            continue
        try:
            file, edit = _edit(item, index)
        except _NotApplied as exc:
            item.reason = str(exc)
            continue
        edits[file].append(edit)
    texts = {file: _checked(file, index, _without_overlaps(planned))
             for file, planned in edits.items()}
    texts = {f: t for f, t in texts.items() if t is not None}
    if not texts:
        return [], False
    done = [e for planned in edits.values() for e in planned if not e.item.reason]
    problem = _validates(folder, texts)
    if problem:
        for edit in done:
            edit.item.reason = f"the sources would not validate afterwards: {problem}"
        return [], False
    yaml_file = folder / ASSIGNMENT_FILE
    extended = entry(texts.get(yaml_file, index.texts[yaml_file]), [e.item for e in done]
                     ) if entry else None
    added = extended is not None and not _validates(folder, {**texts, yaml_file: extended})
    if added:
        texts[yaml_file] = extended
    for file, text in texts.items():
        write_atomic(file, text.encode("utf-8"))
    for edit in done:
        edit.item.status = "applied"
    return sorted(texts), added


class _NotApplied(Exception):
    pass


def _edit(item: Item, index: SourceIndex) -> tuple[Path, _Edit]:
    target = item.target
    assert target is not None
    candidate, unit = target.candidate, target.candidate.unit
    text = index.texts[unit.file]
    value_slice = unit.value[candidate.vstart:candidate.vend]
    va = candidate.vstart + offset_in(candidate.printed, value_slice, target.start)
    vb = va if target.end == target.start else candidate.vstart + offset_in(
        candidate.printed, value_slice, target.end, end=True)
    if _flat(unit.value[va:vb]) != _flat(target.before):
        raise _NotApplied("the source there reads otherwise (formatting or a later edit): "
                          "change it by hand")
    ra = raw_offset(unit, text, va)
    rb = ra if vb == va else raw_offset(unit, text, vb, end=True)
    raw = text[unit.start:unit.end]
    if raw[ra:rb] != unit.value[va:vb]:
        raise _NotApplied("the value is written across lines or with escapes there: "
                          "change it by hand")
    return unit.file, _Edit(unit.start + ra, unit.start + rb, _quoted(target.after, unit), item,
                            unit, va, vb, target.after.replace("\n", " "))


def _quoted(text: str, unit: Unit) -> str:
    """New text as the value's own style writes it."""
    text = text.replace("\n", " ")
    if unit.style == "'":
        return text.replace("'", "''")
    if unit.style == '"':
        return text.replace("\\", "\\\\").replace('"', '\\"')
    return text


def _flat(text: str) -> str:
    return one_line(text).translate(SPACES)


def _without_overlaps(edits: list[_Edit]) -> list[_Edit]:
    kept: list[_Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if kept and edit.start < kept[-1].end:
            edit.item.reason = "overlaps another change of the same value: change it by hand"
            continue
        kept.append(edit)
    return kept


def _checked(file: Path, index: SourceIndex, edits: list[_Edit]) -> str | None:
    """The file with its edits, each edit kept only when the file reads back as intended."""
    good: list[_Edit] = []
    for edit in edits:
        if _reads_back(file, index, [edit]):
            good.append(edit)
        else:
            edit.item.reason = ("the value would not read back as typed in this YAML style "
                                "(quotes, `: ` or ` #`): change it by hand")
    if not good or not _reads_back(file, index, good):
        for edit in good:
            edit.item.reason = edit.item.reason or "the file would not read back: change it by hand"
        return None
    return _edited(index.texts[file], good)


def _edited(text: str, edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: -e.start):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def _reads_back(file: Path, index: SourceIndex, edits: list[_Edit]) -> bool:
    """The edited YAML holds the new value at each edited key and the same everywhere else."""
    if file.suffix not in (".yaml", ".yml"):
        return True
    try:
        old, new = _scalars(index.texts[file]), _scalars(_edited(index.texts[file], edits))
    except yaml.YAMLError:
        return False
    expected = dict(old)
    for unit in {e.unit for e in edits}:
        value = unit.value
        for edit in sorted((e for e in edits if e.unit == unit), key=lambda e: -e.vstart):
            value = value[:edit.vstart] + edit.after + value[edit.vend:]
        expected[unit.key] = f"tag:yaml.org,2002:str:{value}"
    return new == expected


def _scalars(text: str) -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(node: Node | None, key: tuple[str, ...]) -> None:
        if isinstance(node, MappingNode):
            for k, v in node.value:
                walk(v, (*key, str(k.value)))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*key, item_name(item, i)))
        elif isinstance(node, ScalarNode):
            found[key_path(key)] = f"{node.tag}:{node.value}"

    walk(yaml.compose(text, Loader=SAFE_LOADER), ())
    return found


def _validates(folder: Path, texts: dict[Path, str]) -> str:
    """Empty when the assignment, edited, still loads and passes its rules; else the problem."""
    with tempfile.TemporaryDirectory(prefix="interim-review-") as temp:
        copy = Path(temp) / folder.name
        shutil.copytree(folder, copy, symlinks=True)
        for file, text in texts.items():
            (copy / file.relative_to(folder)).write_text(text, encoding="utf-8")
        try:  # the copy lies outside the repository: the firm offering it is handed in
            load_assignment(copy, firm=load_firm(Project.holding(folder).root,
                                                 warn=lambda _: None))
        except SourceError as exc:
            return str(exc).splitlines()[0].replace(str(copy), str(folder))
        except GeneratorError as exc:
            return str(exc)
    return ""
