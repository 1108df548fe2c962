"""One rule for rounding a figure shown to people: half up, on the decimal value as written.

Every page shows figures through the web's ``number`` and ``percent`` filters, and every download of a
figure a page shows (CSV, Excel) rounds it with the same function, so that the page and its download
agree (issue 13: the egenkontroll's CSV wrote ``18.100000000000023`` where the page showed 18,1).

- Half up, as in the seeds' tables (a median of 2,45 days is 2,5), not Python's ``round``, which rounds
  half to even and works on the binary value (``round(2.675, 2)`` is 2.67).
- On the decimal value as Python writes it (``repr``, the shortest text that reads back as the same
  float): binary noise such as 18.100000000000023 is dropped, and 2.675 is 2.68.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float | Decimal | str, decimals: int = 0) -> Decimal:
    """Return ``value`` rounded half up to ``decimals`` places, as a Decimal (exact)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown(value: float | Decimal | None, decimals: int = 0) -> float | int | None:
    """Return ``value`` as shown with ``decimals`` places: a float (an int for none), or None.

    The number to write into a CSV or Excel file for a figure a page shows with ``decimals`` places.
    """
    if value is None:
        return None
    rounded = half_up(value, decimals)
    return int(rounded) if decimals == 0 else float(rounded)


def shown_percent(share: float | None, decimals: int = 1) -> float | int | None:
    """Return a share (0.8731) as the percentage a page shows (87.3), or None."""
    if share is None:
        return None
    return shown(Decimal(str(share)) * 100, decimals)
