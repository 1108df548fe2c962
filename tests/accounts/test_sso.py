"""Log-in through the municipality's OpenID Connect provider, against a real provider (issue 15).

The provider is the certified `oidc-provider` package started locally (tests/oidc/); its log-in and consent
pages are answered over HTTP, the token exchange, ID-token signature and userinfo are its own.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from axes.models import AccessLog
from django.contrib.messages import get_messages
from django.test import Client

from stabil.accounts.models import User
from tests.conftest import client_for, make_user
from tests.oidc.harness import CLIENT_ID, idp_log_in, use_provider

UNKNOWN = "Ditt konto hos kommunen är inte kopplat till någon användare i Stabil"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_known_subject_is_logged_in_as_the_matched_user_with_that_users_role(sso, org):
    anna = make_user("anna", "team_lead", [org.unit_a], team=org.team_a1, first_name="Anna", sso_subject="anna-sub")
    make_user("other", "unit_manager", [org.unit_a], sso_subject="someone-else")
    client = Client()
    response = idp_log_in(client, "anna-sub")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(anna.pk)
    start = client.get("/")
    assert start.status_code == 200 and start.context["user"].role == "team_lead"
    # Roles and units stay Stabil's (no mapping configured), though the provider sends roles and units.
    anna.refresh_from_db()
    assert anna.role == "team_lead" and [u.code for u in anna.units.all()] == ["UA"]
    # The log-in is in the user's change log and in axes' log-in log, with the path of the callback.
    assert LogEntry.objects.get_for_object(anna).filter(action=LogEntry.Action.ACCESS).exists()
    assert AccessLog.objects.filter(username="anna", path_info="/oidc/callback/").exists()


def test_an_unknown_subject_is_refused_in_swedish_and_no_user_is_created(sso, org):
    make_user("anna", "caseworker", [org.unit_a], sso_subject="anna-sub")
    users_before = User.objects.count()
    client = Client()
    response = idp_log_in(client, "stranger-sub")
    assert response.status_code == 302 and response["Location"] == "/logga-in/"
    assert any(UNKNOWN in m for m in _messages(response))
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before
    # The page the visitor lands on says it, in Swedish.
    page = client.get("/logga-in/")
    assert UNKNOWN in page.content.decode()


def test_the_user_name_or_e_mail_is_never_the_match(sso, org):
    # A user named like the subject, with no subject stored, is not opened by it.
    make_user("stranger-sub", "unit_manager", [org.unit_a], email="stranger-sub@example.org")
    client = Client()
    idp_log_in(client, "stranger-sub")
    assert "_auth_user_id" not in client.session


def test_an_inactive_user_is_refused(sso, org):
    make_user("anna", "caseworker", [org.unit_a], sso_subject="anna-sub", is_active=False)
    client = Client()
    response = idp_log_in(client, "anna-sub")
    assert "_auth_user_id" not in client.session
    assert any("inte aktivt" in m for m in _messages(response))


def test_users_are_matched_by_an_employee_id_claim_when_configured(settings, oidc_provider, org):
    use_provider(settings, oidc_provider, STABIL_OIDC_USER_CLAIM="employee_id", STABIL_OIDC_SCOPES="openid employee")
    anna = make_user("anna", "caseworker", [org.unit_a], sso_subject="E100")
    make_user("wrong", "unit_manager", [org.unit_a], sso_subject="anna-sub")  # the sub is not the claim now
    client = Client()
    idp_log_in(client, "anna-sub")
    assert client.session["_auth_user_id"] == str(anna.pk)


def test_a_subject_without_the_configured_claim_is_refused(settings, oidc_provider, org):
    use_provider(settings, oidc_provider, STABIL_OIDC_USER_CLAIM="employee_id", STABIL_OIDC_SCOPES="openid employee")
    make_user("x", "caseworker", [org.unit_a], sso_subject="stranger-sub")
    client = Client()
    response = idp_log_in(client, "stranger-sub")  # the provider has no employee_id for this subject
    assert "_auth_user_id" not in client.session
    assert any("uppgiften som Stabil känner igen dig med" in m for m in _messages(response))


MAPPING = {"STABIL_OIDC_SCOPES": "openid employee", "STABIL_OIDC_ROLE_CLAIM": "roles",
           "STABIL_OIDC_ROLE_MAP": "stabil-admin=sysadmin, stabil-handlaggare=caseworker, stabil-enhetschef=unit_manager",
           "STABIL_OIDC_UNIT_CLAIM": "units"}


def test_roles_and_units_mapped_from_claims_are_applied_at_log_in_and_logged(settings, oidc_provider, org):
    use_provider(settings, oidc_provider, **MAPPING)
    anna = make_user("anna", "unit_manager", [org.unit_b], sso_subject="anna-sub")
    client = Client()
    idp_log_in(client, "anna-sub")
    anna.refresh_from_db()
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert anna.role == "caseworker" and [u.code for u in anna.units.all()] == ["UA"]
    entry = LogEntry.objects.get_for_object(anna).filter(additional_data__source="oidc").get()
    assert entry.changes_dict["role"] == ["unit_manager", "caseworker"]


def test_the_sysadmin_role_is_never_granted_from_claims_unless_configured(settings, oidc_provider, org):
    # boss-sub has both "stabil-admin" (mapped to sysadmin, listed first) and "stabil-enhetschef".
    use_provider(settings, oidc_provider, **MAPPING)
    boss = make_user("boss", "caseworker", [org.unit_a], sso_subject="boss-sub")
    idp_log_in(Client(), "boss-sub")
    boss.refresh_from_db()
    assert boss.role == "unit_manager"
    use_provider(settings, oidc_provider, **MAPPING, STABIL_OIDC_SYSADMIN_FROM_CLAIMS="on")
    idp_log_in(Client(), "boss-sub")
    boss.refresh_from_db()
    assert boss.role == "sysadmin"


def test_a_sysadmin_keeps_the_role_stabil_gave_when_claims_map_roles(settings, oidc_provider, org):
    use_provider(settings, oidc_provider, **MAPPING)
    admin = make_user("admin", "sysadmin", [], sso_subject="anna-sub")
    client = Client()
    idp_log_in(client, "anna-sub")
    admin.refresh_from_db()
    assert client.session["_auth_user_id"] == str(admin.pk) and admin.role == "sysadmin"


def test_with_a_role_mapping_a_person_without_a_mapped_role_is_refused(settings, oidc_provider, org):
    use_provider(settings, oidc_provider, **MAPPING)
    make_user("nils", "unit_manager", [org.unit_a], sso_subject="norole-sub")
    client = Client()
    response = idp_log_in(client, "norole-sub")
    assert "_auth_user_id" not in client.session
    assert any("ingen roll i Stabil" in m for m in _messages(response))


def test_log_out_after_a_log_in_through_the_idp_goes_on_to_its_end_session_endpoint(sso, org):
    make_user("anna", "caseworker", [org.unit_a], sso_subject="anna-sub")
    client = Client()
    idp_log_in(client, "anna-sub")
    response = client.post("/logga-ut/")
    location = response["Location"]
    assert response.status_code == 302 and location.startswith(f"{sso.issuer}/session/end?")
    assert "id_token_hint=" in location and f"client_id={CLIENT_ID}" in location
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogga-in%2F" in location
    assert "_auth_user_id" not in client.session


def test_log_out_of_a_password_session_stays_in_stabil(sso, org):
    make_user("anna", "caseworker", [org.unit_a])
    client = Client()
    assert client.post("/logga-in/", {"username": "anna", "password": "test-password-123"}).status_code == 302
    response = client.post("/logga-ut/")
    assert response.status_code == 302 and response["Location"] == "/logga-in/"


def test_with_local_log_in_off_no_password_is_checked_and_the_page_offers_only_the_idp(settings, oidc_provider,
                                                                                           org, monkeypatch):
    use_provider(settings, oidc_provider, STABIL_LOCAL_LOGIN="off")
    make_user("anna", "caseworker", [org.unit_a], sso_subject="anna-sub")
    page = Client().get("/logga-in/").content.decode()
    assert "Logga in med kommunens konto" in page and 'name="password"' not in page
    client = Client()
    response = client.post("/logga-in/", {"username": "anna", "password": "test-password-123"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert any("Inloggning med lösenord är avstängd" in m for m in _messages(response))
    # The password backend is not configured at all; the IdP still logs the user in.
    assert "stabil.accounts.throttle.BoundedModelBackend" not in settings.AUTHENTICATION_BACKENDS
    idp_log_in(client, "anna-sub")
    assert "_auth_user_id" in client.session


def test_an_unreachable_provider_is_a_swedish_message_not_an_error(settings, oidc_provider, org):
    use_provider(settings, oidc_provider)
    settings.STABIL_OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"  # discard port
    response = Client().get("/logga-in/kommunen/")
    assert response.status_code == 302 and response["Location"] == "/logga-in/"
    assert any("svarar inte just nu" in m for m in _messages(response))


def test_a_discovery_document_of_another_issuer_is_not_trusted(settings, oidc_provider, org):
    use_provider(settings, oidc_provider)
    settings.STABIL_OIDC_ISSUER = oidc_provider.issuer + "/annan"
    response = Client().get("/logga-in/kommunen/")
    assert response["Location"] == "/logga-in/"
    assert any("svarar inte just nu" in m for m in _messages(response))


def test_a_callback_without_a_started_log_in_logs_nobody_in(sso, org):
    make_user("anna", "caseworker", [org.unit_a], sso_subject="anna-sub")
    client = Client()
    response = client.get("/oidc/callback/?code=forged&state=forged")
    assert response.status_code in (302, 400) and "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/logga-in/kommunen/", "/oidc/callback/"])
def test_without_single_sign_on_its_pages_send_the_visitor_back_to_log_in(path, org):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"] == "/logga-in/"


# --- the system administrator's user pages ----------------------------------------------------------------

def test_the_sysadmin_links_an_account_to_the_idp_on_the_user_page_and_it_is_logged(personas, sso):
    admin = client_for(personas.sysadmin)
    response = admin.post("/anvandare/konto/caseworker/", {
        "first_name": "Caseworker", "sso_subject": " cw-sub ", "role": "caseworker", "units": ["UA"],
        "team": "TA1", "is_active": "on"})
    assert response.status_code == 302
    personas.caseworker.refresh_from_db()
    assert personas.caseworker.sso_subject == "cw-sub"
    # The person can now log in through the IdP; the page shows the link and the log-in in the history.
    client = Client()
    idp_log_in(client, "cw-sub")
    assert client.session["_auth_user_id"] == str(personas.caseworker.pk)
    page = admin.get("/anvandare/konto/caseworker/").content.decode()
    assert "id i kommunens inloggning: — → cw-sub" in page and "kommunens konto" in page
    # Another account cannot take the same identity.
    taken = admin.post("/anvandare/konto/colleague/", {
        "sso_subject": "cw-sub", "role": "caseworker", "units": ["UA"], "team": "TA1", "is_active": "on"})
    assert taken.status_code == 200 and "används redan av ett annat konto" in taken.content.decode()
    personas.colleague.refresh_from_db()
    assert personas.colleague.sso_subject is None


def test_with_local_log_in_off_an_account_is_created_without_a_password(settings, oidc_provider, personas):
    use_provider(settings, oidc_provider, STABIL_LOCAL_LOGIN="off")
    admin = client_for(personas.sysadmin)
    response = admin.post("/anvandare/ny/", {"username": "sara", "role": "hr", "sso_subject": "sara-sub",
                                             "is_active": "on"})
    assert response.status_code == 302
    sara = User.objects.get(username="sara")
    assert sara.sso_subject == "sara-sub" and not sara.has_usable_password()
