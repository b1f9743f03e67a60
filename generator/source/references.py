"""References between records: which values name a person, an objective or a milestone.

The model marks them on its types (`PersonId = Annotated[str, non_empty, Ref("person")]`);
the rules check them through these walks, never by field names or on the raw YAML, so a
new field typed `PersonId` (or another reference type) is checked without changing them.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from generator.source.reading import Path_
from generator.source.records import Record, fields, kind_of
from generator.source.values import Ref, Reference

__all__ = ["Ref", "Reference", "reference_keys", "references"]


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
            parts = list(_parts(field.annotation))
            if Ref(kind) in parts:
                keys.add(field.key)
            nested = [p for p in parts if isinstance(p, type) and issubclass(p, Record)]
            waiting += [p for p in nested if p not in seen]
            seen.update(nested)
    return frozenset(keys)


def _parts(annotation: Any) -> Iterator[Any]:
    """The annotation and every type and declaration it is made of, `Ref`s included."""
    yield annotation
    for part in typing.get_args(annotation):
        yield from _parts(part)
