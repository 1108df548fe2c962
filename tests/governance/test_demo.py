"""The demo's governance step: Helsingborg's scorecard, Uppsala's nine measures (5 MSEK), risks, checks."""

import datetime as dt
import io
import random

from stabil.core.kpi import REGISTRY


def test_demo_governance(personas, org):
    from stabil.demo.generator import DemoContext
    from stabil.governance import demo
    from stabil.governance.models import ActionPlan, Kpi, Risk, Scorecard, SelfInspectionCheck

    ctx = DemoContext(seed=1, today=dt.date(2026, 11, 24), rng=random.Random(1), stream=io.StringIO(),
                      units={"BU-UTR": org.unit_a}, users={"avdelningschef": personas.department_head})
    demo.build(ctx)
    plan = ActionPlan.objects.get()
    measures = list(plan.measures.order_by("number"))
    assert len(measures) == 9
    assert sum(m.cost_sek for m in measures) == 5_000_000 == plan.budget_sek
    assert measures[0].cost_sek == 1_500_000 and "sex (6)" in measures[0].how
    card = Scorecard.objects.get()
    assert card.years == [2025, 2026, 2027]
    assert [p.name for p in card.perspectives.all()] == ["Invånare", "Organisation", "Ekonomi", "Omvärld"]
    assert set(Kpi.objects.exclude(computed="").values_list("computed", flat=True)) == set(REGISTRY)
    sick = Kpi.objects.get(computed="units_sick_leave_below_5_percent")
    assert [float(t.target) for t in sick.targets.order_by("year")] == [75, 77, 80]  # Helsingborg
    hme = Kpi.objects.get(name__startswith="Hållbart medarbetarengagemang")
    assert [float(t.target) for t in hme.targets.order_by("year")] == [74, 75, 76]
    assert Risk.objects.filter(source="workload", org_unit=org.unit_a).exists()
    assert SelfInspectionCheck.objects.filter(kind="deadlines", frequency="monthly").exists()
    # Issue 13: the self-inspections tell one story, not all overdue: only the yearly summary is late.
    from stabil.governance.selectors import self_inspection_plan

    late = [row.check.frequency for row in self_inspection_plan(ctx.today) if row.overdue]
    assert late == ["yearly"]
    assert all(m.risks.exists() or m.number == 6 for m in measures)
    # The hires the staff register shows from 2026-09-01 (staff/demo.py): their measures are done.
    assert [m.status for m in measures if m.number in (3, 5)] == ["done", "done"]
