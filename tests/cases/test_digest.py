"""The daily digest: the right people, only their cases, opt-out respected, audited."""

import datetime as dt

import pytest
from django.core import mail

from stabil.audit.models import AccessRecord
from stabil.cases.digest import send_digests
from stabil.cases.models import Case, CaseEvent, Child
from stabil.cases.services import recompute_cases
from stabil.staff.models import StaffMember


@pytest.fixture
def setup(personas):
    org = personas.org
    for name in ("caseworker", "unit_manager", "outsider", "board", "hr"):
        personas[name].email = f"{name}@example.invalid"
        personas[name].save()
    me = StaffMember.objects.create(staff_id="S-CW", unit=org.unit_a, team=org.team_a1, started_on=dt.date(2020, 1, 1),
                                    user=personas.caseworker)
    other = StaffMember.objects.create(staff_id="S-OUT", unit=org.unit_b, team=org.team_b1,
                                       started_on=dt.date(2020, 1, 1), user=personas.outsider)
    pks = []
    for case_id, unit, staff in (("K-A1", org.unit_a, me), ("K-B1", org.unit_b, other)):
        case = Case.objects.create(case_id=case_id, child=Child.objects.create(child_id="B" + case_id),
                                   category="barn", unit=unit)
        CaseEvent.objects.create(case=case, kind="report_received", on=dt.date(2026, 6, 15))
        CaseEvent.objects.create(case=case, kind="handler_assigned", on=dt.date(2026, 6, 15), staff=staff)
        pks.append(case.pk)
    recompute_cases(pks)
    return personas


@pytest.mark.django_db
def test_digest_goes_to_caseworkers_and_managers_with_their_cases(setup, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # On Wed 2026-06-17: protection assessment of 06-15 overdue; preliminary due 06-29 outside the horizon
    sent = send_digests(on=dt.date(2026, 6, 17))
    recipients = {m.to[0].split("@")[0]: m for m in mail.outbox}
    assert sent == 3 and set(recipients) == {"caseworker", "unit_manager", "outsider"}
    body = recipients["caseworker"].body
    assert "K-A1" in body and "K-B1" not in body and "Skyddsbedömning" in body
    assert "K-B1" in recipients["outsider"].body and "K-A1" not in recipients["outsider"].body
    assert "1 försenade" in recipients["caseworker"].subject
    assert AccessRecord.objects.filter(what="Fristsammanställning till caseworker", object_ids=["K-A1"]).exists()


@pytest.mark.django_db
def test_digest_opt_out_and_dry_run(setup, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    setup.caseworker.digest_enabled = False
    setup.caseworker.save()
    assert send_digests(on=dt.date(2026, 6, 17), dry_run=True) == 2
    assert mail.outbox == []
    send_digests(on=dt.date(2026, 6, 17))
    assert {m.to[0].split("@")[0] for m in mail.outbox} == {"unit_manager", "outsider"}


@pytest.mark.django_db
def test_digest_includes_what_falls_due_within_the_horizon(setup, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CaseEvent.objects.filter(kind="report_received").update(on=dt.date(2026, 6, 5))
    recompute_cases(Case.objects.values_list("pk", flat=True))
    # preliminary due Mon 06-22 (06-19 midsommarafton): 2 working days from Wed 06-17, within 3
    send_digests(on=dt.date(2026, 6, 17))
    body = next(m.body for m in mail.outbox if m.to[0].startswith("caseworker"))
    assert "Förhandsbedömning  2026-06-22  (om 2 arbetsdagar)" in body
