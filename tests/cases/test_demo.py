"""The demo case history: realistic shape, stored through the real loader, deterministic."""

import datetime as dt
import io
import random
from collections import Counter

import pytest

from stabil.cases import demo
from stabil.cases.models import Case, CaseEvent, Deadline
from stabil.demo.generator import DemoContext


def _build(monkeypatch, seed=7, n=1500):
    from stabil.organisation import demo as organisation_demo

    monkeypatch.setattr(demo, "DEMO_CASES", n)
    ctx = DemoContext(seed=seed, today=dt.date(2026, 11, 24), rng=random.Random(seed), stream=io.StringIO())
    organisation_demo.build(ctx)
    demo.build(ctx)
    return ctx


@pytest.mark.django_db
def test_demo_history_has_the_seeds_shape(monkeypatch):
    _build(monkeypatch)
    assert Case.objects.count() == 1500
    reports = Counter(CaseEvent.objects.filter(kind="report_received").values_list("on__year", flat=True))
    assert reports[2025] > reports[2024] * 1.05 and reports[2024] > reports[2023] * 1.05  # ~20 %/year, noisy
    months = Counter(CaseEvent.objects.filter(kind="report_received", on__year=2025).values_list("on__month", flat=True))
    assert months[7] < 0.75 * months[9]  # summer dip
    statuses = Counter(Deadline.objects.filter(kind="investigation").values_list("settled", flat=True))
    late = statuses["missed"] / (statuses["met"] + statuses["missed"])
    assert 0.08 < late < 0.35  # a realistic share of late investigations
    assert set(Case.objects.values_list("unit__code", flat=True)) <= {"BU-MOT", "BU-UTR", "BU-UNG", "BU-PLA", "BU-EKB"}
    assert Case.objects.filter(category="ungdom").exclude(unit__code="BU-UNG").count() == 0


def _wipe():
    from stabil.cases.models import CaseState, Child
    from stabil.organisation.models import Administration, Department, Municipality, Team, Unit
    from stabil.staff.models import StaffMember

    for model in (Deadline, CaseState, CaseEvent, Case, Child, StaffMember, Team, Unit, Department, Administration,
                  Municipality):
        model.objects.all().delete()


@pytest.mark.django_db
def test_demo_history_is_deterministic(monkeypatch):
    _build(monkeypatch, n=200)
    first = sorted(CaseEvent.objects.values_list("case__case_id", "kind", "on", "outcome", "intervention"))
    _wipe()
    _build(monkeypatch, n=200)
    second = sorted(CaseEvent.objects.values_list("case__case_id", "kind", "on", "outcome", "intervention"))
    assert first == second and len(first) > 800
