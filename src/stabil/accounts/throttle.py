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
``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False`` it records no failure: a flood of locked attempts costs
two indexed queries each, not an Argon2 hash. The lock lasts the cool-off after the failure that set it.

A successful log-in clears only that user name's failures (not the address's), so an insider cannot reset
the per-address count by logging in to their own account between guesses.

Until the locks take hold, a flood from many addresses still reaches the password check.
``BoundedModelBackend`` lets at most ``STABIL_LOGIN_CONCURRENCY`` log-ins per server process check a password
at once (hashing runs at low priority, ``stabil.accounts.passwords``); a further attempt is answered at once
"many log-ins right now, try again" without a check. It counts towards its address's limit, not the user
name's (its owner may be the one refused), so a flooding address is locked after its limit of attempts
whether or not they were checked. So a flood holds at most that many of a process's request threads, and
logged-in users keep the rest and the CPU.
"""

from __future__ import annotations

import threading

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import router, transaction
from django.db.models import F, Sum

# The user name under which attempts refused unchecked are counted: for their address only. Django's user
# name validators allow no parentheses, so no user has this name.
UNCHECKED = "(unchecked)"


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class StabilAxesHandler(AxesDatabaseHandler):
    """The axes database handler with separate limits per user name and per address (module docstring)."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Record a failed guess; an attempt refused as busy counts for its address only (module docstring)."""
        if request is not None and getattr(request, "stabil_login_busy", False):
            self._record_unchecked(request)
            return
        super().user_login_failed(sender, credentials, request=request, **kwargs)

    @staticmethod
    def _record_unchecked(request) -> None:
        ip_address = getattr(request, "axes_ip_address", None)
        if not ip_address:
            return
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
                username=UNCHECKED, ip_address=ip_address, user_agent=request.axes_user_agent,
                defaults={"get_data": "", "post_data": "", "http_accept": request.axes_http_accept,
                          "path_info": request.axes_path_info, "failures_since_start": 1,
                          "attempt_time": request.axes_attempt_time},
            )
            if not created:
                attempt.failures_since_start = F("failures_since_start") + 1
                attempt.attempt_time = request.axes_attempt_time
                attempt.save(update_fields=["failures_since_start", "attempt_time"])

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


_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _password_check_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.STABIL_LOGIN_CONCURRENCY)
        return _slots


class BoundedModelBackend(ModelBackend):
    """Django's ModelBackend, checking at most ``STABIL_LOGIN_CONCURRENCY`` passwords at once per process.

    When every slot is taken the attempt is refused without a password check: ``request.stabil_login_busy``
    is set, the log-in form says "try again in a moment", and axes does not count it (module docstring).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        slots = _password_check_slots()
        if not slots.acquire(blocking=False):
            if request is not None:
                request.stabil_login_busy = True
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        finally:
            slots.release()
