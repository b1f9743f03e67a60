"""References between records: which values name a person, an objective or a milestone.

The model marks them on its types (`PersonId = Annotated[str, non_empty, Ref("person")]`);
the rules check them through these walks, never by field names or on the raw YAML, so a
new field typed `PersonId` (or another reference type) is checked without changing them.
`walk` gives every leaf of a built record with its path in the source, for rules that read
values by their type (Markdown fields, amounts).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from generator.source.reading import Path_
from generator.source.records import Record, fields, kind_of
from generator.source.values import Ref, Reference

__all__ = ["Ref", "Reference", "parts", "reference_keys", "references", "shape", "walk"]


def references(value: Any, path: Path_ = (), annotation: Any = None) -> Iterator[Reference]:
    """Every reference in a built value, with its path, found by its declared type.

    `annotation` is the value's declared type; a record's own class when not given.
    """
    annotation = type(value) if annotation is None else annotation
    return kind_of(annotation).references(value, annotation, path)


def reference_keys(cls: type[Record], kind: str) -> frozenset[str]:
    """The YAML keys of every field, in `cls` or any record it holds, that names a `kind`."""
    keys: set[str] = set()
    seen = {cls}
    waiting = [cls]
    while waiting:
        for field in fields(waiting.pop()).values():
            found = list(parts(field.annotation))
            if Ref(kind) in found:
                keys.add(field.key)
            nested = [p for p in found if isinstance(p, type) and issubclass(p, Record)]
            waiting += [p for p in nested if p not in seen]
            seen.update(nested)
    return frozenset(keys)


def parts(annotation: Any) -> Iterator[Any]:
    """The annotation and every type and declaration it is made of, `Ref`s included:
    what a type is, asked of the type itself rather than of a field's name."""
    yield annotation
    for part in typing.get_args(annotation):
        yield from parts(part)


def shape(annotation: Any) -> Any:
    """The type beneath `| None` and `Annotated[...]`, which holds the value: `list[PersonId]`
    for `list[PersonId] | None`, `str` for `PersonId` (whether one id or a list of them)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = annotation.__origin__
        elif origin in (typing.Union, types.UnionType):
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        else:
            return annotation


def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every leaf value of a record, with its path as written in the source."""
    if isinstance(value, Record):
        for field in fields(type(value)).values():
            yield from walk(getattr(value, field.name), (*path, field.key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    else:
        yield path, value
