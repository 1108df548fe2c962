"""Why a deadline falls due when it does ("Varför" on the case page), as parts: codes and values.

``core.caseflow`` explains each deadline with a tuple of :class:`Part` (a text code and its values: dates,
day counts, an intervention kind, or another part). :class:`Explanation` carries the parts and reads as
the Swedish text (``str()``, ``in``, ``==``, as ``Deadline.why`` was read before), so that the web edge
(``stabil.cases.explanations``) renders the same parts in the reader's language (issue 13).

The texts are Swedish msgids of the translation catalogue: ``gettext_noop`` is a no-op here (core imports
no Django), but ``makemessages`` finds the marker and the edge translates them with ``gettext``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import NamedTuple

from stabil.core.i18n import gettext_noop

TEXTS = {
    "protection_same_day": gettext_noop("Anmälan %(report)s; skyddsbedömning genast, senast %(raw)s%(moved)s."),
    "protection_next_day": gettext_noop(
        "Anmälan %(report)s; skyddsbedömning genast nästa dag, senast %(raw)s%(moved)s."),
    "protection_days": gettext_noop(
        "Anmälan %(report)s; skyddsbedömning genast + %(days)s dagar, senast %(raw)s%(moved)s."),
    "preliminary": gettext_noop("Anmälan %(report)s + 14 dagar = %(raw)s%(moved)s."),
    "decided_by_opening": gettext_noop("(beslut att inleda utredning)"),
    "feedback": gettext_noop(
        "Anmälaren bad om återkoppling %(requested)s; beslut %(decided)s; en vecka = %(raw)s%(moved)s."),
    "investigation": gettext_noop("Utredning inledd %(opened)s + 4 månader = %(raw)s%(moved)s."),
    "extended": gettext_noop("Förlängd %(decided)s till %(until)s."),
    "extension_late": gettext_noop(
        "Förlängning beslutad %(decided)s, efter förfallodagen %(due)s: flyttar inget och är själv en överträdelse."),
    "first_contact": gettext_noop(
        "Utredning inledd %(opened)s + %(days)s arbetsdagar = %(due)s (tjänstegaranti)."),
    "care_plan": gettext_noop("Placering (%(intervention)s) %(started)s; vårdplan senast placeringsdagen."),
    "foster_home_approval": gettext_noop(
        "Placering (%(intervention)s) %(started)s; familjehemmet utrett och beslut senast placeringsdagen."),
    "review": gettext_noop("Senast %(last)s + 6 månader = %(raw)s%(moved)s."),
    "review_lvu": gettext_noop("Senast %(last)s + 6 månader (LVU 13 §) = %(raw)s%(moved)s."),
    "not_done_placement_ended": gettext_noop("Inte gjort; placeringen avslutades %(ended)s, efter förfallodagen."),
    "moved": gettext_noop("(%(raw)s är inte en arbetsdag; flyttad till %(due)s, lag (1930:173) 2 §)"),
    # A case's notes: events that matched nothing (``CaseState.notes``).
    "note_protection_without_report": gettext_noop("%(day)s: skyddsbedömning utan anmälan"),
    "note_feedback_without_report": gettext_noop("%(day)s: begäran om återkoppling utan anmälan"),
    "note_preliminary_without_report": gettext_noop("%(day)s: förhandsbedömning utan anmälan"),
    "note_contact_already_made": gettext_noop(
        "%(day)s: första kontakt, men varje öppen utredning har redan sin första kontakt"),
    "note_without_open_investigation": gettext_noop("%(day)s: %(event)s utan öppen utredning"),
    "note_review_without_placement": gettext_noop("%(day)s: övervägande utan pågående placering"),
    "note_ended_without_intervention": gettext_noop("%(day)s: insats avslutad utan pågående insats"),
}

#: The intervention kinds, as an explanation names them (msgids too).
INTERVENTION_NAMES = {
    "outpatient": gettext_noop("öppenvård"),
    "emergency_foster_home": gettext_noop("jourhem"),
    "foster_home": gettext_noop("familjehem"),
    "residential": gettext_noop("HVB"),
}


#: The events a note names (msgids too).
EVENT_NAMES = {
    "first_contact": gettext_noop("första kontakt"),
    "investigation_extended": gettext_noop("förlängning av utredningstiden"),
    "investigation_closed": gettext_noop("utredning avslutad"),
}


class Part(NamedTuple):
    """One sentence of an explanation: a code of :data:`TEXTS` and its values, by name."""

    code: str
    params: tuple[tuple[str, object], ...] = ()


def part(code: str, **params) -> Part:
    """Return a :class:`Part`; a value may be a date, a number, an intervention kind, another part or None."""
    if code not in TEXTS:
        raise KeyError(f"unknown explanation text {code!r}")
    return Part(code, tuple(params.items()))


def moved(raw: dt.date, due: dt.date) -> Part | None:
    """Return the note that a due date was moved off a non-working day, or None when it was not."""
    return None if raw == due else part("moved", raw=raw, due=due)


def render(parts: Iterable[Part], translate: Callable[[str], str] = gettext_noop) -> str:
    """Return the explanation's text, each part's text passed through ``translate`` (Swedish by default)."""
    return " ".join(_render(p, translate) for p in parts)


def _render(p: Part, translate: Callable[[str], str]) -> str:
    values: dict[str, object] = {}
    for name, value in p.params:
        if isinstance(value, Part):
            values[name] = " " + _render(value, translate)  # a note inside a sentence, e.g. "moved"
        elif value is None:
            values[name] = ""
        elif isinstance(value, dt.date):
            values[name] = value.isoformat()
        elif name == "intervention":
            values[name] = translate(INTERVENTION_NAMES[value]) if value in INTERVENTION_NAMES else value
        elif name == "event":
            values[name] = translate(EVENT_NAMES[value]) if value in EVENT_NAMES else value
        else:
            values[name] = value
    return translate(TEXTS[p.code]) % values


class Explanation:
    """An explanation: its parts, and its Swedish text when read as a string (``str()``, ``in``, ``==``).

    The text is rendered when first read, not when the deadline is made: a replay of many cases (an import,
    the simulation) makes explanations nobody reads. It behaves as the Swedish ``str`` it used to be for
    readers that compare or search it; ``str(why)`` gives the text itself.
    """

    __slots__ = ("_text", "parts")

    def __init__(self, parts: Iterable[Part]) -> None:
        self.parts = tuple(parts)
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = render(self.parts)
        return self._text

    def __repr__(self) -> str:
        return repr(str(self))

    def __eq__(self, other) -> bool:
        if isinstance(other, Explanation):
            return self.parts == other.parts
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __reduce__(self):
        return (Explanation, (self.parts,))
