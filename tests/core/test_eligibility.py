"""Table tests of the competence requirement (SoL 3 kap 3 a § / SoL 2025:400 25 kap 1 §)."""

from datetime import date

import pytest

from stabil.core.eligibility import (
    DEFAULT_RULES,
    EligibilityRules,
    StaffProfile,
    eligibility_on,
    experience_years_on,
    is_caseworker_with_socionom_and_years,
    rule_in_force,
)


def person(degree="socionom", employment="permanent", role="caseworker", years=0.0,
           started_on=date(2015, 1, 1), ended_on=None, since=None):
    return StaffProfile(degree=degree, employment=employment, role=role, experience_years=years,
                        started_on=started_on, ended_on=ended_on, in_such_work_since=since)


# (label, profile, on, may_assess, independent, co_handler_only, may_decide, exemption)
CASES = [
    ("new graduate, 5 months in: co-handler", person(), date(2015, 6, 1),
     True, False, True, False, False),
    ("new graduate after 1 year + 1 month: independent", person(), date(2016, 2, 1),
     True, True, False, True, False),
    ("exactly one year (365.25 days not yet): still co-handler", person(), date(2015, 12, 31),
     True, False, True, False, False),
    ("other relevant degree, 4 years", person(degree="other_relevant", years=4), date(2020, 1, 1),
     True, True, False, True, False),
    ("recognised foreign degree, 2 years", person(degree="foreign_recognised", years=2), date(2015, 3, 1),
     True, True, False, True, False),
    ("no degree before the requirement (2014-06-30)", person(degree="none", started_on=date(2010, 1, 1)),
     date(2014, 6, 30), True, True, False, True, False),
    ("no degree, employed 2010: transitional exemption 2016", person(degree="none", started_on=date(2010, 1, 1)),
     date(2016, 1, 1), True, True, False, True, True),
    ("no degree, exemption's last day 2022-06-30", person(degree="none", started_on=date(2010, 1, 1)),
     date(2022, 6, 30), True, True, False, True, True),
    ("no degree, exemption ended 2022-07-01", person(degree="none", started_on=date(2010, 1, 1)),
     date(2022, 7, 1), False, False, False, False, False),
    ("no degree, employed on 2014-07-01: no exemption", person(degree="none", started_on=date(2014, 7, 1),
                                                              years=5), date(2015, 1, 1),
     False, False, False, False, False),
    ("no degree, new employer 2016 but in such work since 2012", person(
        degree="none", started_on=date(2016, 1, 1), years=4, since=date(2012, 1, 1)), date(2017, 1, 1),
     True, True, False, True, True),
    ("no degree under SoL 2025:400", person(degree="none", years=10, started_on=date(2025, 1, 1)),
     date(2025, 8, 1), False, False, False, False, False),
    ("consultant, socionom 5 years: investigates alone, never decides", person(employment="consultant", years=5),
     date(2015, 6, 1), True, True, False, False, False),
    ("consultant first-year graduate: co-handler, no decisions", person(employment="consultant"),
     date(2015, 6, 1), True, False, True, False, False),
    ("trainee with 3 years: co-handler only", person(employment="trainee", years=3), date(2015, 6, 1),
     True, False, True, False, False),
    ("summer temp without degree", person(employment="summer_temp", degree="none"), date(2015, 7, 1),
     False, False, False, False, False),
    ("administrator does no casework", person(role="administrator", years=10), date(2015, 6, 1),
     False, False, False, False, False),
    ("team lead, socionom 8 years", person(role="team_lead", years=8), date(2015, 6, 1),
     True, True, False, True, False),
    ("before the start date: not employed", person(), date(2014, 12, 31),
     False, False, False, False, False),
    ("after the end date: not employed", person(ended_on=date(2015, 5, 31), years=3), date(2015, 6, 1),
     False, False, False, False, False),
]


@pytest.mark.parametrize(("label", "profile", "on", "assess", "independent", "co_only", "decide", "exempt"),
                         CASES, ids=[case[0] for case in CASES])
def test_eligibility_table(label, profile, on, assess, independent, co_only, decide, exempt):
    verdict = eligibility_on(profile, on)
    assert (verdict.may_assess, verdict.may_work_independently, verdict.co_handler_only,
            verdict.may_take_decisions, verdict.transitional_exemption) == (
        assess, independent, co_only, decide, exempt)
    assert verdict.may_be_main_handler == (assess and independent)
    assert verdict.reasons, "every verdict carries at least one Swedish reason"


def test_reasons_are_swedish_and_cite_the_law():
    verdict = eligibility_on(person(degree="none", years=10, started_on=date(2025, 1, 1)), date(2025, 8, 1))
    assert "Saknar socionomexamen" in " ".join(verdict.reasons)
    assert "SoL (2025:400) 25 kap 1 §" in " ".join(verdict.reasons)
    consultant = eligibility_on(person(employment="consultant", years=5), date(2015, 6, 1))
    assert any("kommunallagen (1991:900)" in reason for reason in consultant.reasons)
    consultant_2019 = eligibility_on(person(employment="consultant", years=5), date(2019, 6, 1))
    assert any("kommunallagen (2017:725) 7 kap 5 §" in reason for reason in consultant_2019.reasons)
    ended = eligibility_on(person(degree="none", started_on=date(2010, 1, 1)), date(2023, 1, 1))
    assert any("upphörde 2022-06-30" in reason for reason in ended.reasons)


@pytest.mark.parametrize(("on", "law", "regulation", "degree_required"), [
    (date(2014, 6, 30), "SoL (2001:453) 3 kap 3 § (lämplig utbildning och erfarenhet; inget examenskrav)", "", False),
    (date(2014, 7, 1), "SoL (2001:453) 3 kap 3 a §", "SOSFS 2014:7", True),
    (date(2017, 12, 31), "SoL (2001:453) 3 kap 3 a §", "SOSFS 2014:7", True),
    (date(2018, 1, 1), "SoL (2001:453) 3 kap 3 a §", "HSLF-FS 2017:79", True),
    (date(2025, 6, 30), "SoL (2001:453) 3 kap 3 a §", "HSLF-FS 2017:79", True),
    (date(2025, 7, 1), "SoL (2025:400) 25 kap 1 §", "HSLF-FS 2017:79", True),
])
def test_rule_versions_by_date(on, law, regulation, degree_required):
    rule = rule_in_force(on)
    assert (rule.law, rule.regulation, rule.degree_required) == (law, regulation, degree_required)


@pytest.mark.parametrize(("threshold", "years", "independent"), [
    (0.0, 0.0, True),
    (1.0, 0.99, False),
    (2.0, 1.5, False),
    (2.0, 2.0, True),
    (3.0, 2.9, False),
])
def test_configurable_independence_threshold(threshold, years, independent):
    rules = EligibilityRules(independent_min_years=threshold)
    on = date(2015, 1, 1)  # the start date: experience is exactly `years`
    verdict = eligibility_on(person(years=years), on, rules)
    assert verdict.may_work_independently is independent
    assert verdict.co_handler_only is (not independent)


def test_negative_threshold_rejected():
    with pytest.raises(ValueError):
        EligibilityRules(independent_min_years=-1)


@pytest.mark.parametrize(("years", "started_on", "ended_on", "on", "expected"), [
    (2.0, date(2015, 1, 1), None, date(2015, 1, 1), 2.0),
    (2.0, date(2015, 1, 1), None, date(2016, 12, 31), 2.0 + 730 / 365.25),
    (0.5, date(2015, 1, 1), date(2015, 12, 31), date(2020, 1, 1), 0.5 + 364 / 365.25),  # stops at the end
    (1.0, date(2015, 1, 1), None, date(2014, 1, 1), 1.0),  # before the start: experience at start
])
def test_experience_grows_while_employed(years, started_on, ended_on, on, expected):
    profile = person(years=years, started_on=started_on, ended_on=ended_on)
    assert experience_years_on(profile, on) == pytest.approx(expected)


@pytest.mark.parametrize(("degree", "years", "threshold", "strictly", "expected"), [
    ("socionom", 3.0, 3, False, True),
    ("socionom", 2.99, 3, False, False),
    ("socionom", 5.0, 5, True, False),
    ("socionom", 5.01, 5, True, True),
    ("other_relevant", 10.0, 3, False, False),
])
def test_open_comparisons_predicate(degree, years, threshold, strictly, expected):
    profile = person(degree=degree, years=years)
    assert is_caseworker_with_socionom_and_years(profile, date(2015, 1, 1), threshold,
                                                 strictly_more=strictly) is expected


def test_default_rules_are_one_year():
    assert DEFAULT_RULES.independent_min_years == 1.0


def test_two_named_lists_of_casework_roles_and_no_copies():
    """Public authority (the competence rule) covers the unit manager, who decides cases; carrying cases
    (the workload board, main handlers, the simulated staff) does not. Each list has one home."""
    from stabil.core import eligibility  # imported here: this test is about where the lists live
    from stabil.simulation import selectors as simulation_selectors
    from stabil.workload import selectors as workload_selectors

    assert eligibility.CASEWORK_ROLES == {"caseworker", "team_lead", "specialist", "unit_manager"}
    assert eligibility.CASELOAD_ROLES == {"caseworker", "team_lead", "specialist"}
    assert not hasattr(workload_selectors, "CASEWORK_ROLES")
    assert not hasattr(simulation_selectors, "CASEWORK_ROLES")
