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
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

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
        if kind in self.reports:
            raise ValueError(f"report {kind!r} registered twice")
        self.reports[kind] = Command(kind, help, configure, run, True)


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


class SwedishArgumentParser(argparse.ArgumentParser):
    """argparse with its fixed messages in Swedish, exiting 2 on usage errors."""

    def error(self, message: str):
        replacements = {
            "the following arguments are required": "följande argument krävs",
            "unrecognized arguments": "okända argument",
            "invalid choice": "ogiltigt val",
            "choose from": "välj bland",
            "expected one argument": "ett värde krävs",
            "argument ": "argument ",
            "invalid parse_date value": "ogiltigt datum",
        }
        for english, swedish in replacements.items():
            message = message.replace(english, swedish)
        self.print_usage(sys.stderr)  # stdout carries only report output
        self.exit(2, f"{self.prog}: fel: {message}\n")
