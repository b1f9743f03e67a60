"""Amounts as a client reads them: fee lines and invoices with their cents, an amount in
prose or in the terms (an insurance cover, a signing limit) without cents when whole."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.documents.formats import Formatter

N, NB = "\u202f", "\u00a0"  # narrow no-break space (French thousands), no-break space


@pytest.mark.parametrize(("language", "whole", "cents"), [
    ("nl", f"€{NB}2.500.000", f"€{NB}1.250,50"),
    ("en", "€2,500,000", "€1,250.50"),
    ("fr", f"2{N}500{N}000{NB}€", f"1{N}250,50{NB}€"),
])
def test_an_amount_drops_its_cents_only_when_whole(language: str, whole: str,
                                                   cents: str) -> None:
    fmt = Formatter(language)
    assert fmt.amount(Decimal("2500000")) == fmt.amount(2500000) == whole
    assert fmt.amount(Decimal("2500000.00")) == whole
    assert fmt.amount(Decimal("1250.50")) == cents == fmt.money(Decimal("1250.5"))
    assert fmt.money(Decimal("2500000")).endswith(("00", f"00{NB}€")), "fee lines keep cents"


def test_an_amount_in_another_currency_and_below_zero() -> None:
    assert Formatter("en").amount(Decimal("40000"), "GBP") == "£40,000"
    assert Formatter("nl").amount(Decimal("-25000")) == f"€{NB}-25.000"
