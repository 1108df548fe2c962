"""Simulation commands: `stabil forecast` and `stabil simulate`. Contract: docs/simulation.md.

Output (JSON or CSV) alone on standard output; progress and notices on standard error. Neither command
shows personal data: forecasts are monthly counts and simulations aggregate staff and cases.
"""

from __future__ import annotations

import argparse

from stabil.common.cli import CliError, parse_date

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
    from stabil.organisation.models import Unit

    if code is None:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        known = ", ".join(Unit.objects.order_by("code").values_list("code", flat=True)[:30])
        raise CliError(f"okänd enhet '{code}' (finns: {known})")
    return unit


def _db_ready() -> None:
    from stabil.cli import database_status

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


def _forecast_run(args) -> int:
    from django.utils import timezone

    from stabil.common.output import write_csv, write_json
    from stabil.common.progress import notice

    from . import selectors

    unit = _unit(args.unit)
    on = args.on or timezone.localdate()
    notice(f"Prognos: {selectors.SERIES_LABELS[args.series].lower()}"
           f"{' för ' + unit.code if unit else ' för alla enheter'}"
           f"{', kategori ' + args.category if args.category else ''}; backtest av modellerna …")
    result = selectors.forecast(series=args.series, unit_ids=[unit.pk] if unit else None, category=args.category,
                                on=on, months_ahead=args.months)
    notice(f"Vald modell: {result.model}; MASE {result.mase_model} (säsongsnaiv {result.mase_seasonal_naive})")
    if result.note:
        notice(result.note)
    doc = result.to_dict()
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


def _load(args):
    from django.utils import timezone

    from stabil.core import simulation as core

    from . import selectors

    given = [x for x in (args.scenario_file, args.unit, args.scenario) if x is not None]
    if len(given) != 1:
        raise CliError("ange precis en av SCENARIOFIL, --unit KOD eller --scenario ID")
    try:
        if args.scenario_file:
            return core.load_scenario(args.scenario_file)
        _db_ready()
        if args.unit:
            unit = _unit(args.unit)
            return selectors.unit_scenario(unit, timezone.localdate(), months=args.months or 36)
        from .models import Scenario

        stored = Scenario.objects.filter(pk=args.scenario).first()
        if stored is None:
            raise CliError(f"scenario {args.scenario} finns inte")
        return selectors.core_scenario(stored)
    except core.ScenarioError as exc:
        raise CliError("ogiltigt scenario:\n  " + "\n  ".join(exc.errors)) from None


def _simulate_run(args) -> int:
    from stabil.common.output import write_csv, write_json
    from stabil.common.progress import Progress, notice
    from stabil.core import simulation as core

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
