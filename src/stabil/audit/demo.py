"""The demo's access history: last month's reads of cases by the demo users (issue 15).

A freshly built demo has an access log that starts today, so the data-protection officer's monthly follow-up
(``stabil.records.demo``) and the log extracts would have nothing to show. This step writes the reads the demo
users would have made last month: the caseworker, the team lead and the unit manager reading cases they may
see on working days in working hours, a few evening reads, and the department head reading cases of another
unit of his department (which the follow-up selects as "outside the reader's unit").

The records are appended to the hash chain like any other (``chain.append``, with a time last month and the
children behind the cases), after the few records the build itself wrote today: in the demo's log, sequence
order is not time order for those first records. Every read is one the access policy allows the user
(``accounts.policy.scope_cases``), and the same seed gives the same history.
"""

from __future__ import annotations

import datetime as dt

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from stabil.accounts.policy import scope_cases
from stabil.cases import selectors as cases_selectors
from stabil.core import calendar

from .chain import append
from .models import AccessRecord
from .subjects import children_of

# username -> (reads last month, of which in the evening): a caseworker reads her cases most days.
READERS = {"handlaggare": (40, 2), "arbetsledare": (24, 1), "enhetschef": (14, 0)}
# The department head's reads of another unit's cases (selected by the follow-up).
DEPARTMENT_HEAD, OTHER_UNIT_READS = "avdelningschef", 3
# A demo client address (the municipality's network, RFC 1918).
DEMO_ADDRESS = "10.20.30.40"


def _moments(ctx, month: dt.date, count: int, evenings: int) -> list[dt.datetime]:
    days = [day for day in (month + dt.timedelta(days=n) for n in range(31))
            if day.month == month.month and calendar.is_working_day(day)]
    tz = timezone.get_current_timezone()
    moments = []
    for number in range(count):
        day = ctx.rng.choice(days)
        hour = ctx.rng.choice([19, 20, 21]) if number < evenings else ctx.rng.randint(8, 16)
        minute, second = ctx.rng.randint(0, 59), ctx.rng.randint(0, 59)
        moments.append(dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=tz))
    return moments


def _read(user, case_id: str, at: dt.datetime) -> None:
    ids = [case_id]
    append(connections[DEFAULT_DB_ALIAS], {
        "at": at, "user_id": user.pk, "username": user.get_username(), "role": user.role,
        "channel": AccessRecord.Channel.WEB, "action": "view", "what": f"Ärendesida {case_id}",
        "object_type": "cases.case", "object_ids": ids, "object_count": 1, "path": f"/arenden/arende/{case_id}/",
        "ip_address": DEMO_ADDRESS, "child_ids": children_of("cases.case", ids)})


def build(ctx) -> None:
    month = calendar.month_start(ctx.today, -1)
    reads: list[tuple[dt.datetime, object, str]] = []
    for username, (count, evenings) in READERS.items():
        user = ctx.users.get(username)
        if user is None:
            continue
        case_ids = sorted(scope_cases(user, cases_selectors.cases()).values_list("case_id", flat=True))
        if case_ids:
            reads += [(at, user, ctx.rng.choice(case_ids)) for at in _moments(ctx, month, count, evenings)]
    head = ctx.users.get(DEPARTMENT_HEAD)
    if head is not None:
        own = head.units.all()
        others = sorted(scope_cases(head, cases_selectors.cases()).exclude(unit__in=own)
                        .values_list("case_id", flat=True))
        if others:
            reads += [(at, head, ctx.rng.choice(others)) for at in _moments(ctx, month, OTHER_UNIT_READS, 0)]
    for at, user, case_id in sorted(reads, key=lambda read: read[0]):
        _read(user, case_id, at)
    ctx.progress(f"åtkomstloggen: {len(reads)} läsningar under {month:%Y-%m}")
