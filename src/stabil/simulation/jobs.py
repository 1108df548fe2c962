"""Background job runners for the simulation area (called by ``stabil.jobs`` in the worker)."""

from __future__ import annotations

from django.urls import reverse

from stabil.core.simulation import ScenarioError
from stabil.jobs.services import JobError

from . import services
from .models import SimulationRun


def run_scenario(*, job, progress, run_id: int) -> dict:
    """Run one SimulationRun; the result is stored on the run, the job keeps a link to it."""
    run = SimulationRun.objects.select_related("scenario").get(pk=run_id)
    try:
        data = services.run_execute(run=run, progress=progress)
    except ScenarioError as exc:
        raise JobError("Scenariot är ogiltigt: " + "; ".join(exc.errors)) from exc
    s = data["summary"]
    inv = s.get("investigation_compliance") or {}
    text = f"{run.runs} körningar klara."
    if inv.get("median") is not None:
        text += f" Utredningar i tid (median): {inv['median'] * 100:.0f} %."
    return {"summary": text, "url": reverse("simulation:scenario", args=[run.scenario_id]),
            "url_label": "Visa scenariot"}
