"""Benchmark of what the pages and reports of issue 16 cost at a large city's size (server time, no network).

Builds (or reuses) a database holding the cases bench's deterministic history (``cases_bench.generate_file``:
N cases over four years, 8 units of 25 staff), then times, as a unit manager of U01 (and as a caseworker of
U01 for "Mina ärenden"), the median of ``--repeat`` requests after a warm-up of:

- the deadline list of one unit (``/arenden/?unit=U01``), the case list of one caseworker (``/arenden/mina/``);
- the workload board of one unit, the allocation queue and the suggestions for one unassigned case;
- the egenkontroll page (this year, the manager's unit);
- ``/healthz``, the trivial page of the same server: the baseline each page is printed as a multiple of;

and, each in its own process (peak memory is its own), ``stabil report deadlines`` (JSON, CSV, XLSX) and a
year's ``stabil report egenkontroll`` (JSON) with their peak RSS. ``--explain`` also prints, per page, its
slowest queries with PostgreSQL's ``EXPLAIN (ANALYZE)`` plan (sequential scans show there).

    .venv/bin/python bench/pages_bench.py --cases 100000 --db postgresql
    .venv/bin/python bench/pages_bench.py --db-url postgresql://postgres@127.0.0.1:5432/stabil_pages --keep

``--db-url`` with ``--keep`` keeps the database for the next run (an existing database with cases is not
imported again: compare before and after a change on the same data; migrations are applied first).
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
sys.path.insert(0, str(ROOT / "bench"))

import benchlib
from benchlib import drop_postgres, postgres_database

LAST_ON = dt.date(2026, 11, 24)


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    os.environ["STABIL_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build(db_url: str, n_cases: int, seed: int) -> dict:
    """Fill the database with the cases bench's history unless it holds cases already."""
    _setup(db_url)
    from stabil.cases.models import Case

    if Case.objects.exists():
        return {"imported": False}
    from cases_bench import generate_file

    from stabil.imports.framework import run_import

    with tempfile.TemporaryDirectory(prefix="stabil-pages-") as tmp:
        path = Path(tmp) / "case_events.csv"
        n_events = generate_file(path, n_cases, seed)
        started = time.perf_counter()
        outcome = run_import(path, stream=sys.stderr)
        if outcome.errors:
            raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
        return {"imported": True, "events": n_events, "import_s": time.perf_counter() - started}


def _explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS off) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join("      " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def pages(db_url: str, repeat: int, explain: bool) -> dict:
    _setup(db_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from stabil.accounts.models import User
    from stabil.cases.models import Case
    from stabil.organisation.models import Unit
    from stabil.staff.models import StaffMember

    unit = Unit.objects.get(code="U01")
    manager, _ = User.objects.get_or_create(username="bench-manager", defaults={"role": "unit_manager"})
    manager.units.set([unit])
    worker_user, _ = User.objects.get_or_create(username="bench-caseworker", defaults={"role": "caseworker"})
    worker_user.units.set([unit])
    # The caseworker with the most cases in U01 (stable: by staff id among equals).
    busiest = (StaffMember.objects.filter(unit=unit).order_by("staff_id").first())
    if busiest.user_id is None:
        busiest.user = worker_user
        busiest.save(update_fields=["user"])
    open_cases = Case.objects.filter(unit=unit).exclude(state__phase="closed")
    if not open_cases.filter(main_handler__isnull=True).exists():
        # The synthetic history assigns every case; leave one open case in 50 of U01 without a main
        # caseworker, so that the allocation queue has something to list (the same cases every time).
        pks = list(open_cases.order_by("case_id").values_list("pk", flat=True))[::50]
        Case.objects.filter(pk__in=pks).update(main_handler=None)
    unassigned = (open_cases.filter(main_handler__isnull=True).order_by("case_id")
                  .values_list("case_id", flat=True).first())
    year = dt.date.today().year
    manager_pages = [
        ("trivial page (/healthz)", "/healthz", {}),
        ("deadline list, one unit", "/arenden/", {"unit": "U01"}),
        ("workload board, one unit", "/arbetsbelastning/", {"enhet": "U01"}),
        ("allocation queue", "/arbetsbelastning/fordela/", {}),
        ("allocation suggestions, one case", f"/arbetsbelastning/fordela/{unassigned}/", {}),
        ("egenkontroll page, this year, U01", "/arenden/egenkontroll/",
         {"due_from": f"{year}-01-01", "due_to": dt.date.today().isoformat(), "unit": "U01"}),
    ]
    figures: dict = {}
    plans: dict = {}
    for who, page_list in ((manager, manager_pages),
                           (worker_user, [("case list (Mina ärenden)", "/arenden/mina/", {})])):
        client = Client()
        client.force_login(who)
        for label, url, params in page_list:
            timings = []
            sql_ms = []
            for _ in range(repeat + 1):
                with CaptureQueriesContext(connection) as timed:
                    started = time.perf_counter()
                    response = client.get(url, params)
                    timings.append((time.perf_counter() - started) * 1000)
                sql_ms.append(sum(float(q["time"]) for q in timed.captured_queries) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            figures[label] = statistics.median(timings[1:])
            # The database's share of the page (the queries' own time as Django measures it): on a shared
            # machine it moves less than the page's time, which is mostly Python and the template.
            figures[label + " #sql_ms"] = statistics.median(sql_ms[1:])
            with CaptureQueriesContext(connection) as captured:
                client.get(url, params)
            queries = [q for q in captured.captured_queries
                       if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
            figures[label + " #queries"] = len(queries)
            if explain:
                slowest = sorted(queries, key=lambda q: -float(q["time"]))[:3]
                plans[label] = [(q["time"], q["sql"]) for q in slowest]
    if explain:
        for label, items in plans.items():
            print(f"== {label}", file=sys.stderr)
            for seconds, sql in items:
                print(f"  {seconds} s: {sql[:600]}", file=sys.stderr)
                if sql.startswith("SELECT"):
                    print(_explain(sql, None), file=sys.stderr)
    figures["cases"] = Case.objects.count()
    return figures


def report(db_url: str, args: list[str]) -> dict:
    """Run one ``stabil report`` in this process, its output to /dev/null; return seconds and peak RSS."""
    _setup(db_url)
    elapsed = benchlib.timed_stabil(args)
    return {"s": elapsed, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--db-url", help="use this database (created beforehand); with --keep it is kept")
    parser.add_argument("--keep", action="store_true", help="keep the database (only with --db-url)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-reports", action="store_true")
    parser.add_argument("--worker", choices=["build", "pages", "report"], help=argparse.SUPPRESS)
    parser.add_argument("--report-args", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "build":
        print(json.dumps(build(args.db_url, args.cases, args.seed)))
        return 0
    if args.worker == "pages":
        print(json.dumps(pages(args.db_url, args.repeat, args.explain)))
        return 0
    if args.worker == "report":
        print(json.dumps(report(args.db_url, json.loads(args.report_args))))
        return 0

    tmp = tempfile.mkdtemp(prefix="stabil-pages-")
    url = args.db_url
    throwaway = url is None
    if url is None:
        url = (f"sqlite:///{Path(tmp) / 'pages.sqlite3'}" if args.db == "sqlite" else postgres_database("stabil_pages"))
        if url is None:
            return 1
    script = str(Path(__file__).resolve())
    try:
        built = benchlib.run_child(script, "--worker", "build", "--db-url", url, "--cases", str(args.cases),
                                   "--seed", str(args.seed))
        print(f"database: {url.split('@')[-1]} {json.dumps(built)}", file=sys.stderr)
        figures = benchlib.run_child(script, "--worker", "pages", "--db-url", url, "--repeat", str(args.repeat),
                                     *(["--explain"] if args.explain else []))
        if figures is None:
            return 1
        reports = {}
        if not args.no_reports:
            year_ago = LAST_ON - dt.timedelta(days=364)
            for label, report_args in (
                ("report deadlines --format json", ["report", "deadlines", "--format", "json", "--on", LAST_ON.isoformat()]),
                ("report deadlines --format csv", ["report", "deadlines", "--format", "csv", "--on", LAST_ON.isoformat()]),
                ("report deadlines --format xlsx", ["report", "deadlines", "--format", "xlsx", "--on", LAST_ON.isoformat()]),
                ("report egenkontroll, a year (json)", ["report", "egenkontroll", "--from", year_ago.isoformat(), "--to",
                                                        LAST_ON.isoformat(), "--on", LAST_ON.isoformat(), "--format", "json"]),
                ("report egenkontroll, a year (xlsx)", ["report", "egenkontroll", "--from", year_ago.isoformat(), "--to",
                                                        LAST_ON.isoformat(), "--on", LAST_ON.isoformat(), "--format", "xlsx"]),
            ):
                reports[label] = benchlib.run_child(script, "--worker", "report", "--db-url", url,
                                                    "--report-args", json.dumps(report_args))
    finally:
        if url.startswith("postgresql") and (throwaway or not args.keep):
            drop_postgres(url)

    base = figures["trivial page (/healthz)"]
    print(f"pages bench: {figures['cases']:,} cases, {url.split(':')[0]}, {dt.date.today().isoformat()}, "
          f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(f"{'page (server time, median of ' + str(args.repeat) + ')':<44}{'ms':>10}{'x trivial':>11}{'queries':>9}"
          f"{'SQL ms':>9}")
    for key, value in figures.items():
        if key == "cases" or key.endswith(("#queries", "#sql_ms")):
            continue
        print(f"{key:<44}{value:>10.1f}{value / base:>10.0f}x{figures[key + ' #queries']:>9}"
              f"{figures[key + ' #sql_ms']:>9.1f}")
    for label, result in reports.items():
        if result:
            print(f"{label:<44}{result['s']:>10.2f} s{result['peak_rss_mib']:>9,.0f} MiB peak RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
