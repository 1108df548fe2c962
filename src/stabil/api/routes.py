"""The URL patterns of ``/api/v1/`` (mounted by ``config/urls.py``): the Swedish documentation page, then the
operations and the OpenAPI document. A client's bearer token opens the API, not a log-in, so Django's log-in
redirect is switched off for these patterns (each operation checks its token itself)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .v1 import api
from .views import api_docs


def _without_login_redirect(patterns) -> None:
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _without_login_redirect(pattern.url_patterns)
        else:
            login_not_required(pattern.callback)


def api_v1_patterns() -> list:
    patterns = [path("api/v1/dokumentation/", api_docs, name="api_docs"), path("api/v1/", api.urls)]
    _without_login_redirect(patterns[1].url_patterns)
    return patterns
