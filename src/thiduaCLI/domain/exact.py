"""Exact sums in SQL: a stored value as whole units and billionths, two integers.

SQLite has no decimal type, and a sum of binary floats is not the sum of the decimals typed
(0,1 + 0,2 ≠ 0,3). A value has at most nine decimal places (:data:`PLACES`), so each figure
also stores its whole part and its billionths as integers, which SQL adds exactly; the sum
comes back as a :class:`~decimal.Decimal`. The float column keeps the value for reading: a
value has at most 15 significant digits, so its shortest ``repr`` gives back the digits typed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from thiduaCLI.text.numbers import PLACES, to_decimal

_BILLIONTH = Decimal(1).scaleb(-PLACES)


def parts(value: float | Decimal | int) -> tuple[int, int]:
    """The whole units and the billionths of a value, both with its sign: -1,5 is
    (-1, -500000000). A share worked out from a numerator and a denominator may have more
    places than nine: it is rounded half up to the billionth first."""
    exact = to_decimal(value).quantize(_BILLIONTH, rounding=ROUND_HALF_UP)
    whole = int(exact)  # toward zero
    return whole, int((exact - whole).scaleb(PLACES))


def from_parts(whole: int | None, billionths: int | None) -> Decimal:
    """The decimal that summed parts stand for, with no trailing zeros (``107``, ``0.3``)."""
    if not billionths:  # a whole number (most sums: people, jobs): already as written
        return Decimal(whole or 0)
    total = (whole or 0) * _PER_UNIT + billionths  # in billionths: an integer, exact
    if not total % _PER_UNIT:  # the billionths added up to whole units
        return Decimal(total // _PER_UNIT)
    # a fraction is left: its trailing zeros go (and it cannot read 1E+2 as 100 would)
    return Decimal(total).scaleb(-PLACES).normalize()


_PER_UNIT = 10**PLACES
