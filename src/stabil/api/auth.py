"""Bearer-token authentication and the per-client rate limit of the API (issue 14).

Only ``Authorization: Bearer <token>`` opens the API: a person's session cookie does not (there is no
session or cookie authenticator on any operation), so a logged-in browser cannot be used to call it.
"""

from __future__ import annotations

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from .services import client_for_token


class ClientToken(HttpBearer):
    """``Authorization: Bearer stabil_<key id>_<secret>`` of a registered, unrevoked, unexpired client."""

    openapi_description = "Klientens nyckel: Authorization: Bearer stabil_<nyckel-id>_<hemlighet>"

    def authenticate(self, request, token):
        return client_for_token(token)


class ClientRateThrottle(AuthRateThrottle):
    """At most ``STABIL_API_RATE_LIMIT`` calls per client (e.g. ``600/min``), counted in Django's cache.

    The cache key is the client's key id (``ApiClient.__str__``); ninja's throttle answers 429 with
    ``Retry-After`` when the client is over the limit. With several server processes the cache must be shared
    (``STABIL_CACHE_URL``) for the limit to hold across them; docs/api.md says so.
    """

    scope = "api-client"

    def __init__(self):
        super().__init__(settings.API_RATE_LIMIT)

    def allow_request(self, request) -> bool:
        # The limit is read on every call, so a changed setting (and a test's) holds without a restart.
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)
