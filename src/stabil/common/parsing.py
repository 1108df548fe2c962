"""Parsing of user input shared by the command line, the import files and forms."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(text: str) -> dt.date | None:
    """Return the date of a strict YYYY-MM-DD string, or None (``date.fromisoformat`` also takes 20261124)."""
    if len(text) != 10 or not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
