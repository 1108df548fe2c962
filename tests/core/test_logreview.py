"""The log follow-up's selection rules (core/logreview.py), table by table, hand-computed."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from stabil.core.logreview import (
    MANY,
    OFF_HOURS,
    OUTSIDE_HOME,
    PROTECTED,
    RANDOM,
    Access,
    CaseHome,
    Home,
    ReviewSettings,
    at_home,
    off_hours,
    parse_hours,
    select,
)

TEAM_READER = Home(team=1, units=frozenset({10}), staff="S1")
UNIT_READER = Home(team=None, units=frozenset({10}))

AT_HOME = [
    # (reader, case, expected, why)
    (TEAM_READER, CaseHome(10, frozenset({1}), frozenset({"S9"})), True, "a colleague of the team handles it"),
    (TEAM_READER, CaseHome(10, frozenset({2}), frozenset({"S2"})), False, "another team's case, same unit"),
    (TEAM_READER, CaseHome(10, frozenset({2}), frozenset({"S1", "S2"})), True, "the reader co-handles it himself"),
    (TEAM_READER, CaseHome(10), True, "unassigned, in the reader's unit (the team lead's queue)"),
    (TEAM_READER, CaseHome(11), False, "unassigned, in another unit"),
    (UNIT_READER, CaseHome(10, frozenset({2}), frozenset({"S2"})), True, "no team: any case of his own unit"),
    (UNIT_READER, CaseHome(11, frozenset({3}), frozenset({"S3"})), False, "no team: another unit (a sibling)"),
    (Home(), CaseHome(10), False, "no team and no unit (HR, the DPO): no home"),
    (None, CaseHome(10), False, "the operator at the command line: no home"),
]


@pytest.mark.parametrize(("reader", "case", "expected", "why"), AT_HOME, ids=[row[3] for row in AT_HOME])
def test_at_home(reader, case, expected, why):
    assert at_home(reader, case) is expected


HOURS = ReviewSettings(work_start=time(7, 0), work_end=time(18, 0))
OFF = [
    # 2026-06-17 is a Wednesday, an ordinary working day.
    (datetime(2026, 6, 17, 9, 0), False, "Wednesday morning"),
    (datetime(2026, 6, 17, 7, 0), False, "the first minute of the day counts as working time"),
    (datetime(2026, 6, 17, 6, 59), True, "before seven"),
    (datetime(2026, 6, 17, 17, 59), False, "the last minute before six"),
    (datetime(2026, 6, 17, 18, 0), True, "six o'clock is after working hours"),
    (datetime(2026, 6, 19, 10, 0), True, "2026-06-19 is midsommarafton (a Friday)"),
    (datetime(2026, 6, 20, 10, 0), True, "a Saturday"),
    (datetime(2026, 12, 24, 10, 0), True, "julafton (a Thursday)"),
    (datetime(2026, 12, 28, 10, 0), False, "Monday after Christmas is a working day"),
]


@pytest.mark.parametrize(("at", "expected", "why"), OFF, ids=[row[2] for row in OFF])
def test_off_hours(at, expected, why):
    assert off_hours(at, HOURS) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("07:00-18:00", (time(7), time(18))),
    (" 08:30 - 16:45 ", (time(8, 30), time(16, 45))),
])
def test_parse_hours(text, expected):
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text", ["7-18", "18:00-07:00", "08:00", "08:00-08:00", "kl 8-17"])
def test_parse_hours_refuses_nonsense_in_swedish(text):
    with pytest.raises(ValueError, match="arbets"):
        parse_hours(text)


WED = datetime(2026, 6, 17, 10, 0)
HOMES = {"anna": TEAM_READER, "bo": UNIT_READER}
CASES = {"K1": CaseHome(10, frozenset({1}), frozenset({"S1"})), "K2": CaseHome(10, frozenset({2}), frozenset({"S2"})),
         "K3": CaseHome(11, frozenset({3}), frozenset({"S3"}))}


def _select(accesses, **settings):
    options = {"many_reads": 400, "sample_size": 0, **settings}
    return select(accesses, homes=HOMES, cases=CASES, protected=frozenset({"B9"}),
                  settings=ReviewSettings(**options), seed=7)


def test_the_systematic_selection():
    accesses = [
        Access(1, WED, "anna", ("K1",)),  # her team's case, in the day: not selected
        Access(2, WED, "anna", ("K2",)),  # another team of her unit
        Access(3, WED, "bo", ("K2",)),  # bo has no team: his unit's case is at home
        Access(4, WED, "bo", ("K3",)),  # another unit
        Access(5, datetime(2026, 6, 20, 23, 0), "anna", ("K1", "K2")),  # Saturday night, and K2 is away
        Access(6, WED, "anna", ("K1",), ("B9",)),  # a protected child
        Access(7, WED, "anna", ("K-GONE",)),  # a case no longer stored: left to the other rules
        Access(8, datetime(2026, 6, 20, 23, 0), "anna", (), (), personal=False),  # shows no personal data
        Access(9, WED, "(kommandorad)", ("K1",)),  # the operator has no home
    ]
    selection = _select(accesses)
    assert selection.entries == {2: [OUTSIDE_HOME], 4: [OUTSIDE_HOME], 5: [OUTSIDE_HOME, OFF_HOURS],
                                 6: [PROTECTED], 9: [OUTSIDE_HOME]}
    assert selection.candidates == 8  # every access but number 8
    assert selection.many == {}


def test_many_accesses_give_one_entry_per_user_above_the_threshold():
    accesses = [Access(n, WED, "anna", ("K1",)) for n in range(1, 4)] + [Access(4, WED, "bo", ("K2",))]
    # Threshold 2: anna's three accesses are more than two, bo's one is not; exactly the threshold is not.
    assert _select(accesses, many_reads=2).many == {"anna": 3}
    assert _select(accesses, many_reads=3).many == {}
    assert MANY not in {r for reasons in _select(accesses, many_reads=2).entries.values() for r in reasons}


def test_the_random_sample_is_reproducible_from_its_seed():
    accesses = [Access(n, WED, "anna", ("K1",)) for n in range(1, 51)]
    settings = ReviewSettings(sample_size=5)

    def sample(seed):
        chosen = select(accesses, homes=HOMES, cases=CASES, protected=frozenset(), settings=settings, seed=seed)
        return sorted(seq for seq, reasons in chosen.entries.items() if RANDOM in reasons)

    first = sample(20260601)
    assert len(first) == 5 and set(first) <= set(range(1, 51))
    assert sample(20260601) == first  # the same seed, the same five
    assert any(sample(seed) != first for seed in range(1, 6))  # another seed, another sample
    # A sample larger than the month takes every access once.
    few = select(accesses[:3], homes=HOMES, cases=CASES, protected=frozenset(), settings=settings, seed=1)
    assert sorted(few.entries) == [1, 2, 3] and all(r == [RANDOM] for r in few.entries.values())


def test_a_sampled_entry_keeps_its_systematic_reasons_first():
    selection = select([Access(1, datetime(2026, 6, 20, 12, 0), "anna", ("K1",))], homes=HOMES, cases=CASES,
                       protected=frozenset(), settings=ReviewSettings(sample_size=1), seed=3)
    assert selection.entries == {1: [OFF_HOURS, RANDOM]}
