"""Hand-computed due dates for every deadline rule, both laws, strict mode and the cut-overs."""

import datetime as dt

import pytest

from stabil.core import deadlines as dl
from stabil.core.deadlines import Deadline, DeadlineConfig

D = dt.date.fromisoformat
STRICT = DeadlineConfig(move_to_working_day=False)


@pytest.mark.parametrize(
    "report_on, moved, strict",
    [
        ("2026-03-10", "2026-03-24", "2026-03-24"),
        ("2026-06-05", "2026-06-22", "2026-06-19"),  # midsommarafton
        ("2024-12-10", "2024-12-27", "2024-12-24"),  # julafton
        ("2025-12-17", "2026-01-02", "2025-12-31"),  # nyårsafton + nyårsdagen
        ("2026-03-15", "2026-03-30", "2026-03-29"),  # DST Sunday
        ("2026-10-11", "2026-10-26", "2026-10-25"),  # DST Sunday
        ("2024-02-15", "2024-02-29", "2024-02-29"),  # leap day, a Thursday
        ("2025-02-15", "2025-03-03", "2025-03-01"),  # Saturday
        ("2027-05-22", "2027-06-07", "2027-06-05"),  # Sat, then national day on Sunday
        ("2026-03-20", "2026-04-07", "2026-04-03"),  # Good Friday .. Easter Monday
    ],
)
def test_preliminary_assessment_14_days(report_on, moved, strict):
    assert dl.preliminary_assessment_due(D(report_on)) == D(moved)
    assert dl.preliminary_assessment_due(D(report_on), STRICT) == D(strict)


@pytest.mark.parametrize(
    "opened_on, moved, strict",
    [
        ("2025-10-31", "2026-03-02", "2026-02-28"),  # 31 Oct + 4 months = 28 Feb (Sat)
        ("2023-10-31", "2024-02-29", "2024-02-29"),  # leap year, Thursday
        ("2027-10-31", "2028-02-29", "2028-02-29"),
        ("2026-02-24", "2026-06-24", "2026-06-24"),
        ("2026-02-19", "2026-06-22", "2026-06-19"),  # midsommarafton
        ("2026-08-24", "2026-12-28", "2026-12-24"),  # julafton .. weekend
        ("2026-06-25", "2026-10-26", "2026-10-25"),  # DST Sunday
        ("2025-08-31", "2026-01-02", "2025-12-31"),  # nyårsafton
        ("2026-01-31", "2026-06-01", "2026-05-31"),  # 31 May, a Sunday
    ],
)
def test_investigation_four_months(opened_on, moved, strict):
    assert dl.investigation_due(D(opened_on)) == D(moved)
    assert dl.investigation_due(D(opened_on), STRICT) == D(strict)


@pytest.mark.parametrize(
    "decided_on, expected_due, timely",
    [
        ("2026-06-20", "2026-08-31", True),  # before the due date
        ("2026-06-24", "2026-08-31", True),  # on the due date
        ("2026-06-25", "2026-06-24", False),  # after: moves nothing, itself a breach
    ],
)
def test_investigation_extension(decided_on, expected_due, timely):
    assert dl.investigation_extension(D("2026-06-24"), D(decided_on), D("2026-08-31")) == (D(expected_due), timely)


def test_first_contact_service_guarantee():
    assert dl.first_contact_due(D("2026-06-12")) == D("2026-06-24")
    assert dl.first_contact_due(D("2026-06-12"), DeadlineConfig(first_contact_working_days=5)) == D("2026-06-22")
    assert dl.first_contact_due(D("2026-06-12"), DeadlineConfig(first_contact_guarantee=False)) is None


@pytest.mark.parametrize(
    "last_on, moved, strict",
    [
        ("2025-12-31", "2026-06-30", "2026-06-30"),
        ("2026-07-04", "2027-01-04", "2027-01-04"),  # 4 Jan 2027 is a Monday
        ("2025-12-19", "2026-06-22", "2026-06-19"),  # midsommarafton
        ("2024-08-31", "2025-02-28", "2025-02-28"),  # month end, Friday
        ("2025-08-31", "2026-03-02", "2026-02-28"),  # month end, Saturday
        ("2026-07-01", "2027-01-04", "2027-01-01"),  # New Year's Day
    ],
)
def test_placement_review_six_months(last_on, moved, strict):
    assert dl.placement_review_due(D(last_on)) == D(moved)
    assert dl.placement_review_due(D(last_on), STRICT) == D(strict)


def test_care_plan_and_foster_home_approval_are_due_on_the_start_date_never_moved():
    saturday = D("2026-06-20")
    assert dl.care_plan_due(saturday) == saturday
    assert dl.foster_home_approval_due(D("2026-12-24")) == D("2026-12-24")


MOVES = DeadlineConfig(protection_assessment_moves=True)


@pytest.mark.parametrize(
    "report_on, config, due_on",
    [
        ("2026-06-17", DeadlineConfig(), "2026-06-17"),  # Wednesday: the same day
        # "Genast" is no period under lag (1930:173): by default it is never moved, weekends and holidays
        # included (the on-call service, socialjour, assesses then; prop. 2012/13:10 p. 60).
        ("2025-12-24", DeadlineConfig(), "2025-12-24"),  # julafton 2025 (Wed): due that day, not 2025-12-29
        ("2026-06-20", DeadlineConfig(), "2026-06-20"),  # Saturday, midsommardagen
        ("2026-12-31", DeadlineConfig(), "2026-12-31"),  # nyårsafton
        ("2026-06-18", DeadlineConfig(protection_assessment_days=1), "2026-06-19"),  # late report: midsommarafton
        ("2026-12-24", DeadlineConfig(protection_assessment_days=1), "2026-12-25"),  # late report: juldagen
        # A municipality may choose to move it (Fristregler): then by 2 §, like the others.
        ("2025-12-24", MOVES, "2025-12-29"),  # julafton, juldagen, annandag, weekend -> Monday
        ("2026-06-20", MOVES, "2026-06-22"),  # midsommardagen (Sat), Sunday -> Monday
        ("2026-12-31", MOVES, "2027-01-04"),  # nyårsafton, nyårsdagen (Fri), weekend -> Monday
        ("2026-06-18", DeadlineConfig(protection_assessment_days=1, protection_assessment_moves=True),
         "2026-06-22"),  # next day = midsommarafton -> Monday
        # ... unless strict calendar days are chosen, which moves nothing
        ("2026-06-20", DeadlineConfig(protection_assessment_moves=True, move_to_working_day=False), "2026-06-20"),
    ],
)
def test_protection_assessment_due(report_on, config, due_on):
    assert dl.protection_assessment_due(D(report_on), config) == D(due_on)


def test_protection_assessment_is_not_moved_by_default():
    assert DeadlineConfig().protection_assessment_moves is False
    assert dl.DEFAULT_CONFIG.protection_assessment_moves is False


@pytest.mark.parametrize(
    "decided_on, expected",
    [
        ("2025-12-31", None),
        ("2026-01-14", None),  # the day before the rule
        ("2026-01-15", "2026-01-22"),  # the first day, Thursday + 7
        ("2026-12-17", "2026-12-28"),  # lands on julafton
    ],
)
def test_reporter_feedback_cut_over(decided_on, expected):
    due = dl.reporter_feedback_due(D(decided_on))
    assert due == (D(expected) if expected else None)


@pytest.mark.parametrize(
    "kind, start_on, moved, lvu, expected",
    [
        # the law of the start date; lag (1930:173) 1 § for periods in months, 2 § only when moved
        ("preliminary_assessment", "2025-06-30", False, False, "SoL (2001:453) 11 kap. 1 a §"),
        ("preliminary_assessment", "2025-07-01", False, False, "SoL (2025:400) 20 kap. 2 §"),
        ("preliminary_assessment", "2025-07-01", True, False, "SoL (2025:400) 20 kap. 2 §; lag (1930:173) 2 §"),
        ("protection_assessment", "2025-07-01", False, False, "SoL (2025:400) 20 kap. 1 §"),
        ("protection_assessment", "2025-12-24", True, False, "SoL (2025:400) 20 kap. 1 §; lag (1930:173) 2 §"),
        ("investigation", "2024-03-01", False, False, "SoL (2001:453) 11 kap. 2 §; lag (1930:173) 1 §"),
        ("investigation", "2026-03-01", True, False,
         "SoL (2025:400) 20 kap. 3 §; lag (1930:173) 1 §; lag (1930:173) 2 §"),
        ("first_contact", "2026-03-01", False, False, "lokal tjänstegaranti (Helsingborg)"),
        ("care_plan", "2025-01-01", False, False, "SoL (2001:453) 11 kap. 3 §"),
        ("care_plan", "2025-09-01", False, False, "SoL (2025:400) 9 kap. 12-13 §§"),
        ("foster_home_approval", "2025-01-01", False, False, "SoL (2001:453) 6 kap. 6 §"),
        ("foster_home_approval", "2025-09-01", False, False, "SoL (2025:400) 22 kap. 2 §"),
        # LVU (1990:52) 13 § only for a placement under LVU, never for a voluntary one
        ("placement_review", "2025-01-01", False, False, "SoL (2001:453) 6 kap. 8 §; lag (1930:173) 1 §"),
        ("placement_review", "2025-09-01", False, False, "SoL (2025:400) 22 kap. 13 §; lag (1930:173) 1 §"),
        ("placement_review", "2025-09-01", False, True,
         "SoL (2025:400) 22 kap. 13 §; LVU (1990:52) 13 §; lag (1930:173) 1 §"),
        ("placement_review", "2025-07-10", True, True,
         "SoL (2025:400) 22 kap. 13 §; LVU (1990:52) 13 §; lag (1930:173) 1 §; lag (1930:173) 2 §"),
        ("reporter_feedback", "2026-02-01", False, False, "SoL (2025:400) 19 kap. 6 §"),
        ("reporter_feedback", "2026-12-17", True, False, "SoL (2025:400) 19 kap. 6 §; lag (1930:173) 2 §"),
    ],
)
def test_citations_are_versioned_by_date(kind, start_on, moved, lvu, expected):
    assert dl.cite(kind, D(start_on), moved=moved, lvu=lvu) == expected


def test_citation_defaults_are_unmoved_and_voluntary():
    assert dl.cite("placement_review", D("2025-09-01")) == "SoL (2025:400) 22 kap. 13 §; lag (1930:173) 1 §"


def test_every_kind_has_a_rule():
    assert set(dl.RULES) == set(dl.DEADLINE_KINDS)


@pytest.mark.parametrize(
    "due_on, met_on, on, expected",
    [
        ("2026-03-10", "2026-03-10", "2026-04-01", "met"),
        ("2026-03-10", "2026-03-09", "2026-04-01", "met"),
        ("2026-03-10", "2026-03-11", "2026-04-01", "missed"),
        ("2026-03-10", None, "2026-03-10", "open"),
        ("2026-03-10", None, "2026-03-11", "overdue"),
    ],
)
def test_status_of(due_on, met_on, on, expected):
    assert dl.status_of(D(due_on), D(met_on) if met_on else None, D(on)) == expected


@pytest.mark.parametrize(
    "due_on, status, expected",
    [
        ("2026-06-23", "open", True),  # 18 (1), 19 midsommarafton, 22 (2), 23 (3)
        ("2026-06-24", "open", False),
        ("2026-06-10", "overdue", False),
        ("2026-06-17", "met", False),
    ],
)
def test_due_soon_uses_working_days(due_on, status, expected):
    assert dl.is_due_soon(D(due_on), status, D("2026-06-17")) is expected


def test_config_rejects_nonsense():
    with pytest.raises(ValueError):
        DeadlineConfig(first_contact_working_days=0)
    with pytest.raises(ValueError):
        DeadlineConfig(protection_assessment_days=-1)


def _d(kind, start, due, met, status):
    return Deadline(kind, D(start), D(due), D(met) if met else None, status, "", "")


def test_compliance_summary_hand_computed():
    items = [
        _d("investigation", "2026-01-01", "2026-05-01", "2026-03-01", "met"),  # 59 days
        _d("investigation", "2026-01-01", "2026-05-01", "2026-04-10", "met"),  # 99 days
        _d("investigation", "2026-01-01", "2026-05-01", "2026-05-21", "missed"),  # 140 days
        _d("investigation", "2026-01-01", "2026-05-01", None, "overdue"),
        _d("investigation", "2026-06-01", "2026-10-01", None, "open"),
        _d("care_plan", "2026-01-01", "2026-01-01", "2026-01-01", "met"),  # 0 days
    ]
    by_kind = {s.kind: s for s in dl.compliance_summary(items)}
    inv = by_kind["investigation"]
    assert (inv.due, inv.met, inv.missed, inv.overdue, inv.open) == (4, 2, 1, 1, 1)
    assert inv.share_met == 0.5
    assert inv.median_days == 99
    assert inv.p90_days == pytest.approx(99 + (140 - 99) * 0.8)  # position 1.8 between 99 and 140
    assert by_kind["care_plan"].share_met == 1.0
    assert by_kind["protection_assessment"].due == 0
    assert by_kind["protection_assessment"].share_met is None


def _seen(due, met, on):
    """A preliminary-assessment deadline due on ``due`` with its event on ``met`` (or None), as seen on ``on``."""
    met_on = D(met) if met and D(met) <= D(on) else None
    return Deadline("preliminary_assessment", D(due) - dt.timedelta(days=14), D(due), met_on,
                    dl.status_of(D(due), met_on, D(on)), "", "")


# The period is 2015-03-01..2015-03-31: the caller passes the deadlines due in it (first and last day included).
@pytest.mark.parametrize(
    ("deadlines", "on", "met", "fell_due", "share"),
    [
        # met on the due day -> met; a day late -> missed; no event after the due day -> overdue: 1 / 3
        ([("2015-03-10", "2015-03-10"), ("2015-03-11", "2015-03-12"), ("2015-03-20", None)], "2015-04-15", 1, 3,
         1 / 3),
        # the first and the last day are in the period; met early counts as met
        ([("2015-03-01", "2015-02-27"), ("2015-03-31", "2015-01-05")], "2015-04-15", 2, 2, 1.0),
        # the last-day edge, seen on the last day: due today without an event is open (it can still be met
        # today), not missed; the one met on time is all that fell due
        ([("2015-03-31", None), ("2015-03-10", "2015-03-09")], "2015-03-31", 1, 1, 1.0),
        # ... and met that very day it is met
        ([("2015-03-31", "2015-03-31"), ("2015-03-10", "2015-03-09")], "2015-03-31", 2, 2, 1.0),
        # ... seen the next day without an event it is overdue and counts against
        ([("2015-03-31", None), ("2015-03-10", "2015-03-09")], "2015-04-01", 1, 2, 0.5),
        # ... met a day late (an event after the period) it is missed
        ([("2015-03-31", "2015-04-01"), ("2015-03-10", "2015-03-09")], "2015-04-15", 1, 2, 0.5),
        # a period still running: deadlines due later in it are open and not counted
        ([("2015-03-20", None), ("2015-03-31", None), ("2015-03-02", "2015-03-01")], "2015-03-15", 1, 1, 1.0),
        # nothing fell due: no share (not 0 %, not 100 %)
        ([("2015-03-31", None)], "2015-03-31", 0, 0, None),
    ],
)
def test_share_met_on_time_has_one_definition(deadlines, on, met, fell_due, share):
    summary = next(s for s in dl.compliance_summary([_seen(d, m, on) for d, m in deadlines])
                   if s.kind == "preliminary_assessment")
    assert (summary.met, summary.due) == (met, fell_due)
    assert summary.share_met == (pytest.approx(share) if share is not None else None)
