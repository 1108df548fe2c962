"""The KPI registry of the scorecard (styrkort): definitions, computation, status and trend.

Helsingborg's scorecard (seed 002, "Mål och mätetal (3 år)") sets KPIs with a target per
year over three years. Some KPIs Stabil computes from its own data for any period and unit;
they live here, one definition each, written out. Others are entered per period by the
municipality (NKI, HME) and live in the governance app's tables.

Every share follows one rule: **met on time / fell due in the period** for deadlines (counted by
``core.deadlines.compliance_summary``, the one definition, and turned into a KPI with ``share``), and
**count / population** for staff shares, both in per cent. A KPI with an empty population
has no value (None), never 0 % or 100 %.

Status against a target (``status``):

* met: at or better than the target (>= for higher-is-better, <= for lower-is-better);
* near: not met but within the KPI's "near" band of the target. The band is 5 percentage
  points for shares (a 100 % target is near at 95-99.9 %), and 5 % of the target for
  other units (SEK, index); a KPI may set its own band;
* not met: outside the band. A KPI without a value has status "unknown".

Trend (``trend``) compares the two latest periods with a value: improving / worsening in the
KPI's good direction when the change is larger than the tolerance (1 percentage point for
shares, 1 % of the earlier value otherwise), else unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PERCENT = "percent"
SEK = "sek"
INDEX = "index"
UNITS = (PERCENT, SEK, INDEX)

HIGHER = "higher"
LOWER = "lower"

MET = "met"
NEAR = "near"
NOT_MET = "not_met"
UNKNOWN = "unknown"
STATUSES = (MET, NEAR, NOT_MET, UNKNOWN)

IMPROVING = "improving"
WORSENING = "worsening"
UNCHANGED = "unchanged"

NEAR_BAND_PERCENT_POINTS = 5.0
NEAR_BAND_RELATIVE = 0.05
TREND_TOLERANCE_PERCENT_POINTS = 1.0
TREND_TOLERANCE_RELATIVE = 0.01
SICK_LEAVE_LIMIT = 0.05
FULL_LOAD = 1.0
SOCIONOM_YEARS = 3


@dataclass(frozen=True)
class KpiDefinition:
    """One computed KPI: its code, unit, good direction, definition and source."""

    code: str
    unit: str
    direction: str
    definition: str
    source: str
    near_band: float | None = None

    def band(self, target: float) -> float:
        """Return the "near" band around the target, in the KPI's unit."""
        if self.near_band is not None:
            return self.near_band
        if self.unit == PERCENT:
            return NEAR_BAND_PERCENT_POINTS
        return abs(target) * NEAR_BAND_RELATIVE


@dataclass(frozen=True)
class KpiValue:
    """A computed KPI value with the numbers behind it (value None when undefined)."""

    kpi: str
    value: float | None
    numerator: float | None
    denominator: float | None

    def as_dict(self) -> dict:
        """Return the JSON object of ``stabil report kpi``."""
        return {
            "kpi": self.kpi,
            "value": None if self.value is None else round(self.value, 2),
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
        }


def _plain(number: float | None) -> float | int | None:
    if number is None:
        return None
    if float(number).is_integer():
        return int(number)
    return round(float(number), 2)


_DEADLINE_SOURCE = "SoL (2001:453) 11 kap. 1 a, 2 §§; SoL (2025:400) 20 kap. 2-3 §§"

REGISTRY: dict[str, KpiDefinition] = {
    d.code: d
    for d in (
        KpiDefinition(
            code="preliminary_assessment_within_14_days",
            unit=PERCENT,
            direction=HIGHER,
            definition=(
                "Preliminary assessments whose deadline (14 days from the report, moved to the "
                "next working day by lag (1930:173) 2 §) fell in the period: the share decided on "
                "or before the deadline. Numerator: decided on time; denominator: fell due."
            ),
            source=_DEADLINE_SOURCE,
        ),
        KpiDefinition(
            code="investigation_within_4_months",
            unit=PERCENT,
            direction=HIGHER,
            definition=(
                "Investigations whose deadline (four months from opening, or the extended date when "
                "an extension was decided in time) fell in the period: the share closed on or before "
                "the deadline. Numerator: closed on time; denominator: fell due."
            ),
            source=_DEADLINE_SOURCE,
        ),
        KpiDefinition(
            code="first_contact_within_guarantee",
            unit=PERCENT,
            direction=HIGHER,
            definition=(
                "Investigations whose service-guarantee deadline (first contact with the family "
                "within the municipality's working days from the decision to open, 7 in Helsingborg) "
                "fell in the period: the share contacted on time."
            ),
            source="Local service guarantee (tjänstegaranti), Helsingborg verksamhetsplan 2017-2019",
        ),
        KpiDefinition(
            code="placement_review_on_time",
            unit=PERCENT,
            direction=HIGHER,
            definition=(
                "Six-monthly reconsiderations of placements whose deadline fell in the period: the "
                "share made on or before the deadline."
            ),
            source="SoL (2001:453) 6 kap. 8 §; SoL (2025:400) 22 kap. 13 §; LVU 13 §",
        ),
        KpiDefinition(
            code="staff_turnover_rate",
            unit=PERCENT,
            direction=LOWER,
            definition=(
                "Caseworkers who left the employer in the period (transfers between units excluded) "
                "divided by the average headcount in the period (person-days / days), in per cent. "
                "Agency consultants are not employees and are excluded."
            ),
            source="Västerås revisionsrapport 2015:4, tabell 1 (personalomsättning)",
            near_band=2.0,
        ),
        KpiDefinition(
            code="units_sick_leave_below_5_percent",
            unit=PERCENT,
            direction=HIGHER,
            definition=(
                "Units with scheduled hours in the period whose sick hours were below 5 % of their "
                "scheduled hours, as a share of those units."
            ),
            source="Helsingborg styrkort 2017-2019 (Andel enheter med sjukfrånvaro lägre än fem procent)",
        ),
        KpiDefinition(
            code="consultant_share",
            unit=PERCENT,
            direction=LOWER,
            definition=(
                "Agency consultants' share of the filled casework positions, in FTE averaged over "
                "the period."
            ),
            source="Västerås revisionsrapport 2015:4, 4.2 (12 of 26 investigators were consultants)",
        ),
        KpiDefinition(
            code="consultant_cost_sek",
            unit=SEK,
            direction=LOWER,
            definition=(
                "What agency consultants cost in the period: monthly cost x days in the period / "
                "(365.25 / 12), summed. Numerator: the cost; denominator: consultant FTE averaged "
                "over the period."
            ),
            source="Västerås revisionsrapport 2015:4 (7.5 MSEK 2014, forecast 15 MSEK 2015)",
        ),
        KpiDefinition(
            code="caseworkers_socionom_3_years",
            unit=PERCENT,
            direction=HIGHER,
            definition=(
                "Caseworkers (consultants included) employed on the period's last day with a "
                "socionom degree and at least three years' experience, as a share of all of them."
            ),
            source="Socialstyrelsen, Öppna jämförelser 2015 (riket 70 %, Västerås 63 %); SoL (2001:453) 3 kap. 3 a §",
        ),
        KpiDefinition(
            code="caseworkers_above_full_load",
            unit=PERCENT,
            direction=LOWER,
            definition=(
                "Caseworkers with a capacity on the period's last day whose load (weighted demand / "
                "capacity, the workload model) is above 100 %, as a share of them."
            ),
            source="Stabil's workload model (docs/workload.md); AFS 2015:4 on workload",
        ),
    )
}


def definition(code: str) -> KpiDefinition:
    """Return the registered definition, or raise KeyError naming the code."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"unknown KPI {code!r}") from None


def share(code: str, numerator: int, denominator: int) -> KpiValue:
    """Return numerator / denominator in per cent, None when the denominator is zero."""
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"{code}: need 0 <= numerator <= denominator, got {numerator}/{denominator}")
    value = 100.0 * numerator / denominator if denominator else None
    return KpiValue(code, value, numerator, denominator)


def turnover_rate(leavers: int, average_headcount: float) -> KpiValue:
    """Return leavers / average headcount in per cent (None with no one employed)."""
    if leavers < 0 or average_headcount < 0:
        raise ValueError("leavers and average headcount must not be negative")
    value = 100.0 * leavers / average_headcount if average_headcount else None
    return KpiValue("staff_turnover_rate", value, leavers, average_headcount)


def units_sick_leave_below(sick_shares: Iterable[float | None], limit: float = SICK_LEAVE_LIMIT) -> KpiValue:
    """Return the share of units whose sick-leave share (0..1) is below the limit.

    Units without scheduled hours (share None) are left out of both counts.
    """
    counted = below = 0
    for sick_share in sick_shares:
        if sick_share is None:
            continue
        counted += 1
        below += sick_share < limit
    return share("units_sick_leave_below_5_percent", below, counted)


def consultant_share(consultant_fte: float, total_fte: float) -> KpiValue:
    """Return consultant FTE / all filled FTE in per cent."""
    if consultant_fte < 0 or total_fte < 0 or consultant_fte > total_fte + 1e-9:
        raise ValueError(f"need 0 <= consultant FTE <= total FTE, got {consultant_fte}/{total_fte}")
    value = 100.0 * consultant_fte / total_fte if total_fte else None
    return KpiValue("consultant_share", value, consultant_fte, total_fte)


def consultant_cost(cost_sek: float, consultant_fte: float) -> KpiValue:
    """Return the consultants' cost in SEK (numerator the cost, denominator their FTE)."""
    if cost_sek < 0 or consultant_fte < 0:
        raise ValueError("cost and FTE must not be negative")
    return KpiValue("consultant_cost_sek", float(cost_sek), cost_sek, consultant_fte)


def caseworkers_socionom_3_years(qualified: int, caseworkers: int) -> KpiValue:
    """Return the share of caseworkers with a socionom degree and >= 3 years' experience."""
    return share("caseworkers_socionom_3_years", qualified, caseworkers)


def caseworkers_above_full_load(loads: Iterable[float | None], full: float = FULL_LOAD) -> KpiValue:
    """Return the share of caseworkers whose load is above ``full`` (1.0 = 100 %).

    Caseworkers without capacity (load None: on leave the whole period) are left out.
    """
    counted = above = 0
    for load in loads:
        if load is None:
            continue
        counted += 1
        above += load > full
    return share("caseworkers_above_full_load", above, counted)


def status(value: float | None, target: float | None, direction: str, band: float) -> str:
    """Return met / near / not_met against the target, unknown without value or target."""
    if value is None or target is None:
        return UNKNOWN
    if direction == HIGHER:
        if value >= target:
            return MET
        return NEAR if value >= target - band else NOT_MET
    if direction == LOWER:
        if value <= target:
            return MET
        return NEAR if value <= target + band else NOT_MET
    raise ValueError(f"unknown direction {direction!r}")


def status_for(code: str, value: float | None, target: float | None) -> str:
    """Return the status of a registered KPI's value against a target, with its own band."""
    kpi = definition(code)
    return status(value, target, kpi.direction, kpi.band(target or 0.0))


def trend(values: Sequence[float | None], direction: str, unit: str = PERCENT) -> str | None:
    """Return improving / worsening / unchanged between the two latest values, None if fewer."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return None
    earlier, latest = known[-2], known[-1]
    tolerance = TREND_TOLERANCE_PERCENT_POINTS if unit == PERCENT else abs(earlier) * TREND_TOLERANCE_RELATIVE
    change = latest - earlier
    if abs(change) <= tolerance:
        return UNCHANGED
    better = change > 0 if direction == HIGHER else change < 0
    return IMPROVING if better else WORSENING
