"""A second factor for local accounts: TOTP with recovery codes (issue 15).

Codes are computed with django-otp's own TOTP function from the device's key, at a frozen time
(time-machine), so that throttling waits and code steps are exact, not timed.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from axes.models import AccessLog
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stabil.accounts import mfa
from tests.conftest import make_user

# Frozen times start now: a session written at a frozen time must still be valid when read after the freeze.
START = dt.datetime.now(dt.UTC).replace(microsecond=0)
PASSWORD = "test-password-123"


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def _enrol(client: Client, user) -> list[str]:
    """Enrol ``user`` (logged in with ``client``) through the page; return the recovery codes shown."""
    page = client.get("/konto/tvasteg/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the QR code is drawn here; the address is not a link
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.manual_key(device).replace(" ", "") in html.replace(" ", "")
    response = client.post("/konto/tvasteg/", {"code": _code(device)})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())


def _password(client: Client, username: str):
    return client.post("/logga-in/", {"username": username, "password": PASSWORD})


def test_enrolment_shows_a_qr_code_and_key_and_gives_ten_recovery_codes_logged(org):
    user = make_user("karin", "unit_manager", [org.unit_a])
    client = Client()
    client.force_login(user)
    with time_machine.travel(START, tick=False):
        codes = _enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert mfa.has_second_factor(user) and mfa.recovery_codes_left(user) == 10
    entry = LogEntry.objects.get_for_object(user).get(additional_data__source="mfa")
    assert entry.changes_dict == {"mfa": ["", "TOTP"]} and entry.actor == user and entry.remote_addr == "127.0.0.1"


def test_a_wrong_code_does_not_enrol(org):
    user = make_user("karin", "unit_manager", [org.unit_a])
    client = Client()
    client.force_login(user)
    with time_machine.travel(START, tick=False):
        client.get("/konto/tvasteg/")
        device = TOTPDevice.objects.get(user=user)
        wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
        response = client.post("/konto/tvasteg/", {"code": wrong})
    assert "Koden stämmer inte" in response.content.decode()
    assert not mfa.has_second_factor(user)


@pytest.fixture
def enrolled(org):
    """A unit manager with a second factor, enrolled at START; (user, device, recovery codes)."""
    user = make_user("karin", "unit_manager", [org.unit_a])
    client = Client()
    client.force_login(user)
    with time_machine.travel(START, tick=False):
        codes = _enrol(client, user)
    return user, TOTPDevice.objects.get(user=user, confirmed=True), codes


def test_log_in_takes_the_password_and_then_a_code(enrolled):
    user, device, _ = enrolled
    client = Client()
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        response = _password(client, "karin")
        assert response.status_code == 302 and response["Location"] == "/logga-in/kod/"
        # After the password alone nobody is logged in.
        assert "_auth_user_id" not in client.session
        assert client.get("/").status_code == 302
        response = client.post("/logga-in/kod/", {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").status_code == 200
    sign_in = LogEntry.objects.get_for_object(user).get(action=LogEntry.Action.ACCESS)
    assert sign_in.changes_dict == {"sign_in": ["", "password+totp"]}
    assert AccessLog.objects.filter(username="karin", path_info="/logga-in/kod/").exists()


def test_a_wrong_code_is_refused_and_the_next_try_waits(enrolled):
    user, device, _ = enrolled
    client = Client()
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False) as clock:
        _password(client, "karin")
        right = _code(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        refused = client.post("/logga-in/kod/", {"code": wrong})
        assert "Koden stämmer inte" in refused.content.decode() and "_auth_user_id" not in client.session
        # Within the wait after a failure even the right code is not checked.
        throttled = client.post("/logga-in/kod/", {"code": right})
        assert "För många felaktiga koder" in throttled.content.decode() and "_auth_user_id" not in client.session
        clock.shift(2)  # the first wait is one second
        response = client.post("/logga-in/kod/", {"code": right})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_repeated_wrong_codes_lock_the_user_name_like_wrong_passwords(enrolled, settings):
    _, device, _ = enrolled
    client = Client()
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False) as clock:
        _password(client, "karin")
        statuses = []
        for _ in range(settings.AXES_FAILURE_LIMIT):
            clock.shift(40)  # past each device wait (1, 2, 4, 8, 16 s)
            statuses.append(client.post("/logga-in/kod/", {"code": "000000"}).status_code)
        clock.shift(40)
        locked = client.post("/logga-in/kod/", {"code": _code(device)})
    assert statuses[-1] == 429 and locked.status_code == 429 and "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(enrolled):
    user, _, codes = enrolled
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False) as clock:
        first = Client()
        _password(first, "karin")
        response = first.post("/logga-in/kod/", {"code": codes[0].upper()})
        assert response.status_code == 302 and first.session["_auth_user_id"] == str(user.pk)
        assert mfa.recovery_codes_left(user) == 9
        clock.shift(60)
        second = Client()
        _password(second, "karin")
        again = second.post("/logga-in/kod/", {"code": codes[0]})
    assert "Koden stämmer inte" in again.content.decode() and "_auth_user_id" not in second.session
    methods = [e.changes_dict["sign_in"][1] for e in LogEntry.objects.get_for_object(user).filter(
        action=LogEntry.Action.ACCESS)]
    assert methods == ["password+recovery_code"]


def test_new_recovery_codes_replace_the_old_ones(enrolled):
    user, _, old = enrolled
    client = Client()
    client.force_login(user)
    response = client.post("/konto/tvasteg/nya-koder/")
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new)
    assert any("mfa_recovery_codes" in (e.changes_dict or {}) for e in LogEntry.objects.get_for_object(user))
    page = client.get("/konto/tvasteg/").content.decode()
    assert "10 oanvända återställningskoder" in page


def test_a_pending_log_in_ends_after_five_minutes(enrolled):
    _, device, _ = enrolled
    client = Client()
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False) as clock:
        _password(client, "karin")
        clock.shift(mfa.PENDING_SECONDS + 1)
        response = client.post("/logga-in/kod/", {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/logga-in/"
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_step_sends_back_to_log_in(enrolled):
    assert Client().get("/logga-in/kod/")["Location"] == "/logga-in/"
    assert Client().get("/logga-in/aktivera/")["Location"] == "/logga-in/"


# --- required mode (production) ---------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "required"), [
    ("caseworker", True), ("team_lead", True), ("unit_manager", True), ("department_head", True),
    ("hr", True), ("sysadmin", True),  # the sysadmin sees the user register and the access log
    ("dpo", True), ("archivist", True),  # log extracts and destruction lists name children and people
    ("board_member", False),           # suppressed aggregates only
])
def test_required_mode_covers_every_role_that_sees_personal_data(settings, org, role, required):
    settings.STABIL_MFA_REQUIRED = True
    assert mfa.needs_second_factor(make_user("u", role, [org.unit_a])) is required
    settings.STABIL_MFA_REQUIRED = False
    assert mfa.needs_second_factor(make_user("v", role, [org.unit_a])) is False


def test_in_required_mode_a_caseworker_enrols_before_the_log_in_completes(settings, org):
    settings.STABIL_MFA_REQUIRED = True
    user = make_user("johan", "caseworker", [org.unit_a], team=org.team_a1)
    client = Client()
    with time_machine.travel(START, tick=False):
        response = _password(client, "johan")
        assert response["Location"] == "/logga-in/aktivera/" and "_auth_user_id" not in client.session
        assert client.get("/").status_code == 302
        page = client.get("/logga-in/aktivera/").content.decode()
        assert "Din roll ser personuppgifter" in page and "<svg" in page
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post("/logga-in/aktivera/", {"code": _code(device)})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10 and client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/arenden/mina/").status_code == 200  # a caseworker's landing page
    methods = [e.changes_dict for e in LogEntry.objects.get_for_object(user).filter(additional_data__source="mfa")]
    assert {"mfa": ["", "TOTP"]} in methods and {"sign_in": ["", "password+totp_enrolment"]} in methods


def test_in_required_mode_a_board_member_logs_in_with_the_password(settings, org):
    settings.STABIL_MFA_REQUIRED = True
    make_user("nina", "board_member")
    client = Client()
    assert _password(client, "nina")["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_in_optional_mode_a_user_without_a_device_logs_in_with_the_password(org):
    make_user("johan", "caseworker", [org.unit_a])
    client = Client()
    assert _password(client, "johan")["Location"] == "/" and "_auth_user_id" in client.session


def test_the_security_pages_need_a_log_in_and_show_only_ones_own(personas, enrolled):
    anonymous = Client().get("/konto/tvasteg/")
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]
    other = Client()
    other.force_login(personas.caseworker)
    page = other.get("/konto/tvasteg/").content.decode()
    assert "Aktivera tvåstegsverifiering" in page  # the caseworker's own (not enrolled), not karin's
    assert other.post("/konto/tvasteg/nya-koder/").status_code == 302  # nothing to renew for them
    assert StaticToken.objects.filter(device__user=personas.caseworker).count() == 0


def test_a_recovery_code_of_digits_only_is_still_a_recovery_code(enrolled):
    # Recovery codes are eight base32 characters, which include the digits 2-7: "23456723" can be one.
    user, _, _ = enrolled
    StaticToken.objects.create(device=user.staticdevice_set.get(), token="23456723")
    client = Client()
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        _password(client, "karin")
        response = client.post("/logga-in/kod/", {"code": "2345 6723"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
