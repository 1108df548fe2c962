"""A second factor for local accounts: a TOTP app and one-time recovery codes (django-otp).

Rules (docs/security.md, "Log-in through the municipality and a second factor"):

- A local log-in is two steps: the password (Django's log-in form, throttled by django-axes), then a code.
  Between them the session holds only a *pending* log-in (``PENDING_KEY``: the user's id, the backend, when
  it began); nobody is logged in until the code is right, and a pending log-in ends after
  ``PENDING_SECONDS``.
- The code is a six-digit TOTP code from the user's app (RFC 6238, 30-second steps, one step of clock
  tolerance, a code never accepted twice) or one of ten recovery codes, each accepted once. After a wrong
  code the device waits 1, 2, 4, 8 … seconds before it checks another (django-otp's throttling, per device).
- ``STABIL_MFA_REQUIRED`` (on in production, where it cannot be switched off while local log-in is on):
  every role that sees personal data (``needs_second_factor``) must enrol before the first log-in completes.
  Elsewhere enrolment is the user's choice, on their own page.
- Log-ins through the municipality's IdP are not asked for a code here: the IdP's own second factor applies
  (Entra ID's conditional access, a SITHS card).
- Enrolment, new recovery codes and every log-in with a code are in the change log of the user (django-auditlog,
  with the client address); log-ins are also in django-axes' log-in log.

TOTP secrets and recovery codes are stored as django-otp stores them (the secret must be readable to check a
code); the database is the municipality's, protected as the rest of the personal data.
"""

from __future__ import annotations

import time
from base64 import b32encode
from io import BytesIO

import segno
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stabil.web.client_ip import client_ip

from .policy import has_capability

# The session key of a log-in whose password was right and whose second factor is still to come.
PENDING_KEY = "stabil_mfa_pending"
# How long (seconds) a pending log-in may wait for its code.
PENDING_SECONDS = 300
# How many recovery codes a user gets at a time.
RECOVERY_CODES = 10
# The roles that see personal data are those with any of these capabilities (accounts.policy): cases, staff,
# the access log and the user register; log extracts and destruction lists (issue 15, the data-protection
# officer, the archivist). The board sees suppressed aggregates only.
PERSONAL_DATA_CAPABILITIES = ("cases.view", "staff.view", "audit.view", "accounts.manage", "records.log_extract",
                              "records.retention_view")
TOTP_NAME = "Stabil"
TOTP_DIGITS = 6  # django-otp's default for a TOTP device
RECOVERY_NAME = "Återställningskoder"


def needs_second_factor(user) -> bool:
    """Whether ``user`` must use a second factor before a local log-in completes."""
    return bool(settings.STABIL_MFA_REQUIRED and settings.STABIL_LOCAL_LOGIN
                and any(has_capability(user, c) for c in PERSONAL_DATA_CAPABILITIES))


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they have enrolled."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return totp_device(user) is not None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- pending log-ins -------------------------------------------------------------------------------------

def begin_pending(request, user, *, next_url: str = "") -> None:
    """Remember that ``user``'s password was right; the log-in completes after the second step."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                    "next": next_url}


def pending_user(request):
    """The user of the session's pending log-in, or None (none, expired, or no longer active)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_next(request) -> str:
    pending = request.session.get(PENDING_KEY)
    return pending.get("next", "") if isinstance(pending, dict) else ""


def end_pending(request) -> None:
    request.session.pop(PENDING_KEY, None)


# --- enrolment --------------------------------------------------------------------------------------------

def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (the same one on reload, so the QR code stays)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an SVG QR code, drawn here (no external service sees the key)."""
    out = BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True,
                                                   title="QR", border=2)
    return out.getvalue().decode("utf-8")


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def _log(user, request, changes: dict, action=LogEntry.Action.UPDATE) -> None:
    LogEntry.objects.log_create(user, force_log=True, action=action, changes=changes, actor=user,
                                remote_addr=client_ip(request) if request is not None else None,
                                additional_data={"source": "mfa"})


@transaction.atomic
def enrol_confirm(*, by, device: TOTPDevice, code: str, request=None) -> list[str] | None:
    """Confirm ``by``'s enrolment with a code from the app; return the new recovery codes, or None if wrong.

    On success the device is the user's one TOTP device (older ones are removed) and ten new recovery codes
    replace any old ones. A wrong code is throttled like a log-in code.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=by, confirmed=False)
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(by)
    _log(by, request, {"mfa": ["", "TOTP"]})
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, by, request=None) -> list[str]:
    """Replace ``by``'s recovery codes with ten new ones (the old ones stop working); logged."""
    if not has_second_factor(by):
        raise ValueError("recovery codes belong to an enrolled TOTP device")
    codes = _new_recovery_codes(by)
    _log(by, request, {"mfa_recovery_codes": ["", str(RECOVERY_CODES)]})
    return codes


# --- verification -----------------------------------------------------------------------------------------

def _digits(code: str) -> str:
    return "".join((code or "").split())


class Throttled(Exception):
    """Too many wrong codes lately: the device checks no code until its wait is over."""


def verify(user, code: str):
    """Check a log-in code: a TOTP code or a recovery code. Return the device that accepted it, or None.

    Raises ``Throttled`` while the device is waiting after wrong codes (the code is then not checked).
    A recovery code is used up by being accepted.
    """
    code = _digits(code).lower()
    # Six digits are an app's code; a recovery code has eight characters (base32, so it may be all digits too).
    if code.isdigit() and len(code) == TOTP_DIGITS:
        device = totp_device(user)
    else:
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        return None
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise Throttled
        return device if device.verify_token(code) else None


def log_sign_in(request, user, *, method: str) -> None:
    """Put a completed log-in with a second factor or through the IdP into the user's change log."""
    _log(user, request, {"sign_in": ["", method]}, action=LogEntry.Action.ACCESS)
