"""Reads for the staff area: the register, dated situations, and the per-unit staff report.

The statistics themselves are computed in ``stabil.core.staffstats`` and the competence rule in
``stabil.core.eligibility``; this module only turns rows into their plain records. Reports for a
past period use the situation of that period: a person's unit, team, role, employment, FTE and
cost come from ``StaffChange`` rows (dated), falling back on the ``StaffMember`` row itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet

from stabil.core import staffstats, suppression
from stabil.core.calendar import is_working_day
from stabil.core.eligibility import CASELOAD_ROLES, Eligibility, StaffProfile, eligibility_on
from stabil.core.staffstats import (
    AbsenceOccasion,
    Period,
    Position,
    Stint,
    WorkingDays,
    hours_per_working_day,
)

from .models import (
    Absence,
    AbsenceKind,
    CompetenceAssessment,
    Employment,
    ExitInterview,
    KnowledgeArea,
    Overtime,
    StaffChange,
    StaffMember,
    UnitStaffing,
    person_label,  # noqa: F401  (re-exported: the one display of a person, for other areas)
)
from .rules import PSEUDONYM_PREFIX, StoredPerson

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Segment:
    """A span of a person's employment with one situation (unit, team, role, employment, FTE, cost)."""

    staff_pk: int
    first_day: date
    last_day: date | None
    unit_id: int
    team_id: int | None
    role: str
    employment: str
    fte: float
    monthly_cost_sek: float


_MEMBER_FIELDS = ("pk", "staff_id", "unit_id", "team_id", "role", "employment", "fte", "monthly_cost_sek",
                  "started_on", "ended_on", "exit_reason", "degree", "experience_years")


def segments_for(members: Iterable[dict], changes: Iterable[dict]) -> dict[int, list[Segment]]:
    """Return each person's segments, oldest first, from member rows and their dated changes."""
    by_staff: dict[int, list[dict]] = defaultdict(list)
    for change in changes:
        by_staff[change["staff_id"]].append(change)
    result: dict[int, list[Segment]] = {}
    for member in members:
        rows = sorted(by_staff.get(member["pk"], ()), key=lambda row: row["valid_from"])
        rows = [row for row in rows if member["ended_on"] is None or row["valid_from"] <= member["ended_on"]]
        if not rows or rows[0]["valid_from"] > member["started_on"]:
            # No history before the first change: the oldest known situation held from the start.
            first = rows[0] if rows else member
            rows.insert(0, {**first, "valid_from": member["started_on"]})
        segments = []
        for index, row in enumerate(rows):
            first_day = max(row["valid_from"], member["started_on"])
            last_day = rows[index + 1]["valid_from"] - ONE_DAY if index + 1 < len(rows) else member["ended_on"]
            if last_day is not None and last_day < first_day:
                continue
            segments.append(Segment(member["pk"], first_day, last_day, row["unit_id"], row["team_id"], row["role"],
                                    row["employment"], float(row["fte"]), float(row["monthly_cost_sek"])))
        result[member["pk"]] = segments
    return result


def _members_and_segments(period: Period, unit_ids: set[int] | None) -> tuple[dict[int, dict], dict[int, list[Segment]]]:
    """Return the members employed at some time in the period (and in the units) with their segments."""
    members_qs = StaffMember.objects.filter(started_on__lte=period.last_day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.first_day))
    changes_qs = StaffChange.objects.filter(staff__in=members_qs)
    if unit_ids is not None:
        moved = changes_qs.filter(unit_id__in=unit_ids).values("staff_id")
        members_qs = members_qs.filter(Q(unit_id__in=unit_ids) | Q(pk__in=moved))
        changes_qs = StaffChange.objects.filter(staff__in=members_qs)
    members = {row["pk"]: row for row in members_qs.values(*_MEMBER_FIELDS)}
    changes = changes_qs.order_by().values("staff_id", "valid_from", "unit_id", "team_id", "role", "employment", "fte",
                                "monthly_cost_sek")
    return members, segments_for(members.values(), changes)


def _segment_on(segments: list[Segment], day: date) -> Segment | None:
    for segment in segments:
        if segment.first_day <= day and (segment.last_day is None or day <= segment.last_day):
            return segment
    return None


def _stints(member: dict, segments: list[Segment]) -> Iterable[tuple[int, Stint]]:
    """Yield (unit_id, stint) for each unbroken stay in one unit, with how it began and ended."""
    current: list[Segment] = []
    for segment in segments + [None]:
        if current and (segment is None or segment.unit_id != current[0].unit_id):
            first, last = current[0], current[-1]
            joined_by = "hire" if first.first_day == member["started_on"] else "transfer"
            if last.last_day is None:
                left_by = None
            elif last.last_day == member["ended_on"]:
                left_by = "exit"
            else:
                left_by = "transfer"
            yield first.unit_id, Stint(first.first_day, last.last_day, joined_by, left_by,
                                       member["exit_reason"] if left_by == "exit" else None)
            current = []
        if segment is not None:
            current.append(segment)


def profile_of(member: dict | StaffMember, segment: Segment | None = None) -> StaffProfile:
    """Return the core profile of a member row (dict from values() or a model instance)."""
    get = member.get if isinstance(member, dict) else lambda name: getattr(member, name)
    return StaffProfile(
        degree=get("degree"),
        employment=segment.employment if segment else get("employment"),
        role=segment.role if segment else get("role"),
        experience_years=float(get("experience_years")),
        started_on=get("started_on"),
        ended_on=get("ended_on"),
    )


def eligibility_for(member: StaffMember, on: date) -> Eligibility:
    """Return the competence verdict for a staff member on a date (SoL 3 kap 3 a § / 25 kap 1 §)."""
    return eligibility_on(profile_of(member), on)


def main_handler_warning(main_handler: StaffMember | None, on: date) -> str | None:
    """Return a Swedish warning when a case's main handler may not be main handler on the date, else None.

    For the cases and workload areas: call it with ``case.main_handler`` and the day shown.
    """
    if main_handler is None:
        return None
    verdict = eligibility_for(main_handler, on)
    if verdict.may_be_main_handler:
        return None
    return f"Huvudhandläggaren {main_handler.staff_id} uppfyller inte kraven: " + " ".join(verdict.reasons)


def ineligible_main_handlers(members: QuerySet, on: date) -> list[tuple[StaffMember, Eligibility]]:
    """Return (member, verdict) for the members who may not be a main handler on the date."""
    result = []
    for member in members:
        verdict = eligibility_for(member, on)
        if member.role in CASELOAD_ROLES and not verdict.may_be_main_handler:
            result.append((member, verdict))
    return result


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def staff_report(first_day: date, last_day: date, units: Iterable) -> list[dict]:
    """Return the staff report per unit for the period: the JSON of ``stabil report staff``.

    ``units`` are Unit instances (already scoped by the caller). Employees and consultants are apart:
    turnover, sick leave and overtime are the municipality's own employees'; consultants get their
    own block (count, share, cost against the permanent equivalent) and their own sick-leave bands.
    """
    period = Period(first_day, last_day)
    units = list(units)
    unit_ids = {unit.pk for unit in units}
    members, segments = _members_and_segments(period, unit_ids)
    working_days = WorkingDays(first_day, last_day, is_working_day)

    stints: dict[int, list[Stint]] = defaultdict(list)
    scheduled: dict[int, list[tuple[date, date | None, float]]] = defaultdict(list)
    positions: dict[int, list[Position]] = defaultdict(list)
    profiles: dict[int, list[StaffProfile]] = defaultdict(list)
    for pk, member in members.items():
        member_segments = segments[pk]
        if not member_segments:
            continue
        for unit_id, stint in _stints(member, member_segments):
            if unit_id in unit_ids and member_segments[0].employment != Employment.CONSULTANT:
                stints[unit_id].append(stint)
        for segment in member_segments:
            if segment.unit_id not in unit_ids or period.overlap(segment.first_day, segment.last_day) is None:
                continue
            positions[segment.unit_id].append(Position(segment.first_day, segment.last_day, segment.employment,
                                                       segment.fte, segment.monthly_cost_sek, segment.role))
            if segment.employment != Employment.CONSULTANT:
                scheduled[segment.unit_id].append((segment.first_day, segment.last_day,
                                                   hours_per_working_day(segment.fte)))
        on_last = _segment_on(member_segments, last_day)
        if on_last is not None and on_last.unit_id in unit_ids:
            profiles[on_last.unit_id].append(profile_of(member, on_last))

    sick: dict[int, list[AbsenceOccasion]] = defaultdict(list)
    consultant_sick: dict[int, list[AbsenceOccasion]] = defaultdict(list)
    # order_by(): the model's default ordering would join the staff table and sort 40,000 rows for nothing.
    absences = Absence.objects.filter(kind=AbsenceKind.SICK, staff_id__in=list(members),
                                      first_day__lte=last_day, last_day__gte=first_day).order_by()
    for staff_pk, absence_first, absence_last, extent in absences.values_list(
            "staff_id", "first_day", "last_day", "extent").iterator(chunk_size=5000):
        segment = _segment_on(segments[staff_pk], max(absence_first, first_day))
        if segment is None or segment.unit_id not in unit_ids:
            continue
        occasion = AbsenceOccasion(absence_first, absence_last, float(extent), hours_per_working_day(segment.fte))
        target = consultant_sick if segment.employment == Employment.CONSULTANT else sick
        target[segment.unit_id].append(occasion)

    overtime: dict[int, list[tuple[date, str, float]]] = defaultdict(list)
    for staff_pk, worked_on, kind, hours in Overtime.objects.filter(
            staff_id__in=list(members), worked_on__range=(first_day, last_day)).order_by().values_list(
            "staff_id", "worked_on", "kind", "hours"):
        segment = _segment_on(segments[staff_pk], worked_on)
        if segment is not None and segment.unit_id in unit_ids and segment.employment != Employment.CONSULTANT:
            overtime[segment.unit_id].append((worked_on, kind, float(hours)))

    budgets = budgeted_fte_on(last_day, unit_ids)
    report = []
    for unit in sorted(units, key=lambda u: u.code):
        moves = staffstats.turnover(stints[unit.pk], period)
        leave = staffstats.sick_leave(sick[unit.pk], period, working_days=working_days,
                                      scheduled=scheduled[unit.pk])
        consultants = staffstats.consultant_summary(positions[unit.pk], period, budgeted_fte=budgets.get(unit.pk))
        shares = staffstats.competence_shares(profiles[unit.pk], last_day)
        hours = staffstats.overtime_totals(overtime[unit.pk], period)
        report.append({
            "unit": unit.code,
            "unit_name": unit.name,
            "from": first_day.isoformat(),
            "to": last_day.isoformat(),
            "turnover": {
                "started": moves.started,
                "ended": moves.ended,
                "average_headcount": round(moves.average_headcount, 2),
                "rate": _rounded(moves.rate),
                "net_change": moves.net_change,
                "transfers_in": moves.transfers_in,
                "transfers_out": moves.transfers_out,
            },
            "exit_reasons": moves.exit_reasons,
            "sick_leave": leave.as_dict(),
            "sick_hours": {
                "hours": round(leave.hours, 2),
                "scheduled_hours": round(leave.scheduled_hours, 2),
                "share": _rounded(leave.share_of_scheduled),
            },
            "overtime": {"fill_in_hours": round(hours["fill_in"], 2), "overtime_hours": round(hours["overtime"], 2)},
            "consultants": {
                "count": consultants.consultants,
                "fte": round(consultants.consultant_fte, 2),
                "share": _rounded(consultants.share),
                "filled_fte": round(consultants.total_fte, 2),
                "budgeted_fte": consultants.budgeted_fte,
                "vacancies_fte": _rounded(consultants.vacancies_fte, 2),
                "cost_sek": round(consultants.consultant_cost_sek),
                "permanent_equivalent_cost_sek": (None if consultants.permanent_equivalent_cost_sek is None
                                                  else round(consultants.permanent_equivalent_cost_sek)),
                "cost_ratio": _rounded(consultants.cost_ratio, 2),
                "sick_leave": staffstats.sick_leave(consultant_sick[unit.pk], period,
                                                    working_days=working_days).as_dict(),
            },
            "eligibility": {"on": last_day.isoformat(), **{k: _rounded(v) if isinstance(v, float) else v
                                                           for k, v in shares.as_dict().items()}},
        })
    return report


def budgeted_fte_on(day: date, unit_ids: Iterable[int]) -> dict[int, float]:
    """Return each unit's budgeted FTE (positions) in force on the day, where one is set."""
    result: dict[int, float] = {}
    rows = UnitStaffing.objects.filter(unit_id__in=list(unit_ids), valid_from__lte=day).order_by("valid_from")
    for unit_id, fte in rows.values_list("unit_id", "budgeted_fte"):
        result[unit_id] = float(fte)
    return result


def exit_interview_analysis(first_day: date, last_day: date, units: Iterable) -> list[dict]:
    """Return exit interviews compiled per unit: interviews held, main reasons and all reasons mentioned."""
    period = Period(first_day, last_day)
    units = sorted(units, key=lambda u: u.code)
    interviews = ExitInterview.objects.filter(
        held_on__range=(period.first_day, period.last_day), staff__unit__in=units).values_list(
        "staff__unit_id", "main_reason", "other_reasons", "held_on", "comment").order_by("held_on")
    grouped: dict[int, list[tuple[str, list[str]]]] = defaultdict(list)
    comments: dict[int, list[tuple[date, str, str]]] = defaultdict(list)
    for unit_id, main_reason, other_reasons, held_on, comment in interviews:
        grouped[unit_id].append((main_reason, list(other_reasons or [])))
        if comment:
            comments[unit_id].append((held_on, main_reason, comment))
    result = []
    for unit in units:
        rows = grouped[unit.pk]
        mentioned = staffstats.compile_exit_reasons(
            [reason for main, others in rows for reason in {main, *others}])
        result.append({
            "unit": unit.code,
            "unit_name": unit.name,
            "interviews": len(rows),
            "main_reasons": staffstats.compile_exit_reasons(main for main, _ in rows),
            "mentioned": mentioned,
            "comments": comments[unit.pk],
        })
    return result


#: The reasons shown as columns of the exit-interview tables ("" = not given is not a column).
SHOWN_EXIT_REASONS = tuple(code for code in staffstats.EXIT_REASON_LABELS_SV if code)


def public_exit_interviews(analysis: list[dict],
                           threshold: int) -> tuple[list[dict], dict[str, suppression.Cell]]:
    """Return the exit-interview analysis as roles other than HR may see it, and the published totals.

    ``core.suppression`` rule 5: a unit with at most ``threshold`` interviews shows no reasons at
    all; elsewhere a reason mentioned by 1..threshold people is suppressed, and a total over the
    units is hidden when a unit's count in it is. The number of interviews is left out (each one
    mentions at least one reason, so it would bound the hidden counts from below), and so are the
    comments' dates and main reasons: comments are listed, sorted, only for units above the threshold.
    """
    counts = {entry["unit"]: {code: entry["mentioned"].get(code, 0) for code in SHOWN_EXIT_REASONS}
              for entry in analysis}
    small = {entry["unit"] for entry in analysis if suppression.is_small(entry["interviews"], threshold)}
    table = suppression.suppress_table(counts, threshold, columns=SHOWN_EXIT_REASONS, hide_rows=small)
    rows = []
    for entry in analysis:
        rows.append({
            "unit": entry["unit"], "unit_name": entry["unit_name"],
            "mentioned": {code: table.cells[entry["unit"]][code].to_public() for code in SHOWN_EXIT_REASONS},
            "comments": [] if entry["unit"] in small else sorted(comment for _on, _reason, comment
                                                                   in entry["comments"]),
        })
    return rows, dict(table.column_totals)


def active_members(units: Iterable, on: date) -> QuerySet:
    """Return the staff members of the units employed on the date (current unit)."""
    return StaffMember.objects.filter(unit__in=list(units), started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def latest_levels(members: Iterable[StaffMember], on: date) -> dict[tuple[int, int], int]:
    """Return {(staff pk, area pk): level} from each person's latest assessment on or before the date."""
    levels: dict[tuple[int, int], int] = {}
    rows = CompetenceAssessment.objects.filter(staff__in=list(members), assessed_on__lte=on).order_by(
        "assessed_on").values_list("staff_id", "area_id", "level")
    for staff_pk, area_pk, level in rows:
        levels[(staff_pk, area_pk)] = level  # later assessments overwrite earlier ones
    return levels


def competence_profile(units: Iterable, on: date) -> list[dict]:
    """Return per knowledge area: staff at each level, not assessed, and below the expected level (the gap)."""
    members = list(active_members(units, on).exclude(role="administrator"))
    levels = latest_levels(members, on)
    profile = []
    for area in KnowledgeArea.objects.all():
        counts = {1: 0, 2: 0, 3: 0}
        missing = below = 0
        for member in members:
            level = levels.get((member.pk, area.pk))
            if level is None:
                missing += 1
                continue
            counts[level] += 1
            below += level < area.target_level
        profile.append({"area": area, "basic": counts[1], "good": counts[2], "very_good": counts[3],
                        "not_assessed": missing, "below_target": below, "staff": len(members)})
    return profile


def cases_with_ineligible_main_handler(cases: QuerySet, on: date) -> list[tuple[object, str]]:
    """Return (case, Swedish warning) for the open cases whose main handler may not be main handler on the date.

    ``cases`` must already be scoped by the caller (``scope_cases``); closed cases are left out. The
    verdict is computed once per handler.
    """
    open_cases = cases.filter(main_handler__isnull=False).exclude(state__phase="closed").select_related(
        "main_handler", "unit").order_by("unit__code", "case_id")
    warnings: dict[int, str | None] = {}
    result = []
    for case in open_cases:
        if case.main_handler_id not in warnings:
            warnings[case.main_handler_id] = main_handler_warning(case.main_handler, on)
        if warnings[case.main_handler_id]:
            result.append((case, warnings[case.main_handler_id]))
    return result


def staff_member_of_user(user) -> StaffMember | None:
    """Return the staff record linked to ``user``'s account (``StaffMember.user``), or None.

    For the user's own pages ("Mina ärenden"): everyone may see their own record (``scope_staff``).
    """
    if not (user and user.is_authenticated):
        return None
    return StaffMember.objects.select_related("unit", "team").filter(user=user).first()


def names_for(staff_ids: Iterable[str]) -> dict[str, str]:
    """Staff id -> name for the given ids (one query; ids without a stored name are left out).

    For pages that only have staff id strings (core states, allocation suggestions); the caller shows and
    logs only ids it may show.
    """
    ids = {staff_id for staff_id in staff_ids if staff_id}
    if not ids:
        return {}
    return dict(StaffMember.objects.filter(staff_id__in=ids).exclude(name="").values_list("staff_id", "name"))


def stored_ids_among(values: Collection[str]) -> list[str]:
    """Which of ``values`` are stored staff ids (for logging what a text names)."""
    return list(StaffMember.objects.filter(staff_id__in=values).values_list("staff_id", flat=True))


def stored_people(members: Iterable[StaffMember]) -> dict[int, StoredPerson]:
    """Return, per stored person (by pk), what ``rules`` checks a change against: employment dates, the
    latest dated change and the exit interview's date (two queries; chunked for SQLite's parameter limit)."""
    members = list(members)
    pks = [member.pk for member in members]
    latest: dict[int, date] = {}
    interviews: dict[int, date] = {}
    for start in range(0, len(pks), 900):
        chunk = pks[start:start + 900]
        latest.update(StaffChange.objects.filter(staff_id__in=chunk).values("staff_id").order_by()
                      .annotate(last=Max("valid_from")).values_list("staff_id", "last"))
        interviews.update(ExitInterview.objects.filter(staff_id__in=chunk).values_list("staff_id", "held_on"))
    return {member.pk: StoredPerson(member.started_on, member.ended_on, latest.get(member.pk),
                                    interviews.get(member.pk)) for member in members}


def exit_interview_window_of(member: StaffMember) -> tuple[date, date] | None:
    """Return the first and last day an exit interview of ``member`` may be held (None: no exit registered)."""
    return staffstats.exit_interview_window(member.ended_on) if member.ended_on else None


# --- for the other areas (they read staff here, never through ``staff.models``) ---------------------------


def staff_members() -> QuerySet:
    """Every staff member of the register: a queryset for the caller to narrow (and to scope with the access
    policy's ``scope_staff`` when a user sees it)."""
    return StaffMember.objects.all()


def member_by_staff_id(staff_id: str) -> StaffMember | None:
    """Return the staff member with this staff id, or None."""
    return StaffMember.objects.filter(staff_id=staff_id).first() if staff_id else None


def absences_overlapping(staff_pks: Iterable[int], first: date, last: date) -> dict[int, list[tuple[date, date, float]]]:
    """Return, per staff member (pk), their absences overlapping ``first``..``last``: (first day, last day, extent)."""
    out: dict[int, list[tuple[date, date, float]]] = {}
    for staff_pk, first_day, last_day, extent in Absence.objects.filter(
        staff_id__in=list(staff_pks), last_day__gte=first, first_day__lte=last
    ).values_list("staff_id", "first_day", "last_day", "extent"):
        out.setdefault(staff_pk, []).append((first_day, last_day, float(extent)))
    return out


# --- record-keeping (issue 15) ---------------------------------------------------------------------------------


def members_with_ids(staff_ids: Collection[str]) -> QuerySet:
    """The stored staff members with these ids (a queryset, for ``accounts.policy.scope_staff``)."""
    return StaffMember.objects.filter(staff_id__in=list(set(staff_ids)))


def staff_ids_of_users(usernames: Collection[str]) -> dict[str, str]:
    """User name -> the staff id linked to that account (``StaffMember.user``), for those that have one."""
    return dict(StaffMember.objects.filter(user__username__in=list(set(usernames)))
                .values_list("user__username", "staff_id"))


def retention_facts() -> tuple[list[tuple[str, int, date]], list[tuple[str, int, date]]]:
    """(people who have left: staff id, unit id, last day; exit interviews with a comment: staff id, unit id,
    date held), for retention (issue 15). People already pseudonymised are left out."""
    left = list(StaffMember.objects.filter(ended_on__isnull=False).exclude(staff_id__startswith=PSEUDONYM_PREFIX)
                .order_by("staff_id").values_list("staff_id", "unit_id", "ended_on"))
    comments = list(ExitInterview.objects.exclude(comment="").order_by("staff__staff_id")
                    .values_list("staff__staff_id", "staff__unit_id", "held_on"))
    return left, comments
