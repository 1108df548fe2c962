"""Staff and absence batches (issue 14): the staff and absence files' own rules, scope per item, all or nothing."""

from __future__ import annotations

import pytest

from stabil.staff.models import Absence, StaffMember

from .conftest import Api, make_client

pytestmark = pytest.mark.django_db


def person(staff_id: str, unit: str, **extra) -> dict:
    return {"staff_id": staff_id, "unit": unit, "role": "caseworker", "employment": "permanent", "fte": "1",
            "degree": "socionom", "experience_years": "3", "started_on": "2024-01-01", "ended_on": "",
            "exit_reason": "", "monthly_cost_sek": "52000", **extra}


def test_a_staff_batch_is_stored_with_the_staff_files_rules(org):
    _client, token = make_client("HR-systemet", ["staff:write"], [org.unit_a])
    response = Api(token).post("/api/v1/staff/", {"staff": [person("P1", "UA"), person("P2", "UA", team="TA1")]})
    assert response.status_code == 200, response.content
    assert set(StaffMember.objects.values_list("staff_id", flat=True)) == {"P1", "P2"}
    bad = Api(token).post("/api/v1/staff/", {"staff": [person("P3", "UA"), person("P4", "UA", fte="1,5")]})
    assert bad.status_code == 422
    assert [(e["item"], e["field"]) for e in bad.json()["errors"]] == [(1, "fte")]
    assert not StaffMember.objects.filter(staff_id__in=["P3", "P4"]).exists()


def test_staff_outside_the_clients_units_is_refused(org):
    _client, token = make_client("HR-systemet", ["staff:write"], [org.unit_a])
    response = Api(token).post("/api/v1/staff/", {"staff": [person("P1", "UA"), person("P9", "UB")]})
    assert response.status_code == 422
    assert [e["item"] for e in response.json()["errors"]] == [1]
    assert not StaffMember.objects.exists()


def test_absence_batches_and_their_scope(org):
    _client, token = make_client("HR-systemet", ["staff:write"], [org.unit_a, org.unit_b])
    assert Api(token).post("/api/v1/staff/", {"staff": [person("P1", "UA"), person("P9", "UB")]}).status_code == 200
    _client, only_a = make_client("Bara A", ["staff:write"], [org.unit_a])
    ok = Api(only_a).post("/api/v1/absence/", {"absence": [
        {"staff_id": "P1", "kind": "sick", "first_day": "2025-03-03", "last_day": "2025-03-05"}]})
    assert ok.status_code == 200, ok.content
    refused = Api(only_a).post("/api/v1/absence/", {"absence": [
        {"staff_id": "P9", "kind": "sick", "first_day": "2025-03-03", "last_day": "2025-03-05"}]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["item"] == 0
    assert Absence.objects.count() == 1
    _client, without = make_client("Utan", ["deadlines:read"], [org.unit_a])
    assert Api(without).post("/api/v1/absence/", {"absence": [{"staff_id": "P1"}]}).status_code == 403
