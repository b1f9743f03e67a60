"""Typed, frozen records built from loaded YAML, every problem reported by its path.

The model's classes subclass `Record` and declare their fields as annotations, with
their YAML key, converters and checks in `Annotated[...]`. `build` turns a mapping
into a record in one pass that reports every unknown key, missing key and bad value
it meets; `json_schema` describes the same classes for editors.

Why not pydantic: importing it and building its validators cost about 0.15 s on
each run, more than the rest of a build's start; the model needs a dozen kinds of
field, declared here in a page.
"""

from __future__ import annotations

import contextlib
import copy
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, ClassVar, Literal, TypeVar

from generator.source.reading import REPORTED, Path_
from generator.source.values import (  # noqa: F401 (re-exported: the declarations of the model)
    BASE,
    ID_KEY,
    Check,
    Fixed,
    Issue,
    Key,
    Problem,
    Ref,
    Reference,
    Unit,
    between,
    describe,
    identifier,
    matching,
    non_empty,
)

R = TypeVar("R", bound="Record")


class Invalid(ValueError):
    """Data that does not fit a record; raised by constructors, which have no source."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues = issues

    def __reduce__(self) -> tuple[type[Invalid], tuple[list[Issue]]]:
        return type(self), (self.issues,)


# --------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Field:
    """One declared field: attribute name, YAML key, type, and default (if any)."""

    name: str
    key: str
    annotation: Any
    default: Any
    required: bool


@dataclass
class _Pass:
    """One conversion: the problems found, and the source text of typed scalars."""

    issues: list[Issue]
    as_typed: Mapping[Path_, str]

    def fail(self, path: Path_, message: str, hint: str) -> Any:
        name = _name(path) or "the document"
        joiner = " " if message in ("is empty", "has no value") else ": "
        self.issues.append(Issue(path, f"{name}{joiner}{message}", hint))
        return _INVALID


_MISSING = object()  # a field without a default
_INVALID = object()  # a value that failed; its issue is already recorded
_FIELDS: dict[type, dict[str, Field]] = {}


class Record:
    """A frozen record whose fields are its annotations; construct with `build` or keywords."""

    def __init__(self, **values: Any) -> None:
        by_key = {f.key: values.pop(f.name) for f in fields(type(self)).values()
                  if f.name in values}
        if values:
            raise TypeError(f"{type(self).__name__} has no field {next(iter(values))!r}")
        run = _Pass([], {})
        _fill(self, by_key, (), run)
        if run.issues:
            raise Invalid(run.issues)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only: build a new one instead")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in fields(type(self)))

    __hash__ = None  # type: ignore[assignment]  # lists inside make records unhashable

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in fields(type(self)))
        return f"{type(self).__name__}({shown})"


def fields(cls: type[Record]) -> dict[str, Field]:
    """The record's fields by attribute name, read once from its annotations."""
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls, include_extras=True)
        found = {}
        for name, annotation in hints.items():
            if typing.get_origin(annotation) is ClassVar or name.startswith("_"):
                continue
            key = next((m.name for m in _metadata(annotation) if isinstance(m, Key)), name)
            default = cls.__dict__.get(name, _MISSING)
            found[name] = Field(name, key, annotation, default, default is _MISSING)
        _FIELDS[cls] = found
    return _FIELDS[cls]


def build(cls: type[R], data: Any, as_typed: Mapping[Path_, str] | None = None
          ) -> tuple[R | None, list[Issue]]:
    """Data -> record, and every problem found; None when the data cannot make one.

    Unknown keys are reported and dropped, so one run shows them and the rest.
    `as_typed` holds, by path, the source text of values YAML read as numbers, dates or
    booleans: a text field takes `1.10` or `yes` as written, not as 1.1 or True.
    """
    run = _Pass([], as_typed or {})
    value = _convert(data, cls, (), run)
    return (None if value is _INVALID else value), run.issues


def convert(annotation: Any, data: Any, path: Path_ = (),
            as_typed: Mapping[Path_, str] | None = None) -> tuple[Any, list[Issue]]:
    """One value read as a field of type `annotation` would be: the same interpreter of types.

    For values typed later than the record (a change's `amends`); `path` is where the value
    stands in the source, so its problems are reported there.
    """
    run = _Pass([], as_typed or {})
    value = _convert(data, annotation, path, run)
    return (None if value is _INVALID else value), run.issues


def replace(record: R, **changes: Any) -> R:
    """A copy of `record` with some fields set: the values are already typed (amended plans)."""
    declared = fields(type(record))
    unknown = [name for name in changes if name not in declared]
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {unknown[0]!r}")
    copied = copy.copy(record)
    for name, value in changes.items():
        object.__setattr__(copied, name, value)
    return copied


def _name(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def _fill(record: Record, data: dict[str, Any], path: Path_, run: _Pass) -> bool:
    """Set every field of `record` from `data` (keyed by YAML key); False when any failed."""
    declared = fields(type(record))
    by_key = {f.key: f for f in declared.values()}
    moved: dict[str, tuple[str, str]] = getattr(record, "MOVED", {})  # key: (where, the fix)
    for key in data:
        if key not in by_key:
            import difflib  # only on error: keeps a clean build's start short
            guess = difflib.get_close_matches(str(key), list(by_key), n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else \
                "allowed here: " + ", ".join(sorted(by_key))
            run.issues.append(Issue((*path, key), *moved.get(key, (f"unknown key {key!r}", hint))))
    whole = True
    for field in declared.values():
        raw, absent = data.get(field.key), field.key not in data
        if absent and field.required:
            parent = _name(path) or "the top level"
            run.issues.append(Issue((*path, field.key), f"missing key {field.key!r}",
                                    f"add `{field.key}:` under {parent}"))
            value = _INVALID
        elif absent or (raw in (None, REPORTED) and _empty_ok(field)):
            value = copy.copy(field.default)  # a fresh list or dict for every record
        else:
            value = _convert(raw, field.annotation, (*path, field.key), run)
            if field.key == ID_KEY and value is not _INVALID:
                value = _step(identifier, value, (*path, field.key), run)
        whole = whole and value is not _INVALID
        object.__setattr__(record, field.name, value)
    return whole


def _empty_ok(field: Field) -> bool:
    """`key:` with nothing after it: an empty list, mapping or record, or no value at all.

    Not so for a default like `confidential: false`: an empty value there is a slip,
    and taking the default could silently drop what the author meant.
    """
    return not field.required and (field.default is None
                                   or isinstance(field.default, list | dict | Record))


def _metadata(annotation: Any) -> tuple[Any, ...]:
    return annotation.__metadata__ if typing.get_origin(annotation) is typing.Annotated else ()


def _step(step: Callable[[Any], Any], value: Any, path: Path_, run: _Pass) -> Any:
    """`step(value)`; a Problem it raises is recorded at `path` and gives _INVALID."""
    try:
        return step(value)
    except Problem as problem:
        return run.fail(path, str(problem), problem.hint)


def _convert(value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
    """One value by its declared type; problems go to `run.issues` and give _INVALID."""
    if value is REPORTED:  # the reader said what is wrong here: no second message
        return _INVALID
    kind = kind_of(annotation)
    if value is None and not kind.takes_none:
        return run.fail(path, "has no value", "write a value after the colon")
    return kind.convert(value, annotation, path, run)


def _schema(annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one declared type, by the same kind that converts it."""
    return kind_of(annotation).schema(annotation, definitions)


# --------------------------------------------------------------------------- field kinds

class FieldKind:
    """One kind of declared type: how a value of it is read from YAML, and how JSON Schema
    describes it, side by side so that the two cannot drift apart."""

    takes_none = False
    """Whether `key:` with no value reaches `convert` (else: "has no value")."""

    def matches(self, annotation: Any) -> bool:
        raise NotImplementedError

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        raise NotImplementedError

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def references(self, value: Any, annotation: Any, path: Path_) -> Iterator[Reference]:
        return iter(())  # the references inside a built value; plain values hold none


class _Loose(FieldKind):
    """`Any`: kept as loaded; a later rule types it (a change's `amends`)."""

    takes_none = True

    def matches(self, annotation: Any) -> bool:
        return annotation is Any

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        return value

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        return {}


class _Stepped(FieldKind):
    """`Annotated[X, steps...]`: X, then each step (Check, or any callable) in turn; markers
    that are no steps (Key, Ref, Unit: it reads money as typed first) carry no schema."""

    takes_none = True

    def matches(self, annotation: Any) -> bool:
        return typing.get_origin(annotation) is typing.Annotated

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        meta = annotation.__metadata__
        for unit in (m for m in meta if isinstance(m, Unit) and value is not None):
            value = _step(partial(unit.read, written=run.as_typed.get(path)), value, path, run)
        if value is not _INVALID:
            value = _convert(value, annotation.__origin__, path, run)
        ids = [identifier] if any(isinstance(m, Ref) for m in meta) else []
        for step in [*(m for m in meta if callable(m)), *ids]:
            if value is _INVALID:
                break
            value = _step(step, value, path, run)
        return value

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        schema = dict(_schema(annotation.__origin__, definitions))
        for step in annotation.__metadata__:
            for keyword, value in getattr(step, "schema", ()):
                if keyword == "minLength" and schema.get("type") == "array":
                    keyword = "minItems"
                schema[keyword] = float(value) if isinstance(value, Decimal) else value
        return schema

    def references(self, value: Any, annotation: Any, path: Path_) -> Iterator[Reference]:
        refs = [Reference(path, m.kind, value) for m in annotation.__metadata__
                if isinstance(m, Ref)]  # a reference holds no further references
        inner = annotation.__origin__
        return iter(refs) if refs else kind_of(inner).references(value, inner, path)


class _Optional(FieldKind):
    """`X | None`: nothing, or an X."""

    takes_none = True

    def matches(self, annotation: Any) -> bool:
        return typing.get_origin(annotation) in (typing.Union, types.UnionType)

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        return None if value is None else _convert(value, self._inner(annotation), path, run)

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [_schema(self._inner(annotation), definitions), {"type": "null"}]}

    def references(self, value: Any, annotation: Any, path: Path_) -> Iterator[Reference]:
        inner = self._inner(annotation)
        return iter(()) if value is None else kind_of(inner).references(value, inner, path)

    @staticmethod
    def _inner(annotation: Any) -> Any:
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return inner


class _Choice(FieldKind):
    """`Literal[...]`: one of the words given."""

    def matches(self, annotation: Any) -> bool:
        return typing.get_origin(annotation) is Literal

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        allowed = typing.get_args(annotation)
        if isinstance(value, str) and value in allowed:
            return value
        return run.fail(path, f"{value!r} is not allowed",
                        "use one of " + " or ".join(repr(a) for a in allowed))

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        return {"enum": list(typing.get_args(annotation))}


class _List(FieldKind):
    """`list[X]`: `- item` lines, each an X."""

    def matches(self, annotation: Any) -> bool:
        return typing.get_origin(annotation) is list

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        if not isinstance(value, list):
            return run.fail(path, f"expected a list, got {describe(value)}",
                            "write a list of `- item` lines")
        (item,) = typing.get_args(annotation)
        items = [_convert(v, item, (*path, i), run) for i, v in enumerate(value)]
        return _INVALID if any(v is _INVALID for v in items) else items

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": _schema(typing.get_args(annotation)[0], definitions)}

    def references(self, value: Any, annotation: Any, path: Path_) -> Iterator[Reference]:
        (item,) = typing.get_args(annotation)
        for index, entry in enumerate(value):
            yield from kind_of(item).references(entry, item, (*path, index))


class _Mapping(FieldKind):
    """`dict[K, V]`: `key: value` lines."""

    def matches(self, annotation: Any) -> bool:
        return typing.get_origin(annotation) is dict

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        if not isinstance(value, dict):
            return run.fail(path, f"expected `key: value` lines, got {describe(value)}",
                            "write `key: value` lines")
        key_type, item = typing.get_args(annotation)
        pairs = {_convert(k, key_type, (*path, k), run): _convert(v, item, (*path, k), run)
                 for k, v in value.items()}
        broken = any(k is _INVALID or v is _INVALID for k, v in pairs.items())
        return _INVALID if broken else pairs

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object",
                "additionalProperties": _schema(typing.get_args(annotation)[1], definitions)}

    def references(self, value: Any, annotation: Any, path: Path_) -> Iterator[Reference]:
        key_type, item = typing.get_args(annotation)
        for key, entry in value.items():
            yield from kind_of(key_type).references(key, key_type, (*path, key))
            yield from kind_of(item).references(entry, item, (*path, key))


class _Nested(FieldKind):
    """A Record: `key: value` lines, one per field, or its `SHORTHAND` field's value alone."""

    def matches(self, annotation: Any) -> bool:
        return isinstance(annotation, type) and issubclass(annotation, Record)

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        if isinstance(value, annotation):  # built already, as in `Tree(leaves=[Leaf(...)])`
            return value
        if getattr(annotation, "SHORTHAND", None) and type(value) not in (dict, list):
            value = {annotation.SHORTHAND: run.as_typed.get(path, value)}  # `D1: "3,1 %"`, prose
        if not isinstance(value, dict):
            return run.fail(path, f"expected `key: value` lines, got {describe(value)}",
                            "write `key: value` lines")
        record = annotation.__new__(annotation)
        return record if _fill(record, value, path, run) else _INVALID

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        name = annotation.__name__
        if name not in definitions:
            definitions[name] = {}  # reserved first: records may nest themselves
            definitions[name] = _record_schema(annotation, definitions)
        ref, short = {"$ref": f"#/$defs/{name}"}, getattr(annotation, "SHORTHAND", None)
        alone = [f.annotation for f in fields(annotation).values() if f.key == short]
        return {"anyOf": [_schema(alone[0], definitions), ref]} if alone else ref

    def references(self, value: Any, annotation: Any, path: Path_) -> Iterator[Reference]:
        for f in fields(annotation).values():
            yield from kind_of(f.annotation).references(getattr(value, f.name), f.annotation,
                                                        (*path, f.key))


class _Plain(FieldKind):
    """A type in BASE (text, true/false, whole number, number, date)."""

    def matches(self, annotation: Any) -> bool:
        return annotation in BASE

    def convert(self, value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
        if annotation is str and not isinstance(value, str):
            value = run.as_typed.get(path, value)  # `1.10` as typed, not the number 1.1
        return _step(BASE[annotation][0], value, path, run)

    def schema(self, annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
        return dict(BASE[annotation][1])


FIELD_KINDS: tuple[FieldKind, ...] = (_Loose(), _Stepped(), _Optional(), _Choice(), _List(),
                                      _Mapping(), _Nested(), _Plain())
"""Every kind of field a record may declare: the one interpreter of the model's types."""
_KIND_OF: dict[Any, FieldKind] = {}


def kind_of(annotation: Any) -> FieldKind:
    """The field kind of a declared type; a type no kind knows is a bug in the model."""
    try:
        return _KIND_OF[annotation]
    except (KeyError, TypeError):  # not seen yet, or unhashable (then never cached)
        pass
    for kind in FIELD_KINDS:
        if kind.matches(annotation):
            with contextlib.suppress(TypeError):
                _KIND_OF[annotation] = kind
            return kind
    raise TypeError(f"no field kind for {annotation!r}")


# --------------------------------------------------------------------------- JSON Schema

def json_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema of a record (draft 2020-12), nested records shared through `$defs`."""
    definitions: dict[str, Any] = {}
    _schema(cls, definitions)
    root = definitions.pop(cls.__name__)
    if definitions:
        root["$defs"] = dict(sorted(definitions.items()))
    return root


def _record_schema(cls: type[Record], definitions: dict[str, Any]) -> dict[str, Any]:
    """A record as a JSON object: its fields, which are required, nothing else."""
    declared = fields(cls).values()
    body: dict[str, Any] = {"type": "object", "title": cls.__name__}
    if cls.__doc__:
        body["description"] = " ".join(cls.__doc__.split())
    body["properties"] = {f.key: _nullable(_schema(f.annotation, definitions))
                          if _empty_ok(f) else _schema(f.annotation, definitions)
                          for f in declared}
    required = [f.key for f in declared if f.required]
    if required:
        body["required"] = required
    body["additionalProperties"] = False
    return body


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema admitting `key:` with nothing after it, too."""
    if {"type": "null"} in schema.get("anyOf", ()):
        return schema
    return {"anyOf": [schema, {"type": "null"}]}
