"""Retention (gallring): how long each kind of data is kept, with its source. The one place for these rules.

Stabil holds a compilation (sammanställning) drawn from the case management system and the HR system; the
files themselves (personakter, personalakter) are kept and archived there. Its rows are removed, or
irreversibly pseudonymised, only through an approved destruction list (``stabil.records``); these functions
only say what is due.

**A child's case data** (``CHILD``: the child, its cases, events and deadlines) — socialtjänstlag
(2001:453) 12 kap. 1 §: data in a personal file are removed five years after the last entry was made in
the file, and the removal shall be finished within the calendar year after the one in which the duty
arose. The file is the person's: the last entry is the latest event of any of the child's cases. Socialtjänst-
lag (2025:400), in force from 2025-07-01, keeps the same rules in its chapter on records and their
removal (the paragraph numbers are to be checked against SFS 2025:400 before a municipality relies on
them; docs/records.md). Kept, never removed by this rule:

- documents about the placement of a child in a foster home, an HVB or another private home (SoL 2001:453
  12 kap. 2 § 3): a child with a placement in Stabil (``PLACEMENT`` events) is kept whole, as Stabil cannot
  tell which of its rows are "about the placement" (``keep_placements``, on by default);
- the research sample: in the municipalities not in the representative sample, the files of people born
  on the 5th, 15th and 25th of a month are kept (12 kap. 2 § second paragraph and socialtjänstförordningen
  (2001:937) 7 kap. 2 §). Off by default, as Stabil's rows are a copy of the file and the archive keeps the
  original; a municipality that wants Stabil to keep them sets ``research_days`` to "5,15,25". A child
  without a known birth date is then kept, as the rule cannot be checked.

Prop. 2025/26:12 proposes that certain documents in a child's file be kept until 30 years after the
child's birth; when it is law, ``child_years`` alone cannot express it and this module gains that rule.

**A staff member's data after employment ends** (``STAFF``) — no statute sets a time for Stabil's copy;
the personnel file stays in the HR system. Default two years after the last day of employment: turnover,
sick leave and exit reasons for the year of leaving and the next have then been reported to the board.
The person is irreversibly pseudonymised (staff id replaced by a random one, name and account link
removed, competence assessments and development plans removed), so the unit's staff figures for earlier
periods stay as they were.

**Exit-interview comments** (``EXIT_COMMENT``) — free text that may identify the person: removed two years
after the interview; the coded reasons stay (they feed the yearly analysis of why people leave).

**The access log** (``ACCESS_LOG``) — kept ten years by default: a child's file is removed five years after
the last entry, and the person may then still ask who read it (a log extract), complain to IVO or JO, or
claim damages under GDPR article 82, for which the general limitation period is ten years (preskriptions-
lagen (1981:130) 2 §). The monthly follow-up needs only the last months. The log is hash-chained and
append-only; records past their time are removed only through the owner's dedicated path
(``stabil.audit.retention``), which records the removed range and re-anchors the chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .calendar import add_months, is_working_day

CHILD = "child"
STAFF = "staff"
EXIT_COMMENT = "exit_comment"
ACCESS_LOG = "access_log"
KINDS = (CHILD, STAFF, EXIT_COMMENT, ACCESS_LOG)

DEFAULT_CHILD_YEARS = 5
DEFAULT_STAFF_YEARS = 2
DEFAULT_EXIT_COMMENT_YEARS = 2
DEFAULT_ACCESS_LOG_YEARS = 10

SOURCES = {
    CHILD: "SoL (2001:453) 12 kap. 1 § (fem år efter sista anteckningen, klart kalenderåret efter); "
           "undantag 12 kap. 2 §; SoL (2025:400) motsvarande bestämmelser",
    STAFF: "Ingen lagstadgad tid för Stabils kopia; personalakten finns i HR-systemet (kommunens beslut)",
    EXIT_COMMENT: "Ingen lagstadgad tid; fritext kan peka ut personen (kommunens beslut)",
    ACCESS_LOG: "Klagomål och skadestånd (GDPR art. 82; preskriptionslagen (1981:130) 2 §: tio år), "
                "loggutdrag efter gallrad akt",
}

# Why a due-looking row is kept.
KEPT_PLACEMENT = "placement"
KEPT_RESEARCH = "research_sample"
KEPT_BIRTH_UNKNOWN = "birth_date_unknown"


@dataclass(frozen=True)
class RetentionRules:
    """The municipality's retention choices (``STABIL_RETENTION_*``; defaults above)."""

    child_years: int = DEFAULT_CHILD_YEARS
    keep_placements: bool = True
    research_days: frozenset[int] = frozenset()
    staff_years: int = DEFAULT_STAFF_YEARS
    exit_comment_years: int = DEFAULT_EXIT_COMMENT_YEARS
    access_log_years: int = DEFAULT_ACCESS_LOG_YEARS

    def years(self, kind: str) -> int:
        return {CHILD: self.child_years, STAFF: self.staff_years, EXIT_COMMENT: self.exit_comment_years,
                ACCESS_LOG: self.access_log_years}[kind]


def rules_from(values: Mapping) -> RetentionRules:
    """Build the rules from settings; raise ValueError with a Swedish message for a value out of range."""
    years = {}
    for name in ("child_years", "staff_years", "exit_comment_years", "access_log_years"):
        value = int(values.get(name, getattr(RetentionRules, name)))
        if not 1 <= value <= 100:
            raise ValueError(f"{name} ska vara ett antal år mellan 1 och 100, inte {value}")
        years[name] = value
    days_text = str(values.get("research_days", "") or "")
    days = set()
    for part in days_text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= 31:
            raise ValueError(f"research_days: '{part}' är ingen dag i månaden (1-31); skriv till exempel 5,15,25")
        days.add(int(part))
    return RetentionRules(keep_placements=bool(values.get("keep_placements", True)), research_days=frozenset(days),
                          **years)


def obligation_date(last: date, years: int) -> date:
    """The day the duty to remove arises: ``years`` years after ``last`` (lag (1930:173) 1 § month arithmetic:
    an entry of 29 February is due on 28 February)."""
    return add_months(last, 12 * years)


def completion_deadline(obligation: date) -> date:
    """The last day the removal may be done: the end of the calendar year after the duty arose
    (SoL 2001:453 12 kap. 1 § third paragraph)."""
    return date(obligation.year + 1, 12, 31)


@dataclass(frozen=True)
class Verdict:
    """Whether a row is due for removal on a day, and why not when it is kept."""

    due: bool
    obligation: date | None = None  # when the duty arises (arose)
    kept: str = ""  # KEPT_* when an exception keeps it

    @property
    def deadline(self) -> date | None:
        return completion_deadline(self.obligation) if self.obligation else None


def child_verdict(*, last_entry: date | None, birth_date: date | None, placed: bool, on: date,
                  rules: RetentionRules) -> Verdict:
    """Whether a child's data are due for removal on ``on`` (the module docstring's rule and exceptions)."""
    if last_entry is None:
        return Verdict(False)
    obligation = obligation_date(last_entry, rules.child_years)
    if placed and rules.keep_placements:
        return Verdict(False, obligation, KEPT_PLACEMENT)
    if rules.research_days:
        if birth_date is None:
            return Verdict(False, obligation, KEPT_BIRTH_UNKNOWN)
        if birth_date.day in rules.research_days:
            return Verdict(False, obligation, KEPT_RESEARCH)
    return Verdict(on >= obligation, obligation)


def staff_verdict(*, ended_on: date | None, on: date, rules: RetentionRules) -> Verdict:
    """Whether a staff member is due for pseudonymisation on ``on`` (still employed: never)."""
    if ended_on is None:
        return Verdict(False)
    obligation = obligation_date(ended_on, rules.staff_years)
    return Verdict(on >= obligation, obligation)


def exit_comment_verdict(*, held_on: date, on: date, rules: RetentionRules) -> Verdict:
    """Whether an exit interview's free-text comment is due for removal on ``on``."""
    obligation = obligation_date(held_on, rules.exit_comment_years)
    return Verdict(on >= obligation, obligation)


def access_log_cutoff(on: date, rules: RetentionRules) -> date:
    """Access records written before this day (Europe/Stockholm) are due for removal on ``on``."""
    return add_months(on, -12 * rules.access_log_years)


def is_proposal_day(day: date) -> bool:
    """Whether ``day`` is the month's first working day, when ``stabil serve`` proposes the month's
    destruction lists on its own (``STABIL_RETENTION_PROPOSE_TIME``; docs/records.md). A proposal decides
    nothing: two people still approve each list before anything is removed."""
    first = day.replace(day=1)
    while not is_working_day(first):
        first = first.replace(day=first.day + 1)
    return day == first
