"""Progress for long work, on standard error in the terminal and as a callback for web jobs."""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


class Progress:
    """Report progress of ``total`` steps: a line on ``stream`` at most every ``interval`` seconds.

    ``on_update(fraction, message)`` is called at the same moments, so a background task can store its
    progress for the web page's progress bar.
    """

    def __init__(self, total: int | None, label: str, *, stream: TextIO | None = None, interval: float = 1.0,
                 on_update: Callable[[float, str], None] | None = None, quiet: bool = False):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.on_update = on_update
        self.quiet = quiet
        self.done_steps = 0
        self.started = time.monotonic()
        self._last = 0.0

    def advance(self, steps: int = 1, message: str = "") -> None:
        self.done_steps += steps
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._emit(message)

    def _emit(self, message: str = "", final: bool = False) -> None:
        fraction = (self.done_steps / self.total) if self.total else (1.0 if final else 0.0)
        fraction = min(1.0, fraction)
        if self.on_update:
            self.on_update(fraction, message or self.label)
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        if self.total:
            text = f"{self.label}: {self.done_steps:,}/{self.total:,} ({fraction:.0%}) {elapsed:.1f} s"
        else:
            text = f"{self.label}: {self.done_steps:,} {elapsed:.1f} s"
        self.stream.write(text.replace(",", "\u00a0") + (f" – {message}" if message else "") + "\n")
        self.stream.flush()

    def finish(self, message: str = "") -> None:
        if self.total:
            self.done_steps = self.total
        self._emit(message or "klart", final=True)


def notice(message: str, stream: TextIO | None = None) -> None:
    """Write a notice for the user on standard error."""
    stream = stream if stream is not None else sys.stderr
    stream.write(message + "\n")
    stream.flush()
