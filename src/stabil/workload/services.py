"""Writes of the workload area: keyword-only functions taking the acting user as ``by``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from stabil.accounts.policy import can_view_case, has_capability
from stabil.cases.services import case_record_event
from stabil.core.calibration import CalibrationError, calibrate_time_study, fit_weights
from stabil.core.workload import CO, MAIN, WORK_TYPES, ConfigError
from stabil.core.workload import WorkloadConfig as ModelConfig

from .models import ConfigVersion, RiskMeasure, TeamSettings, UnitSettings
from .selectors import allocation_for_user, current_config, register_observations
from .timestudy import RecordedHours, read_time_study


class WorkloadInputError(ValueError):
    """Bad input for a workload write; the message is Swedish."""


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def config_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the changed settings as [{"field", "old", "new"}], in a stable order."""
    a, b = _flatten(old), _flatten(new)
    return [
        {"field": key, "old": a.get(key), "new": b.get(key)}
        for key in sorted(set(a) | set(b))
        if a.get(key) != b.get(key)
    ]


@transaction.atomic
def config_save(*, by, data: dict[str, Any], note: str = "", source: str = "web") -> ConfigVersion:
    """Save ``data`` as a new version of the workload configuration and return it.

    The data is validated by the core model (Swedish ConfigError messages become
    WorkloadInputError). Saving values identical to the version in force creates no version.
    """
    try:
        config = ModelConfig.from_dict(data)
    except ConfigError as exc:
        raise WorkloadInputError(str(exc)) from exc
    clean = config.to_dict()
    latest = ConfigVersion.objects.select_for_update().order_by("-number").first()
    previous = latest.data if latest else ModelConfig().to_dict()
    changes = config_diff(previous, clean)
    if latest is not None and not changes:
        return latest
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    return ConfigVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        data=clean,
        changes=changes,
        note=note[:300],
        created_by=user,
        source=source,
    )


@transaction.atomic
def unit_settings_set(*, by, unit, admin_support: bool) -> UnitSettings:
    """Record whether ``unit`` has admin support."""
    settings, _ = UnitSettings.objects.update_or_create(unit=unit, defaults={"admin_support": admin_support})
    return settings


@transaction.atomic
def team_work_types_set(*, by, team, work_types: list[str]) -> TeamSettings:
    """Record the work types ``team`` works with (empty: every type)."""
    unknown = [w for w in work_types if w not in WORK_TYPES]
    if unknown:
        raise WorkloadInputError(f"Okänd ärendetyp för team {team.code}: {', '.join(unknown)}")
    settings, _ = TeamSettings.objects.update_or_create(team=team, defaults={"work_types": list(work_types)})
    return settings


@transaction.atomic
def risk_measure_record(*, by, unit, risk: str, measure: str, responsible: str, due_on: date,
                        status: str = RiskMeasure.Status.PLANNED) -> RiskMeasure:
    """Record a measure for a workload risk that cannot be removed at once."""
    if not risk.strip() or not measure.strip() or not responsible.strip():
        raise WorkloadInputError("Risk, åtgärd och ansvarig måste fyllas i")
    if status not in RiskMeasure.Status.values:
        raise WorkloadInputError(f"Okänd status {status!r}")
    user = by if (by is not None and getattr(by, "is_authenticated", False)) else None
    return RiskMeasure.objects.create(unit=unit, risk=risk.strip(), measure=measure.strip(),
                                      responsible=responsible.strip(), due_on=due_on, status=status,
                                      created_by=user)


@transaction.atomic
def risk_measure_set_status(*, by, measure: RiskMeasure, status: str) -> RiskMeasure:
    """Change the status of a recorded measure."""
    if status not in RiskMeasure.Status.values:
        raise WorkloadInputError(f"Okänd status {status!r}")
    measure.status = status
    measure.save(update_fields=["status", "updated_at"])
    return measure


def calibrate_from_file(*, by, path, months: float = 1.0, on: date | None = None, save: bool = False,
                        note: str = "", source: str = "calibration"):
    """Fit weights to a calibration file; return (CalibrationResult or None, Swedish errors, saved version).

    A time study (person, case type, hours[, cases]) is fitted as it is; recorded hours per person
    (person, hours) are fitted against each person's open cases on ``on`` from the register. With
    ``save`` the suggested weights (and non-case share, when the study has non-case time) become a new
    configuration version; nothing is saved when there is any error.
    """
    rows, errors = read_time_study(path)
    if errors:
        return None, errors, None
    _version, config = current_config()
    current = {**config.main_weights_hours_per_month,
               **{f"co:{k}": v for k, v in config.co_weights_hours_per_month.items()}}
    try:
        if rows and isinstance(rows[0], RecordedHours):
            if on is None:
                return None, [("Filen har timmar per person utan ärendetyp: ange dagen då ärendena räknas "
                               "(mitt i perioden)")], None
            observations, errors = register_observations(rows, on=on, months=months)
            if errors:
                return None, errors, None
            result = fit_weights(observations, current_weights=current)
        else:
            result = calibrate_time_study(rows, months=months, current_weights=current)
    except CalibrationError as exc:
        return None, [str(exc)], None
    saved = None
    if save:
        data = config.to_dict()
        data["main_weights_hours_per_month"].update(result.suggested_weights())
        data["co_weights_hours_per_month"].update(result.suggested_co_weights())
        if result.non_case_share is not None:
            data["non_case_share"] = round(result.non_case_share, 4)
        try:
            saved = config_save(by=by, data=data, note=note, source=source)
        except WorkloadInputError as exc:
            return result, [str(exc)], None
    return result, [], saved


def case_assign(*, by, case, staff_id: str, role: str = MAIN, on: date, request=None):
    """Make ``staff_id`` the main caseworker (``role`` "main") or co-handler ("co") of ``case`` on ``on``.

    Only someone among the allocation suggestions for ``by`` may be assigned: a person of the case's unit
    within ``by``'s staff scope (``policy.scope_assignable_staff``, the people of ``by``'s workload board)
    who is eligible and has room. So a team lead assigns within their team and keeps seeing the case.
    Raises WorkloadInputError (Swedish) otherwise; returns the recorded event.
    """
    if role not in (MAIN, CO):
        raise WorkloadInputError(f"Okänd roll {role!r}: ange main eller co")
    if not (has_capability(by, "workload.allocate") and can_view_case(by, case)):
        raise WorkloadInputError(_("Ärendet finns inte eller är inte ditt."))
    staff_id = (staff_id or "").strip()
    try:
        allowed = allocation_for_user(user=by, case=case, on=on, role=role, limit=None)
    except ValueError as exc:  # a closed case
        raise WorkloadInputError(str(exc)) from exc
    if staff_id not in {s.staff_id for s in allowed.result.suggestions}:
        raise WorkloadInputError(_("%(id)s finns inte bland förslagen för ärendet och kan inte tilldelas här.")
                                 % {"id": staff_id})
    kind = "handler_assigned" if role == MAIN else "co_handler_assigned"
    try:
        return case_record_event(by=by, case=case, kind=kind, on=on, staff_id=staff_id, request=request)
    except ValidationError as exc:
        raise WorkloadInputError("; ".join(exc.messages)) from exc
