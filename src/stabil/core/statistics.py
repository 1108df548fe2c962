"""The year-over-year statistics table for the board, in the shape of Värmdö's.

Värmdö's report to its social services board (seed 004, "Verksamhetsstatistik") compares
the same months of several years: investigations opened and interventions ongoing, per
group (barn, ungdom, ensamkommande) and in total, with an average per month and the
change from the year before in whole per cent.

Counting rules (the contract of ``stabil report statistics``):

* An investigation counts in year Y when its opening date (the ``investigation_opened``
  event) falls in Y and in the months given (e.g. months 1-8: 1 January to 31 August).
* An intervention counts in year Y when it started on or before the last day of the months
  given in Y and had not ended before their first day in Y (an intervention ending on the
  first day still counts).
* "Average per month" is the total divided by the number of months given.
* "Change" is (this year - the year before) / the year before x 100, rounded to a whole
  per cent with halves away from zero; there is none for the first year or from zero.
  The change of the average per month equals the change of the total (the number of
  months is the same every year). Värmdö's published table prints "0%" for the average's
  first change in both tables (where its totals give -9 % and 4 %) and the total's change
  otherwise; Stabil prints the computed change.

Värmdö's own table is internally inconsistent about its months: the column header says
"Januari - augusti" but the title says "Årsrapport jan-sep" and the averages are the totals
divided by nine (317 / 9 = 35, 446 / 9 = 50). Reproducing the published averages therefore
needs ``--months 1-9``; the counts themselves are the same for both when no event falls in
September. See docs/governance.md.

Counts are exact here; ``public_table`` applies small-count suppression
(see ``stabil.core.suppression``) for public documents.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from stabil.core import suppression
from stabil.core.suppression import Cell

GROUPS = ("barn", "ungdom", "ensamkommande")
ROWS = (*GROUPS, "total")
MEASURES = ("investigations_opened", "interventions_ongoing")


@dataclass(frozen=True)
class MonthRange:
    """The months of the year compared, first..last inclusive (1 = January)."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if not (1 <= self.first <= self.last <= 12):
            raise ValueError(f"months must satisfy 1 <= first <= last <= 12, got {self.first}-{self.last}")

    @property
    def count(self) -> int:
        """Return the number of months in the range."""
        return self.last - self.first + 1

    def first_day(self, year: int) -> date:
        """Return the first day of the range in the given year."""
        return date(year, self.first, 1)

    def last_day(self, year: int) -> date:
        """Return the last day of the range in the given year."""
        return date(year, self.last, calendar.monthrange(year, self.last)[1])


def parse_years(text: str) -> tuple[int, ...]:
    """Return the years of "2012-2015" or "2014" as a tuple; ValueError with a Swedish message."""
    try:
        if "-" in text:
            first_text, last_text = text.split("-", 1)
            first, last = int(first_text), int(last_text)
        else:
            first = last = int(text)
    except ValueError:
        raise ValueError(f"Ogiltiga år '{text}': ange t.ex. 2012-2015 eller 2015.") from None
    if not (1900 <= first <= last <= 2200):
        raise ValueError(f"Ogiltiga år '{text}': första året måste vara före eller lika med det sista.")
    if last - first > 50:
        raise ValueError(f"Ogiltiga år '{text}': högst 50 år i en tabell.")
    return tuple(range(first, last + 1))


def parse_months(text: str) -> MonthRange:
    """Return the MonthRange of "1-8" or "3"; ValueError with a Swedish message."""
    try:
        if "-" in text:
            first_text, last_text = text.split("-", 1)
            months = MonthRange(int(first_text), int(last_text))
        else:
            months = MonthRange(int(text), int(text))
    except ValueError:
        raise ValueError(
            f"Ogiltiga månader '{text}': ange t.ex. 1-8 (januari-augusti), månader 1-12."
        ) from None
    return months


@dataclass(frozen=True)
class YearOverYearTable:
    """Exact counts per measure, row (group or total) and year."""

    years: tuple[int, ...]
    months: MonthRange
    counts: dict[str, dict[str, dict[int, int]]] = field(repr=False)

    def count(self, measure: str, row: str, year: int) -> int:
        """Return one exact count."""
        return self.counts[measure][row][year]

    def average_per_month(self, measure: str, year: int) -> Fraction:
        """Return the total divided by the number of months (exact)."""
        return Fraction(self.counts[measure]["total"][year], self.months.count)

    def change_percent(self, measure: str, row: str, year: int) -> int | None:
        """Return the change from the year before in whole per cent (None for the first year)."""
        index = self.years.index(year)
        if index == 0:
            return None
        by_year = self.counts[measure][row]
        return suppression.change_percent(by_year[self.years[index - 1]], by_year[year])

    def average_change_percent(self, measure: str, year: int) -> int | None:
        """Return the change of the average per month, which equals the total's change."""
        return self.change_percent(measure, "total", year)

    def as_json(self) -> dict:
        """Return the JSON object of the CLI contract, exact figures."""
        data: dict = {}
        change: dict = {}
        average: dict = {}
        for measure in MEASURES:
            data[measure] = {
                row: {str(year): self.count(measure, row, year) for year in self.years} for row in ROWS
            }
            change[measure] = {
                row: {str(year): self.change_percent(measure, row, year) for year in self.years[1:]}
                for row in ROWS
            }
            average[measure] = {
                str(year): suppression.round_half_away(self.average_per_month(measure, year))
                for year in self.years
            }
        return {**data, "change_percent": change, "average_per_month": average}


def intervention_spells(events: Iterable[tuple[str, date, str]]) -> list[tuple[date, date | None]]:
    """Return one case's interventions as (started_on, ended_on or None) spells.

    ``events`` yields (kind, on, intervention) for ``intervention_started`` and
    ``intervention_ended`` events (others are ignored). The matching rule is the case flow's
    (``stabil.core.caseflow``): events in date order, a start before an end on the same day;
    an end closes the latest running intervention of the named kind, else the latest
    running one; an end with nothing running is ignored. A light version for counting
    100,000 cases quickly; ``tests/core/test_statistics.py`` checks it against
    ``caseflow.case_state``.
    """
    order = {"intervention_started": 0, "intervention_ended": 1}
    relevant = sorted(
        (e for e in events if e[0] in order), key=lambda e: (e[1], order[e[0]])
    )
    spells: list[list] = []  # [kind, started_on, ended_on]
    for kind, on, intervention in relevant:
        if kind == "intervention_started":
            spells.append([intervention, on, None])
            continue
        running = [s for s in spells if s[2] is None]
        named = [s for s in running if s[0] == intervention] if intervention else []
        target = (named or running or [None])[-1]
        if target is not None:
            target[2] = on
    return [(started_on, ended_on) for _, started_on, ended_on in spells]


def _empty_counts(years: Sequence[int]) -> dict[str, dict[str, dict[int, int]]]:
    return {measure: {row: dict.fromkeys(years, 0) for row in ROWS} for measure in MEASURES}


def year_over_year(
    *,
    investigations_opened: Iterable[tuple[str, date]],
    interventions: Iterable[tuple[str, date, date | None]],
    years: Sequence[int],
    months: MonthRange,
) -> YearOverYearTable:
    """Return the Värmdö table for the given years and months.

    ``investigations_opened`` yields (group, opened_on); ``interventions`` yields
    (group, started_on, ended_on or None). Groups outside barn/ungdom/ensamkommande raise
    ValueError. The counting rules are in the module docstring.
    """
    years = tuple(sorted(set(years)))
    if not years:
        raise ValueError("at least one year is needed")
    counts = _empty_counts(years)
    opened = counts["investigations_opened"]
    ongoing = counts["interventions_ongoing"]
    year_set = set(years)
    first_month, last_month = months.first, months.last
    for group, opened_on in investigations_opened:
        if group not in opened:
            raise ValueError(f"unknown group {group!r}")
        if opened_on.year in year_set and first_month <= opened_on.month <= last_month:
            opened[group][opened_on.year] += 1
    windows = [(year, months.first_day(year), months.last_day(year)) for year in years]
    for group, started_on, ended_on in interventions:
        if group not in ongoing:
            raise ValueError(f"unknown group {group!r}")
        row = ongoing[group]
        for year, first_day, last_day in windows:
            if started_on <= last_day and (ended_on is None or ended_on >= first_day):
                row[year] += 1
    for measure in MEASURES:
        for year in years:
            counts[measure]["total"][year] = sum(counts[measure][group][year] for group in GROUPS)
    return YearOverYearTable(years=years, months=months, counts=counts)


@dataclass(frozen=True)
class PublicTable:
    """The table as published: cells may be suppressed; derived figures only from published cells."""

    years: tuple[int, ...]
    months: MonthRange
    threshold: int
    cells: dict[str, dict[str, dict[int, Cell]]]
    averages: dict[str, dict[int, Cell]]
    changes: dict[str, dict[str, dict[int, Cell]]]
    average_changes: dict[str, dict[int, Cell]]

    def as_json(self) -> dict:
        """Return the JSON object of the CLI contract with suppressed cells as labels."""
        data: dict = {}
        change: dict = {}
        for measure in MEASURES:
            data[measure] = {
                row: {str(y): self.cells[measure][row][y].to_public() for y in self.years} for row in ROWS
            }
            change[measure] = {
                row: {str(y): _change_json(self.changes[measure][row][y]) for y in self.years[1:]}
                for row in ROWS
            }
        average = {
            measure: {str(y): self.averages[measure][y].to_public() for y in self.years} for measure in MEASURES
        }
        return {**data, "change_percent": change, "average_per_month": average}


def _change_json(cell: Cell) -> int | str:
    return cell.label if cell.value is None else cell.value


def public_table(table: YearOverYearTable, threshold: int = suppression.DEFAULT_THRESHOLD) -> PublicTable:
    """Return the table with small counts suppressed for a public document.

    Each year column of a measure is a line (the groups add up to the total), suppressed by
    ``suppression.suppress_line``; averages and changes are computed from published cells
    only.
    """
    suppression.check_threshold(threshold)
    cells: dict = {}
    averages: dict = {}
    changes: dict = {}
    average_changes: dict = {}
    for measure in MEASURES:
        cells[measure] = {row: {} for row in ROWS}
        for year in table.years:
            parts = {group: table.count(measure, group, year) for group in GROUPS}
            published, total = suppression.suppress_line(parts, table.count(measure, "total", year), threshold)
            for group in GROUPS:
                cells[measure][group][year] = published[group]
            cells[measure]["total"][year] = total
        averages[measure] = {}
        for year in table.years:
            total_cell = cells[measure]["total"][year]
            if total_cell.value is None:
                averages[measure][year] = Cell(None, suppression.HIDDEN)
            else:
                avg = suppression.round_half_away(Fraction(total_cell.value, table.months.count))
                averages[measure][year] = Cell(avg, str(avg))
        changes[measure] = {}
        for row in ROWS:
            row_cells = [cells[measure][row][y] for y in table.years]
            changes[measure][row] = dict(
                zip(table.years[1:], suppression.public_change_cells(row_cells), strict=True)
            )
        average_changes[measure] = changes[measure]["total"]
    return PublicTable(
        years=table.years,
        months=table.months,
        threshold=threshold,
        cells=cells,
        averages=averages,
        changes=changes,
        average_changes=average_changes,
    )


def exact_rows(table: YearOverYearTable, measure: str) -> list[list[str]]:
    """Return the printed rows of one measure as strings, in the published layout.

    Columns: category, first year, then per later year its count and change ("-16%").
    The last row is the average per month.
    """
    rows = []
    for row in ROWS:
        printed = [row]
        for index, year in enumerate(table.years):
            printed.append(str(table.count(measure, row, year)))
            if index:
                change = table.change_percent(measure, row, year)
                printed.append("–" if change is None else f"{change}%")
        rows.append(printed)
    average = ["average_per_month"]
    for index, year in enumerate(table.years):
        average.append(str(suppression.round_half_away(table.average_per_month(measure, year))))
        if index:
            change = table.average_change_percent(measure, year)
            average.append("–" if change is None else f"{change}%")
    rows.append(average)
    return rows
