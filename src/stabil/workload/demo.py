"""Demo workload settings: the model's first version, admin support, team specialisations, case
complexity markers, and the risk measures a unit manager would have recorded.

Runs after the staff and cases steps (``stabil.demo.generator.STEPS``); deterministic from ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt

from stabil.cases.selectors import cases
from stabil.cases.services import case_events_load
from stabil.core.workload import WorkloadConfig as ModelConfig
from stabil.organisation.selectors import teams

from . import services
from .models import CaseComplexity, RiskMeasure

# What each demo team works with (allocation ranks people who fit the case's type first).
TEAM_WORK_TYPES = {
    "UTR-A": ["preliminary_assessment", "investigation"],
    "UTR-B": ["preliminary_assessment", "investigation"],
    "UNG-1": ["preliminary_assessment", "investigation", "outpatient_followup"],
    "PLA-FH": ["foster_home"],
    "PLA-UPF": ["placement_followup", "outpatient_followup"],
    "EKB-1": ["preliminary_assessment", "investigation", "ensamkommande"],
}
# Reception has admin support (Värmdö: "Gruppen har förstärkts med ett administrativt stöd").
ADMIN_SUPPORT_UNITS = ("BU-MOT",)
# New reports waiting for a caseworker, per unit, so that the allocation page has work in the demo.
NEW_REPORTS = {"BU-UTR": 4, "BU-MOT": 3, "BU-UNG": 2}
# Shares of cases with complexity markers: interpreter needed, several children in the case.
INTERPRETER_SHARE = {"ensamkommande": 0.6, "barn": 0.12, "ungdom": 0.08}
SEVERAL_CHILDREN_SHARE = {"barn": 0.2, "ungdom": 0.05, "ensamkommande": 0.02}


def build(ctx) -> None:
    services.config_save(by=None, data=ModelConfig().to_dict(), source="demo",
                         note="Standardvärden (antaganden, se docs/workload.md)")
    for code in ADMIN_SUPPORT_UNITS:
        if code in ctx.units:
            services.unit_settings_set(by=None, unit=ctx.units[code], admin_support=True)
    for code, work_types in TEAM_WORK_TYPES.items():
        team = ctx.teams.get(code)
        if team is None:
            team = teams().filter(code=code).first()
        if team is not None:
            services.team_work_types_set(by=None, team=team, work_types=work_types)
    rows = []
    for pk, category in cases().order_by("pk").values_list("pk", "category"):
        interpreter = ctx.rng.random() < INTERPRETER_SHARE.get(category, 0.0)
        several = ctx.rng.random() < SEVERAL_CHILDREN_SHARE.get(category, 0.0)
        if interpreter or several:
            rows.append(CaseComplexity(case_id=pk, interpreter_needed=interpreter, several_children=several))
    CaseComplexity.objects.bulk_create(rows, batch_size=2000)
    _new_reports(ctx)
    unit = ctx.units.get("BU-UTR")
    if unit is not None:
        today = ctx.today
        for risk, measure, responsible, days, status in [
            ("Fler än var tredje utredare över 100 % belastning",
             "Omfördela förhandsbedömningar till mottagningen; rekrytera två socialsekreterare",
             "Enhetschef BU-UTR", 60, RiskMeasure.Status.IN_PROGRESS),
            ("Nyutexaminerade blir huvudhandläggare för tidigt",
             "Mentor under första året; nyutexaminerade är medhandläggare (Värmdös modell)",
             "Arbetsledare UTR-A", 30, RiskMeasure.Status.PLANNED),
            ("Hög andel inhyrda konsulter utan beslutsbefogenhet",
             "Ersätt konsulter med tillsvidareanställda i takt med rekrytering",
             "Avdelningschef BU", 180, RiskMeasure.Status.PLANNED),
        ]:
            services.risk_measure_record(by=None, unit=unit, risk=risk, measure=measure, responsible=responsible,
                                         due_on=today + dt.timedelta(days=days), status=status)
    ctx.progress(f"arbetsbelastning: modellversion 1, {len(rows)} ärenden med komplexitetsmarkering")


def _new_reports(ctx) -> None:
    """Add reports received in the last days that no one has been assigned yet (through the cases area's
    service), half of them needing an interpreter."""
    rows = []
    interpreter = []
    number = 0
    for code, count in NEW_REPORTS.items():
        if ctx.units.get(code) is None:
            continue
        for _ in range(count):
            number += 1
            reported = ctx.today - dt.timedelta(days=ctx.rng.randint(0, 3))
            birth = reported - dt.timedelta(days=ctx.rng.randint(365, 17 * 365))
            category = "ungdom" if code == "BU-UNG" else "barn"
            head = [f"BU-NY-{number:03d}", f"P-NY-{number:03d}", birth.isoformat(), category, code]
            for kind in ("report_received", "protection_assessed"):
                rows.append([*head, kind, reported.isoformat(), "", "", "", "", ""])
            if ctx.rng.random() < 0.5:
                interpreter.append(head[0])
    if rows:
        case_events_load(by=None, rows=rows)
    pks = dict(cases().filter(case_id__in=interpreter).values_list("case_id", "pk"))
    CaseComplexity.objects.bulk_create([CaseComplexity(case_id=pks[case_id], interpreter_needed=True)
                                        for case_id in interpreter])
