"""Amounts that read as figures but are unlikely: a warning the user can keep.

`read_amount` refuses what cannot be read one way (`1.250`); what remains may still be a
slip (a day rate of 12.50, a signing limit of 50), so the usual range of each kind of
amount is named here and a value outside it is a warning at its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from generator.source.model import Money
from generator.source.reading import Path_
from generator.source.records import convert
from generator.source.references import walk
from generator.source.rules.context import Context

PLAUSIBLE: dict[str, tuple[str, Decimal, Decimal | None]] = {
    "day_rate": ("a day rate", Decimal(100), Decimal(10_000)),
    "signing_limit": ("a signing limit", Decimal(1_000), None),
}
"""Amount key -> (what it is, the lowest and highest usual value): outside, a warning."""


def rule_plausible_amounts(ctx: Context) -> None:
    """9. An amount outside its usual range is likely mistyped: a warning, at its line."""
    for path, key, value in _amounts(ctx):
        what, low, high = PLAUSIBLE[key]
        if value < low:
            bound = f"under {low:,}"
        elif high is not None and value > high:
            bound = f"over {high:,}"
        else:
            continue
        ctx.warning(path, f"{what} of {value} is {bound}: is that the figure meant?",
                    "write the amount in figures, no thousands separator, a point for "
                    "decimals (1250, 1250.50); keep it if it is right")


def _amounts(ctx: Context) -> Iterator[tuple[Path_, str, Decimal]]:
    """Every amount with a usual range: as written in the model, and as a change amends it."""
    for path, value in walk(ctx.assignment):
        if path and path[-1] in PLAUSIBLE and isinstance(value, Decimal):
            yield path, str(path[-1]), value
    changes = ctx.assignment.execution.changes if ctx.assignment.execution else []
    for i, change in enumerate(changes):
        for amended, raw in change.amends.items():
            key = str(amended).rsplit(".", 1)[-1]
            if key in PLAUSIBLE:
                here: Path_ = ("execution", "changes", i, "amends", amended)
                value = _money(raw, here, ctx)
                if value is not None:
                    yield here, key, value


def _money(raw: Any, path: Path_, ctx: Context) -> Decimal | None:
    """An amended amount read as the field reads it (a Decimal); a wrong one reads as None
    and is rule 12's to report."""
    value: Decimal | None = convert(Money, raw, path, ctx.source.as_typed)[0]
    return value
