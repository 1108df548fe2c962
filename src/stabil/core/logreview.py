"""The monthly log follow-up (logguppföljning): which accesses a reviewer looks at.

Municipalities review the access log of their social-services systems every month with a systematic
selection plus a random sample; each selected entry is marked reviewed and the review is signed. IMY
describes the practice for health care, where HSLF-FS 2016:40 4 kap. 9 a § requires the care provider to
follow up the access log systematically and regularly; Stabil applies it by analogy (docs/records.md).

The selection of one month (times are Europe/Stockholm; the caller passes local times):

1. **Outside the reader's team or unit** (``OUTSIDE_HOME``): an access naming a case that is not at the
   reader's home (``at_home``). A reader with a team is at home with the cases handled by someone of that
   team (main or co-handler), the cases they handle themself and the unassigned cases of their own units;
   a reader without a team with the cases of their own units (``User.units``, not every unit they may see:
   a department head's reads in a sibling unit are selected). A reader with neither (HR, the
   data-protection officer, the operator at the command line) has no home: each of their accesses to a
   case is selected. Cases no longer stored cannot be judged and are left to the other criteria.
2. **Outside working hours** (``OFF_HOURS``): at a time before ``work_start`` or from ``work_end`` on a
   working day, or on a Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton
   (``calendar.is_working_day``).
3. **Unusually many accesses** (``MANY``): a user with more than ``many_reads`` accesses to personal data in
   the month gets one entry for the whole month (the count), not one per access. The default, 400, is
   about twenty page views a working day; a caseworker opening their own cases stays well below it, a
   reader going through other units' cases does not. Municipalities set their own (``STABIL_LOG_REVIEW_MANY``).
4. **Protected children** (``PROTECTED``): every access to a child marked protected (skyddade
   personuppgifter, or any child the responsible person chooses to watch).
5. **A random sample** (``RANDOM``) of ``sample_size`` accesses among all the month's accesses to personal
   data, drawn with Python's ``random.Random(seed)`` from the accesses in sequence order: the seed is stored
   with the review, so the same month, seed and size always give the same sample.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time

from . import calendar

OUTSIDE_HOME = "outside_home"
OFF_HOURS = "off_hours"
MANY = "many"
PROTECTED = "protected"
RANDOM = "random"
REASONS = (OUTSIDE_HOME, OFF_HOURS, MANY, PROTECTED, RANDOM)

DEFAULT_WORK_START = time(7, 0)
DEFAULT_WORK_END = time(18, 0)
DEFAULT_MANY_READS = 400
DEFAULT_SAMPLE_SIZE = 10


@dataclass(frozen=True)
class ReviewSettings:
    work_start: time = DEFAULT_WORK_START
    work_end: time = DEFAULT_WORK_END
    many_reads: int = DEFAULT_MANY_READS
    sample_size: int = DEFAULT_SAMPLE_SIZE

    def as_dict(self) -> dict:
        return {"work_start": self.work_start.strftime("%H:%M"), "work_end": self.work_end.strftime("%H:%M"),
                "many_reads": self.many_reads, "sample_size": self.sample_size}


def parse_hours(value: str) -> tuple[time, time]:
    """Parse working hours "HH:MM-HH:MM" (start before end); raise ValueError with a Swedish message."""
    start_text, sep, end_text = value.strip().partition("-")
    try:
        if not sep:
            raise ValueError
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"'{value}' är inga arbetstider: skriv TT:MM-TT:MM, till exempel 07:00-18:00") from None
    if not start < end:
        raise ValueError(f"'{value}': arbetsdagen måste börja före den slutar")
    return start, end


@dataclass(frozen=True)
class Access:
    """One access record as the review sees it."""

    seq: int
    at: datetime  # local (Europe/Stockholm) time
    user: str  # the user name ("(kommandorad)" for the operator)
    case_ids: tuple[str, ...] = ()
    child_ids: tuple[str, ...] = ()
    personal: bool = True  # names a case, child or person


@dataclass(frozen=True)
class Home:
    """Where a reader belongs: their team (or None) and their own units."""

    team: int | None = None
    units: frozenset[int] = frozenset()
    staff: str | None = None  # their own staff id, if linked


@dataclass(frozen=True)
class CaseHome:
    """Where a case belongs: its unit, the teams and staff ids of its handlers (empty: unassigned)."""

    unit: int
    teams: frozenset[int] = frozenset()
    handlers: frozenset[str] = frozenset()


def at_home(reader: Home | None, case: CaseHome) -> bool:
    """Whether a case is at the reader's home (rule 1 of the module docstring)."""
    if reader is None:
        return False
    if reader.team is not None:
        if reader.team in case.teams or (reader.staff is not None and reader.staff in case.handlers):
            return True
        return not case.handlers and case.unit in reader.units
    return case.unit in reader.units


def off_hours(at: datetime, settings: ReviewSettings) -> bool:
    """Whether a local time is outside working hours (rule 2)."""
    if not calendar.is_working_day(at.date()):
        return True
    return not settings.work_start <= at.time() < settings.work_end


@dataclass
class Selection:
    """The month's selection: entry per selected access (its reasons) and the users with many accesses."""

    entries: dict[int, list[str]] = field(default_factory=dict)  # seq -> reasons, in REASONS order
    many: dict[str, int] = field(default_factory=dict)  # user -> accesses in the month
    candidates: int = 0  # accesses to personal data in the month (the random sample's population)

    def add(self, seq: int, reason: str) -> None:
        reasons = self.entries.setdefault(seq, [])
        if reason not in reasons:
            reasons.append(reason)
            reasons.sort(key=REASONS.index)


def select(accesses: Iterable[Access], *, homes: Mapping[str, Home], cases: Mapping[str, CaseHome],
           protected: frozenset[str], settings: ReviewSettings, seed: int) -> Selection:
    """Select the month's entries for review (the module docstring's five rules)."""
    selection = Selection()
    population: list[int] = []
    counts: Counter[str] = Counter()
    for access in sorted(accesses, key=lambda a: a.seq):
        if not access.personal:
            continue
        population.append(access.seq)
        counts[access.user] += 1
        reader = homes.get(access.user)
        if any(case_id in cases and not at_home(reader, cases[case_id]) for case_id in access.case_ids):
            selection.add(access.seq, OUTSIDE_HOME)
        if off_hours(access.at, settings):
            selection.add(access.seq, OFF_HOURS)
        if protected.intersection(access.child_ids):
            selection.add(access.seq, PROTECTED)
    selection.candidates = len(population)
    selection.many = {user: n for user, n in sorted(counts.items()) if n > settings.many_reads}
    for seq in random.Random(seed).sample(population, min(settings.sample_size, len(population))):
        selection.add(seq, RANDOM)
    return selection
