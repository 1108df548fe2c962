"""The client's address of a request, the one address that log-in throttling and the access log record.

Behind a TLS proxy every request's ``REMOTE_ADDR`` is the proxy; the proxy appends the address it saw to
``X-Forwarded-For``. Only the entries the trusted proxies appended can be believed: a client may send any
``X-Forwarded-For`` of its own, and the proxies append to it. So the header is read from the right,
``STABIL_TRUSTED_PROXY_COUNT`` entries deep:

- count 0 (the default, no proxy): ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored;
- count 1 (one proxy): the right-most entry, the address the proxy saw;
- count N: the N-th entry from the right.

A header with fewer entries than the count, or an entry that is not an IP address, means the request did
not come through the configured proxies: then ``REMOTE_ADDR`` is used. django-axes calls this function
(``AXES_CLIENT_IP_CALLABLE``) and ``stabil.audit.services.record_access`` records its answer, so a lock-out
and an access record name the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """Return the client's IP address for ``request`` (see the module docstring), or None when unknown."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    count = getattr(settings, "STABIL_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _valid_ip(hops[-count]) or remote
