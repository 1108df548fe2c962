"""Log-in throttling: django-axes with one limit per user name and another per client address.

django-axes records every failed log-in (user name, address) and, with
``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`` (two separate entries), refuses an attempt when
*either* the user name *or* the address has failed too often within the cool-off. Axes compares both with
one ``AXES_FAILURE_LIMIT``; Stabil wants two, because they protect against different things:

- **per user name, across addresses** (``STABIL_LOGIN_FAILURE_LIMIT``, default 5): guessing one person's
  password from many addresses gets no more than this many guesses per cool-off;
- **per address, across user names** (``STABIL_LOGIN_ADDRESS_FAILURE_LIMIT``, default 20): trying one
  password on many user names from one address. Higher than the per-user limit, since an office behind one
  NAT address shares it.

A locked attempt is refused by ``axes.backends.AxesStandaloneBackend``, the first authentication backend,
*before* Django's ``ModelBackend`` hashes the password, and with
``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False`` it writes nothing: a flood of locked attempts costs
two indexed queries each, not an Argon2 hash. The lock lasts the cool-off after the failure that set it.

A successful log-in clears only that user name's failures (not the address's), so an insider cannot reset
the per-address count by logging in to their own account between guesses.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class StabilAxesHandler(AxesDatabaseHandler):
    """The axes database handler with separate limits per user name and per address (module docstring)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Return ``AXES_FAILURE_LIMIT`` when the user name or the address is over its limit, else fewer."""
        limit = settings.AXES_FAILURE_LIMIT
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_user = _failures(recent.filter(username=username)) if username else 0
        ip_address = getattr(request, "axes_ip_address", None)
        by_address = _failures(recent.filter(ip_address=ip_address)) if ip_address else 0
        if by_user >= limit or by_address >= settings.STABIL_LOGIN_ADDRESS_FAILURE_LIMIT:
            return limit
        return by_user

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful log-in, forget the failures of that user name only (not of the address)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
