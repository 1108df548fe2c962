"""Benchmark of the REST API's case-event batches beside the file import of the same rows (issue 14).

`.venv/bin/python bench/api_bench.py [--cases N] [--batch 8000] [--seed S] [--db both|sqlite|postgresql]`
generates the deterministic case-events rows of ``stabil.cases.synthetic`` (the cases bench's), then for each
database measures, each in a fresh process and a fresh database with the same units:

- the baseline: ``stabil import`` of the rows as one CSV file (events/s);
- the API: the same rows as ``POST /api/v1/case-events/`` batches of ``--batch`` events with an
  ``Idempotency-Key`` each, sent by a registered client through the whole Django stack (middleware, bearer
  token, rate limit, schema, the import's handler, the access log) with Django's test client in-process, so
  the network is left out; events/s over all batches, and the ratio to the file import.

Target (issue 14): at least 20,000 events/s through the API on PostgreSQL. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import benchlib
from benchlib import drop_postgres, postgres_database

LAST_ON = dt.date(2026, 11, 24)
TARGET_API_EVENTS_PER_S = 20_000


def generate_file(path: Path, n_cases: int, seed: int) -> int:
    from stabil.cases.synthetic import CASE_EVENT_COLUMNS, default_spec, generate

    spec = default_spec(n_cases, LAST_ON, years=4, n_units=8, staff_per_unit=25, seed=seed)
    rows = sorted(generate(spec), key=lambda row: row[0])  # a case's events together, as a nightly export
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_EVENT_COLUMNS)
        writer.writerows(rows)
    return len(rows)


def worker(db_url: str, path: Path, mode: str, batch: int) -> dict:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    os.environ["STABIL_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["STABIL_API_RATE_LIMIT"] = "1000000/m"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from stabil.organisation.services import unit_get_or_create

    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        records = list(reader)
    unit_codes = sorted({r["unit"] for r in records if r["unit"]})
    for code in unit_codes:  # the same units in both runs: an API client never creates one
        unit_get_or_create(code=code)
    figures: dict = {"events": len(records)}
    if mode == "file":
        from stabil.imports.framework import run_import

        started = time.perf_counter()
        outcome = run_import(path, stream=sys.stderr, quiet=True)
        seconds = time.perf_counter() - started
        if outcome.errors:
            raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
    else:
        from django.test import Client

        from stabil.api.services import client_create

        _client, token = client_create(by=None, name="bench", owner="bench", scopes=["case-events:write"],
                                       unit_codes=unit_codes)
        http = Client()
        bodies = [json.dumps({"events": records[start:start + batch]}) for start in range(0, len(records), batch)]
        # A running server has loaded its URLs and the API's modules before the night's first batch: one
        # untimed request does that here, so that the figure is the batches' own cost.
        warm = http.get("/api/v1/openapi.json")
        if warm.status_code != 200:
            raise SystemExit(f"warm-up: {warm.status_code}")
        started = time.perf_counter()
        for number, body in enumerate(bodies):
            response = http.post("/api/v1/case-events/", body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"bench-{number}"})
            if response.status_code != 200:
                raise SystemExit(f"batch {number}: {response.status_code} {response.content[:500]!r}")
        seconds = time.perf_counter() - started
        figures["batches"] = len(bodies)
    figures["seconds"] = seconds
    figures["events_per_s"] = len(records) / seconds
    from stabil.cases.models import CaseEvent

    figures["stored_events"] = CaseEvent.objects.count()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=8000, help="events per API batch (body at most 2.5 MB)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--worker", choices=["file", "api"], help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.db_url, Path(args.file), args.worker, args.batch)))
        return 0

    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="stabil-api-bench-") as tmp:
        path = Path(tmp) / "case_events.csv"
        n_events = generate_file(path, args.cases, args.seed)
        print(f"generated {args.cases:,} cases, {n_events:,} events", file=sys.stderr)
        targets = []
        if args.db in ("both", "sqlite"):
            targets.append(("SQLite", lambda mode: f"sqlite:///{Path(tmp) / f'{mode}.sqlite3'}", None))
        if args.db in ("both", "postgresql"):
            targets.append(("PostgreSQL", lambda mode: postgres_database(f"stabil_api_bench_{mode}"), drop_postgres))
        for name, make_url, drop in targets:
            for mode in ("file", "api"):
                url = make_url(mode)
                if url is None:
                    continue
                print(f"{name}, {mode} …", file=sys.stderr)
                try:
                    figures = benchlib.run_child(__file__, "--worker", mode, "--db-url", url, "--file", str(path),
                                                 "--batch", str(args.batch))
                finally:
                    if drop is not None:
                        drop(url)
                if figures:
                    results.setdefault(name, {})[mode] = figures
    print(f"api bench: {args.cases:,} cases, {n_events:,} events, batches of {args.batch:,}, seed {args.seed}, "
          f"{dt.date.today().isoformat()}")
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())} (2 cores, shared)")
    print(f"{'database':<12}{'file import ev/s':>18}{'API batches ev/s':>18}{'API / file':>12}{'target':>10}")
    failed = False
    for name, modes in results.items():
        file_rate = modes.get("file", {}).get("events_per_s")
        api_rate = modes.get("api", {}).get("events_per_s")
        ratio = f"{api_rate / file_rate:.2f}" if file_rate and api_rate else "–"
        print(f"{name:<12}{file_rate or 0:>18,.0f}{api_rate or 0:>18,.0f}{ratio:>12}{TARGET_API_EVENTS_PER_S:>10,}")
        if name == "PostgreSQL" and (api_rate or 0) < TARGET_API_EVENTS_PER_S:
            failed = True
        for mode in ("file", "api"):
            stored = modes.get(mode, {}).get("stored_events")
            if stored is not None and stored != n_events:
                print(f"  {name} {mode}: stored {stored} of {n_events} events", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
