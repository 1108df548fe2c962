"""The log-in settings read from the environment (stabil.config.sso.login_settings), table by table.

No database: the function is pure. Expectations are written out by hand from docs/configuration.md.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from stabil.config.sso import authentication_backends, login_settings

SSO = {"STABIL_OIDC_ISSUER": "https://idp.kommun.se", "STABIL_OIDC_CLIENT_ID": "stabil",
       "STABIL_OIDC_CLIENT_SECRET": "s3cret"}


@pytest.mark.parametrize(("env", "production", "local", "sso", "mfa"), [
    ({}, False, True, False, False),                      # development/demo: passwords, MFA optional
    ({}, True, True, False, True),                        # production: MFA required by default
    (SSO, True, True, True, True),                        # SSO beside passwords: MFA still required
    ({**SSO, "STABIL_LOCAL_LOGIN": "off"}, True, False, True, False),   # SSO only: no local MFA (none to ask)
    ({"STABIL_MFA_REQUIRED": "on"}, False, True, False, True),          # tests of the required mode
])
def test_the_log_in_modes(env, production, local, sso, mfa):
    values = login_settings(env, production=production)
    # MFA is required only where local log-in is on (needs_second_factor also checks STABIL_LOCAL_LOGIN).
    assert (values["STABIL_LOCAL_LOGIN"], values["STABIL_SSO"]) == (local, sso)
    assert (values["STABIL_MFA_REQUIRED"] and values["STABIL_LOCAL_LOGIN"]) is mfa


@pytest.mark.parametrize(("env", "production", "says"), [
    ({"STABIL_LOCAL_LOGIN": "off"}, False, "needs single sign-on"),
    ({"STABIL_OIDC_ISSUER": "https://idp.kommun.se"}, False, "CLIENT_ID and STABIL_OIDC_CLIENT_SECRET"),
    ({**SSO, "STABIL_OIDC_ISSUER": "http://idp.kommun.se"}, True, "https://"),
    ({"STABIL_MFA_REQUIRED": "off"}, True, "STABIL_MFA_REQUIRED=off is refused"),
    ({**SSO, "STABIL_OIDC_ROLE_CLAIM": "roles", "STABIL_OIDC_ROLE_MAP": "admins=superuser"}, False, "unknown roles"),
    ({**SSO, "STABIL_OIDC_ROLE_MAP": "admins=sysadmin"}, False, "set together"),
    ({**SSO, "STABIL_OIDC_ROLE_CLAIM": "roles", "STABIL_OIDC_ROLE_MAP": "admins"}, False, "CLAIM-VALUE=STABIL-VALUE"),
    ({"STABIL_LOCAL_LOGIN": "kanske"}, False, "on or off"),
])
def test_settings_that_would_open_a_hole_are_refused(env, production, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        login_settings(env, production=production)


def test_defaults_for_a_provider():
    values = login_settings(SSO, production=True)
    assert values["STABIL_OIDC_DISCOVERY_URL"] == "https://idp.kommun.se/.well-known/openid-configuration"
    assert values["STABIL_OIDC_USER_CLAIM"] == "sub"              # a stable claim, never the e-mail
    assert values["OIDC_CREATE_USER"] is False                    # nobody is created by a log-in
    assert values["OIDC_USE_PKCE"] and values["OIDC_USE_NONCE"] and values["OIDC_STORE_ID_TOKEN"]
    assert values["STABIL_OIDC_SYSADMIN_FROM_CLAIMS"] is False
    assert values["STABIL_SSO_FORM_ACTION_ORIGINS"] == ["https://idp.kommun.se"]


def test_role_map_keeps_the_order_written():
    values = login_settings({**SSO, "STABIL_OIDC_ROLE_CLAIM": "roles",
                             "STABIL_OIDC_ROLE_MAP": "b=unit_manager, a=caseworker"}, production=False)
    assert list(values["STABIL_OIDC_ROLE_MAP"].items()) == [("b", "unit_manager"), ("a", "caseworker")]


@pytest.mark.parametrize(("local", "sso", "password", "oidc"), [
    (True, False, True, False), (True, True, True, True), (False, True, False, True),
])
def test_the_password_backend_is_there_only_with_local_log_in(local, sso, password, oidc):
    backends = authentication_backends(local=local, sso=sso)
    assert backends[0] == "axes.backends.AxesStandaloneBackend"  # a locked attempt is refused first
    assert ("stabil.accounts.throttle.BoundedModelBackend" in backends) is password
    assert ("stabil.accounts.sso.StabilOIDCBackend" in backends) is oidc
