"""Allocation suggestions: eligibility respected, capacity required, fit and load rank (no database)."""

from datetime import date

import pytest

from stabil.core.allocation import Candidate, NewCase, candidate_flags, suggest
from stabil.core.eligibility import StaffProfile, eligibility_on
from stabil.core.workload import CO, MAIN, WorkloadConfig

CFG = WorkloadConfig()
FULL = 107.25  # an experienced full-time caseworker's case hours per month under the defaults

INVESTIGATION = NewCase("C-1", "investigation", "barn", team="T1")


def cand(staff_id, demand, capacity=FULL, **kw):
    return Candidate(staff_id=staff_id, demand_hours=demand, capacity_hours=capacity, **kw)


def ranked(result):
    return [s.staff_id for s in result.suggestions]


def excluded(result):
    return {e.staff_id: e.reasons for e in result.excluded}


@pytest.mark.parametrize(
    "candidates, role, case, expected_rank, expected_excluded",
    [
        # Lowest load after the case ranks first; ties by staff id.
        ([cand("A", 60), cand("B", 40), cand("C", 40)], MAIN, INVESTIGATION, ["B", "C", "A"], []),
        # A co-handler-only person (first year, trainee) is never main caseworker ...
        ([cand("A", 60), cand("N", 0, may_be_main=False)], MAIN, INVESTIGATION, ["A"], ["N"]),
        # ... but may be proposed as co-handler.
        ([cand("A", 60), cand("N", 0, may_be_main=False)], CO, INVESTIGATION, ["N", "A"], []),
        # No degree: not proposed in any role.
        ([cand("X", 0, may_assess=False)], CO, INVESTIGATION, [], ["X"]),
        # A consultant is never the decision maker where the case needs one ...
        ([cand("K", 0, may_decide=False), cand("A", 50)], MAIN,
         NewCase("C-2", "preliminary_assessment", needs_decision_maker=True), ["A"], ["K"]),
        # ... and may be main caseworker where decisions are taken by someone else.
        ([cand("K", 0, may_decide=False), cand("A", 50)], MAIN, INVESTIGATION, ["K", "A"], []),
        # Over the red threshold after the case (100 + 8 > 107.25): no capacity.
        ([cand("F", 100), cand("A", 90)], MAIN, INVESTIGATION, ["A"], ["F"]),
        # Exactly at 100 % after the case is still amber, so still proposed.
        ([cand("E", FULL - 8)], MAIN, INVESTIGATION, ["E"], []),
        # On leave all month: no capacity.
        ([cand("L", 0, capacity=0)], MAIN, INVESTIGATION, [], ["L"]),
        # Fit beats load: the investigator ranks above a less loaded foster-home worker.
        ([cand("F", 10, work_types=frozenset({"foster_home"})),
          cand("I", 70, work_types=frozenset({"investigation"}))], MAIN, INVESTIGATION, ["I", "F"], []),
        # Knowing the child beats the team, the team beats load.
        ([cand("A", 10, team="T2"), cand("B", 50, team="T1"), cand("C", 70, team="T2", knows_child=True)],
         MAIN, INVESTIGATION, ["C", "B", "A"], []),
        # Absent half the coming four weeks: not proposed; a shorter absence ranks after those present.
        ([cand("H", 0, absence_ahead=0.5), cand("Q", 10, absence_ahead=0.2), cand("A", 60)], MAIN,
         INVESTIGATION, ["A", "Q"], ["H"]),
        # Unaccompanied minors' follow-up fits those who work with ensamkommande.
        ([cand("A", 10, work_types=frozenset({"placement_followup"})),
          cand("E", 50, work_types=frozenset({"ensamkommande"}))], MAIN,
         NewCase("C-3", "placement_followup", "ensamkommande"), ["E", "A"], []),
    ],
)
def test_suggest(candidates, role, case, expected_rank, expected_excluded):
    result = suggest(CFG, case, candidates, role=role)
    assert ranked(result) == expected_rank
    assert sorted(excluded(result)) == sorted(expected_excluded)
    assert [s.rank for s in result.suggestions] == list(range(1, len(expected_rank) + 1))


def test_reasons_are_swedish_and_show_the_load_change():
    result = suggest(CFG, INVESTIGATION, [cand("B", 42.9, team="T1", work_types=frozenset({"investigation"}))])
    reasons = result.suggestions[0].reasons
    # 42.9 / 107.25 = 40 %, (42.9 + 8) / 107.25 = 47 %
    assert reasons == (
        "Behörig som huvudhandläggare",
        "Arbetar med utredning",
        "Samma team som ärendet",
        "Belastning 40\u00a0% → 47\u00a0% (grön)",
    )
    assert result.added_hours == 8.0


def test_complexity_raises_the_added_hours_and_excludes_the_nearly_full():
    case = NewCase("C-4", "investigation", complexity=("lvu",))
    result = suggest(CFG, case, [cand("A", 97.0)])  # 97 + 10.4 = 107.4 > 107.25
    assert result.added_hours == pytest.approx(10.4)
    assert ranked(result) == []
    assert "Saknar utrymme" in excluded(result)["A"][0]


def test_exclusion_reasons_name_the_rule():
    result = suggest(CFG, NewCase("C-5", "investigation", needs_decision_maker=True),
                     [cand("N", 0, may_be_main=False, may_decide=False,
                           ineligible_reason="Trainee: endast medhandläggare.")])
    assert excluded(result)["N"] == (
        "Trainee: endast medhandläggare.",
        "Saknar beslutsbefogenhet (inhyrd konsult) och ärendet kräver beslutsfattare",
    )


def test_limit_and_closed_case():
    result = suggest(CFG, INVESTIGATION, [cand(str(i), i) for i in range(10)], limit=3)
    assert ranked(result) == ["0", "1", "2"]
    with pytest.raises(ValueError):
        suggest(CFG, NewCase("C-6", "closed"), [cand("A", 0)])


@pytest.mark.parametrize(
    "profile, may_assess, may_be_main, may_decide",
    [
        # Experienced socionom, permanent: everything.
        (StaffProfile("socionom", "permanent", "caseworker", 6, date(2020, 1, 1)), True, True, True),
        # First-year graduate: co-handler only.
        (StaffProfile("socionom", "permanent", "caseworker", 0, date(2025, 9, 1)), True, False, False),
        # Consultant with experience: main handler, no decisions.
        (StaffProfile("socionom", "consultant", "caseworker", 8, date(2024, 1, 1)), True, True, False),
        # No degree after 2014: nothing.
        (StaffProfile("none", "permanent", "caseworker", 10, date(2016, 1, 1)), False, False, False),
    ],
)
def test_candidate_flags_follow_the_eligibility_rule(profile, may_assess, may_be_main, may_decide):
    flags = candidate_flags(eligibility_on(profile, date(2025, 11, 1)))
    assert (flags["may_assess"], flags["may_be_main"], flags["may_decide"]) == (may_assess, may_be_main, may_decide)
    assert flags["ineligible_reason"]
    result = suggest(CFG, NewCase("C", "investigation", needs_decision_maker=True), [cand("P", 0, **flags)])
    assert (ranked(result) == ["P"]) == (may_assess and may_be_main and may_decide)
