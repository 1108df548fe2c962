"""Plumbing the bench scripts share: throwaway PostgreSQL databases and measuring in a child process.

Each measurement runs in a fresh child process (the script itself with its worker flags), so peak memory
and Django's state belong to that one database and run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def run_child(script: str, *args: str) -> dict | None:
    """Run ``script`` with ``args`` in a child process; return the JSON object on its last output line."""
    command = [sys.executable, script, *args]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if result.returncode != 0:
        print(f"  failed ({result.returncode}): {' '.join(args[:4])}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def timed_stabil(args: list[str]) -> float:
    """Run ``stabil ARGS`` in this process (Django set up), its standard output to /dev/null; return seconds.

    Exits with a message when the command fails, so a broken report is never timed as a fast one.
    """
    # lazy: the caller sets up Django (its database) before the command line is imported
    from stabil.cli import main as stabil_main

    real_stdout = sys.stdout
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        started = time.perf_counter()
        try:
            code = stabil_main(args)
        finally:
            sys.stdout = real_stdout
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"stabil {' '.join(args)} exited {code}")
    return elapsed


def postgres_database(prefix: str) -> str | None:
    """Create a throwaway PostgreSQL database; return its URL, or None when the server is not reachable."""
    try:
        import psycopg

        name = f"{prefix}_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:5432/{name}"
    except Exception as exc:  # noqa: BLE001  server down or psycopg missing: say so, go on with SQLite
        print(f"PostgreSQL is not reachable ({exc.__class__.__name__}); skipped", file=sys.stderr)
        return None


def drop_postgres(url: str) -> None:
    """Drop the throwaway database at ``url``."""
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
