"""Reading a scenario from a dict, a TOML or a JSON file, with every problem in one Swedish message list.

Each field of a scenario file is read by a rule that says only what a valid value is (a number in a
range, a date, a list of twelve shares ...). A field the file leaves out is not passed to the dataclass,
so it takes the dataclass field's default (``scenario.py``): a default has one home. Every problem is
collected and raised at once in a :class:`ScenarioError`, each message naming its field
(``measures[0].count: ska vara minst 1 för åtgärden nyanställning``).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from stabil.core.deadlines import DEFAULT_CONFIG, DeadlineConfig
from stabil.core.workload import ConfigError, WorkloadConfig

from .scenario import (
    DEADLINE_RULES,
    FILE_FIELDS,
    HORIZON_BUFFER_DAYS,
    MEASURE_KINDS,
    MEASURE_LABELS_SV,
    MEASURES_WITH_CAP,
    MEASURES_WITH_PEOPLE,
    OUTPUT_KEYS,
    PRE_PERIOD_DAYS,
    Measure,
    Phase,
    Scenario,
    ScenarioError,
    StaffGroup,
    Target,
    default_of,
    default_phases,
)
from .turnover import TurnoverModel

# --- what a valid value is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A number within lo..hi (either may be open), an integer when ``integer``; None too when ``optional``."""

    lo: float | None = None
    hi: float | None = None
    integer: bool = False
    optional: bool = False


@dataclass(frozen=True)
class Numbers:
    """A list of numbers within lo..hi, exactly ``length`` of them when a length is given."""

    length: int | None
    lo: float = 0.0
    hi: float | None = None


@dataclass(frozen=True)
class Text:
    """Any text."""


@dataclass(frozen=True)
class Boolean:
    """true or false."""


@dataclass(frozen=True)
class Day:
    """A date, as a TOML date or as text YYYY-MM-DD."""


@dataclass(frozen=True)
class Choice:
    """One of ``options`` (or None when ``optional``); ``message`` says which, in Swedish."""

    options: tuple[str, ...]
    message: str
    optional: bool = False


SCENARIO_FIELDS = {
    "name": Text(),
    "description": Text(),
    "start_on": Day(),
    "months": Number(1, 120, integer=True),
    "reports_per_month": Number(0, 100_000),
    "annual_growth": Number(-0.9, 5.0),
    "seasonality": Numbers(12, 0.0, 10.0),
    "inflow_forecast": Numbers(None, 0.0),
    "vacancies": Number(0, 10_000, integer=True),
    "caseload_cap_per_fte": Number(0.5, 1000),
    "sick_leave_share": Number(0, 0.9),
    "vacation_share": Numbers(12, 0.0, 0.95),
    "recruitment_lead_months": Number(0, 24, integer=True),
    "recruitment_success_share": Number(0, 1),
    "hire_experienced_share": Number(0, 1),
    "consultants_fill_vacancies": Boolean(),
    "consultant_lead_months": Number(0, 24, integer=True),
    "consultant_cap": Number(0, 10_000, integer=True, optional=True),
    "start_absence_share": Number(0, 1, optional=True),
}
#: Fields of a scenario read by their own code below (lists and tables of other types).
SCENARIO_TABLES = ("staff", "phases", "open_allocated", "open_unallocated", "measures", "turnover",
                   "monthly_cost_sek", "workload", "target")
STAFF_FIELDS = {
    "count": Number(0, 10_000, integer=True),
    "experience_years": Number(0, 60),
    "fte": Number(0.05, 1.0),
    "consultant": Boolean(),
    "supervisees": Number(0, 1000, integer=True),
    "trainee": Boolean(),
}
TURNOVER_FIELDS = {
    "annual_rate_at_reference": Number(0, 3),
    "reference_load": Number(0.1, 5),
    "load_sensitivity": Number(0, 20),
    "max_monthly_probability": Number(0, 1),
}
PHASE_FIELDS = {
    "key": Text(),
    "mean_days": Number(1, HORIZON_BUFFER_DAYS / 3),
    "shape": Number(0.2, 100),
    "deadline": Choice(DEADLINE_RULES, "ska vara preliminary_assessment, investigation eller utelämnas",
                       optional=True),
    "hours_per_month": Number(0, 200, optional=True),
    "work_type": Text(),
    "counts_toward_cap": Boolean(),
    "next_share": Number(0, 1),
}
MEASURE_FIELDS = {
    "kind": Choice(MEASURE_KINDS, "okänd åtgärd {value!r} (finns: " + ", ".join(MEASURE_KINDS) + ")"),
    "start_on": Day(),
    "count": Number(0, 10_000, integer=True),
    "experienced": Boolean(),
    "weeks": Number(1, 52, integer=True),
    "months": Number(0, 120, integer=True),
    "conversion_share": Number(0, 1),
    "sek_per_month": Number(0, 100_000),
    "cap": Number(0, 10_000, optional=True),
    "turnover_factor": Number(0.1, 1.5),
    "cost_sek": Number(0, 1e10),
    "monthly_cost_sek": Number(0, 1e9),
    "label": Text(),
    "action_plan_measure": None,  # free text or an id: any value, read as text
}
TARGET_FIELDS = {
    "output": Choice(OUTPUT_KEYS, "okänt utfall {value!r} (finns: " + ", ".join(OUTPUT_KEYS) + ")"),
    "value": Number(-1e12, 1e12),
    "months": Number(1, 120, integer=True),
    "higher_is_better": Boolean(),
}
MONTHLY_COST_FIELDS = {key: Number(0, 10_000_000) for key in default_of(Scenario, "monthly_cost_sek")}

_INVALID = object()  # a value that was given but is not valid (its message is already recorded)


class _Reader:
    """Collect Swedish validation messages while reading a nested dict."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    def table(self, data: Any, name: str) -> Mapping[str, Any] | None:
        """Return ``data`` when it is a table, else record that it should be one and return None."""
        if isinstance(data, Mapping):
            return data
        self.error(f"{name}: ska vara en tabell")
        return None

    def unknown(self, data: Mapping[str, Any], allowed, where: str) -> None:
        for key in sorted(set(data) - set(allowed)):
            self.error(f"{where}{key}: okänt fält")

    def fields(self, data: Mapping[str, Any], rules: Mapping[str, Any], where: str) -> dict[str, Any]:
        """Return the valid values of the fields ``data`` gives (absent fields keep the dataclass default)."""
        values = {}
        for key, rule in rules.items():
            if key in data:
                value = self.value(data[key], rule, f"{where}{key}")
                if value is not _INVALID:
                    values[key] = value
        return values

    def value(self, value: Any, rule: Any, path: str) -> Any:
        """Return ``value`` read by ``rule``, or _INVALID after recording the message."""
        if rule is None:
            return str(value or "")
        if isinstance(rule, Number):
            return self.number(value, rule, path)
        if isinstance(rule, Numbers):
            return self.numbers(value, rule, path)
        if isinstance(rule, Text):
            if isinstance(value, str):
                return value
            self.error(f"{path}: ska vara text, fick {value!r}")
        elif isinstance(rule, Boolean):
            if isinstance(value, bool):
                return value
            self.error(f"{path}: ska vara true eller false, fick {value!r}")
        elif isinstance(rule, Day):
            if isinstance(value, date):
                return value
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                self.error(f"{path}: ska vara ett datum ÅÅÅÅ-MM-DD, fick {value!r}")
        elif isinstance(rule, Choice):
            if value in rule.options or (value is None and rule.optional):
                return value
            self.error(f"{path}: " + rule.message.format(value=value))
        return _INVALID

    def number(self, value: Any, rule: Number, path: str) -> Any:
        if value is None and rule.optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(f"{path}: ska vara ett tal, fick {value!r}")
            return _INVALID
        lo, hi = rule.lo, rule.hi
        finite = math.isfinite(value)
        if finite and rule.integer and int(value) != value:
            self.error(f"{path}: ska vara ett heltal, fick {value!r}")
            return _INVALID
        if not finite or (lo is not None and value < lo) or (hi is not None and value > hi):
            span = f"{lo if lo is not None else '-∞'}–{hi if hi is not None else '∞'}"
            self.error(f"{path}: ska ligga i intervallet {span}, fick {value!r}")
            return _INVALID
        return int(value) if rule.integer else float(value)

    def numbers(self, value: Any, rule: Numbers, path: str) -> Any:
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
            self.error(f"{path}: ska vara en lista med tal")
            return _INVALID
        if rule.length is not None and len(value) != rule.length:
            self.error(f"{path}: ska ha {rule.length} värden (ett per månad), fick {len(value)}")
            return _INVALID
        if any(v < rule.lo or (rule.hi is not None and v > rule.hi) for v in value):
            self.error(f"{path}: värdena ska ligga i intervallet {rule.lo}–{rule.hi if rule.hi is not None else '∞'}")
            return _INVALID
        return tuple(float(v) for v in value)

    def items(self, data: Mapping[str, Any], key: str, what: str) -> list[tuple[str, Mapping[str, Any]]]:
        """Return (where, table) for each table of the list ``data[key]`` (none when absent)."""
        raw = data.get(key, [])
        if not isinstance(raw, list):
            self.error(f"{key}: ska vara en lista med {what}")
            return []
        out = []
        for i, item in enumerate(raw):
            if isinstance(item, Mapping):
                out.append((f"{key}[{i}].", item))
            else:
                self.error(f"{key}[{i}]: ska vara en tabell")
        return out


# --- the parts of a scenario ---------------------------------------------------------------------


def _staff(r: _Reader, data: Mapping[str, Any]) -> tuple[StaffGroup, ...]:
    staff = []
    for where, item in r.items(data, "staff", "personalgrupper"):
        r.unknown(item, STAFF_FIELDS, where)
        values = r.fields(item, STAFF_FIELDS, where)
        if "count" not in item:
            r.error(f"{where}count: saknas (antal personer i gruppen)")
            continue
        group = StaffGroup(**{"count": 0, **values})
        if group.consultant and group.trainee:
            r.error(f"{where}trainee: en konsult kan inte vara trainee")
        staff.append(group)
    if "staff" not in data:
        r.error("staff: saknas (minst en personalgrupp)")
    return tuple(staff)


def _phases(r: _Reader, data: Mapping[str, Any]) -> tuple[Phase, ...] | None:
    """Return the phases the scenario gives, or None when it keeps the default flow."""
    if "phases" not in data:
        return None
    if not isinstance(data["phases"], list) or not data["phases"]:
        r.error("phases: ska vara en lista med minst en fas")
        return None
    phases = []
    for where, item in r.items(data, "phases", "faser"):
        r.unknown(item, PHASE_FIELDS, where)
        values = r.fields(item, PHASE_FIELDS, where)
        missing = [key for key in ("key", "mean_days") if key not in item]
        for key in missing:
            r.error(f"{where}{key}: saknas ({'fasens namn' if key == 'key' else 'medellängd i dagar'})")
        if not missing and {"key", "mean_days"} <= set(values):
            phases.append(Phase(**values))
    return tuple(phases) or None


def _open_cases(r: _Reader, data: Mapping[str, Any], name: str, phase_keys: set[str]) -> dict | None:
    """Return the open cases by phase (ages in days; a bare count is that many new cases)."""
    if name not in data:
        return None
    raw = data[name]
    if not isinstance(raw, Mapping):
        r.error(f"{name}: ska vara en tabell fas -> lista med ärendens ålder i dagar")
        return None
    parsed = {}
    for key, ages in raw.items():
        if key not in phase_keys:
            r.error(f"{name}.{key}: okänd fas (finns: {', '.join(sorted(phase_keys))})")
            continue
        if isinstance(ages, int) and not isinstance(ages, bool) and ages >= 0:
            ages = [0] * ages  # a bare count: ages unknown, treated as new
        if not isinstance(ages, list) or any(not isinstance(a, int) or isinstance(a, bool) or a < 0 for a in ages):
            r.error(f"{name}.{key}: ska vara ett antal eller en lista med åldrar i hela dagar (>= 0)")
            continue
        parsed[key] = tuple(min(a, PRE_PERIOD_DAYS - 1) for a in ages)
    return parsed


def _measures(r: _Reader, data: Mapping[str, Any]) -> tuple[Measure, ...]:
    measures = []
    for where, item in r.items(data, "measures", "åtgärder"):
        r.unknown(item, MEASURE_FIELDS, where)
        kind = r.value(item.get("kind"), MEASURE_FIELDS["kind"], f"{where}kind")
        if kind is _INVALID:
            continue
        values = r.fields(item, MEASURE_FIELDS, where)
        if "start_on" not in item:
            r.error(f"{where}start_on: saknas (ett datum ÅÅÅÅ-MM-DD)")
        label = MEASURE_LABELS_SV[kind]
        if kind in MEASURES_WITH_PEOPLE and values.get("count", default_of(Measure, "count")) < 1:
            r.error(f"{where}count: ska vara minst 1 för åtgärden {label}")
        if kind in MEASURES_WITH_CAP and item.get("cap") is None:
            r.error(f"{where}cap: saknas för åtgärden {label}")
        if kind == "pay_rise" and "sek_per_month" not in item:
            r.error(f"{where}sek_per_month: saknas för åtgärden {label}")
        if "start_on" in values:
            measures.append(Measure(**values))
    return tuple(measures)


def _table(r: _Reader, data: Mapping[str, Any], name: str, rules: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the valid fields of the table ``data[name]``, or None when the scenario leaves it out."""
    if name not in data:
        return None
    table = r.table(data[name], name)
    if table is None:
        return None
    r.unknown(table, rules, f"{name}.")
    return r.fields(table, rules, f"{name}.")


# --- the scenario --------------------------------------------------------------------------------


def scenario_from_dict(data: Mapping[str, Any], *, deadline_config: DeadlineConfig = DEFAULT_CONFIG) -> Scenario:
    """Return a validated :class:`Scenario` from a dict (as read from TOML or JSON).

    Fields the dict leaves out take the dataclass defaults. ``deadline_config`` is the municipality's
    deadline rules (not part of a scenario file). Raises :class:`ScenarioError` listing every problem,
    each naming its field in Swedish.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(["scenariot ska vara en tabell med fält"])
    r = _Reader()
    r.unknown(data, FILE_FIELDS, "")
    values = r.fields(data, SCENARIO_FIELDS, "")
    if "name" not in data or (isinstance(data["name"], str) and not data["name"].strip()):
        r.error("name: saknas (scenariots namn)")
    if "start_on" not in data:
        r.error("start_on: saknas (ett datum ÅÅÅÅ-MM-DD)")
    if "reports_per_month" not in data:
        if data.get("inflow_forecast"):
            values["reports_per_month"] = 0.0  # the forecast gives every month's mean
        else:
            r.error("reports_per_month: saknas (anmälningar per månad)")
    values["staff"] = _staff(r, data)
    phases = _phases(r, data)
    if phases is not None:
        values["phases"] = phases
    phase_keys = {p.key for p in (phases or default_phases())}
    for name in ("open_allocated", "open_unallocated"):
        cases = _open_cases(r, data, name, phase_keys)
        if cases is not None:
            values[name] = cases
    values["measures"] = _measures(r, data)
    turnover = _table(r, data, "turnover", TURNOVER_FIELDS)
    if turnover is not None:
        values["turnover"] = TurnoverModel(**turnover)
    costs = _table(r, data, "monthly_cost_sek", MONTHLY_COST_FIELDS)
    if costs is not None:
        values["monthly_cost_sek"] = {**default_of(Scenario, "monthly_cost_sek"), **costs}
    target = _table(r, data, "target", TARGET_FIELDS)
    if target is not None:
        values["target"] = Target(**target)
    if "workload" in data:
        try:
            values["workload"] = WorkloadConfig.from_dict(data["workload"])
        except (ConfigError, TypeError, ValueError) as exc:
            r.error(f"workload: {exc}")
    months = values.get("months", default_of(Scenario, "months"))
    forecast = values.get("inflow_forecast", ())
    if forecast and len(forecast) < months:
        r.error(f"inflow_forecast: ska ha minst {months} månadsvärden, fick {len(forecast)}")
    if r.errors:
        raise ScenarioError(r.errors)
    return Scenario(**values, deadline_config=deadline_config)


def load_scenario(path: str, text: str | bytes | None = None) -> Scenario:
    """Return the scenario in a TOML (``.toml``) or JSON (``.json``) file; errors name the file."""
    try:
        if text is None:
            with open(path, "rb") as fh:
                text = fh.read()
        raw = text if isinstance(text, str) else text.decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ScenarioError([f"{path}: kan inte läsa filen (den finns inte)"]) from exc
    except OSError as exc:
        raise ScenarioError([f"{path}: kan inte läsa filen (åtkomst nekad eller inte en fil)"]) from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{path}: filen är inte UTF-8"]) from exc
    try:
        if str(path).lower().endswith(".json"):
            data = json.loads(raw)
        else:
            data = tomllib.loads(raw)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path}: ogiltig JSON på rad {exc.lineno}, kolumn {exc.colno}: {exc.msg}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: ogiltig TOML: {exc}"]) from exc
    try:
        return scenario_from_dict(data)
    except ScenarioError as exc:
        raise ScenarioError([f"{path}: {e}" for e in exc.errors]) from exc

