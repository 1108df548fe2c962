"""The case state from events: matching, statuses as seen on a day, phases and handlers."""

import datetime as dt
import random

import pytest

from stabil.core.caseflow import Event, case_state
from stabil.core.deadlines import DeadlineConfig

D = dt.date.fromisoformat


def E(kind, on, **kw):
    if "until" in kw:
        kw["until"] = D(kw["until"])
    return Event(kind, D(on), **kw)


def table(state):
    """Return {(kind, started_on): (due_on, met_on, status)} with ISO strings."""
    return {
        (d.kind, d.started_on.isoformat()): (d.due_on.isoformat(), d.met_on.isoformat() if d.met_on else None, d.status)
        for d in state.deadlines
    }


FULL = [
    E("report_received", "2026-06-05"),
    E("handler_assigned", "2026-06-05", staff_id="S1"),
    E("protection_assessed", "2026-06-05"),
    E("feedback_requested", "2026-06-05"),
    E("preliminary_decided", "2026-06-18", outcome="investigation"),
    E("reporter_informed", "2026-06-29"),
    E("investigation_opened", "2026-06-18"),
    E("co_handler_assigned", "2026-06-18", staff_id="S2"),
    E("first_contact", "2026-06-30"),
    E("investigation_closed", "2026-10-15", outcome="intervention"),
    E("care_plan_established", "2026-10-20"),
    E("foster_home_approved", "2026-10-19"),
    E("intervention_started", "2026-10-20", intervention="foster_home", reason="SoL"),
    E("placement_reviewed", "2027-04-19"),
]


def test_full_case_hand_computed():
    state = case_state(FULL, D("2027-05-01"))
    assert table(state) == {
        ("protection_assessment", "2026-06-05"): ("2026-06-05", "2026-06-05", "met"),
        # 06-05 + 14 = 06-19 midsommarafton -> Mon 06-22
        ("preliminary_assessment", "2026-06-05"): ("2026-06-22", "2026-06-18", "met"),
        # decision 06-18 + 7 = 06-25 (Thu), informed 06-29: missed
        ("reporter_feedback", "2026-06-18"): ("2026-06-25", "2026-06-29", "missed"),
        ("investigation", "2026-06-18"): ("2026-10-19", "2026-10-15", "met"),  # 10-18 is a Sunday
        # 7 working days after Thu 06-18: 22, 23, 24, 25, 26, 29, 30 (19 is midsommarafton)
        ("first_contact", "2026-06-18"): ("2026-06-30", "2026-06-30", "met"),
        ("care_plan", "2026-10-20"): ("2026-10-20", "2026-10-20", "met"),
        ("foster_home_approval", "2026-10-20"): ("2026-10-20", "2026-10-19", "met"),
        ("placement_review", "2026-10-20"): ("2027-04-20", "2027-04-19", "met"),
        ("placement_review", "2027-04-19"): ("2027-10-19", None, "open"),
    }
    assert state.phase == "foster_home"
    assert state.main_handler == "S1" and state.co_handler == "S2"
    assert [i.kind for i in state.open_interventions] == ["foster_home"]
    assert state.open_interventions[0].legal_basis == "SoL"
    assert state.reported_on == D("2026-06-05")


def test_event_order_does_not_matter():
    shuffled = FULL[:]
    random.Random(4).shuffle(shuffled)
    assert case_state(shuffled, D("2027-05-01")) == case_state(FULL, D("2027-05-01"))


@pytest.mark.parametrize(
    "on, expected_phase, expected",
    [
        # events after `on` are not known yet
        ("2026-06-05", "preliminary_assessment", {("preliminary_assessment", "2026-06-05"): ("2026-06-22", None, "open")}),
        ("2026-06-23", "preliminary_assessment", {("preliminary_assessment", "2026-06-05"): ("2026-06-22", None, "overdue")}),
    ],
)
def test_events_after_the_day_are_unknown(on, expected_phase, expected):
    events = [E("report_received", "2026-06-05"), E("protection_assessed", "2026-06-05"),
              E("preliminary_decided", "2026-06-25", outcome="no_investigation")]
    state = case_state(events, D(on))
    assert state.phase == expected_phase
    rows = table(state)
    for key, value in expected.items():
        assert rows[key] == value
    later = table(case_state(events, D("2026-07-01")))
    assert later[("preliminary_assessment", "2026-06-05")] == ("2026-06-22", "2026-06-25", "missed")
    assert case_state(events, D("2026-07-01")).phase == "closed"


@pytest.mark.parametrize(
    "extended_on, until, closed_on, expected",
    [
        # opened 2026-02-24, due 2026-06-24
        ("2026-06-01", "2026-08-31", "2026-08-20", ("2026-08-31", "2026-08-20", "met")),  # before
        ("2026-06-24", "2026-08-31", "2026-08-31", ("2026-08-31", "2026-08-31", "met")),  # on the due date
        ("2026-06-25", "2026-08-31", "2026-08-20", ("2026-06-24", "2026-08-20", "missed")),  # after: moves nothing
        ("2026-06-01", "2026-08-31", "2026-09-01", ("2026-08-31", "2026-09-01", "missed")),
    ],
)
def test_extensions(extended_on, until, closed_on, expected):
    events = [
        E("report_received", "2026-02-10"),
        E("investigation_opened", "2026-02-24"),
        E("investigation_extended", extended_on, until=until, reason="polisförhör"),
        E("investigation_closed", closed_on, outcome="no_intervention"),
    ]
    rows = table(case_state(events, D("2026-12-01")))
    assert rows[("investigation", "2026-02-24")] == expected


def test_late_extension_says_it_is_a_breach():
    events = [E("investigation_opened", "2026-02-24"),
              E("investigation_extended", "2026-06-25", until="2026-08-31", reason="x")]
    (inv,) = [d for d in case_state(events, D("2026-07-01")).deadlines if d.kind == "investigation"]
    assert inv.status == "overdue" and inv.due_on == D("2026-06-24")
    assert "överträdelse" in inv.why


def test_two_extensions_chain():
    events = [E("investigation_opened", "2026-02-24"),
              E("investigation_extended", "2026-06-20", until="2026-07-31"),
              E("investigation_extended", "2026-07-31", until="2026-09-30")]
    rows = table(case_state(events, D("2026-09-01")))
    assert rows[("investigation", "2026-02-24")] == ("2026-09-30", None, "open")


@pytest.mark.parametrize(
    "decided_on, expect_feedback_due",
    [("2026-01-14", None), ("2026-01-15", "2026-01-22")],
)
def test_reporter_feedback_only_for_decisions_from_2026_01_15(decided_on, expect_feedback_due):
    events = [E("report_received", "2026-01-05"), E("feedback_requested", "2026-01-05"),
              E("preliminary_decided", decided_on, outcome="no_investigation")]
    rows = table(case_state(events, D("2026-02-01")))
    got = rows.get(("reporter_feedback", decided_on))
    if expect_feedback_due is None:
        assert got is None
    else:
        assert got == (expect_feedback_due, None, "overdue")


def test_feedback_week_runs_from_the_decision_even_when_the_reporter_asked_later():
    # decided Tue 2026-03-03; asked Thu 03-05; a week from the decision = 03-10 (Tue), informed 03-11: missed
    events = [E("report_received", "2026-03-02"), E("preliminary_decided", "2026-03-03", outcome="no_investigation"),
              E("feedback_requested", "2026-03-05"), E("reporter_informed", "2026-03-11")]
    assert table(case_state(events, D("2026-04-01")))[("reporter_feedback", "2026-03-03")] == (
        "2026-03-10", "2026-03-11", "missed")


def test_no_feedback_deadline_when_the_reporter_did_not_ask():
    events = [E("report_received", "2026-02-02"), E("preliminary_decided", "2026-02-03", outcome="no_investigation")]
    assert "reporter_feedback" not in {d.kind for d in case_state(events, D("2026-03-01")).deadlines}


def test_strict_calendar_days():
    events = [E("report_received", "2026-06-05")]
    rows = table(case_state(events, D("2026-06-20"), DeadlineConfig(move_to_working_day=False)))
    assert rows[("preliminary_assessment", "2026-06-05")] == ("2026-06-19", None, "overdue")
    rows = table(case_state(events, D("2026-06-20")))
    assert rows[("preliminary_assessment", "2026-06-05")] == ("2026-06-22", None, "open")


def test_guarantee_off_means_no_first_contact_deadline():
    events = [E("investigation_opened", "2026-03-02")]
    kinds = {d.kind for d in case_state(events, D("2026-03-03"), DeadlineConfig(first_contact_guarantee=False)).deadlines}
    assert kinds == {"investigation"}


@pytest.mark.parametrize(
    "closed_on, expected",
    [
        # 03-02 (Mon) + 7 working days = 03-11 (Wed). Met or missed is decided by a first_contact event
        # alone; without one the guarantee stays overdue, whenever the investigation was closed.
        ("2026-03-05", ("2026-03-11", None, "overdue")),
        ("2026-03-20", ("2026-03-11", None, "overdue")),
    ],
)
def test_first_contact_when_investigation_closed_without_contact(closed_on, expected):
    events = [E("investigation_opened", "2026-03-02"), E("investigation_closed", closed_on, outcome="no_intervention")]
    assert table(case_state(events, D("2026-04-01"))).get(("first_contact", "2026-03-02")) == expected


@pytest.mark.parametrize(
    "plan_on, ended_on, expected",
    [
        ("2026-03-01", None, ("2026-03-02", "2026-03-01", "met")),  # made before the move
        ("2026-03-02", None, ("2026-03-02", "2026-03-02", "met")),  # that day is met
        ("2026-03-03", None, ("2026-03-02", "2026-03-03", "missed")),
        (None, None, ("2026-03-02", None, "overdue")),
        (None, "2026-03-10", ("2026-03-02", None, "overdue")),  # ended without a plan: still a breach
        (None, "2026-03-02", ("2026-03-02", None, "overdue")),  # ended the same day without a plan
    ],
)
def test_care_plan(plan_on, ended_on, expected):
    events = [E("intervention_started", "2026-03-02", intervention="residential")]
    if plan_on:
        events.append(E("care_plan_established", plan_on))
    if ended_on:
        events.append(E("intervention_ended", ended_on, intervention="residential"))
    assert table(case_state(events, D("2026-04-01"))).get(("care_plan", "2026-03-02")) == expected


def test_outpatient_support_has_no_placement_deadlines():
    events = [E("intervention_started", "2026-03-02", intervention="outpatient")]
    state = case_state(events, D("2026-04-01"))
    assert state.deadlines == ()
    assert state.phase == "outpatient_followup"


def test_foster_home_approval_only_for_foster_homes():
    events = [E("intervention_started", "2026-03-02", intervention="emergency_foster_home"),
              E("intervention_started", "2026-04-01", intervention="foster_home"),
              E("foster_home_approved", "2026-03-20")]
    rows = table(case_state(events, D("2026-05-01")))
    assert ("foster_home_approval", "2026-03-02") not in rows
    assert rows[("foster_home_approval", "2026-04-01")] == ("2026-04-01", "2026-03-20", "met")
    assert case_state(events, D("2026-05-01")).phase == "foster_home"


def test_placement_review_chain_from_the_last_review():
    events = [E("intervention_started", "2025-01-15", intervention="residential", reason="LVU"),
              E("care_plan_established", "2025-01-15"),
              E("placement_reviewed", "2025-07-10")]
    state = case_state(events, D("2026-01-20"))
    rows = table(state)
    assert rows[("placement_review", "2025-01-15")] == ("2025-07-15", "2025-07-10", "met")
    # 2025-07-10 + 6 months = 2026-01-10 (Saturday) -> Monday 2026-01-12
    assert rows[("placement_review", "2025-07-10")] == ("2026-01-12", None, "overdue")
    assert "LVU" in [d for d in state.deadlines if d.kind == "placement_review"][0].source
    assert state.phase == "placement_followup"


def test_placement_ended_before_review_due_drops_it():
    events = [E("intervention_started", "2025-01-15", intervention="residential"),
              E("care_plan_established", "2025-01-15"),
              E("intervention_ended", "2025-05-01")]
    state = case_state(events, D("2026-01-20"))
    assert {d.kind for d in state.deadlines} == {"care_plan"}
    assert state.phase == "closed"
    assert state.open_interventions == ()


@pytest.mark.parametrize(
    "events, phase",
    [
        ([E("report_received", "2026-01-05")], "preliminary_assessment"),
        ([E("report_received", "2026-01-05"), E("investigation_opened", "2026-01-08")], "investigation"),
        ([E("investigation_opened", "2026-01-08"), E("investigation_closed", "2026-03-01", outcome="no_intervention")], "closed"),
        ([E("investigation_opened", "2026-01-08"), E("investigation_closed", "2026-03-01", outcome="intervention")], "outpatient_followup"),
        ([E("intervention_started", "2026-01-08", intervention="emergency_foster_home")], "placement_followup"),
        ([E("intervention_started", "2026-01-08", intervention="outpatient"),
          E("intervention_started", "2026-01-09", intervention="foster_home")], "foster_home"),
        ([E("intervention_started", "2026-01-08", intervention="foster_home"),
          E("report_received", "2026-01-20")], "preliminary_assessment"),
        ([], "closed"),
    ],
)
def test_phase(events, phase):
    assert case_state(events, D("2026-04-01")).phase == phase


def test_preliminary_met_by_opening_an_investigation():
    events = [E("report_received", "2026-03-02"), E("investigation_opened", "2026-03-10")]
    rows = table(case_state(events, D("2026-03-11")))
    assert rows[("preliminary_assessment", "2026-03-02")] == ("2026-03-16", "2026-03-10", "met")
    # protection never recorded: due the report's day, no event, so overdue as seen on 03-11
    assert rows[("protection_assessment", "2026-03-02")] == ("2026-03-02", None, "overdue")


@pytest.mark.parametrize(
    "ended_on, expected",
    [
        # placed 2026-01-15; first review due 6 months later, 2026-07-15 (Wed)
        ("2026-07-15", None),  # ended on the due day: nothing left to review
        ("2026-07-20", ("2026-07-15", None, "overdue")),  # ended after it fell due without a review
        (None, ("2026-07-15", None, "overdue")),
    ],
)
def test_next_placement_review_is_dropped_only_when_the_placement_ended_first(ended_on, expected):
    events = [E("intervention_started", "2026-01-15", intervention="residential"),
              E("care_plan_established", "2026-01-15")]
    if ended_on:
        events.append(E("intervention_ended", ended_on, intervention="residential"))
    assert table(case_state(events, D("2026-09-01"))).get(("placement_review", "2026-01-15")) == expected


def test_handler_changes_and_notes():
    events = [E("handler_assigned", "2026-01-01", staff_id="A"), E("handler_assigned", "2026-02-01", staff_id="B"),
              E("first_contact", "2026-01-10")]
    state = case_state(events, D("2026-03-01"))
    assert state.main_handler == "B" and state.co_handler is None
    assert len(state.notes) == 1
    assert case_state(events, D("2026-01-15")).main_handler == "A"


def test_paragraphs_follow_the_law_of_the_start_date():
    before = case_state([E("report_received", "2025-06-30")], D("2025-07-01"))
    after = case_state([E("report_received", "2025-07-01")], D("2025-07-02"))
    assert "2001:453" in before.deadlines[1].source
    assert "2025:400" in after.deadlines[1].source


# --- issue 12: the deadline corrections ------------------------------------------------------------

MOVES = DeadlineConfig(protection_assessment_moves=True)


@pytest.mark.parametrize(
    "report_on, config, on, expected",
    [
        # "Genast" is no period under lag (1930:173): a report on julafton 2025 (Wed) is due that day.
        ("2025-12-24", DeadlineConfig(), "2025-12-27", ("2025-12-24", None, "overdue")),
        ("2026-06-20", DeadlineConfig(), "2026-06-21", ("2026-06-20", None, "overdue")),  # midsommardagen
        # a late report (the next day, prop. 2012/13:10 p. 60): juldagen 2026, still not moved
        ("2026-12-24", DeadlineConfig(protection_assessment_days=1), "2026-12-26", ("2026-12-25", None, "overdue")),
        # the municipality's other choice: moved by 2 § to Monday 2025-12-29
        ("2025-12-24", MOVES, "2025-12-27", ("2025-12-29", None, "open")),
    ],
)
def test_protection_assessment_is_not_moved_unless_chosen(report_on, config, on, expected):
    state = case_state([E("report_received", report_on)], D(on), config)
    assert table(state)[("protection_assessment", report_on)] == expected


def test_a_moved_protection_assessment_cites_2_paragraph_and_says_so():
    kept, = [d for d in case_state([E("report_received", "2025-12-24")], D("2025-12-27")).deadlines
             if d.kind == "protection_assessment"]
    assert kept.source == "SoL (2025:400) 20 kap. 1 §" and "flyttad" not in kept.why
    moved, = [d for d in case_state([E("report_received", "2025-12-24")], D("2025-12-27"), MOVES).deadlines
              if d.kind == "protection_assessment"]
    assert moved.source == "SoL (2025:400) 20 kap. 1 §; lag (1930:173) 2 §"
    assert "flyttad till 2025-12-29, lag (1930:173) 2 §" in moved.why


@pytest.mark.parametrize(
    "events, expected",
    [
        # two investigations open (Mon 03-02 and Mon 03-09, due 03-11 and 03-18 by 7 working days);
        # the second contact belongs to the second, which is still waiting for one
        ([E("investigation_opened", "2026-03-02"), E("investigation_opened", "2026-03-09"),
          E("first_contact", "2026-03-05"), E("first_contact", "2026-03-12")],
         {"2026-03-02": ("2026-03-11", "2026-03-05", "met"), "2026-03-09": ("2026-03-18", "2026-03-12", "met")}),
        # both contacts before the second opening: the second goes nowhere (with a note), not to the first
        ([E("investigation_opened", "2026-03-02"), E("first_contact", "2026-03-03"), E("first_contact", "2026-03-04"),
          E("investigation_opened", "2026-03-09")],
         {"2026-03-02": ("2026-03-11", "2026-03-03", "met"), "2026-03-09": ("2026-03-18", None, "overdue")}),
        # the earliest one is closed without contact: the contact goes to the open one
        ([E("investigation_opened", "2026-03-02"), E("investigation_opened", "2026-03-09"),
          E("investigation_closed", "2026-03-10", outcome="no_intervention"), E("first_contact", "2026-03-12")],
         {"2026-03-02": ("2026-03-11", None, "overdue"), "2026-03-09": ("2026-03-18", "2026-03-12", "met")}),
    ],
)
def test_first_contact_goes_to_the_investigation_still_waiting_for_one(events, expected):
    rows = table(case_state(events, D("2026-04-01")))
    assert {started: rows[("first_contact", started)] for started in expected} == expected


def test_a_first_contact_no_investigation_waits_for_is_noted():
    events = [E("investigation_opened", "2026-03-02"), E("first_contact", "2026-03-03"), E("first_contact", "2026-03-04")]
    state = case_state(events, D("2026-04-01"))
    assert table(state)[("first_contact", "2026-03-02")] == ("2026-03-11", "2026-03-03", "met")
    assert len(state.notes) == 1 and "2026-03-04" in state.notes[0] and "första kontakt" in state.notes[0]


@pytest.mark.parametrize(
    "reason, expected",
    [
        # placed Wed 2025-01-15; + 6 months = Tue 2025-07-15, not moved
        ("SoL", "SoL (2001:453) 6 kap. 8 §; lag (1930:173) 1 §"),
        ("", "SoL (2001:453) 6 kap. 8 §; lag (1930:173) 1 §"),
        ("LVU", "SoL (2001:453) 6 kap. 8 §; LVU (1990:52) 13 §; lag (1930:173) 1 §"),
    ],
)
def test_lvu_13_is_cited_only_for_lvu_placements(reason, expected):
    events = [E("intervention_started", "2025-01-15", intervention="residential", reason=reason)]
    review, = [d for d in case_state(events, D("2025-03-01")).deadlines if d.kind == "placement_review"]
    assert review.source == expected


@pytest.mark.parametrize(
    "events, kind, started, moved, says_moved",
    [
        # 2025-07-10 + 6 months = Sat 2026-01-10 -> Mon 2026-01-12: moved
        ([E("intervention_started", "2025-01-15", intervention="residential"), E("placement_reviewed", "2025-07-10")],
         "placement_review", "2025-07-10", True, True),
        ([E("intervention_started", "2025-01-15", intervention="residential")], "placement_review", "2025-01-15", False, False),
        # 2026-06-05 + 14 = midsommarafton -> Monday: moved; 2026-03-10 + 14 = Tue 03-24: not moved
        ([E("report_received", "2026-06-05")], "preliminary_assessment", "2026-06-05", True, True),
        ([E("report_received", "2026-03-10")], "preliminary_assessment", "2026-03-10", False, False),
        # opened 2025-10-31 + 4 months = Sat 2026-02-28 -> Mon 03-02: moved; 2026-02-24 -> Wed 06-24: not
        ([E("investigation_opened", "2025-10-31")], "investigation", "2025-10-31", True, True),
        ([E("investigation_opened", "2026-02-24")], "investigation", "2026-02-24", False, False),
        # a timely extension replaces the moved date by the board's own date: 2 § no longer applies
        # (the explanation still tells the history: moved first, then extended)
        ([E("investigation_opened", "2025-10-31"), E("investigation_extended", "2026-02-01", until="2026-04-30")],
         "investigation", "2025-10-31", False, True),
        # decision Thu 2026-12-17 + 7 = julafton -> Mon 12-28: moved
        ([E("report_received", "2026-12-10"), E("feedback_requested", "2026-12-10"),
          E("preliminary_decided", "2026-12-17", outcome="no_investigation")], "reporter_feedback", "2026-12-17", True, True),
    ],
)
def test_a_moved_deadline_cites_lag_1930_173_2_paragraph(events, kind, started, moved, says_moved):
    deadline, = [d for d in case_state(events, D("2027-02-01")).deadlines
                 if d.kind == kind and d.started_on == D(started)]
    assert ("lag (1930:173) 2 §" in deadline.source) is moved
    assert ("flyttad" in deadline.why) is says_moved


def test_opening_an_investigation_starts_the_reporter_feedback_week():
    # asked 2026-02-02; no preliminary_decided, the opening on Wed 02-04 is the decision: due Wed 02-11
    events = [E("report_received", "2026-02-02"), E("feedback_requested", "2026-02-02"),
              E("investigation_opened", "2026-02-04"), E("reporter_informed", "2026-02-10")]
    assert table(case_state(events, D("2026-03-01")))[("reporter_feedback", "2026-02-04")] == (
        "2026-02-11", "2026-02-10", "met")
