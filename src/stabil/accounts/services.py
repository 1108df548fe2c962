"""Writes to users."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from stabil.organisation.models import Team, Unit

from .models import Role, User


class UserInputError(ValueError):
    """A user could not be created; the message is in Swedish and says what is wrong."""


@transaction.atomic
def user_create(
    *, by, username: str, role: str, password: str, unit_codes: list[str] = (), team_code: str | None = None,
    first_name: str = "", last_name: str = "", email: str = "", validate: bool = True,
) -> User:
    """Create a user with a role and units; raise ``UserInputError`` with a Swedish message on bad input."""
    if role not in Role.values:
        raise UserInputError(f"okänd roll '{role}'; giltiga roller: {', '.join(Role.values)}")
    if User.objects.filter(username=username).exists():
        raise UserInputError(f"användaren '{username}' finns redan")
    units = list(Unit.objects.filter(code__in=unit_codes))
    missing = sorted(set(unit_codes) - {u.code for u in units})
    if missing:
        raise UserInputError(f"okänd enhet: {', '.join(missing)}")
    team = None
    if team_code:
        team = Team.objects.filter(code=team_code).first()
        if team is None:
            raise UserInputError(f"okänt team '{team_code}'")
    user = User(username=username, role=role, team=team, first_name=first_name, last_name=last_name, email=email)
    if validate:
        try:
            validate_password(password, user)
        except Exception as exc:  # ValidationError: a list of Swedish messages
            raise UserInputError("lösenordet duger inte: " + " ".join(getattr(exc, "messages", [str(exc)]))) from exc
    user.set_password(password)
    # The system administrator enters Django's admin for users and organisation only (CapabilityAdmin);
    # nobody is a superuser, because a superuser would see every case.
    user.is_staff = role == Role.SYSADMIN
    user.save()
    user.units.set(units)
    return user
