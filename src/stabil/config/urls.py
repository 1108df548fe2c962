"""Root URL configuration.

Each area app that has a ``urls.py`` is mounted under its Swedish prefix below, with its app label as
namespace, so adding an area needs no edit here beyond one line in ``AREA_PREFIXES``.

There is no Django admin: users and the organisation are managed in Stabil's own pages (``/anvandare/``,
``/organisation/``), which apply the access policy and list no case, child or staff member.
"""

from importlib import import_module
from importlib.util import find_spec

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

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
}

urlpatterns = [
    path("", include("stabil.web.urls")),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("sprak/", login_not_required(set_language), name="set_language"),
]

for label, prefix in AREA_PREFIXES.items():
    module = f"stabil.{label}.urls"
    if find_spec(module) is not None:
        urlpatterns.append(path(prefix, include((import_module(module), label), namespace=label)))
