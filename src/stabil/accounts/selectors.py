"""Reads of users for the system administrator's pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from stabil.organisation.selectors import teams

from .models import Role, User


def users_list() -> QuerySet[User]:
    """Every user, by user name, with units and team ready to show."""
    return User.objects.select_related("team").prefetch_related("units").order_by("username")


def active_user(username: str) -> User | None:
    """Return the active user with this user name, or None (unknown or deactivated)."""
    return User.objects.filter(username=username, is_active=True).first()


def digest_subscribers() -> QuerySet[User]:
    """The active users with an e-mail address who have not switched the daily deadline digest off, by name."""
    return User.objects.filter(is_active=True, digest_enabled=True).exclude(email="").order_by("username")


def unit_manager_emails(unit_ids) -> list[str]:
    """The e-mail addresses of the active unit managers of these units (a feed's contact, issue 14), sorted."""
    found = (User.objects.filter(is_active=True, role=Role.UNIT_MANAGER, units__pk__in=list(unit_ids))
             .exclude(email="").values_list("email", flat=True).distinct())
    return sorted(set(found))


def role_label(role: str) -> str:
    """The role's name, or the stored value for a role that no longer exists (or none: the command line)."""
    return str(Role(role).label) if role in Role.values else role


def is_archivist(role: str) -> bool:
    return role == Role.ARCHIVIST


def is_caseworker(user) -> bool:
    """Return whether ``user`` is a caseworker (who lands on her own cases)."""
    return getattr(user, "role", None) == Role.CASEWORKER


def is_department_head(user) -> bool:
    """Return whether ``user`` is a department head (who lands on his units side by side)."""
    return getattr(user, "role", None) == Role.DEPARTMENT_HEAD


@dataclass
class HistoryEntry:
    at: object
    actor: str
    action: str
    changes: list[str] = field(default_factory=list)


def _labels() -> dict[str, str]:
    return {"role": _("roll"), "units": _("enheter"), "team": _("team"), "is_active": _("aktivt konto"),
            "first_name": _("förnamn"), "last_name": _("efternamn"), "email": _("e-post"),
            "username": _("användarnamn"), "password": _("lösenord"), "digest_enabled": _("daglig sammanställning"),
            "sso_subject": _("id i kommunens inloggning")}


def _sign_in_methods() -> dict[str, str]:
    # How a log-in was completed (accounts/mfa.log_sign_in).
    return {"password+totp": _("lösenord och kod från app"),
            "password+recovery_code": _("lösenord och återställningskod"),
            "password+totp_enrolment": _("lösenord och ny tvåstegsverifiering"),
            "oidc": _("kommunens konto")}


# Always false (User.save) or set by Django itself: noise in a user's history.
_NOT_SHOWN = {"is_staff", "is_superuser", "date_joined", "id"}


def _value(name: str, value) -> str:
    if value in (None, "None", ""):
        return "—"
    if name == "role":
        return str(dict(Role.choices).get(value, value))
    if name == "team":
        team = teams().filter(pk=value).first()  # the change log keeps the team's key
        return team.code if team else str(value)
    if name == "is_active":
        return _("ja") if value in ("True", True) else _("nej")
    return str(value)


def user_history(user: User) -> list[HistoryEntry]:
    """The change log of ``user``, newest first: who changed what and when.

    Role, units, team and the active flag are shown with their old and new values; other fields by name
    only, and a password never with a value.
    """
    labels = _labels()
    actions = {LogEntry.Action.CREATE: _("skapad"), LogEntry.Action.UPDATE: _("ändrad"),
               LogEntry.Action.DELETE: _("borttagen"), LogEntry.Action.ACCESS: _("inloggad")}
    methods = _sign_in_methods()
    entries = []
    for entry in LogEntry.objects.get_for_object(user).select_related("actor").order_by("-timestamp", "-pk"):
        changes = []
        for name, change in sorted((entry.changes_dict or {}).items()):
            if name in _NOT_SHOWN:
                continue
            label = labels.get(name, name)
            if name == "units" and isinstance(change, dict):
                objects = ", ".join(change.get("objects", []))
                verb = _("tillagda") if change.get("operation") == "add" else _("borttagna")
                changes.append(f"{label} {verb}: {objects}")
            elif name in ("role", "team", "is_active") and isinstance(change, list) and len(change) == 2:
                changes.append(f"{label}: {_value(name, change[0])} → {_value(name, change[1])}")
            elif name == "password":
                changes.append(_("lösenordet byttes"))
            elif name == "sso_subject" and isinstance(change, list) and len(change) == 2:
                changes.append(f"{label}: {_value(name, change[0])} → {_value(name, change[1])}")
            elif name == "sign_in" and isinstance(change, list) and len(change) == 2:
                changes.append(methods.get(change[1], change[1]))
            elif name == "mfa":
                changes.append(_("tvåstegsverifiering aktiverad"))
            elif name == "mfa_recovery_codes":
                changes.append(_("nya återställningskoder"))
            else:
                changes.append(label)
        if entry.actor:
            actor = entry.actor.username
        elif (entry.additional_data or {}).get("source") == "oidc":
            actor = _("kommunens inloggning")  # roles or units mapped from the IdP's claims (accounts/sso.py)
        else:
            actor = _("kommandorad")
        entries.append(HistoryEntry(at=entry.timestamp, actor=actor,
                                    action=actions.get(entry.action, ""), changes=changes))
    return entries


def homes_of(usernames) -> dict[str, tuple[int | None, frozenset[int]]]:
    """User name -> (team id, ids of the user's own units), for the log follow-up (issue 15)."""
    homes: dict[str, tuple[int | None, frozenset[int]]] = {}
    users = User.objects.filter(username__in=list(set(usernames))).prefetch_related("units")
    for user in users:
        homes[user.username] = (user.team_id, frozenset(unit.pk for unit in user.units.all()))
    return homes
