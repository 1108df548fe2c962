"""Benchmark of the workload contracts: `report workload`, the workload board, `allocate`.

Builds a deterministic organisation of 20 units with 1,000 caseworkers (teams of 10, each with a team
lead) and 100,000 open cases (preliminary assessments, investigations, outpatient follow-up, placements
with some under LVU, foster-home work; a fifth with a co-handler), stored through the real case-events
import (validated, deadlines and state recomputed). Then on SQLite and on PostgreSQL (each a fresh
database, in a child process) it measures:

- seconds for `stabil report workload --on DAY --format json` (all units, as a user runs it);
- server time of the workload board for one unit (median of 5 requests after a warm-up, a unit manager);
- server time of `allocate` for one new case (median of 5: the selector plus the JSON);

and, as the baseline in the same run, the straightforward way of getting every case's phase: replaying
all events of all open cases through `core.caseflow.case_state` (what the report would cost without
the cases app's stored state), printing each figure's ratio to it. Targets (2-core machine): report
<= 5 s, board <= 300 ms, allocate <= 200 ms.

    .venv/bin/python bench/workload_bench.py                      # 1,000 caseworkers, 100,000 cases, both DBs
    .venv/bin/python bench/workload_bench.py --cases 20000 --caseworkers 200 --db sqlite
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ON = dt.date(2026, 11, 24)
TARGETS = {"report_s": 5.0, "board_ms": 300.0, "allocate_ms": 200.0}
N_UNITS = 20
TEAM_SIZE = 10
# Phase mix of the open cases.
MIX = (("preliminary_assessment", 0.15), ("investigation", 0.35), ("outpatient", 0.30), ("placement", 0.15),
       ("foster_home", 0.05))


import benchlib
from benchlib import drop_postgres, postgres_database


def staff_layout(n_caseworkers: int) -> list[tuple[str, str, str, str]]:
    """Return (staff_id, unit, team, role) for every person: units of equal size, teams of ten."""
    per_unit = max(1, n_caseworkers // N_UNITS)
    people = []
    number = 0
    for u in range(1, N_UNITS + 1):
        unit = f"U{u:02d}"
        for i in range(per_unit):
            number += 1
            team = f"{unit}-T{i // TEAM_SIZE + 1}"
            role = "team_lead" if i % TEAM_SIZE == 0 else "caseworker"
            people.append((f"S{number:05d}", unit, team, role))
    return people


def generate_file(path: Path, n_cases: int, people, seed: int) -> int:
    """Write a case-events CSV of ``n_cases`` cases all open on ON; return the number of events."""
    from stabil.cases.synthetic import CASE_EVENT_COLUMNS
    from stabil.core import calendar

    rng = random.Random(seed)
    by_unit: dict[str, list[str]] = {}
    for staff_id, unit, _team, _role in people:
        by_unit.setdefault(unit, []).append(staff_id)
    units = sorted(by_unit)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_EVENT_COLUMNS)
        for n in range(1, n_cases + 1):
            unit = units[n % len(units)]
            staff = by_unit[unit]
            kind = rng.choices(kinds, weights)[0]
            category = "ensamkommande" if rng.random() < 0.05 else "ungdom" if rng.random() < 0.3 else "barn"
            if kind == "preliminary_assessment":
                reported = ON - dt.timedelta(days=rng.randint(0, 12))
            elif kind == "investigation":
                reported = ON - dt.timedelta(days=rng.randint(20, 130))
            else:
                reported = ON - dt.timedelta(days=rng.randint(150, 900))
            head = [f"W{n:06d}", f"K{n:06d}", (reported - dt.timedelta(days=rng.randint(400, 6000))).isoformat(),
                    category, unit]
            rows = []

            def add(event, on, staff_id="", outcome="", until="", intervention="", reason="", rows=rows, head=head):
                rows.append(head + [event, on.isoformat(), staff_id, outcome, until, intervention, reason])

            add("report_received", reported)
            add("handler_assigned", reported, staff[rng.randrange(len(staff))])
            add("protection_assessed", reported)
            if kind != "preliminary_assessment":
                opened = reported + dt.timedelta(days=rng.randint(1, 13))
                add("investigation_opened", opened)
                if rng.random() < 0.2:
                    add("co_handler_assigned", opened, staff[rng.randrange(len(staff))])
                add("first_contact", calendar.add_working_days(opened, 3))
                if kind != "investigation":
                    closed = opened + dt.timedelta(days=rng.randint(60, 115))
                    add("investigation_closed", closed, outcome="intervention")
                    started = closed + dt.timedelta(days=3)
                    intervention = {"outpatient": "outpatient", "foster_home": "foster_home"}.get(
                        kind, rng.choice(("residential", "emergency_foster_home")))
                    basis = "LVU" if kind == "placement" and rng.random() < 0.25 else "SoL"
                    if intervention != "outpatient":
                        add("care_plan_established", started)
                    if intervention == "foster_home":
                        add("foster_home_approved", started)
                    add("intervention_started", started, intervention=intervention, reason=basis)
            writer.writerows(rows)
            count += len(rows)
    return count


# --- the child process: one database ---------------------------------------------------------------


def build_organisation(people) -> None:
    from stabil.organisation.models import Administration, Department, Municipality, Team, Unit
    from stabil.staff.models import StaffMember

    municipality = Municipality.objects.create(name="Benchkommun")
    administration = Administration.objects.create(municipality=municipality, code="SOC", name="Soc")
    department = Department.objects.create(administration=administration, code="BU", name="Barn och unga")
    units = {}
    teams = {}
    for staff_id, unit, team, role in people:
        if unit not in units:
            units[unit] = Unit.objects.create(department=department, code=unit, name=f"Enhet {unit}")
        if team not in teams:
            teams[team] = Team.objects.create(unit=units[unit], code=team, name=f"Team {team}")
    rng = random.Random(7)
    StaffMember.objects.bulk_create([
        StaffMember(staff_id=staff_id, name="", unit=units[unit], team=teams[team], role=role,
                    employment="consultant" if rng.random() < 0.1 else "permanent", fte=1, degree="socionom",
                    experience_years=rng.choice((0, 1, 2, 4, 6, 10)), started_on=dt.date(2024, 1, 1))
        for staff_id, unit, team, role in people
    ], batch_size=1000)
    from stabil.staff.models import Absence

    Absence.objects.bulk_create([
        Absence(staff_id=pk, kind="sick", first_day=ON - dt.timedelta(days=3), last_day=ON + dt.timedelta(days=4))
        for pk in StaffMember.objects.order_by("pk").values_list("pk", flat=True)[::10]
    ])


def worker(db_url: str, path: Path, people_file: Path) -> dict:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    os.environ["STABIL_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from stabil.cli import main as stabil_main
    from stabil.imports.framework import run_import

    people = json.loads(people_file.read_text())
    build_organisation(people)
    started = time.perf_counter()
    outcome = run_import(path, stream=sys.stderr, quiet=True)
    if outcome.errors:
        raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
    print(f"  stored in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    figures: dict = {}
    real_stdout = sys.stdout
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        started = time.perf_counter()
        try:
            code = stabil_main(["report", "workload", "--on", ON.isoformat(), "--format", "json"])
        finally:
            sys.stdout = real_stdout
    figures["report_s"] = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"report workload exited {code}")

    from django.test import Client

    from stabil.accounts.models import User
    from stabil.cases.models import Case
    from stabil.core.caseflow import case_state
    from stabil.organisation.models import Unit
    from stabil.workload.selectors import allocation_for_case, case_snapshots

    unit = Unit.objects.get(code="U01")
    user = User.objects.create_user(username="bench-manager", password="x", role="unit_manager")
    user.units.set([unit])
    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(6):
        started = time.perf_counter()
        response = client.get("/arbetsbelastning/", {"enhet": "U01", "datum": ON.isoformat()})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    figures["board_ms"] = statistics.median(timings[1:])

    case = Case.objects.select_related("unit", "main_handler").filter(
        unit=unit, state__phase="preliminary_assessment").first()
    timings = []
    for _ in range(6):
        started = time.perf_counter()
        json.dumps(allocation_for_case(case=case, on=ON).to_dict())
        timings.append((time.perf_counter() - started) * 1000)
    figures["allocate_ms"] = statistics.median(timings[1:])

    # Baseline: replay every open case's events through the case flow (no stored state).
    from itertools import groupby

    from stabil.cases.models import CaseEvent
    from stabil.core.caseflow import Event

    started = time.perf_counter()
    open_cases = 0
    rows = (CaseEvent.objects.order_by("case_id", "on", "pk")
            .values_list("case_id", "kind", "on", "staff__staff_id", "outcome", "until", "intervention", "reason")
            .iterator(chunk_size=5000))
    for _pk, group in groupby(rows, key=lambda r: r[0]):
        events = [Event(k, d, s or "", o or "", u, i or "", r or "") for _c, k, d, s, o, u, i, r in group]
        if case_state(events, ON).phase != "closed":
            open_cases += 1
    figures["baseline_s"] = time.perf_counter() - started
    figures["open_cases"] = open_cases
    figures["open_cases_fast"] = len(case_snapshots(on=ON))
    figures["staff"] = len(people)
    return figures


# --- the parent ----------------------------------------------------------------------------------------


def run_child(db_url: str, path: Path, people_file: Path) -> dict | None:
    """Measure in a fresh process (see ``benchlib.run_child``)."""
    return benchlib.run_child(__file__, "--worker", "--db-url", db_url, "--file", str(path),
                              "--people", str(people_file))




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="open cases (default 100000)")
    parser.add_argument("--caseworkers", type=int, default=1000, help="caseworkers (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--people", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.db_url, Path(args.file), Path(args.people))))
        return 0

    people = staff_layout(args.caseworkers)
    with tempfile.TemporaryDirectory(prefix="stabil-wlbench-") as tmp:
        path = Path(tmp) / "case_events.csv"
        people_file = Path(tmp) / "people.json"
        people_file.write_text(json.dumps(people))
        started = time.perf_counter()
        n_events = generate_file(path, args.cases, people, args.seed)
        print(f"generated {args.cases:,} open cases, {n_events:,} events in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        results: dict[str, dict] = {}
        if args.db in ("both", "sqlite"):
            print("SQLite …", file=sys.stderr)
            figures = run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path, people_file)
            if figures:
                results["SQLite"] = figures
        if args.db in ("both", "postgresql"):
            url = postgres_database("stabil_wlbench")
            if url:
                print("PostgreSQL …", file=sys.stderr)
                try:
                    figures = run_child(url, path, people_file)
                    if figures:
                        results["PostgreSQL"] = figures
                finally:
                    drop_postgres(url)

    print(f"workload bench: {len(people):,} caseworkers, {args.cases:,} open cases, {n_events:,} events, "
          f"seed {args.seed}, on {ON.isoformat()}, run {dt.date.today().isoformat()}")
    rows = [
        ("report workload, all units (s)", "report_s", "{:.2f}", 1.0),
        ("workload board, one unit (ms)", "board_ms", "{:.0f}", 1 / 1000),
        ("allocate, one case (ms)", "allocate_ms", "{:.0f}", 1 / 1000),
        ("baseline: replay all events (s)", "baseline_s", "{:.2f}", 1.0),
    ]
    names = list(results)
    print(f"{'figure':<36}" + "".join(f"{name:>12}{'x base':>9}" for name in names) + f"{'target':>10}")
    for label, key, fmt, to_s in rows:
        line = f"{label:<36}"
        for name in names:
            value = results[name][key]
            line += f"{fmt.format(value):>12}{value * to_s / results[name]['baseline_s']:>8.2f}x"
        target = TARGETS.get(key)
        line += f"{'<= ' + format(target, 'g') if target else '':>10}"
        print(line)
    for name in names:
        r = results[name]
        print(f"{name}: {r['open_cases']:,} open cases by replay, {r['open_cases_fast']:,} by stored state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
