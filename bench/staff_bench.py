"""Benchmark of the staff contracts: import of the staff and absence files, and `report staff` for a year.

Generates a deterministic municipality of 5,000 staff in 100 units over five years (2021-2025) with
200,000 absence spells (staff file and absence file in the documented formats), then on SQLite and on
PostgreSQL (each a fresh database, each step in its own child process so memory is measured per step):

- import of both files through `stabil import` (validated, all-or-nothing) and its peak memory;
- seconds and peak memory of `stabil report staff --from 2024-01-01 --to 2024-12-31 --format json`
  (every unit), and of the same report for one unit;

and, as the baseline, DuckDB aggregating the same two CSV files into the same sick-leave bands and
turnover counts per unit, with each figure's ratio to it. The bench also checks that Stabil's totals
equal DuckDB's (occasions, days, started, ended per unit). Targets: report within 5 s, under 1 GiB.

    .venv/bin/python bench/staff_bench.py                  # 5,000 staff, 200,000 spells, both databases
    .venv/bin/python bench/staff_bench.py --staff 1000 --spells 40000 --db sqlite
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

FIRST = dt.date(2021, 1, 1)
LAST = dt.date(2025, 12, 31)
YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
N_UNITS = 100
TARGETS = {"report_s": 5.0, "report_rss_mib": 1024}
EXIT_REASONS = ["workload", "pay", "leadership", "career", "competing_employer", "studies", "retirement", "other"]


import benchlib
from benchlib import drop_postgres, postgres_database


def generate_files(folder: Path, n_staff: int, n_spells: int, seed: int) -> tuple[Path, Path]:
    """Write staff.csv and absence.csv; spells fill each person's employment without overlapping."""
    rng = random.Random(seed)
    staff_path, absence_path = folder / "staff.csv", folder / "absence.csv"
    people = []
    for index in range(n_staff):
        started = FIRST - dt.timedelta(days=rng.randint(0, 3000)) if rng.random() < 0.7 else \
            FIRST + dt.timedelta(days=rng.randint(0, (LAST - FIRST).days - 60))
        ended = None
        if rng.random() < 0.35:
            ended = max(started, FIRST) + dt.timedelta(days=rng.randint(60, 1700))
            ended = None if ended >= LAST else ended
        consultant = rng.random() < 0.12
        people.append((f"B{index:05d}", f"U{index % N_UNITS:03d}", "consultant" if consultant else "permanent",
                       started, ended))
    with staff_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["staff_id", "unit", "role", "employment", "fte", "degree", "experience_years",
                         "started_on", "ended_on", "exit_reason", "monthly_cost_sek"])
        for staff_id, unit, employment, started, ended in people:
            writer.writerow([staff_id, unit, "caseworker", employment, rng.choice(["1", "1", "0.75"]),
                             rng.choice(["socionom"] * 8 + ["other_relevant", "none"]), rng.randint(0, 15),
                             started.isoformat(), ended.isoformat() if ended else "",
                             rng.choice(EXIT_REASONS) if ended and employment != "consultant" else "",
                             85000 if employment == "consultant" else 42000])
    # Spells per person in proportion to their days employed inside the five years.
    windows = [(p, max(p[3], FIRST), min(p[4] or LAST, LAST)) for p in people]
    total_days = sum((last - first).days + 1 for _p, first, last in windows)
    written = 0
    with absence_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["staff_id", "kind", "first_day", "last_day", "extent"])
        for person, first, last in windows:
            span = (last - first).days + 1
            count = round(n_spells * span / total_days)
            if count == 0:
                continue
            slot = span / count  # each spell lives inside its own slot: no overlaps
            for number in range(count):
                if written >= n_spells:
                    break
                slot_first = first + dt.timedelta(days=int(number * slot))
                slot_days = max(1, int((number + 1) * slot) - int(number * slot))
                draw = rng.random()
                length = 1 if draw < 0.5 else rng.randint(2, 21) if draw < 0.95 else rng.randint(22, 120)
                length = min(length, slot_days)
                start = slot_first + dt.timedelta(days=rng.randint(0, slot_days - length))
                kind = "sick" if rng.random() < 0.8 else rng.choice(["vacation", "parental", "other"])
                extent = "1" if rng.random() < 0.85 else rng.choice(["0.5", "0.25"])
                writer.writerow([person[0], kind, start.isoformat(), (start + dt.timedelta(days=length - 1)).isoformat(),
                                 extent])
                written += 1
    return staff_path, absence_path


def duckdb_baseline(staff_path: Path, absence_path: Path) -> tuple[float, dict]:
    """Return seconds for DuckDB to compute the year's sick-leave bands and turnover per unit, and the totals."""
    import duckdb

    first, last = (day.isoformat() for day in YEAR)
    started = time.perf_counter()
    con = duckdb.connect()
    sick = con.execute(f"""
        WITH staff AS (SELECT * FROM read_csv('{staff_path}', header=true, all_varchar=true)),
             spells AS (SELECT a.staff_id, CAST(a.first_day AS DATE) AS f, CAST(a.last_day AS DATE) AS l, s.unit
                        FROM read_csv('{absence_path}', header=true, all_varchar=true) a
                        JOIN staff s USING (staff_id)
                        WHERE a.kind = 'sick' AND s.employment <> 'consultant'
                          AND CAST(a.first_day AS DATE) <= DATE '{last}' AND CAST(a.last_day AS DATE) >= DATE '{first}')
        SELECT unit,
               CASE WHEN l - f + 1 = 1 THEN '1' WHEN l - f + 1 <= 21 THEN '2-21'
                    WHEN l - f + 1 <= 90 THEN '22-90' ELSE '91+' END AS band,
               count(*) AS occasions,
               sum(least(l, DATE '{last}') - greatest(f, DATE '{first}') + 1) AS days
        FROM spells GROUP BY ALL""").fetchall()
    moves = con.execute(f"""
        SELECT unit,
               count(*) FILTER (WHERE CAST(started_on AS DATE) BETWEEN DATE '{first}' AND DATE '{last}') AS started,
               count(*) FILTER (WHERE ended_on <> '' AND CAST(NULLIF(ended_on, '') AS DATE)
                                BETWEEN DATE '{first}' AND DATE '{last}') AS ended
        FROM read_csv('{staff_path}', header=true, all_varchar=true)
        WHERE employment <> 'consultant' GROUP BY unit""").fetchall()
    elapsed = time.perf_counter() - started
    totals = {"occasions": sum(row[2] for row in sick), "days": int(sum(row[3] for row in sick)),
              "started": sum(row[1] for row in moves), "ended": sum(row[2] for row in moves)}
    return elapsed, totals


# --- child processes -------------------------------------------------------------------------------


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    import django

    django.setup()


def load(db_url: str, staff_path: Path, absence_path: Path) -> dict:
    _setup(db_url)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from stabil.imports.framework import run_import
    from stabil.organisation.models import Administration, Department, Municipality, Unit

    municipality = Municipality.objects.create(name="Benchkommun")
    administration = Administration.objects.create(municipality=municipality, code="SOC", name="Soc")
    department = Department.objects.create(administration=administration, code="BU", name="Barn och unga")
    Unit.objects.bulk_create([Unit(department=department, code=f"U{index:03d}", name=f"Enhet {index:03d}")
                              for index in range(N_UNITS)])
    figures = {}
    for name, path in (("staff", staff_path), ("absence", absence_path)):
        started = time.perf_counter()
        outcome = run_import(path, stream=sys.stderr)
        figures[f"import_{name}_s"] = time.perf_counter() - started
        if outcome.errors:
            raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
    figures["import_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def report(db_url: str, unit: str | None) -> dict:
    _setup(db_url)
    from django.core.management import call_command

    # Other areas may add migrations while a long bench runs; a no-op when the schema is current.
    call_command("migrate", interactive=False, verbosity=0)
    from stabil.cli import main as stabil_main

    args = ["report", "staff", "--from", YEAR[0].isoformat(), "--to", YEAR[1].isoformat(), "--format", "json"]
    if unit:
        args += ["--unit", unit]
    real_stdout = sys.stdout
    with tempfile.TemporaryFile("w+") as sink:
        sys.stdout = sink
        started = time.perf_counter()
        try:
            code = stabil_main(args)
        finally:
            sys.stdout = real_stdout
        elapsed = time.perf_counter() - started
        sink.seek(0)
        data = json.load(sink)
    if code != 0:
        raise SystemExit(f"stabil {' '.join(args)} exited {code}")
    totals = {"occasions": sum(e["sick_leave"]["total"]["occasions"] for e in data),
              "days": sum(e["sick_leave"]["total"]["days"] for e in data),
              "started": sum(e["turnover"]["started"] for e in data),
              "ended": sum(e["turnover"]["ended"] for e in data)}
    return {"report_s": elapsed, "report_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "units": len(data), "totals": totals}


def run_child(*args: str) -> dict | None:
    """Measure in a fresh process (see ``benchlib.run_child``)."""
    return benchlib.run_child(__file__, "--child", *args)




def measure(db_url: str, staff_path: Path, absence_path: Path) -> dict | None:
    loaded = run_child("load", db_url, str(staff_path), str(absence_path))
    if loaded is None:
        return None
    all_units = run_child("report", db_url, "")
    one_unit = run_child("report", db_url, "U007")
    if all_units is None or one_unit is None:
        return None
    return {**loaded, **all_units, "report_one_unit_s": one_unit["report_s"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--spells", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db_url, *rest = args.child
        result = load(db_url, Path(rest[0]), Path(rest[1])) if mode == "load" else report(db_url, rest[0] or None)
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="stabil-staff-bench-") as tmp:
        started = time.perf_counter()
        staff_path, absence_path = generate_files(Path(tmp), args.staff, args.spells, args.seed)
        print(f"generated {args.staff:,} staff and {args.spells:,} absence spells in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        baseline, expected = duckdb_baseline(staff_path, absence_path)
        results: dict[str, dict] = {}
        if args.db in ("both", "sqlite"):
            print("SQLite …", file=sys.stderr)
            figures = measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", staff_path, absence_path)
            if figures:
                results["SQLite"] = figures
        if args.db in ("both", "postgresql"):
            url = postgres_database("stabil_staff_bench")
            if url:
                print("PostgreSQL …", file=sys.stderr)
                try:
                    figures = measure(url, staff_path, absence_path)
                    if figures:
                        results["PostgreSQL"] = figures
                finally:
                    drop_postgres(url)

    print(f"staff bench: {args.staff:,} staff, {N_UNITS} units, {args.spells:,} absence spells "
          f"{FIRST}..{LAST}, report for {YEAR[0]}..{YEAR[1]}, seed {args.seed}, {dt.date.today().isoformat()}")
    print(f"baseline: DuckDB reads both files and aggregates the year's bands and turnover per unit: {baseline:.2f} s")
    rows = [
        ("import staff file (s)", "import_staff_s", "{:.1f}", True),
        ("import absence file (s)", "import_absence_s", "{:.1f}", True),
        ("import peak memory (MiB RSS)", "import_rss_mib", "{:,.0f}", False),
        ("report staff, a year, all units (s)", "report_s", "{:.2f}", True),
        ("report staff, a year, one unit (s)", "report_one_unit_s", "{:.2f}", True),
        ("report peak memory (MiB RSS)", "report_rss_mib", "{:,.0f}", False),
    ]
    names = list(results)
    print(f"{'figure':<40}" + "".join(f"{name:>14}{'x DuckDB':>10}" for name in names) + f"{'target':>10}")
    for label, key, fmt, ratio in rows:
        line = f"{label:<40}"
        for name in names:
            value = results[name][key]
            line += f"{fmt.format(value):>14}" + (f"{value / baseline:>9.1f}x" if ratio else f"{'':>10}")
        target = TARGETS.get(key)
        line += f"{('<= ' + format(target, ',')) if target else '':>10}"
        print(line)
    for name in names:
        agree = results[name]["totals"] == expected
        print(f"{name}: totals {results[name]['totals']} {'agree with' if agree else 'DIFFER from'} DuckDB {expected}")
    return 0 if all(results[name]["totals"] == expected for name in names) else 1


if __name__ == "__main__":
    sys.exit(main())
