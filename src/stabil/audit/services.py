"""Writing the access log."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

from stabil.web.client_ip import client_ip

from .chain import append
from .models import AccessRecord

# The ids of at most this many objects are kept per record; the count is always exact.
MAX_IDS_PER_RECORD = 2000


def record_access(*, by, action: str, what: str, objects: Iterable = (), object_type: str = "",
                  request=None, count: int | None = None) -> AccessRecord:
    """Record that ``by`` (a user, or None for the command line) was shown personal data.

    ``objects`` are model instances or plain ids (case ids, staff ids); ``what`` says which page, export or
    report, in Swedish, e.g. "Ärendesida" or "Fristlista, enhet BU-UTR". ``count`` gives the number of
    records touched when they are not listed one by one (the rows of an import).
    """
    ids: list[str] = []
    listed = 0
    for obj in objects:
        listed += 1
        if len(ids) < MAX_IDS_PER_RECORD:
            ids.append(str(getattr(obj, "public_id", None) or getattr(obj, "pk", obj)))
        if not object_type and hasattr(obj, "_meta"):
            object_type = obj._meta.label_lower
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    ip = None
    path = ""
    if request is not None:
        ip = client_ip(request)
        path = request.get_full_path()[:500]
    # One append to the hash chain (chain.py): on PostgreSQL one statement, on SQLite one more small one.
    return append(connections[DEFAULT_DB_ALIAS], dict(
        user_id=user.pk if user else None,
        username=user.get_username() if user else "(kommandorad)",
        role=getattr(user, "role", "") if user else "",
        channel=AccessRecord.Channel.WEB if request is not None else AccessRecord.Channel.CLI,
        action=action,
        what=what[:200],
        object_type=object_type[:64],
        object_ids=ids,
        object_count=listed if count is None else count,
        path=path,
        ip_address=ip,
    ))
