"""Registering integration clients (issue 14): the sysadmin's pages and `stabil api client-*`."""

from __future__ import annotations

import json

import pytest

from stabil.api.models import ApiClient
from stabil.cli import main
from tests.conftest import client_for

from .conftest import Api, make_client

pytestmark = pytest.mark.django_db


def run(capsysbinary, *argv):
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out.decode(), err.decode()


def test_cli_creates_lists_and_revokes_a_client(org, capsysbinary):
    code, out, err = run(capsysbinary, "api", "client-create", "Treserva", "--owner", "IT", "--scope",
                         "deadlines:read", "--unit", "UA", "--expires", "2099-12-31")
    assert code == 0, err
    made = json.loads(out)
    assert made["units"] == ["UA"] and made["scopes"] == ["deadlines:read"] and made["token"].startswith("stabil_")
    assert Api(made["token"]).get("/api/v1/deadlines/").status_code == 200
    code, out, _err = run(capsysbinary, "api", "client-list")
    assert code == 0 and "token" not in out and json.loads(out)[0]["key_id"] == made["key_id"]
    code, out, _err = run(capsysbinary, "api", "client-revoke", made["key_id"])
    assert code == 0 and json.loads(out)["usable"] is False
    assert Api(made["token"]).get("/api/v1/deadlines/").status_code == 401


@pytest.mark.parametrize("argv,message", [
    (["--scope", "everything:write"], "Okänd behörighet"),
    (["--scope", "deadlines:read", "--unit", "NOPE"], "Okänd enhet: NOPE"),
])
def test_cli_refuses_unknown_scopes_and_units(org, capsysbinary, argv, message):
    code, out, err = run(capsysbinary, "api", "client-create", "X", "--owner", "IT", *argv)
    assert code == 2 and out == "" and message in err
    assert not ApiClient.objects.exists()


def test_cli_with_by_needs_the_sysadmin(personas, capsysbinary):
    code, _out, err = run(capsysbinary, "api", "client-create", "X", "--owner", "IT", "--scope", "deadlines:read",
                          "--by", "unit_manager")
    assert code == 2 and "får inte hantera API-klienter" in err
    code, _out, err = run(capsysbinary, "api", "client-create", "X", "--owner", "IT", "--scope", "deadlines:read",
                          "--by", "sysadmin")
    assert code == 0, err
    assert ApiClient.objects.get().created_by == personas.sysadmin


def test_sysadmin_registers_a_client_and_sees_the_token_once(personas, view_permissions):
    view_permissions("/integrationer/", allowed={"sysadmin"})
    view_permissions("/integrationer/ny/", allowed={"sysadmin"})
    browser = client_for(personas.sysadmin)
    response = browser.post("/integrationer/ny/", {"name": "Lifecare", "owner": "IT", "scopes": ["deadlines:read"],
                                                   "units": ["UA"], "expires_on": ""})
    assert response.status_code == 200
    client = ApiClient.objects.get(name="Lifecare")
    token = response.context["token"]
    assert token in response.content.decode()
    assert Api(token).get("/api/v1/deadlines/").status_code == 200
    detail = browser.get(f"/integrationer/klient/{client.key_id}/").content.decode()
    assert token not in detail and token not in browser.get("/integrationer/").content.decode()
    assert browser.post(f"/integrationer/klient/{client.key_id}/aterkalla/").status_code == 302
    assert Api(token).get("/api/v1/deadlines/").status_code == 401
    # Only the sysadmin may revoke.
    other, _t = make_client("B", ["deadlines:read"])
    assert client_for(personas.unit_manager).post(f"/integrationer/klient/{other.key_id}/aterkalla/").status_code == 403
    assert ApiClient.objects.get(pk=other.pk).revoked_at is None


def test_the_form_shows_swedish_errors(personas):
    response = client_for(personas.sysadmin).post("/integrationer/ny/", {"name": "X", "owner": "IT", "scopes": []})
    assert response.status_code == 200 and "scopes" in response.context["form"].errors
    assert not ApiClient.objects.exists()


def test_cli_adds_a_webhook_and_ticks(org, capsysbinary):
    client, _token = make_client("Krok", ["events:read"], [org.unit_a])
    code, out, err = run(capsysbinary, "api", "webhook-add", client.key_id, "https://example.org/stabil",
                         "--kind", "deadline.overdue")
    assert code == 0, err
    made = json.loads(out)
    assert made["kinds"] == ["deadline.overdue"] and len(made["secret"]) > 30
    code, out, err = run(capsysbinary, "api", "webhook-add", client.key_id, "https://example.org/x", "--kind", "nej")
    assert code == 2 and "Okänd händelse" in err
    code, out, err = run(capsysbinary, "api", "tick")
    assert code == 0, err
    assert set(json.loads(out)) == {"events", "delivered", "retry", "failed"}


def test_sysadmin_adds_a_webhook_on_the_client_page(personas):
    client, _token = make_client("Krok", ["events:read"], [personas.org.unit_a])
    browser = client_for(personas.sysadmin)
    response = browser.post(f"/integrationer/klient/{client.key_id}/webhook/",
                            {"url": "https://example.org/stabil", "kinds": ["case.allocated"]})
    assert response.status_code == 200 and response.context["secret"] in response.content.decode()
    page = browser.get(f"/integrationer/klient/{client.key_id}/").content.decode()
    assert "https://example.org/stabil" in page and response.context["secret"] not in page
    bad = browser.post(f"/integrationer/klient/{client.key_id}/webhook/", {"url": "http://example.org/"})
    assert bad.status_code == 200 and "https://" in bad.content.decode()
