"""Benchmark of log-in throttling under a flood: does a flood of failed log-ins slow a logged-in user?

Issue 11, finding 8: 16 clients sending 8 failed log-ins a second raised a logged-in user's deadline list
from 132 ms to 1,672 ms at p50, because every failed attempt costs an Argon2 hash (about 0.18 s of CPU on
both cores) and nothing stopped the attempts. This script, in a child process per database:

- builds a fresh database with a small synthetic case history (default 3,000 cases in 4 units) and a unit
  manager whose password is hashed with the production hasher (Argon2);
- starts the real server (`stabil serve`: gunicorn, 2 workers x 4 threads) on 127.0.0.1 only, with
  `STABIL_TRUSTED_PROXY_COUNT=1` as behind a TLS proxy;
- logs the unit manager in and times her deadline list (`/arenden/?unit=U01`) one request after another:
  first with no flood (the baseline, in the same run), then during a flood of failed log-ins from
  `--clients` clients, each with its own address (sent as `X-Forwarded-For`, as a proxy would; every
  connection goes to 127.0.0.1), rotating over 64 user names, `--rate` attempts a second in all, then
  with no flood again (so that drift from the machine's other load shows).

It prints p50/p95 of the page for the baseline, for the whole flood and for each half of it (in the second
half most flooding addresses are locked), and how the attempts were answered: checked (the password was
hashed and was wrong), busy (refused at once because every password-check slot was taken), locked (429).
Every loop is bounded in count and time; the server is stopped at the end.

    .venv/bin/python bench/login_flood_bench.py                       # SQLite, 20 s baseline, 90 s flood
    .venv/bin/python bench/login_flood_bench.py --db both --flood-seconds 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import benchlib
from benchlib import drop_postgres, postgres_database

HOST = "127.0.0.1"  # the only address this benchmark ever connects to
LAST_ON = dt.date(2026, 11, 24)
USER, PASSWORD = "bench-manager", "Bänk-lösen-som-ingen-gissar-42"
PAGE = "/arenden/?unit=U01"
MAX_PAGE_REQUESTS = 2000      # per phase, besides the time bound
MAX_FLOOD_ATTEMPTS = 20000    # in all, besides the time bound
FLOOD_USERNAMES = 64
BUSY_TEXT = "Många inloggningar pågår just nu"  # the log-in form's answer when no password check slot is free


# --- HTTP with cookies, on 127.0.0.1 only ------------------------------------------------------------


class Browser:
    """One keep-alive connection to the local server with its own cookies and client address."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"X-Forwarded-For": self.address, "Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}/logga-in/"
        for attempt in range(2):  # one reconnect when the server closed a kept-alive connection
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def csrf(self) -> str:
        status, text = self.request("GET", "/logga-in/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if status != 200 or not match:
            raise SystemExit(f"log-in page answered {status} without a CSRF token")
        return match.group(1)

    def log_in(self, username: str, password: str) -> int:
        token = self.csrf()
        status, _ = self.request("POST", "/logga-in/", {"csrfmiddlewaretoken": token, "username": username,
                                                       "password": password})
        return status


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(timings: list[float]) -> dict:
    if not timings:
        return {"n": 0, "p50_ms": None, "p95_ms": None}
    return {"n": len(timings), "p50_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95)}


def time_page(browser: Browser, seconds: float, stop: threading.Event | None = None) -> list[tuple[float, float]]:
    """Time the deadline list one request after another; return (finished at, ms) pairs."""
    results = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(results) < MAX_PAGE_REQUESTS and not (stop and stop.is_set()):
        started = time.perf_counter()
        status, _ = browser.request("GET", PAGE)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"the deadline list answered {status}")
        results.append((time.monotonic(), elapsed))
    return results


def answer_kind(status: int, text: str) -> str:
    """How a failed log-in was answered: checked (password hashed), busy (refused unchecked) or locked."""
    if status == 429:
        return "locked"
    if status == 200 and BUSY_TEXT in text:
        return "busy"
    return "checked" if status == 200 else f"http {status}"


def flood(port: int, clients: int, rate: float, seconds: float) -> tuple[list[tuple[float, str]], float]:
    """Send failed log-ins from ``clients`` addresses for ``seconds``; return (time, answer kind) each."""
    answers: list[tuple[float, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    interval = clients / rate if rate > 0 else 0.0

    def client(index: int) -> None:
        browser = Browser(port, f"203.0.{113 - index // 250}.{index % 250 + 1}")  # documentation range
        token = browser.csrf()
        next_at = time.monotonic() + index * interval / clients
        attempt = 0
        while time.monotonic() < stop_at:
            with lock:
                if len(answers) >= MAX_FLOOD_ATTEMPTS:
                    return
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(min(delay, max(0.0, stop_at - time.monotonic())))
                if time.monotonic() >= stop_at:
                    return
            next_at += interval
            username = f"guess{(index * 7 + attempt) % FLOOD_USERNAMES}"
            attempt += 1
            status, text = browser.request("POST", "/logga-in/", {"csrfmiddlewaretoken": token,
                                                                 "username": username, "password": f"Wrong-{attempt}"})
            with lock:
                answers.append((time.monotonic(), answer_kind(status, text)))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return answers, started


# --- the child process: one database ------------------------------------------------------------------


def build_database(db_url: str, data_dir: Path, n_cases: int) -> None:
    import csv

    os.environ.update({"DATABASE_URL": db_url, "STABIL_DATA_DIR": str(data_dir),
                       "DJANGO_SETTINGS_MODULE": "stabil.config.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    from stabil.cases.synthetic import CASE_EVENT_COLUMNS, default_spec, generate
    from stabil.imports.framework import run_import

    call_command("migrate", interactive=False, verbosity=0)
    path = data_dir / "events.csv"
    spec = default_spec(n_cases, LAST_ON, years=3, n_units=4, staff_per_unit=12, seed=11)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_EVENT_COLUMNS)
        writer.writerows(generate(spec))
    with open(os.devnull, "w") as sink:
        outcome = run_import(path, stream=sink)
    if outcome.errors:
        raise SystemExit("import failed: " + "; ".join(outcome.error_lines()[:5]))
    from stabil.accounts.models import User
    from stabil.organisation.models import Unit

    user = User.objects.create_user(username=USER, password=PASSWORD, role="unit_manager")  # Argon2
    assert user.password.startswith("argon2"), user.password[:10]
    user.units.set([Unit.objects.get(code="U01")])
    from django.db import connections

    connections.close_all()


def worker(db_url: str, n_cases: int, clients: int, rate: float, baseline_s: float, flood_s: float) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="stabil-login-bench-"))
    os.environ.update({"STABIL_TRUSTED_PROXY_COUNT": "1", "STABIL_ALLOWED_HOSTS": HOST, "STABIL_DIGEST_TIME": "off",
                       "STABIL_LOG_LEVEL": "ERROR"})
    build_database(db_url, data_dir, n_cases)
    port = free_port()
    server_log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "stabil.cli", "serve", "--host", HOST, "--port", str(port), "--no-worker"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, cwd=data_dir, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=server_log,  # one line per refused log-in: kept out of the figures
    )
    try:
        ready_by = time.monotonic() + 60
        while True:
            try:
                if Browser(port, "192.0.2.1").request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > ready_by or server.poll() is not None:
                raise SystemExit("the server did not start: " + (data_dir / "server.log").read_text()[-2000:])
            time.sleep(0.5)
        user = Browser(port, "192.0.2.1")
        status = user.log_in(USER, PASSWORD)
        if status != 302:
            raise SystemExit(f"log-in answered {status}")
        time_page(user, 3)  # warm-up: templates, caches, connections
        baseline = [ms for _t, ms in time_page(user, baseline_s)]

        stop = threading.Event()
        during: list[tuple[float, float]] = []
        timer = threading.Thread(target=lambda: during.extend(time_page(user, flood_s + 5, stop)), daemon=True)
        result: dict = {}

        def run_flood() -> None:
            result["answers"], result["started"] = flood(port, clients, rate, flood_s)
            stop.set()

        flooder = threading.Thread(target=run_flood, daemon=True)
        flooder.start()
        timer.start()
        flooder.join(timeout=flood_s + 180)
        stop.set()
        timer.join(timeout=120)
        answers, started = result.get("answers", []), result.get("started", time.monotonic())
        half = started + flood_s / 2

        def kinds(pairs) -> dict[str, int]:
            counted: dict[str, int] = {}
            for _t, kind in pairs:
                counted[kind] = counted.get(kind, 0) + 1
            return counted
        # A legitimate log-in from an address of its own, right after the flood, still works.
        still = Browser(port, "192.0.2.2").log_in(USER, PASSWORD)
        # The baseline again: shows how much the machine's other load drifted during the run.
        after = [ms for _t, ms in time_page(user, baseline_s)]
        return {
            "cases": n_cases, "clients": clients, "rate_per_s": rate, "flood_s": flood_s,
            "baseline": summary(baseline), "baseline_after": summary(after),
            "flood": summary([ms for _t, ms in during]),
            "flood_first_half": summary([ms for t, ms in during if t <= half]),
            "flood_second_half": summary([ms for t, ms in during if t > half]),
            "attempts": kinds(answers), "attempts_first_half": kinds(a for a in answers if a[0] <= half),
            "attempts_second_half": kinds(a for a in answers if a[0] > half),
            "attempts_per_s": round(len(answers) / flood_s, 1),
            "legit_login_during_flood": still,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and its gunicorn workers, all started here
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- the parent ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rate", type=float, default=8.0, help="failed log-ins per second in all (0 = no pause)")
    parser.add_argument("--baseline-seconds", type=float, default=20.0)
    parser.add_argument("--flood-seconds", type=float, default=90.0)
    parser.add_argument("--worker", metavar="DB_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        figures = worker(args.worker, args.cases, args.clients, args.rate, args.baseline_seconds,
                         args.flood_seconds)
        print(json.dumps(figures))
        return 0

    runs = []
    if args.db in {"sqlite", "both"}:
        folder = Path(tempfile.mkdtemp(prefix="stabil-login-bench-db-"))
        runs.append(("SQLite", f"sqlite:///{folder / 'bench.sqlite3'}", None))
    if args.db in {"postgresql", "both"}:
        url = postgres_database("stabil_login_bench")
        if url:
            runs.append(("PostgreSQL", url, url))
    ok = True
    for label, url, to_drop in runs:
        print(f"{label}: {args.cases} cases, flood of {args.clients} clients at {args.rate:g} failed log-ins/s",
              file=sys.stderr)
        try:
            figures = benchlib.run_child(__file__, "--worker", url, "--cases", str(args.cases), "--clients",
                                         str(args.clients), "--rate", str(args.rate), "--baseline-seconds",
                                         str(args.baseline_seconds), "--flood-seconds", str(args.flood_seconds))
        finally:
            if to_drop:
                drop_postgres(to_drop)
        if figures is None:
            ok = False
            continue
        base = figures["baseline"]
        print(f"\n{label} — deadline list of a logged-in unit manager (ms)")
        print(f"  {'phase':<44} {'n':>5} {'p50':>7} {'p95':>7} {'p50 - baseline':>15}")
        for name, key in (("no flood (baseline)", "baseline"), ("during the flood, all", "flood"),
                          ("  first half of the flood", "flood_first_half"),
                          ("  second half of the flood", "flood_second_half"),
                          ("no flood, after it", "baseline_after")):
            row = figures[key]
            if not row["n"]:
                print(f"  {name:<44} {0:>5}")
                continue
            print(f"  {name:<44} {row['n']:>5} {row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} "
                  f"{row['p50_ms'] - base['p50_ms']:>+15.0f}")
        print(f"  flood attempts ({figures['attempts_per_s']}/s): first half {figures['attempts_first_half']}, "
              f"second half {figures['attempts_second_half']}")
        print(f"  a legitimate log-in from another address right after the flood: "
              f"{figures['legit_login_during_flood']}")
        print(json.dumps({label: figures}), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
