"""Benchmark of the case contracts: import, `report deadlines`, `report egenkontroll`, the deadline list.

Generates a deterministic case-events file of N cases (default 100,000 cases, about 630,000 events),
then on SQLite and on PostgreSQL (each in a fresh database, in a child process) measures:

- import: events per second (validated, all-or-nothing, deadlines recomputed) and peak memory (max RSS);
- seconds for `stabil report deadlines --format json` (all cases, as seen on the last day);
- seconds for a year's `stabil report egenkontroll --format json`;
- server time of the deadline-list page for one unit (median of 5 requests, a unit manager);

and, as the baseline in the same run, DuckDB reading the same file and grouping it per case (the scan
limit), printing each figure's ratio to it. Targets (2-core machine): import >= 30,000 events/s under
2 GiB; report deadlines <= 10 s; egenkontroll <= 3 s; deadline list <= 300 ms.

    .venv/bin/python bench/cases_bench.py                 # 100,000 cases, SQLite and PostgreSQL
    .venv/bin/python bench/cases_bench.py --cases 20000 --db sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

LAST_ON = dt.date(2026, 11, 24)
TARGETS = {"import_events_per_s": 30000, "peak_rss_mib": 2048, "report_deadlines_s": 10.0,
           "egenkontroll_s": 3.0, "deadline_list_ms": 300.0}


import benchlib
from benchlib import drop_postgres, postgres_database


def generate_file(path: Path, n_cases: int, seed: int) -> int:
    """Write the deterministic case-events CSV; return the number of events."""
    import csv

    from stabil.cases.synthetic import CASE_EVENT_COLUMNS, default_spec, generate

    spec = default_spec(n_cases, LAST_ON, years=4, n_units=8, staff_per_unit=25, seed=seed)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_EVENT_COLUMNS)
        for row in generate(spec):
            writer.writerow(row)
            count += 1
    return count


def duckdb_baseline(path: Path) -> float:
    """Return seconds for DuckDB to read the file and group it per case (the scan limit)."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    rows = con.execute(
        "SELECT case_id, count(*) AS events, min(date) AS first_on, max(date) AS last_on "
        f"FROM read_csv('{path}', all_varchar=true, header=true) GROUP BY case_id"
    ).fetchall()
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


# --- the child process: one database ---------------------------------------------------------------


def worker(db_url: str, path: Path, n_events: int) -> dict:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    os.environ["STABIL_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from stabil.imports.framework import run_import

    figures: dict = {}
    started = time.perf_counter()
    cpu_started = time.process_time()
    outcome = run_import(path, stream=sys.stderr)
    seconds = time.perf_counter() - started
    figures["import_cpu_s"] = time.process_time() - cpu_started
    if outcome.errors:
        raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
    figures["import_s"] = seconds
    figures["import_events_per_s"] = n_events / seconds
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    figures["report_deadlines_s"] = benchlib.timed_stabil(["report", "deadlines", "--format", "json", "--on", LAST_ON.isoformat()])
    figures["report_deadlines_past_s"] = benchlib.timed_stabil(
        ["report", "deadlines", "--format", "json", "--on", (LAST_ON - dt.timedelta(days=365)).isoformat()])
    year_ago = LAST_ON - dt.timedelta(days=364)
    figures["egenkontroll_s"] = benchlib.timed_stabil(["report", "egenkontroll", "--from", year_ago.isoformat(), "--to",
                                           LAST_ON.isoformat(), "--on", LAST_ON.isoformat(), "--format", "json"])

    from django.test import Client

    from stabil.accounts.models import User
    from stabil.organisation.models import Unit

    user = User.objects.create_user(username="bench-manager", password="x", role="unit_manager")
    user.units.set([Unit.objects.get(code="U01")])
    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(6):
        started = time.perf_counter()
        response = client.get("/arenden/", {"unit": "U01"})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    figures["deadline_list_ms"] = statistics.median(timings[1:])  # the first request warms caches
    from stabil.cases.models import Case, Deadline

    figures["cases"] = Case.objects.count()
    figures["deadlines"] = Deadline.objects.count()
    return figures


# --- the parent ----------------------------------------------------------------------------------------


def run_child(db_url: str, path: Path, n_events: int) -> dict | None:
    """Measure in a fresh process (see ``benchlib.run_child``)."""
    return benchlib.run_child(__file__, "--worker", "--db-url", db_url, "--file", str(path), "--events", str(n_events))




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="number of cases (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.db_url, Path(args.file), args.events)))
        return 0

    with tempfile.TemporaryDirectory(prefix="stabil-bench-") as tmp:
        path = Path(tmp) / "case_events.csv"
        started = time.perf_counter()
        n_events = generate_file(path, args.cases, args.seed)
        print(f"generated {args.cases:,} cases, {n_events:,} events ({path.stat().st_size / 2**20:.0f} MiB) "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        baseline = duckdb_baseline(path)
        results: dict[str, dict] = {}
        if args.db in ("both", "sqlite"):
            print("SQLite …", file=sys.stderr)
            figures = run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path, n_events)
            if figures:
                results["SQLite"] = figures
        if args.db in ("both", "postgresql"):
            url = postgres_database("stabil_bench")
            if url:
                print("PostgreSQL …", file=sys.stderr)
                try:
                    figures = run_child(url, path, n_events)
                    if figures:
                        results["PostgreSQL"] = figures
                finally:
                    drop_postgres(url)

    # The figures, each with its target and its ratio to the DuckDB scan of the same file.
    print(f"cases bench: {args.cases:,} cases, {n_events:,} events, seed {args.seed}, {dt.date.today().isoformat()}")
    print(f"baseline: DuckDB read + group by case: {baseline:.2f} s ({n_events / baseline:,.0f} events/s)")
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())} (2 cores; other work slows every figure)")
    rows = [
        ("import (events/s, validated)", "import_events_per_s", "{:,.0f}", lambda v: (n_events / v) / baseline),
        ("import (s)", "import_s", "{:.1f}", lambda v: v / baseline),
        ("import, CPU of the Stabil process (s)", "import_cpu_s", "{:.1f}", lambda v: v / baseline),
        ("peak memory (MiB RSS)", "peak_rss_mib", "{:,.0f}", None),
        ("report deadlines, last day (s)", "report_deadlines_s", "{:.2f}", lambda v: v / baseline),
        ("report deadlines --on a year back (s)", "report_deadlines_past_s", "{:.2f}", lambda v: v / baseline),
        ("report egenkontroll, a year (s)", "egenkontroll_s", "{:.2f}", lambda v: v / baseline),
        ("deadline list, one unit (ms)", "deadline_list_ms", "{:.0f}", lambda v: (v / 1000) / baseline),
    ]
    names = list(results)
    header = f"{'figure':<40}" + "".join(f"{name:>14}{'x DuckDB':>10}" for name in names) + f"{'target':>12}"
    print(header)
    for label, key, fmt, ratio in rows:
        line = f"{label:<40}"
        for name in names:
            value = results[name][key]
            if ratio is not None:
                line += f"{fmt.format(value):>14}{ratio(value):>9.1f}x"
            else:
                line += f"{fmt.format(value):>14}{'':>10}"
        target = TARGETS.get(key)
        line += f"{('>= ' if key == 'import_events_per_s' else '<= ') + format(target, ',') if target else '':>12}"
        print(line)
    for name in names:
        print(f"{name}: {results[name]['cases']:,} cases, {results[name]['deadlines']:,} deadlines stored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
