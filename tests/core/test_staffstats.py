"""Table tests of staff statistics, including seed 001 table 3 rebuilt from person-level data."""

from collections import defaultdict
from datetime import date, timedelta

import pytest

from stabil.core.eligibility import StaffProfile
from stabil.core.staffstats import (
    EXIT_INTERVIEW_WINDOW_DAYS,
    AbsenceOccasion,
    Period,
    Position,
    Stint,
    WorkingDays,
    competence_shares,
    compile_exit_reasons,
    consultant_summary,
    exit_interview_problem,
    exit_interview_window,
    hours_per_working_day,
    overtime_totals,
    quarter,
    sick_band,
    sick_leave,
    turnover,
)

Q1_2015 = quarter(2015, 1)
D = date


@pytest.mark.parametrize(("length", "band"), [
    (1, "1"), (2, "2-21"), (21, "2-21"), (22, "22-90"), (90, "22-90"), (91, "91+"), (400, "91+"),
])
def test_sick_band_boundaries(length, band):
    assert sick_band(length) == band


def test_sick_band_rejects_zero():
    with pytest.raises(ValueError):
        sick_band(0)


@pytest.mark.parametrize(("year", "number", "first", "last", "days"), [
    (2015, 1, D(2015, 1, 1), D(2015, 3, 31), 90),
    (2016, 1, D(2016, 1, 1), D(2016, 3, 31), 91),
    (2015, 4, D(2015, 10, 1), D(2015, 12, 31), 92),
])
def test_quarter(year, number, first, last, days):
    period = quarter(year, number)
    assert (period.first_day, period.last_day, period.days) == (first, last, days)


# --- seed 001, table 3: "Sjukfrånvarodagar och tillfällen, kvartal 1 2015" --------------------
# unit: (total days, total occasions, 1 day occ/days, 2-21 occ/days, 22-90 occ/days, 91+ occ/days)
TABLE_3 = {
    "Familjehemsenheten": (147, 20, (5, 5), (14, 52), (0, 0), (1, 90)),
    "Mottagning": (138, 13, (3, 3), (9, 45), (0, 0), (1, 90)),
    "Socialkontor BoU Samhällsvård": (76, 15, (4, 4), (9, 28), (2, 44), (0, 0)),
    "Socialkontor BoU Utredning": (183, 17, (3, 3), (12, 38), (0, 0), (2, 142)),
}


def _short_spells(unit, lengths, first_person=0, extent=1.0):
    """Return (staff_id, unit, kind, first_day, last_day, extent) rows inside Q1 2015, one per person."""
    rows = []
    for index, length in enumerate(lengths):
        first = D(2015, 1, 5) + timedelta(days=5 * (index % 14))
        rows.append((f"{unit[:3]}-{first_person + index}", unit, "sick", first,
                     first + timedelta(days=length - 1), extent))
    return rows


def person_level_absences():
    """Return absence rows that, per unit, add up to seed 001's table 3 (and some that must not count)."""
    rows = []
    fh, mo, sv, ut = TABLE_3
    # Familjehemsenheten: 5 one-day (one at half extent), 14 short (one straddling the new year), one 91+.
    rows += _short_spells(fh, [1, 1, 1, 1], 0) + _short_spells(fh, [1], 4, extent=0.5)
    rows.append(("Fam-10", fh, "sick", D(2014, 12, 29), D(2015, 1, 4), 1.0))  # 7 days long, 4 inside
    rows += _short_spells(fh, [3, 3, 4, 4, 4, 4, 3, 3, 4, 4, 4, 4, 4], 11)  # 48 days
    rows.append(("Fam-30", fh, "sick", D(2014, 10, 1), D(2015, 6, 30), 0.5))  # the whole quarter, 90
    # Mottagning: 3 one-day, 9 short (one running past the quarter's end), one 91+ from New Year's Day.
    rows += _short_spells(mo, [1, 1, 1])
    rows.append(("Mot-10", mo, "sick", D(2015, 3, 25), D(2015, 4, 10), 1.0))  # 17 days long, 7 inside
    rows += _short_spells(mo, [5, 5, 5, 5, 5, 5, 4, 4], 11)  # 38 days
    rows.append(("Mot-30", mo, "sick", D(2015, 1, 1), D(2015, 5, 31), 1.0))  # 151 days long, 90 inside
    # Samhällsvård: 4 one-day, 9 short, 2 in 22-90 (one crossing the quarter's end).
    rows += _short_spells(sv, [1, 1, 1, 1])
    rows += _short_spells(sv, [2, 2, 3, 3, 3, 3, 4, 4, 4], 10)  # 28 days
    rows.append(("Soc-30", sv, "sick", D(2015, 3, 10), D(2015, 4, 20), 1.0))  # 42 days long, 22 inside
    rows.append(("Soc-31", sv, "sick", D(2015, 2, 1), D(2015, 2, 22), 0.25))  # 22 days
    # Utredning: 3 one-day, 12 short, two long (the auditors: "två längre sjukskrivningar").
    rows += _short_spells(ut, [1, 1, 1])
    rows += _short_spells(ut, [2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4], 10)  # 38 days
    rows.append(("Soc-40", ut, "sick", D(2014, 11, 1), D(2015, 2, 21), 1.0))  # 113 days long, 52 inside
    rows.append(("Soc-41", ut, "sick", D(2014, 12, 1), D(2015, 4, 30), 1.0))  # 151 days long, 90 inside
    # Rows that must not count: other kinds of absence, sick leave outside the quarter.
    rows.append(("Fam-0", fh, "parental", D(2015, 1, 1), D(2015, 3, 31), 1.0))
    rows.append(("Mot-0", mo, "vacation", D(2015, 2, 16), D(2015, 2, 20), 1.0))
    rows.append(("Soc-0", ut, "sick", D(2014, 12, 1), D(2014, 12, 31), 1.0))
    rows.append(("Soc-1", sv, "sick", D(2015, 4, 1), D(2015, 4, 2), 1.0))
    return rows


def test_seed_001_table_3_reproduced_figure_for_figure():
    by_unit = defaultdict(list)
    for _staff_id, unit, kind, first, last, extent in person_level_absences():
        if kind == "sick":
            by_unit[unit].append(AbsenceOccasion(first, last, extent))
    for unit, (days, occasions, one, short, medium, long_) in TABLE_3.items():
        table = sick_leave(by_unit[unit], Q1_2015).as_dict()
        assert table["total"] == {"occasions": occasions, "days": days}, unit
        assert [(table[band]["occasions"], table[band]["days"]) for band in ("1", "2-21", "22-90", "91+")] == [
            one, short, medium, long_], unit


# --- table 4: sick hours and share of scheduled hours ----------------------------------------


def test_sick_hours_and_share_hand_computed():
    # January 2015: 22 weekdays minus New Year's Day and Epiphany = 20 working days.
    # Two full-timers (8 h/day) and one at 0.5 FTE (4 h/day).
    january = Period(D(2015, 1, 1), D(2015, 1, 31))
    occasions = [
        AbsenceOccasion(D(2015, 1, 5), D(2015, 1, 9), 1.0, 8.0),  # 4 working days (6 Jan off) x 8 h = 32 h
        AbsenceOccasion(D(2015, 1, 10), D(2015, 1, 11), 1.0, 8.0),  # a weekend: 0 h, still 2 days
        AbsenceOccasion(D(2014, 12, 29), D(2015, 1, 2), 0.5, 4.0),  # 2 Jan only x 4 h x 0.5 = 2 h
    ]
    scheduled = [(D(2014, 1, 1), None, 8.0), (D(2015, 1, 16), None, 8.0), (D(2010, 1, 1), D(2015, 1, 31), 4.0)]
    result = sick_leave(occasions, january, scheduled=scheduled)
    assert result.hours == pytest.approx(34.0)
    # 20 x 8 + 11 working days (Fri 16 - Fri 30 Jan) x 8 + 20 x 4 = 160 + 88 + 80 = 328
    assert result.scheduled_hours == pytest.approx(328.0)
    assert result.share_of_scheduled == pytest.approx(34 / 328)
    assert result.total.days == 5 + 2 + 2
    assert result.bands["2-21"].occasions == 3 and result.bands["1"].occasions == 0


def test_working_days_with_a_holiday_calendar():
    holidays_2015 = {D(2015, 1, 1), D(2015, 1, 6)}
    counter = WorkingDays(Q1_2015.first_day, Q1_2015.last_day,
                          lambda day: day.weekday() < 5 and day not in holidays_2015)
    assert counter.between(Q1_2015.first_day, Q1_2015.last_day) == 62  # Q1 2015: 64 weekdays - 2 holidays
    assert counter.between(D(2014, 12, 1), D(2015, 1, 9)) == 5  # clipped to the range: 2, 5, 7, 8, 9 Jan
    assert counter.between(D(2015, 2, 1), D(2015, 1, 1)) == 0


def test_share_none_without_scheduled_hours():
    assert sick_leave([], Q1_2015).share_of_scheduled is None


@pytest.mark.parametrize(("fte", "hours"), [(1.0, 8.0), (0.75, 6.0), (0.5, 4.0)])
def test_hours_per_working_day(fte, hours):
    assert hours_per_working_day(fte) == hours


# --- table 5: fill-in time and overtime -------------------------------------------------------


def test_overtime_totals_seed_001_table_5_utredning():
    entries = [(D(2015, 1, 15), "overtime", 100.0), (D(2015, 3, 31), "overtime", 79.27),
               (D(2015, 2, 2), "fill_in", 12.17), (D(2015, 4, 1), "overtime", 50.0),
               (D(2014, 12, 31), "fill_in", 3.0)]
    totals = overtime_totals(entries, Q1_2015)
    assert totals == {"fill_in": pytest.approx(12.17), "overtime": pytest.approx(179.27)}


# --- table 1: turnover ------------------------------------------------------------------------


def test_turnover_seed_001_table_1_utredning_shape():
    # Utredning Q1 2015: 7 started, 3 ended (seed 001 table 1), plus transfers which count apart.
    stints = [Stint(D(2012, 1, 1), None) for _ in range(20)]
    stints += [Stint(D(2015, 1, 1) + timedelta(days=10 * i), None) for i in range(7)]
    stints += [Stint(D(2013, 1, 1), D(2015, 2, 28), left_by="exit", exit_reason=reason)
               for reason in ("workload", "pay", "workload")]
    stints.append(Stint(D(2015, 3, 1), None, joined_by="transfer"))
    stints.append(Stint(D(2014, 1, 1), D(2015, 1, 31), left_by="transfer"))
    stints.append(Stint(D(2014, 1, 1), D(2014, 12, 31), left_by="exit", exit_reason="career"))  # before
    result = turnover(stints, Q1_2015)
    assert (result.started, result.ended, result.net_change) == (7, 3, 4)
    assert (result.transfers_in, result.transfers_out) == (1, 1)
    person_days = 20 * 90 + sum(90 - 10 * i for i in range(7)) + 3 * 59 + 31 + 31
    assert result.average_headcount == pytest.approx(person_days / 90)
    assert result.rate == pytest.approx(3 / (person_days / 90))
    assert result.exit_reasons["workload"] == 2 and result.exit_reasons["pay"] == 1
    assert result.exit_reasons["career"] == 0


def test_turnover_empty_unit_has_no_rate():
    assert turnover([], Q1_2015).rate is None


def test_compile_exit_reasons_order_and_unknown():
    assert list(compile_exit_reasons(["pay", None, "workload"]).items()) == [
        ("workload", 1), ("pay", 1), ("leadership", 0), ("career", 0), ("competing_employer", 0),
        ("studies", 0), ("retirement", 0), ("other", 0), ("", 1)]
    with pytest.raises(ValueError):
        compile_exit_reasons(["boredom"])


# --- Öppna jämförelser ------------------------------------------------------------------------


def test_competence_shares_hand_computed():
    on = D(2015, 6, 30)

    def profile(degree, years, role="caseworker", employment="permanent", ended_on=None):
        return StaffProfile(degree, employment, role, years, D(2015, 6, 30), ended_on)

    profiles = [
        profile("socionom", 3.0),  # >= 3, not > 5
        profile("socionom", 6.0),  # >= 3 and > 5
        profile("socionom", 5.0),  # >= 3, exactly 5 is not "more than five"
        profile("socionom", 1.0),
        profile("other_relevant", 8.0),  # not socionom, but > 5 years
        profile("socionom", 10.0, employment="consultant"),  # consultants investigate too
        profile("socionom", 10.0, role="team_lead"),  # not an investigator
        profile("socionom", 10.0, ended_on=D(2015, 1, 1)),  # not employed on the date
    ]
    shares = competence_shares(profiles, on)
    assert shares.investigators == 6
    assert shares.as_dict() == {"investigators": 6, "socionom_3_years_or_more": pytest.approx(4 / 6),
                                "socionom_over_5_years": pytest.approx(2 / 6),
                                "over_5_years": pytest.approx(3 / 6)}


# --- consultants ------------------------------------------------------------------------------


def test_consultant_summary_seed_001_shape():
    # Utredning: 26 investigators of whom 12 consultants, 3 posts vacant (seed 001, 4.2.3); a
    # consultant costs about twice a permanent caseworker.
    period = Period(D(2015, 1, 1), D(2015, 12, 31))
    positions = [Position(D(2010, 1, 1), None, "permanent", 1.0, 40_000) for _ in range(14)]
    positions += [Position(D(2014, 6, 1), None, "consultant", 1.0, 80_000) for _ in range(12)]
    positions.append(Position(D(2016, 1, 1), None, "consultant", 1.0, 80_000))  # after the period
    summary = consultant_summary(positions, period, budgeted_fte=29)
    assert summary.consultants == 12
    assert summary.share == pytest.approx(12 / 26)
    assert summary.vacancies_fte == pytest.approx(3)
    year_months = 365 / (365.25 / 12)
    assert summary.consultant_cost_sek == pytest.approx(12 * 80_000 * year_months)
    assert summary.permanent_equivalent_cost_sek == pytest.approx(12 * 40_000 * year_months)
    assert summary.cost_ratio == pytest.approx(2.0)


def test_consultant_summary_given_permanent_price_and_part_period():
    period = Period(D(2015, 1, 1), D(2015, 1, 31))
    positions = [Position(D(2015, 1, 17), D(2015, 3, 1), "consultant", 0.5, 50_000)]  # 15 days inside
    summary = consultant_summary(positions, period, permanent_monthly_cost_per_fte_sek=40_000)
    assert summary.consultant_fte == pytest.approx(0.5 * 15 / 31)
    assert summary.share == pytest.approx(1.0)
    assert summary.consultant_cost_sek == pytest.approx(50_000 * 15 / (365.25 / 12))
    assert summary.permanent_equivalent_cost_sek == pytest.approx(40_000 * 0.5 * 15 / (365.25 / 12))
    assert summary.vacancies_fte is None


def test_consultant_priced_against_permanent_staff_in_the_same_role():
    period = Period(D(2015, 1, 1), D(2015, 12, 31))
    positions = [
        Position(D(2010, 1, 1), None, "permanent", 1.0, 42_000, "caseworker"),
        Position(D(2010, 1, 1), None, "permanent", 0.5, 21_000, "caseworker"),  # 42,000 per FTE too
        Position(D(2010, 1, 1), None, "permanent", 1.0, 62_000, "unit_manager"),  # not the same position
        Position(D(2015, 1, 1), None, "consultant", 1.0, 84_000, "caseworker"),
        Position(D(2015, 1, 1), None, "consultant", 1.0, 100_000, "team_lead"),  # no permanent team lead
    ]
    summary = consultant_summary(positions, period)
    months = 365 / (365.25 / 12)
    overall = (42_000 + 21_000 + 62_000) / 2.5  # all permanent staff, per FTE
    assert summary.permanent_equivalent_cost_sek == pytest.approx((42_000 + overall) * months)
    assert summary.consultant_cost_sek == pytest.approx(184_000 * months)


def test_consultant_summary_without_permanent_staff_has_no_ratio():
    summary = consultant_summary([Position(D(2015, 1, 1), None, "consultant", 1.0, 80_000)], Q1_2015)
    assert summary.permanent_equivalent_cost_sek is None and summary.cost_ratio is None


def test_period_rejects_reversed_range():
    with pytest.raises(ValueError):
        Period(D(2015, 2, 1), D(2015, 1, 1))


# --- seed 001, table 4: "Sjukfrånvaro i timmar och procent, kvartal 1 2015" --------------------
# unit: (sick hours, share in per cent, the unit's FTEs); Q1 2015 has 62 working days (1 and 6 January off),
# so a full-timer is scheduled 496 hours. The FTEs are chosen so that the share rounds to the seed's figure.
TABLE_4 = {
    "Familjehemsenheten": (642, "8,75", [1.0] * 14 + [0.8]),
    "Mottagning": (489, "5,85", [1.0] * 16 + [0.85]),
    "Socialkontor BoU Samhällsvård": (441, "3,47", [1.0] * 25 + [0.6]),
    "Socialkontor BoU Utredning": (848, "7,34", [1.0] * 23 + [0.3]),
}


def _week_spells(hours: int) -> list[AbsenceOccasion]:
    """Return full-timers' sick spells giving `hours`: whole working weeks, a short spell, a part day."""
    days, rest = divmod(hours, 8)
    spells = []
    week = D(2015, 1, 12)  # a Monday; no holidays after 6 January in Q1 2015
    while days >= 5:
        spells.append(AbsenceOccasion(week, week + timedelta(days=4), 1.0, 8.0))
        week += timedelta(days=7)
        days -= 5
        if week > D(2015, 3, 23):
            week = D(2015, 1, 12)
    if days:
        spells.append(AbsenceOccasion(D(2015, 3, 2), D(2015, 3, 2) + timedelta(days=days - 1), 1.0, 8.0))
    if rest:
        spells.append(AbsenceOccasion(D(2015, 3, 11), D(2015, 3, 11), rest / 8, 8.0))
    return spells


def test_seed_001_table_4_reproduced():
    for unit, (hours, share_text, ftes) in TABLE_4.items():
        scheduled = [(D(2010, 1, 1), None, hours_per_working_day(fte)) for fte in ftes]
        result = sick_leave(_week_spells(hours), Q1_2015, scheduled=scheduled)
        assert result.hours == pytest.approx(hours), unit
        assert f"{100 * result.share_of_scheduled:.2f}".replace(".", ",") == share_text, unit


# Exit interview window (issue 13): accepted on the leaving date up to 90 days after it, never in the future.
# Leaving date 2025-06-30: the window is 2025-06-30 .. 2025-09-28 (June has 30 days: July 31 + August 31 = 62
# days to 2025-08-31, plus 28 = 90 days -> 2025-09-28).
@pytest.mark.parametrize(("held_on", "ended_on", "today", "problem"), [
    (D(2025, 6, 30), D(2025, 6, 30), D(2025, 12, 1), None),  # the leaving day itself
    (D(2025, 9, 28), D(2025, 6, 30), D(2025, 12, 1), None),  # the window's last day, 90 days after
    (D(2025, 9, 29), D(2025, 6, 30), D(2025, 12, 1), "after_window"),  # day 91
    (D(2025, 6, 29), D(2025, 6, 30), D(2025, 12, 1), "before_exit"),  # the day before leaving
    (D(2025, 7, 10), D(2025, 6, 30), D(2025, 7, 9), "in_future"),  # inside the window, but not held yet
    (D(2025, 7, 9), D(2025, 6, 30), D(2025, 7, 9), None),  # held today
    (D(2025, 7, 9), None, D(2025, 7, 9), "no_exit"),  # no leaving date registered
    # Across a leap day: 2024-02-01 + 90 days = 2024-05-01 (29 + 31 + 30 = 90 days to May 1).
    (D(2024, 5, 1), D(2024, 2, 1), D(2025, 1, 1), None),
    (D(2024, 5, 2), D(2024, 2, 1), D(2025, 1, 1), "after_window"),
])
def test_exit_interview_window(held_on, ended_on, today, problem):
    assert exit_interview_problem(held_on, ended_on, today) == problem


def test_exit_interview_window_bounds():
    assert EXIT_INTERVIEW_WINDOW_DAYS == 90
    assert exit_interview_window(D(2025, 6, 30)) == (D(2025, 6, 30), D(2025, 9, 28))
