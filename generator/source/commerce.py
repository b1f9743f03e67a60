"""What a proposal's commercial terms rest on: VAT numbers, VAT treatment, working days.

Small pure functions over plain values (codes, dates, numbers), as Babel's are: the
model's checks and the fee call them, and each can be tested against a hand count. The
registries they read (python-stdnum's check digits, the `holidays` calendars) are
imported on first use, so a build that needs neither does not pay for them.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from generator.source.values import Problem

VatTreatment = Literal["domestic", "reverse_charge", "out_of_scope"]
"""Same country: the national rate; a business in another EU member state: reverse charge
(no VAT line, the legal mention); any other country: outside the scope of the firm's VAT."""

EU_MEMBER_STATES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})
"""ISO 3166 codes of the EU's 27 member states (Greece is GR; its VAT numbers start EL)."""

_VAT_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}
"""VAT prefixes that are no ISO country code: Greece's EL; XI, Northern Ireland, which is
in the EU's VAT area for goods only, so services to it are services to the UK."""


def country_name(code: str) -> str:
    """`BE` -> "Belgium": a code as a message names it (English, as every message is)."""
    from babel import Locale  # imported on use: only messages name countries

    return str(Locale("en").territories.get(code, code))


def check_country(code: str) -> str:
    """An ISO 3166 two-letter country code that exists (`BE`, `IE`, `US`)."""
    from babel import Locale

    territories = Locale("en").territories
    if not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()
            and code in territories):
        raise Problem(f"{code!r} is not a country code",
                      "write the two-letter ISO code in capitals, e.g. BE, NL, IE, US")
    return code


def vat_country(number: str) -> str:
    """The country of a VAT number, from its prefix (`BE0403...` -> BE, `EL...` -> GR)."""
    prefix = number.strip()[:2].upper()
    return _VAT_PREFIX_COUNTRY.get(prefix, prefix)


def check_vat_number(number: str) -> str:
    """The VAT number as typed, once its country prefix and check digits are right.

    python-stdnum knows each country's format and check digits (`stdnum.vatin`), the
    rules a VIES look-up applies before asking the member state; no network is used.
    """
    from stdnum import vatin  # type: ignore[import-untyped]
    from stdnum.exceptions import (  # type: ignore[import-untyped]
        InvalidChecksum,
        InvalidComponent,
        InvalidLength,
        ValidationError,
    )

    compact = "".join(ch for ch in number if ch.isalnum())
    hint = "copy the number from an invoice or check it in the EU's VIES register"
    if len(compact) < 3 or not compact[:2].isalpha():
        raise Problem(f"{number!r} has no country prefix",
                      "write the VAT number with its country code, e.g. BE0403.170.701")
    country = country_name(vat_country(compact))
    try:
        vatin.validate(number)
    except InvalidChecksum:
        raise Problem(f"{number!r} fails the check digits of a VAT number of {country}",
                      hint) from None
    except InvalidLength:
        raise Problem(f"{number!r} has the wrong length for a VAT number of {country}",
                      hint) from None
    except InvalidComponent:
        known = country != compact[:2].upper()
        raise Problem(f"{number!r} is not a valid VAT number of {country}" if known else
                      f"{number!r} starts with {compact[:2]!r}, no country's VAT prefix",
                      hint if known else "start with the country code, e.g. BE, NL, IE"
                      ) from None
    except ValidationError:
        raise Problem(f"{number!r} is not written as a VAT number of {country}", hint) from None
    return number


def vat_treatment(firm_country: str | None, client_country: str | None) -> VatTreatment:
    """The VAT a firm charges a business client, from the two countries.

    An unknown country (a firm without firm.yaml, a client without country or VAT number)
    is taken as the firm's own: the national rate, as an invoice would have it.
    """
    if firm_country is None or client_country is None or firm_country == client_country:
        return "domestic"
    if firm_country in EU_MEMBER_STATES and client_country in EU_MEMBER_STATES:
        return "reverse_charge"
    return "out_of_scope"


# --------------------------------------------------------------------------- working days

@dataclass(frozen=True)
class Workload:
    """The estimate's basis: working days of the period, less public holidays, pro rata."""

    start: datetime.date
    end: datetime.date
    weekdays: int
    """Mondays to Fridays from start to end, both included."""
    holidays: tuple[tuple[datetime.date, str], ...]
    """The public holidays falling on those weekdays, with their names."""
    per_week: Decimal
    days: Decimal
    """(weekdays - holidays) x per_week / 5, to the nearest half day."""
    country: str | None
    """Whose public holidays were counted; None: no calendar (only weekends are off)."""

    @property
    def net(self) -> int:
        return self.weekdays - len(self.holidays)


def count_weekdays(start: datetime.date, end: datetime.date) -> int:
    """Mondays to Fridays from `start` to `end`, both included (0 when end < start)."""
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    tail = sum(1 for i in range(rest) if (start.weekday() + i) % 7 < 5)
    return weeks * 5 + tail


@functools.cache
def has_holiday_calendar(country: str) -> bool:
    """Whether the `holidays` package knows the country's public holidays."""
    import holidays

    return country in holidays.list_supported_countries()


def public_holidays(country: str | None, start: datetime.date, end: datetime.date,
                    language: str | None = None) -> tuple[tuple[datetime.date, str], ...]:
    """The country's national public holidays on weekdays from start to end, in date order,
    named in `language` ("nl", "en") where the calendar has it, else unnamed ("").

    Regional holidays (a German Land, a Spanish community) are not counted: the estimate
    is a proposal's, and the contract's calendar is the client's to give.
    """
    if country is None or not has_holiday_calendar(country):
        return ()
    import holidays

    years = range(start.year, end.year + 1)
    kind = type(holidays.country_holidays(country, years=()))
    named = _holiday_language(kind, language)
    calendar = holidays.country_holidays(country, years=years, language=named)
    return tuple((day, in_running_text(str(name), language) if named else "")
                 for day, name in sorted(calendar.items())
                 if start <= day <= end and day.weekday() < 5)


_FRENCH_COMMON_NOUN = re.compile(r"^(Lundi|Fête|Jour) (?=\w)")


def in_running_text(name: str, language: str | None) -> str:
    """A holiday's name as a sentence writes it: French capitalises the proper noun only
    ("lundi de Pâques", "fête du Travail"), where the calendar lists "Lundi de Pâques"."""
    if language == "fr":
        return _FRENCH_COMMON_NOUN.sub(lambda m: m.group(0).lower(), name)
    return name


def _holiday_language(calendar: type, language: str | None) -> str | None:
    """The calendar's language closest to a document's: its own when it is that language
    (`en_IE` for Ireland), else the plain or British form, else American; None if none."""
    if language is None:
        return None
    own = getattr(calendar, "default_language", None) or ""
    supported = getattr(calendar, "supported_languages", ()) or ()
    candidates = [own] if own.split("_")[0] == language else []
    candidates += [language, f"{language}_GB", f"{language}_US"]
    return next((c for c in candidates if c in supported or c == own), None)


def half_days(value: Decimal) -> Decimal:
    """To the nearest half day, halves rounded up (93.6 -> 93.5, 93.75 -> 94)."""
    return (value * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2


def workload(start: datetime.date, end: datetime.date, per_week: Decimal,
             country: str | None, language: str | None = None) -> Workload:
    """Working days of the period less the country's public holidays (named in `language`),
    x per_week / 5, to the nearest half day."""
    weekdays = count_weekdays(start, end)
    off = public_holidays(country, start, end, language)
    days = half_days(Decimal(weekdays - len(off)) * per_week / 5)
    known = country if country is not None and has_holiday_calendar(country) else None
    return Workload(start, end, weekdays, off, per_week, days, known)
