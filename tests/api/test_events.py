"""Events out (issue 14): the feed with a cursor, scoped to the client's units, and webhooks signed with
HMAC-SHA256 and retried with back-off, checked by a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from stabil.api.models import ApiEvent, WebhookDelivery
from stabil.api.services import events_scan, webhook_add, webhooks_deliver
from stabil.imports.framework import run_import
from tests.conftest import client_for

from .conftest import Api, make_client
from .test_api import _day, _store, event

pytestmark = pytest.mark.django_db


def _world(org):
    _store(org, [event("KA-1", "UA", on=_day(-40)), event("KB-1", "UB", on=_day(-40)),
                 event("KA-2", "UA", on=_day(-2)), event("KA-2", "UA", "handler_assigned", _day(-1), staff_id="P1")])


def test_the_feed_shows_the_clients_units_only_with_a_cursor(org, tmp_path):
    _world(org)
    path = tmp_path / "handelser.csv"
    path.write_text("case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
                    f"KB-2,B-KB-2,2015-03-01,barn,UB,report_received,{_day(-3)},,,,,\n")
    assert run_import(path, stream=io.StringIO(), quiet=True).ok
    assert events_scan() > 0
    assert events_scan() == 0  # each happening is announced once
    _client, token = make_client("Flöde", ["events:read"], [org.unit_a])
    api = Api(token)
    page = api.get("/api/v1/events/").json()
    kinds = {(item["kind"], item["case_id"]) for item in page["items"]}
    assert ("deadline.overdue", "KA-1") in kinds and ("case.allocated", "KA-2") in kinds
    assert all(item["case_id"] in (None, "KA-1", "KA-2") for item in page["items"])
    assert "KB-1" not in json.dumps(page)
    assert ("import.finished", None) in kinds  # a file import, announced to all: no id in it
    assert "KB-2" not in json.dumps(page)
    again = api.get("/api/v1/events/", {"after": page["next_after"]}).json()
    assert again == {"items": [], "next_after": page["next_after"]}
    first, = api.get("/api/v1/events/", {"limit": 1}).json()["items"]
    assert first["id"] == page["items"][0]["id"]
    # Nothing personal: ids, dates, counts.
    assert set(page["items"][0]) == {"id", "kind", "at", "case_id", "unit", "data"}


def test_a_client_without_events_read_gets_403(org):
    _world(org)
    events_scan()
    _client, token = make_client("Utan", ["deadlines:read"], [org.unit_a, org.unit_b])
    response = Api(token).get("/api/v1/events/")
    assert response.status_code == 403 and "KA-1" not in response.content.decode()


def test_a_failed_batch_is_announced_to_its_own_client_only(org):
    _c1, one = make_client("Ett", ["case-events:write", "events:read"], [org.unit_a])
    _c2, two = make_client("Två", ["events:read"], [org.unit_a])
    assert Api(one).post("/api/v1/case-events/", {"events": [event("K9", "UA", on="fel")]}).status_code == 422
    mine = [i for i in Api(one).get("/api/v1/events/").json()["items"] if i["kind"] == "import.failed"]
    assert len(mine) == 1 and mine[0]["data"]["errors"] == 1 and mine[0]["data"]["source"] == "api"
    assert not [i for i in Api(two).get("/api/v1/events/").json()["items"] if i["kind"] == "import.failed"]


class Receiver:
    """A webhook subscriber on 127.0.0.1: checks each signature, answers 500 first and 200 after."""

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.calls: list[dict] = []
        self.answers = [500]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = dict(part.split("=", 1) for part in self.headers["Stabil-Signature"].split(","))
                expected = hmac.new(receiver.secret.encode(), f"{header['t']}.".encode() + body,
                                    hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, header["v1"])
                receiver.calls.append({"valid": valid, "event": json.loads(body),
                                       "id": self.headers["Stabil-Event-Id"]})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status if valid else 400)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/stabil"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_webhooks_are_signed_and_retried_with_back_off(org, receiver, personas):
    client, _token = make_client("Krok", ["events:read"], [org.unit_a])
    _subscription, secret = webhook_add(by=None, client=client, url=receiver.url, kinds=["deadline.overdue"])
    receiver.secret = secret
    _world(org)
    events_scan()
    overdue = list(ApiEvent.objects.filter(kind="deadline.overdue", unit=org.unit_a))
    assert overdue and WebhookDelivery.objects.count() == len(overdue)  # the other unit's and kinds: none
    start = timezone.now()
    receiver.answers = [500] * len(overdue)
    assert webhooks_deliver(now=start) == {"delivered": 0, "retry": len(overdue), "failed": 0}
    assert all(call["valid"] for call in receiver.calls)
    delivery = WebhookDelivery.objects.first()
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)
    assert webhooks_deliver(now=start + dt.timedelta(seconds=30))["delivered"] == 0  # not yet: back-off
    assert webhooks_deliver(now=start + dt.timedelta(seconds=61))["delivered"] == len(overdue)
    assert len(receiver.calls) == 2 * len(overdue) and all(call["valid"] for call in receiver.calls)
    sent = receiver.calls[-1]["event"]
    assert sent["kind"] == "deadline.overdue" and sent["case_id"] in {"KA-1", "KA-2"}
    assert set(sent) == {"id", "kind", "at", "case_id", "unit", "data"}
    # The sysadmin sees the delivery log on the client's page.
    page = client_for(personas.sysadmin).get(f"/integrationer/klient/{client.key_id}/").content.decode()
    assert "deadline.overdue" in page and "levererad" in page and receiver.url in page


def test_a_wrong_signature_is_refused_by_the_receiver_and_given_up_after_the_last_retry(org, receiver):
    client, _token = make_client("Krok", ["events:read"], [org.unit_a])
    webhook_add(by=None, client=client, url=receiver.url, kinds=["deadline.overdue"])
    receiver.secret = "not-the-secret"  # the receiver answers 400 to a signature it cannot verify
    _store(org, [event("KA-1", "UA", on=_day(-40))])
    events_scan()
    now = timezone.now()
    for _attempt in range(7):
        webhooks_deliver(now=now)
        now += dt.timedelta(days=2)
    deliveries = list(WebhookDelivery.objects.all())
    assert deliveries and all(d.status == "failed" and d.attempts == 7 and d.last_status_code == 400
                              for d in deliveries)
    assert len(receiver.calls) == 7 * len(deliveries)
    assert not any(call["valid"] for call in receiver.calls)


def test_webhook_addresses_must_be_https(org):
    from stabil.api.services import ApiInputError

    client, _token = make_client("Krok", ["events:read"], [org.unit_a])
    with pytest.raises(ApiInputError, match="https"):
        webhook_add(by=None, client=client, url="http://example.org/hook")
    without, _t = make_client("Utan", ["deadlines:read"], [org.unit_a])
    with pytest.raises(ApiInputError, match="events:read"):
        webhook_add(by=None, client=without, url="https://example.org/hook")
