"""Allocation stays inside the allocating user's staff scope (issue 11, finding 3).

The team lead of TA1 sees only TA1 on the workload board; the allocation page for a case of the unit must
neither show team TA2's people (S3, S5) with their load nor let the team lead assign them, and the
access log names the people and the case the page showed.
"""

import datetime as dt

import pytest
import time_machine

from stabil.audit.models import AccessRecord

from ..conftest import client_for


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def other_team_member(unit_data, personas):
    """S5: an eligible permanent caseworker of team TA2 with room for the case (the lead must not see her)."""
    from stabil.staff.models import StaffMember

    return StaffMember.objects.create(staff_id="S5", name="Namn S5", unit=personas.org.unit_a,
                                      team=personas.org.team_a2, role="caseworker", employment="permanent", fte=1,
                                      degree="socionom", experience_years=9, started_on=dt.date(2019, 1, 1))


def _staff_ids_in(html: str, ids) -> set[str]:
    return {i for i in ids if f">{i}<" in html or f'value="{i}"' in html}


@pytest.mark.parametrize("role", ["main", "co"])
def test_team_lead_sees_only_their_team_on_the_allocation_page(unit_data, personas, other_team_member, role):
    query = "?roll=co" if role == "co" else ""
    html = client_for(personas.team_lead).get(f"/arbetsbelastning/fordela/C4/{query}").content.decode()
    assert _staff_ids_in(html, ["S1", "S2", "S4"])  # team TA1, suggested or excluded with the reason
    assert _staff_ids_in(html, ["S3", "S5", "S9"]) == set()  # TA2 and unit B stay hidden, as on the board


def test_unit_manager_still_gets_the_whole_unit(unit_data, personas, other_team_member):
    html = client_for(personas.unit_manager).get("/arbetsbelastning/fordela/C4/?roll=co").content.decode()
    assert _staff_ids_in(html, ["S1", "S2", "S3", "S4", "S5"]) == {"S1", "S2", "S3", "S4", "S5"}
    assert _staff_ids_in(html, ["S9"]) == set()


def test_team_lead_cannot_assign_someone_of_another_team(unit_data, personas, other_team_member):
    client = client_for(personas.team_lead)
    response = client.post("/arbetsbelastning/fordela/C4/", {"staff_id": "S5", "role": "main"})
    assert response.status_code == 302
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler is None
    assert not unit_data["C4"].events.filter(kind="handler_assigned").exists()
    # The refusal is said in Swedish on the page the lead comes back to, without the person's load.
    html = client.get(response["Location"]).content.decode()
    assert "S5 finns inte bland förslagen" in html


def test_after_assigning_the_team_lead_still_sees_the_case(unit_data, personas):
    client = client_for(personas.team_lead)
    response = client.post("/arbetsbelastning/fordela/C4/", {"staff_id": "S1", "role": "main"})
    assert response.status_code == 302
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler.staff_id == "S1"
    # No other case lacks a handler: sent back to the list, which links the case just assigned; the case is
    # still theirs (tests/workload/test_allocation_flow.py follows the flow on to the next case).
    assert response["Location"] == "/arbetsbelastning/fordela/?fordelat=C4"
    assert 'href="/arenden/arende/C4/"' in client.get(response["Location"]).content.decode()
    assert client.get("/arenden/arende/C4/").status_code == 200


def test_case_assign_service_refuses_staff_outside_the_scope(unit_data, personas, other_team_member):
    from stabil.workload.services import WorkloadInputError, case_assign

    case = unit_data["C4"]
    with pytest.raises(WorkloadInputError, match="S5 finns inte bland förslagen"):
        case_assign(by=personas.team_lead, case=case, staff_id="S5", role="main", on=dt.date(2025, 11, 24))
    with pytest.raises(WorkloadInputError, match="S9 finns inte bland förslagen"):
        case_assign(by=personas.unit_manager, case=case, staff_id="S9", role="main", on=dt.date(2025, 11, 24))
    case.refresh_from_db()
    assert case.main_handler is None
    event = case_assign(by=personas.unit_manager, case=case, staff_id="S5", role="main", on=dt.date(2025, 11, 24))
    case.refresh_from_db()
    assert event.kind == "handler_assigned" and case.main_handler.staff_id == "S5"


def test_case_assign_service_refuses_a_case_outside_the_scope(unit_data, personas):
    from stabil.workload.services import WorkloadInputError, case_assign

    with pytest.raises(WorkloadInputError):
        case_assign(by=personas.outsider_manager, case=unit_data["C4"], staff_id="S9", role="main",
                    on=dt.date(2025, 11, 24))
    with pytest.raises(WorkloadInputError):
        case_assign(by=personas.caseworker, case=unit_data["C4"], staff_id="S1", role="main",
                    on=dt.date(2025, 11, 24))
    unit_data["C4"].refresh_from_db()
    assert unit_data["C4"].main_handler is None


def test_allocation_page_logs_the_case_and_the_people_shown(unit_data, personas, other_team_member):
    client_for(personas.team_lead).get("/arbetsbelastning/fordela/C4/")
    records = AccessRecord.objects.filter(username="team_lead", path="/arbetsbelastning/fordela/C4/")
    by_type = {r.object_type: set(r.object_ids) for r in records}
    assert by_type["cases.case"] == {"C4"}
    assert by_type["staff.staffmember"] == {"S1", "S2", "S4"}


def test_unit_manager_allocation_log_lists_the_whole_unit(unit_data, personas, other_team_member):
    client_for(personas.unit_manager).get("/arbetsbelastning/fordela/C4/")
    record = AccessRecord.objects.get(username="unit_manager", object_type="staff.staffmember")
    assert set(record.object_ids) == {"S1", "S2", "S3", "S4", "S5"}
