"""Every Stabil view declares the capability it needs (``@require_capability``), or is on the short list
below with the reason it may do without. A new view without a guard fails here."""

from django.urls import URLPattern, URLResolver, get_resolver

# view (module.function) -> why it needs no capability
UNGUARDED = {
    "stabil.web.views.start": "every logged-in user has a start page; it lists only what their role allows",
    "stabil.web.views.healthz": "public health check; shows no data",
    "stabil.jobs.views.job_status": "shows a job only to the user who started it (404 for anyone else)",
    "stabil.jobs.views.job_download": "serves a job's file only to the user who started it (404 for anyone else)",
    # Log-in and log-out (issue 15): public by nature, or about the visitor's own account only.
    "stabil.accounts.signin.StabilLoginView": "the log-in page (Django's LoginView, throttled by axes)",
    "stabil.accounts.signin.login_code": "the second log-in step; acts only on the session's own pending log-in",
    "stabil.accounts.signin.login_enrol": "enrolment before a log-in completes; the session's own pending log-in",
    "stabil.accounts.sso.SsoStartView": "starts a log-in at the municipality's IdP; shows no data",
    "stabil.accounts.sso.SsoCallbackView": "back from the IdP: logs in only the user the signed ID token names",
    "stabil.accounts.signin.StabilLogoutView": "logs the visitor out (POST, CSRF-protected)",
    "stabil.accounts.signin.mfa_manage": "every logged-in user's own second factor; no one else's",
    "stabil.accounts.signin.mfa_recovery_codes": "every logged-in user's own recovery codes; no one else's",
    # The REST API (issue 14): its operations are django-ninja's views, each opened only by a client's bearer
    # token and its scopes (stabil.api.v1); its documentation page is public and shows no data.
    "stabil.api.views.api_docs": "the API's documentation, rendered from its OpenAPI document; no data",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _name(callback) -> str:
    view = getattr(callback, "view_class", None) or callback
    while hasattr(view, "__wrapped__") and not hasattr(view, "required_capability"):
        view = view.__wrapped__
    return f"{view.__module__}.{getattr(view, '__qualname__', view.__name__)}"


def test_every_stabil_view_requires_a_capability():
    unguarded = []
    for route, callback in _walk(get_resolver().url_patterns):
        module = getattr(getattr(callback, "view_class", None) or callback, "__module__", "")
        if not module.startswith("stabil."):
            continue  # Django's log-in, log-out, language and admin views guard themselves
        guarded = hasattr(callback, "required_capability") or hasattr(
            getattr(callback, "view_class", None), "required_capability")
        if not guarded and _name(callback) not in UNGUARDED:
            unguarded.append(f"/{route} -> {_name(callback)}")
    assert unguarded == []


def test_the_walk_finds_the_guarded_views():
    routes = {route for route, _ in _walk(get_resolver().url_patterns)}
    assert "granskning/" in routes and "import/" in routes
    assert "anvandare/konto/<str:username>/" in routes and "organisation/enhet/<str:code>/ta-bort/" in routes
    assert not any(route.startswith("admin/") for route in routes)  # no Django admin (issue 11, finding 4)
