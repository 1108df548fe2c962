"""The ``stabil`` command line.

Built-in commands: ``demo``, ``serve``, ``migrate``, ``worker``, ``manage`` (Django's own commands) and
``report`` (a group). Each area adds its own from ``stabil/<app>/cli.py`` (see ``stabil.common.cli``).
The command-line contracts are documented in ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import threading
import time
import traceback
from importlib import import_module
from importlib.util import find_spec

from stabil.common.cli import CliError, Registry, SwedishArgumentParser

AREA_CLI_MODULES = [
    "stabil.accounts.cli",
    "stabil.audit.cli",
    "stabil.imports.cli",
    "stabil.cases.cli",
    "stabil.staff.cli",
    "stabil.workload.cli",
    "stabil.governance.cli",
    "stabil.simulation.cli",
    "stabil.records.cli",
    "stabil.feeds.cli",
    "stabil.api.cli",
]

DEFAULT_PORT = 8000


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stabil.config.settings")
    # lazy: this module loads before django.setup() (main)
    import django

    django.setup()


def database_status() -> str | None:
    """Return a Swedish message when the database is unreachable or not migrated, else None."""
    # lazy: this module loads before django.setup() (main)
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # OperationalError and friends, from any backend
        return (f"databasen kan inte nås ({exc.__class__.__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}). "
                "Kontrollera DATABASE_URL.")
    if plan:
        return "databasen är inte klar (migreringar saknas). Kör först: stabil migrate"
    return None


def _migrate(quiet: bool = False) -> None:
    # lazy: this module loads before django.setup() (main)
    from django.core.management import call_command

    from stabil.audit.migrate import migrate_as_owner

    # As the owner role when STABIL_MIGRATE_DATABASE_URL is set, then the app role's grants (PostgreSQL).
    if not migrate_as_owner():
        call_command("migrate", interactive=False, verbosity=0 if quiet else 1, stdout=sys.stderr)


def _cmd_migrate(args) -> int:
    _migrate()
    sys.stderr.write("Databasen är klar.\n")
    return 0


def _serve_configure(parser) -> None:
    parser.add_argument("--host", default=os.environ.get("STABIL_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("STABIL_PORT", DEFAULT_PORT)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("STABIL_WEB_WORKERS", 2)))
    parser.add_argument("--no-worker", action="store_true", help="starta inte bakgrundsarbetaren för långa jobb")


def _start_daily(name: str, env: str, default: str, command: list[str], day_rule, notice: str, *,
                 several: bool = False) -> None:
    """Run ``stabil <command>`` on the days ``day_rule`` accepts at the Stockholm time set in ``env``.

    Runs as a thread of the serving process, so a municipality gets its digests, monthly destruction lists
    and nightly feeds without setting up cron; ``env=off`` switches it off (e.g. where cron runs the command
    instead). With ``several`` the setting may name several times, comma-separated ("02:00,14:00").
    ``notice`` gets the times as ``{at}`` ("02:00, 14:00").
    """
    # lazy: this module loads before django.setup() (main)
    from stabil.core.calendar import next_daily_run

    setting = os.environ.get(env, default).strip().lower()
    if setting in {"off", "av", "nej", "no", ""}:
        return
    try:
        times = ([dt.time.fromisoformat(part.strip()) for part in setting.split(",") if part.strip()] if several
                 else [dt.time.fromisoformat(setting)])
    except ValueError:
        expected = "tider (TT:MM, kommaseparerade)" if several else "en tid (TT:MM)"
        raise CliError(f"{env} '{setting}' är inte {expected} eller 'off'") from None

    def loop() -> None:
        while True:
            now = dt.datetime.now(dt.timezone.utc)
            due = min(next_daily_run(now, at) for at in times)
            time.sleep(max(1.0, (due - dt.datetime.now(dt.timezone.utc)).total_seconds()))
            if day_rule(due.date()):
                subprocess.run([sys.executable, "-m", "stabil.cli", *command], check=False)

    threading.Thread(target=loop, name=name, daemon=True).start()
    sys.stderr.write(notice.format(at=", ".join(f"{at:%H:%M}" for at in times)) + "\n")


def _start_daily_digest() -> None:
    """Send the deadline digest (`stabil digest`) every working day at STABIL_DIGEST_TIME, Stockholm time."""
    from stabil.core.calendar import is_working_day  # lazy: this module loads before django.setup() (main)

    _start_daily("stabil-daily-digest", "STABIL_DIGEST_TIME", "07:00", ["digest"], is_working_day,
                 "Daglig fristsammanställning skickas arbetsdagar kl. {at}.")


def _start_monthly_retention_proposal() -> None:
    """Propose the month's destruction lists (`stabil retention propose`, as the operator) on the month's first
    working day at STABIL_RETENTION_PROPOSE_TIME, Stockholm time (issue 15: "each month a list is proposed").
    Nothing is removed: each list waits for two approvals and a run (docs/records.md)."""
    from stabil.core.retention import is_proposal_day  # lazy: this module loads before django.setup() (main)

    _start_daily("stabil-monthly-retention", "STABIL_RETENTION_PROPOSE_TIME", "06:00",
                 ["retention", "propose"], is_proposal_day,
                 "Månadens gallringslistor föreslås första arbetsdagen i månaden kl. {at}.")


def _start_feeds_schedule() -> None:
    """Run the nightly feeds (`stabil feeds run`) every day at STABIL_IMPORT_TIME, Stockholm time (issue 14).

    Only when STABIL_IMPORT_DIR is set; the files become jobs that the worker beside the server imports.
    STABIL_IMPORT_TIME=off leaves it to cron or a systemd timer (docs/feeds.md). Several times may be given,
    comma-separated ("02:00,14:00").
    """
    if not os.environ.get("STABIL_IMPORT_DIR", "").strip():
        return
    _start_daily("stabil-feeds", "STABIL_IMPORT_TIME", "02:00", ["feeds", "run"], lambda _day: True,
                 "Importmappen läses dagligen kl. {at}.", several=True)


def _serve(host: str, port: int, workers: int, with_worker: bool) -> int:
    """Serve the app with gunicorn (production-grade WSGI server) and a task worker beside it."""
    # heavy: gunicorn loads only for `stabil serve`
    from gunicorn.app.base import BaseApplication

    # lazy: this module loads before django.setup() (main)
    from stabil.config.wsgi import application

    class StabilServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 120)
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")

        def load(self):
            return application

    _start_daily_digest()
    _start_monthly_retention_proposal()
    _start_feeds_schedule()
    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "stabil.cli", "worker"], env=os.environ.copy())
    sys.stderr.write(f"Stabil svarar på http://{host}:{port}/ (avsluta med Ctrl+C)\n")
    try:
        StabilServer().run()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def _cmd_serve(args) -> int:
    return _serve(args.host, args.port, args.workers, not args.no_worker)


def _start_api_tick() -> None:
    """Announce API events and send due webhooks every STABIL_API_TICK_SECONDS (issue 14), in the worker.

    A thread of the worker process (``stabil worker``, started by ``stabil serve``): webhooks are retried with
    back-off without cron; STABIL_API_TICK_SECONDS=0 switches it off (``stabil api tick`` from cron instead).
    """
    # lazy: this module loads before django.setup() (main); the API app needs Django set up
    from django.db import close_old_connections

    from stabil.api.services import api_tick

    seconds = int(os.environ.get("STABIL_API_TICK_SECONDS", "60") or 0)
    if seconds <= 0:
        return

    def loop() -> None:
        while True:
            time.sleep(seconds)
            try:
                api_tick()
            except Exception as exc:  # noqa: BLE001 - one failed tick must not stop the next
                sys.stderr.write(f"API-händelser: {exc}\n")
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="stabil-api-tick", daemon=True).start()


def _cmd_worker(args) -> int:
    # lazy: this module loads before django.setup() (main)
    from django.core.management import call_command

    _start_api_tick()
    call_command("db_worker", interval=1.0)
    return 0


def _demo_configure(parser) -> None:
    _serve_configure(parser)
    parser.add_argument("--no-serve", action="store_true", help="bygg bara demodata, starta ingen webbserver")
    parser.add_argument("--seed", type=int, default=2026, help="slumpfrö (samma frö ger samma kommun)")


def _cmd_demo(args) -> int:
    # lazy: this module loads before django.setup() (main)
    from stabil.demo.generator import DEMO_PASSWORD, DEMO_USERS, build

    _migrate(quiet=True)
    built = build(seed=args.seed)
    sys.stderr.write("Demokommunen byggdes.\n" if built else "Demokommunen fanns redan; inget ändrades.\n")
    print("Demoanvändare (lösenord för alla: %s):" % DEMO_PASSWORD)
    for username, role_label, scope in DEMO_USERS:
        print(f"  {username:<16} {role_label:<22} {scope}")
    if args.no_serve:
        return 0
    return _serve(args.host, args.port, args.workers, not args.no_worker)


def _literal(text: str) -> str:
    """Escape '%' for argparse, which formats help texts with %-style placeholders ("80/95 %")."""
    return text.replace("%", "%%")


def _report_configure_factory(registry: Registry):
    def configure(parser) -> None:
        sub = parser.add_subparsers(dest="report_kind", metavar="RAPPORT", parser_class=SwedishArgumentParser)
        sub.required = True
        for kind, command in sorted(registry.reports.items()):
            report_parser = sub.add_parser(kind, help=_literal(command.help), description=command.help)
            command.configure(report_parser)
            report_parser.set_defaults(_report=command)

    return configure


def _cmd_report(args) -> int:
    return args._report.run(args)


def _cmd_manage(args) -> int:
    # lazy: this module loads before django.setup() (main)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["stabil manage", *args.django_args])
    return 0


def build_registry() -> Registry:
    registry = Registry()
    registry.command("demo", help="bygg demokommunen och starta webbappen på http://127.0.0.1:8000",
                     configure=_demo_configure, run=_cmd_demo, needs_db=False)
    registry.command("serve", help="kör webbappen för skarp drift (gunicorn)", configure=_serve_configure,
                     run=_cmd_serve)
    registry.command("migrate", help="skapa eller uppgradera databasen som DATABASE_URL anger",
                     configure=lambda p: None, run=_cmd_migrate, needs_db=False)
    registry.command("worker", help="kör bakgrundsarbetaren för långa jobb", configure=lambda p: None,
                     run=_cmd_worker)
    registry.command("manage", help="Djangos egna kommandon (för drift och utveckling)",
                     configure=lambda p: p.add_argument("django_args", nargs=argparse.REMAINDER), run=_cmd_manage,
                     needs_db=False)
    for module_name in AREA_CLI_MODULES:
        if find_spec(module_name) is not None:
            import_module(module_name).register(registry)
    registry.command("report", help="rapporter som JSON, CSV, Excel eller PDF",
                     configure=_report_configure_factory(registry), run=_cmd_report)
    return registry


def build_parser(registry: Registry) -> SwedishArgumentParser:
    parser = SwedishArgumentParser(prog="stabil", description="Stabil – frister, arbetsbelastning, personal, "
                                   "styrning och simulering för den sociala barn- och ungdomsvården.")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    for name, command in registry.commands.items():
        command_parser = sub.add_parser(name, help=_literal(command.help), description=command.help)
        command.configure(command_parser)
        command_parser.set_defaults(_command=command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _setup_django()
    registry = build_registry()
    parser = build_parser(registry)
    if not argv:
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    command = args._command
    try:
        if command.needs_db:
            problem = database_status()
            if problem:
                raise CliError(problem)
        return int(command.run(args) or 0)
    except CliError as exc:
        sys.stderr.write(f"stabil: fel: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("stabil: avbrutet\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a bare stack trace for the user; the details when asked for
        if os.environ.get("STABIL_DEBUG", "").lower() in {"1", "true", "yes"}:
            traceback.print_exc()
        sys.stderr.write(
            f"stabil: oväntat fel ({exc.__class__.__name__}: {exc}). Inget har sparats till hälften. "
            "Kör med STABIL_DEBUG=1 för detaljer.\n"
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
