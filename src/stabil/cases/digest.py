"""The daily deadline digest: one e-mail per caseworker and manager with what falls due soon or is overdue.

Sent through Django's mail backend (the console in the demo). A user switches it off on the
deadline page (``User.digest_enabled``). Each user gets only the cases the access policy lets them
see, and each e-mail is recorded in the access log.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from stabil.accounts.policy import has_capability, scope_cases
from stabil.accounts.selectors import digest_subscribers
from stabil.audit.services import record_access

from .models import Case
from .selectors import ListedDeadline, deadline_config, deadline_list


def digest_for(user, on: dt.date) -> list[ListedDeadline]:
    """Return the overdue deadlines and those due within the warning horizon that ``user`` may see."""
    cases = scope_cases(user, Case.objects.all())
    rows, _total = deadline_list(cases, on, horizon_working_days=deadline_config().warning_working_days, limit=200)
    return rows


def digest_text(user, on: dt.date, rows: list[ListedDeadline], total: int | None = None) -> tuple[str, str]:
    """Return (subject, body) of a digest e-mail, in Swedish."""
    overdue = [r for r in rows if r.overdue]
    soon = [r for r in rows if not r.overdue]
    subject = _("Stabil: %(overdue)s försenade och %(soon)s snart förfallande frister %(day)s") % {
        "overdue": len(overdue), "soon": len(soon), "day": on.isoformat()}
    base = getattr(settings, "STABIL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    lines = [_("Hej %(name)s,") % {"name": user.get_full_name() or user.get_username()}, ""]
    for title, items in ((_("Försenade"), overdue), (_("Förfaller snart"), soon)):
        if not items:
            continue
        lines.append(f"{title} ({len(items)}):")
        for item in items:
            d = item.row.deadline
            when = (_("%(days)s dagar sen") % {"days": -item.days_left}) if item.overdue else (
                _("om %(days)s arbetsdagar") % {"days": item.working_days_left})
            lines.append(f"  {item.row.case_id}  {item.row.kind_label}  {d.due_on.isoformat()}  ({when})")
        lines.append("")
    lines.append(_("Fristlistan: %(url)s") % {"url": f"{base}/arenden/"})
    lines.append(_("Du kan stänga av sammanställningen på fristlistan."))
    return str(subject), "\n".join(lines) + "\n"


def send_digests(*, on: dt.date, dry_run: bool = False, stream: TextIO | None = None) -> int:
    """Send each opted-in user with case access and an e-mail address their digest; return how many."""
    sent = 0
    for user in digest_subscribers():
        if not has_capability(user, "cases.view"):
            continue
        rows = digest_for(user, on)
        if not rows:
            continue
        subject, body = digest_text(user, on, rows)
        if stream is not None:
            stream.write(f"{user.get_username()}: {len(rows)} frister\n")
        if dry_run:
            sent += 1
            continue
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        record_access(by=None, action="export", what=f"Fristsammanställning till {user.get_username()}",
                      objects=sorted({r.row.case_id for r in rows}), object_type="cases.case")
        sent += 1
    return sent
