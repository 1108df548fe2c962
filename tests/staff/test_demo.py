"""The demo staff history: realistic shape, deterministic, and usable by the reports."""

import datetime as dt
import random
import sys

import pytest

from stabil.core.staffstats import exit_interview_problem
from stabil.demo.generator import DemoContext
from stabil.staff.models import Absence, ExitInterview, StaffChange, StaffMember
from stabil.staff.selectors import staff_report

TODAY = dt.date(2026, 11, 24)


def build(seed=2026):
    import stabil.accounts.demo
    import stabil.organisation.demo
    import stabil.staff.demo

    ctx = DemoContext(seed=seed, today=TODAY, rng=random.Random(seed), stream=sys.stderr)
    for module in (stabil.organisation.demo, stabil.accounts.demo, stabil.staff.demo):
        module.build(ctx)
    return ctx


@pytest.mark.django_db
def test_demo_staff_history_has_the_seeds_shape():
    ctx = build()
    active_utr = StaffMember.objects.filter(unit__code="BU-UTR", role="caseworker", ended_on__isnull=True)
    assert 18 <= active_utr.count() <= 32  # ~25 investigators
    consultants = active_utr.filter(employment="consultant").count()
    assert 3 <= consultants  # several consultants fill vacancies in the investigation unit
    ended = StaffMember.objects.filter(ended_on__isnull=False).exclude(employment="consultant")
    assert ended.exclude(exit_reason="").count() == ended.count() > 10
    assert ExitInterview.objects.count() > 5
    # Every demo interview lies inside the window the services enforce (on or after the leaving date, at most
    # EXIT_INTERVIEW_WINDOW_DAYS after it, not in the future), so the demo can be edited on its own pages.
    for held_on, ended_on in ExitInterview.objects.values_list("held_on", "staff__ended_on"):
        assert exit_interview_problem(held_on, ended_on, TODAY) is None, (held_on, ended_on)
    assert Absence.objects.filter(kind="sick").count() > 500
    assert StaffChange.objects.exists()
    # The demo caseworker and team lead are staff members (their cases follow from this).
    assert StaffMember.objects.get(user=ctx.users["handlaggare"]).role == "caseworker"
    assert StaffMember.objects.get(user=ctx.users["arbetsledare"]).role == "team_lead"
    report = {entry["unit"]: entry for entry in staff_report(dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                                                             ctx.units.values())}
    utr = report["BU-UTR"]
    assert 1.5 <= utr["consultants"]["cost_ratio"] <= 2.5  # about twice a permanent caseworker
    shares = [entry["sick_hours"]["share"] for entry in report.values()]
    assert all(0 < share < 0.15 for share in shares)


def test_demo_people_are_deterministic_per_seed():
    from types import SimpleNamespace

    from stabil.staff.demo import UNITS, _people

    def plan(seed):
        units = {code: SimpleNamespace(pk=index) for index, code in enumerate(UNITS)}
        teams = {f"{code}-T": SimpleNamespace(unit_id=index) for index, code in enumerate(UNITS)}
        ctx = SimpleNamespace(rng=random.Random(seed), today=TODAY, units=units, teams=teams)
        return [(p.staff_id, p.unit, p.started_on, p.ended_on, p.employment, p.exit_reason)
                for p in _people(ctx, dt.date(2022, 11, 1))]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


@pytest.mark.django_db
def test_every_demo_staff_member_has_a_plausible_swedish_name_from_the_seed():
    import stabil.staff.demo as staff_demo

    build()
    names = dict(StaffMember.objects.values_list("staff_id", "name"))
    assert names and all(names.values()), "every staff member has a name"
    for name in names.values():
        first, last = name.split(" ", 1)
        assert first in staff_demo.FIRST_NAMES and last in staff_demo.LAST_NAMES
    assert len(set(names.values())) > len(names) * 0.8  # not everyone is called the same
    # The same seed gives the same names (drawn from their own generator seeded from the demo's seed).
    assert staff_demo.staff_names(2026, list(names)) == staff_demo.staff_names(2026, list(names))
    assert staff_demo.staff_names(2026, list(names)) == names


@pytest.mark.django_db
def test_the_action_plans_hires_are_in_the_register():
    # Issue 13: the action plan said "10 trainees" and "3 specialisthandläggare" were done, and the staff register
    # had neither. They start on the measures' due day, 2026-09-01, before TODAY.
    build()
    hired = StaffMember.objects.filter(started_on=dt.date(2026, 9, 1), staff_id__startswith="M80")
    assert hired.filter(employment="trainee", role="caseworker").count() == 10
    assert hired.filter(role="specialist").count() == 3
    assert all(member.name for member in hired)


@pytest.mark.django_db
def test_no_hires_before_the_action_plans_day():
    import stabil.accounts.demo
    import stabil.organisation.demo
    import stabil.staff.demo

    ctx = DemoContext(seed=2026, today=dt.date(2026, 8, 31), rng=random.Random(2026), stream=sys.stderr)
    for module in (stabil.organisation.demo, stabil.accounts.demo, stabil.staff.demo):
        module.build(ctx)
    assert not StaffMember.objects.filter(staff_id__startswith="M80").exists()
