"""Writes for the staff area: new people, dated changes of a person's situation, exits, exit interviews,
competence.

Keyword-only functions taking the acting user as ``by`` (None from the command line). Each write
runs in one transaction and leaves an audit record, since it touches a person's data.

The HR pages' writes (``staff_register``, ``staff_change``, ``staff_register_exit``) take the fields as text,
as a staff file's row brings them, and check them with the staff file's own rules (``rules``); their scope
is ``accounts.policy.staff_write_scope`` (HR and unit managers in their units, central HR everywhere). Bad
input raises ``ValidationError`` with Swedish messages per field (the field names are the file's columns),
and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stabil.accounts.policy import check_capability, has_capability, staff_write_scope
from stabil.audit.changelog import delete_without_history, forget_history, update_without_history
from stabil.audit.services import record_access
from stabil.organisation.selectors import teams_by_code, units_by_code

from .models import (
    CompetenceAssessment,
    DevelopmentPlan,
    ExitInterview,
    ExitReason,
    KnowledgeArea,
    StaffChange,
    StaffMember,
)
from .rules import (
    PSEUDONYM_PREFIX,
    RowChecker,
    check_exit,
    check_situation_change,
    check_staff_record,
    interview_problem,
)
from .selectors import stored_people

#: The fields whose change is dated (kept as history) rather than overwritten.
SITUATION_FIELDS = ("unit", "team", "role", "employment", "fte", "monthly_cost_sek")
#: The fields that describe the person and are corrected in place.
PERSON_FIELDS = ("degree", "experience_years", "started_on", "ended_on", "exit_reason")


class StaffInputError(ValueError):
    """Bad input for a staff write; the message is Swedish."""


def staff_placeholders_create(*, by, members: list[tuple[str, int, dt.date]]) -> int:
    """Register staff known only by their id, each in a unit (pk) from a day: what an import of case events
    names before the staff register does (completed later in the register). Return how many were created."""
    StaffMember.objects.bulk_create([StaffMember(staff_id=staff_id, unit_id=unit_pk, started_on=started_on)
                                     for staff_id, unit_pk, started_on in members], batch_size=500)
    return len(members)


def _situation(member: StaffMember) -> dict:
    return {"unit_id": member.unit_id, "team_id": member.team_id, "role": member.role,
            "employment": member.employment, "fte": Decimal(member.fte),
            "monthly_cost_sek": Decimal(member.monthly_cost_sek)}


def _ensure_initial_change(member: StaffMember) -> None:
    """Store the person's current situation as history from the start date, if no history exists yet."""
    if not member.changes.exists():
        StaffChange.objects.create(staff=member, valid_from=member.started_on, **_situation(member))


@transaction.atomic
def staff_change_situation(*, by, member: StaffMember, valid_from: dt.date, unit=None, team=None,
                           role: str | None = None, employment: str | None = None, fte: Decimal | None = None,
                           monthly_cost_sek: Decimal | None = None, request=None) -> StaffChange:
    """Record a dated change of unit, team, role, employment, FTE or cost, and make it current.

    Reports for a period before ``valid_from`` keep using the earlier situation.
    """
    if valid_from < member.started_on:
        raise StaffInputError(f"ändringsdatum {valid_from} ligger före startdatum {member.started_on}")
    if member.ended_on is not None and valid_from > member.ended_on:
        raise StaffInputError(f"ändringsdatum {valid_from} ligger efter slutdatum {member.ended_on}")
    if fte is not None and not (Decimal(0) < fte <= Decimal(1)):
        raise StaffInputError("sysselsättningsgraden ska vara större än 0 och högst 1")
    _ensure_initial_change(member)
    base = (member.changes.filter(valid_from__lte=valid_from).order_by("-valid_from").first())
    situation = {
        "unit_id": unit.pk if unit is not None else base.unit_id,
        "team_id": team.pk if team is not None else (base.team_id if unit is None else None),
        "role": role or base.role,
        "employment": employment or base.employment,
        "fte": fte if fte is not None else base.fte,
        "monthly_cost_sek": monthly_cost_sek if monthly_cost_sek is not None else base.monthly_cost_sek,
    }
    change, _created = StaffChange.objects.update_or_create(staff=member, valid_from=valid_from, defaults=situation)
    latest = member.changes.order_by("-valid_from").first()
    for field, value in {"unit_id": latest.unit_id, "team_id": latest.team_id, "role": latest.role,
                         "employment": latest.employment, "fte": latest.fte,
                         "monthly_cost_sek": latest.monthly_cost_sek}.items():
        setattr(member, field, value)
    member.save()
    record_access(by=by, action="change", what=f"Förändring för medarbetare från {valid_from}",
                  objects=[member.staff_id], object_type="staff.staffmember", request=request)
    return change


def staff_apply_situation(*, by, member: StaffMember, record: dict, today: dt.date) -> str:
    """Apply one staff-file row to an existing person; return 'unchanged', 'updated' or 'dated_change'.

    Person fields are corrected in place. A different unit, team (when the row names one), role,
    employment, FTE or cost becomes a dated change from the import day (kept within the employment), so
    earlier periods keep theirs. A new unit without a team means no team.
    """
    outcome = "unchanged"
    fields = PERSON_FIELDS + (("name",) if record.get("name") else ())
    for field in fields:
        value = record[field]
        if field == "exit_reason":
            value = value or ""
        if getattr(member, field) != value:
            setattr(member, field, value)
            outcome = "updated"
    if outcome == "updated":
        member.save(update_fields=list(fields))
    new = {"unit_id": record["unit"].pk, "role": record["role"], "employment": record["employment"],
           "fte": record["fte"], "monthly_cost_sek": record["monthly_cost_sek"]}
    team = record.get("team")
    if team is not None:
        new["team_id"] = team.pk
    elif record["unit"].pk != member.unit_id:
        new["team_id"] = None
    old = {key: value for key, value in _situation(member).items() if key in new}
    if new != old:
        last_day = member.ended_on or today
        valid_from = max(member.started_on, min(today, last_day))
        staff_change_situation(by=by, member=member, valid_from=valid_from,
                               unit=record["unit"] if record["unit"].pk != member.unit_id else None,
                               team=team if team is not None and team.pk != member.team_id else None,
                               role=record["role"], employment=record["employment"], fte=record["fte"],
                               monthly_cost_sek=record["monthly_cost_sek"])
        outcome = "dated_change"
    return outcome


def _invalid(check: RowChecker) -> ValidationError:
    """The problems of a checked form as one ValidationError, by field (the file's column names)."""
    by_field: dict[str, list[str]] = {}
    for column, message in check.problems:
        by_field.setdefault(column, []).append(message)
    return ValidationError(by_field)


def _no_reason_unless_hr(by, check: RowChecker) -> None:
    """Exit reasons are HR's to record (``staff.exit_reasons``, as exit interviews are): refuse them from others."""
    if check.raw("exit_reason") and by is not None and not has_capability(by, "staff.exit_reasons"):
        check.problems.append(("exit_reason", _("avgångsorsaker registreras av HR")))


def _member_in_scope(by, member: StaffMember):
    """Return the acting user's write scope; PermissionDenied unless ``by`` may change ``member``."""
    check_capability(by, "staff.edit")
    scope = staff_write_scope(by)
    if not scope.covers_unit(member.unit_id):
        raise PermissionDenied
    return scope


def staff_register(*, by, values, request=None) -> StaffMember:
    """Register a new staff member from the fields of the staff file (``staff_id``, ``name``, ``unit``,
    ``team``, ``role``, ``employment``, ``fte``, ``degree``, ``experience_years``, ``started_on``,
    ``monthly_cost_sek``; ``ended_on`` and ``exit_reason`` when they have already left), with the staff
    file's rules, in a unit of ``by``'s write scope; return the person.

    A staff id that exists is refused without saying where. Raises ``ValidationError`` (Swedish, per field).
    """
    check_capability(by, "staff.edit")
    scope = staff_write_scope(by)
    units = units_by_code()
    check = RowChecker(values)
    staff_id = check.ident("staff_id")
    record = check_staff_record(check, staff_id=staff_id, scope=scope, units=units, teams=teams_by_code(),
                                today=timezone.localdate())
    _no_reason_unless_hr(by, check)
    if record["unit"] and record["unit"] not in units and not any(c == "unit" for c, _m in check.problems):
        # The file creates units it does not know; a form offers only existing ones.
        check.problems.append(("unit", _("enheten '%(unit)s' finns inte") % {"unit": record["unit"]}))
    taken = _("personal-id %(id)s kan inte användas: det finns redan en medarbetare med det id:t") % {"id": staff_id}
    if staff_id and StaffMember.objects.filter(staff_id=staff_id).exists():
        check.problems.append(("staff_id", taken))
    if check.problems:
        raise _invalid(check)
    record.pop("team_given")
    record["unit"] = units[record["unit"]]
    try:
        with transaction.atomic():
            member = StaffMember.objects.create(**record)
            record_access(by=by, action="change", what="Ny medarbetare", objects=[member.staff_id],
                          object_type="staff.staffmember", request=request)
    except IntegrityError:
        # Registered by someone else in between: nothing stored.
        raise ValidationError({"staff_id": [taken]}) from None
    return member


def staff_change(*, by, member: StaffMember, values, request=None) -> StaffChange:
    """Record a dated change of ``member``'s unit, team, role, employment, FTE or cost from form fields
    (``valid_from``; empty fields stay as they are), with the staff file's rules; the new unit must be in
    ``by``'s write scope. Raises ``ValidationError`` (Swedish, per field) or ``PermissionDenied``."""
    scope = _member_in_scope(by, member)
    check = RowChecker(values)
    change = check_situation_change(check, scope=scope, units=units_by_code(), teams=teams_by_code(), member=member)
    if check.problems:
        raise _invalid(check)
    return staff_change_situation(by=by, member=member, request=request, **change)


@transaction.atomic
def staff_register_exit(*, by, member: StaffMember, values, request=None) -> StaffMember:
    """Register (or correct) ``member``'s exit from form fields: ``ended_on`` (the last day of employment)
    and ``exit_reason`` (optional; HR only, as exit reasons are HR's), with the staff file's rules; a recorded exit interview must stay within
    its window (``rules.interview_problem``). Raises ``ValidationError`` (Swedish, per field)."""
    _member_in_scope(by, member)
    check = RowChecker(values)
    exit_ = check_exit(check, stored=stored_people([member])[member.pk], today=timezone.localdate())
    _no_reason_unless_hr(by, check)
    if check.problems:
        raise _invalid(check)
    member.ended_on = exit_["ended_on"]
    member.exit_reason = exit_["exit_reason"] or member.exit_reason
    member.save(update_fields=["ended_on", "exit_reason"])
    record_access(by=by, action="change", what=f"Avgång {member.ended_on}", objects=[member.staff_id],
                  object_type="staff.staffmember", request=request)
    return member


@transaction.atomic
def staff_record_exit_interview(*, by, member: StaffMember, held_on: dt.date, main_reason: str,
                                other_reasons: list[str] = (), comment: str = "",
                                would_return: bool | None = None, request=None) -> ExitInterview:
    """Record (or correct) a person's exit interview with structured reasons and free text.

    Accepted only for a registered exit, on or after the leaving date and within
    ``core.staffstats.EXIT_INTERVIEW_WINDOW_DAYS`` after it, never in the future (``rules.interview_problem``:
    the one rule, whoever records it). Needs ``staff.exit_reasons`` (HR) and the person in ``by``'s write
    scope. ``request`` is the web request when a user records it on the web (for the access log's channel).
    Raises ``ValidationError`` (Swedish, on ``held_on``) for a date outside the window.
    """
    check_capability(by, "staff.exit_reasons")
    _member_in_scope(by, member)
    problem = interview_problem(held_on, member.ended_on, timezone.localdate())
    if problem:
        raise ValidationError({"held_on": [problem]})
    allowed = set(ExitReason.values)
    if main_reason not in allowed:
        raise StaffInputError(f"okänd huvudsaklig orsak '{main_reason}'")
    unknown = [reason for reason in other_reasons if reason not in allowed]
    if unknown:
        raise StaffInputError(f"okända orsaker: {', '.join(unknown)}")
    interview, _created = ExitInterview.objects.update_or_create(
        staff=member, defaults={"held_on": held_on, "main_reason": main_reason,
                                "other_reasons": sorted(set(other_reasons) - {main_reason}),
                                "comment": comment, "would_return": would_return})
    if not member.exit_reason:
        member.exit_reason = main_reason
        member.save(update_fields=["exit_reason"])
    record_access(by=by, action="change", what="Avgångsintervju", objects=[member.staff_id],
                  object_type="staff.staffmember", request=request)
    return interview


@transaction.atomic
def staff_assess_competence(*, by, member: StaffMember, assessed_on: dt.date,
                            levels: dict[KnowledgeArea, int], request=None) -> list[CompetenceAssessment]:
    """Record a person's levels (1-3) in knowledge areas, as assessed on a date."""
    stored = []
    for area, level in levels.items():
        if level not in (1, 2, 3):
            raise StaffInputError(f"nivån för {area.name} ska vara 1, 2 eller 3")
        assessment, _created = CompetenceAssessment.objects.update_or_create(
            staff=member, area=area, assessed_on=assessed_on, defaults={"level": level})
        stored.append(assessment)
    record_access(by=by, action="change", what="Kompetensbedömning", objects=[member.staff_id],
                  object_type="staff.staffmember", request=request)
    return stored


@transaction.atomic
def staff_plan_development(*, by, member: StaffMember, area: KnowledgeArea, planned_on: dt.date,
                           target_level: int, due_on: dt.date, activity: str, request=None) -> DevelopmentPlan:
    """Add a dated development plan item for a person."""
    if due_on < planned_on:
        raise StaffInputError("slutdatum ligger före datum för planen")
    if target_level not in (1, 2, 3):
        raise StaffInputError("målnivån ska vara 1, 2 eller 3")
    plan = DevelopmentPlan.objects.create(staff=member, area=area, planned_on=planned_on, target_level=target_level,
                                          due_on=due_on, activity=activity.strip()[:300])
    record_access(by=by, action="change", what="Utvecklingsplan", objects=[member.staff_id],
                  object_type="staff.staffmember", request=request)
    return plan


# --- retention (issue 15) ---------------------------------------------------------------------------------------



def is_pseudonymised(staff_id: str) -> bool:
    return staff_id.startswith(PSEUDONYM_PREFIX)


@transaction.atomic
def staff_pseudonymise(*, by, staff_ids: Sequence[str]) -> int:
    """Irreversibly pseudonymise these people (retention): a random staff id, no name, no account link, no
    mentor; their competence assessments and development plans removed; the exit interview's comment removed
    (its coded reasons stay). Dated history, absence and overtime stay with the pseudonym, so the units'
    figures for earlier periods do not change. No change-log entry keeps the old values (``audit.changelog``).

    Only for an approved destruction list (``stabil.records``). Returns the number of people pseudonymised.
    """
    check_capability(by, "records.retention_run")
    members = list(StaffMember.objects.filter(staff_id__in=sorted(set(staff_ids))))
    related = [*StaffChange.objects.filter(staff__in=members), *ExitInterview.objects.filter(staff__in=members)]
    delete_without_history(CompetenceAssessment.objects.filter(staff__in=members))
    delete_without_history(DevelopmentPlan.objects.filter(staff__in=members))
    interviews = list(ExitInterview.objects.filter(staff__in=members).exclude(comment=""))
    for interview in interviews:
        interview.comment = ""
    update_without_history(interviews)
    for member in members:
        member.staff_id = PSEUDONYM_PREFIX + secrets.token_hex(6)
        member.name = ""
        member.user = None
        member.mentor = None
    # Others' mentor links to these people point at the pseudonyms now; their history named the old ids.
    mentees = list(StaffMember.objects.filter(mentor__in=members))
    forget_history(mentees)
    update_without_history(members, related)
    return len(members)


@transaction.atomic
def exit_comments_remove(*, by, staff_ids: Sequence[str]) -> int:
    """Remove the free-text comment of these people's exit interviews (retention); the coded reasons stay.
    Returns the number of comments removed."""
    check_capability(by, "records.retention_run")
    interviews = list(ExitInterview.objects.filter(staff__staff_id__in=sorted(set(staff_ids))).exclude(comment=""))
    for interview in interviews:
        interview.comment = ""
    update_without_history(interviews)
    return len(interviews)
