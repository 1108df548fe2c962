"""Workload commands: `stabil report workload`, `stabil allocate`, `stabil workload-calibrate`.

Contracts: docs/cli-workload.md. Output alone on standard output; progress and notices on standard error.
"""

from __future__ import annotations

import sys

from django.utils import timezone

from stabil.accounts.policy import can_view_case, scope_staff
from stabil.audit.services import record_access
from stabil.cases.selectors import case_by_id
from stabil.common.cli import (
    CliError,
    acting_user,
    add_by_argument,
    parse_date,
    require_capability,
    units_in_scope,
)
from stabil.common.output import Sheet, write_csv, write_json, write_xlsx_stdout
from stabil.common.progress import Progress, notice
from stabil.organisation.selectors import units as all_units
from stabil.staff.selectors import staff_members

from .selectors import allocation_for_case, allocation_for_user, current_config, report_data, workload_on
from .services import calibrate_from_file

REPORT_COLUMNS = ["level", "staff_id", "unit", "team", "cases_main", "cases_co", "demand_hours", "capacity_hours",
                  "load", "status", "staff_count", "fte_needed"]


def _report_configure(parser) -> None:
    parser.add_argument("--on", type=parse_date, required=True, metavar="DATUM", help="dagen (ÅÅÅÅ-MM-DD)")
    parser.add_argument("--unit", action="append", default=[], metavar="KOD", help="enhetskod (kan upprepas)")
    parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")


def _units(codes: list[str]):
    if not codes:
        return list(all_units().order_by("code"))
    units = list(all_units().filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {u.code for u in units})
    if unknown:
        raise CliError(f"okänd enhet: {', '.join(unknown)}")
    return units


def _report_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "workload.view", "arbetsbelastningen")
    scoped = units_in_scope(by, args.unit)  # a named user: their units, as the workload board offers them
    units = scoped if scoped is not None else _units(args.unit)
    progress = Progress(None, "Beräknar ärendenas faser", interval=2.0)
    view = workload_on(on=args.on, unit_ids=[u.pk for u in units] if args.unit or scoped is not None else None,
                       progress=progress)
    progress.finish(f"{len(view.snapshots)} öppna ärenden, {len(view.result.people)} handläggare")
    data = report_data(view)
    if by is not None:
        # The people of the user's workload board (a team lead: their team), as on the page.
        visible = _visible_staff_ids(by, units)
        data["staff"] = [s for s in data["staff"] if s["staff_id"] in visible]
    record_access(by=by, action="export", what=f"Arbetsbelastning {args.on.isoformat()} ({args.format})",
                  objects=[s["staff_id"] for s in data["staff"]], object_type="staff.staffmember")
    if view.config_version is None:
        notice("Obs: ingen modellversion är sparad; standardvärdena används (docs/workload.md).")
    staff_rows = [["staff", s["staff_id"], s["unit"], s["team"], s["cases_main"], s["cases_co"], s["demand_hours"],
                   s["capacity_hours"], s["load"], s["status"], None, None] for s in data["staff"]]
    unit_rows = [["unit", None, u["unit"], None, u["cases_main"], u["cases_co"], u["demand_hours"],
                  u["capacity_hours"], u["load"], u["status"], u["staff_count"], u["fte_needed"]]
                 for u in data["units"]]
    if args.format == "json":
        write_json(data)
    elif args.format == "csv":
        write_csv(REPORT_COLUMNS, staff_rows + unit_rows)
    else:
        title = f"Arbetsbelastning {args.on.isoformat()}"
        write_xlsx_stdout([Sheet("Personal", REPORT_COLUMNS, staff_rows, title),
                           Sheet("Enheter", REPORT_COLUMNS, unit_rows, title)])
    return 0


def _visible_staff_ids(user, units) -> set[str]:
    return set(scope_staff(user, staff_members().filter(unit__in=units)).values_list("staff_id", flat=True))


def _allocate_configure(parser) -> None:
    parser.add_argument("case_id", metavar="ÄRENDE-ID")
    parser.add_argument("--on", type=parse_date, default=None, metavar="DATUM", help="dagen (standard: i dag)")
    parser.add_argument("--role", choices=["main", "co"], default="main")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    add_by_argument(parser)


def _allocate_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "workload.allocate", "fördelning av ärenden")
    if args.limit < 1:
        raise CliError("--limit måste vara minst 1")
    case = case_by_id(args.case_id)
    if case is None or (by is not None and not can_view_case(by, case)):
        # The same message either way: a named user does not learn whether a case outside their scope exists.
        raise CliError(f"ärendet {args.case_id} finns inte" + ("" if by is None else " eller är inte ditt"))
    on = args.on or timezone.localdate()
    try:
        if by is None:
            allocation = allocation_for_case(case=case, on=on, role=args.role, limit=args.limit)
        else:
            allocation = allocation_for_user(user=by, case=case, on=on, role=args.role, limit=args.limit)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    data = allocation.to_dict()
    # Two records, one per object type, so that a log extract finds the case and each person (issue 15).
    what = f"Fördelningsförslag för ärende {case.case_id}"
    record_access(by=by, action="export", what=what, objects=[case.case_id], object_type="cases.case")
    record_access(by=by, action="export", what=what, object_type="staff.staffmember",
                  objects=[s["staff_id"] for s in data["suggestions"]] + [e["staff_id"] for e in data["excluded"]])
    if args.format == "json":
        write_json(data)
    else:
        write_csv(["rank", "staff_id", "unit", "team", "load_before", "load_after", "status_after", "reasons"],
                  [[s["rank"], s["staff_id"], s["unit"], s["team"], s["load_before"], s["load_after"],
                    s["status_after"], "; ".join(s["reasons"])] for s in data["suggestions"]])
    return 0


def _calibrate_configure(parser) -> None:
    parser.add_argument("file", metavar="FIL", help="tidsstudie eller registrerad tid, CSV eller XLSX")
    parser.add_argument("--months", type=float, default=1.0, help="periodens längd i månader (standard 1)")
    parser.add_argument("--on", type=parse_date, default=None, metavar="DATUM",
                        help="dagen då ärendena räknas, för timmar per person utan ärendetyp")
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("--save", action="store_true", help="spara förslaget som ny modellversion")
    parser.add_argument("--note", default="", help="anledning, sparas med versionen")


def _calibrate_run(args) -> int:
    if args.months <= 0:
        raise CliError("--months måste vara större än noll")
    version, _config = current_config()
    result, errors, saved = calibrate_from_file(by=None, path=args.file, months=args.months, on=args.on,
                                                save=args.save, note=args.note or f"Kalibrering från {args.file}")
    if errors:
        for line in errors:
            sys.stderr.write(line + "\n")
        notice(f"{len(errors)} fel; inget sparades.")
        return 1
    data = {"file": str(args.file), "months": args.months, "based_on_version": version, **result.to_dict()}
    if saved is not None:
        data["saved_version"] = saved.number
        notice(f"Sparad som modellversion {saved.number}.")
    if args.format == "json":
        write_json(data)
    else:
        write_csv(["work_type", "weight_hours_per_month", "standard_error", "observations", "current_weight",
                   "estimated"],
                  [[w["work_type"], w["weight_hours_per_month"], w["standard_error"], w["observations"],
                    w["current_weight"], w["estimated"]] for w in data["weights"]])
        notice(f"R² {data['r_squared']}, MAE {data['mae_hours']} h/månad, {data['observations']} observationer")
    return 0


def register(registry) -> None:
    registry.report("workload", help="arbetsbelastning per handläggare och enhet", configure=_report_configure,
                    run=_report_run)
    registry.command("allocate", help="rangordnade förslag på handläggare för ett ärende",
                     configure=_allocate_configure, run=_allocate_run)
    registry.command("workload-calibrate", help="föreslå vikter från en tidsstudie", configure=_calibrate_configure,
                     run=_calibrate_run)
