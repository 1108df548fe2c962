"""Load benchmark (issue 16): 50 logged-in users of mixed roles against `stabil serve` on PostgreSQL.

Builds the demo municipality (``stabil demo``'s ``stabil.demo.generator.build``) with its case history grown
to ``--cases`` cases (``stabil.cases.demo.DEMO_CASES`` raised in this process before the build; the demo's
six years, units and staff stay as they are), starts the real server (``stabil serve``: gunicorn, 2 workers
x 4 threads) on 127.0.0.1, and runs locust headless (``bench/locustfile.py``): ``--users`` people (unit
managers, team leads and caseworkers of BU-UTR) log in through the log-in form and open their pages with
1-3 s of think time for ``--run-time`` seconds. Prints p50/p95/p99 per page beside ``/healthz`` of the same
server (the baseline: no database, no template) and each page's p95 as a multiple of it.

    .venv/bin/python bench/load_bench.py                          # 20,000 cases, 50 users, 60 s: a few minutes
    .venv/bin/python bench/load_bench.py --cases 300000 --run-time 180
    .venv/bin/python bench/load_bench.py --db-url postgresql://postgres@127.0.0.1:5432/stabil_load --keep

Every connection goes to 127.0.0.1; the run is bounded by ``--run-time``; the server is stopped at the end.
Needs the ``bench`` extra (``pip install -e '.[bench]'``: locust). No figure is asserted: see
docs/performance.md for the recorded runs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import benchlib
from benchlib import drop_postgres, postgres_database

HOST = "127.0.0.1"
UNIT = "BU-UTR"


def build(db_url: str, n_cases: int, data_dir: Path) -> dict:
    """Build the grown demo municipality unless the database has it; write the unit's case ids for locust."""
    os.environ.update({"DATABASE_URL": db_url, "STABIL_DATA_DIR": str(data_dir),
                       "DJANGO_SETTINGS_MODULE": "stabil.config.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    import stabil.cases.demo
    from stabil.demo.generator import DEMO_PASSWORD
    from stabil.demo.generator import build as build_demo

    call_command("migrate", interactive=False, verbosity=0)
    stabil.cases.demo.DEMO_CASES = n_cases  # the demo municipality grown to a large city's history
    started = time.perf_counter()
    with open(os.devnull, "w") as sink:
        built = build_demo(seed=2026, stream=sink)
    seconds = time.perf_counter() - started
    from stabil.cases.selectors import cases

    unit_cases = cases().filter(unit__code=UNIT)
    ids = list(unit_cases.order_by("case_id").values_list("case_id", flat=True))
    (data_dir / "case_ids.txt").write_text("\n".join(ids[::max(1, len(ids) // 2000)]) + "\n", encoding="utf-8")
    unassigned = list(unit_cases.filter(main_handler__isnull=True).exclude(state__phase="closed")
                      .order_by("case_id").values_list("case_id", flat=True)[:20])
    return {"built": built, "build_s": seconds, "password": DEMO_PASSWORD, "cases": cases().count(), "unit_cases": len(ids),
            "unassigned": unassigned}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def read_stats(prefix: Path) -> dict[str, dict]:
    """Per request name: count, failures, p50/p95/p99 (ms) from locust's ``*_stats.csv``."""
    out = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            out[row["Name"]] = {"n": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"])}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="cases in the demo history (default 20000)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=1.0, help="users started a second")
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load after the last user started")
    parser.add_argument("--db-url", help="use this PostgreSQL database (created beforehand)")
    parser.add_argument("--keep", action="store_true", help="keep the database (only with --db-url)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(build(args.db_url, args.cases, Path(args.data_dir))))
        return 0

    url = args.db_url or postgres_database("stabil_load")
    if url is None:
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="stabil-load-"))
    server = None
    try:
        built = benchlib.run_child(__file__, "--worker", "--db-url", url, "--cases", str(args.cases),
                                   "--data-dir", str(data_dir))
        if built is None:
            return 1
        print(f"demo municipality: {built['cases']:,} cases, {built['unit_cases']:,} in {UNIT} "
              f"({'built in ' + format(built['build_s'], '.0f') + ' s' if built['built'] else 'existing'})",
              file=sys.stderr)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": url, "STABIL_DATA_DIR": str(data_dir),
               "STABIL_ALLOWED_HOSTS": HOST, "STABIL_DIGEST_TIME": "off",
               "STABIL_TRUSTED_PROXY_COUNT": "1", "STABIL_LOG_LEVEL": "ERROR"}
        server = subprocess.Popen(
            [sys.executable, "-m", "stabil.cli", "serve", "--host", HOST, "--port", str(port), "--no-worker"],
            env=env, cwd=data_dir, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=(data_dir / "server.log").open("w"))
        ready_by = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > ready_by or server.poll() is not None:
                raise SystemExit("the server did not start: " + (data_dir / "server.log").read_text()[-2000:])
            time.sleep(0.5)
        prefix = data_dir / "locust"
        ramp = int(args.users / args.spawn_rate) + 1
        locust_env = {**env, "STABIL_LOAD_PASSWORD": built["password"], "STABIL_LOAD_UNIT": UNIT,
                      "STABIL_LOAD_CASES": str(data_dir / "case_ids.txt"),
                      "STABIL_LOAD_UNASSIGNED": ",".join(built["unassigned"])}
        command = [str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "bench" / "locustfile.py"),
                   "--headless", "--host", f"http://{HOST}:{port}", "-u", str(args.users), "-r", str(args.spawn_rate),
                   "-t", f"{args.run_time + ramp}s", "--stop-timeout", "10", "--csv", str(prefix), "--only-summary",
                   "--loglevel", "WARNING"]
        with (data_dir / "locust.log").open("w") as log:
            subprocess.run(command, env=locust_env, check=False, timeout=args.run_time + ramp + 120,
                           stdout=log, stderr=subprocess.STDOUT)
        stats = read_stats(prefix)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)  # the server and its gunicorn workers, all started here
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not (args.db_url and args.keep):
            drop_postgres(url)

    base = stats.get("trivial page (/healthz)", {}).get("p95") or 1.0
    print(f"load bench: {built['cases']:,} cases (demo municipality), PostgreSQL, {args.users} users, "
          f"{args.run_time} s, {dt.date.today().isoformat()}, load average "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(f"{'page':<36}{'requests':>9}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p95 x base':>12}")
    for name in sorted(stats, key=lambda n: (n != "trivial page (/healthz)", n)):
        s = stats[name]
        print(f"{name:<36}{s['n']:>9}{s['failures']:>8}{s['p50']:>9.0f}{s['p95']:>9.0f}{s['p99']:>9.0f}"
              f"{s['p95'] / base:>11.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
