"""The REST API (issue 14): bearer tokens only, scopes and units through accounts.policy, batches with the
import's rules (all or nothing, item and field in every error, Idempotency-Key), the deadline feed, the rate
limit and the access log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from stabil.api.models import ApiClient
from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent, Deadline

from .conftest import ALL_SCOPES, Api, make_client

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def event(case_id: str, unit: str, kind: str = "report_received", on: str | None = None, **extra) -> dict:
    return {"case_id": case_id, "child_id": f"B-{case_id}", "birth_date": "2015-03-01", "category": "barn",
            "unit": unit, "event": kind, "date": on or _day(-10), **extra}


def test_openapi_document_is_public_and_3_1(db):
    response = Api(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/case-events/", "/api/v1/deadlines/"} <= set(document["paths"])
    assert "BearerAuth" in json.dumps(document["components"]["securitySchemes"]) or document["components"][
        "securitySchemes"]


def test_documentation_page_is_swedish_and_lists_every_operation(db):
    response = Api(None).get("/api/v1/dokumentation/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Skicka ärendehändelser" in body and "Läsa frister" in body and "case-events:write" in body


@pytest.mark.parametrize("path,method", [("/api/v1/deadlines/", "get"), ("/api/v1/case-events/", "post")])
def test_no_token_a_bad_one_or_a_session_gets_401(personas, path, method):
    org = personas.org
    _client, token = make_client("Treserva", ALL_SCOPES, [org.unit_a])
    body = {"events": [event("K1", "UA")]}
    for bad in (None, "stabil_nope_nope", token[:-2] + "xx", "Bearer"):
        api = Api(bad)
        response = api.get(path) if method == "get" else api.post(path, body)
        assert response.status_code == 401, bad
        assert response.json()["detail"]
    # A logged-in person's session does not open the API (no cookie auth, also not for writes).
    session = Api(None)
    session.http.force_login(personas.unit_manager)
    response = session.get(path) if method == "get" else session.post(path, body)
    assert response.status_code == 401
    assert not Case.objects.exists()


def test_revoked_and_expired_clients_get_401(org):
    from stabil.api.services import client_revoke

    client, token = make_client("Treserva", ALL_SCOPES, [org.unit_a])
    assert Api(token).get("/api/v1/deadlines/").status_code == 200
    client_revoke(by=None, client=client)
    assert Api(token).get("/api/v1/deadlines/").status_code == 401
    other, token2 = make_client("Lifecare", ALL_SCOPES, [org.unit_a])
    ApiClient.objects.filter(pk=other.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Api(token2).get("/api/v1/deadlines/").status_code == 401


def test_token_is_stored_hashed(org):
    client, token = make_client("Treserva", ["deadlines:read"], [org.unit_a])
    stored = ApiClient.objects.get(pk=client.pk)
    secret = token.split("_", 2)[2]
    assert secret not in json.dumps([stored.secret_hash, stored.key_id, stored.name])
    assert token.startswith(f"stabil_{stored.key_id}_")


def _store(org, rows):
    _c, token = make_client("Loader", ["case-events:write"], [org.unit_a, org.unit_b])
    response = Api(token).post("/api/v1/case-events/", {"events": rows})
    assert response.status_code == 200, response.content
    ApiClient.objects.filter(name="Loader").delete()


@pytest.mark.parametrize("scope,path,method", [
    ("deadlines:read", "/api/v1/deadlines/", "get"),
    ("case-events:write", "/api/v1/case-events/", "post"),
])
def test_a_client_without_the_scope_gets_403_and_sees_no_id(org, scope, path, method):
    _store(org, [event("KA-SECRET-1", "UA")])
    others = [s for s in ALL_SCOPES if s != scope]
    _client, token = make_client("Utan", others, [org.unit_a, org.unit_b])
    api = Api(token)
    response = api.get(path) if method == "get" else api.post(path, {"events": [event("KA-SECRET-1", "UA")]})
    assert response.status_code == 403
    assert "KA-SECRET-1" not in response.content.decode()
    assert scope in response.json()["detail"]


def test_an_outsider_client_reads_no_id_of_another_unit(org):
    _store(org, [event("KA-SECRET-1", "UA"), event("KB-OWN-2", "UB")])
    _client, token = make_client("Utanför", ["deadlines:read"], [org.unit_b])
    response = Api(token).get("/api/v1/deadlines/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "KA-SECRET-1" not in body and "KB-OWN-2" in body
    # Asking for the other unit by filter gives nothing, not an error that confirms it.
    response = Api(token).get("/api/v1/deadlines/", {"unit": "UA"})
    assert response.status_code == 200 and response.json()["items"] == []


def test_out_of_unit_rows_are_rejected_by_item_and_nothing_stored(org):
    _store(org, [event("KA-SECRET-1", "UA")])
    _client, token = make_client("Utanför", ["case-events:write"], [org.unit_b])
    rows = [event("KB-NEW-1", "UB"), event("KA-SECRET-1", "UA", "first_contact", _day(-5)),
            event("KA-NEW-2", "UA")]
    response = Api(token).post("/api/v1/case-events/", {"events": rows})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {(e["item"], e["field"]) for e in errors} == {(1, "case_id"), (2, "unit")}
    assert all("utanför dina enheter" in e["message"] for e in errors)
    assert not Case.objects.filter(case_id="KB-NEW-1").exists()
    assert CaseEvent.objects.count() == 1


def test_a_batch_with_one_bad_item_stores_nothing_and_names_the_item(org):
    _client, token = make_client("Treserva", ["case-events:write"], [org.unit_a])
    rows = [event("K1", "UA"), event("K2", "UA"), event("K3", "UA", on="2026-13-45"), event("K4", "UA")]
    response = Api(token).post("/api/v1/case-events/", {"events": rows})
    assert response.status_code == 422
    answer = response.json()
    assert answer["errors"] == [{"item": 2, "field": "date", "message": answer["errors"][0]["message"]}]
    assert answer["errors"][0]["message"]  # Swedish, from the import's own rule
    assert "Inget sparades" in answer["detail"]
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_schema_errors_name_item_and_field_in_swedish(org):
    _client, token = make_client("Treserva", ["case-events:write"], [org.unit_a])
    rows = [event("K1", "UA"), {**event("K2", "UA"), "date": 20260101}, {**event("K3", "UA"), "colour": "red"}]
    response = Api(token).post("/api/v1/case-events/", {"events": rows})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"item": 1, "field": "date", "message": "ska vara en textsträng"} in errors
    assert {"item": 2, "field": "colour", "message": "okänt fält"} in errors
    response = Api(token).post("/api/v1/case-events/", {"events": []})
    assert response.status_code == 422


def test_a_good_batch_is_stored_with_deadlines_and_logged(org):
    client, token = make_client("Treserva", ["case-events:write"], [org.unit_a])
    rows = [event("K1", "UA", on=_day(-20)), event("K1", "UA", "investigation_opened", _day(-15))]
    response = Api(token).post("/api/v1/case-events/", {"events": rows})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["stored"] is True and answer["counts"]["nya händelser"] == 2 and answer["replayed"] is False
    case = Case.objects.get(case_id="K1")
    assert Deadline.objects.filter(case=case, kind="investigation").exists()  # the same recomputation
    written = AccessRecord.objects.filter(channel="api", action="import").latest("pk")
    assert written.username == client.access_log_label and written.role == "api"
    assert written.object_ids == ["K1"] and written.what.endswith("skrivna")
    # Sent again without a key: the import's own rule skips identical events.
    again = Api(token).post("/api/v1/case-events/", {"events": rows}).json()
    assert again["counts"]["nya händelser"] == 0 and CaseEvent.objects.count() == 2


def test_a_replayed_idempotency_key_stores_nothing(org):
    _client, token = make_client("Treserva", ["case-events:write"], [org.unit_a])
    rows = [event("K1", "UA", on=_day(-20))]
    first = Api(token).post("/api/v1/case-events/", {"events": rows}, headers={"Idempotency-Key": "natt-2026-06-01"})
    assert first.status_code == 200
    # The case system changed the case in between: a retry of the first batch must not store anything.
    CaseEvent.objects.all().delete()
    again = Api(token).post("/api/v1/case-events/", {"events": rows}, headers={"Idempotency-Key": "natt-2026-06-01"})
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert CaseEvent.objects.count() == 0
    other = Api(token).post("/api/v1/case-events/", {"events": [event("K2", "UA")]},
                            headers={"Idempotency-Key": "natt-2026-06-01"})
    assert other.status_code == 409 and not Case.objects.filter(case_id="K2").exists()
    bad = Api(token).post("/api/v1/case-events/", {"events": rows}, headers={"Idempotency-Key": "å ä"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_failed_batch_does_not_use_up_its_key(org):
    _client, token = make_client("Treserva", ["case-events:write"], [org.unit_a])
    key = {"Idempotency-Key": "k-1"}
    assert Api(token).post("/api/v1/case-events/", {"events": [event("K1", "UA", on="x")]}, headers=key).status_code == 422
    assert Api(token).post("/api/v1/case-events/", {"events": [event("K1", "UA")]}, headers=key).status_code == 200
    assert CaseEvent.objects.count() == 1


def test_deadlines_filters_cursor_and_source(org):
    rows = []
    for number in range(7):
        rows += [event(f"K{number}", "UA", on=_day(-30)), event(f"K{number}", "UA", "investigation_opened", _day(-25))]
    rows.append(event("KB", "UB", on=_day(-30)))
    _store(org, rows)
    _client, token = make_client("Läsare", ["deadlines:read"], [org.unit_a])
    api = Api(token)
    everything = api.get("/api/v1/deadlines/", {"limit": 1000}).json()
    assert everything["next_cursor"] is None
    all_rows = [(i["case_id"], i["kind"]) for i in everything["items"]]
    assert len(all_rows) == len(set(all_rows)) > 7 and all(i["source"] for i in everything["items"])
    assert all(i["unit"] == "UA" for i in everything["items"])
    paged, cursor = [], ""
    while True:
        page = api.get("/api/v1/deadlines/", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        paged += [(i["case_id"], i["kind"]) for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert paged == all_rows
    investigations = api.get("/api/v1/deadlines/", {"kind": "investigation"}).json()["items"]
    assert len(investigations) == 7 and {i["kind"] for i in investigations} == {"investigation"}
    early = api.get("/api/v1/deadlines/", {"due_before": _day(-100)}).json()["items"]
    assert early == []
    assert api.get("/api/v1/deadlines/", {"kind": "nonsense"}).status_code == 422
    assert api.get("/api/v1/deadlines/", {"status": "nonsense"}).status_code == 422
    assert api.get("/api/v1/deadlines/", {"cursor": "!!"}).status_code == 422
    record = AccessRecord.objects.filter(channel="api", action="view").latest("pk")
    assert record.what == "API: frister"


def test_calls_are_rate_limited_per_client(org, settings):
    settings.API_RATE_LIMIT = "2/m"
    _c1, one = make_client("Ett", ["deadlines:read"], [org.unit_a])
    _c2, two = make_client("Två", ["deadlines:read"], [org.unit_a])
    assert [Api(one).get("/api/v1/deadlines/").status_code for _ in range(2)] == [200, 200]
    limited = Api(one).get("/api/v1/deadlines/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert Api(two).get("/api/v1/deadlines/").status_code == 200  # another client has its own count
