"""Single sign-on through the municipality's OpenID Connect provider (Entra ID, ADFS, Inera's IdP).

The protocol is mozilla-django-oidc's (authorisation code flow with state, nonce and PKCE; the ID token's
signature checked against the provider's keys). Stabil adds what that library leaves to its users:

- **Discovery.** Endpoints come from the provider's discovery document (``STABIL_OIDC_DISCOVERY_URL``, by
  default the issuer's ``/.well-known/openid-configuration``), fetched when a log-in through the IdP starts
  and kept for an hour; its ``issuer`` must be the configured one.
- **Issuer and audience.** The ID token must come from that issuer and be meant for Stabil's client id
  (``iss``, ``aud``, ``azp``; mozilla-django-oidc checks the signature, expiry and nonce only).
- **Matching by a stable claim.** A person is the user whose ``sso_subject`` equals the value of the claim
  ``STABIL_OIDC_USER_CLAIM`` (``sub`` by default; an employee id claim where the municipality has one) —
  never the e-mail address. A person unknown to Stabil is refused with a Swedish message; no user is ever
  created from a log-in (``OIDC_CREATE_USER = False``).
- **Roles and units stay in Stabil** (the system administrator assigns them) unless the municipality maps
  them from claims (``STABIL_OIDC_ROLE_CLAIM``/``_ROLE_MAP``, ``STABIL_OIDC_UNIT_CLAIM``/``_UNIT_MAP``):
  then they are brought up to date at every log-in, never to the sysadmin role unless
  ``STABIL_OIDC_SYSADMIN_FROM_CLAIMS`` is on, and a sysadmin's own role is left as Stabil has it.
- **Log-out ends the IdP session** where the provider has an ``end_session_endpoint`` (RP-initiated
  log-out with the ID token as hint), see ``end_session_url``.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlencode

import requests
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from stabil.web.client_ip import client_ip

from . import mfa, services
from .models import Role

logger = logging.getLogger(__name__)

# How long a fetched discovery document is used before it is fetched again (keys are fetched every log-in).
METADATA_SECONDS = 3600
# mozilla-django-oidc's endpoint settings -> the discovery document's keys.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# Claims about the token itself: the signed ID token's values are kept, userinfo's are not merged over them.
TOKEN_CLAIMS = {"iss", "aud", "azp", "exp", "iat", "nbf", "nonce", "auth_time", "at_hash", "c_hash", "sid", "sub"}


class SsoUnavailable(Exception):
    """The identity provider could not be reached or described itself wrongly (its discovery document)."""


_metadata_lock = threading.Lock()
_metadata: dict[str, tuple[float, dict]] = {}


def provider_metadata() -> dict:
    """The provider's discovery document, fetched at most once an hour per process."""
    url = settings.STABIL_OIDC_DISCOVERY_URL
    now = time.monotonic()
    with _metadata_lock:
        cached = _metadata.get(url)
        if cached and now - cached[0] < METADATA_SECONDS:
            return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoUnavailable(f"discovery document {url}: {exc}") from exc
    if not isinstance(data, dict):
        raise SsoUnavailable(f"discovery document {url} is not a JSON object")
    # OpenID Connect Discovery 1.0, 4.3: the document's issuer is exactly the issuer asked for.
    if str(data.get("issuer", "")).rstrip("/") != settings.STABIL_OIDC_ISSUER.rstrip("/"):
        raise SsoUnavailable(f"discovery document {url} names issuer {data.get('issuer')!r}, "
                             f"not STABIL_OIDC_ISSUER {settings.STABIL_OIDC_ISSUER!r}")
    missing = [key for key in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not data.get(key)]
    if missing:
        raise SsoUnavailable(f"discovery document {url} lacks {', '.join(missing)}")
    with _metadata_lock:
        _metadata[url] = (now, data)
    return data


def setting(name: str, *default):
    """mozilla-django-oidc's settings, with the endpoints taken from the discovery document."""
    if name in ENDPOINTS:
        if name == "OIDC_OP_USER_ENDPOINT" and not settings.STABIL_OIDC_USERINFO:
            return None
        return provider_metadata().get(ENDPOINTS[name])
    return import_from_settings(name, *default)


def subject_of(claims: dict) -> str:
    """The value of the claim that identifies the person (``STABIL_OIDC_USER_CLAIM``), or ''."""
    value = claims.get(settings.STABIL_OIDC_USER_CLAIM)
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


# Why a log-in through the IdP was refused: the key is set on the request by the backend, the message shown
# on the log-in page. None of them says anything about another person's account.
def _refusals() -> dict[str, str]:
    return {
        "unknown": _("Ditt konto hos kommunen är inte kopplat till någon användare i Stabil. Kontakta Stabils "
                     "systemadministratör om du ska ha tillgång."),
        "inactive": _("Ditt konto i Stabil är inte aktivt. Kontakta Stabils systemadministratör."),
        "no_claim": _("Kommunens inloggning skickade inte uppgiften som Stabil känner igen dig med. Kontakta "
                      "Stabils systemadministratör."),
        "no_role": _("Kommunens inloggning ger dig ingen roll i Stabil. Kontakta Stabils systemadministratör."),
        "unit": _("Kommunens inloggning anger en enhet som Stabil inte känner till. Kontakta Stabils "
                  "systemadministratör."),
        "unavailable": _("Kommunens inloggningstjänst svarar inte just nu. Försök igen om en stund."),
        "off": _("Inloggning med kommunens konto är inte inställd i Stabil."),
        "failed": _("Inloggningen med kommunens konto misslyckades. Försök igen."),
    }


def _refuse(request, reason: str):
    messages.error(request, _refusals()[reason])
    return redirect("login")


def _values(claims: dict, name: str) -> list[str]:
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()] if str(value).strip() else []


def mapped_role(claims: dict) -> str | None:
    """The role the claims give, by ``STABIL_OIDC_ROLE_MAP`` in the order written; sysadmin only if allowed."""
    values = set(_values(claims, settings.STABIL_OIDC_ROLE_CLAIM))
    for claim_value, role in settings.STABIL_OIDC_ROLE_MAP.items():
        if claim_value in values and (role != Role.SYSADMIN or settings.STABIL_OIDC_SYSADMIN_FROM_CLAIMS):
            return role
    return None


def mapped_units(claims: dict) -> list[str]:
    """The unit codes the claims give: through ``STABIL_OIDC_UNIT_MAP`` when set, else the values themselves."""
    mapping = settings.STABIL_OIDC_UNIT_MAP
    values = _values(claims, settings.STABIL_OIDC_UNIT_CLAIM)
    codes = [mapping[v] for v in values if v in mapping] if mapping else values
    return sorted(set(codes))


class Refused(SuspiciousOperation):
    """A log-in through the IdP that Stabil refuses; ``reason`` is a key of ``_refusals``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def apply_claim_mapping(user, claims: dict, *, ip_address: str | None = None):
    """Bring ``user``'s role and units up to date from the claims, where the municipality maps them.

    Without a mapping nothing changes: roles and units are the system administrator's. A user whose role in
    Stabil is sysadmin keeps it (and their units) unless ``STABIL_OIDC_SYSADMIN_FROM_CLAIMS`` is on. The change
    is one change-log entry attributed to the municipality's log-in (``additional_data.source = "oidc"``).
    """
    map_roles = bool(settings.STABIL_OIDC_ROLE_MAP)
    map_units = bool(settings.STABIL_OIDC_UNIT_CLAIM)
    if not (map_roles or map_units):
        return user
    if user.role == Role.SYSADMIN and not settings.STABIL_OIDC_SYSADMIN_FROM_CLAIMS:
        return user
    changes: dict = {}
    arguments: dict = {}
    if map_roles:
        role = mapped_role(claims)
        if role is None:
            raise Refused("no_role")
        if role != user.role:
            changes["role"] = [user.role, role]
            arguments["role"] = role
    if map_units:
        codes = mapped_units(claims)
        current = sorted(user.units.values_list("code", flat=True))
        if codes != current:
            changes["units"] = [", ".join(current), ", ".join(codes)]
            arguments["unit_codes"] = codes
            if user.team is not None and user.team.unit.code not in codes:
                changes["team"] = [user.team.code, ""]
                arguments["team_code"] = None
    if not arguments:
        return user
    try:
        with disable_auditlog():
            user = services.user_update(by=None, user=user, **arguments)
    except services.UserInputError as exc:
        logger.warning("log-in through the IdP refused for user %s: %s", user.username, exc)
        raise Refused("unit") from exc
    LogEntry.objects.log_create(user, force_log=True, action=LogEntry.Action.UPDATE, changes=changes,
                                remote_addr=ip_address, additional_data={"source": "oidc"})
    return user


class StabilOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with discovery, issuer and audience checks and matching by one claim."""

    get_settings = staticmethod(setting)
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here. Django makes the backends for every log-in, a password log-in
        # too, so the endpoints are looked up only when a log-in through the IdP runs (the properties below).
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce (from the session's state): a password form posted with
        # ?code=…&state=… in its address never reaches the IdP.
        if request is None or "nonce" not in kwargs or not settings.STABIL_SSO:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as exc:
            request.stabil_sso_refusal = exc.reason
        except SsoUnavailable as exc:
            logger.warning("log-in through the IdP: %s", exc)
            request.stabil_sso_refusal = "unavailable"
        except requests.RequestException as exc:
            logger.warning("log-in through the IdP: the provider answered %s", exc)
            request.stabil_sso_refusal = "unavailable"
        except SuspiciousOperation as exc:
            logger.warning("log-in through the IdP refused: %s", exc)
            request.stabil_sso_refusal = "failed"
        return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # OpenID Connect Core 1.0, 3.1.3.7: the issuer, the audience (and authorised party) are checked too.
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        client_id = settings.OIDC_RP_CLIENT_ID
        if payload.get("iss") != provider_metadata()["issuer"]:
            raise SuspiciousOperation("the ID token was issued by another issuer")
        if client_id not in audiences or (len(audiences) > 1 and payload.get("azp") != client_id):
            raise SuspiciousOperation("the ID token is meant for another client")
        if "exp" not in payload:
            raise SuspiciousOperation("the ID token has no expiry")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with what the userinfo endpoint adds (never over the token's own claims)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if str(info.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo is about another subject than the ID token")
            for name, value in info.items():
                if name not in TOKEN_CLAIMS:
                    claims.setdefault(name, value)
        return claims

    def _refuse(self, reason: str) -> Refused:
        # mozilla-django-oidc turns a refusal into "no user" without a reason; the request keeps it for the
        # message on the log-in page (SsoCallbackView.login_failure).
        self.request.stabil_sso_refusal = reason
        return Refused(reason)

    def verify_claims(self, claims):
        if not subject_of(claims):
            logger.warning("log-in through the IdP refused: no claim %r", settings.STABIL_OIDC_USER_CLAIM)
            raise self._refuse("no_claim")
        return True

    def filter_users_by_claims(self, claims):
        subject = subject_of(claims)
        users = self.UserModel.objects.filter(sso_subject=subject)
        if not users.exists():
            # Refused, never created (OIDC_CREATE_USER = False). The subject is a pseudonymous identifier.
            logger.warning("log-in through the IdP refused: no user with %s=%s",
                           settings.STABIL_OIDC_USER_CLAIM, subject)
            raise self._refuse("unknown")
        return users

    def update_user(self, user, claims):
        if not user.is_active:
            raise self._refuse("inactive")
        try:
            return apply_claim_mapping(user, claims, ip_address=client_ip(self.request))
        except Refused as exc:
            raise self._refuse(exc.reason) from exc

    def create_user(self, claims):
        # Never reached while OIDC_CREATE_USER is False; a second lock should that setting ever change.
        raise self._refuse("unknown")


class SsoStartView(OIDCAuthenticationRequestView):
    """"Logga in med kommunens konto": on to the provider's log-in, with state, nonce and PKCE."""

    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):
        # The library looks the endpoint up here; Stabil does it in get(), where an absent IdP is a message.
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not settings.STABIL_SSO:
            return _refuse(request, "off")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SsoUnavailable as exc:
            logger.warning("log-in through the IdP: %s", exc)
            return _refuse(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: the matched user is logged in, anyone else refused with a Swedish message."""

    get_settings = staticmethod(setting)

    def get(self, request):
        if not settings.STABIL_SSO:
            return _refuse(request, "off")
        return super().get(request)

    def login_failure(self):
        return _refuse(self.request, getattr(self.request, "stabil_sso_refusal", None) or "failed")

    def login_success(self):
        response = super().login_success()
        self.request.session[SSO_SESSION_KEY] = True
        mfa.log_sign_in(self.request, self.user, method="oidc")
        return response


# Set in the session of a log-in through the IdP (the ID token is kept beside it for the log-out).
SSO_SESSION_KEY = "stabil_sso"


def end_session_url(request) -> str | None:
    """Where the log-out sends the browser to end the IdP session too, or None (a local session, no endpoint).

    RP-Initiated Logout 1.0: the ID token as ``id_token_hint``, Stabil's client id, and the log-in page (or
    ``STABIL_OIDC_POST_LOGOUT_REDIRECT_URL``) to come back to, registered at the provider.
    """
    id_token = request.session.get("oidc_id_token")
    if not (settings.STABIL_SSO and id_token and request.session.get(SSO_SESSION_KEY)):
        return None
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except SsoUnavailable as exc:
        logger.warning("log-out: the IdP session is left open: %s", exc)
        return None
    if not endpoint:
        return None
    back = settings.STABIL_OIDC_POST_LOGOUT_REDIRECT_URL or request.build_absolute_uri(reverse("login"))
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
                       "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
