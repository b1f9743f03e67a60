"""Dates, amounts and percentages as each document language writes them (Babel's nl_BE, en_GB,
fr_BE, with the house style's few corrections); the templates' `date`, `money`, `amount`,
`number` and `percent` filters."""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, get_date_format, get_month_names
from babel.numbers import format_currency, format_decimal, format_percent

LOCALES = {"nl": "nl_BE", "en": "en_GB", "fr": "fr_BE"}
PERCENT_PATTERNS = {"nl": "#,##0\u00a0%"}
"""Belgian Dutch writes "21 %" (as the sources and docs/format.md do: "4,2 %"), with a
no-break space; Babel's nl_BE pattern has none. Other languages keep their locale's."""
MONTH_ABBREVIATIONS = {"en": {"Sept": "Sep"}}
"""One abbreviation style per language: CLDR's en_GB writes "Sept" beside "Jun" and "Jul";
British house style abbreviates every month to three letters. Tables and the timeline
both print these."""


class Formatter:
    """Dates, amounts and percentages in the document's language (Babel, small pure calls)."""

    def __init__(self, language: str):
        self.language = language
        self.locale = LOCALES[language]

    def date(self, value: datetime.date | None, form: str = "long") -> str:
        # No-break spaces: "29 januari 2027" never splits over two lines.
        if value is None:
            return ""
        text = format_date(value, form, locale=self.locale)
        pattern = (get_date_format(form, locale=self.locale).pattern
                   if form in ("short", "medium", "long", "full") else form)
        if "MMM" in pattern and "MMMM" not in pattern:  # the month abbreviated: ours
            babel = str(get_month_names("abbreviated", locale=self.locale)[value.month])
            text = text.replace(babel, self.month_names()[value.month - 1], 1)
        if self.language == "fr" and value.day == 1:
            text = first_of_month(text)
        return text.replace(" ", "\u00a0")

    def money(self, amount: Decimal | float, currency: str = "EUR") -> str:
        """An amount with its cents, as a fee line or an invoice shows it: "€ 1.050,00"."""
        return format_currency(amount, currency, locale=self.locale)

    def amount(self, amount: Decimal | float, currency: str = "EUR") -> str:
        """An amount in prose or terms: without cents when it is whole ("tot € 2.500.000",
        "2 500 000 €"), with them when not; the locale's own pattern, its decimals dropped."""
        if Decimal(str(amount)) != Decimal(str(amount)).to_integral_value():
            return self.money(amount, currency)
        locale = Locale.parse(self.locale)
        pattern = copy.copy(locale.currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        return pattern.apply(Decimal(str(amount)), locale, currency=currency,
                             currency_digits=False)

    def number(self, value: Decimal | float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: Decimal | float) -> str:
        """`21` -> "21 %" / "21%": values are given in percent, as in the sources."""
        return format_percent(Decimal(str(value)) / 100, PERCENT_PATTERNS.get(self.language),
                              locale=self.locale, decimal_quantization=False)

    def country(self, code: str) -> str:
        """`BE` -> "België" / "Belgium"; unknown codes print as typed."""
        return str(Locale.parse(self.locale).territories.get(code.upper(), code))

    def month_names(self) -> list[str]:
        """The abbreviated months, as tables ("9 Sep 2027") and the timeline print them."""
        names = get_month_names("abbreviated", locale=self.locale)
        fixes = MONTH_ABBREVIATIONS.get(self.language, {})
        return [fixes.get(str(names[i]), str(names[i])) for i in range(1, 13)]


def first_of_month(text: str) -> str:
    """French writes the first day of a month as an ordinal: "1er janvier 2027"."""
    return re.sub(r"^1(?=\s)", "1er", text)
