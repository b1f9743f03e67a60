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

import copy
import datetime
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, TypeVar

from generator.errors import Report
from generator.sources import Path_, ProseMapping, Source

R = TypeVar("R", bound="Record")


@dataclass(frozen=True)
class Issue:
    """One problem with the data, at the path of the value it concerns."""

    path: Path_
    message: str
    hint: str = ""


class Invalid(ValueError):
    """Data that does not fit a record; raised by constructors, which have no source."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues = issues

    def __reduce__(self) -> tuple[type[Invalid], tuple[list[Issue]]]:
        return type(self), (self.issues,)


class Problem(ValueError):
    """Raised by a converter or check: what is wrong with the value, and how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


# --------------------------------------------------------------------------- declarations

@dataclass(frozen=True)
class Key:
    """The field's key in YAML, where it is not the attribute's name (`in`, `action-plan`)."""

    name: str


@dataclass(frozen=True)
class Check:
    """A step after conversion: returns the value (possibly wrapped) or raises Problem."""

    apply: Callable[[Any], Any]
    schema: tuple[tuple[str, Any], ...] = ()

    def __call__(self, value: Any) -> Any:
        return self.apply(value)


def _non_empty(value: Any) -> Any:
    if len(value) == 0:
        raise Problem("is empty", "give at least one entry")
    return value


non_empty = Check(_non_empty, (("minLength", 1),))
"""Text with at least one character, or a list with at least one entry."""


def matching(pattern: str, what: str, hint: str) -> Check:
    """Text matching `pattern` in full; `what` names such a value in the message."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise Problem(f"{value!r} is not a valid {what}", hint)
        return value

    return Check(check, (("pattern", f"^(?:{pattern})$"),))  # JSON Schema searches


def _figures(number: Any) -> str:
    """`Decimal("1e12")` -> "1,000,000,000,000": a bound as a reader writes it."""
    return f"{number:,}" if isinstance(number, int) else f"{Decimal(number).normalize():,f}"


def between(low: Any, high: Any) -> Check:
    """A number from `low` to `high`, both included."""

    def check(value: Any) -> Any:
        if not low <= value <= high:
            raise Problem(f"{value} is out of range",
                          f"give a number from {_figures(low)} to {_figures(high)}")
        return value

    return Check(check, (("minimum", low), ("maximum", high)))


# --------------------------------------------------------------------------- base types

def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "`key: value` lines"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else f"{value}"


def to_text(value: Any) -> str:
    """YAML turns `9` or `2027-06-14` into numbers and dates; text fields take them as typed."""
    if isinstance(value, ProseMapping):
        return value.raw
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal | datetime.date) and not isinstance(value, bool):
        return str(value)
    raise Problem(f"expected text, got {_describe(value)}", "write text here")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Problem(f"expected true or false, got {_describe(value)}", "write true or false")


def to_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,18}\s*", value):
        return int(value)
    raise Problem(f"expected a whole number, got {_describe(value)}", "write a whole number")


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise Problem(f"expected a number, got {_describe(value)}",
                      "write a number, with a dot for decimals")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Problem(f"expected a number, got {_describe(value)}",
                      "write a number, with a dot for decimals") from None
    if not number.is_finite():
        raise Problem(f"{value} is not a finite number", "write an amount in figures")
    return number


def to_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise Problem(f"{value!r} is not a valid date", "write dates as YYYY-MM-DD") from None
    raise Problem(f"expected a date written YYYY-MM-DD, got {_describe(value)}",
                  "write dates as YYYY-MM-DD")


BASE: dict[Any, tuple[Callable[[Any], Any], dict[str, Any]]] = {
    str: (to_text, {"anyOf": [
        {"type": ["string", "number", "boolean"]},  # `version: 1.10`, `yes`: text as typed
        {"type": "object", "maxProperties": 1,  # `- Hire (note: help)`, read as typed
         "description": "a sentence with ': ' that YAML reads as a one-pair mapping"},
    ]}),
    bool: (to_bool, {"type": "boolean"}),
    int: (to_int, {"type": "integer"}),
    Decimal: (to_decimal, {"type": ["number", "string"]}),
    datetime.date: (to_date, {"type": "string", "format": "date"}),
}
"""How each plain type is read from YAML, and how JSON Schema describes it."""


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


def validate(source: Source, cls: type[R], report: Report) -> R | None:
    """A loaded source -> record; every unknown key and bad value reported at its line."""
    record, issues = build(cls, source.data, source.as_typed)
    for issue in issues:
        report.error(source.locate(issue.path), issue.message, issue.hint)
    return record


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
    for key in data:
        if key not in by_key:
            import difflib  # only on error: keeps a clean build's start short

            guess = difflib.get_close_matches(str(key), list(by_key), n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else \
                "allowed here: " + ", ".join(sorted(by_key))
            run.issues.append(Issue((*path, key), f"unknown key {key!r}", hint))
    whole = True
    for field in declared.values():
        raw, absent = data.get(field.key), field.key not in data
        if absent and field.required:
            parent = _name(path) or "the top level"
            run.issues.append(Issue((*path, field.key), f"missing key {field.key!r}",
                                    f"add `{field.key}:` under {parent}"))
            value = _INVALID
        elif absent or (raw is None and _empty_ok(field)):
            value = copy.copy(field.default)  # a fresh list or dict for every record
        else:
            value = _convert(raw, field.annotation, (*path, field.key), run)
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


def _convert(value: Any, annotation: Any, path: Path_, run: _Pass) -> Any:
    """One value by its declared type; problems go to `run.issues` and give _INVALID.

    Types: a Record, list[X], dict[K, V], X | None, Literal[...], a type in BASE, and
    Annotated[X, steps...] whose steps (Check, or any callable) run after X's conversion.
    """
    if annotation is Any:  # kept as loaded; a later rule types it (a change's `amends`)
        return value
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        value = _convert(value, annotation.__origin__, path, run)
        for step in annotation.__metadata__:
            if value is _INVALID or isinstance(step, Key):
                continue
            try:
                value = step(value)
            except Problem as problem:
                return run.fail(path, str(problem), problem.hint)
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _convert(value, inner, path, run)
    if value is None:
        return run.fail(path, "has no value", "write a value after the colon")
    if origin is Literal:
        allowed = typing.get_args(annotation)
        if isinstance(value, str) and value in allowed:
            return value
        return run.fail(path, f"{value!r} is not allowed",
                     "use one of " + " or ".join(repr(a) for a in allowed))
    if origin is list:
        if not isinstance(value, list):
            return run.fail(path, f"expected a list, got {_describe(value)}",
                         "write a list of `- item` lines")
        (item,) = typing.get_args(annotation)
        items = [_convert(v, item, (*path, i), run) for i, v in enumerate(value)]
        return _INVALID if any(v is _INVALID for v in items) else items
    if origin is dict:
        if not isinstance(value, dict):
            return run.fail(path, f"expected `key: value` lines, got {_describe(value)}",
                         "write `key: value` lines")
        key_type, item = typing.get_args(annotation)
        pairs = {_convert(k, key_type, (*path, k), run): _convert(v, item, (*path, k), run)
                 for k, v in value.items()}
        broken = any(k is _INVALID or v is _INVALID for k, v in pairs.items())
        return _INVALID if broken else pairs
    if isinstance(annotation, type) and issubclass(annotation, Record):
        if isinstance(value, annotation):  # built already, as in `Tree(leaves=[Leaf(...)])`
            return value
        if not isinstance(value, dict):
            return run.fail(path, f"expected `key: value` lines, got {_describe(value)}",
                         "write `key: value` lines")
        record = annotation.__new__(annotation)
        return record if _fill(record, value, path, run) else _INVALID
    if annotation is str and not isinstance(value, str):
        value = run.as_typed.get(path, value)  # `1.10` as typed, not the number 1.1
    try:
        return BASE[annotation][0](value)
    except Problem as problem:
        return run.fail(path, str(problem), problem.hint)


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


# --------------------------------------------------------------------------- JSON Schema

def json_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema of a record (draft 2020-12), nested records shared through `$defs`."""
    definitions: dict[str, Any] = {}
    _schema(cls, definitions)
    root = definitions.pop(cls.__name__)
    if definitions:
        root["$defs"] = dict(sorted(definitions.items()))
    return root


def _schema(annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    if annotation is Any:
        return {}
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        schema = dict(_schema(annotation.__origin__, definitions))
        for step in annotation.__metadata__:
            for keyword, value in getattr(step, "schema", ()):
                if keyword == "minLength" and schema.get("type") == "array":
                    keyword = "minItems"
                schema[keyword] = float(value) if isinstance(value, Decimal) else value
        return schema
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return {"anyOf": [_schema(inner, definitions), {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(typing.get_args(annotation))}
    if origin is list:
        return {"type": "array", "items": _schema(typing.get_args(annotation)[0], definitions)}
    if origin is dict:
        return {"type": "object",
                "additionalProperties": _schema(typing.get_args(annotation)[1], definitions)}
    if isinstance(annotation, type) and issubclass(annotation, Record):
        name = annotation.__name__
        if name not in definitions:
            definitions[name] = {}  # reserved first: records may nest themselves
            declared = fields(annotation).values()
            body: dict[str, Any] = {"type": "object", "title": name}
            if annotation.__doc__:
                body["description"] = " ".join(annotation.__doc__.split())
            body["properties"] = {f.key: _nullable(_schema(f.annotation, definitions))
                                  if _empty_ok(f) else _schema(f.annotation, definitions)
                                  for f in declared}
            required = [f.key for f in declared if f.required]
            if required:
                body["required"] = required
            body["additionalProperties"] = False
            definitions[name] = body
        return {"$ref": f"#/$defs/{name}"}
    return dict(BASE[annotation][1])


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema admitting `key:` with nothing after it, too."""
    if {"type": "null"} in schema.get("anyOf", ()):
        return schema
    return {"anyOf": [schema, {"type": "null"}]}
