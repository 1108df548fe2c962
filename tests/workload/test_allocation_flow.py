"""The team lead's allocation flow (issue 13): the unassigned cases sorted by urgency with their due dates,
suggestions from the lead's own team only, and after assigning on to the next most urgent case, with the case
just assigned still in sight.

On top of ``unit_data`` (conftest: C4 reported 2025-11-23 in UA, no handler), on 2025-11-24:

| case | unit | events | next pending deadline |
|---|---|---|---|
| C5 | UA | report 2025-11-10 | protection assessment due 2025-11-10 (same day), overdue 14 days |
| C4 | UA | report 2025-11-23 | protection assessment due 2025-11-23, overdue 1 day |
| C6 | UA | report 2025-11-20, protection assessed 2025-11-20 | preliminary assessment due 2025-12-04 (+14 days) |
| C7 | UA | report 2025-06-02, closed 2025-07-01 | closed: not listed |
| C8 | UB | report 2025-11-01 | another unit: never shown to the UA team lead |

So the list reads C5, C4, C6.
"""

import datetime as dt
import re

import pytest
import time_machine

from stabil.audit.models import AccessRecord

from ..conftest import client_for

LIST = "/arbetsbelastning/fordela/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def queue(unit_data, personas):
    from stabil.cases.models import Case, CaseEvent, Child
    from stabil.cases.services import recompute_cases

    org = personas.org
    d = dt.date
    made = {}
    for case_id, unit, events in [
        ("C5", org.unit_a, [("report_received", d(2025, 11, 10), {})]),
        ("C6", org.unit_a, [("report_received", d(2025, 11, 20), {}), ("protection_assessed", d(2025, 11, 20), {})]),
        ("C7", org.unit_a, [("report_received", d(2025, 6, 2), {}), ("protection_assessed", d(2025, 6, 2), {}),
                            ("preliminary_decided", d(2025, 6, 10), {"outcome": "no_investigation"}),
                            ("case_closed", d(2025, 7, 1), {})]),
        ("C8", org.unit_b, [("report_received", d(2025, 11, 1), {})]),
    ]:
        child = Child.objects.create(child_id=f"B-{case_id}", birth_date=d(2014, 4, 4))
        case = Case.objects.create(case_id=case_id, child=child, category="barn", unit=unit)
        for kind, on, extra in events:
            CaseEvent.objects.create(case=case, kind=kind, on=on, **extra)
        made[case_id] = case
    recompute_cases([c.pk for c in made.values()])
    return {**unit_data, **made}


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)">', page)


def test_unassigned_list_is_sorted_by_urgency_with_due_dates(queue, personas):
    page = client_for(personas.team_lead).get(LIST).content.decode()
    assert _rows(page) == ["C5", "C4", "C6"]
    c5 = page[page.index('data-case="C5"'):page.index('data-case="C4"')]
    assert "Skyddsbedömning" in c5 and "2025-11-10" in c5 and ">-14<" in c5 and "Försenad" in c5
    c6 = page[page.index('data-case="C6"'):]
    assert "Förhandsbedömning" in c6 and "2025-12-04" in c6
    record = AccessRecord.objects.filter(what="Ärenden utan handläggare").latest("pk")
    assert record.object_ids == ["C5", "C4", "C6"]


def test_the_unit_manager_sees_the_same_order(queue, personas):
    page = client_for(personas.unit_manager).get(LIST).content.decode()
    assert _rows(page) == ["C5", "C4", "C6"]


def test_out_of_scope_cases_never_appear(queue, personas):
    client = client_for(personas.team_lead)
    page = client.get(LIST + "?fordelat=C8").content.decode()
    # Another unit's case: not listed, not linked, also when named in the address.
    assert not re.search(r"\bC8\b", re.sub(r'value="[^"]*"|fordelat=C8', "", page))
    assert 'id="assigned"' not in page
    outsider = client_for(personas.outsider_manager).get(LIST).content.decode()
    assert _rows(outsider) == ["C8"]
    assert client.get("/arbetsbelastning/fordela/C8/").status_code == 404


def test_team_lead_allocates_within_the_team_and_goes_on_to_the_next_case(queue, personas):
    client = client_for(personas.team_lead)
    page = client.get("/arbetsbelastning/fordela/C5/").content.decode()
    assert "Nästa frist: Skyddsbedömning senast 2025-11-10." in page
    suggested = set(re.findall(r'name="staff_id" value="([^"]+)"', page))
    assert suggested and suggested <= {"S1", "S2", "S4"}  # team TA1 only; S3 (TA2) and S9 (UB) never
    response = client.post("/arbetsbelastning/fordela/C5/", {"staff_id": min(suggested), "role": "main"})
    # On to the next most urgent case without a handler, C4, with C5 linked.
    assert response.status_code == 302
    assert response["Location"] == "/arbetsbelastning/fordela/C4/?fordelat=C5"
    following = client.get(response["Location"]).content.decode()
    assert 'href="/arenden/arende/C5/"' in following and "Förslag på handläggare för ärende C4" in following
    # Both cases the page names are in its access record.
    record = AccessRecord.objects.filter(object_type="cases.case", path=response["Location"]).get()
    assert record.object_ids == ["C4", "C5"]
    # The case just assigned stays visible to the lead (it is their team's now), and is off the list.
    assert client.get("/arenden/arende/C5/").status_code == 200
    assert _rows(client.get(LIST).content.decode()) == ["C4", "C6"]


def test_the_last_case_leads_back_to_the_list(queue, personas):
    client = client_for(personas.unit_manager)
    for case_id, after in (("C5", "/arbetsbelastning/fordela/C4/?fordelat=C5"),
                           ("C4", "/arbetsbelastning/fordela/C6/?fordelat=C4"),
                           ("C6", "/arbetsbelastning/fordela/?fordelat=C6")):
        response = client.post(f"/arbetsbelastning/fordela/{case_id}/", {"staff_id": "S4", "role": "main"})
        assert response["Location"] == after, case_id
    page = client.get(LIST + "?fordelat=C6").content.decode()
    assert _rows(page) == [] and "Alla öppna ärenden har en handläggare." in page
    assert 'href="/arenden/arende/C6/"' in page


def test_allocation_list_permissions(queue, view_permissions):
    # workload.allocate: team leads and unit managers (the outsider manager in unit B).
    view_permissions(LIST, allowed={"team_lead", "unit_manager", "outsider_manager"})
