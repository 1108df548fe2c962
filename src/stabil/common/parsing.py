"""Parsing of user input shared by the command line, the import files and forms.

The bounds here are the import contract (docs/cli.md, "What a file may contain"):

- dates are strict ``YYYY-MM-DD`` in ASCII digits, years ``MIN_YEAR``-``MAX_YEAR``;
- numbers are plain decimals in ASCII digits (``12``, ``-0,5``, ``1.25``): an optional sign, at most
  ``MAX_NUMBER_DIGITS`` digits, one decimal comma or point, no exponent, no infinity, no NaN;
- ids (case, child, staff, unit, team, knowledge area) are 1-64 characters of ``A-Z a-z 0-9 Å Ä Ö å ä ö``
  and ``_ . -``, beginning with a letter or digit, so that every id works in a URL and in ``reverse``;
- text never holds control characters other than tab and line breaks.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from stabil.core.events import ID_MAX_LENGTH, MAX_YEAR, MIN_YEAR, id_code, iso_date

MAX_NUMBER_DIGITS = 18
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$", re.ASCII)

ID_CHARACTERS = "A-Z a-z 0-9 Å Ä Ö å ä ö _ . -"

# C0 controls (but tab, line feed and carriage return), DEL and the C1 controls; also the Unicode line and
# paragraph separators and the byte-order mark inside text, which no cell of Stabil's files needs.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def parse_iso_date(text: str) -> dt.date | None:
    """Return the date of a strict YYYY-MM-DD string, or None (``date_problem`` says why).

    ASCII digits only (``date.fromisoformat`` also takes 20261124, and ``\\d`` matches Arabic digits), and a
    year between ``MIN_YEAR`` and ``MAX_YEAR``.
    """
    return _check_iso_date(text)[0]


def date_problem(text: str) -> str | None:
    """Return a Swedish message when ``text`` is no date ``parse_iso_date`` accepts, else None.

    A text of the wrong form, a well-formed day that is not in the calendar (``2026-02-30``) and a year
    outside ``MIN_YEAR``-``MAX_YEAR`` each get their own message.
    """
    return _check_iso_date(text)[1]


def _check_iso_date(text: str) -> tuple[dt.date | None, str | None]:
    day, why = iso_date(text)  # the one date rule (stabil.core.events), worded here
    if why == "form":
        return None, _("'%(text)s' är inte ett datum på formen ÅÅÅÅ-MM-DD") % {"text": text}
    if why == "no_such_day":
        return None, _("datumet %(date)s finns inte") % {"date": text}
    if why == "year":
        return None, _("datumet %(date)s är orimligt (år %(low)d–%(high)d)") % {"date": text, "low": MIN_YEAR,
                                                                            "high": MAX_YEAR}
    return day, None


def parse_decimal(text: str) -> Decimal | None:
    """Return the number of a plain decimal string (``-12``, ``0,5``, ``1.25``), or None.

    Only ASCII digits, at most ``MAX_NUMBER_DIGITS`` of them, a decimal comma or point, no exponent: so
    ``1e1000000``, ``Infinity``, ``١`` and ``１`` are not numbers, and every accepted value fits the database.
    """
    if len(text) > MAX_NUMBER_DIGITS + 2 or not _NUMBER.match(text):
        return None
    if sum(ch.isdigit() for ch in text) > MAX_NUMBER_DIGITS:
        return None
    return Decimal(text.replace(",", "."))


def id_problem(value: str, *, max_length: int = ID_MAX_LENGTH) -> str | None:
    """Return a Swedish message when ``value`` is not a valid id (see the module docstring), else None.

    The one rule for every id an import file or form brings in: case, child, staff, unit, team and
    knowledge-area codes. An empty value is the caller's business (required or not).
    """
    why = id_code(value, max_length)  # the one id rule (stabil.core.events), worded here
    if why == "too_long":
        return f"längre än {max_length} tecken"
    if why == "characters":
        return (f"'{value}' är inget giltigt id: använd bara {ID_CHARACTERS}, och börja med en bokstav eller "
                "siffra")
    return None


def control_character(text: str) -> str | None:
    """Return the first forbidden control character of ``text`` as ``U+XXXX``, or None."""
    match = _CONTROL.search(text)
    return f"U+{ord(match.group()):04X}" if match else None
