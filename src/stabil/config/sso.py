"""The log-in settings read from the environment: single sign-on (OpenID Connect), local passwords, MFA.

One function, ``login_settings``, turns the environment into Django settings, so that ``settings.py`` and the
tests that start a real OpenID Connect provider derive them the same way. Every variable is documented in
``docs/configuration.md`` ("Log-in"); how a municipality sets up its IdP in ``docs/security.md``.

No Django import beyond ``ImproperlyConfigured``: this runs while the settings load.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

ROLE_VALUES = ("caseworker", "team_lead", "unit_manager", "department_head", "hr", "board_member", "sysadmin")

# Password log-in is checked by this backend; single sign-on by the OpenID Connect one.
PASSWORD_BACKEND = "stabil.accounts.throttle.BoundedModelBackend"
SSO_BACKEND = "stabil.accounts.sso.StabilOIDCBackend"


def _str(env: Mapping[str, str], name: str, default: str = "") -> str:
    value = env.get(name, "")
    return value.strip() if value.strip() != "" else default


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on", "ja"}:
        return True
    if value in {"0", "false", "no", "off", "nej"}:
        return False
    raise ImproperlyConfigured(f"{name} must be on or off, not {value!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def _pairs(env: Mapping[str, str], name: str) -> dict[str, str]:
    """``"a=x, b=y"`` as ``{"a": "x", "b": "y"}``, in the order written."""
    result: dict[str, str] = {}
    for item in _str(env, name).split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: every entry is CLAIM-VALUE=STABIL-VALUE, not {item.strip()!r}")
        result[key.strip()] = value.strip()
    return result


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def login_settings(env: Mapping[str, str], *, production: bool) -> dict:
    """The Django settings for log-in that ``env`` (the process environment) asks for."""
    issuer = _str(env, "STABIL_OIDC_ISSUER")
    sso = bool(issuer)
    local = _bool(env, "STABIL_LOCAL_LOGIN", True)
    if not local and not sso:
        raise ImproperlyConfigured("STABIL_LOCAL_LOGIN=off needs single sign-on: set STABIL_OIDC_ISSUER")
    client_id = _str(env, "STABIL_OIDC_CLIENT_ID")
    client_secret = _str(env, "STABIL_OIDC_CLIENT_SECRET")
    if sso and not (client_id and client_secret):
        raise ImproperlyConfigured("STABIL_OIDC_ISSUER needs STABIL_OIDC_CLIENT_ID and STABIL_OIDC_CLIENT_SECRET")
    if sso and production and not issuer.startswith("https://"):
        raise ImproperlyConfigured("STABIL_OIDC_ISSUER must be an https:// address when STABIL_ENV=production")
    discovery = _str(env, "STABIL_OIDC_DISCOVERY_URL",
                     issuer.rstrip("/") + "/.well-known/openid-configuration" if sso else "")
    user_claim = _str(env, "STABIL_OIDC_USER_CLAIM", "sub")
    role_map = _pairs(env, "STABIL_OIDC_ROLE_MAP")
    unknown_roles = sorted(set(role_map.values()) - set(ROLE_VALUES))
    if unknown_roles:
        raise ImproperlyConfigured(f"STABIL_OIDC_ROLE_MAP names unknown roles {unknown_roles}; "
                                   f"roles are {', '.join(ROLE_VALUES)}")
    role_claim = _str(env, "STABIL_OIDC_ROLE_CLAIM")
    if bool(role_claim) != bool(role_map):
        raise ImproperlyConfigured("STABIL_OIDC_ROLE_CLAIM and STABIL_OIDC_ROLE_MAP are set together")
    mfa_required = _bool(env, "STABIL_MFA_REQUIRED", production)
    if production and local and not mfa_required:
        raise ImproperlyConfigured(
            "STABIL_MFA_REQUIRED=off is refused when STABIL_ENV=production and local log-in is on: "
            "switch local log-in off (STABIL_LOCAL_LOGIN=off) or keep the second factor")
    # The IdP's address may be the target of the log-out form's redirect (RP-initiated log-out): the CSP's
    # form-action must allow it, as Chromium applies form-action to the redirects after a form is sent.
    end_session_origins = [_origin(issuer)] if sso else []
    extra = _str(env, "STABIL_OIDC_LOGOUT_ORIGIN")
    if extra:
        end_session_origins.append(_origin(extra))
    return {
        "STABIL_LOCAL_LOGIN": local,
        "STABIL_SSO": sso,
        "STABIL_MFA_REQUIRED": mfa_required,
        "STABIL_OIDC_ISSUER": issuer,
        "STABIL_OIDC_DISCOVERY_URL": discovery,
        "STABIL_OIDC_USER_CLAIM": user_claim,
        "STABIL_OIDC_USERINFO": _bool(env, "STABIL_OIDC_USERINFO", True),
        "STABIL_OIDC_POST_LOGOUT_REDIRECT_URL": _str(env, "STABIL_OIDC_POST_LOGOUT_REDIRECT_URL"),
        "STABIL_OIDC_ROLE_CLAIM": role_claim,
        "STABIL_OIDC_ROLE_MAP": role_map,
        "STABIL_OIDC_UNIT_CLAIM": _str(env, "STABIL_OIDC_UNIT_CLAIM"),
        "STABIL_OIDC_UNIT_MAP": _pairs(env, "STABIL_OIDC_UNIT_MAP"),
        "STABIL_OIDC_SYSADMIN_FROM_CLAIMS": _bool(env, "STABIL_OIDC_SYSADMIN_FROM_CLAIMS", False),
        "STABIL_SSO_FORM_ACTION_ORIGINS": end_session_origins,
        # mozilla-django-oidc's own settings. Endpoints come from the discovery document
        # (stabil.accounts.sso.provider_metadata); users are never created from a log-in.
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_RP_SCOPES": _str(env, "STABIL_OIDC_SCOPES", "openid profile"),
        "OIDC_RP_SIGN_ALGO": _str(env, "STABIL_OIDC_SIGN_ALGO", "RS256"),
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": _int(env, "STABIL_OIDC_TIMEOUT_SECONDS", 10),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso_callback",
        "LOGIN_REDIRECT_URL_FAILURE": "login",
    }


def authentication_backends(*, local: bool, sso: bool) -> list[str]:
    """Axes first (a locked-out attempt is refused before any check), then the object permissions, then the
    password check only when local log-in is on, and the OpenID Connect check only when it is configured."""
    backends = ["axes.backends.AxesStandaloneBackend", "rules.permissions.ObjectPermissionBackend"]
    if local:
        backends.append(PASSWORD_BACKEND)
    if sso:
        backends.append(SSO_BACKEND)
    return backends
