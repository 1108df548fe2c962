"""Writes to users: create them, change their role, units, team and active flag, set their password.

The rules live here, so the pages (``views.py``) and the command line (``cli.py``) apply the same ones:

- only a user with ``accounts.manage`` (the system administrator) changes users; ``by=None`` is the
  command line, run by whoever operates the server;
- **nobody changes their own role, units, team or active flag** (``SelfChangeRefused``): a right is always
  granted by someone else. The sysadmin role may be given to another person — it opens no case or staff
  data — so that two administrators can deactivate each other;
- a user's team belongs to one of the user's units; a closed unit or team is not newly assigned;
- nobody is staff or superuser (``User.save``);
- every change is in the change log (django-auditlog; ``apps.py`` registers the units as an m2m field),
  attributed to ``by``; a new password is logged as a change without any value.
"""

from __future__ import annotations

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from stabil.organisation import selectors as organisation

from .models import Role, User
from .policy import check_capability

# The fields that decide what a user may see and do; nobody changes their own.
RIGHTS_FIELDS = ("role", "units", "team", "is_active")

_UNCHANGED = object()


class UserInputError(ValueError):
    """A user could not be created or changed; the message is in Swedish and says what is wrong."""


class SelfChangeRefused(UserInputError):
    """Someone tried to change their own role, units, team or active flag."""


@contextmanager
def changes_by(by):
    """Attribute the change-log entries written inside the block to ``by``.

    In a web request AuditlogMiddleware has already set the request's user; the command line and direct
    calls have no actor until this sets one. auditlog's ``set_actor`` does not restore the context around
    it when it ends (the middleware's, in a request), so that one is put back here by hand.
    """
    if by is None:
        yield
        return
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    try:
        with set_actor(by):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def _units(unit_codes, *, keep=()) -> list:
    codes = list(dict.fromkeys(c.strip() for c in unit_codes if c and c.strip()))
    units = list(organisation.units().filter(code__in=codes))
    missing = sorted(set(codes) - {u.code for u in units})
    if missing:
        raise UserInputError(_("okänd enhet: %(codes)s") % {"codes": ", ".join(missing)})
    closed = sorted(u.code for u in units if not u.active and u not in keep)
    if closed:
        raise UserInputError(_("enheten är stängd och kan inte tilldelas: %(codes)s") % {"codes": ", ".join(closed)})
    return units


def _team(team_code, units, *, keep=None):
    if not team_code:
        return None
    team = organisation.teams().select_related("unit").filter(code=team_code).first()
    if team is None:
        raise UserInputError(_("okänt team '%(code)s'") % {"code": team_code})
    if not team.active and team != keep:
        raise UserInputError(_("teamet %(code)s är stängt och kan inte tilldelas") % {"code": team.code})
    if team.unit not in units:
        raise UserInputError(_("teamet %(team)s hör till enheten %(unit)s, som inte är vald för användaren")
                             % {"team": team.code, "unit": team.unit.code})
    return team


def _sso_subject(value, *, user: User | None = None) -> str | None:
    """The claim value that opens this account at a log-in through the IdP (``sso.py``); '' or None is none."""
    value = (value or "").strip() or None
    if value is None:
        return None
    if len(value) > 255:
        raise UserInputError(_("id:t i kommunens inloggning får vara högst 255 tecken"))
    taken = User.objects.filter(sso_subject=value)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise UserInputError(_("id:t i kommunens inloggning används redan av ett annat konto"))
    return value


def _validated(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserInputError(_("lösenordet duger inte: %(reasons)s") % {"reasons": " ".join(exc.messages)}) from exc


@transaction.atomic
def user_create(
    *, by, username: str, role: str, password: str, unit_codes: list[str] = (), team_code: str | None = None,
    first_name: str = "", last_name: str = "", email: str = "", is_active: bool = True, validate: bool = True,
    sso_subject: str | None = None,
) -> User:
    """Create a user with a role, units and team; raise ``UserInputError`` with a Swedish message on bad input.

    ``sso_subject`` links the account to the person's identity at the municipality's IdP. An empty
    ``password`` (only when local log-in is off) leaves the account without a usable password.
    """
    check_capability(by, "accounts.manage")
    if role not in Role.values:
        raise UserInputError(_("okänd roll '%(role)s'; giltiga roller: %(roles)s")
                             % {"role": role, "roles": ", ".join(Role.values)})
    username = (username or "").strip()
    if not username:
        raise UserInputError(_("användarnamnet saknas"))
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise UserInputError(_("ogiltigt användarnamn '%(name)s': %(reason)s")
                             % {"name": username, "reason": " ".join(exc.messages)}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise UserInputError(_("användaren '%(name)s' finns redan") % {"name": username})
    units = _units(unit_codes)
    team = _team(team_code, units)
    user = User(username=username, role=role, team=team, first_name=first_name, last_name=last_name, email=email,
                is_active=is_active, sso_subject=_sso_subject(sso_subject))
    if not password and not settings.STABIL_LOCAL_LOGIN:
        user.set_unusable_password()  # nobody logs in with a password here; the IdP is the way in
    else:
        if validate:
            _validated(password, user)
        user.set_password(password)
    with changes_by(by):
        user.save()
        user.units.set(units)
    return user


@transaction.atomic
def user_update(*, by, user: User, role=_UNCHANGED, unit_codes=_UNCHANGED, team_code=_UNCHANGED,
                is_active=_UNCHANGED, first_name=_UNCHANGED, last_name=_UNCHANGED, email=_UNCHANGED,
                sso_subject=_UNCHANGED) -> User:
    """Change a user's role, units, team, active flag or name; arguments left out stay as they are.

    Raises ``SelfChangeRefused`` when ``by`` changes their own role, units, team or active flag, and
    ``UserInputError`` for bad input.
    """
    check_capability(by, "accounts.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    current_units = list(user.units.all())
    new_role = user.role if role is _UNCHANGED else role
    if new_role not in Role.values:
        raise UserInputError(_("okänd roll '%(role)s'; giltiga roller: %(roles)s")
                             % {"role": new_role, "roles": ", ".join(Role.values)})
    new_units = current_units if unit_codes is _UNCHANGED else _units(unit_codes, keep=current_units)
    if team_code is _UNCHANGED:
        new_team = user.team
        if new_team is not None and new_team.unit not in new_units:
            raise UserInputError(_("teamet %(team)s hör till enheten %(unit)s, som inte är vald för användaren")
                                 % {"team": new_team.code, "unit": new_team.unit.code})
    else:
        new_team = _team(team_code, new_units, keep=user.team)
    new_active = user.is_active if is_active is _UNCHANGED else bool(is_active)
    changed = {
        "role": new_role != user.role,
        "units": {u.pk for u in new_units} != {u.pk for u in current_units},
        "team": (new_team.pk if new_team else None) != user.team_id,
        "is_active": new_active != user.is_active,
    }
    if by is not None and by.pk == user.pk and any(changed.values()):
        raise SelfChangeRefused(_("Du kan inte ändra din egen roll, dina enheter, ditt team eller om ditt konto "
                                  "är aktivt. Be en annan systemadministratör."))
    user.role, user.team, user.is_active = new_role, new_team, new_active
    for field, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if value is not _UNCHANGED:
            setattr(user, field, value)
    if sso_subject is not _UNCHANGED:
        user.sso_subject = _sso_subject(sso_subject, user=user)
    with changes_by(by):
        user.save()
        if changed["units"]:
            user.units.set(new_units)
    return user


@transaction.atomic
def user_set_password(*, by, user: User, password: str) -> User:
    """Set ``user``'s password (validated by Django's password validators); logged without any value."""
    check_capability(by, "accounts.manage")
    _validated(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    with changes_by(by):
        # The password field is left out of the change log (apps.py); the change itself is recorded.
        LogEntry.objects.log_create(user, force_log=True, action=LogEntry.Action.UPDATE,
                                    changes={"password": ["***", "***"]})
    return user
