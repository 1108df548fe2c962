"""Root URL configuration.

Each area app that has a ``urls.py`` is mounted under its Swedish prefix below, with its app label as
namespace, so adding an area needs no edit here beyond one line in ``AREA_PREFIXES``.

There is no Django admin: users and the organisation are managed in Stabil's own pages (``/anvandare/``,
``/organisation/``), which apply the access policy and list no case, child or staff member.
"""

from importlib import import_module
from importlib.util import find_spec

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from stabil.accounts import signin, sso
from stabil.api.routes import api_v1_patterns
from stabil.web.forms import LoginForm

AREA_PREFIXES = {
    "cases": "arenden/",
    "staff": "personal/",
    "workload": "arbetsbelastning/",
    "governance": "styrning/",
    "simulation": "simulering/",
    "audit": "granskning/",
    "accounts": "anvandare/",
    "organisation": "organisation/",
    "imports": "import/",
    "jobs": "jobb/",
    "records": "registervard/",
    "feeds": "floden/",
    "api": "integrationer/",  # the sysadmin's pages for API clients; the API itself is /api/v1/ below
}

urlpatterns = [
    path("", include("stabil.web.urls")),
    # Log-in: a password (when local log-in is on), then a code for a second factor (stabil.accounts.mfa);
    # or the municipality's OpenID Connect provider (stabil.accounts.sso). Log-out ends the IdP session too.
    path(
        "logga-in/",
        signin.StabilLoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logga-in/kod/", signin.login_code, name="login_code"),
    path("logga-in/aktivera/", signin.login_enrol, name="login_enrol"),
    path("logga-in/kommunen/", login_not_required(sso.SsoStartView.as_view()), name="sso_start"),
    path("oidc/callback/", login_not_required(sso.SsoCallbackView.as_view()), name="sso_callback"),
    path("logga-ut/", signin.StabilLogoutView.as_view(), name="logout"),
    path("konto/tvasteg/", signin.mfa_manage, name="mfa_manage"),
    path("konto/tvasteg/nya-koder/", signin.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("sprak/", login_not_required(set_language), name="set_language"),
    # The REST API (issue 14, docs/api.md): its Swedish documentation page, then the operations and the OpenAPI
    # document. A client's bearer token opens it, not a log-in (so the log-in redirect is switched off).
    *api_v1_patterns(),
]

for label, prefix in AREA_PREFIXES.items():
    module = f"stabil.{label}.urls"
    if find_spec(module) is not None:
        urlpatterns.append(path(prefix, include((import_module(module), label), namespace=label)))
