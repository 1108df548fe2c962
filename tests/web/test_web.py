import pytest
from django.test import Client

from stabil.audit.models import AccessRecord
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_login_page_is_swedish_and_public():
    response = Client().get("/logga-in/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert "Logga in i Stabil" in body and "Användarnamn" in body and "Lösenord" in body


def test_english_is_selectable(personas):
    client = client_for(personas.unit_manager)
    client.post("/sprak/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body


def test_start_page_requires_login_and_shows_only_permitted_areas(view_permissions, personas):
    view_permissions("/", allowed=set(personas))  # every logged-in persona has a start page
    body = client_for(personas.sysadmin).get("/").content.decode()
    assert "Granskningslogg" in body
    body = client_for(personas.board).get("/").content.decode()
    assert "Granskningslogg" not in body


def test_healthz_is_public():
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_security_headers(personas):
    response = client_for(personas.caseworker).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_login_with_real_password_hash_is_argon2(settings, org):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    from tests.conftest import make_user

    user = make_user("argon", "caseworker", [org.unit_a])
    assert user.password.startswith("argon2$")
    response = Client().post("/logga-in/", {"username": "argon", "password": "test-password-123"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_repeated_failed_logins_are_throttled(org):
    from tests.conftest import make_user

    make_user("victim", "caseworker", [org.unit_a])
    client = Client()
    for _ in range(4):
        assert client.post("/logga-in/", {"username": "victim", "password": "wrong"}).status_code == 200
    # The fifth failure reaches the limit; from then on even the right password is refused for a while.
    assert client.post("/logga-in/", {"username": "victim", "password": "wrong"}).status_code == 429
    locked = client.post("/logga-in/", {"username": "victim", "password": "test-password-123"})
    assert locked.status_code == 429
    assert "För många misslyckade inloggningar" in locked.content.decode()


def test_session_expires_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_there_is_no_admin_page_to_edit_access_records(personas):
    # Issue 11 (finding 4) removed the Django admin: no page edits or deletes an access record.
    client = client_for(personas.sysadmin)
    assert client.get("/admin/").status_code == 404
    from stabil.audit.services import record_access

    record = record_access(by=personas.caseworker, action="view", what="Ärendesida")
    assert client.get(f"/admin/audit/accessrecord/{record.pk}/delete/").status_code == 404
    assert client.post(f"/admin/audit/accessrecord/{record.pk}/change/", {"what": "x"}).status_code == 404
    assert AccessRecord.objects.get(pk=record.pk).what == "Ärendesida"


def test_number_filters_use_swedish_format():
    from django.utils import translation

    from stabil.web.templatetags.stabil import number, percent

    with translation.override("sv"):
        assert number(1234567.891, 1) == "1\xa0234\xa0567,9"
        assert percent(0.873) == "87\xa0%"
        assert number(None) == "–"


def test_swedish_is_the_default_whatever_the_browser_asks(personas):
    body = client_for(personas.unit_manager).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in body


def test_only_the_most_specific_navigation_entry_is_current(personas):
    from django.test import RequestFactory

    from stabil.web.context_processors import navigation

    request = RequestFactory().get("/arenden/egenkontroll/")
    request.user = personas.unit_manager
    current = [e["label"] for e in navigation(request)["nav_entries"] if e["active"]]
    assert [str(label) for label in current] == ["Egenkontroll"]


def test_the_language_switcher_names_each_language_in_its_own_language(personas):
    """Issue 13: the Swedish page offered "Engelska", which an English reader need not recognise."""
    client = client_for(personas.unit_manager)
    body = client.get("/").content.decode()
    assert '<option value="en" lang="en">English</option>' in body and "Engelska" not in body
    client.post("/sprak/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<option value="sv" lang="sv">Svenska</option>' in body and "Swedish" not in body
