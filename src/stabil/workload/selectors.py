"""Reads of the workload area: the configuration in force and loads computed from the database.

The arithmetic is ``stabil.core.workload``; a case's phase on a day comes from
``stabil.core.caseflow`` applied to its events; a person's eligibility from
``stabil.core.eligibility``. Scoping (who may see which unit) is the caller's job, through
``stabil.accounts.policy``.

Used by other areas (keep stable): ``current_config``, ``case_snapshots``, ``decision_shares``,
``workload_on``, ``risk_history`` (points oldest first), ``allocation_for_case``, ``allocation_for_user``,
``units_overview``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import Q

from stabil.accounts.policy import scope_assignable_staff
from stabil.cases import selectors as case_selectors
from stabil.cases.selectors import case_pks_changed_after, case_states, overdue_counts_by_unit
from stabil.core import calendar
from stabil.core import eligibility as elig
from stabil.core.allocation import Candidate, NewCase, candidate_flags, suggest
from stabil.core.calibration import CO_PREFIX, Observation
from stabil.core.workload import (
    CLOSED,
    CO,
    DEFAULT_INTERVENTION_SHARE,
    DEFAULT_OPENING_SHARE,
    INVESTIGATION,
    MAIN,
    PRELIMINARY_ASSESSMENT,
    CaseAssignment,
    GroupLoad,
    PersonLoad,
    StaffCapacity,
    WorkloadResult,
    absence_share,
    capacity_hours,
    case_hours,
    compute_loads,
    expected_case_hours,
    group_load,
    load_ratio,
    projected_phases,
    work_type,
)
from stabil.core.workload import WorkloadConfig as ModelConfig
from stabil.staff.selectors import absences_overlapping, staff_members

from .models import CaseComplexity, ConfigVersion, RiskMeasure, TeamSettings, UnitSettings

#: How far ahead the board looks for overload ("in four weeks").
HORIZON_DAYS = 28
#: The decisions a unit's own history is read from when projecting phases.
HISTORY_DAYS = 365


def current_config_version() -> ConfigVersion | None:
    """Return the configuration version in force (the newest), or None before the first save."""
    return ConfigVersion.objects.order_by("-number").first()


def current_config() -> tuple[int | None, ModelConfig]:
    """Return (version number or None, configuration) in force; the core defaults before any save."""
    version = current_config_version()
    if version is None:
        return None, ModelConfig()
    return version.number, version.config()


def config_versions(limit: int = 50) -> list[ConfigVersion]:
    """Return the newest configuration versions with who saved them."""
    return list(ConfigVersion.objects.select_related("created_by").order_by("-number")[:limit])


def month_bounds(on: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the calendar month containing ``on``."""
    first = on.replace(day=1)
    last = calendar.add_days(calendar.add_months(first, 1), -1)
    return first, last


# -- cases ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseSnapshot:
    """An open case on a day: its phase, handlers (staff ids), complexity and running deadlines."""

    pk: int
    case_id: str
    unit: str
    category: str
    phase: str
    main: str | None
    co: str | None
    complexity: tuple[str, ...]
    due_on: dict[str, dt.date] = field(default_factory=dict)
    last_event_on: dt.date | None = None  # the case's last event of all (stored state); None when unknown
    started_on: dict[str, dt.date] = field(default_factory=dict)  # when each pending deadline's period began

    def assignment(self, role: str, phase: str | None = None) -> CaseAssignment:
        return CaseAssignment(self.case_id, phase or self.phase, role, self.category, self.complexity)


def case_snapshots(*, on: dt.date, unit_ids: Sequence[int] | None = None, case_pks: Sequence[int] | None = None,
                   include_closed: bool = False, progress=None) -> list[CaseSnapshot]:
    """Return the cases open on ``on`` (in these units, or these cases) with their phase on that day.

    The case timeline is the cases area's (``cases.selectors.case_states``: the stored state where it is
    exact for the day, else a replay of the events under the municipality's deadline rules); this adds the
    workload's own complexity markers, and "lvu" for a running placement under LVU. ``due_on`` and
    ``started_on`` hold each pending preliminary assessment's and investigation's due and start dates (the
    case's latest of a kind, when it has several).
    """
    states = case_states(on, unit_ids=unit_ids, case_pks=case_pks, kinds=(PRELIMINARY_ASSESSMENT, INVESTIGATION),
                         pending_only=True, include_closed=include_closed, lvu=True, progress=progress)
    markers = complexity_markers([state.pk for state in states], unit_ids=None if case_pks is not None else unit_ids)
    out = []
    for state in states:
        complexity = markers.get(state.pk, ())
        if state.under_lvu:
            complexity = complexity + ("lvu",)
        out.append(CaseSnapshot(
            state.pk, state.case_id, state.unit_code, state.category, state.phase, state.main_handler,
            state.co_handler, complexity, {d.kind: d.due_on for d in state.deadlines}, state.last_event_on,
            {d.kind: d.started_on for d in state.deadlines},
        ))
    return out


def complexity_markers(case_pks: Sequence[int], *, unit_ids: Sequence[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Return the complexity markers ("several_children", "interpreter") of these cases that have any.

    With ``unit_ids`` the markers are read by unit (a join the planner handles well) and kept for these cases.
    """
    wanted = set(case_pks)
    if unit_ids is not None:
        querysets = [CaseComplexity.objects.filter(case__unit_id__in=unit_ids)]
    elif len(wanted) > 5000:
        querysets = [CaseComplexity.objects.all()]
    else:
        ordered = sorted(wanted)
        querysets = [CaseComplexity.objects.filter(case_id__in=ordered[i:i + 900]) for i in range(0, len(ordered), 900)]
    markers: dict[int, tuple[str, ...]] = {}
    for queryset in querysets:
        for case_pk, several, interpreter in queryset.order_by().values_list("case_id", "several_children",
                                                                             "interpreter_needed"):
            if case_pk in wanted:
                markers[case_pk] = tuple(m for m, flag in (("several_children", several), ("interpreter", interpreter))
                                         if flag)
    return markers


def decision_shares(unit_ids: Sequence[int], on: dt.date) -> dict[int, tuple[float, float]]:
    """Return per unit (share of preliminary assessments that opened an investigation, share of
    investigations that ended in an intervention) over the year before ``on``; defaults without data.

    The shares are cached for an hour per unit and day, and recomputed as soon as any event is recorded
    (the newest event's key is part of the cache key).
    """
    newest = case_selectors.newest_event_pk()
    key = f"workload:shares:{on.isoformat()}:{newest}:{','.join(map(str, sorted(unit_ids)))}"
    cached = cache.get(key)
    if cached is None:
        cached = _decision_shares(unit_ids, on)
        cache.set(key, cached, 3600)
    return cached


def _decision_shares(unit_ids: Sequence[int], on: dt.date) -> dict[int, tuple[float, float]]:
    counts = case_selectors.decision_counts(unit_ids, on - dt.timedelta(days=HISTORY_DAYS), on)
    out = {}
    for unit_id in unit_ids:
        opened = counts.get((unit_id, "preliminary_decided", "investigation"), 0)
        not_opened = counts.get((unit_id, "preliminary_decided", "no_investigation"), 0)
        with_int = counts.get((unit_id, "investigation_closed", "intervention"), 0)
        without = counts.get((unit_id, "investigation_closed", "no_intervention"), 0)
        out[unit_id] = (
            opened / (opened + not_opened) if opened + not_opened >= 10 else DEFAULT_OPENING_SHARE,
            with_int / (with_int + without) if with_int + without >= 10 else DEFAULT_INTERVENTION_SHARE,
        )
    return out


# -- staff ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffInfo:
    """What the board and allocation show about a person besides the numbers."""

    pk: int
    staff_id: str
    name: str
    unit: str
    unit_id: int
    team: str
    role: str
    employment: str
    eligibility: elig.Eligibility


def staff_capacities(*, on: dt.date, unit_ids: Sequence[int] | None = None, staff_pks: Sequence[int] | None = None,
                     absence_on: dt.date | None = None) -> tuple[list[StaffCapacity], dict[str, StaffInfo]]:
    """Return the caseworkers employed on ``on`` (these units or people) as model inputs, and their info.

    Absence is counted over the calendar month containing ``absence_on`` (default ``on``).
    """
    qs = staff_members().filter(role__in=elig.CASELOAD_ROLES, started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if staff_pks is not None:
        qs = qs.filter(pk__in=staff_pks)
    rows = list(qs.values_list(
        "pk", "staff_id", "name", "unit_id", "unit__code", "team_id", "team__code", "role", "employment", "fte",
        "degree", "experience_years", "started_on", "ended_on",
    ))
    admin_units = set(UnitSettings.objects.filter(admin_support=True).values_list("unit_id", flat=True))
    supervisees: dict[int, int] = {}
    for row in rows:
        if row[7] == "caseworker" and row[5] is not None:
            supervisees[row[5]] = supervisees.get(row[5], 0) + 1
    first, last = month_bounds(absence_on or on)
    absences = absences_overlapping([r[0] for r in rows], first, last)
    people: list[StaffCapacity] = []
    info: dict[str, StaffInfo] = {}
    for (pk, staff_id, name, unit_id, unit, team_id, team, role, employment, fte, degree, experience, started_on,
         ended_on) in rows:
        profile = elig.StaffProfile(degree, employment, role, float(experience), started_on, ended_on)
        verdict = elig.eligibility_on(profile, on)
        people.append(StaffCapacity(
            staff_id=staff_id,
            fte=float(fte),
            absence_share=absence_share(absences.get(pk, ()), first, last, calendar.is_working_day),
            admin_support=unit_id in admin_units,
            experience_years=verdict.experience_years,
            trainee=employment == "trainee",
            supervisees=supervisees.get(team_id, 0) if role == "team_lead" else 0,
            unit=unit,
            team=team or "",
        ))
        info[staff_id] = StaffInfo(pk, staff_id, name, unit, unit_id, team or "", role, employment, verdict)
    return people, info


# -- loads ----------------------------------------------------------------------------------

@dataclass
class WorkloadView:
    """Loads on a day for a set of units, with what the board and reports need besides."""

    on: dt.date
    config_version: int | None
    config: ModelConfig
    result: WorkloadResult
    info: dict[str, StaffInfo]
    cases_by_staff: dict[str, list[CaseAssignment]]
    snapshots: list[CaseSnapshot]


def workload_on(*, on: dt.date, unit_ids: Sequence[int] | None, config: ModelConfig | None = None,
                version: int | None = None, progress=None, later: WorkloadView | None = None) -> WorkloadView:
    """Return the loads of the caseworkers of these units on ``on``.

    ``unit_ids`` None means every unit. ``later``: the same units' view on a later day. A case whose last event is on or before ``on``
    looks the same on both days, so only the cases with events after ``on`` are read again.
    """
    if config is None:
        version, config = current_config()
    people, info = staff_capacities(on=on, unit_ids=unit_ids)
    if later is not None and later.on >= on:
        reused = [s for s in later.snapshots if s.last_event_on is not None and s.last_event_on <= on]
        changed = case_pks_changed_after(on, unit_ids=unit_ids)
        snapshots = reused + (case_snapshots(on=on, case_pks=changed, progress=progress) if changed else [])
    else:
        snapshots = case_snapshots(on=on, unit_ids=unit_ids, progress=progress)
    by_staff: dict[str, list[CaseAssignment]] = {}
    for snap in snapshots:
        if snap.main:
            by_staff.setdefault(snap.main, []).append(snap.assignment(MAIN))
        if snap.co and snap.co != snap.main:
            by_staff.setdefault(snap.co, []).append(snap.assignment(CO))
    result = compute_loads(config, people, by_staff)
    return WorkloadView(on, version, config, result, info, by_staff, snapshots)


def report_data(view: WorkloadView) -> dict:
    """Return the `stabil report workload` JSON object (docs/cli-workload.md)."""
    staff = []
    for p in view.result.people:
        row = p.to_dict()
        staff.append({k: row[k] for k in ("staff_id", "unit", "team", "cases_main", "cases_co", "demand_hours",
                                          "capacity_hours", "load", "status")})
    units = []
    for u in view.result.units:
        row = u.to_dict()
        units.append({"unit": row.pop("code"), **row})
    return {"on": view.on.isoformat(), "config_version": view.config_version, "staff": staff, "units": units}


@dataclass(frozen=True)
class BoardRow:
    person: PersonLoad
    info: StaffInfo
    trend_load: float | None  # load four weeks ago
    future_load: float | None  # expected load in four weeks
    future_status: str
    future_capacity_hours: float


@dataclass
class Board:
    on: dt.date
    horizon_on: dt.date
    unit: GroupLoad | None
    future_unit_load: float | None
    rows: list[BoardRow]
    config_version: int | None
    config: ModelConfig
    overloaded_now: list[str]
    overloaded_future: list[str]
    teams: list[GroupLoad] = field(default_factory=list)


def board_for_unit(*, unit_id: int, on: dt.date) -> Board:
    """Return the manager's board for one unit: load today, four weeks ago and expected in four weeks."""
    version, config = current_config()
    now = workload_on(on=on, unit_ids=[unit_id], config=config, version=version)
    past_on = on - dt.timedelta(days=HORIZON_DAYS)
    past = workload_on(on=past_on, unit_ids=[unit_id], config=config, version=version, later=now)
    past_loads = {p.staff_id: p.load for p in past.result.people}
    horizon = on + dt.timedelta(days=HORIZON_DAYS)
    # Capacity in four weeks: known absence in that month; people who have left by then have none.
    future_people, _info = staff_capacities(on=horizon, unit_ids=[unit_id])
    future_capacity = {p.staff_id: capacity_hours(config, p) for p in future_people}
    opening, intervention = decision_shares([unit_id], on)[unit_id]
    future_demand: dict[str, float] = {}
    for snap in now.snapshots:
        phases = projected_phases(snap.phase, snap.due_on, horizon, opening_share=opening,
                                  intervention_share=intervention)
        for staff_id, role in ((snap.main, MAIN), (snap.co, CO)):
            if staff_id and not (role == CO and staff_id == snap.main):
                future_demand[staff_id] = future_demand.get(staff_id, 0.0) + expected_case_hours(
                    config, snap.assignment(role), phases)
    rows = []
    for person in now.result.people:
        cap = future_capacity.get(person.staff_id, 0.0)
        demand = future_demand.get(person.staff_id, 0.0)
        future = load_ratio(demand, cap)
        rows.append(BoardRow(person, now.info[person.staff_id], past_loads.get(person.staff_id), future,
                             config.status(future, demand), cap))
    rows.sort(key=lambda r: (-(r.person.load if r.person.load is not None else 99), r.person.staff_id))
    unit = now.result.units[0] if now.result.units else None
    total_future_cap = sum(r.future_capacity_hours for r in rows)
    return Board(
        on=on, horizon_on=horizon, unit=unit,
        future_unit_load=load_ratio(sum(future_demand.get(r.person.staff_id, 0.0) for r in rows), total_future_cap),
        rows=rows, config_version=version, config=config,
        overloaded_now=[r.person.staff_id for r in rows if r.person.status == "red"],
        overloaded_future=[r.info.staff_id for r in rows if r.future_status == "red"],
        teams=now.result.teams,
    )


@dataclass(frozen=True)
class UnitOverview:
    """One unit on a day, in the figures of its board: load (None: no caseworkers that day), consultants
    among its caseworkers, open cases, investigations, open cases without a main caseworker, overdue deadlines."""

    code: str
    name: str
    load: GroupLoad | None
    consultants: int
    open_cases: int
    investigations: int
    unassigned: int
    overdue_deadlines: int


@dataclass
class Overview:
    """Several units side by side on ``on`` (capacity counts the absence of the month ``month_first`` to
    ``month_last``), and all of them together (``total``: the load of all their caseworkers; ``fte_needed``
    the sum of the units' needs, as each unit reaches the target on its own)."""

    on: dt.date
    month_first: dt.date
    month_last: dt.date
    config_version: int | None
    config: ModelConfig
    units: list[UnitOverview]
    total: UnitOverview


def units_overview(*, units: Sequence, on: dt.date) -> Overview:
    """Return ``units`` (organisation units, in the order given) side by side on ``on``, each with the
    figures its board shows (``board_for_unit``'s loads come from the same ``workload_on``), for a
    department head comparing his units. Aggregates only; the caller scopes ``units``."""
    version, config = current_config()
    view = workload_on(on=on, unit_ids=[u.pk for u in units], config=config, version=version)
    loads = {group.code: group for group in view.result.units}
    consultants: dict[str, int] = {}
    for info in view.info.values():
        if info.employment == "consultant":
            consultants[info.unit] = consultants.get(info.unit, 0) + 1
    open_cases: dict[str, int] = {}
    investigations: dict[str, int] = {}
    unassigned: dict[str, int] = {}
    for snap in view.snapshots:
        open_cases[snap.unit] = open_cases.get(snap.unit, 0) + 1
        investigations[snap.unit] = investigations.get(snap.unit, 0) + (snap.phase == INVESTIGATION)
        unassigned[snap.unit] = unassigned.get(snap.unit, 0) + (snap.main is None)
    overdue = overdue_counts_by_unit([u.pk for u in units], on)
    rows = [UnitOverview(u.code, u.name, loads.get(u.code), consultants.get(u.code, 0), open_cases.get(u.code, 0),
                         investigations.get(u.code, 0), unassigned.get(u.code, 0), overdue.get(u.code, 0))
            for u in units]
    everyone = group_load(config, "", view.result.people) if view.result.people else None
    if everyone is not None:
        everyone = replace(everyone, fte_needed=sum(r.load.fte_needed for r in rows if r.load))
    total = UnitOverview("", "", everyone, *(sum(getattr(r, name) for r in rows) for name in (
        "consultants", "open_cases", "investigations", "unassigned", "overdue_deadlines")))
    first, last = month_bounds(on)
    return Overview(on, first, last, version, config, rows, total)


def risk_history(*, unit_id: int, on: dt.date, months: int = 12) -> list[dict]:
    """Return, for the last ``months`` month-ends up to ``on`` (and ``on`` itself), the unit's load
    and the share of staff above the amber and red thresholds."""
    version, config = current_config()
    points = []
    first_of_month = on.replace(day=1)
    days = [calendar.add_days(calendar.add_months(first_of_month, -k), -1) for k in range(months - 1, -1, -1)]
    days.append(on)
    later = None
    for day in reversed(days):  # newest first, so each day reuses the unchanged cases of the next
        view = workload_on(on=day, unit_ids=[unit_id], config=config, version=version, later=later)
        later = view
        unit = view.result.units[0] if view.result.units else None
        points.append({
            "on": day,
            "staff_count": unit.staff_count if unit else 0,
            "load": unit.load if unit else None,
            "share_amber_or_red": unit.share_amber_or_red if unit else 0.0,
            "share_red": unit.share_red if unit else 0.0,
        })
    return points[::-1]


# -- allocation -----------------------------------------------------------------------------

def team_work_types() -> dict[str, frozenset[str]]:
    """Return team code -> the work types it works with (teams without settings are absent)."""
    return {
        code: frozenset(types)
        for code, types in TeamSettings.objects.values_list("team__code", "work_types")
        if types
    }


def previous_handlers_of_child(child_id: int, exclude_case_pk: int) -> set[str]:
    """Return the staff ids who handled the child's other cases."""
    return case_selectors.handlers_of_child(child_id, except_case_pk=exclude_case_pk)


@dataclass
class Allocation:
    case_id: str
    on: dt.date
    unit: str
    phase: str
    role: str
    needs_decision_maker: bool
    result: object  # core.allocation.AllocationResult
    info: dict[str, StaffInfo]
    config_version: int | None

    def to_dict(self) -> dict:
        data = self.result.to_dict()
        for s in data["suggestions"]:
            i = self.info.get(s["staff_id"])
            s["unit"], s["team"] = (i.unit, i.team) if i else ("", "")
        return {"case_id": self.case_id, "on": self.on.isoformat(), "unit": self.unit, "phase": self.phase,
                "role": self.role, "needs_decision_maker": self.needs_decision_maker,
                "config_version": self.config_version, "added_hours": data["added_hours"],
                "suggestions": data["suggestions"], "excluded": data["excluded"]}


def allocation_for_case(*, case, on: dt.date, role: str = MAIN, limit: int | None = 10,
                        needs_decision_maker: bool | None = None,
                        staff_ids: Collection[str] | None = None) -> Allocation:
    """Return ranked caseworkers of the case's unit for ``case`` on ``on`` (the manager decides).

    The case's weight comes from its phase on the day (a case with no events yet counts as a
    preliminary assessment). The case's current handlers' demand excludes the case itself. By
    default a main caseworker in a preliminary assessment must be a decision maker (the decision
    whether to open an investigation is taken on delegation). ``staff_ids``: only these people are
    considered (suggested or listed as excluded); None means the whole unit (the command line).
    """
    version, config = current_config()
    snaps = case_snapshots(on=on, case_pks=[case.pk], include_closed=True)
    if snaps:
        snap = snaps[0]
        phase, complexity = snap.phase, snap.complexity
    else:
        phase, complexity = PRELIMINARY_ASSESSMENT, ()
    if phase == CLOSED:
        raise ValueError(f"Ärendet {case.case_id} är avslutat {on.isoformat()} och kan inte fördelas")
    if needs_decision_maker is None:
        needs_decision_maker = role == MAIN and phase == PRELIMINARY_ASSESSMENT
    view = workload_on(on=on, unit_ids=[case.unit_id], config=config, version=version)
    work_types = team_work_types()
    knows = previous_handlers_of_child(case.child_id, case.pk)
    team_code = ""
    if case.main_handler_id and role == CO:
        team_code = view.info.get(case.main_handler.staff_id).team if case.main_handler.staff_id in view.info else ""

    ahead_end = on + dt.timedelta(days=HORIZON_DAYS)
    absences = absences_overlapping([i.pk for i in view.info.values()], on, ahead_end)
    candidates = []
    for person in view.result.people:
        info = view.info[person.staff_id]
        demand = person.demand_hours
        # The case is already on this person's list: take it out before adding it again.
        for a in view.cases_by_staff.get(person.staff_id, ()):
            if a.case_id == case.case_id:
                demand -= case_hours(config, a)
        if staff_ids is not None and person.staff_id not in staff_ids:
            continue  # outside the allocating user's scope: neither suggested nor shown
        if role == CO and case.main_handler_id and info.pk == case.main_handler_id:
            continue  # the main caseworker cannot also be the co-handler
        candidates.append(Candidate(
            staff_id=person.staff_id, demand_hours=demand, capacity_hours=person.capacity_hours,
            unit=person.unit, team=person.team, work_types=work_types.get(person.team, frozenset()),
            knows_child=person.staff_id in knows, **candidate_flags(info.eligibility),
            absence_ahead=absence_share(absences.get(info.pk, ()), on, ahead_end, calendar.is_working_day),
        ))
    result = suggest(config, NewCase(case.case_id, phase, case.category, complexity, case.unit.code, team_code,
                                     needs_decision_maker), candidates, role=role, limit=limit)
    return Allocation(case.case_id, on, case.unit.code, phase, role, needs_decision_maker, result, view.info,
                      version)


def allocation_for_user(*, user, case, on: dt.date, role: str = MAIN, limit: int | None = 10) -> Allocation:
    """Return ``allocation_for_case`` limited to the people ``user`` may allocate to (the access policy's
    ``scope_assignable_staff``: the same people as the user's workload board)."""
    allowed = set(scope_assignable_staff(user, staff_members().filter(unit_id=case.unit_id))
                  .values_list("staff_id", flat=True))
    return allocation_for_case(case=case, on=on, role=role, limit=limit, staff_ids=allowed)


def register_observations(recorded, *, on: dt.date, months: float = 1.0):
    """Return calibration observations for recorded hours per person, with each person's open cases on
    ``on`` (the middle of the period) counted by work type as main caseworker and (``co:<type>``) as
    co-handler, and the Swedish errors for people not in the register."""
    view = workload_on(on=on, unit_ids=None)
    observations, errors = [], []
    for row in recorded:
        if row.person not in view.info:
            errors.append(f"{row.person}: finns inte bland handläggarna {on.isoformat()}")
            continue
        counts: dict[str, float] = {}
        for a in view.cases_by_staff.get(row.person, ()):
            key = work_type(a.phase, a.category)
            if key is None:
                continue
            key = key if a.role == MAIN else CO_PREFIX + key
            counts[key] = counts.get(key, 0.0) + 1.0
        observations.append(Observation(row.person, row.hours / months, counts))
    return observations, errors


def risk_measures() -> list[RiskMeasure]:
    """Return the workload risk assessment's measures, by status and due date (for the governance risk register)."""
    return list(RiskMeasure.objects.select_related("unit").order_by("status", "due_on", "pk"))
