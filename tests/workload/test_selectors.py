"""Loads computed from the database against the hand-computed figures in conftest.py."""

import dataclasses
import datetime as dt

import pytest

from stabil.cases.models import CaseState, DeadlineSettings
from stabil.cases.services import recompute_cases
from stabil.workload import selectors, services

from .conftest import ON


def test_loads_from_cases_staff_and_absence(unit_data, personas):
    view = selectors.workload_on(on=ON, unit_ids=[personas.org.unit_a.pk])
    people = {p.staff_id: p for p in view.result.people}
    assert set(people) == {"S1", "S2", "S3", "S4"}
    expected = {
        "S1": (2, 0, 13.0, 80.4375),
        "S2": (0, 1, 3.0, 85.8),
        "S3": (1, 0, 6.0, 107.25),
        "S4": (0, 0, 0.0, 99.25),
    }
    for staff_id, (main, co, demand, capacity) in expected.items():
        p = people[staff_id]
        assert (p.cases_main, p.cases_co) == (main, co), staff_id
        assert p.demand_hours == pytest.approx(demand), staff_id
        assert p.capacity_hours == pytest.approx(capacity), staff_id
    unit = view.result.units[0]
    assert unit.demand_hours == pytest.approx(22.0)
    assert unit.capacity_hours == pytest.approx(80.4375 + 85.8 + 107.25 + 99.25)
    assert unit.fte_needed == 0.0


def test_phase_on_an_earlier_day_is_replayed_from_events(unit_data, personas):
    # On 2025-11-19 C1 did not exist yet (report on 11-20); C3 was closed as an investigation on 2025-06-02
    # and is in outpatient follow-up; on 2025-05-01 it was an investigation.
    on = dt.date(2025, 11, 19)
    view = selectors.workload_on(on=on, unit_ids=[personas.org.unit_a.pk])
    phases = {s.case_id: s.phase for s in view.snapshots}
    assert phases == {"C2": "investigation", "C3": "outpatient_followup"}
    earlier = selectors.workload_on(on=dt.date(2025, 5, 1), unit_ids=[personas.org.unit_a.pk])
    assert {s.case_id: s.phase for s in earlier.snapshots} == {"C3": "investigation"}


def test_lvu_placement_gets_the_complexity_factor(unit_data, personas):
    from stabil.cases.models import CaseEvent
    from stabil.cases.services import recompute_cases

    c3 = unit_data["C3"]
    CaseEvent.objects.create(case=c3, kind="intervention_started", on=dt.date(2025, 10, 1),
                             intervention="residential", reason="LVU")
    recompute_cases([c3.pk])
    view = selectors.workload_on(on=ON, unit_ids=[personas.org.unit_a.pk])
    snap = next(s for s in view.snapshots if s.case_id == "C3")
    assert snap.phase == "placement_followup" and "lvu" in snap.complexity
    s3 = next(p for p in view.result.people if p.staff_id == "S3")
    assert s3.demand_hours == pytest.approx(6.0 * 1.3)


def test_a_saved_config_version_is_used(unit_data, personas):
    services.config_save(by=personas.unit_manager, note="test",
                         data={"main_weights_hours_per_month": {"investigation": 10}})
    view = selectors.workload_on(on=ON, unit_ids=[personas.org.unit_a.pk])
    s1 = next(p for p in view.result.people if p.staff_id == "S1")
    assert s1.demand_hours == pytest.approx(15.0)
    assert view.config_version == 1


def test_board_projects_four_weeks_ahead(unit_data, personas):
    board = selectors.board_for_unit(unit_id=personas.org.unit_a.pk, on=ON)
    rows = {r.info.staff_id: r for r in board.rows}
    # C1's preliminary assessment is due 2025-12-04, before 2025-12-22: half opens an investigation
    # (default share, no history): 0.5 x 8 = 4; C2 stays an investigation (due 2026-01-05): 8.
    # December 2025 has no recorded absence: capacity 107.25.
    assert rows["S1"].future_capacity_hours == pytest.approx(107.25)
    assert rows["S1"].future_load == pytest.approx(12.0 / 107.25)
    # On 2025-10-27 only C2, and October had no absence.
    assert rows["S1"].trend_load == pytest.approx(8.0 / 107.25)
    assert board.overloaded_now == [] and board.overloaded_future == []


def test_allocation_respects_eligibility(unit_data):
    allocation = selectors.allocation_for_case(case=unit_data["C4"], on=ON)
    assert allocation.phase == "preliminary_assessment"
    assert allocation.needs_decision_maker is True
    # S4 (5 / 99.25) before S1 ((13 + 5) / 80.4375); S2 is a first-year co-handler, S3 a consultant.
    assert [s.staff_id for s in allocation.result.suggestions] == ["S4", "S1"]
    excluded = {e.staff_id: " ".join(e.reasons) for e in allocation.result.excluded}
    assert set(excluded) == {"S2", "S3"}
    assert "medhandläggare" in excluded["S2"]
    assert "beslutsbefogenhet" in excluded["S3"]
    co = selectors.allocation_for_case(case=unit_data["C4"], on=ON, role="co")
    assert [s.staff_id for s in co.result.suggestions] == ["S4", "S2", "S3", "S1"]


def test_allocation_of_a_closed_case_is_refused(unit_data):
    from stabil.cases.models import CaseEvent
    from stabil.cases.services import recompute_cases

    c4 = unit_data["C4"]
    CaseEvent.objects.create(case=c4, kind="protection_assessed", on=dt.date(2025, 11, 23))
    CaseEvent.objects.create(case=c4, kind="preliminary_decided", on=dt.date(2025, 11, 24),
                             outcome="no_investigation")
    recompute_cases([c4.pk])
    with pytest.raises(ValueError, match="avslutat"):
        selectors.allocation_for_case(case=c4, on=ON)


def test_config_versions_record_who_changed_what(personas, db):
    v1 = services.config_save(by=personas.unit_manager, data={"target_load": 0.9}, note="Lägre marginal")
    assert v1.number == 1 and v1.created_by == personas.unit_manager
    assert v1.changes == [{"field": "target_load", "old": 0.85, "new": 0.9}]
    same = services.config_save(by=personas.unit_manager, data={"target_load": 0.9})
    assert same.pk == v1.pk
    v2 = services.config_save(by=None, data={"target_load": 0.9, "amber_from": 0.8}, source="cli")
    assert v2.number == 2 and v2.created_by is None
    assert v2.changes == [{"field": "amber_from", "old": 0.85, "new": 0.8}]
    with pytest.raises(services.WorkloadInputError, match="target_load"):
        services.config_save(by=None, data={"target_load": -1})
    assert selectors.current_config()[0] == 2


def test_risk_history_and_measures(unit_data, personas):
    history = selectors.risk_history(unit_id=personas.org.unit_a.pk, on=ON, months=3)
    assert [p["on"] for p in history] == [dt.date(2025, 8, 31), dt.date(2025, 9, 30), dt.date(2025, 10, 31), ON]
    assert all(p["share_red"] == 0.0 for p in history)
    m = services.risk_measure_record(by=personas.unit_manager, unit=personas.org.unit_a, risk="Hög belastning",
                                     measure="Administrativt stöd", responsible="Enhetschef", due_on=ON)
    services.risk_measure_set_status(by=personas.unit_manager, measure=m, status="done")
    m.refresh_from_db()
    assert m.status == "done"
    with pytest.raises(services.WorkloadInputError):
        services.risk_measure_record(by=None, unit=personas.org.unit_a, risk=" ", measure="x", responsible="y",
                                     due_on=ON)


def test_earlier_view_reusing_a_later_one_equals_a_fresh_one(unit_data, personas):
    unit_ids = [personas.org.unit_a.pk]
    now = selectors.workload_on(on=ON, unit_ids=unit_ids)
    for earlier in (dt.date(2025, 10, 27), dt.date(2025, 11, 20), dt.date(2025, 5, 1)):
        fresh = selectors.workload_on(on=earlier, unit_ids=unit_ids)
        reused = selectors.workload_on(on=earlier, unit_ids=unit_ids, later=now)
        assert sorted((s.case_id, s.phase, s.main, s.co) for s in reused.snapshots) == sorted(
            (s.case_id, s.phase, s.main, s.co) for s in fresh.snapshots)
        assert [p.to_dict() for p in reused.result.people] == [p.to_dict() for p in fresh.result.people]


def test_risk_measure_changes_are_in_the_change_log(personas, db):
    from auditlog.models import LogEntry

    m = services.risk_measure_record(by=personas.unit_manager, unit=personas.org.unit_a, risk="Risk",
                                     measure="Åtgärd", responsible="Chef", due_on=ON)
    services.risk_measure_set_status(by=personas.unit_manager, measure=m, status="in_progress")
    entries = LogEntry.objects.get_for_object(m)
    assert entries.count() == 2
    assert "status" in entries.latest("timestamp").changes_dict


def test_all_units_at_once_equals_unit_by_unit(unit_data, personas):
    from stabil.cases.models import CaseEvent
    from stabil.cases.services import recompute_cases

    c3 = unit_data["C3"]
    CaseEvent.objects.create(case=c3, kind="intervention_started", on=dt.date(2025, 10, 1),
                             intervention="residential", reason="LVU")
    recompute_cases([c3.pk])
    everything = selectors.workload_on(on=ON, unit_ids=None)
    by_unit = selectors.workload_on(on=ON, unit_ids=[personas.org.unit_a.pk, personas.org.unit_b.pk])
    assert [p.to_dict() for p in everything.result.people] == [p.to_dict() for p in by_unit.result.people]
    assert sorted((s.case_id, s.phase, s.complexity, tuple(sorted(s.due_on.items()))) for s in everything.snapshots) \
        == sorted((s.case_id, s.phase, s.complexity, tuple(sorted(s.due_on.items()))) for s in by_unit.snapshots)


def test_allocation_leaves_out_someone_on_leave_in_the_coming_weeks(unit_data):
    from stabil.staff.models import Absence

    # 2025-11-24 to 2025-12-22 has 21 working days; S4 is away 2025-11-25 to 2025-12-12 (14 of them).
    Absence.objects.create(staff=unit_data["S4"], kind="parental", first_day=dt.date(2025, 11, 25),
                           last_day=dt.date(2025, 12, 12))
    allocation = selectors.allocation_for_case(case=unit_data["C4"], on=ON)
    assert [s.staff_id for s in allocation.result.suggestions] == ["S1"]
    excluded = {e.staff_id: " ".join(e.reasons) for e in allocation.result.excluded}
    assert "Frånvarande 67\xa0% av arbetsdagarna" in excluded["S4"]


@pytest.mark.parametrize(
    "rules, c4_due",
    [
        # C4: report Sun 2025-11-23 + 14 days = Sun 2025-12-07, moved to Mon 12-08 by lag (1930:173) 2 §
        (None, dt.date(2025, 12, 8)),
        # strict calendar days (and other non-default choices): due on the Sunday itself
        ({"move_to_working_day": False, "protection_assessment_moves": True, "first_contact_guarantee": False,
          "first_contact_working_days": 5, "warning_working_days": 1}, dt.date(2025, 12, 7)),
    ],
)
def test_replayed_snapshots_equal_the_stored_ones_under_the_municipalitys_rules(unit_data, personas, rules, c4_due):
    if rules is not None:
        DeadlineSettings.objects.create(**rules)
        recompute_cases([unit_data[c].pk for c in ("C1", "C2", "C3", "C4")])
    units = [personas.org.unit_a.pk]
    stored = selectors.case_snapshots(on=ON, unit_ids=units)
    assert {s.case_id for s in stored} == {"C1", "C2", "C3", "C4"}
    assert next(s for s in stored if s.case_id == "C4").due_on["preliminary_assessment"] == c4_due
    # Without a stored state every case is replayed from its events (which then knows no stored last event).
    CaseState.objects.all().delete()
    replayed = selectors.case_snapshots(on=ON, unit_ids=units)
    key = lambda s: s.case_id
    assert sorted(replayed, key=key) == sorted((dataclasses.replace(s, last_event_on=None) for s in stored), key=key)
