"""A second factor in Chromium: enrol with the key shown on the page, then log in with password and code."""

import datetime as dt
import re
from base64 import b32decode

import pytest
import time_machine
from django_otp.oath import totp

from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _code_from_key(key: str) -> str:
    # What an authenticator app does with the key typed in by hand (RFC 6238: 30 s steps, six digits).
    secret = key.replace(" ", "")
    return f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"


def test_enrol_and_log_in_with_a_code(page, login, org):
    make_user("karin", "unit_manager", [org.unit_a], first_name="Karin")
    # Time runs; it is shifted by one code step between enrolment and log-in, since a code is never accepted twice.
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=True) as clock:
        login("karin")
        page.get_by_role("link", name="Tvåstegsverifiering").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Aktivera tvåstegsverifiering"
        assert page.locator("figure.qr svg").is_visible()
        key = page.get_by_test_id("totp-key").inner_text()
        page.get_by_label("Kod").fill(_code_from_key(key))
        page.get_by_role("button", name="Aktivera").click()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
        page.get_by_role("link", name="Jag har sparat koderna, fortsätt").click()
        assert "återställningskoder kvar" in page.locator("main").inner_text()
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_load_state("networkidle")

        clock.shift(30)
        login("karin")
        assert page.url.endswith("/logga-in/kod/")
        page.get_by_label("Kod").fill("000000" if _code_from_key(key) != "000000" else "111111")
        page.get_by_role("button", name="Fortsätt").click()
        assert "Koden stämmer inte" in page.get_by_role("alert").inner_text()
        clock.shift(2)  # past the wait after the wrong code
        page.get_by_label("Kod").fill(_code_from_key(key))
        page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", level=1).inner_text() == "Välkommen, Karin"
