"""Writes of the API app: integration clients (create, revoke) and the batches clients send (issue 14)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stabil.accounts.policy import (
    API_SCOPES,
    check_capability,
    client_has_scope,
    client_import_scope,
    client_unit_ids,
)
from stabil.audit.services import record_access
from stabil.cases import selectors as cases_selectors
from stabil.core import calendar
from stabil.imports.framework import run_records
from stabil.organisation.selectors import units

from .models import ApiClient, ApiEvent, IdempotentBatch, ScanState, WebhookDelivery, WebhookSubscription

TOKEN_PREFIX = "stabil"
_KEY_CHARS = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class ApiInputError(ValueError):
    """A Swedish message about what the sysadmin or the client gave."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def client_create(*, by, name: str, owner: str, scopes: list[str], unit_codes: list[str],
                  expires_on: dt.date | None = None) -> tuple[ApiClient, str]:
    """Register an integration client; return it and its token (``stabil_<key id>_<secret>``), shown once.

    ``by`` needs ``accounts.manage`` (the sysadmin; None is the server operator at the command line).
    """
    check_capability(by, "accounts.manage")
    name, owner = name.strip(), owner.strip()
    if not name:
        raise ApiInputError(_("Klienten måste ha ett namn."))
    if len(name) > 100:
        raise ApiInputError(_("Namnet får vara högst 100 tecken."))
    if not owner:
        raise ApiInputError(_("Ange vem som ansvarar för klienten."))
    if ApiClient.objects.filter(name=name).exists():
        raise ApiInputError(_("Det finns redan en klient med namnet %(name)s.") % {"name": name})
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown:
        raise ApiInputError(_("Okänd behörighet: %(scopes)s. Tillåtna: %(allowed)s.") % {
            "scopes": ", ".join(unknown), "allowed": ", ".join(API_SCOPES)})
    if not scopes:
        raise ApiInputError(_("Ge klienten minst en behörighet."))
    found = {u.code: u for u in units().filter(code__in=unit_codes)}
    missing = sorted(set(unit_codes) - set(found))
    if missing:
        raise ApiInputError(_("Okänd enhet: %(units)s.") % {"units": ", ".join(missing)})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ApiInputError(_("Slutdatumet måste ligga efter i dag."))
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires_at = (timezone.make_aware(dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time()))
                  if expires_on else None)
    client = ApiClient.objects.create(
        name=name, owner=owner, scopes=sorted(set(scopes)), key_id=key_id, secret_hash=_digest(secret),
        created_by=by if getattr(by, "is_authenticated", False) else None, expires_at=expires_at)
    client.units.set(found.values())
    return client, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def client_revoke(*, by, client: ApiClient) -> ApiClient:
    """Revoke ``client``: its token stops working at once, for good."""
    check_capability(by, "accounts.manage")
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def client_for_token(token: str) -> ApiClient | None:
    """Return the usable client whose token this is, else None; note when the client was last used.

    The secret is compared by its digest in constant time; an unknown key id, a wrong secret, a revoked or
    expired client all give None alike.
    """
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(token) > 200:
        return None
    client = ApiClient.objects.filter(key_id=parts[1]).first()
    if client is None or not hmac.compare_digest(client.secret_hash, _digest(parts[2])) or not client.is_usable:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > dt.timedelta(minutes=1):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def idempotency_key_problem(key: str) -> str | None:
    """A Swedish message when an ``Idempotency-Key`` header cannot be used, else None."""
    if not _KEY_CHARS.match(key):
        return _("Idempotency-Key ska vara 1–100 tecken: bokstäver a–z, siffror och . _ : -")
    return None


# Per file kind: the column whose ids a stored batch wrote, and their object type in the access log.
WRITTEN_IDS = {"case_events": ("case_id", "cases.case"), "staff": ("staff_id", "staff.staffmember"),
               "absence": ("staff_id", "staff.staffmember")}


class BatchReplay(Exception):
    """The key was used before: ``status`` and ``response`` are the stored answer (or 409 for another body)."""

    def __init__(self, status: int, response: dict):
        super().__init__(status)
        self.status = status
        self.response = response


def batch_submit(*, client: ApiClient, scope: str, kind: str, records: list[dict], body_sha256: str,
                 idempotency_key: str = "", endpoint: str, origin: dict) -> tuple[int, dict]:
    """Validate and store one batch with the file import's rules (``imports.framework.run_records``).

    Returns (HTTP status, answer). All or nothing: 200 with the counts when stored; 422 with every error
    (``item``, ``field``, Swedish ``message``) when any item is wrong, and then nothing is stored. With an
    ``idempotency_key`` a stored batch is remembered in the same transaction; a retry with the key raises
    ``BatchReplay`` with the first answer (or 409 when the body differs), and stores nothing.
    """
    if idempotency_key:
        _raise_if_replayed(client, idempotency_key, body_sha256)
    label = f"API-batch {endpoint}" + (f" ({idempotency_key})" if idempotency_key else "")
    try:
        with transaction.atomic():
            outcome = run_records(kind, records, by=client, scope=client_import_scope(client, scope), label=label,
                                  origin=origin)
            if not outcome.ok:
                errors = [{"item": e.row, "field": e.column or "", "message": e.message} for e in outcome.errors]
                answer = {"detail": _("Batchen avvisades: %(count)d fel. Inget sparades.") % {"count": len(errors)},
                          "errors": errors, "truncated": outcome.errors.truncated}
                return 422, answer
            answer = {"stored": True, "counts": outcome.result.counts, "notices": outcome.notices,
                      "items": len(records)}
            # The framework's record names the stored rows the batch read; this one the ids it wrote.
            column, object_type = WRITTEN_IDS[kind]
            record_access(by=client, action="import", what=f"{label}: skrivna", object_type=object_type,
                          objects=sorted({r.get(column, "").strip() for r in records} - {""}), **origin)
            if idempotency_key:
                IdempotentBatch.objects.create(client=client, key=idempotency_key, endpoint=endpoint,
                                               body_sha256=body_sha256, status=200, response=answer)
            return 200, answer
    except IntegrityError:
        # The same key stored by a concurrent request between the check and the insert: that one won.
        _raise_if_replayed(client, idempotency_key, body_sha256)
        raise


def _raise_if_replayed(client: ApiClient, key: str, body_sha256: str) -> None:
    stored = IdempotentBatch.objects.filter(client=client, key=key).first()
    if stored is None:
        return
    if stored.body_sha256 != body_sha256:
        raise BatchReplay(409, {"detail": _("Idempotency-Key %(key)s har redan använts för en annan batch.") % {
            "key": key}, "errors": []})
    raise BatchReplay(stored.status, {**stored.response, "replayed": True})


# --- events out: the feed and the webhooks (issue 14) ------------------------------------------------------------
#
# Events hold ids only (case id, unit code, deadline kind and dates, counts): never a name. They are made by
# ``events_scan`` (deadlines due soon, overdue, met; cases allocated), run by the worker every
# ``STABIL_API_TICK_SECONDS``, and by the import signal (``on_import_done``). Each is announced once (``key``).
# A subscriber gets every event its client may read, as JSON signed with HMAC-SHA256; a failed delivery is
# tried again after 1, 5, 30 minutes, 2, 12 and 24 hours, then given up (the log shows every state).

WEBHOOK_BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
                   dt.timedelta(hours=2), dt.timedelta(hours=12), dt.timedelta(hours=24))
WEBHOOK_TIMEOUT_SECONDS = 10
MET_LOOKBACK_DAYS = 7  # a deadline met this many days ago or later is announced (not the whole history)


def _subscribers_of(event: ApiEvent) -> list[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.filter(active=True).select_related("client")
    if event.client_id is not None:
        subscriptions = subscriptions.filter(client_id=event.client_id)
    chosen = []
    for subscription in subscriptions:
        client = subscription.client
        if not client_has_scope(client, "events:read") or not subscription.wants(event.kind):
            continue
        if event.unit_id is not None and event.unit_id not in client_unit_ids(client, "events:read"):
            continue
        chosen.append(subscription)
    return chosen


def event_emit(*, kind: str, key: str, unit_id: int | None = None, client=None, case_id: str = "",
               data: dict | None = None, now=None) -> ApiEvent | None:
    """Store an event unless one with ``key`` exists, and queue a delivery to each subscriber who may see it."""
    if ApiEvent.objects.filter(key=key).exists():
        return None
    event = ApiEvent.objects.create(kind=kind, key=key[:200], unit_id=unit_id, client=client, case_id=case_id,
                                    data=data or {})
    now = now or timezone.now()
    WebhookDelivery.objects.bulk_create([WebhookDelivery(subscription=s, event=event, next_attempt_at=now)
                                         for s in _subscribers_of(event)])
    return event


def on_import_done(sender, *, kind, ok, counts, rows, errors, by, **kwargs) -> None:
    """Announce a finished or failed import (``imports.framework.import_done``); an API batch to its client only."""
    client = by if isinstance(by, ApiClient) else None
    data = {"import": kind, "items": rows, "errors": errors, "source": "api" if client else "fil",
            "counts": {name: int(count) for name, count in counts.items()}}
    event_emit(kind=ApiEvent.Kind.IMPORT_FINISHED if ok else ApiEvent.Kind.IMPORT_FAILED,
               key=f"import:{secrets.token_hex(12)}", client=client, data=data)


def events_scan(*, on: dt.date | None = None) -> int:
    """Announce what changed: deadlines due soon, overdue or met, and cases allocated. Return how many events.

    Deadlines are read as they stand on ``on`` (default today) through ``cases.selectors.deadlines_as_of``,
    the pages' reader; "due soon" is the deadline list's warning horizon (the municipality's working days).
    """
    on = on or timezone.localdate()
    config = cases_selectors.deadline_config()
    soon_end = calendar.add_working_days(on, config.warning_working_days)
    unit_pks = dict(units().values_list("code", "pk"))
    seen = set(ApiEvent.objects.filter(kind__startswith="deadline.").values_list("key", flat=True))
    made = 0
    with transaction.atomic():
        for row in cases_selectors.deadlines_as_of(on, cases_selectors.cases()):
            deadline = row.deadline
            if deadline.status == "overdue":
                kind = ApiEvent.Kind.DEADLINE_OVERDUE
            elif deadline.status == "open" and deadline.due_on <= soon_end:
                kind = ApiEvent.Kind.DEADLINE_DUE_SOON
            elif deadline.status == "met" and deadline.met_on and (on - deadline.met_on).days <= MET_LOOKBACK_DAYS:
                kind = ApiEvent.Kind.DEADLINE_MET
            else:
                continue
            key = f"{kind}:{row.case_id}:{deadline.kind}:{deadline.due_on.isoformat()}"
            if key in seen or unit_pks.get(row.unit_code) is None:
                continue  # announced before; or (never) a case without a unit, which no client may see
            seen.add(key)
            data = {"deadline": deadline.kind, "due_on": deadline.due_on.isoformat(),
                    "met_on": deadline.met_on.isoformat() if deadline.met_on else None, "unit": row.unit_code}
            made += event_emit(kind=kind, key=key, unit_id=unit_pks.get(row.unit_code), case_id=row.case_id,
                               data=data) is not None
        state, _created = ScanState.objects.select_for_update().get_or_create(pk=1)
        last = state.last_case_event_pk
        for event_pk, case_id, unit_pk, unit_code, day in cases_selectors.assignments_after(last):
            made += event_emit(kind=ApiEvent.Kind.CASE_ALLOCATED, key=f"case.allocated:{event_pk}", unit_id=unit_pk,
                               case_id=case_id, data={"unit": unit_code, "on": day.isoformat()}) is not None
            last = event_pk
        if last != state.last_case_event_pk:
            state.last_case_event_pk = last
            state.save(update_fields=["last_case_event_pk"])
    return made


def event_json(event: ApiEvent) -> dict:
    """An event as the feed and the webhooks send it: ids, dates and counts only."""
    return {"id": event.pk, "kind": event.kind, "at": event.at.isoformat(), "case_id": event.case_id or None,
            "unit": (event.data or {}).get("unit"), "data": event.data or {}}


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Stabil-Signature`` header: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def webhook_add(*, by, client: ApiClient, url: str, kinds: list[str] | None = None) -> tuple[WebhookSubscription, str]:
    """Subscribe ``client`` to events at ``url``; return it and its signing secret (shown once)."""
    check_capability(by, "accounts.manage")
    url = url.strip()
    parsed = urllib.parse.urlsplit(url)
    local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
        raise ApiInputError(_("Adressen måste börja med https:// (http:// bara till den egna datorn)."))
    unknown = sorted(set(kinds or ()) - set(ApiEvent.Kind.values))
    if unknown:
        raise ApiInputError(_("Okänd händelse: %(kinds)s. Tillåtna: %(allowed)s.") % {
            "kinds": ", ".join(unknown), "allowed": ", ".join(ApiEvent.Kind.values)})
    if not client_has_scope(client, "events:read"):
        raise ApiInputError(_("Klienten behöver behörigheten events:read för att få händelser."))
    secret = secrets.token_urlsafe(32)
    return WebhookSubscription.objects.create(client=client, url=url, kinds=sorted(set(kinds or ())),
                                              secret=secret), secret


def webhooks_deliver(*, now=None, limit: int = 500) -> dict[str, int]:
    """Send every delivery that is due; a failure is tried again later (``WEBHOOK_BACKOFF``), then given up.

    Run by the worker every ``STABIL_API_TICK_SECONDS`` (and ``stabil api webhooks-deliver``). Returns counts.
    """
    now = now or timezone.now()
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    due = (WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
           .select_related("subscription", "event").order_by("next_attempt_at", "pk")[:limit])
    for delivery in due:
        subscription = delivery.subscription
        body = json.dumps(event_json(delivery.event), ensure_ascii=False).encode()
        timestamp = int(now.timestamp())
        request = urllib.request.Request(subscription.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "Stabil-webhook/1",
            "Stabil-Event-Id": str(delivery.event_id), "Stabil-Signature": webhook_signature(subscription.secret,
                                                                                              timestamp, body)})
        delivery.attempts += 1
        code, error = None, ""
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
                code = response.status
        except urllib.error.HTTPError as exc:
            code, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            error = str(getattr(exc, "reason", exc))[:300]
        delivery.last_status_code = code
        delivery.last_error = error
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDelivery.Status.DELIVERED, now, None)
            counts["delivered"] += 1
        elif delivery.attempts > len(WEBHOOK_BACKOFF):
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
            counts["failed"] += 1
        else:
            delivery.next_attempt_at = now + WEBHOOK_BACKOFF[delivery.attempts - 1]
            counts["retry"] += 1
        delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at",
                                     "next_attempt_at"])
    return counts


def api_tick() -> dict:
    """The worker's periodic step: announce what changed, then send the webhooks that are due."""
    made = events_scan()
    return {"events": made, **webhooks_deliver()}
