"""Shared pieces of the ``stabil`` command line: the command registry, errors and argument types.

Each area contributes commands from ``stabil/<app>/cli.py`` through ``register(registry)``:

    registry.command("allocate", help=..., configure=lambda p: ..., run=lambda args: 0)
    registry.report("deadlines", help=..., configure=..., run=...)   # -> `stabil report deadlines`

``run`` returns the exit code. Raise ``CliError`` with a Swedish message for bad input; it is printed on
standard error as ``stabil: fel: …`` with exit code 2, never as a stack trace.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from stabil.common.parsing import date_problem, parse_iso_date


class CliError(Exception):
    """A problem the user can fix; ``str(exc)`` is a Swedish message."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    needs_db: bool = True


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    reports: dict[str, Command] = field(default_factory=dict)

    def command(self, name: str, *, help: str, configure, run, needs_db: bool = True) -> None:
        if name in self.commands:
            raise ValueError(f"command {name!r} registered twice")
        self.commands[name] = Command(name, help, configure, run, needs_db)

    def report(self, kind: str, *, help: str, configure, run) -> None:
        """Register ``stabil report KIND``. Every report gets ``--by USERNAME`` (``add_by_argument``): its
        ``run`` reads the acting user with ``acting_user(args.by)`` and scopes its rows to that user."""
        if kind in self.reports:
            raise ValueError(f"report {kind!r} registered twice")

        def configure_with_by(parser) -> None:
            configure(parser)
            add_by_argument(parser)

        self.reports[kind] = Command(kind, help, configure_with_by, run, True)


BY_HELP = ("kör som den här användaren, med dennes behörighet och enheter, och logga åtkomsten i dennes namn "
           "(utan --by: driften, hela kommunen)")


def add_by_argument(parser) -> None:
    """Add ``--by USERNAME``: run the command as that user (their capabilities and row scope)."""
    parser.add_argument("--by", metavar="ANVÄNDARNAMN", default=None, help=BY_HELP)


def acting_user(username: str | None):
    """Return the active user named by ``--by``, or None (the server operator) when not given.

    An unknown or deactivated user is refused with a Swedish message (exit 2).
    """
    # Imported here: Django is set up only when a command runs, not when the CLI registry is built.
    from stabil.accounts.selectors import active_user

    if username is None:
        return None
    user = active_user(username)
    if user is None:
        raise CliError(f"användaren '{username}' finns inte eller är inaktiverad (--by)")
    return user


def require_capability(user, capability: str, what: str) -> None:
    """Refuse (exit 2) a named user without ``capability`` (``accounts.policy``); the operator (None) passes.

    ``what`` names the page or report in Swedish, e.g. "fristrapporten".
    """
    # Imported here: accounts.policy needs Django set up, which happens only when a command runs.
    from stabil.accounts.policy import has_capability

    if user is not None and not has_capability(user, capability):
        raise CliError(f"användaren '{user.username}' ({user.get_role_display()}) har inte behörighet till {what}")


def units_in_scope(user, codes) -> list | None:
    """Return the units a named user's run covers: those of ``codes`` (all visible ones when empty).

    ``user`` None (the operator) returns None: the command resolves ``codes`` itself, over the whole
    municipality. For a user, a code outside ``accounts.policy.visible_units`` gets the same Swedish
    message as a code that does not exist, so a run does not reveal which units exist or have data.
    """
    # Imported here: accounts.policy needs Django set up, which happens only when a command runs.
    from stabil.accounts.policy import visible_units

    if user is None:
        return None
    if isinstance(codes, str):
        codes = [codes] if codes else []
    units = visible_units(user).order_by("code")
    if not codes:
        return list(units)
    found = {unit.code: unit for unit in units.filter(code__in=list(codes))}
    outside = [code for code in codes if code not in found]
    if outside:
        raise unit_outside_scope(user, outside)
    return [found[code] for code in dict.fromkeys(codes)]


def unit_outside_scope(user, codes) -> CliError:
    """Return the one error for units a named user may not name: it does not say whether they exist."""
    return CliError(f"enheten {', '.join(repr(c) for c in codes)} finns inte eller ingår inte i "
                    f"användarens '{user.username}' enheter (--unit)")


def parse_date(value: str) -> date:
    """argparse type: a date written YYYY-MM-DD."""
    day = parse_iso_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(f"ogiltigt datum: {date_problem(value)}")
    return day


def parse_range(value: str, *, low: int, high: int, what: str) -> tuple[int, int]:
    """Parse '2012-2015' or '3' into an inclusive (first, last) range within [low, high]."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", value, re.ASCII)  # ASCII digits only: int() takes "١"
    if not match:
        raise argparse.ArgumentTypeError(f"ogiltigt intervall för {what}: '{value}' (skriv t.ex. {low}-{high})")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not (low <= first <= last <= high):
        raise argparse.ArgumentTypeError(f"{what} '{value}' måste ligga mellan {low} och {high}, i stigande ordning")
    return first, last


# argparse's own texts ("usage:", "options", "show this help message and exit", its error messages) go
# through gettext (its module-level ``_`` and ``ngettext``, looked up when the text is used). Stabil's
# command line is Swedish, so argparse looks them up here: the msgids are argparse's (Python 3.11-3.13),
# an unknown one (a newer Python's) stays English rather than failing. Set once, when this module loads,
# before any parser exists (a parser's -h help text is looked up when the parser is made).
ARGPARSE_SV = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "optional arguments": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "expected one argument": "ett värde krävs",
    "expected at least one argument": "minst ett värde krävs",
    "expected at most one argument": "högst ett värde får anges",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydig flagga: %(option)s kan vara %(matches)s",
    "not allowed with argument %s": "kan inte anges tillsammans med %s",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "ignored explicit argument %r": "värdet %r används inte",
    "can't open '%(filename)s': %(error)s": "kan inte öppna '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "okänt kommando %(parser_name)r (välj bland %(choices)s)",
}
_ARGPARSE_SV_PLURAL = {"expected %s argument": ("%s värde krävs", "%s värden krävs")}


def _argparse_gettext(message: str) -> str:
    return ARGPARSE_SV.get(message, message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _ARGPARSE_SV_PLURAL:
        one, many = _ARGPARSE_SV_PLURAL[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


argparse._ = _argparse_gettext
argparse.ngettext = _argparse_ngettext


#: Placeholders in the usage and help, by argument name, where a command gives none of its own (argparse
#: would write the name in capitals: DUE_FROM, UNIT, FILE).
METAVARS_SV = {
    "app_role": "APPROLL", "database": "DATABAS", "django_args": "DJANGO-ARGUMENT", "due_from": "ÅÅÅÅ-MM-DD",
    "due_to": "ÅÅÅÅ-MM-DD", "email": "E-POST", "file": "FIL", "first_name": "FÖRNAMN", "host": "VÄRD",
    "last_name": "EFTERNAMN", "limit": "ANTAL", "months": "MÅNADER", "note": "ANTECKNING", "on": "ÅÅÅÅ-MM-DD",
    "owner_role": "ÄGARROLL", "port": "PORT", "runs": "KÖRNINGAR", "seed": "FRÖ", "unit": "ENHET",
    "username": "ANVÄNDARNAMN", "workers": "ARBETARE",
}


class SwedishArgumentParser(argparse.ArgumentParser):
    """argparse with its fixed texts in Swedish (``ARGPARSE_SV``, ``METAVARS_SV``), exiting 2 on usage errors."""

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        # A Swedish placeholder in the usage, the help and the messages ("följande argument krävs: FIL").
        if action.metavar is None and action.choices is None and action.nargs != 0 and action.dest in METAVARS_SV:
            action.metavar = METAVARS_SV[action.dest]
        return action

    def error(self, message: str):
        # The type of a date argument by its meaning, not the function's name.
        message = message.replace("ogiltigt värde (parse_date)", "ogiltigt datum")
        self.print_usage(sys.stderr)  # stdout carries only report output
        self.exit(2, f"{self.prog}: fel: {message}\n")
