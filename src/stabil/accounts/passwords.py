"""Password validation: Swedish common passwords and word-plus-number patterns.

Django's ``CommonPasswordValidator`` knows 20,000 common passwords, mostly English. Swedish users pick
"Sommar2026", "Hösten2025!", "Stockholm1" or "Lösenord1": a common Swedish word (season, month, weekday,
place, first name, the word for password) with digits or signs around it. ``SwedishCommonPasswordValidator``
refuses a password that, once lower-cased, with å/ä/ö folded to a/a/o and common letter-for-digit swaps
undone (``S0mmar`` → ``sommar``), is a word of ``passwords_sv.txt`` on its own or with only digits and
signs before or after it, and a password that is only a month or season and a year. The published demo
password is in the list. ``AUTH_PASSWORD_VALIDATORS`` in the settings uses it in every environment; the
demo municipality creates its users without validation (``user_create(..., validate=False)``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORD_LIST = Path(__file__).resolve().parent / "passwords_sv.txt"

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
# Letters written as digits or signs; applied only to the word left after the surrounding digits are removed.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e"})
# Digits, signs and spaces around the word: "2026", "!", "-2026", "123!".
_AROUND = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")


def _fold(text: str) -> str:
    return text.strip().lower().translate(_FOLD)


@cache
def _words() -> frozenset[str]:
    lines = WORD_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line) for line in lines if line.strip() and not line.startswith("#"))


def is_common_swedish(password: str) -> bool:
    """Whether ``password`` is a listed Swedish word or password, alone or with digits and signs around it."""
    words = _words()
    folded = _fold(password)
    if folded in words:
        return True
    stem = _AROUND.match(folded).group(1)
    return bool(stem) and (stem in words or stem.translate(_LEET) in words)


class SwedishCommonPasswordValidator:
    """Refuse common Swedish passwords and word-plus-number patterns (see the module docstring)."""

    def validate(self, password: str, user=None) -> None:
        if is_common_swedish(password):
            raise ValidationError(
                _("Lösenordet är för vanligt: ett vanligt ord (som en årstid, en månad, en ort eller ett namn) "
                  "med siffror eller tecken före eller efter är lätt att gissa."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Lösenordet får inte vara ett vanligt svenskt ord, som en årstid, en månad eller en ort, "
                 "med siffror efter.")
