"""Small-count suppression for public outputs about children.

Board reports are public documents (offentlighetsprincipen, TF 2 kap.), so a count of
children or cases between 1 and a threshold must not be readable from them
(OSL 26 kap. 1 § protects the individual's circumstances in social services).

Stabil's rules, which every public table goes through:

1. **Primary suppression.** A count ``n`` with ``1 <= n <= threshold`` is published as
   ``"<{threshold + 1}"`` (``"<5"`` for the default threshold 4). Zero is published: it
   says nothing about an individual.
2. **Complementary suppression of the total.** A *line* is a group of parts and the total
   they add up to (the year columns of the Värmdö table). When a part of a line is
   suppressed, the line's total is suppressed too and published as ``".."`` (even when the
   total is itself small: ``"<5"`` on the total would bound the small parts from above).
   A hidden total leaks nothing: with the total gone there is no
   equation left from which a part could be solved, and the decision to hide it depends
   only on which parts carry ``"<5"``, which is public anyway. (Suppressing a second part
   instead keeps the total visible but leaks through the choice of the second part and
   through the box bounds; that is why Stabil does not do it.)
3. **Derived figures only from published figures.** Averages, changes in per cent and
   shares are computed from the published cells; when any input is suppressed the derived
   figure is suppressed too (``".."``). So nothing published is a function of a hidden
   value.

The property tests in ``tests/core/test_suppression.py`` check, for random tables, that
for every suppressed cell another table with a different value in that cell gives exactly
the same public output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_THRESHOLD = 4
HIDDEN = ".."


def small_count_label(threshold: int = DEFAULT_THRESHOLD) -> str:
    """Return the label shown instead of a small count, e.g. "<5" for threshold 4."""
    return f"<{threshold + 1}"


def check_threshold(threshold: int) -> int:
    """Return the threshold when it is usable, else raise ValueError.

    A threshold below 2 would publish "<2", which says the count is exactly 1.
    """
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 2:
        raise ValueError(f"suppression threshold must be a whole number of at least 2, got {threshold!r}")
    return threshold


def is_small(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Return True when the count must be suppressed (1..threshold)."""
    return 1 <= count <= threshold


@dataclass(frozen=True)
class Cell:
    """One published cell: the exact value, or None with the label shown instead."""

    value: int | None
    label: str

    @property
    def suppressed(self) -> bool:
        """Return True when the cell's value is not published."""
        return self.value is None

    def to_public(self) -> int | str:
        """Return the value for JSON/CSV: the number, or the label when suppressed."""
        return self.label if self.value is None else self.value


def visible(value: int) -> Cell:
    """Return a published cell holding an exact count."""
    return Cell(value=value, label=str(value))


def suppress_line(
    parts: Mapping[str, int], total: int, threshold: int = DEFAULT_THRESHOLD
) -> tuple[dict[str, Cell], Cell]:
    """Return the published parts and total of one line (parts adding up to a total).

    Rules 1 and 2 of the module docstring.
    """
    check_threshold(threshold)
    if sum(parts.values()) != total:
        raise ValueError(f"parts {dict(parts)} do not add up to the total {total}")
    small = small_count_label(threshold)
    published = {
        key: Cell(None, small) if is_small(count, threshold) else visible(count)
        for key, count in parts.items()
    }
    # A small total implies a small part (the parts are 0 or above the threshold otherwise),
    # so the total is always hidden as ".." here, never as "<5": "<5" would bound the sum of
    # the small parts from above, and with as many small parts as the threshold (two parts
    # under "<3") that bound pins every part to 1.
    if any(cell.suppressed for cell in published.values()):
        published_total = Cell(None, HIDDEN)
    else:
        published_total = visible(total)
    return published, published_total


def suppress_count(count: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """Return a published single count that is not part of a line (rule 1)."""
    check_threshold(threshold)
    return Cell(None, small_count_label(threshold)) if is_small(count, threshold) else visible(count)


def suppress_share(numerator: int, denominator: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Return True when a share numerator/denominator must not be published.

    A published share together with a published denominator gives the numerator, and the
    complement ``denominator - numerator`` is as revealing as the numerator, so the share is
    hidden when either count, or the denominator itself, is small.
    """
    check_threshold(threshold)
    return (
        is_small(numerator, threshold)
        or is_small(denominator - numerator, threshold)
        or is_small(denominator, threshold)
    )


def round_half_away(value: Fraction) -> int:
    """Return value rounded to a whole number, halves away from zero (as in print)."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole = int(magnitude)
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return sign * whole


def change_percent(previous: int | None, current: int | None) -> int | None:
    """Return the change from previous to current in whole per cent, or None.

    None when either figure is unpublished or the previous figure is zero (a change from
    nothing has no percentage). Halves are rounded away from zero.
    """
    if previous is None or current is None or previous == 0:
        return None
    return round_half_away(Fraction(current - previous, previous) * 100)


def public_change_cells(cells: Sequence[Cell]) -> list[Cell]:
    """Return change-in-per-cent cells between consecutive published cells (rule 3)."""
    out = []
    for previous, current in zip(cells, cells[1:], strict=False):
        change = change_percent(previous.value, current.value)
        out.append(Cell(None, HIDDEN) if change is None else Cell(change, f"{change}%"))
    return out
