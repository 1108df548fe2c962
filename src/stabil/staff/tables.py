"""Page tables for the HR pages: one description serves the HTML table, the SVG chart and the Excel export.

A ``PageTable`` holds real values (numbers stay numbers); the template formats them in Swedish
(``number``/``percent`` filters) and ``as_sheet`` hands the same rows to the Excel writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stabil.common.output import Sheet

TEXT, INT, DEC, PCT, DATE = "text", "int", "dec", "pct", "date"
# As people read them (issue 13): an FTE as a whole percentage ("75 %", not "0,75"), years of experience
# with one decimal ("3,2", not "3,20").
FTE, YEARS = "fte", "years"


@dataclass(frozen=True)
class Link:
    """A cell that links to a page on screen and is plain text in Excel."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Column:
    label: str
    kind: str = TEXT


@dataclass
class PageTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    def cells(self) -> list[list[dict[str, Any]]]:
        """Return rows as cells carrying their kind, for the template."""
        return [[{"value": value, "kind": column.kind} for value, column in zip(row, self.columns)]
                for row in self.rows]

    def as_sheet(self, period: str = "") -> Sheet:
        """Return the table as a workbook sheet; its title names the period when given."""
        rows = [[str(value) if isinstance(value, Link) else value for value in row] for row in self.rows]
        title = f"{self.title}, {period}" if period else str(self.title)
        return Sheet(self.key, [str(column.label) for column in self.columns], rows, title=title)


@dataclass
class Bar:
    label: str
    value: float
    y: int
    width: float


def bar_chart(items: list[tuple[str, float]], *, width: int = 360, decimals: int = 1) -> dict[str, Any]:
    """Return the geometry of a horizontal bar chart (inline SVG, drawn by the template)."""
    top = max((value for _label, value in items), default=0) or 1
    bars = [Bar(str(label), value, 8 + index * 26, round(width * value / top, 1))
            for index, (label, value) in enumerate(items)]
    return {"bars": bars, "height": 16 + 26 * len(bars), "width": width, "decimals": decimals}
