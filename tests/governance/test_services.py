"""Governance writes: attributed in the change log, archived never deleted; scorecard rows and snapshots."""

import datetime as dt

import pytest


def test_changes_are_attributed_outside_the_web_too(governance_data, personas):
    from auditlog.models import LogEntry

    from stabil.governance import services

    risk = governance_data["risk"]
    services.risk_update(by=personas.department_head, risk=risk, likelihood=2)
    entry = LogEntry.objects.get_for_object(risk).order_by("-timestamp", "-pk").first()
    assert entry.actor == personas.department_head
    assert entry.changes_dict["likelihood"] == ["4", "2"]


@pytest.mark.parametrize("key", ["risk", "measure", "plan", "card", "check", "computed", "goal", "board"])
def test_rows_are_never_hard_deleted(governance_data, key):
    with pytest.raises(PermissionError):
        governance_data[key].delete()


def test_archive_keeps_the_row_and_its_history(governance_data, personas):
    from auditlog.models import LogEntry

    from stabil.governance import services
    from stabil.governance.models import Measure

    measure = governance_data["measure"]
    services.archive(by=personas.unit_manager, obj=measure)
    assert Measure.objects.get(pk=measure.pk).archived_at is not None
    assert LogEntry.objects.get_for_object(measure).count() >= 2


def test_entered_values_are_refused_for_computed_kpis(governance_data, personas):
    from stabil.governance import services

    with pytest.raises(ValueError, match="beräknas av Stabil"):
        services.kpi_entry_set(by=personas.unit_manager, kpi=governance_data["computed"], year=2025, value=50)


def test_risk_scale_is_validated(governance_data, personas):
    from django.core.exceptions import ValidationError

    from stabil.governance import services

    with pytest.raises(ValidationError):
        services.risk_create(by=personas.unit_manager, board=governance_data["board"], title="X", likelihood=5,
                             consequence=1, owner="E", review_on=dt.date(2026, 1, 1))


@pytest.mark.parametrize(("score", "level"), [(1, "low"), (3, "low"), (4, "medium"), (6, "medium"), (8, "high"),
                                              (9, "high"), (12, "critical"), (16, "critical")])
def test_risk_levels(score, level):
    from stabil.governance.models import risk_level

    assert risk_level(score) == level


def test_scorecard_rows_status_trend_and_snapshots(governance_data, personas, add_case, org):
    from stabil.governance import selectors, services
    from stabil.governance.models import KpiSnapshot

    services.kpi_entry_set(by=personas.unit_manager, kpi=governance_data["entered"], year=2026, value=76)
    for decided in (dt.date(2025, 3, 10), dt.date(2025, 3, 12), dt.date(2025, 3, 14), dt.date(2025, 3, 17),
                    dt.date(2025, 5, 1)):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2025, 3, 3)),
                                      ("preliminary_decided", decided, "", "no_investigation")])
    sections = selectors.scorecard_rows(governance_data["card"], today=dt.date(2026, 3, 31), exact=True)
    rows = {row.kpi.name: row for _p, goals in sections for _g, rows in goals for row in rows}
    nki = rows["NKI"]
    assert nki.values == {2025: 70.0, 2026: 76.0, 2027: None}
    assert nki.statuses == {2025: "not_met", 2026: "met", 2027: "unknown"}  # 70 < 75 - 5 % x 75 = 71.25
    assert nki.trend == "improving"
    prelim = rows["Förhandsbedömningar inom 14 dagar"]
    # 2025-03-03 + 14 days = 2025-03-17 (a Monday): four in time, one late.
    assert prelim.values[2025] == 80.0 and (prelim.numerators[2025], prelim.denominators[2025]) == (4, 5)
    assert prelim.statuses[2025] == "not_met"
    # A read stores nothing (issue 12): the snapshots are taken by an explicit service, for 2025 and 2026.
    assert not KpiSnapshot.objects.exists()
    taken = services.scorecard_snapshots_take(by=personas.unit_manager, scorecard=governance_data["card"],
                                              today=dt.date(2026, 3, 31))
    assert taken == 2 and KpiSnapshot.objects.filter(code="preliminary_assessment_within_14_days").count() == 2
    stored = KpiSnapshot.objects.get(code="preliminary_assessment_within_14_days", first_day=dt.date(2025, 1, 1))
    assert (stored.numerator, stored.denominator) == (4, 5)
    public = selectors.scorecard_rows(governance_data["card"], today=dt.date(2026, 3, 31), exact=False)
    prelim_public = next(r for _p, goals in public for _g, rs in goals for r in rs if r.kpi.computed)
    assert prelim_public.hidden[2025] is True  # one late of five: "all but one" is small
    assert prelim_public.statuses[2025] == "unknown"


def test_plan_progress_counts_cost_and_overdue(governance_data, personas):
    from stabil.governance import selectors, services

    plan = governance_data["plan"]
    services.measure_add(by=personas.unit_manager, plan=plan, title="Trainee", how="Tio trainees", expected_result="R",
                         due_on=dt.date(2026, 9, 1), cost_sek=400_000, responsible="A", status="done")
    services.measure_add(by=personas.unit_manager, plan=plan, title="Inställd", how="-", expected_result="-",
                         due_on=dt.date(2026, 1, 1), cost_sek=999, responsible="A", status="cancelled")
    progress = selectors.plan_progress(plan, dt.date(2026, 7, 1))
    assert progress.cost_sek == 1_900_000  # cancelled measures cost nothing
    assert progress.done == 1 and progress.total == 3
    assert [m.title for m in progress.overdue] == ["Sex socialsekreterare"]


def test_a_snapshot_of_a_running_period_is_used_for_an_hour(governance_data, add_case, org, personas):
    import time_machine
    from django.utils import timezone

    from stabil.governance import selectors, services
    from stabil.governance.models import KpiSnapshot

    first, last = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    with time_machine.travel(dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC), tick=False):
        services.kpi_snapshots_take(by=personas.unit_manager, first_day=first, last_day=last)
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 3, 2)),
                                      ("preliminary_decided", dt.date(2026, 3, 5), "", "no_investigation")])
        # Within the hour: the stored value stands.
        assert selectors.snapshot_values(first_day=first, last_day=last)[
            "preliminary_assessment_within_14_days"].denominator == 0
    with time_machine.travel(dt.datetime(2026, 3, 31, 11, 30, tzinfo=dt.UTC), tick=False):
        assert timezone.localdate() == last
        # Older than an hour in a running period: computed again, and not stored by the read.
        value = selectors.snapshot_values(first_day=first, last_day=last)["preliminary_assessment_within_14_days"]
        assert (value.numerator, value.denominator) == (1, 1)
        assert KpiSnapshot.objects.get(code="preliminary_assessment_within_14_days").denominator == 0


def test_a_read_of_kpi_values_stores_nothing(governance_data, add_case, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stabil.governance import selectors
    from stabil.governance.models import KpiSnapshot

    add_case(org.unit_a, "barn", [("report_received", dt.date(2025, 3, 3))])
    with CaptureQueriesContext(connection) as queries:
        values = selectors.snapshot_values(first_day=dt.date(2025, 1, 1), last_day=dt.date(2025, 12, 31))
    assert values["preliminary_assessment_within_14_days"].denominator == 1
    assert not KpiSnapshot.objects.exists()
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


@pytest.mark.parametrize("model_name", ["Risk", "Measure", "KpiTarget", "KpiEntry", "FollowUp",
                                        "SelfInspectionResult", "Scorecard"])
def test_bulk_deletes_are_refused(governance_data, model_name):
    from stabil.governance import models

    with pytest.raises(PermissionError):
        getattr(models, model_name).objects.all().delete()
