"""`stabil createuser`: create a user with a role and units from the command line."""

from __future__ import annotations

import os
import secrets

from stabil.common.cli import CliError

from .models import Role
from .services import UserInputError, user_create


def _configure(parser) -> None:
    parser.add_argument("username", help="användarnamn")
    parser.add_argument("--role", required=True, choices=Role.values, help="roll")
    parser.add_argument("--unit", action="append", default=[], metavar="KOD", help="enhetskod (kan upprepas)")
    parser.add_argument("--team", metavar="KOD", help="teamkod")
    parser.add_argument("--first-name", default="")
    parser.add_argument("--last-name", default="")
    parser.add_argument("--email", default="")
    parser.add_argument(
        "--password-env", metavar="VAR",
        help="läs lösenordet från miljövariabeln VAR (annars skapas ett slumpat lösenord som skrivs ut)",
    )


def _run(args) -> int:
    if args.password_env:
        password = os.environ.get(args.password_env, "")
        if not password:
            raise CliError(f"miljövariabeln {args.password_env} är tom eller saknas")
        generated = False
    else:
        password, generated = secrets.token_urlsafe(12), True
    try:
        user = user_create(
            by=None, username=args.username, role=args.role, password=password, unit_codes=args.unit,
            team_code=args.team, first_name=args.first_name, last_name=args.last_name, email=args.email,
        )
    except UserInputError as exc:
        raise CliError(str(exc)) from exc
    print(f"Användaren {user.username} skapades med rollen {user.get_role_display()}.")
    if generated:
        print(f"Lösenord: {password}")
    return 0


def register(registry) -> None:
    registry.command("createuser", help="skapa en användare med roll och enheter", configure=_configure, run=_run)
