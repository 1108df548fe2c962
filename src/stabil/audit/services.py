"""Writing the access log."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

from stabil.web.client_ip import client_ip

from .chain import append
from .models import AccessRecord
from .subjects import children_of

# A record lists at most this many ids; more are written as further records ("del 2 av 3"), so that no id
# goes unlisted (a log extract must find every access).
MAX_IDS_PER_RECORD = 2000


def record_access(*, by, action: str, what: str, objects: Iterable = (), object_type: str = "",
                  request=None, count: int | None = None, channel: str | None = None,
                  ip_address: str | None = None, path: str = "") -> AccessRecord:
    """Record that ``by`` (a user, an API integration client, or None for the command line) was shown personal data.

    ``objects`` are model instances or plain ids (case ids, staff ids); ``what`` says which page, export or
    report, in Swedish, e.g. "Ärendesida" or "Fristlista, enhet BU-UTR". ``count`` gives the number of
    records touched when they are not listed one by one (the rows of an import).

    The channel is the web when a ``request`` is given, else the command line; code that runs for a web
    user without the request (a background job, a service) passes ``channel="web"`` with the client's
    ``ip_address`` and the ``path`` instead (``web_origin`` builds them from a request).

    Records of object types registered in ``subjects.py`` (cases, children, case files) also store the ids
    of the children they cover. More than ``MAX_IDS_PER_RECORD`` ids are written as several records, each
    with its share of the ids and ``(del N av M)`` after ``what``; the last one is returned.
    """
    ids: list[str] = []
    for obj in objects:
        ids.append(str(getattr(obj, "public_id", None) or getattr(obj, "pk", obj)))
        if not object_type and hasattr(obj, "_meta"):
            object_type = obj._meta.label_lower
    parts = [ids[start:start + MAX_IDS_PER_RECORD] for start in range(0, len(ids), MAX_IDS_PER_RECORD)] or [[]]
    record = None
    for number, part in enumerate(parts, 1):
        label = what if len(parts) == 1 else f"{what[:180]} (del {number} av {len(parts)})"
        record = _append(by=by, action=action, what=label, ids=part, object_type=object_type, request=request,
                         count=len(part) if count is None else count, channel=channel, ip_address=ip_address,
                         path=path)
    return record


def _append(*, by, action, what, ids, object_type, request, count, channel, ip_address, path) -> AccessRecord:
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    # An integration client of the API (``stabil.api``): recorded under its name and key id, channel api.
    client_label = getattr(by, "access_log_label", None) if user is None and by is not None else None
    ip = ip_address
    path = path[:500]
    if request is not None:
        ip = client_ip(request)
        path = request.get_full_path()[:500]
        channel = AccessRecord.Channel.WEB
    if client_label is not None:
        channel = AccessRecord.Channel.API
    if channel not in AccessRecord.Channel.values:
        channel = AccessRecord.Channel.CLI
    # One append to the hash chain (chain.py): on PostgreSQL one statement, on SQLite one more small one.
    return append(connections[DEFAULT_DB_ALIAS], dict(
        user_id=user.pk if user else None,
        username=user.get_username() if user else (client_label[:150] if client_label else "(kommandorad)"),
        role=getattr(user, "role", "") if user else ("api" if client_label else ""),
        channel=channel,
        action=action,
        what=what[:200],
        object_type=object_type[:64],
        object_ids=ids,
        object_count=count,
        path=path,
        ip_address=ip,
        child_ids=children_of(object_type, ids),
    ))


def web_origin(request) -> dict:
    """The channel, client address and path of a web request, as keywords for ``record_access``.

    Plain values, so that they can be stored in a job's params and passed on by its runner.
    """
    return {"channel": AccessRecord.Channel.WEB.value, "ip_address": client_ip(request),
            "path": request.get_full_path()[:500]}
