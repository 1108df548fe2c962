"""Passwords: Swedish common passwords refused, and Argon2 hashed at low CPU priority.

**Validation.**
Django's ``CommonPasswordValidator`` knows 20,000 common passwords, mostly English. Swedish users pick
"Sommar2026", "Hösten2025!", "Stockholm1" or "Lösenord1": a common Swedish word (season, month, weekday,
place, first name, the word for password) with digits or signs around it. ``SwedishCommonPasswordValidator``
refuses a password that, once lower-cased, with å/ä/ö folded to a/a/o and common letter-for-digit swaps
undone (``S0mmar`` → ``sommar``), is a word of ``passwords_sv.txt`` on its own or with only digits and
signs before or after it, and a password that is only a month or season and a year. The published demo
password is in the list. ``AUTH_PASSWORD_VALIDATORS`` in the settings uses it in every environment; the
demo municipality creates its users without validation (``user_create(..., validate=False)``).

**Hashing.** An Argon2 hash (Django's parameters: 100 MiB, 2 passes, 8 lanes) costs about 0.18 s of CPU
spread over both cores of a small server. Every failed log-in pays it, so a flood of failed log-ins took the
CPU from logged-in users. ``LowPriorityArgon2PasswordHasher`` is Django's Argon2 hasher, with the same
parameters and the same stored format, that runs each hash on one thread per process with the lowest CPU
priority (nice 19; on Linux a thread's priority is its own, and Argon2's lane threads inherit it): pages of
logged-in users go first, hashing gets the CPU they leave. How many log-ins may wait for it is bounded by
``stabil.accounts.throttle.BoundedModelBackend``.
"""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from django.contrib.auth.hashers import Argon2PasswordHasher
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


# --- hashing at low priority -------------------------------------------------------------------------

_executor_lock = threading.Lock()
_executor: tuple[int, ThreadPoolExecutor] | None = None


def _lower_own_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass  # no per-thread priority on this system: hash at normal priority


def _hashing_executor() -> ThreadPoolExecutor:
    """The process's one low-priority hashing thread (a new one after a fork, e.g. in a gunicorn worker)."""
    global _executor
    with _executor_lock:
        if _executor is None or _executor[0] != os.getpid():
            _executor = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="stabil-hash",
                                                          initializer=_lower_own_priority))
        return _executor[1]


class LowPriorityArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (same parameters and format) hashing on a low-priority thread."""

    def encode(self, password, salt):
        return _hashing_executor().submit(super().encode, password, salt).result()

    def verify(self, password, encoded):
        return _hashing_executor().submit(super().verify, password, encoded).result()
