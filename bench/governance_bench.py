"""Benchmark of the governance contracts: `report statistics`, the scorecard page, the PDF board paper.

On the cases bench data (``bench/cases_bench.py``'s deterministic file, default 100,000 cases over four
years), in a fresh database per engine (a child process each), measures:

- seconds for `stabil report statistics --years Y-3..Y --months 1-12 --format json` (four years);
- the same with `--public` (suppression on);
- server time of the scorecard page (a scorecard with every computed KPI): the first request, which
  computes the KPI values (kept in the process's cache; a page view stores no snapshot), and the median of
  five warm requests;
- seconds for `stabil report board --format pdf` (a whole year);

with, as the baseline in the same run, DuckDB counting investigations opened per year and category in
the same file (the scan limit), and each figure's ratio to it. Targets (issue 7, 2-core machine):
statistics <= 2 s, scorecard page <= 500 ms (warm), PDF <= 10 s.

    .venv/bin/python bench/governance_bench.py                      # 100,000 cases, SQLite
    .venv/bin/python bench/governance_bench.py --cases 20000 --db both
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import benchlib
import cases_bench

YEAR = cases_bench.LAST_ON.year
TARGETS = {"statistics_s": 2.0, "statistics_public_s": 2.0, "scorecard_warm_ms": 500.0, "board_pdf_s": 10.0}


def duckdb_baseline(path: Path) -> float:
    """Return seconds for DuckDB to count investigations opened per year and category in the file."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    rows = con.execute(
        "SELECT category, substr(date, 1, 4) AS year, count(*) "
        f"FROM read_csv('{path}', all_varchar=true, header=true) "
        f"WHERE event = 'investigation_opened' AND substr(date, 1, 4) >= '{YEAR - 3}' GROUP BY 1, 2"
    ).fetchall()
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def _scorecard(by) -> int:
    """Create a scorecard with every computed KPI; return its pk."""
    from stabil.core.kpi import REGISTRY
    from stabil.governance import services

    board = services.board_get_or_create(by=by, code="SN", name="Socialnämnden")
    card = services.scorecard_create(by=by, board=board, first_year=YEAR - 1, title="Nämndstyrkort")
    perspective = services.perspective_add(by=by, scorecard=card, name="Invånare")
    goal = services.goal_add(by=by, perspective=perspective, text="Lagstadgade tider hålls")
    for order, code in enumerate(REGISTRY):
        services.kpi_add(by=by, goal=goal, name=code, computed=code, order=order,
                         targets={YEAR - 1: 90, YEAR: 95, YEAR + 1: 100})
    nki = services.kpi_add(by=by, goal=goal, name="NKI", unit="index", targets={YEAR - 1: 75, YEAR: 75, YEAR + 1: 75})
    services.kpi_entry_set(by=by, kpi=nki, year=YEAR - 1, value=73)
    return card.pk


def worker(db_url: str, path: Path) -> dict:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    os.environ["STABIL_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from stabil.imports.framework import run_import

    started = time.perf_counter()
    outcome = run_import(path, stream=sys.stderr)
    if outcome.errors:
        raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
    figures: dict = {"import_s": time.perf_counter() - started}

    timed_cli = benchlib.timed_stabil  # stabil ARGS in this process, output discarded; fails loudly

    years = f"{YEAR - 3}-{YEAR}"
    figures["statistics_s"] = min(timed_cli(["report", "statistics", "--years", years, "--months", "1-12"])
                                  for _ in range(3))
    figures["statistics_public_s"] = min(timed_cli(["report", "statistics", "--years", years, "--months", "1-12",
                                                    "--public"]) for _ in range(3))

    from django.test import Client
    from django.utils import timezone

    from stabil.accounts.models import User

    user = User.objects.create_user(username="bench-board", password="x", role="board_member")
    card_pk = _scorecard(None)
    client = Client()
    client.force_login(user)
    url = f"/styrning/styrkort/{card_pk}/"
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    figures["scorecard_cold_ms"] = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    figures["scorecard_warm_ms"] = statistics.median(timings)

    out = Path(path).with_suffix(".pdf")
    last_month = min(12, timezone.localdate().month) if timezone.localdate().year == YEAR else 12
    board_args = ["report", "board", "--period", f"{YEAR}-01..{YEAR}-{last_month:02d}", "--format", "pdf",
                  "--output", str(out), "--public"]
    if os.environ.get("GOV_BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    figures["board_pdf_s"] = timed_cli(board_args)
    if os.environ.get("GOV_BENCH_PROFILE"):
        profiler.disable()
        profiler.dump_stats(os.environ["GOV_BENCH_PROFILE"])
    # The parts: gathering the figures, then rendering the PDF.
    from stabil.governance import board_report

    period = board_report.parse_period(f"{YEAR}-01..{YEAR}-{last_month:02d}")
    started = time.perf_counter()
    report = board_report.build(period=period, exact=False)
    figures["board_build_s"] = time.perf_counter() - started
    started = time.perf_counter()
    board_report.to_pdf(report)
    figures["board_render_s"] = time.perf_counter() - started
    from stabil.cases.models import Case, CaseEvent

    figures["cases"] = Case.objects.count()
    figures["events"] = CaseEvent.objects.count()
    return figures


def run_child(db_url: str, path: Path) -> dict | None:
    """Measure in a fresh process (see ``benchlib.run_child``)."""
    return benchlib.run_child(__file__, "--worker", "--db-url", db_url, "--file", str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.db_url, Path(args.file))))
        return 0

    with tempfile.TemporaryDirectory(prefix="stabil-gov-bench-") as tmp:
        path = Path(tmp) / "case_events.csv"
        started = time.perf_counter()
        n_events = cases_bench.generate_file(path, args.cases, args.seed)
        print(f"generated {args.cases:,} cases, {n_events:,} events in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        baseline = duckdb_baseline(path)
        results: dict[str, dict] = {}
        if args.db in ("both", "sqlite"):
            print("SQLite …", file=sys.stderr)
            figures = run_child(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path)
            if figures:
                results["SQLite"] = figures
        if args.db in ("both", "postgresql"):
            url = benchlib.postgres_database("stabil_gov_bench")
            if url:
                print("PostgreSQL …", file=sys.stderr)
                try:
                    figures = run_child(url, path)
                    if figures:
                        results["PostgreSQL"] = figures
                finally:
                    benchlib.drop_postgres(url)

    print(f"governance bench: {args.cases:,} cases, {n_events:,} events, seed {args.seed}, {dt.date.today()}")
    print(f"baseline: DuckDB count of investigations opened per year and group: {baseline:.3f} s")
    rows = [
        ("report statistics, 4 years (s)", "statistics_s", "{:.2f}", lambda v: v / baseline),
        ("report statistics --public (s)", "statistics_public_s", "{:.2f}", lambda v: v / baseline),
        ("scorecard page, first (ms)", "scorecard_cold_ms", "{:.0f}", lambda v: v / 1000 / baseline),
        ("scorecard page, warm median (ms)", "scorecard_warm_ms", "{:.0f}", lambda v: v / 1000 / baseline),
        ("report board --format pdf (s)", "board_pdf_s", "{:.2f}", lambda v: v / baseline),
        ("  of which gathering figures (s)", "board_build_s", "{:.2f}", lambda v: v / baseline),
        ("  of which rendering the PDF (s)", "board_render_s", "{:.2f}", lambda v: v / baseline),
        ("import (s, not a governance figure)", "import_s", "{:.1f}", None),
    ]
    names = list(results)
    print(f"{'figure':<40}" + "".join(f"{name:>14}{'x DuckDB':>10}" for name in names) + f"{'target':>12}")
    for label, key, fmt, ratio in rows:
        line = f"{label:<40}"
        for name in names:
            value = results[name][key]
            line += f"{fmt.format(value):>14}" + (f"{ratio(value):>9.1f}x" if ratio else f"{'':>10}")
        target = TARGETS.get(key)
        line += f"{'<= ' + format(target, ',') if target else '':>12}"
        print(line)
    for name in names:
        print(f"{name}: {results[name]['cases']:,} cases, {results[name]['events']:,} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
