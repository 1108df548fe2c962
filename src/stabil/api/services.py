"""Writes of the API app: integration clients (create, revoke) and the batches clients send (issue 14)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stabil.accounts.policy import API_SCOPES, check_capability, client_import_scope
from stabil.imports.framework import run_records
from stabil.organisation.selectors import units

from .models import ApiClient, IdempotentBatch

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
