"""Plain values read from YAML: text, numbers, dates; the checks a field declares after them.

Each plain type is read one way and described to JSON Schema one way (`BASE`); a field's
`Annotated[...]` steps (`Check`, `non_empty`, `matching`, `between`) carry their schema too;
its markers (`Key`, `Ref`, `Unit`, `Fixed`) say what the value is, and are no steps.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.source.reading import Path_, ProseMapping


class Problem(ValueError):
    """Raised by a converter or check: what is wrong with the value, and how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Issue:
    """One problem with the data, at the path of the value it concerns (a located Problem)."""

    path: Path_
    message: str
    hint: str = ""


# --------------------------------------------------------------------------- declarations

@dataclass(frozen=True)
class Key:
    """The field's key in YAML, where it is not the attribute's name (`in`, `action-plan`)."""

    name: str


@dataclass(frozen=True)
class Ref:
    """The field names another record by its id: a person, an objective, a milestone.

    Declared on the type (`PersonId`), so that `references.references` finds every reference
    in a built record, and the rules check them all without knowing the fields' names.
    """

    kind: str


@dataclass(frozen=True)
class Unit:
    """What a number counts, where printing needs it: `Unit("money")` prints in the terms'
    currency (an amended day rate), a number without one as plain figures.

    A marker on the type, like `Key` and `Ref`: no step, conversion passes it by.
    """

    name: str


@dataclass(frozen=True)
class Fixed:
    """The field cannot be amended by a later change (`execution.changes[].amends`): an id,
    the language, a fact of the past. A marker like `Ref`: says why, and what to do instead.

    Every other field is amendable by default, so a new key needs no list to be named in.
    """

    why: str
    instead: str


@dataclass(frozen=True)
class Reference:
    """One value that names another record: where it is written, what it names, the id."""

    path: Path_
    kind: str
    value: Any


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

def describe(value: Any) -> str:
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
    raise Problem(f"expected text, got {describe(value)}", "write text here")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Problem(f"expected true or false, got {describe(value)}", "write true or false")


def to_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,18}\s*", value):
        return int(value)
    raise Problem(f"expected a whole number, got {describe(value)}", "write a whole number")


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise Problem(f"expected a number, got {describe(value)}",
                      "write a number, with a dot for decimals")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Problem(f"expected a number, got {describe(value)}",
                      "write a number, with a dot for decimals") from None
    if not number.is_finite():
        raise Problem(f"{value} is not a finite number", "write an amount in figures")
    return number


FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
"""Dates an assignment may name: the rules and the timeline add grace periods and
weeks to them, which near datetime's own limits (year 1, 9999) would overflow."""


def to_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise Problem(f"{value!r} is not a valid date", "write dates as YYYY-MM-DD") from None
    if not isinstance(value, datetime.date):
        raise Problem(f"expected a date written YYYY-MM-DD, got {describe(value)}",
                      "write dates as YYYY-MM-DD")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise Problem(f"{value.isoformat()} is out of range",
                      f"give a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


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
