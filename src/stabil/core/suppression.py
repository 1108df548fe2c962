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

Staff figures follow the same rules, with two group-size rules of their own (staff data is
personal data, and a unit is small enough for a figure to point at one person):

4. **Sick leave of a small group is not published.** A group of at most ten employees gets no
   sick-leave figure (``STAFF_SICK_LEAVE_MIN_GROUP``: the smallest group that gets one). This is
   the rule municipalities apply in their annual accounts: lag (1997:614) om kommunal redovisning
   4 kap. 1 a § (SFS 2002:1065), carried into lag (2018:597) om kommunal bokföring och
   redovisning: a group's sick leave is not given when the group has at most ten employees or when
   the figure can be traced to an individual.
5. **Leavers and exit reasons of a small group are not published.** A count of leavers, or of
   leavers giving a reason, of 1..threshold is suppressed like a count of children (rule 1), and
   the reasons of a group of at most ``threshold`` leavers are hidden altogether (rule 2 applies
   to the group: its row is hidden, and with it every total the row is part of).

Tables with row and column totals (``suppress_table``) apply rules 1 and 2 to both directions: a
suppressed cell hides its row total, its column total and the grand total. A hidden total leaves
every equation that contains a suppressed cell with a second unknown, so no suppressed cell can be
solved from the published figures.

Series (``suppress_series``, the forecast pages): every month 1..threshold is suppressed; a
series has no totals; anything computed from a series with a suppressed month (a forecast, its
bands, its backtest errors) is not published (rule 3: ``series_is_public``).

The property tests in ``tests/core/test_suppression.py`` check, for random tables, that
for every suppressed cell another table with a different value in that cell gives exactly
the same public output.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_THRESHOLD = 4
HIDDEN = ".."

#: The smallest group of employees whose sick leave is published (rule 4: a group of at most ten
#: employees gets no figure, lag 1997:614 4 kap. 1 a § / lag 2018:597).
STAFF_SICK_LEAVE_MIN_GROUP = 11


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


# --- staff figures ------------------------------------------------------------------------------


def sick_leave_is_public(employees: float) -> bool:
    """Return True when a group of ``employees`` (average headcount) may get a sick-leave figure (rule 4)."""
    return employees >= STAFF_SICK_LEAVE_MIN_GROUP


def suppress_leavers(count: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """Return a published count of leavers (rule 5: as a small count of children)."""
    return suppress_count(count, threshold)


# --- tables with row and column totals --------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """A published table: cells per row and column, row totals, column totals and the grand total."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[str, dict[str, Cell]]
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    total: Cell

    @property
    def any_suppressed(self) -> bool:
        """Return True when some cell is not published."""
        return self.total.suppressed

    def as_json(self) -> dict:
        """Return the public table: numbers, or labels where suppressed."""
        return {
            "cells": {r: {c: self.cells[r][c].to_public() for c in self.columns} for r in self.rows},
            "row_totals": {r: self.row_totals[r].to_public() for r in self.rows},
            "column_totals": {c: self.column_totals[c].to_public() for c in self.columns},
            "total": self.total.to_public(),
        }


def suppress_table(counts: Mapping[str, Mapping[str, int]], threshold: int = DEFAULT_THRESHOLD, *,
                   columns: Sequence[str] | None = None, hide_small_rows: bool = False,
                   hide_rows: Collection[str] = ()) -> SuppressedTable:
    """Return the published form of a table of counts with row, column and grand totals.

    Primary suppression: a cell 1..threshold is published as ``"<{threshold + 1}"``. Group rule
    (``hide_small_rows``, rule 5): a row whose total is 1..threshold is hidden altogether (every cell
    ``".."``, zeros included, since a published zero beside one "<5" would say what the few had in
    common). Complementary suppression: a row, a column, and the whole table with a hidden cell have
    their totals hidden (``".."``). The totals are computed here from the cells, never taken from
    elsewhere, so they always add up.

    ``hide_rows`` names rows to hide altogether for a group rule of the caller's (a unit with few
    exit interviews: its group is the people interviewed, not the reasons they mentioned).

    The group limit is the threshold itself, not a free number: a shown row then has a total above
    the threshold, which its suppressed cells (each at most the threshold) can never be pinned by.
    """
    check_threshold(threshold)
    rows = tuple(counts)
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(counts[row]))
        columns = tuple(seen)
    columns = tuple(columns)
    for row in rows:
        for column, value in counts[row].items():
            if column not in columns:
                raise ValueError(f"row {row!r} has a column {column!r} that is not in the table")
            if value < 0:
                raise ValueError(f"negative count {value} in row {row!r}, column {column!r}")
    value_of = {row: {column: int(counts[row].get(column, 0)) for column in columns} for row in rows}
    small = small_count_label(threshold)
    cells: dict[str, dict[str, Cell]] = {}
    for row in rows:
        row_total = sum(value_of[row].values())
        if row in hide_rows or (hide_small_rows and is_small(row_total, threshold)):
            cells[row] = {column: Cell(None, HIDDEN) for column in columns}
            continue
        cells[row] = {column: Cell(None, small) if is_small(value, threshold) else visible(value)
                      for column, value in value_of[row].items()}

    def total_cell(published: Sequence[Cell], exact: int) -> Cell:
        return Cell(None, HIDDEN) if any(cell.suppressed for cell in published) else visible(exact)

    row_totals = {row: total_cell(list(cells[row].values()), sum(value_of[row].values())) for row in rows}
    column_totals = {column: total_cell([cells[row][column] for row in rows],
                                        sum(value_of[row][column] for row in rows)) for column in columns}
    grand = total_cell([cell for row in rows for cell in cells[row].values()],
                       sum(sum(value_of[row].values()) for row in rows))
    return SuppressedTable(rows, columns, cells, row_totals, column_totals, grand)


# --- monthly series (forecasts) ---------------------------------------------------------------


def suppress_series(values: Sequence[float], threshold: int = DEFAULT_THRESHOLD) -> list[Cell]:
    """Return the published months of a series of counts (rule 1; a series has no total)."""
    check_threshold(threshold)
    return [suppress_count(int(round(value)), threshold) for value in values]


def series_is_public(values: Sequence[float], threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Return True when nothing in the series is suppressed, so figures computed from it may be published.

    A forecast is a function of every month of its history (rule 3): with one month hidden, the
    forecast, its bands and its backtest errors are hidden too.
    """
    return not any(cell.suppressed for cell in suppress_series(values, threshold))
