"""Simulation commands: `stabil forecast` and `stabil simulate`. Contract: docs/simulation.md.

Output (JSON or CSV) alone on standard output; progress and notices on standard error. Neither command
shows personal data: forecasts are monthly counts and simulations aggregate staff and cases.
"""

from __future__ import annotations

import argparse

from django.utils import timezone

from stabil.accounts.policy import sees_exact_figures_for
from stabil.cli import database_status
from stabil.common.cli import (
    CliError,
    acting_user,
    add_by_argument,
    parse_date,
    require_capability,
    units_in_scope,
)
from stabil.common.output import write_csv, write_json
from stabil.common.progress import Progress, notice
from stabil.core import simulation as core
from stabil.governance.selectors import default_threshold
from stabil.organisation.selectors import units

from . import selectors
from .models import Scenario

CATEGORIES = ("barn", "ungdom", "ensamkommande")
BAND_KEYS = ("median", "lo80", "hi80", "lo95", "hi95")


def _positive(low: int, high: int, what: str):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} ska vara ett heltal, fick '{value}'") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{what} ska vara {low}–{high}, fick {number}")
        return number

    return parse


def _unit(code: str | None):
    if code is None:
        return None
    unit = units().filter(code=code).first()
    if unit is None:
        known = ", ".join(units().order_by("code").values_list("code", flat=True)[:30])
        raise CliError(f"okänd enhet '{code}' (finns: {known})")
    return unit


def _db_ready() -> None:
    problem = database_status()
    if problem:
        raise CliError(problem)


# --- stabil forecast -----------------------------------------------------------------------------


def _forecast_configure(parser) -> None:
    parser.add_argument("--months", type=_positive(1, 36, "--months"), default=24, help="månader framåt (1–36)")
    parser.add_argument("--unit", metavar="KOD", help="enhetskod (standard: alla enheter)")
    parser.add_argument("--category", choices=CATEGORIES, help="ärendekategori")
    parser.add_argument("--series", choices=("reports", "investigations"), default="reports",
                        help="inkomna anmälningar (standard) eller inledda utredningar")
    parser.add_argument("--on", type=parse_date, default=None, metavar="DATUM",
                        help="historiken slutar med månaden före detta datum (standard: i dag)")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    add_by_argument(parser)


def _forecast_run(args) -> int:
    by = acting_user(args.by)
    require_capability(by, "simulation.view", "prognoserna")
    if by is None:
        unit = _unit(args.unit)
        unit_ids = [unit.pk] if unit else None
    else:
        # As on the forecast page: the user's units only, and "all" means all of theirs.
        scoped = units_in_scope(by, args.unit)
        unit = scoped[0] if args.unit else None
        unit_ids = [u.pk for u in scoped]
    on = args.on or timezone.localdate()
    notice(f"Prognos: {selectors.SERIES_LABELS[args.series].lower()}"
           f"{' för ' + unit.code if unit else ' för alla enheter'}"
           f"{', kategori ' + args.category if args.category else ''}; backtest av modellerna …")
    result = selectors.forecast(series=args.series, unit_ids=unit_ids, category=args.category,
                                on=on, months_ahead=args.months)
    doc = result.to_dict()
    if by is not None and not sees_exact_figures_for(by, unit_ids):
        # Small counts of children: suppressed, and no forecast from a suppressed month (the page likewise).
        shown = selectors.forecast_disclosure(doc, exact=False, threshold=default_threshold())
        doc["history"] = [{"month": month, "value": value} for month, value in shown["history"]]
        if not shown["forecast_shown"]:
            notice("Serien har månader med för små tal: prognosen visas inte (offentliga tal).")
            doc["forecast"], doc["backtest"] = [], {}
            doc["mase_model"] = doc["mase_seasonal_naive"] = None
    if doc["forecast"]:
        notice(f"Vald modell: {result.model}; MASE {result.mase_model} (säsongsnaiv {result.mase_seasonal_naive})")
    if result.note:
        notice(result.note)
    if args.format == "json":
        write_json({"series": args.series, "unit": unit.code if unit else None, "category": args.category,
                    "months_ahead": args.months, **{k: doc[k] for k in ("model", "model_label", "mase_model",
                                                                       "mase_seasonal_naive", "backtest", "note")},
                    "months": doc["forecast"], "history": doc["history"]})
    else:
        write_csv(["month", *BAND_KEYS, "model", "mase_model", "mase_seasonal_naive"],
                  [[m["month"], *(m[k] for k in BAND_KEYS), result.model, result.mase_model,
                    result.mase_seasonal_naive] for m in doc["forecast"]])
    return 0


# --- stabil simulate -----------------------------------------------------------------------------


def _simulate_configure(parser) -> None:
    parser.add_argument("scenario_file", nargs="?", metavar="SCENARIOFIL",
                        help="scenariofil (TOML eller JSON, se docs/scenarios/)")
    parser.add_argument("--unit", metavar="KOD", help="utgå från enhetens personal och öppna ärenden i databasen")
    parser.add_argument("--scenario", type=int, metavar="ID", help="ett sparat scenario (se webbsidan Scenarier)")
    parser.add_argument("--runs", type=_positive(1, 100_000, "--runs"), default=1000)
    parser.add_argument("--months", type=_positive(1, 120, "--months"), default=None,
                        help="månader (standard: scenariots, annars 36)")
    parser.add_argument("--seed", type=_positive(0, 2**32 - 1, "--seed"), default=1)
    parser.add_argument("--baseline", action="store_true",
                        help="kör också scenariot utan åtgärder (samma slumptal) för kostnad per procentenhet")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    add_by_argument(parser)


def _load(args):
    given = [x for x in (args.scenario_file, args.unit, args.scenario) if x is not None]
    if len(given) != 1:
        raise CliError("ange precis en av SCENARIOFIL, --unit KOD eller --scenario ID")
    try:
        if args.scenario_file:
            return core.load_scenario(args.scenario_file)
        _db_ready()
        by = acting_user(args.by)
        require_capability(by, "simulation.view", "scenarierna")
        if args.unit:
            unit = _unit(args.unit) if by is None else units_in_scope(by, args.unit)[0]
            return selectors.unit_scenario(unit, timezone.localdate(), months=args.months or 36)

        if by is None:
            stored = Scenario.objects.filter(pk=args.scenario).first()
        else:
            stored = selectors.scenarios_for(by).filter(pk=args.scenario).first()
        if stored is None:
            raise CliError(f"scenario {args.scenario} finns inte")
        return selectors.core_scenario(stored)
    except core.ScenarioError as exc:
        raise CliError("ogiltigt scenario:\n  " + "\n  ".join(exc.errors)) from None


def _simulate_run(args) -> int:
    scenario = _load(args)
    months = args.months or scenario.months
    with_baseline = args.baseline and bool(scenario.measures)
    notice(f"Simulerar '{scenario.name}': {args.runs} körningar x {months} månader, frö {args.seed}"
           f"{' (och utan åtgärder)' if with_baseline else ''}")
    progress = Progress(1000, "Simulering", interval=1.0)

    def step(fraction: float) -> None:
        progress.advance(round(fraction * 1000) - progress.done_steps)

    try:
        result = core.simulate(scenario, runs=args.runs, seed=args.seed, months=months, progress=step,
                               with_baseline=with_baseline)
    except core.ScenarioError as exc:
        raise CliError("ogiltigt scenario:\n  " + "\n  ".join(exc.errors)) from None
    progress.finish()
    doc = result.to_dict()
    if args.format == "json":
        write_json(doc)
    else:
        rows = []
        for m in doc["months"]:
            for key in core.OUTPUT_KEYS:
                rows.append([m["month"], key, *(m[key][k] for k in BAND_KEYS)])
        write_csv(["month", "output", *BAND_KEYS], rows)
    return 0


def register(registry) -> None:
    registry.command("forecast", help="prognos för inflödet per månad med 80/95 %-intervall och backtest (MASE)",
                     configure=_forecast_configure, run=_forecast_run)
    registry.command("simulate", help="simulera ett scenario (fil, enhet eller sparat) och skriv banden per månad",
                     configure=_simulate_configure, run=_simulate_run, needs_db=False)
