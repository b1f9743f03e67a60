"""Reading sources: YAML read safely into plain data that remembers where every value stood.

PyYAML's safe loader still loses positions and silently keeps the last of two
duplicate keys. We compose the node graph ourselves, build plain Python values
from it and keep a map from each value's path to its line and column, so every
later rule can point at the exact place. Includes (`{include: file.md}`) are
resolved here, and only inside the assignment folder.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Location, Report
from generator.source.files import MAX_FILE_BYTES, FileRefused, read_file, read_inside
from generator.source.safety import FORBIDDEN_CHARS
from generator.source.syntax import explain

Path_ = tuple[str | int, ...]
"""A value's place in the data: keys and list indexes from the root."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_INCLUDE_SUFFIXES = {".md", ".markdown", ".txt"}
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""LibYAML when PyYAML has it (ten times faster); both compose the same nodes and marks."""
MAX_DEPTH = 40
MAX_VALUES = 200_000


class _Reported:
    """The value of a place the reader has already reported (a tag, an include that failed):
    later stages take it as invalid without saying so again, never as "has no value"."""

    def __repr__(self) -> str:
        return "<reported>"

    def __bool__(self) -> bool:
        return False


REPORTED = _Reported()


def nfc(text: str) -> str:
    """Text in Unicode's composed form: `é` typed as one letter or as `e` plus an accent is
    the same text, so an id written either way names the same person."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


class IncludedText(str):
    """Text read from a file by `{include: ...}`: long Markdown by nature."""

    source: Path

    def __new__(cls, text: str, source: Path) -> IncludedText:
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


class ProseMapping(dict):
    """`- Hire a director (note: help select)` reads in YAML as a one-pair mapping.

    Authors meant a sentence. Text fields take `.raw`, the line as typed; fields
    that expect a mapping still see a dict and report its odd key.
    """

    raw: str


@dataclass
class Source:
    """One YAML file as data, with where each value came from."""

    path: Path
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    as_typed: dict[Path_, str] = field(default_factory=dict)
    """The text of each value YAML read as a number, date or boolean (`1.10`, `yes`)."""

    def locate(self, path: Path_) -> Location:
        """The location of a value, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:end]))
            if mark:
                return Location(self.path, *mark)
        return Location(self.path, 1, 1)

    def walk(self) -> Iterator[tuple[Path_, Any]]:
        """Every scalar value with its path, for rules that apply to all text."""
        yield from _walk(self.data, ())


def _walk(value: Any, path: Path_) -> Iterator[tuple[Path_, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))
    else:
        yield path, value


def load_yaml(path: Path, report: Report, *, include_root: Path | None = None) -> Source | None:
    """Read a YAML mapping; problems go to `report`, None when nothing usable was read.

    `include_root` enables `{include: file}` relative to (and confined to) that folder.
    """
    location = Location(path)
    try:
        raw = read_file(path)
    except FileRefused as refused:
        if refused.missing:
            report.error(location, "file not found", "check the path or create the file")
        elif "too large" in refused.message:
            report.error(location, f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB",
                         "move long texts into Markdown files and include them")
        else:
            report.error(location, refused.message, refused.hint)
        return None
    text = _decode(raw, path, report)
    if text is None:
        return None
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        report.error(Location(path, 1, 1), "file is empty",
                     "start from `interim new <id>` or copy the reference example")
        return None
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.reader.ReaderError as exc:
        # A raw control character: PyYAML gives an offset, not a line.
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - before.rfind("\n")
        report.error(Location(path, line, col), f"control character U+{exc.character:04X} "
                     "in the text", "remove it: it was probably pasted from another program")
        return None
    except yaml.MarkedYAMLError as exc:
        found = explain(text, exc)
        report.error(Location(path, found.line, found.column), found.message, found.hint)
        return None
    except yaml.YAMLError as exc:
        report.error(location, f"invalid YAML: {exc}")
        return None
    except RecursionError:
        report.error(Location(path, 1, 1), "the file is nested too deeply",
                     "sources are a few levels of keys and lists; check the brackets")
        return None
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        report.error(Location(path, node.start_mark.line + 1, node.start_mark.column + 1),
                     f"the file holds {kind}, expected a mapping of keys",
                     "the top level must be `key: value` lines, like the reference example")
        return None
    builder = _Builder(path, text, report, include_root)
    data = builder.build(node, ())
    return Source(path, data, builder.marks, builder.as_typed)


def _decode(raw: bytes, path: Path, report: Report) -> str | None:
    """UTF-8 only (with or without BOM): anything else is reported at its line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        report.error(Location(path, line, 1),
                     "the file is not UTF-8 text (binary content or another encoding)",
                     "save it as UTF-8 text")
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        report.error(Location(path, line, 1), "the file holds binary content (NUL bytes)",
                     "save it as UTF-8 text")
        return None
    return text


class _Builder:
    """Turns a composed YAML node graph into plain data, recording positions."""

    def __init__(self, path: Path, text: str, report: Report, include_root: Path | None):
        self.path = path
        self.text = text
        self.report = report
        self.include_root = include_root
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.as_typed: dict[Path_, str] = {}
        self.constructor = SafeConstructor()
        self.active: set[int] = set()
        self.count = 0

    def where(self, node: Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: Path_) -> Any:
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if not self.within_limits(node, path):
            return REPORTED
        self.active.add(id(node))
        try:
            return self.build_node(node, path)
        finally:
            self.active.discard(id(node))

    def within_limits(self, node: Node, path: Path_) -> bool:
        """Refuse self-containing aliases, deep nesting and alias bombs, once each."""
        self.count += 1
        if id(node) in self.active:
            self.report.error(self.where(node), "an alias (`*name`) refers to the value that "
                              "contains it", "write the value out instead of the alias")
            return False
        if len(path) > MAX_DEPTH:
            self.report.error(self.where(node), "the data is nested too deeply",
                              "sources are a few levels of keys and lists; check the indentation")
            return False
        if self.count > MAX_VALUES:
            if self.count == MAX_VALUES + 1:
                self.report.error(self.where(node), f"the file holds more than {MAX_VALUES} "
                                  "values", "aliases (`*name`) repeat values: write them out")
            return False
        return True

    def build_node(self, node: Node, path: Path_) -> Any:
        if node.tag not in _STANDARD_TAGS:
            self.report.error(self.where(node), f"the YAML tag {node.tag!r} is not allowed",
                              "remove the tag: sources hold plain text, numbers, dates, "
                              "lists and mappings only")
            return REPORTED
        if isinstance(node, MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.build_scalar(node, path)

    def build_mapping(self, node: MappingNode, path: Path_) -> Any:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.report.error(self.where(key_node), "keys must be plain words",
                                  "write `key: value`; merge keys and complex keys are not "
                                  "supported")
                continue
            key = self.checked(nfc(str(key_node.value)), key_node, "a key")
            if key in result:
                first = self.marks.get((*path, key), (0, 0))[0]
                self.report.error(self.where(key_node), f"duplicate key {key!r}",
                                  f"it is already given on line {first}; keep one of them")
                continue
            key_path = (*path, key)
            self.marks[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, key_path)
        if set(result) == {"include"}:
            return self.include(result["include"], path, node)
        if self.is_prose(node):
            prose = ProseMapping(result)
            _, value = node.value[0]
            prose.raw = nfc(self.text[node.start_mark.index : value.end_mark.index].strip())
            return prose
        return result

    @staticmethod
    def is_prose(node: MappingNode) -> bool:
        """One `words with spaces: more words` pair on one line: a sentence, not a key."""
        if node.flow_style or len(node.value) != 1:
            return False
        key, value = node.value[0]
        return (
            isinstance(key, ScalarNode) and isinstance(value, ScalarNode)
            and not key.style and not value.style  # plain scalars: None, or "" from LibYAML
            and " " in key.value.strip()
            and key.start_mark.line == value.end_mark.line
        )

    def build_scalar(self, node: ScalarNode, path: Path_) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # `2027-02-30`: a date field says why it is none, once
            self.report.error(self.where(node), f"invalid value {node.value!r}: {exc}")
            return REPORTED
        if isinstance(value, datetime.datetime):
            value = value.date()
        if value is not None and not isinstance(value, str):
            self.as_typed[path] = node.value
        if isinstance(value, str):
            return self.checked(nfc(value), node, "the text")
        return value

    def checked(self, text: str, node: Node, where: str) -> str:
        """The text without control characters, the first one reported at the node."""
        bad = FORBIDDEN_CHARS.search(text)
        if bad is None:
            return text
        self.report.error(self.where(node), f"control character U+{ord(bad.group()):04X} in "
                          f"{where}", "remove it: it was probably pasted from another program")
        return FORBIDDEN_CHARS.sub("", text)

    def include(self, target: Any, path: Path_, node: MappingNode) -> IncludedText | _Reported:
        where = self.where(node)
        if self.include_root is None:
            self.report.error(where, "`include` is not available in this file")
            return REPORTED
        if target is REPORTED:
            return REPORTED
        if not isinstance(target, str) or not target.strip():
            self.report.error(where, "`include` needs a file name", "write {include: file.md}")
            return REPORTED
        if Path(target).suffix.lower() not in _INCLUDE_SUFFIXES:
            self.report.error(where, f"include {target!r} is not a Markdown file",
                              "include .md files only")
            return REPORTED
        try:
            resolved, raw = read_inside(self.include_root, target, what="include")
        except FileRefused as refused:
            self.report.error(where, refused.message, refused.hint)
            return REPORTED
        text = _decode(raw, resolved, self.report)
        if text is None:
            return REPORTED
        bad = FORBIDDEN_CHARS.search(text)
        if bad:
            line = text[: bad.start()].count("\n") + 1
            self.report.error(Location(resolved, line, 1),
                              f"control character U+{ord(bad.group()):04X} in the text",
                              "remove it: it was probably pasted from another program")
            text = FORBIDDEN_CHARS.sub("", text)
        return IncludedText(nfc(text), resolved)
