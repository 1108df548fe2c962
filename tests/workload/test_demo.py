"""The demo municipality's workload: a model version, settings, new reports to allocate, loads that add up."""

import datetime as dt
import io
import random

import pytest

TODAY = dt.date(2026, 11, 24)


@pytest.mark.django_db
def test_demo_workload(monkeypatch):
    from stabil.cases import demo as cases_demo
    from stabil.demo.generator import DemoContext
    from stabil.organisation import demo as organisation_demo
    from stabil.staff import demo as staff_demo
    from stabil.workload import demo, selectors
    from stabil.workload.models import CaseComplexity, ConfigVersion, RiskMeasure, TeamSettings, UnitSettings

    monkeypatch.setattr(cases_demo, "DEMO_CASES", 1200)
    ctx = DemoContext(seed=3, today=TODAY, rng=random.Random(3), stream=io.StringIO())
    organisation_demo.build(ctx)
    staff_demo.build(ctx)
    cases_demo.build(ctx)
    demo.build(ctx)

    version = ConfigVersion.objects.get()
    assert version.number == 1 and version.source == "demo" and version.created_by is None
    assert UnitSettings.objects.get(unit__code="BU-MOT").admin_support
    assert TeamSettings.objects.get(team__code="PLA-FH").work_types == ["foster_home"]
    assert CaseComplexity.objects.exists() and RiskMeasure.objects.filter(unit__code="BU-UTR").count() == 3

    view = selectors.workload_on(on=TODAY, unit_ids=None)
    units = {u.code: u for u in view.result.units}
    assert {"BU-UTR", "BU-MOT"} <= set(units)
    assert sum(u.demand_hours for u in units.values()) == pytest.approx(sum(p.demand_hours for p in view.result.people))

    from stabil.cases.models import Case

    new = Case.objects.get(case_id="BU-NY-001")
    assert new.main_handler is None
    allocation = selectors.allocation_for_case(case=new, on=TODAY)
    assert allocation.phase == "preliminary_assessment" and allocation.result.suggestions
    # Nobody proposed may be a consultant (the preliminary assessment needs a decision maker) or co-handler only.
    proposed = {s.staff_id for s in allocation.result.suggestions}
    for staff_id in proposed:
        verdict = allocation.info[staff_id].eligibility
        assert verdict.may_be_main_handler and verdict.may_take_decisions
