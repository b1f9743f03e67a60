"""Plain values read from YAML: text, numbers, dates; the checks a field declares after them.

Each plain type is read one way and described to JSON Schema one way (`BASE`); a field's
`Annotated[...]` steps (`Check`, `non_empty`, `matching`, `between`) carry their schema too;
its markers (`Key`, `Ref`, `Unit`, `Fixed`) say what the value is, and are no steps.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.source.reading import Path_, ProseMapping
from generator.source.safety import invisible_character


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

    A marker on the type, like `Key` and `Ref`, and no step; money is read from its text
    as typed (`read_amount`) before it is a number.
    """

    name: str

    def read(self, value: Any, written: str | None) -> Any:
        """The value read as this unit is written; `written` is its text in the source."""
        return read_amount(value, written) if self.name == "money" else value


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
    schema: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    """JSON Schema keywords; not compared (nor hashed): a value may be a list (`anyOf`)."""

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


ID_KEY = "id"
"""The key of a record's own identifier (a person's, a milestone's): with the values typed
as references (`Ref`), what `identifier` checks."""


def identifier(value: Any) -> Any:
    """An id or a reference to one holds no invisible character (U+202E, a zero-width space):
    two ids that look the same are the same id (the reader made every text NFC)."""
    found = invisible_character(value) if isinstance(value, str) else None
    if found:
        raise Problem(f"the id {value!r} holds an invisible character, {found}",
                      "retype the id with letters, digits and '-' only")
    return value


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


AMOUNT_HINT = "no thousands separator, a point for decimals"
_AMOUNT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.([0-9]+))?")
_CURRENCY = re.compile(r"[€$£¥]|\b(?:EUR|USD|GBP|CHF|euro?s?)\b", re.IGNORECASE)
_GROUPING = re.compile(r"[\s\u00a0\u202f'’_]")


def read_amount(value: Any, written: str | None) -> Any:
    """An amount from its text as typed, never from YAML's reading of it.

    YAML reads `1.250` as 1.25 and `01250` as 680; a Flemish `1.250` means 1250. One form
    is accepted: figures, a point and decimals (`1250`, `1250.50`). Any other form, and a
    point followed by exactly three digits (a thousands separator or a fraction: the
    text cannot say), is refused with the figure to write. A value with no source text
    (a record built in code) is taken as it is.
    """
    text = written if written is not None else value if isinstance(value, str) else None
    if text is None:
        return value
    typed = text.strip()
    match = _AMOUNT.fullmatch(typed)
    whole, _, fraction = typed.partition(".")
    if match and (len(fraction) != 3 or whole.lstrip("-") == "0"):  # 0.125: no thousands
        return Decimal(typed)
    if match:
        decimals = fraction.rstrip("0")
        decimals += "0" if len(decimals) == 3 else ""  # 1.2550: three decimals, unambiguous
        fractional = f"{whole}.{decimals}" if decimals else whole
        raise Problem(f"{typed} is ambiguous: {whole}{fraction} with a thousands separator, "
                      f"or {fractional} with a decimal point",
                      f"write {whole}{fraction}: {AMOUNT_HINT}; or {fractional} if you meant "
                      "the decimals")
    fix = _amount_fix(typed)
    if fix is None:
        raise Problem(f"expected a number, got {typed!r}",
                      f"write the amount in figures: {AMOUNT_HINT}")
    raise Problem(f"{typed!r} is not an amount in plain figures", fix)


def _amount_fix(typed: str) -> str | None:
    """How to write a mistyped amount: the figure it most likely means (None: no figure)."""
    figures = _GROUPING.sub("", _CURRENCY.sub("", typed)).strip()
    sign = "-" if figures.startswith("-") else ""
    figures = figures.lstrip("+-")
    currency = "; no currency sign: the currency is `terms.currency`" \
        if _CURRENCY.search(typed) else ""
    if not re.fullmatch(r"[0-9][0-9.,]*", figures):
        return None
    points = [i for i, ch in enumerate(figures) if ch in ".,"]
    decimal_at = points[-1] if points else -1
    if points and (len(points) == 1 or figures[points[0]] != figures[decimal_at]):
        if len(points) == 1 and len(figures) - decimal_at - 1 == 3:
            whole = figures.replace(",", "").replace(".", "")
            return f"write {sign}{whole.lstrip('0') or '0'}: {AMOUNT_HINT}; a point and " \
                   f"two decimals if you meant a fraction{currency}"
        whole = figures[:decimal_at].replace(",", "").replace(".", "")
        meant = f"{whole.lstrip('0') or '0'}.{figures[decimal_at + 1:]}"
    else:
        meant = figures.replace(",", "").replace(".", "").lstrip("0") or "0"
    return f"write {sign}{meant}: {AMOUNT_HINT}{currency}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _no_such_day(typed: str) -> Problem:
    """`2027-02-30`: why the date does not exist, named as a calendar would."""
    year, month, day = (int(part) for part in typed.split("-"))
    if not 1 <= month <= 12:
        why = f"there is no month {month}"
    else:
        last = calendar.monthrange(year, month)[1]
        why = f"{_MONTHS[month - 1]} {year} has {last} days" if day else "days start at 01"
    return Problem(f"{typed!r} is not a valid date: {why}", "write dates as YYYY-MM-DD")


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
            raise _no_such_day(value.strip()) from None
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
