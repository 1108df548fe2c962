"""The board report (nämndrapport): one data structure rendered as a web page, a PDF and a workbook.

Contents for a period (whole months within one calendar year):

1. the Värmdö statistics table for the period's months, the period's year and the three before;
2. deadline compliance in the period (the four deadline KPIs);
3. the staff situation per unit (turnover, sick leave, consultants, competence);
4. scorecard status for the period's year;
5. action-plan progress.

A public report (``exact=False``) suppresses small counts about children (``stabil.core.suppression``):
statistics cells, and deadline shares whose counts are small. It also applies the staff rules of the
same module to section 3: no sick-leave figure for a unit of at most ten employees, no count of
leavers 1..threshold (nor the turnover rate that would give it back beside the headcount), no
competence share whose counts are small; and on the scorecard section the organisation-wide staff
KPIs that are the total of a hidden unit figure are hidden too (complementary suppression).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stabil.common.output import Sheet, write_xlsx
from stabil.common.periods import months_label, period_label
from stabil.core import kpi as core_kpi
from stabil.core import rounding, statistics, suppression
from stabil.core.statistics import MonthRange
from stabil.organisation import selectors as organisation
from stabil.staff.selectors import staff_report

from . import selectors

PERIOD_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*\.\.\s*(\d{4})-(\d{2})\s*$")
STAT_YEARS = 4
#: Years per statistics table in a PDF: four years and three changes fit an upright A4 page.
PDF_YEARS_PER_TABLE = 4

# The board paper's labels in the reader's language (issue 13: the English UI is complete); the command line and
# the PDF a board receives are Swedish, as the default language is.
GROUP_LABELS = {"barn": gettext_lazy("Barngruppen"), "ungdom": gettext_lazy("Ungdomsgruppen"),
                "ensamkommande": gettext_lazy("Ensamkommande flyktingbarn"), "total": gettext_lazy("Totalt")}
MEASURE_LABELS = {"investigations_opened": gettext_lazy("Utredningar öppnade under perioden"),
                  "interventions_ongoing": gettext_lazy("Insatser pågående under perioden")}
KPI_LABELS = {
    "preliminary_assessment_within_14_days": gettext_lazy("Förhandsbedömningar inom 14 dagar"),
    "investigation_within_4_months": gettext_lazy("Utredningar inom 4 månader"),
    "first_contact_within_guarantee": gettext_lazy("Familjer kontaktade inom tjänstegarantin"),
    "placement_review_on_time": gettext_lazy("Placeringar övervägda i tid"),
    "staff_turnover_rate": gettext_lazy("Personalomsättning"),
    "units_sick_leave_below_5_percent": gettext_lazy("Enheter med sjukfrånvaro under 5 %"),
    "consultant_share": gettext_lazy("Andel inhyrda konsulter"),
    "consultant_cost_sek": gettext_lazy("Kostnad för inhyrda konsulter"),
    "caseworkers_socionom_3_years": gettext_lazy("Socionomer med minst 3 års erfarenhet"),
    "caseworkers_above_full_load": gettext_lazy("Handläggare över 100 % belastning"),
}
STATUS_LABELS = {core_kpi.MET: gettext_lazy("Uppfyllt"), core_kpi.NEAR: gettext_lazy("Nära"),
                 core_kpi.NOT_MET: gettext_lazy("Ej uppfyllt"), core_kpi.UNKNOWN: gettext_lazy("Inget utfall")}
STATUS_CSS = {core_kpi.MET: "status-met", core_kpi.NEAR: "status-amber", core_kpi.NOT_MET: "status-red",
              core_kpi.UNKNOWN: ""}
TREND_LABELS = {core_kpi.IMPROVING: gettext_lazy("Förbättras"), core_kpi.WORSENING: gettext_lazy("Försämras"),
                core_kpi.UNCHANGED: gettext_lazy("Oförändrad"), None: "–"}


class PeriodError(ValueError):
    """A period the report cannot use; the message is Swedish."""


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date

    @property
    def months(self) -> MonthRange:
        return MonthRange(self.first_day.month, self.last_day.month)

    @property
    def year(self) -> int:
        return self.last_day.year

    @property
    def label(self) -> str:
        """The period as typed (--period, file names): "2026-01..2026-11"."""
        return f"{self.first_day:%Y-%m}..{self.last_day:%Y-%m}"

    @property
    def name(self) -> str:
        """The period as shown beside its figures: "2026, januari–november" (``common.periods``)."""
        return period_label(self.first_day, self.last_day)

    @property
    def scorecard_name(self) -> str:
        """The months the scorecard section counts for the period's year: 1 January to the period's end."""
        return period_label(*selectors.year_period(self.year, self.last_day))

    @property
    def months_name(self) -> str:
        """The period's months without a year ("januari–november"): the statistics compare them year by year."""
        return months_label(self.first_day.month, self.last_day.month)


def parse_period(text: str) -> Period:
    """Return the Period of "YYYY-MM..YYYY-MM" (whole months, one calendar year)."""
    match = PERIOD_RE.match(text or "")
    if not match:
        raise PeriodError(f"Ogiltig period '{text}': skriv ÅÅÅÅ-MM..ÅÅÅÅ-MM, t.ex. 2015-01..2015-08.")
    y1, m1, y2, m2 = (int(g) for g in match.groups())
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        raise PeriodError(f"Ogiltig period '{text}': månaden ska vara 01-12.")
    if y1 != y2:
        raise PeriodError(f"Ogiltig period '{text}': perioden ska ligga inom ett kalenderår "
                          "(statistiken jämför samma månader år för år).")
    if m1 > m2:
        raise PeriodError(f"Ogiltig period '{text}': första månaden ska komma före den sista.")
    return Period(dt.date(y1, m1, 1), dt.date(y2, m2, calendar.monthrange(y2, m2)[1]))


@dataclass
class StatRow:
    label: str
    cells: list[str]  # per year: count, then (from the second year) change


@dataclass
class StatisticsView:
    """The Värmdö table as printed: exact, or public (suppressed) when ``public`` is set."""

    table: statistics.YearOverYearTable
    public: statistics.PublicTable | None
    threshold: int

    @property
    def years(self) -> list[int]:
        return list(self.table.years)

    @property
    def exact(self) -> bool:
        return self.public is None

    @property
    def months_name(self) -> str:
        """The months counted each year ("januari–november")."""
        return months_label(self.table.months.first, self.table.months.last)

    def stat_rows(self, measure: str) -> list[StatRow]:
        rows = []
        for row in statistics.ROWS:
            cells = []
            for index, year in enumerate(self.years):
                cells.append(self._count_text(measure, row, year))
                if index:
                    cells.append(self._change_text(measure, row, year))
            rows.append(StatRow(str(GROUP_LABELS[row]), cells))
        cells = []
        for index, year in enumerate(self.years):
            cells.append(self._average_text(measure, year))
            if index:
                cells.append(self._change_text(measure, "total", year))
        rows.append(StatRow(_("Snitt per månad"), cells))
        return rows

    @property
    def stat_tables(self) -> list[tuple[str, list[tuple[int, bool]], list[StatRow]]]:
        """Return (caption, [(year, with change)], rows) per measure, every year in one table (the page)."""
        return self.year_blocks(len(self.years))

    @property
    def pdf_tables(self) -> list[tuple[str, list[tuple[int, bool]], list[StatRow]]]:
        """As ``stat_tables``, split into tables of at most ``PDF_YEARS_PER_TABLE`` years (fits A4 upright)."""
        return self.year_blocks(PDF_YEARS_PER_TABLE)

    def year_blocks(self, size: int) -> list[tuple[str, list[tuple[int, bool]], list[StatRow]]]:
        """Return the tables with at most ``size`` years each; a year after the first keeps its change."""
        tables = []
        for measure in statistics.MEASURES:
            rows = self.stat_rows(measure)
            for start in range(0, len(self.years), size):
                indexes = range(start, min(start + size, len(self.years)))
                # A row's cells: the first year's count, then count and change for each later year.
                cells = [[0] if i == 0 else [2 * i - 1, 2 * i] for i in indexes]
                columns = [c for pair in cells for c in pair]
                caption = str(MEASURE_LABELS[measure])
                if size < len(self.years):
                    caption = f"{caption}, {self.years[indexes[0]]}–{self.years[indexes[-1]]}"
                tables.append((caption, [(self.years[i], i > 0) for i in indexes],
                               [StatRow(row.label, [row.cells[c] for c in columns]) for row in rows]))
        return tables

    def stat_values(self, measure: str, row: str, year: int) -> int | str:
        """Return a cell for the workbook: a number, or the suppression label."""
        if self.public is None:
            return self.table.count(measure, row, year)
        return self.public.cells[measure][row][year].to_public()

    def average_value(self, measure: str, year: int) -> float | str:
        if self.public is None:
            return round(float(self.table.average_per_month(measure, year)), 1)
        return self.public.averages[measure][year].to_public()

    def change_value(self, measure, row, year) -> int | None:
        if self.public is None:
            return self.table.change_percent(measure, row, year)
        return self.public.changes[measure][row][year].value

    def _count_text(self, measure, row, year) -> str:
        if self.public is None:
            return str(self.table.count(measure, row, year))
        return self.public.cells[measure][row][year].label

    def _average_text(self, measure, year) -> str:
        if self.public is None:
            return str(suppression.round_half_away(self.table.average_per_month(measure, year)))
        return self.public.averages[measure][year].label

    def _change_text(self, measure, row, year) -> str:
        change = self.change_value(measure, row, year)
        if change is None:
            return ".." if self.public is not None and self.public.changes[measure][row][year].label == ".." \
                and self._hidden_input(measure, row, year) else "–"
        return f"{change} %"

    def _hidden_input(self, measure, row, year) -> bool:
        index = self.years.index(year)
        cells = self.public.cells[measure][row]
        return cells[year].suppressed or cells[self.years[index - 1]].suppressed

    def sheets(self, title_suffix: str = ""):
        """Return one workbook sheet per measure, real numbers (labels where suppressed)."""
        sheets = []
        for measure in statistics.MEASURES:
            headers = ["Kategori"]
            for index, year in enumerate(self.years):
                headers.append(str(year))
                if index:
                    headers.append(f"Förändring {year} (%)")
            rows = []
            for row in statistics.ROWS:
                values = [str(GROUP_LABELS[row])]
                for index, year in enumerate(self.years):
                    values.append(self.stat_values(measure, row, year))
                    if index:
                        values.append(self.change_value(measure, row, year))
                rows.append(values)
            average = [_("Snitt per månad")]
            for index, year in enumerate(self.years):
                average.append(self.average_value(measure, year))
                if index:
                    average.append(self.change_value(measure, "total", year))
            rows.append(average)
            sheets.append(Sheet("Utredningar" if measure == "investigations_opened" else "Insatser", headers, rows,
                                title=f"{MEASURE_LABELS[measure]}{title_suffix}"))
        return sheets

    def csv_rows(self) -> list[list]:
        """Return long-format rows: measure, category, year, count, change_percent."""
        rows = []
        for measure in statistics.MEASURES:
            for row in statistics.ROWS:
                for index, year in enumerate(self.years):
                    change = self.change_value(measure, row, year) if index else None
                    rows.append([measure, row, year, self.stat_values(measure, row, year), change])
            for index, year in enumerate(self.years):
                change = self.change_value(measure, "total", year) if index else None
                rows.append([measure, "average_per_month", year, self.average_value(measure, year), change])
        return rows

    def as_json(self) -> dict:
        data = self.table.as_json() if self.public is None else self.public.as_json()
        return {**data, "years": self.years, "months": [self.table.months.first, self.table.months.last],
                "public": self.public is not None,
                "threshold": None if self.public is None else self.threshold}


def statistics_view(*, years, months: MonthRange, unit_ids=None, exact: bool,
                    threshold: int = suppression.DEFAULT_THRESHOLD, progress=None) -> StatisticsView:
    table = selectors.statistics_table(years=years, months=months, unit_ids=unit_ids, progress=progress)
    return StatisticsView(table, None if exact else statistics.public_table(table, threshold), threshold)


@dataclass
class BoardReport:
    period: Period
    exact: bool
    threshold: int
    generated_on: dt.date
    registration_number: str
    unit_label: str
    stats: StatisticsView
    deadlines: list[dict]
    staff: list[dict]
    scorecards: list[tuple]
    plans: list[selectors.PlanProgress]
    charts: dict[str, str] = field(default_factory=dict)
    kolada: selectors.KoladaComparison | None = None  # the municipality beside others, "Källa: Kolada"

    @property
    def years(self) -> list[int]:
        return self.stats.years


def deadline_rows(values: dict[str, core_kpi.KpiValue], exact: bool, threshold: int) -> list[dict]:
    rows = []
    for code in selectors.DEADLINE_KPIS:
        value = values[code]
        hidden = (not exact and value.denominator
                  and suppression.suppress_share(int(value.numerator), int(value.denominator), threshold))
        rows.append({
            "code": code,
            "label": str(KPI_LABELS[code]),
            "value": None if hidden else value.value,
            "met": None if hidden else value.numerator,
            "fell_due": (suppression.suppress_count(int(value.denominator), threshold).to_public()
                         if not exact and value.denominator is not None else value.denominator),
            "hidden": bool(hidden),
        })
    return rows


#: Scorecard KPIs that add up the staff table's units: hidden when a unit's figure is hidden.
STAFF_TOTAL_KPIS = {
    "ended": "staff_turnover_rate",
    "sick_share": "units_sick_leave_below_5_percent",
    "socionom_share": "caseworkers_socionom_3_years",
}


def public_staff_row(row: dict, threshold: int) -> dict:
    """Return the published staff figures of one unit (``core.suppression`` rules 4 and 5).

    Values are numbers, or the suppression label: ``"<5"`` for a small count of leavers, ``".."``
    for a figure that is not published. ``hidden`` lists the figures hidden.
    """
    turnover = row["turnover"]
    ended = suppression.suppress_leavers(int(turnover["ended"]), threshold)
    sick_public = suppression.sick_leave_is_public(turnover["average_headcount"])
    eligibility = row["eligibility"]
    investigators = int(eligibility.get("investigators") or 0)
    qualified = round((eligibility.get("socionom_3_years_or_more") or 0) * investigators)
    socionom_hidden = bool(investigators) and suppression.suppress_share(qualified, investigators, threshold)
    hidden = set()
    if ended.suppressed:
        hidden |= {"ended", "rate"}
    if not sick_public:
        hidden.add("sick_share")
    if socionom_hidden:
        hidden.add("socionom_share")
    return {
        "ended": ended.to_public(),
        "rate": suppression.HIDDEN if ended.suppressed else turnover["rate"],
        "rate_hidden": ended.suppressed,
        "sick_share": row["sick_hours"]["share"] if sick_public else suppression.HIDDEN,
        "sick_hidden": not sick_public,
        "socionom_share": suppression.HIDDEN if socionom_hidden else eligibility["socionom_3_years_or_more"],
        "socionom_hidden": socionom_hidden,
        "hidden": sorted(hidden),
    }


def hide_staff_totals(scorecards: list[tuple], hidden: set[str], year: int) -> None:
    """Hide the scorecard's staff KPIs for the year when a unit figure they add up is hidden (rule 2).

    ``hidden`` names the staff figures hidden for some unit (``public_staff_row``'s ``hidden``).
    """
    codes = {code for figure, code in STAFF_TOTAL_KPIS.items() if figure in hidden}
    if not codes:
        return
    for _card, perspectives in scorecards:
        for _perspective, goals in perspectives:
            for _goal, rows in goals:
                for row in rows:
                    if row.kpi.computed in codes:
                        row.hidden[year] = True
                        row.statuses[year] = core_kpi.UNKNOWN  # the status bounds the hidden value
                        row.trend = None


def hide_scorecard_staff_totals(scorecards: list[tuple], *, through: dt.date, threshold: int) -> None:
    """Hide the public scorecard's staff totals of each plan year whose units' figures are hidden (rule 2).

    Each year over its own period (``selectors.year_period``), every unit: the scorecard page and the board
    paper's scorecard section apply it alike, so a public figure is shown on both or on neither (a board
    paper of the same months publishes the unit figures it would give back by difference).
    """
    units = list(organisation.units().order_by("code"))
    years = sorted({year for card, _sections in scorecards for year in card.years})
    for year in years:
        bounds = selectors.year_period(year, through)
        if bounds is None:
            continue
        hidden = {figure for row in staff_report(bounds[0], bounds[1], units)
                  for figure in public_staff_row(row, threshold)["hidden"]}
        hide_staff_totals(scorecards, hidden, year)


def build(*, period: Period, exact: bool, unit_codes: list[str] | None = None, registration_number: str = "",
          threshold: int = suppression.DEFAULT_THRESHOLD, today: dt.date | None = None,
          progress=None) -> BoardReport:
    """Return the board report for the period (all units, or these units)."""
    today = today or dt.date.today()
    years = list(range(period.year - STAT_YEARS + 1, period.year + 1))
    units = list(organisation.units().order_by("code")) if unit_codes is None else list(
        organisation.units().filter(code__in=unit_codes).order_by("code"))
    unit_ids = None if unit_codes is None else [u.pk for u in units]
    stats = statistics_view(years=years, months=period.months, unit_ids=unit_ids, exact=exact, threshold=threshold,
                            progress=progress)
    deadlines = selectors.deadline_values(period.first_day, period.last_day, unit_ids, progress)
    staff = staff_report(period.first_day, period.last_day, units)
    for row in staff:
        row["public"] = None if exact else public_staff_row(row, threshold)
    if progress is not None:
        progress.advance(1, "personalläget räknat")
    # The scorecard's one period rule: each plan year counted up to the period's last day
    # (selectors.year_period), as the scorecard page counts it up to the end of the same month.
    scorecards = [(card, selectors.scorecard_rows(card, through=period.last_day, exact=exact,
                                                  threshold=threshold))
                  for card in selectors.current_scorecards() if period.year in card.years]
    if not exact:
        # Hidden where the paper's own staff table hides a unit figure, and where the scorecard page hides it.
        hide_staff_totals(scorecards, {figure for row in staff for figure in row["public"]["hidden"]}, period.year)
        hide_scorecard_staff_totals(scorecards, through=period.last_day, threshold=threshold)
    plans = [selectors.plan_progress(plan, today) for plan in selectors.active_plans()]
    report = BoardReport(
        period=period, exact=exact, threshold=threshold, generated_on=today,
        registration_number=registration_number,
        unit_label=", ".join(u.code for u in units) if unit_codes is not None else _("Hela verksamheten"),
        stats=stats, deadlines=deadline_rows(deadlines, exact, threshold),
        staff=staff, scorecards=scorecards, plans=plans, kolada=selectors.kolada_comparison(period.year),
    )
    report.charts = charts(report)
    if progress is not None:
        progress.advance(1, "diagram ritade")
    return report


# --- charts (matplotlib SVG; the same numbers are in the tables) -------------------------------


def _svg(figure, prefix: str) -> str:
    """Return the figure as inline SVG with its element ids prefixed (two charts share one page)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    return re.sub(r'(url\(#|href="#)([^")]+)', rf'\1{prefix}-\2', text)


def charts(report: BoardReport) -> dict[str, str]:
    """Return SVG charts: the statistics per year and deadline compliance.

    Uses matplotlib's object API (``Figure``) rather than pyplot: no global state, no GUI backend,
    and about half a second less to import.
    """
    # heavy: matplotlib loads only when a chart is drawn
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    rcParams["svg.fonttype"] = "none"  # text stays text (searchable, extractable from the PDF)
    rcParams["font.family"] = "DejaVu Sans"
    out = {}
    figure = Figure(figsize=(8.2, 2.9))
    axes = figure.subplots(1, 2)
    colours = {"barn": "#2b6cb0", "ungdom": "#dd6b20", "ensamkommande": "#2f855a"}
    for ax, measure in zip(axes, statistics.MEASURES, strict=True):
        bottoms = [0] * len(report.years)
        for group in statistics.GROUPS:
            heights = []
            for year in report.years:
                value = report.stats.stat_values(measure, group, year)
                heights.append(value if isinstance(value, int) else 0)
            ax.bar([str(y) for y in report.years], heights, bottom=bottoms, color=colours[group],
                   label=str(GROUP_LABELS[group]))
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        ax.set_title(str(MEASURE_LABELS[measure]), fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
    axes[1].legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    out["statistics"] = _svg(figure, "stat")

    figure = Figure(figsize=(8.2, 2.2))
    ax = figure.subplots()
    labels = [row["label"] for row in report.deadlines]
    values = [row["value"] or 0 for row in report.deadlines]
    ax.barh(labels, values, color="#2b6cb0")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Andel i tid (%)", fontsize=8)
    ax.invert_yaxis()
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    out["deadlines"] = _svg(figure, "dl")
    return out


# --- outputs ------------------------------------------------------------------------------------


def render_html(report: BoardReport, *, for_pdf: bool) -> str:
    template = "governance/board_report_pdf.html" if for_pdf else "governance/_board_report_body.html"
    return render_to_string(template, {"report": report, "labels": label_context(), "for_pdf": for_pdf})


def label_context() -> dict:
    return {"status": STATUS_LABELS, "trend": TREND_LABELS, "measures": MEASURE_LABELS, "css": STATUS_CSS}


def html_to_pdf(html: str) -> bytes:
    """Return PDF bytes for an HTML document (WeasyPrint; its CSS notices kept off standard error)."""
    # heavy: weasyprint (PDF) loads only when a PDF is made
    from weasyprint import HTML

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return HTML(string=html, base_url=".").write_pdf()


def to_pdf(report: BoardReport) -> bytes:
    """Return the board paper as PDF bytes (A4, page numbers), from the same templates as the page."""
    return html_to_pdf(render_html(report, for_pdf=True))


def workbook_sheets(report: BoardReport):
    """Return the workbook's sheets: one per table, real numbers."""
    period = report.period
    sheets = report.stats.sheets(f", {period.months_name} {report.years[0]}–{report.years[-1]}")
    sheets.append(Sheet(
        "Frister", ["Frist", "Andel i tid (%)", "I tid", "Förföll"],
        [[r["label"], None if r["value"] is None else rounding.shown(r["value"], 1), r["met"], r["fell_due"]]
         for r in report.deadlines],
        title=f"Frister som förföll {period.name} (utfall {report.generated_on.isoformat()})",
    ))
    sheets.append(Sheet(
        "Personal",
        ["Enhet", "Genomsnittligt antal anställda", "Slutat", "Personalomsättning (%)", "Sjukfrånvaro (%)",
         "Konsulter (årsarbetare)", "Konsultandel (%)", "Konsultkostnad (kr)", "Socionom ≥ 3 år (%)"],
        [_staff_sheet_row(row) for row in report.staff],
        title=f"Personalläget {period.name}",
    ))
    kpi_rows = []
    for card, perspectives in report.scorecards:
        for perspective, goals in perspectives:
            for goal, kpis in goals:
                for row in kpis:
                    year = report.period.year
                    kpi_rows.append([card.title, perspective.name, goal.text, row.kpi.name,
                                     None if row.hidden.get(year) else _round(row.values.get(year)),
                                     row.targets.get(year), str(STATUS_LABELS[row.statuses[year]]),
                                     str(TREND_LABELS[row.trend])])
    sheets.append(Sheet("Styrkort", ["Styrkort", "Perspektiv", "Mål", "Mätetal", f"Utfall {period.scorecard_name}",
                                     f"Målvärde {period.year}", "Status", "Trend"], kpi_rows,
                        title=f"Styrkortets status, {period.scorecard_name}"))
    measure_rows = []
    for progress in report.plans:
        for m in progress.measures:
            measure_rows.append([progress.plan.title, m.number, m.title, m.how, m.expected_result, m.due_on,
                                 float(m.cost_sek), m.responsible, m.get_status_display()])
    sheets.append(Sheet("Handlingsplan", ["Handlingsplan", "Nr", "Åtgärd", "Hur", "Förväntat resultat", "När",
                                          "Kostnad (kr)", "Ansvarig", "Status"], measure_rows,
                        title=f"Handlingsplanernas åtgärder, läge {report.generated_on.isoformat()}"))
    return sheets


def _staff_sheet_row(row: dict) -> list:
    """Return a unit's row of the staff sheet: exact figures, or the published ones with their labels."""
    public = row["public"]
    ended, rate, sick, socionom = (
        (row["turnover"]["ended"], row["turnover"]["rate"], row["sick_hours"]["share"],
         row["eligibility"]["socionom_3_years_or_more"]) if public is None else
        (public["ended"], public["rate"], public["sick_share"], public["socionom_share"]))
    return [row["unit"], row["turnover"]["average_headcount"], ended, _pct(rate), _pct(sick),
            row["consultants"]["fte"], _pct(row["consultants"]["share"]), row["consultants"]["cost_sek"],
            _pct(socionom)]


def _pct(share: float | str | None) -> float | str | None:
    if isinstance(share, str):
        return share  # a suppression label
    return rounding.shown_percent(share, 1)


def _round(value: float | None) -> float | None:
    return rounding.shown(value, 1)


def to_xlsx(report: BoardReport) -> bytes:
    return write_xlsx(workbook_sheets(report))
